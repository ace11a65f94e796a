package functions

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Functions over dynamic values: arrays, property bags and JSON paths, plus the two
// accessors the planner lowers x.name and x[index] to. Dynamic payloads are shared,
// never modified: a function that changes an array or bag builds a new one.
//
// Elements compare as in a set: numbers by value (1 equals 1.0), strings exactly,
// arrays and bags structurally.

func init() {
	scalar("__getprop", 2, 2, "x.name: the property of a dynamic bag; null when absent or x is not a bag",
		sig(types.Dynamic, dynArg, textArg.as("name")), rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			bag, _ := args[0].Dyn[i].(map[string]any)
			return types.NewDynamic(bag[textAt(args[1], i)])
		}))
	scalar("__index", 2, 2, "x[index]: the element of a dynamic array (a negative index counts from the end) or, for a string index, of a bag",
		sig(types.Dynamic, dynArg, param{role: "index", desc: "an integer or a string", ok: func(t types.Type) bool {
			return isInteger(t) || isTextual(t)
		}}), rowsTo(types.Dynamic, indexRow))
	scalar("array_length", 1, 1, "The number of elements of a dynamic array; null when it is not an array", sig(types.Long, dynArg),
		rowsTo(types.Long, func(args []*vector.Vector, i int) types.Value {
			if arr, ok := args[0].Dyn[i].([]any); ok {
				return types.NewLong(int64(len(arr)))
			}
			return types.NullOf(types.Long)
		}))
	Alias("arraylength", "array_length")
	scalar("pack_array", 1, -1, "A dynamic array of its arguments", sig(types.Dynamic, anyScalar),
		rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			arr := make([]any, len(args))
			for k, a := range args {
				arr[k] = dynAt(a, i)
			}
			return types.NewDynamic(arr)
		}))
	scalar("bag_pack", 2, -1, "A dynamic property bag from alternating keys and values", bagPackCheck, bagPackEval)
	scalar("__bag_pack_nonempty", 2, -1, "bag_pack leaving out the keys whose value is null or empty: pack_all(true)",
		bagPackCheck, bagPackNonEmptyEval)
	Alias("pack", "bag_pack")
	Alias("pack_dictionary", "bag_pack")
	scalar("dynamic_to_json", 1, 1, "The canonical JSON text of a dynamic value, property bag keys sorted; tostring() of any other value",
		sig(types.String, anyScalar), convertEval(types.String, func(v *vector.Vector, i int) (types.Value, bool) {
			return types.NewString(textAt(v, i)), true
		}))
	scalar("bag_keys", 1, 1, "The keys of a dynamic property bag, as a sorted array; null when it is not a bag", sig(types.Dynamic, dynArg),
		rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			bag, ok := args[0].Dyn[i].(map[string]any)
			if !ok {
				return types.NullOf(types.Dynamic)
			}
			keys := make([]string, 0, len(bag))
			for k := range bag {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			arr := make([]any, len(keys))
			for k, key := range keys {
				arr[k] = key
			}
			return types.NewDynamic(arr)
		}))
	scalar("bag_has_key", 2, 2, "Whether a dynamic bag has a key, which may be a JSONPath ($.a.b) into nested bags",
		sig(types.Bool, dynArg.as("bag"), textArg.as("key")), rowsTo(types.Bool, bagHasKeyRow))
	scalar("array_concat", 1, 64, "The concatenation of dynamic arrays; null when an argument is not an array", sig(types.Dynamic, dynArg),
		rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			var out []any
			for _, a := range args {
				arr, ok := a.Dyn[i].([]any)
				if !ok {
					return types.NullOf(types.Dynamic)
				}
				out = append(out, arr...)
			}
			if out == nil {
				out = []any{}
			}
			return types.NewDynamic(out)
		}))
	scalar("array_slice", 3, 3, "The elements of a dynamic array from start to end, both inclusive; negative indexes count from the end",
		sig(types.Dynamic, dynArg.as("array"), intArg.as("start"), intArg.as("end")), rowsTo(types.Dynamic, arraySliceRow))
	scalar("array_index_of", 2, 5, "The position of a value in a dynamic array, searching an optional range (start, length, occurrence); -1 when absent",
		sig(types.Long, dynArg.as("array"), anyScalar.as("value"), intArg.as("start"), intArg.as("length"), intArg.as("occurrence")),
		rowsTo(types.Long, arrayIndexOfRow))
	scalar("set_has_element", 2, 2, "Whether a dynamic array holds a value", sig(types.Bool, dynArg.as("set"), anyScalar.as("value")),
		rowsTo(types.Bool, func(args []*vector.Vector, i int) types.Value {
			arr, ok := args[0].Dyn[i].([]any)
			if !ok {
				return types.NullOf(types.Bool)
			}
			return types.NewBool(indexOfKey(arr, dynKey(dynAt(args[1], i)), 0, len(arr), 1) >= 0)
		}))
	scalar("array_sum", 1, 1, "The sum of a dynamic array of numbers, as a real; null when an element is not a number", sig(types.Real, dynArg),
		rowsTo(types.Real, func(args []*vector.Vector, i int) types.Value {
			arr, ok := args[0].Dyn[i].([]any)
			if !ok {
				return types.NullOf(types.Real)
			}
			var sum float64
			for _, d := range arr {
				x, ok := dynNumber(d)
				if !ok {
					return types.NullOf(types.Real)
				}
				if x.isInt {
					sum += float64(x.i)
				} else {
					sum += x.f
				}
			}
			return types.NewReal(sum)
		}))
	for _, s := range []struct{ name, doc string }{
		{"set_union", "The distinct values that are in any of the dynamic arrays"},
		{"set_intersect", "The distinct values that are in all of the dynamic arrays"},
		{"set_difference", "The distinct values of the first dynamic array that are in none of the others"},
	} {
		s := s
		scalar(s.name, 2, 64, s.doc, sig(types.Dynamic, dynArg), rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			return setOp(s.name, args, i)
		}))
	}
	scalar("zip", 2, 16, "An array of arrays: the i-th holds the i-th element of each argument, null past an array's end",
		sig(types.Dynamic, dynArg), rowsTo(types.Dynamic, zipRow))
	scalar("extract_json", 2, 2, "The element at a JSONPath ($.a.b[0]) in JSON text, as text; empty when absent",
		extractJSONCheck, extractJSONEval)
	Alias("extractjson", "extract_json")
}

func indexRow(args []*vector.Vector, i int) types.Value {
	d, idx := args[0].Dyn[i], args[1]
	if nullAt(idx, i) {
		return types.NullOf(types.Dynamic)
	}
	if isInteger(idx.Type) {
		return elementAt(d, idx.Ints[i])
	}
	if idx.Type == types.Dynamic {
		if k, ok := idx.Dyn[i].(int64); ok {
			return elementAt(d, k)
		}
	}
	bag, _ := d.(map[string]any)
	return types.NewDynamic(bag[textAt(idx, i)])
}

// elementAt is element k of a dynamic array, counting from the end when negative;
// null when d is not an array or k is out of range.
func elementAt(d any, k int64) types.Value {
	arr, ok := d.([]any)
	if k < 0 {
		k += int64(len(arr))
	}
	if !ok || k < 0 || k >= int64(len(arr)) {
		return types.NullOf(types.Dynamic)
	}
	return types.NewDynamic(arr[k])
}

func bagPackCheck(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
	if len(args)%2 != 0 {
		return types.Unknown, fmt.Errorf("%s() takes pairs of a key and a value, got %d arguments", name, len(args))
	}
	for k := 0; k < len(args); k += 2 {
		if !isTextual(args[k]) {
			return types.Unknown, fmt.Errorf("%s() expects a string key as argument %d, got %s", name, k+1, args[k])
		}
	}
	return types.Dynamic, nil
}

func bagPackEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	out := newVec(types.Dynamic, n)
	for i := 0; i < n; i++ {
		bag := make(map[string]any, len(args)/2)
		for k := 0; k < len(args); k += 2 {
			bag[textAt(args[k], i)] = dynAt(args[k+1], i)
		}
		out.Dyn[i] = bag
	}
	return out, nil
}

func bagPackNonEmptyEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	out := newVec(types.Dynamic, n)
	for i := 0; i < n; i++ {
		bag := make(map[string]any, len(args)/2)
		for k := 0; k < len(args); k += 2 {
			switch v := dynAt(args[k+1], i); v {
			case nil, "":
			default:
				bag[textAt(args[k], i)] = v
			}
		}
		out.Dyn[i] = bag
	}
	return out, nil
}

func bagHasKeyRow(args []*vector.Vector, i int) types.Value {
	bag, ok := args[0].Dyn[i].(map[string]any)
	if !ok {
		if nullAt(args[0], i) {
			return types.NullOf(types.Bool)
		}
		return types.NewBool(false)
	}
	key := textAt(args[1], i)
	if !strings.HasPrefix(key, "$") {
		_, has := bag[key]
		return types.NewBool(has)
	}
	path, err := parseJSONPath(key)
	if err != nil {
		return types.NullOf(types.Bool)
	}
	_, has := path.find(bag)
	return types.NewBool(has)
}

func arraySliceRow(args []*vector.Vector, i int) types.Value {
	arr, ok := args[0].Dyn[i].([]any)
	start, sok := longAt(args[1], i)
	end, eok := longAt(args[2], i)
	if !ok || !sok || !eok {
		return types.NullOf(types.Dynamic)
	}
	l := int64(len(arr))
	if start < 0 {
		start += l
	}
	if end < 0 {
		end += l
	}
	start = max(start, 0)
	end = min(end, l-1)
	if start > end {
		return types.NewDynamic([]any{})
	}
	return types.NewDynamic(slices.Clone(arr[start : end+1]))
}

// arrayIndexOfRow follows the docs: a negative start counts from the end, length -1
// is the rest, and length < -1 or a negative occurrence is null.
func arrayIndexOfRow(args []*vector.Vector, i int) types.Value {
	null := types.NullOf(types.Long)
	arr, ok := args[0].Dyn[i].([]any)
	if !ok {
		return null
	}
	start, length, occurrence := int64(0), int64(-1), int64(1)
	for k, p := range []*int64{&start, &length, &occurrence} {
		if len(args) > k+2 {
			x, ok := longAt(args[k+2], i)
			if !ok {
				return null
			}
			*p = x
		}
	}
	if length < -1 || occurrence < 0 {
		return null
	}
	l := int64(len(arr))
	if start < 0 {
		start = max(l+start, 0)
	}
	if start > l || occurrence == 0 {
		return types.NewLong(-1)
	}
	end := l
	if length >= 0 {
		end = min(l, start+length)
	}
	return types.NewLong(int64(indexOfKey(arr, dynKey(dynAt(args[1], i)), int(start), int(end), int(occurrence))))
}

// indexOfKey finds the occurrence-th element of arr[from:to] whose key is key.
func indexOfKey(arr []any, key any, from, to, occurrence int) int {
	for k := from; k < to; k++ {
		if dynKey(arr[k]) == key {
			occurrence--
			if occurrence == 0 {
				return k
			}
		}
	}
	return -1
}

// dynNullKey is the key of a JSON null.
type dynNullKey struct{}

// dynKey is a dynamic payload as a comparable key: numbers by value, strings and
// bools as themselves, arrays and bags as their canonical JSON.
func dynKey(d any) any {
	switch x := d.(type) {
	case nil:
		return dynNullKey{}
	case int64:
		return numKey{i: x, isInt: true}
	case float64:
		return realKey(x)
	case string, bool:
		return x
	}
	return "\x00json:" + types.DynamicToJSON(d)
}

func setOp(name string, args []*vector.Vector, i int) types.Value {
	arrays := make([][]any, len(args))
	for k, a := range args {
		arr, ok := a.Dyn[i].([]any)
		if !ok {
			return types.NullOf(types.Dynamic)
		}
		arrays[k] = arr
	}
	out := []any{}
	seen := map[any]bool{}
	switch name {
	case "set_union":
		for _, arr := range arrays {
			for _, d := range arr {
				if k := dynKey(d); !seen[k] {
					seen[k] = true
					out = append(out, d)
				}
			}
		}
	default:
		others := make([]map[any]bool, len(arrays)-1)
		for k, arr := range arrays[1:] {
			others[k] = map[any]bool{}
			for _, d := range arr {
				others[k][dynKey(d)] = true
			}
		}
		for _, d := range arrays[0] {
			k := dynKey(d)
			if seen[k] {
				continue
			}
			seen[k] = true
			keep := true
			for _, o := range others {
				if o[k] != (name == "set_intersect") {
					keep = false
					break
				}
			}
			if keep {
				out = append(out, d)
			}
		}
	}
	return types.NewDynamic(out)
}

func zipRow(args []*vector.Vector, i int) types.Value {
	arrays := make([][]any, len(args))
	longest := 0
	for k, a := range args {
		arr, ok := a.Dyn[i].([]any)
		if !ok {
			return types.NullOf(types.Dynamic)
		}
		arrays[k] = arr
		longest = max(longest, len(arr))
	}
	out := make([]any, longest)
	for j := range out {
		tuple := make([]any, len(arrays))
		for k, arr := range arrays {
			if j < len(arr) {
				tuple[k] = arr[j]
			}
		}
		out[j] = tuple
	}
	return types.NewDynamic(out)
}

// JSONPath, the subset Kusto supports: $ then any of .name, ['name'], ["name"], [n].

type pathStep struct {
	key     string
	index   int
	isIndex bool
}

type jsonPath []pathStep

func parseJSONPath(p string) (jsonPath, error) {
	if !strings.HasPrefix(p, "$") {
		return nil, fmt.Errorf("a JSONPath starts with $: %q", p)
	}
	var steps jsonPath
	for i := 1; i < len(p); {
		switch p[i] {
		case '.':
			j := i + 1
			for j < len(p) && p[j] != '.' && p[j] != '[' {
				j++
			}
			if j == i+1 {
				return nil, fmt.Errorf("empty property name in JSONPath %q", p)
			}
			steps = append(steps, pathStep{key: p[i+1 : j]})
			i = j
		case '[':
			end := strings.IndexByte(p[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("unclosed [ in JSONPath %q", p)
			}
			inner := strings.TrimSpace(p[i+1 : i+end])
			if len(inner) >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[len(inner)-1] == inner[0] {
				// A quoted name may hold ']'.
				q := inner[0]
				close := strings.IndexByte(p[i+2:], q)
				if close < 0 {
					return nil, fmt.Errorf("unclosed quote in JSONPath %q", p)
				}
				name := p[i+2 : i+2+close]
				rest := i + 2 + close + 1
				if rest >= len(p) || p[rest] != ']' {
					return nil, fmt.Errorf("expected ] in JSONPath %q", p)
				}
				steps = append(steps, pathStep{key: name})
				i = rest + 1
				continue
			}
			k, err := strconv.Atoi(inner)
			if err != nil {
				return nil, fmt.Errorf("unsupported JSONPath element [%s] in %q", inner, p)
			}
			steps = append(steps, pathStep{index: k, isIndex: true})
			i += end + 1
		default:
			return nil, fmt.Errorf("unexpected %q in JSONPath %q", p[i], p)
		}
	}
	return steps, nil
}

// find walks the path from d; ok is false when a step is missing.
func (jp jsonPath) find(d any) (any, bool) {
	for _, s := range jp {
		if s.isIndex {
			arr, ok := d.([]any)
			k := s.index
			if k < 0 && ok {
				k += len(arr)
			}
			if !ok || k < 0 || k >= len(arr) {
				return nil, false
			}
			d = arr[k]
			continue
		}
		bag, ok := d.(map[string]any)
		if !ok {
			return nil, false
		}
		if d, ok = bag[s.key]; !ok {
			return nil, false
		}
	}
	return d, true
}

func extractJSONCheck(name string, args []types.Type, consts []*types.Value) (types.Type, error) {
	if err := checkParams(name, args, []param{textArg.as("jsonPath"), textArg.as("dataSource")}); err != nil {
		return types.Unknown, err
	}
	if p, ok := constString(consts, 0); ok {
		if _, err := parseJSONPath(p); err != nil {
			return types.Unknown, fmt.Errorf("%s(): %v", name, err)
		}
	}
	return types.String, nil
}

func extractJSONEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	paths, docs := texts(args[0], n), args[1]
	out := newVec(types.String, n)
	var path jsonPath
	var perr error
	last, have := "", false
	for i := 0; i < n; i++ {
		if p := paths[i]; !have || p != last {
			path, perr = parseJSONPath(p)
			last, have = p, true
		}
		if perr != nil {
			return nil, fmt.Errorf("extract_json(): %v", perr)
		}
		var d any
		if docs.Type == types.Dynamic {
			d = docs.Dyn[i]
			if s, ok := d.(string); ok {
				d, _ = types.ParseDynamic(s)
			}
		} else {
			var err error
			if d, err = types.ParseDynamic(docs.Strs[i]); err != nil {
				continue
			}
		}
		if v, ok := path.find(d); ok {
			out.Strs[i] = dynText(v)
		}
	}
	return out, nil
}
