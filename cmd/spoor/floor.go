package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// A floor file records, per corpus, figures that spoor check --floor (or spoor
// conformance --floor) must not fall below, so that a change which stops queries
// from parsing, binding or passing fails CI. One setting a
// line, "#" starts a comment:
//
//	hunting-public.parsed=1100
//	hunting-public.roundtrip_failures_max=0
//
// The corpus is the input's file name without its extension; the figure is one of the
// command's --json figures. A plain figure is a minimum, a figure with "_max" a maximum.

// figureSet is what a command's floors are checked against: its figure names, and
// each corpus's figures.
type figureSet interface {
	// get returns a figure of a corpus's (a zero value's get tells known names).
	get(name string) (int, bool)
	// summary is the corpus's one-line report.
	summary() string
}

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

// readFloor reads a floor file; known checks figure names.
func readFloor(path string, known figureSet) ([]bound, error) {
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
		b, err := parseBound(line, known)
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

func parseBound(line string, known figureSet) (bound, error) {
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
	if _, ok := known.get(b.figure); !ok {
		return bound{}, fmt.Errorf("unknown figure %q (known: %s)", b.figure, figureNames(known))
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
func checkFloor[F figureSet](w io.Writer, cmd, path string, bounds []bound, corpora []string, figs map[string]F) bool {
	ok := true
	for _, name := range corpora {
		fig := figs[name]
		fmt.Fprintf(w, "%s: %s\n", name, fig.summary())
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
		fmt.Fprintf(w, "spoor %s: the figures do not meet %s\n", cmd, path)
	}
	return ok
}

// figureNames lists the names a figure set knows, for messages.
func figureNames(known figureSet) string {
	var names []string
	for _, n := range allFigureNames {
		if _, ok := known.get(n); ok {
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}

// allFigureNames is every figure name any command reports, in report order.
var allFigureNames = []string{"total", "parsed", "bound", "ran", "nonempty", "missing_table",
	"roundtrip_failures", "passed", "failed", "skipped"}
