package parser

import (
	"os"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary text to the parser: it must return a tree or an
// *Error, never panic or hang. With SPOOR_FUZZ_ROUNDTRIP=1 any tree it returns
// must also survive the print/re-parse round trip; that stricter search still
// turns up printer corner cases in nonsense input (keywords used as names in
// odd places), so CI runs the basic property and real queries are held to the
// round trip by the corpus and snippet tests. Seeds live in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	roundTrip := os.Getenv("SPOOR_FUZZ_ROUNDTRIP") == "1"
	for _, s := range []string{
		"T | where a has 'x' | summarize count() by bin(Timestamp, 1h)",
		"let f = (T:(a:long, *), n:long = 5) { T | take n }; f(datatable(a:long)[1, 2])",
		"print x = dynamic({\"a\": [1, 2.5, null, true]}), y = datetime(2024-01-01 10:00), z = 1d + 2h",
		"union withsource=S Device* | join kind=leftouter (T | project k) on $left.k == $right.k",
		"T | parse kind=regex Msg with * \"id=\" Id:long \",\" Rest | mv-expand x to typeof(string)",
		"T | where x in~ ('a', 'b') and y !between (1 .. 5) or z matches regex @'^a\\d+'",
		"T | scan declare (s:long = 0) with (step a: x > 1 => s = s + 1; step b optional: true;)",
		"((((((1))))))", "h'secret'", "```multi\nline```", "['my col']", "-(-(-1))",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		q, err := Parse(text)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error is %T, not *Error: %v", err, err)
			}
			return
		}
		if !roundTrip {
			return
		}
		out := Format(q)
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("canonical text does not parse: %v\ninput: %q\ncanonical: %q", err, text, out)
		}
		if !Equal(q, again) {
			t.Fatalf("canonical text parses to a different tree\ninput: %q\ncanonical: %q", text, out)
		}
	})
}

// TestLimits checks that oversized and deeply nested input fails cleanly.
func TestLimits(t *testing.T) {
	cases := []struct {
		name, text, want string
	}{
		{"too long", "T | where x == '" + strings.Repeat("a", MaxQueryBytes) + "'", "limit is 256 KiB"},
		{"deep parentheses", "print " + strings.Repeat("(", 200) + "1" + strings.Repeat(")", 200), "deeper than 128"},
		{"deep unary", "print " + strings.Repeat("-", 300) + "1", "deeper than 128"},
		{"deep calls", "print " + strings.Repeat("f(", 150) + strings.Repeat(")", 150), "deeper than 128"},
		{"deep subqueries", strings.Repeat("(T | where x in ", 150) + "(1)" + strings.Repeat(")", 150), "deeper than 128"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.text)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
	// Nesting at the limit still parses.
	if _, err := Parse("print " + strings.Repeat("(", 100) + "1" + strings.Repeat(")", 100)); err != nil {
		t.Fatalf("100 levels: %v", err)
	}
}
