package functions

import (
	"math"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// The gap fillers of series: an element is missing when it is null, or, when a
// missing-value placeholder is given, when it equals the placeholder.

func init() {
	scalar("series_fill_forward", 1, 2, "Fills the missing elements of a series with the last element before them",
		sig(types.Dynamic, seriesArg, anyScalar.as("missing_value_placeholder")), fillDirectional(false))
	scalar("series_fill_backward", 1, 2, "Fills the missing elements of a series with the first element after them",
		sig(types.Dynamic, seriesArg, anyScalar.as("missing_value_placeholder")), fillDirectional(true))
	scalar("series_fill_const", 2, 3, "Fills the missing elements of a series with a constant",
		sig(types.Dynamic, seriesArg, anyScalar.as("constant_value"), anyScalar.as("missing_value_placeholder")),
		rowsTo(types.Dynamic, fillConstRow))
	scalar("series_fill_linear", 1, 4, "Fills the missing elements of a series by linear interpolation; the edges take the nearest value unless fill_edges is false, and a series with no value takes constant_value (default 0)",
		sig(types.Dynamic, seriesArg, anyScalar.as("missing_value_placeholder"), boolArg.as("fill_edges"), numArg.as("constant_value")),
		rowsTo(types.Dynamic, fillLinearRow))
}

// missingTest returns the test of a missing element for a call whose placeholder
// is argument k (absent or null: null elements are missing).
func missingTest(args []*vector.Vector, k, i int) func(any) bool {
	if len(args) <= k || nullAt(args[k], i) {
		return func(d any) bool { return d == nil }
	}
	ph := dynAt(args[k], i)
	if p, ok, _ := seriesNum(ph); ok {
		return func(d any) bool {
			x, ok, _ := seriesNum(d)
			return ok && (x == p || math.IsNaN(p) && math.IsNaN(x))
		}
	}
	key := dynKey(ph)
	return func(d any) bool { return dynKey(d) == key }
}

func fillDirectional(backward bool) evalFn {
	return rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
		arr, ok := seriesAt(args[0], i)
		if !ok {
			return types.NullOf(types.Dynamic)
		}
		missing := missingTest(args, 1, i)
		out := make([]any, len(arr))
		copy(out, arr)
		var last any
		have := false
		for j := range out {
			k := j
			if backward {
				k = len(out) - 1 - j
			}
			switch {
			case !missing(out[k]):
				last, have = out[k], true
			case have:
				out[k] = last
			}
		}
		return types.NewDynamic(out)
	})
}

func fillConstRow(args []*vector.Vector, i int) types.Value {
	arr, ok := seriesAt(args[0], i)
	if !ok {
		return types.NullOf(types.Dynamic)
	}
	missing := missingTest(args, 2, i)
	c := dynAt(args[1], i)
	out := make([]any, len(arr))
	for k, d := range arr {
		if missing(d) {
			out[k] = c
		} else {
			out[k] = d
		}
	}
	return types.NewDynamic(out)
}

// fillLinearRow interpolates between the known elements. A series whose known
// elements are all integers stays integer, the interpolated values cut toward
// zero.
func fillLinearRow(args []*vector.Vector, i int) types.Value {
	arr, ok := seriesAt(args[0], i)
	if !ok {
		return types.NullOf(types.Dynamic)
	}
	missing := missingTest(args, 1, i)
	edges := true
	if len(args) > 2 && !nullAt(args[2], i) {
		edges, _ = boolAt(args[2], i)
	}
	var constant any = 0.0
	if len(args) > 3 && !nullAt(args[3], i) {
		constant = dynAt(args[3], i)
	}
	out := make([]any, len(arr))
	copy(out, arr)
	var known []int
	allInt := true
	for k, d := range arr {
		if missing(d) {
			continue
		}
		if _, num, isInt := seriesNum(d); num {
			known = append(known, k)
			allInt = allInt && isInt
		}
	}
	if len(known) == 0 {
		for k, d := range arr {
			if missing(d) {
				out[k] = constant
			}
		}
		return types.NewDynamic(out)
	}
	value := func(x float64) any {
		if allInt {
			return int64(math.Trunc(x))
		}
		return x
	}
	for j := 0; j+1 < len(known); j++ {
		a, b := known[j], known[j+1]
		ya, _, _ := seriesNum(arr[a])
		yb, _, _ := seriesNum(arr[b])
		for k := a + 1; k < b; k++ {
			if missing(arr[k]) {
				out[k] = value(ya + (yb-ya)*float64(k-a)/float64(b-a))
			}
		}
	}
	if edges {
		first, last := known[0], known[len(known)-1]
		for k := 0; k < first; k++ {
			if missing(arr[k]) {
				out[k] = arr[first]
			}
		}
		for k := last + 1; k < len(arr); k++ {
			if missing(arr[k]) {
				out[k] = arr[last]
			}
		}
	}
	return types.NewDynamic(out)
}
