package codec

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
)

// sharedValues returns n values drawn from distinct values, some handed out
// again as the same string (sharing bytes) and some as equal copies.
func sharedValues(n, distinct int) []string {
	r := rng(5)
	base := make([]string, distinct)
	for i := range base {
		base[i] = fmt.Sprintf("Value%05d-%x", i, i*7919)
	}
	out := make([]string, n)
	for i := range out {
		v := base[r.intn(distinct)]
		if r.intn(3) == 0 {
			v = strings.Clone(v) // equal, other bytes
		}
		out[i] = v
	}
	return out
}

func TestDictBuilder(t *testing.T) {
	vals := sharedValues(20000, 300)
	want, wantCodes := BuildDict(slices.Clone(vals))
	var b DictBuilder
	for round := 0; round < 3; round++ { // reuse must not leak state
		dict, codes, ok := b.Build(vals, 1000, 4096, 1000)
		if !ok {
			t.Fatal("dictionary refused")
		}
		if !slices.Equal(dict, want) || !slices.Equal(codes, wantCodes) {
			t.Fatalf("round %d: dictionary or codes differ from BuildDict", round)
		}
	}
	tests := []struct {
		name                         string
		limit, sampleRows, sampleMax int
		ok                           bool
	}{
		{"limit exceeded", 299, 20000, 20000, false},
		{"limit met", 300, 20000, 20000, true},
		{"sample too varied", 1000, 4096, 100, false},
		{"sample varied enough", 1000, 4096, 300, true},
		{"sample of all rows", 1000, 1 << 30, 299, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, ok := b.Build(vals, tt.limit, tt.sampleRows, tt.sampleMax)
			if ok != tt.ok {
				t.Fatalf("ok %v, want %v", ok, tt.ok)
			}
		})
	}
	// Distinct values, each at its own address: the address cache turns off
	// and the result is still right.
	uniq := make([]string, 10000)
	for i := range uniq {
		uniq[i] = fmt.Sprint(i % 5000)
	}
	dict, codes, ok := b.Build(uniq, 1<<20, 4096, 1<<20)
	if !ok || len(dict) != 5000 {
		t.Fatalf("ok %v, %d values, want 5000", ok, len(dict))
	}
	for i, c := range codes {
		if dict[c] != uniq[i] {
			t.Fatalf("row %d: code %d is %q, want %q", i, c, dict[c], uniq[i])
		}
	}
}

func TestTermIndexAddView(t *testing.T) {
	vals := sharedValues(20000, 500)
	for i := range vals {
		switch i % 5 {
		case 1:
			vals[i] += " Second Term"
		case 2:
			vals[i] = strings.ToUpper(vals[i])
		}
	}
	vals[7], vals[8] = "", "ab"
	ref := NewTermIndexBuilder()
	for i, v := range vals {
		ref.Add(uint32(i), v)
	}
	want := ref.AppendTo(nil)
	b := NewTermIndexBuilder()
	for round := 0; round < 2; round++ {
		for i, v := range vals {
			b.AddView(uint32(i), v)
		}
		if got := b.AppendTo(nil); !bytes.Equal(got, want) {
			t.Fatalf("round %d: AddView index differs from Add", round)
		}
		b.Reset()
	}
}

func TestRowBitmapWriter(t *testing.T) {
	var w RowBitmapWriter
	lists := [][]uint32{
		{0}, {5, 9}, {1, 2, 3}, {1, 2, 3, 4}, {65535, 65536},
		{3, 1, 2}, // out of order
		func() []uint32 {
			var r []uint32
			for i := uint32(0); i < 70000; i += 3 {
				r = append(r, i)
			}
			return r
		}(),
		func() []uint32 {
			var r []uint32
			for i := uint32(100); i < 9000; i++ {
				r = append(r, i)
			}
			return r
		}(),
	}
	for _, rows := range lists {
		b := w.Append([]byte("x"), rows)
		if b[0] != 'x' {
			t.Fatal("prefix overwritten")
		}
		bm, err := readBitmap(b[1:])
		if err != nil {
			t.Fatalf("%d rows: %v", len(rows), err)
		}
		want := roaring.BitmapOf(rows...)
		if !bm.Equals(want) {
			t.Fatalf("%d rows: got %v", len(rows), bm.GetCardinality())
		}
		fast := roaring.New()
		if _, err := fast.FromUnsafeBytes(b[1:]); err != nil || !fast.Equals(want) {
			t.Fatalf("%d rows: FromUnsafeBytes: %v", len(rows), err)
		}
	}
}
