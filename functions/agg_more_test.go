package functions

import (
	"testing"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// TestNewAggregates checks each newer aggregate on one pass and on two merged
// partitions (aggregateOf compares the two).
func TestNewAggregates(t *testing.T) {
	T, F := true, false
	cases := []struct {
		name string
		args []*vector.Vector
		want string
	}{
		{"variance", a(col(L, 1, 2, 3, 4, 5)), "2.5"},
		{"variancep", a(col(L, 1, 2, 3, 4, 5)), "2"},
		{"stdev", a(col(L, 7)), "0"},
		{"stdev", a(col(L)), "0"},
		{"stdevif", a(col(R, 1.0, 100.0, 3.0), col(B, T, F, T)), "1.4142135623730951"},
		{"covariancep", a(col(R, 1.0, 2.0, 3.0, 4.0, 5.0), col(R, 14.0, 10.0, 17.0, 20.0, 50.0)), "16.4"},
		{"percentile", a(col(L, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0), rep(L, 50, 10)), "4"},
		{"percentile", a(col(R, nil, 2.5, 0.5), rep(L, 100, 3)), "2.5"},
		{"percentilew", a(col(L, 10, 20, 30, 40), col(L, 8, 6, 3, 1), rep(R, 99.9, 4)), "40"},
		{"percentiles_array", a(col(L, 1, 2, 3, 4), rep(L, 25, 4), rep(L, 75, 4)), "[1,3]"},
		{"count_distinct", a(col(S, "a", "b", "a", "")), "3"},
		{"count_distinctif", a(col(S, "a", "b", "c"), col(B, T, F, T)), "2"},
		{"binary_all_and", a(col(L, 7, 3, nil, 6)), "2"},
		{"binary_all_or", a(col(L, 1, 2, 4)), "7"},
		{"binary_all_xor", a(col(L, 1, 3)), "2"},
		{"binary_all_xor", a(col(L)), "null"},
		{"make_list_with_nulls", a(col(L, 1, nil, 2)), "[1,null,2]"},
		{"take_anyif", a(col(S, "a", "b"), col(B, F, T)), `"b"`},
		{"buildschema", a(col(D, `{"x":1}`, `{"x":"s","y":[true]}`, "null")), `{"x":["long","string"],"y":{"` + "`indexer`" + `":"bool"}}`},
		{"makeset", a(col(L, 1, 1, 2)), "[1,2]"},
	}
	for _, c := range cases {
		if got := aggregateOf(t, c.name, c.args...); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
}

// TestSketchesMerge checks that dcount's sketch and the percentile digest give
// close answers when large groups are split and merged, past the point where
// they stop keeping values exactly.
func TestSketchesMerge(t *testing.T) {
	const n = 200000
	v := vector.New(types.Long, n)
	for i := 0; i < n; i++ {
		v.Append(types.NewLong(int64(i)))
	}
	acc := rep(L, 1, n)
	got := aggregateOf(t, "dcount", v, acc)
	if d := parseLongText(t, got); d < n*98/100 || d > n*102/100 {
		t.Errorf("dcount of %d distinct values: %d", n, d)
	}
	// A compressed digest depends on the order it saw values in, so the merged
	// and the one-pass answers may differ slightly: check each against the truth.
	spec, _ := Lookup("percentile")
	args := a(v, rep(L, 90, n))
	whole, first, second := spec.NewAgg(tt(L, L)), spec.NewAgg(tt(L, L)), spec.NewAgg(tt(L, L))
	for i := 0; i < n; i++ {
		whole.Add(args, i)
		if i%2 == 0 {
			first.Add(args, i)
		} else {
			second.Add(args, i)
		}
	}
	first.Merge(second)
	for _, st := range []AggState{whole, first} {
		if p := st.Result().I; p < n*89/100 || p > n*91/100 {
			t.Errorf("percentile 90 of 0..%d: %d", n-1, p)
		}
	}
}

func parseLongText(t *testing.T, s string) int64 {
	t.Helper()
	x, err := types.Parse(types.Long, s)
	if err != nil {
		t.Fatalf("not a long: %s", s)
	}
	return x.I
}

// TestHLLFold checks that lowering a sketch's precision keeps its estimate.
func TestHLLFold(t *testing.T) {
	var h hllSketch
	h.init(16)
	for i := 0; i < 100000; i++ {
		h.add(xxhash64([]byte{byte(i), byte(i >> 8), byte(i >> 16)}))
	}
	before := h.count()
	h.fold(12)
	after := h.count()
	if after < 95000 || after > 105000 || before < 98000 || before > 102000 {
		t.Errorf("estimates before and after folding to 12 bits: %d, %d", before, after)
	}
}
