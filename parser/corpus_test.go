package parser

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// corpusQuery is one line of a shared JSON-lines corpus.
type corpusQuery struct {
	ID    string `json:"id"`
	Query string `json:"query"`
}

// corpusPath is where the shared hunting corpus sits beside a checkout.
func corpusPath(name string) string { return filepath.Join("..", "..", "shared", "corpus", name) }

func loadCorpus(t testing.TB, name string) []corpusQuery {
	if _, err := os.Stat(corpusPath(name)); err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	qs, err := readCorpus(corpusPath(name))
	if err != nil {
		t.Fatal(err)
	}
	return qs
}

func readCorpus(path string) ([]corpusQuery, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []corpusQuery
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var q corpusQuery
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		out = append(out, q)
	}
	return out, sc.Err()
}

// TestCorpusRoundTrip checks that every corpus query that parses prints back to
// text that parses to the same tree. The pass rate itself is tracked by
// `spoor check` in CI against a recorded floor.
func TestCorpusRoundTrip(t *testing.T) {
	qs := loadCorpus(t, "hunting-public.jsonl")
	parsed := 0
	for _, q := range qs {
		tree, err := Parse(q.Query)
		if err != nil {
			if testing.Verbose() {
				t.Logf("%s: %v", q.ID, err)
			}
			continue
		}
		parsed++
		text := Format(tree)
		again, err := Parse(text)
		if err != nil {
			t.Errorf("%s: formatted text does not parse: %v\n%s", q.ID, err, text)
			continue
		}
		if !Equal(tree, again) {
			t.Errorf("%s: formatted text parses to a different tree:\n%s", q.ID, text)
		}
	}
	t.Logf("parsed %d of %d corpus queries", parsed, len(qs))
}
