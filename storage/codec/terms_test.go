package codec

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
)

func collectTerms(s string) []string {
	var out []string
	Terms(s, func(t string) { out = append(out, t) })
	return out
}

func TestTerms(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{``, nil},
		{`C:\Windows\System32\cmd.exe`, []string{"windows", "system32", "cmd", "exe"}},
		{`a1b2`, []string{"a1b2"}},
		{`ab`, nil},
		{`ab cd`, nil},
		{`abc`, []string{"abc"}},
		{`ABC`, []string{"abc"}},
		{`MiXeD CaSe 123`, []string{"mixed", "case", "123"}},
		{`naïve café`, []string{"caf"}},
		{`schloß straße`, []string{"schlo", "stra"}},
		{`日本語 abc`, []string{"abc"}},
		{`über`, []string{"ber"}},
		{`powershell.exe -EncodedCommand SQBFAFgA`, []string{"powershell", "exe", "encodedcommand", "sqbfafga"}},
		{`10.0.0.1:4433`, []string{"4433"}},
		{`user@contoso.com`, []string{"user", "contoso", "com"}},
		{`foo_bar-baz`, []string{"foo", "bar", "baz"}},
		{`exe exe EXE`, []string{"exe", "exe", "exe"}},
		{"tab\tnew\nline", []string{"tab", "new", "line"}},
		{`{"Key":"Value"}`, []string{"key", "value"}},
		{`x`, nil},
		{`abc` + "\x00" + `def`, []string{"abc", "def"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := collectTerms(tt.in); !slices.Equal(got, tt.want) {
				t.Fatalf("terms %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTermsAllocations(t *testing.T) {
	lower := `c:\windows\system32\cmd.exe /c whoami /all`
	upper := `C:\Windows\System32\cmd.exe /c WHOAMI /all`
	n := 0
	count := func(string) { n++ }
	if a := testing.AllocsPerRun(100, func() { Terms(lower, count) }); a != 0 {
		t.Errorf("lower-case text: %v allocations, want 0", a)
	}
	if a := testing.AllocsPerRun(100, func() { Terms(upper, count) }); a != 1 {
		t.Errorf("mixed-case text: %v allocations, want 1", a)
	}
}

// buildIndex indexes rows and also returns the expected rows of each term.
func buildIndex(rows []string) ([]byte, map[string][]uint32) {
	b := NewTermIndexBuilder()
	want := map[string][]uint32{}
	for i, s := range rows {
		b.Add(uint32(i), s)
		for _, t := range collectTerms(s) {
			if r := want[t]; len(r) == 0 || r[len(r)-1] != uint32(i) {
				want[t] = append(r, uint32(i))
			}
		}
	}
	return b.AppendTo(nil), want
}

func TestTermIndex(t *testing.T) {
	r := rng(23)
	verbs := []string{"Invoke", "Get", "Set", "New", "Remove", "Start", "Stop"}
	nouns := []string{"Process", "Service", "Item", "WebRequest", "Expression", "ScheduledTask"}
	rows := make([]string, 20000)
	for i := range rows {
		rows[i] = fmt.Sprintf(`powershell.exe -c "%s-%s -Name svc%d" host%d`,
			verbs[r.intn(len(verbs))], nouns[r.intn(len(nouns))], r.intn(50), r.intn(300))
	}
	rows[17] = ""
	rows[18] = "ab cd" // no indexed term
	rows[19] = "ÜBER naïve"
	data, want := buildIndex(rows)
	x, err := OpenTermIndex(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Check(); err != nil {
		t.Fatal(err)
	}
	if x.Len() != len(want) {
		t.Fatalf("Len %d, want %d", x.Len(), len(want))
	}
	for term, rows := range want {
		bm, err := x.Lookup(term)
		if err != nil {
			t.Fatal(err)
		}
		if bm == nil || !slices.Equal(bm.ToArray(), rows) {
			t.Fatalf("term %q: rows differ", term)
		}
	}
	for _, absent := range []string{"", "a", "zzz", "invok", "invokes", "powershell0", "Invoke", "\xff\xff\xff"} {
		if bm, err := x.Lookup(absent); bm != nil || err != nil {
			t.Errorf("absent term %q: %v, %v", absent, bm, err)
		}
	}
	for _, prefix := range []string{"", "s", "svc", "svc4", "host29", "invoke", "ber", "zzz", "\xff"} {
		got, err := x.Prefix(prefix)
		if err != nil {
			t.Fatal(err)
		}
		expect := roaring.New()
		for term, rows := range want {
			if strings.HasPrefix(term, prefix) {
				expect.AddMany(rows)
			}
		}
		if expect.IsEmpty() {
			if got != nil {
				t.Errorf("prefix %q: %d rows, want nil", prefix, got.GetCardinality())
			}
			continue
		}
		if got == nil || !got.Equals(expect) {
			t.Errorf("prefix %q: rows differ", prefix)
		}
	}
	// The caller owns returned bitmaps: changing one leaves the index intact.
	bm, _ := x.Lookup("powershell")
	bm.Clear()
	if bm, _ := x.Lookup("powershell"); bm.GetCardinality() != uint64(len(rows)-3) {
		t.Fatalf("index changed through a returned bitmap")
	}
}

func TestSmallBitmap(t *testing.T) {
	tests := []struct {
		rows []uint32
		ok   bool
	}{
		{nil, false},
		{[]uint32{0}, true},
		{[]uint32{65535}, true},
		{[]uint32{1 << 31}, true},
		{[]uint32{math.MaxUint32}, true},
		{[]uint32{3, 9}, true},
		{[]uint32{3, 9, 65535}, true},
		{[]uint32{3, 9, 10, 11}, false},
		{[]uint32{9, 3}, false},
		{[]uint32{3, 3}, false},
		{[]uint32{65535, 65536}, false},
	}
	for _, tt := range tests {
		b, ok := appendSmallBitmap(nil, tt.rows)
		if ok != tt.ok {
			t.Fatalf("rows %v: ok %v, want %v", tt.rows, ok, tt.ok)
		}
		if !ok {
			continue
		}
		bm, err := readBitmap(b)
		if err != nil {
			t.Fatalf("rows %v: %v", tt.rows, err)
		}
		if !bm.Equals(roaring.BitmapOf(tt.rows...)) {
			t.Fatalf("rows %v: read back %v", tt.rows, bm.ToArray())
		}
		if len(b) != 9+2*len(tt.rows) {
			t.Fatalf("rows %v: %d bytes", tt.rows, len(b))
		}
	}
}

func TestTermIndexEmpty(t *testing.T) {
	x, err := OpenTermIndex(NewTermIndexBuilder().AppendTo(nil))
	if err != nil {
		t.Fatal(err)
	}
	if x.Len() != 0 {
		t.Fatalf("Len %d", x.Len())
	}
	if bm, err := x.Lookup("abc"); bm != nil || err != nil {
		t.Fatalf("Lookup: %v, %v", bm, err)
	}
	if bm, err := x.Prefix(""); bm != nil || err != nil {
		t.Fatalf("Prefix: %v, %v", bm, err)
	}
}

func TestTermIndexRowsAnyOrder(t *testing.T) {
	b := NewTermIndexBuilder()
	for _, row := range []uint32{9, 3, 3, 1 << 31, 0, 9} {
		b.Add(row, "alpha beta alpha")
	}
	x, err := OpenTermIndex(b.AppendTo([]byte("head"))[4:])
	if err != nil {
		t.Fatal(err)
	}
	bm, err := x.Lookup("alpha")
	if err != nil {
		t.Fatal(err)
	}
	if got := bm.ToArray(); !slices.Equal(got, []uint32{0, 3, 9, 1 << 31}) {
		t.Fatalf("rows %v", got)
	}
}

func TestTermIndexCorrupt(t *testing.T) {
	data, _ := buildIndex([]string{"alpha beta", "beta gamma", "gamma delta"})
	for n := range len(data) {
		if _, err := OpenTermIndex(data[:n]); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("cut to %d bytes: err %v, want ErrCorrupt", n, err)
		}
	}
	// Damage past the header shows in Check and in the lookups that meet it,
	// as an error, never a panic.
	for i := range data {
		for _, f := range []byte{0x01, 0x10, 0x80, 0xff} {
			b := slices.Clone(data)
			b[i] ^= f
			x, err := OpenTermIndex(b)
			if err != nil {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("flip at %d: %v", i, err)
				}
				continue
			}
			for _, term := range []string{"alpha", "beta", "gamma", "delta"} {
				if _, err := x.Lookup(term); err != nil && !errors.Is(err, ErrCorrupt) {
					t.Fatalf("flip at %d: %v", i, err)
				}
				if _, err := x.Prefix(term[:2]); err != nil && !errors.Is(err, ErrCorrupt) {
					t.Fatalf("flip at %d: %v", i, err)
				}
			}
			if err := x.Check(); err != nil && !errors.Is(err, ErrCorrupt) {
				t.Fatalf("flip at %d: %v", i, err)
			}
		}
	}
}
