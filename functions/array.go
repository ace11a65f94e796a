package functions

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// More functions over dynamic arrays and bags: sorting, shifting, rotating,
// splitting, element-wise choice, range() and repeat(), and the bag builders.
// Like the others, they build new arrays and bags and never change their input.

// maxRangeElements caps range() and repeat(), as Kusto caps range() at 1,048,576.
const maxRangeElements = 1048576

func init() {
	for _, s := range []struct {
		name string
		desc bool
	}{{"array_sort_asc", false}, {"array_sort_desc", true}} {
		s := s
		scalar(s.name, 1, -1, "Sorts a dynamic array ("+map[bool]string{false: "ascending", true: "descending"}[s.desc]+
			"; numbers before strings, nulls last unless the last argument is false); with several arrays, reorders the others like the first and returns an array of them",
			arraySortCheck, rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value { return arraySortRow(args, i, s.desc) }))
	}
	scalar("array_reverse", 1, 1, "A dynamic array in reverse order", sig(types.Dynamic, dynArg),
		rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			arr, ok := args[0].Dyn[i].([]any)
			if !ok {
				return types.NullOf(types.Dynamic)
			}
			out := slices.Clone(arr)
			slices.Reverse(out)
			if out == nil {
				out = []any{}
			}
			return types.NewDynamic(out)
		}))
	for _, s := range []struct {
		name, doc string
		dir       int64
	}{
		{"array_shift_left", "Shifts a dynamic array's elements left by a number of positions (right when negative), filling with null or a fill value", 1},
		{"array_shift_right", "Shifts a dynamic array's elements right by a number of positions (left when negative), filling with null or a fill value", -1},
	} {
		s := s
		scalar(s.name, 2, 3, s.doc, sig(types.Dynamic, dynArg.as("array"), intArg.as("shift_count"), anyScalar.as("default_value")),
			rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
				arr, ok := args[0].Dyn[i].([]any)
				n, ok2 := longAt(args[1], i)
				if !ok || !ok2 {
					return types.NullOf(types.Dynamic)
				}
				var fill any
				if len(args) > 2 {
					fill = dynAt(args[2], i)
				}
				l := int64(len(arr))
				out := make([]any, l)
				for k := int64(0); k < l; k++ {
					src := k + s.dir*n
					if src >= 0 && src < l {
						out[k] = arr[src]
					} else {
						out[k] = fill
					}
				}
				return types.NewDynamic(out)
			}))
	}
	for _, s := range []struct {
		name, doc string
		dir       int64
	}{
		{"array_rotate_left", "Rotates a dynamic array's elements left by a number of positions (right when negative)", 1},
		{"array_rotate_right", "Rotates a dynamic array's elements right by a number of positions (left when negative)", -1},
	} {
		s := s
		scalar(s.name, 2, 2, s.doc, sig(types.Dynamic, dynArg.as("array"), intArg.as("rotate_count")),
			rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
				arr, ok := args[0].Dyn[i].([]any)
				n, ok2 := longAt(args[1], i)
				if !ok || !ok2 {
					return types.NullOf(types.Dynamic)
				}
				l := int64(len(arr))
				out := make([]any, l)
				for k := int64(0); k < l; k++ {
					out[k] = arr[((k+s.dir*n)%l+l)%l]
				}
				return types.NewDynamic(out)
			}))
	}
	scalar("array_split", 2, 2, "Splits a dynamic array at an index, or at each index of a dynamic array of them, into an array of arrays",
		sig(types.Dynamic, dynArg.as("array"), param{desc: "an integer or a dynamic array", ok: func(t types.Type) bool {
			return isInteger(t) || t == types.Dynamic
		}}.as("indices")), rowsTo(types.Dynamic, arraySplitRow))
	scalar("array_iff", 3, 3, "Element-wise iff over dynamic arrays: the element of if_true where the condition array holds true, else of if_false (scalars repeat)",
		sig(types.Dynamic, dynArg.as("condition_array"), anyScalar.as("when_true"), anyScalar.as("when_false")),
		rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			conds, ok := args[0].Dyn[i].([]any)
			if !ok {
				return types.NullOf(types.Dynamic)
			}
			pick := func(a *vector.Vector, k int) any {
				d := dynAt(a, i)
				if arr, ok := d.([]any); ok && a.Type == types.Dynamic {
					if k < len(arr) {
						return arr[k]
					}
					return nil
				}
				return d
			}
			out := make([]any, len(conds))
			for k, c := range conds {
				b, ok := dynBool(c)
				switch {
				case !ok || c == nil:
				case b:
					out[k] = pick(args[1], k)
				default:
					out[k] = pick(args[2], k)
				}
			}
			return types.NewDynamic(out)
		}))
	Alias("array_iif", "array_iff")
	scalar("jaccard_index", 2, 2, "The Jaccard index of two dynamic arrays taken as sets: the size of their intersection over that of their union",
		sig(types.Real, dynArg.as("set1"), dynArg.as("set2")), rowsTo(types.Real, func(args []*vector.Vector, i int) types.Value {
			a, ok1 := args[0].Dyn[i].([]any)
			b, ok2 := args[1].Dyn[i].([]any)
			if !ok1 || !ok2 {
				return types.NullOf(types.Real)
			}
			in, union := map[any]bool{}, map[any]bool{}
			for _, d := range a {
				in[dynKey(d)] = true
				union[dynKey(d)] = true
			}
			common := 0
			seen := map[any]bool{}
			for _, d := range b {
				k := dynKey(d)
				if in[k] && !seen[k] {
					common++
				}
				seen[k] = true
				union[k] = true
			}
			return types.NewReal(float64(common) / float64(len(union)))
		}))
	scalar("range", 2, 3, "A dynamic array of the values from start to stop (inclusive) by a step (default 1): numbers, or datetimes and timespans with a timespan step",
		rangeCheck, rowsTo(types.Dynamic, rangeRow))
	scalar("repeat", 2, 2, "A dynamic array of a value repeated a number of times", sig(types.Dynamic, anyScalar.as("value"), intArg.as("count")),
		rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			n, ok := longAt(args[1], i)
			if !ok {
				return types.NullOf(types.Dynamic)
			}
			n = min(max(n, 0), maxRangeElements)
			d := dynAt(args[0], i)
			out := make([]any, n)
			for k := range out {
				out[k] = d
			}
			return types.NewDynamic(out)
		}))

	scalar("bag_merge", 2, 64, "Merges dynamic property bags; on a key in several, the first bag's value wins", sig(types.Dynamic, dynArg),
		rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			out := map[string]any{}
			for _, a := range args {
				bag, ok := a.Dyn[i].(map[string]any)
				if !ok {
					continue
				}
				for k, v := range bag {
					if _, dup := out[k]; !dup {
						out[k] = v
					}
				}
			}
			return types.NewDynamic(out)
		}))
	scalar("bag_zip", 2, 2, "A property bag from an array of keys and an array of values; keys that are not strings are skipped, missing values are null",
		sig(types.Dynamic, dynArg.as("keys"), dynArg.as("values")), rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			keys, ok := args[0].Dyn[i].([]any)
			if !ok {
				return types.NullOf(types.Dynamic)
			}
			vals, _ := args[1].Dyn[i].([]any)
			out := map[string]any{}
			for k, key := range keys {
				s, ok := key.(string)
				if !ok {
					continue
				}
				var v any
				if k < len(vals) {
					v = vals[k]
				}
				out[s] = v
			}
			return types.NewDynamic(out)
		}))
	scalar("bag_remove_keys", 2, 2, "A property bag without the given keys (names, or JSONPaths such as $.a.b into nested bags)",
		sig(types.Dynamic, dynArg.as("bag"), dynArg.as("keys")), rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			bag, ok := args[0].Dyn[i].(map[string]any)
			keys, ok2 := args[1].Dyn[i].([]any)
			if !ok || !ok2 {
				return types.NullOf(types.Dynamic)
			}
			out := any(bag)
			for _, k := range keys {
				s, ok := k.(string)
				if !ok {
					continue
				}
				path, ok := bagPath(s)
				if ok {
					out = withoutPath(out, path)
				}
			}
			return types.NewDynamic(out)
		}))
	scalar("bag_set_key", 3, 3, "A property bag with a key (a name, or a JSONPath such as $.a.b, creating nested bags) set to a value",
		sig(types.Dynamic, dynArg.as("bag"), textArg.as("key"), anyScalar.as("value")), rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			bag, ok := args[0].Dyn[i].(map[string]any)
			path, ok2 := bagPath(textAt(args[1], i))
			if !ok || !ok2 {
				return types.NullOf(types.Dynamic)
			}
			return types.NewDynamic(withPath(bag, path, dynAt(args[2], i)))
		}))
}

func arraySortCheck(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
	for k, t := range args {
		if t == types.Dynamic || (k == len(args)-1 && k > 0 && t == types.Bool) {
			continue
		}
		return types.Unknown, fmt.Errorf("%s() expects dynamic arrays, then an optional bool nulls_last, got %s", name, t)
	}
	return types.Dynamic, nil
}

// sortRank orders the kinds of dynamic values: numbers, strings, bools, then
// arrays and bags.
func sortRank(d any) int {
	switch d.(type) {
	case int64, float64:
		return 0
	case string:
		return 1
	case bool:
		return 2
	}
	return 3
}

func boolRank(d any) int {
	if d == true {
		return 1
	}
	return 0
}

func arraySortRow(args []*vector.Vector, i int, desc bool) types.Value {
	nullsLast := true
	arrays := args
	if last := args[len(args)-1]; last.Type == types.Bool {
		arrays = args[:len(args)-1]
		if b, ok := boolAt(last, i); ok {
			nullsLast = b
		}
	}
	first, ok := arrays[0].Dyn[i].([]any)
	if !ok {
		return types.NullOf(types.Dynamic)
	}
	perm := make([]int, len(first))
	for k := range perm {
		perm[k] = k
	}
	slices.SortStableFunc(perm, func(x, y int) int {
		a, b := first[x], first[y]
		if a == nil || b == nil {
			switch {
			case a == nil && b == nil:
				return 0
			case (a == nil) == nullsLast:
				return 1
			}
			return -1
		}
		if ra, rb := sortRank(a), sortRank(b); ra != rb {
			return ra - rb
		}
		c := int(cmpDynamic(a, b))
		switch sortRank(a) {
		case 2:
			c = boolRank(a) - boolRank(b)
		case 3:
			c = strings.Compare(types.DynamicToJSON(a), types.DynamicToJSON(b))
		}
		if c == int(cmpUnordered) {
			c = 0
		}
		if desc {
			c = -c
		}
		return c
	})
	sorted := make([]any, len(arrays))
	for k, a := range arrays {
		arr, _ := a.Dyn[i].([]any)
		out := make([]any, len(perm))
		for j, p := range perm {
			if p < len(arr) {
				out[j] = arr[p]
			}
		}
		sorted[k] = out
	}
	if len(arrays) == 1 {
		return types.NewDynamic(sorted[0])
	}
	return types.NewDynamic(sorted)
}

func arraySplitRow(args []*vector.Vector, i int) types.Value {
	arr, ok := args[0].Dyn[i].([]any)
	if !ok {
		return types.NullOf(types.Dynamic)
	}
	var idx []int64
	if args[1].Type == types.Dynamic {
		list, ok := args[1].Dyn[i].([]any)
		if !ok {
			if x, ok := dynLong(args[1].Dyn[i]); ok {
				list = []any{x}
			}
		}
		for _, d := range list {
			x, ok := dynLong(d)
			if !ok {
				return types.NullOf(types.Dynamic)
			}
			idx = append(idx, x)
		}
	} else if x, ok := longAt(args[1], i); ok {
		idx = []int64{x}
	} else {
		return types.NullOf(types.Dynamic)
	}
	l := int64(len(arr))
	out := []any{}
	from := int64(0)
	for _, x := range idx {
		if x < 0 {
			x += l
		}
		x = min(max(x, from), l)
		out = append(out, slices.Clone(arr[from:x]))
		from = x
	}
	out = append(out, slices.Clone(arr[from:]))
	for k, part := range out {
		if part.([]any) == nil {
			out[k] = []any{}
		}
	}
	return types.NewDynamic(out)
}

func rangeCheck(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
	start := args[0]
	switch {
	case start.Numeric():
		for k, t := range args[1:] {
			if !t.Numeric() {
				return types.Unknown, argErr(name, numArg.as([]string{"stop", "step"}[k]), t)
			}
		}
	case start == types.Datetime || start == types.Timespan:
		if args[1] != start {
			return types.Unknown, fmt.Errorf("%s() expects a %s for stop, got %s", name, start, args[1])
		}
		if len(args) < 3 || args[2] != types.Timespan {
			return types.Unknown, fmt.Errorf("%s() over %s values needs a timespan step", name, start)
		}
	default:
		return types.Unknown, fmt.Errorf("%s() expects a number, datetime or timespan for start, got %s", name, start)
	}
	return types.Dynamic, nil
}

func rangeRow(args []*vector.Vector, i int) types.Value {
	null := types.NullOf(types.Dynamic)
	if anyNull(args, i) {
		return null
	}
	start := args[0]
	if start.Type == types.Datetime || start.Type == types.Timespan {
		from, to, step := start.Ints[i], args[1].Ints[i], args[2].Ints[i]
		out := []any{}
		if step == 0 {
			return null
		}
		for x := from; (step > 0 && x <= to || step < 0 && x >= to) && len(out) < maxRangeElements; x += step {
			if start.Type == types.Datetime {
				out = append(out, datetimeText(x))
			} else {
				out = append(out, valueDyn(types.Value{Type: start.Type, I: x}))
			}
		}
		return types.NewDynamic(out)
	}
	isInt := isInteger(start.Type) && isInteger(args[1].Type) && (len(args) < 3 || isInteger(args[2].Type))
	if isInt {
		from, to, step := start.Ints[i], args[1].Ints[i], int64(1)
		if len(args) > 2 {
			step = args[2].Ints[i]
		}
		if step == 0 {
			return null
		}
		out := []any{}
		for x := from; (step > 0 && x <= to || step < 0 && x >= to) && len(out) < maxRangeElements; x += step {
			out = append(out, x)
			if step > 0 && x > math.MaxInt64-step || step < 0 && x < math.MinInt64-step {
				break
			}
		}
		return types.NewDynamic(out)
	}
	from, _ := realAt(start, i)
	to, _ := realAt(args[1], i)
	step := 1.0
	if len(args) > 2 {
		step, _ = realAt(args[2], i)
	}
	if step == 0 || math.IsNaN(step) {
		return null
	}
	out := []any{}
	for k := 0; len(out) < maxRangeElements; k++ {
		x := from + float64(k)*step
		if step > 0 && x > to || step < 0 && x < to {
			break
		}
		out = append(out, x)
	}
	return types.NewDynamic(out)
}

// bagPath reads a key of bag_set_key and bag_remove_keys: a plain name, or a
// JSONPath of names ($.a.b or $['a']['b']).
func bagPath(key string) ([]string, bool) {
	if !strings.HasPrefix(key, "$") {
		return []string{key}, true
	}
	jp, err := parseJSONPath(key)
	if err != nil || len(jp) == 0 {
		return nil, false
	}
	out := make([]string, len(jp))
	for k, step := range jp {
		if step.isIndex {
			return nil, false
		}
		out[k] = step.key
	}
	return out, true
}

// withPath is bag with the value at path set, copying the bags on the way.
func withPath(bag map[string]any, path []string, v any) map[string]any {
	out := make(map[string]any, len(bag)+1)
	for k, x := range bag {
		out[k] = x
	}
	if len(path) == 1 {
		out[path[0]] = v
		return out
	}
	inner, _ := bag[path[0]].(map[string]any)
	out[path[0]] = withPath(inner, path[1:], v)
	return out
}

// withoutPath is d without the key at path; d itself when it has no such key.
func withoutPath(d any, path []string) any {
	bag, ok := d.(map[string]any)
	if !ok {
		return d
	}
	x, has := bag[path[0]]
	if !has {
		return d
	}
	out := make(map[string]any, len(bag))
	for k, v := range bag {
		out[k] = v
	}
	if len(path) == 1 {
		delete(out, path[0])
	} else {
		out[path[0]] = withoutPath(x, path[1:])
	}
	return out
}
