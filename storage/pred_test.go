package storage

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// TestFilterInts checks the integer filter's loops, on a selection and on
// every row, with and without nulls, against the predicate row by row.
func TestFilterInts(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	preds := []Pred{
		{Column: "X", Op: IntRange, Lo: -3, Hi: 4},
		{Column: "X", Op: IntIn, Ints: []int64{445}},
		{Column: "X", Op: IntIn, Ints: []int64{0}},
		{Column: "X", Op: IntIn, Ints: []int64{2, 445, -7}},
	}
	for _, nulls := range []bool{false, true} {
		v := vector.New(types.Long, 1000)
		for i := 0; i < 1000; i++ {
			x := int64(rng.Intn(20) - 10)
			if rng.Intn(10) == 0 {
				x = 445
			}
			if nulls && rng.Intn(7) == 0 {
				v.Append(types.NullOf(types.Long)) // stored as 0
				continue
			}
			v.Append(types.Value{Type: types.Long, I: x})
		}
		for k, p := range preds {
			t.Run(fmt.Sprintf("nulls=%v/pred=%d", nulls, k), func(t *testing.T) {
				var sel, want []int
				for r := 0; r < v.Len; r++ {
					if rng.Intn(3) > 0 {
						sel = append(sel, r)
						if !v.IsNull(r) && p.matchInt(v.Ints[r]) {
							want = append(want, r)
						}
					}
				}
				if got := p.filterInts(v, sel); !slices.Equal(got, want) {
					t.Fatalf("%s: %d rows kept, want %d", p, len(got), len(want))
				}
				var all []int
				for r := 0; r < v.Len; r++ {
					if !v.IsNull(r) && p.matchInt(v.Ints[r]) {
						all = append(all, r)
					}
				}
				if got := p.filterIntsAll(v, v.Len, nil); !slices.Equal(got, all) {
					t.Fatalf("%s over every row: %d rows kept, want %d", p, len(got), len(all))
				}
				if len(want) == 0 {
					t.Fatal("the case keeps no row: it tests nothing")
				}
			})
		}
	}
}
