package parser

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

// snippet is one case of testdata/valid.txt or testdata/invalid.txt: a block that
// starts with a "=== title" line and holds a query, and for invalid cases a final
// "error L:C text" line.
type snippet struct {
	title string
	line  int // line of the === header, for failure messages
	query string
	err   string // "L:C text" for invalid cases
}

func readSnippets(t *testing.T, path string) []snippet {
	t.Helper()
	out, err := loadSnippets(path)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func loadSnippets(path string) ([]snippet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []snippet
	var cur *snippet
	var body []string
	flush := func() {
		if cur == nil {
			return
		}
		for len(body) > 0 && strings.TrimSpace(body[len(body)-1]) == "" {
			body = body[:len(body)-1]
		}
		if n := len(body); n > 0 && strings.HasPrefix(body[n-1], "error ") {
			cur.err = strings.TrimPrefix(body[n-1], "error ")
			body = body[:n-1]
		}
		cur.query = strings.Join(body, "\n")
		out = append(out, *cur)
		cur, body = nil, nil
	}
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.HasPrefix(line, "===") {
			flush()
			cur = &snippet{title: strings.TrimSpace(strings.TrimPrefix(line, "===")), line: n}
			continue
		}
		if cur != nil {
			body = append(body, line)
		}
	}
	flush()
	return out, sc.Err()
}

// TestValidSnippets parses every valid snippet, checks that its canonical text
// parses to the same tree, and that formatting is stable.
func TestValidSnippets(t *testing.T) {
	for _, s := range readSnippets(t, "testdata/valid.txt") {
		t.Run(s.title, func(t *testing.T) {
			q, err := Parse(s.query)
			if err != nil {
				t.Fatalf("valid.txt:%d: %v\n%s", s.line, err.(*Error).Detail(), s.query)
			}
			text := Format(q)
			again, err := Parse(text)
			if err != nil {
				t.Fatalf("valid.txt:%d: canonical text does not parse: %v\n%s", s.line, err, text)
			}
			if !Equal(q, again) {
				t.Fatalf("valid.txt:%d: canonical text parses to a different tree:\n%s", s.line, text)
			}
			if text2 := Format(again); text2 != text {
				t.Fatalf("valid.txt:%d: formatting is not stable:\n%s\n---\n%s", s.line, text, text2)
			}
		})
	}
}

var errLine = regexp.MustCompile(`^(\d+):(\d+) (.*)$`)

// TestInvalidSnippets checks each invalid snippet's error position and message.
func TestInvalidSnippets(t *testing.T) {
	for _, s := range readSnippets(t, "testdata/invalid.txt") {
		t.Run(s.title, func(t *testing.T) {
			m := errLine.FindStringSubmatch(s.err)
			if m == nil {
				t.Fatalf("invalid.txt:%d: want an 'error L:C text' line, got %q", s.line, s.err)
			}
			_, err := Parse(s.query)
			if err == nil {
				t.Fatalf("invalid.txt:%d: parsed, want error %s", s.line, s.err)
			}
			pe, ok := err.(*Error)
			if !ok {
				t.Fatalf("invalid.txt:%d: error is %T, want *parser.Error: %v", s.line, err, err)
			}
			got := fmt.Sprintf("%d:%d", pe.Line, pe.Column)
			if want := m[1] + ":" + m[2]; got != want || !strings.Contains(pe.Msg, m[3]) {
				t.Fatalf("invalid.txt:%d:\n got: %s %s\nwant: %s %s", s.line, got, pe.Msg, want, m[3])
			}
		})
	}
}
