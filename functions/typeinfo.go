package functions

import (
	"math"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Functions about a value itself rather than what it means: gettype() names its
// runtime type, estimate_data_size() estimates its size in bytes.

func init() {
	scalar("gettype", 1, 1, "The runtime type of a value: its type's name, or for a dynamic value the kind it holds (int, long, real, string, bool, array, dictionary, null)",
		sig(types.String, anyScalar), gettypeEval)
	scalar("estimate_data_size", 1, -1, "The estimated size in bytes of the values of a row: 8 for a long, real, datetime or timespan, the length of a string, ...",
		sig(types.Long, anyScalar), rowsTo(types.Long, func(args []*vector.Vector, i int) types.Value {
			var size int64
			for _, a := range args {
				size += dataSize(a, i)
			}
			return types.NewLong(size)
		}))
}

// dataSize estimates the bytes row i of v takes: the fixed width of its type, the
// UTF-8 length of a string, and for a dynamic value the length of its JSON text.
// A null takes nothing.
func dataSize(v *vector.Vector, i int) int64 {
	if nullAt(v, i) {
		return 0
	}
	switch v.Type {
	case types.Bool:
		return 1
	case types.Int:
		return 4
	case types.Long, types.Real, types.Datetime, types.Timespan:
		return 8
	case types.Guid, types.Decimal:
		return 16
	case types.String:
		return int64(len(v.Strs[i]))
	case types.Dynamic:
		return int64(len(types.DynamicToJSON(v.Dyn[i])))
	}
	return 0
}

// gettypeEval names the type of each row. A value of a static type is named after
// that type, null or not; a dynamic value is named after what it holds, with a
// JSON integer that fits 32 bits an int as the docs show for parse_json('1').
func gettypeEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	a := args[0]
	out := newVec(types.String, n)
	if a.Type != types.Dynamic {
		name := a.Type.String()
		for i := range out.Strs {
			out.Strs[i] = name
		}
		return out, nil
	}
	for i := range out.Strs {
		if a.IsNull(i) {
			out.Strs[i] = "null"
			continue
		}
		out.Strs[i] = dynTypeName(a.Dyn[i])
	}
	return out, nil
}

// dynTypeName names the kind of a dynamic payload as gettype() does.
func dynTypeName(d any) string {
	switch x := d.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case int64:
		if x >= math.MinInt32 && x <= math.MaxInt32 {
			return "int"
		}
		return "long"
	case float64:
		return "real"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "dictionary"
	}
	return "unknown"
}
