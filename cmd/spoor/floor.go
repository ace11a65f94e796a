package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// A floor file records, per corpus, figures that spoor check --floor must not fall
// below, so that a change which stops queries from parsing fails CI. One setting a
// line, "#" starts a comment:
//
//	hunting-public.parsed=1100
//	hunting-public.roundtrip_failures_max=0
//
// The corpus is the input's file name without its extension; the figure is one of the
// --json figures. A plain figure is a minimum, a figure with "_max" a maximum.

// bound is one setting of a floor file.
type bound struct {
	corpus string
	figure string
	max    bool
	value  int
}

func (b bound) key() string {
	if b.max {
		return b.corpus + "." + b.figure + "_max"
	}
	return b.corpus + "." + b.figure
}

func readFloor(path string) ([]bound, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the floor file: %w", err)
	}
	defer f.Close()
	var bounds []bound
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		b, err := parseBound(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n, err)
		}
		if seen[b.key()] {
			return nil, fmt.Errorf("%s:%d: %s is set twice", path, n, b.key())
		}
		seen[b.key()] = true
		bounds = append(bounds, b)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("cannot read the floor file: %w", err)
	}
	return bounds, nil
}

func parseBound(line string) (bound, error) {
	key, val, ok := strings.Cut(line, "=")
	if !ok {
		return bound{}, fmt.Errorf("expected <corpus>.<figure>=<count>, got %q", line)
	}
	key, val = strings.TrimSpace(key), strings.TrimSpace(val)
	dot := strings.LastIndexByte(key, '.')
	if dot <= 0 {
		return bound{}, fmt.Errorf("expected <corpus>.<figure> before \"=\", got %q", key)
	}
	b := bound{corpus: key[:dot], figure: key[dot+1:]}
	if name, ok := strings.CutSuffix(b.figure, "_max"); ok {
		b.figure, b.max = name, true
	}
	if _, ok := (&figures{}).get(b.figure); !ok {
		return bound{}, fmt.Errorf("unknown figure %q (known: total, parsed, bound, ran, nonempty, missing_table, roundtrip_failures)", b.figure)
	}
	v, err := strconv.Atoi(val)
	if err != nil || v < 0 {
		return bound{}, fmt.Errorf("%s: expected a count, got %q", key, val)
	}
	b.value = v
	return b, nil
}

// checkFloor prints each corpus's figures and how they compare with its bounds, and
// reports whether every corpus has bounds and meets them.
func checkFloor(w io.Writer, path string, bounds []bound, corpora []string, figs map[string]*figures) bool {
	ok := true
	for _, name := range corpora {
		fig := figs[name]
		pct := 0.0
		if fig.Total > 0 {
			pct = 100 * float64(fig.Parsed) / float64(fig.Total)
		}
		fmt.Fprintf(w, "%s: total %d, parsed %d (%.1f%%), roundtrip_failures %d\n",
			name, fig.Total, fig.Parsed, pct, fig.RoundtripFailures)
		found := false
		for _, b := range bounds {
			if b.corpus != name {
				continue
			}
			found = true
			got, _ := fig.get(b.figure)
			switch {
			case b.max && got > b.value:
				ok = false
				fmt.Fprintf(w, "  %s %d is above the maximum %d: FAIL\n", b.figure, got, b.value)
			case !b.max && got < b.value:
				ok = false
				fmt.Fprintf(w, "  %s %d is below the floor %d: FAIL\n", b.figure, got, b.value)
			case b.max && got < b.value:
				fmt.Fprintf(w, "  %s %d <= %d: ok; lower %s to %d in %s\n", b.figure, got, b.value, b.key(), got, path)
			case !b.max && got > b.value:
				fmt.Fprintf(w, "  %s %d >= %d: ok; raise %s to %d in %s\n", b.figure, got, b.value, b.key(), got, path)
			default:
				fmt.Fprintf(w, "  %s %d: ok\n", b.figure, got)
			}
		}
		if !found {
			ok = false
			fmt.Fprintf(w, "  no floor recorded for %s in %s: FAIL\n", name, path)
		}
	}
	if !ok {
		fmt.Fprintf(w, "spoor check: the figures do not meet %s\n", path)
	}
	return ok
}
