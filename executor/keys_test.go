package executor

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// segmentStrings returns the values as a segment's dictionary would: copies
// of their own, so that each segment's strings have their own memory.
func segmentStrings(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = strings.Clone(v)
	}
	return out
}

// TestKeyMemoNumbersKeysAsTheirEncoding checks the memo against a map from
// encoded key to number, over batches that fill it many times over, with one
// string key, two string keys, a string and a long, three keys, and keys that
// are mostly new.
func TestKeyMemoNumbersKeysAsTheirEncoding(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	values := make([]string, 5000)
	for i := range values {
		values[i] = fmt.Sprintf("value-%d", i)
	}
	for _, tc := range []struct {
		name     string
		keys     []int // of the columns: 0 a string, 1 a long, 2 another string
		distinct int   // values a segment draws from
		unique   bool
	}{
		{"one string", []int{0}, 3000, false},
		{"two strings", []int{0, 2}, 3000, false},
		{"string and long", []int{0, 1}, 3000, false},
		{"three keys", []int{2, 1, 0}, 3000, false},
		{"few values", []int{0}, 10, false},
		{"all new", []int{0}, 0, true},
		{"all new pairs", []int{0, 2}, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m keyMemo
			want := map[string]int32{}
			var kb []byte
			for seg := 0; seg < 12; seg++ {
				dict := segmentStrings(values)
				for batch := 0; batch < 6; batch++ {
					n := 1 + rng.Intn(vector.BatchSize)
					strs := &vector.Vector{Type: types.String, Len: n, Strs: make([]string, n)}
					longs := &vector.Vector{Type: types.Long, Len: n, Ints: make([]int64, n)}
					more := &vector.Vector{Type: types.String, Len: n, Strs: make([]string, n)}
					for r := 0; r < n; r++ {
						if tc.unique {
							strs.Strs[r] = fmt.Sprintf("u-%d-%d-%d", seg, batch, r)
						} else {
							strs.Strs[r] = dict[rng.Intn(tc.distinct)]
						}
						longs.Ints[r] = int64(rng.Intn(3))
						more.Strs[r] = dict[rng.Intn(4)]
					}
					var keys []*vector.Vector
					for _, c := range tc.keys {
						keys = append(keys, []*vector.Vector{strs, longs, more}[c])
					}
					got := make([]int32, n)
					lo := rng.Intn(n)
					m.lookup(keys, lo, got[:n-lo], func(r int) int32 {
						kb = kb[:0]
						for _, k := range keys {
							kb = appendKey(kb, k, r)
						}
						id, ok := want[string(kb)]
						if !ok {
							id = int32(len(want))
							want[string(kb)] = id
						}
						return id
					})
					for i, id := range got[:n-lo] {
						kb = kb[:0]
						for _, k := range keys {
							kb = appendKey(kb, k, lo+i)
						}
						if w, ok := want[string(kb)]; !ok || w != id {
							t.Fatalf("segment %d batch %d row %d: key %q numbered %d, want %d", seg, batch, lo+i, kb, id, w)
						}
					}
				}
			}
			if tc.unique && !m.off {
				t.Errorf("the memo is still used for keys that are all new")
			}
		})
	}
}

// TestAggregateMatchesAMap runs summarize count(), dcount() and sum() by a
// string key over batches pushed from two goroutines, some with segment-like
// shared strings and some with nulls in a long key, and compares the groups
// with a plain map.
func TestAggregateMatchesAMap(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	values := make([]string, 2500)
	for i := range values {
		values[i] = fmt.Sprintf("host-%d", i%2000) // repeats: equal strings of other memory
	}
	type group struct {
		count, sum int64
		distinct   map[string]bool
	}
	want := map[string]*group{}
	var batches []*vector.Batch
	for seg := 0; seg < 8; seg++ {
		dict := segmentStrings(values)
		for batch := 0; batch < 5; batch++ {
			n := vector.BatchSize
			key := &vector.Vector{Type: types.String, Len: n, Strs: make([]string, n)}
			val := &vector.Vector{Type: types.String, Len: n, Strs: make([]string, n)}
			num := &vector.Vector{Type: types.Long, Len: n, Ints: make([]int64, n)}
			for r := 0; r < n; r++ {
				key.Strs[r] = dict[rng.Intn(len(dict))]
				val.Strs[r] = dict[rng.Intn(20)]
				num.Ints[r] = int64(rng.Intn(100))
				if batch == 4 && r%7 == 0 {
					num.SetNull(r)
				}
				g := want[key.Strs[r]]
				if g == nil {
					g = &group{distinct: map[string]bool{}}
					want[key.Strs[r]] = g
				}
				g.count++
				if !num.IsNull(r) {
					g.sum += num.Ints[r]
				}
				g.distinct[val.Strs[r]] = true
			}
			batches = append(batches, &vector.Batch{Len: n, Cols: []*vector.Vector{key, val, num}})
		}
	}
	agg := &planner.Aggregate{Keys: []planner.Expr{colRef(0, "k")},
		Aggs: []planner.AggCall{
			{Fn: mustFn("count"), T: types.Long},
			{Fn: mustFn("dcount"), Args: []planner.Expr{colRef(1, "v")}, T: types.Long},
			{Fn: mustFn("sum"), Args: []planner.Expr{&planner.ColumnRef{Index: 2, Name: "x", T: types.Long}}, T: types.Long},
		},
		Out: []planner.Column{{Name: "k", Type: types.String}, {Name: "n", Type: types.Long},
			{Name: "d", Type: types.Long}, {Name: "s", Type: types.Long}}}
	out := &collect{}
	op := newAggregateOp(&run{ctx: context.Background(), mem: &budget{}}, agg, out)
	done := make(chan error, 2)
	for w := 0; w < 2; w++ {
		go func() {
			for i := w; i < len(batches); i += 2 {
				if err := op.push(batches[i]); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for w := 0; w < 2; w++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if err := op.finish(); err != nil {
		t.Fatal(err)
	}
	rows := 0
	prev := ""
	for _, b := range out.batches {
		for r := 0; r < b.Len; r++ {
			rows++
			k := b.Cols[0].Strs[r]
			if rows > 1 && (len(k) < len(prev) || len(k) == len(prev) && k <= prev) {
				t.Errorf("group %q after %q: not in encoded-key order", k, prev)
			}
			prev = k
			g := want[k]
			if g == nil {
				t.Fatalf("unexpected group %q", k)
			}
			if n, d, s := b.Cols[1].Ints[r], b.Cols[2].Ints[r], b.Cols[3].Ints[r]; n != g.count || d != int64(len(g.distinct)) || s != g.sum {
				t.Errorf("group %q: count %d dcount %d sum %d, want %d %d %d", k, n, d, s, g.count, len(g.distinct), g.sum)
			}
		}
	}
	if rows != len(want) {
		t.Errorf("%d groups, want %d", rows, len(want))
	}
}

// collect keeps the batches it is given.
type collect struct{ batches []*vector.Batch }

func (c *collect) push(b *vector.Batch) error { c.batches = append(c.batches, b); return nil }
func (c *collect) finish() error              { return nil }
