package functions

import (
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Conversion functions. Each takes any scalar (toguid and parse_json take text) and
// gives null when the value does not convert; the row readers in values.go define
// the conversions. tostring of null is "" as strings have no null.

func init() {
	scalar("tostring", 1, 1, "The text of a value: a dynamic string's raw text, other dynamic values as JSON, datetime as ISO 8601, null as \"\"",
		sig(types.String, anyScalar), convertEval(types.String, func(v *vector.Vector, i int) (types.Value, bool) {
			return types.NewString(textAt(v, i)), true
		}))
	scalar("toint", 1, 1, "Converts to int: reals truncate, text is parsed; null when it does not convert or fit",
		sig(types.Int, anyScalar), convertEval(types.Int, func(v *vector.Vector, i int) (types.Value, bool) {
			x, ok := intAt(v, i)
			return types.Value{Type: types.Int, I: x}, ok
		}))
	scalar("tolong", 1, 1, "Converts to long: reals truncate, text is parsed, datetime and timespan give ticks",
		sig(types.Long, anyScalar), convertEval(types.Long, func(v *vector.Vector, i int) (types.Value, bool) {
			x, ok := longAt(v, i)
			return types.NewLong(x), ok
		}))
	scalar("toreal", 1, 1, "Converts to real", sig(types.Real, anyScalar), convertEval(types.Real, func(v *vector.Vector, i int) (types.Value, bool) {
		x, ok := realAt(v, i)
		return types.NewReal(x), ok
	}))
	Alias("todouble", "toreal")
	scalar("tobool", 1, 1, "Converts to bool: \"true\"/\"false\" in any case, a number is true when not zero",
		sig(types.Bool, anyScalar), convertEval(types.Bool, func(v *vector.Vector, i int) (types.Value, bool) {
			x, ok := boolAt(v, i)
			return types.NewBool(x), ok
		}))
	Alias("toboolean", "tobool")
	scalar("todatetime", 1, 1, "Converts text to a datetime (the forms datetime literals accept)",
		sig(types.Datetime, anyScalar), convertEval(types.Datetime, func(v *vector.Vector, i int) (types.Value, bool) {
			x, ok := datetimeAt(v, i)
			return types.NewDatetime(x), ok
		}))
	scalar("totimespan", 1, 1, "Converts text to a timespan ([d.]hh:mm[:ss[.f]] or a number and a unit)",
		sig(types.Timespan, anyScalar), convertEval(types.Timespan, func(v *vector.Vector, i int) (types.Value, bool) {
			x, ok := timespanAt(v, i)
			return types.NewTimespan(x), ok
		}))
	Alias("totime", "totimespan")
	scalar("toguid", 1, 1, "Converts text to a guid", sig(types.Guid, param{desc: "a string", ok: func(t types.Type) bool {
		return isTextual(t) || t == types.Guid
	}}), convertEval(types.Guid, func(v *vector.Vector, i int) (types.Value, bool) {
		x, ok := guidAt(v, i)
		return types.NewGuid(x), ok
	}))
	scalar("todecimal", 1, 1, "Converts to decimal, kept as exact decimal text",
		sig(types.Decimal, anyScalar), convertEval(types.Decimal, func(v *vector.Vector, i int) (types.Value, bool) {
			x, ok := decimalAt(v, i)
			return types.Value{Type: types.Decimal, S: x}, ok
		}))
	scalar("parse_json", 1, 1, "Parses JSON text into a dynamic value; text that is not JSON becomes a dynamic string, and a dynamic value is kept",
		sig(types.Dynamic, textArg), parseJSONEval)
	for _, a := range []string{"todynamic", "toobject", "parsejson"} {
		Alias(a, "parse_json")
	}
}

// convertEval builds a conversion kernel from a row conversion; ok false is null.
func convertEval(t types.Type, f func(v *vector.Vector, i int) (types.Value, bool)) evalFn {
	return func(args []*vector.Vector, n int) (*vector.Vector, error) {
		out := newVec(t, n)
		for i := 0; i < n; i++ {
			x, ok := f(args[0], i)
			if !ok {
				out.SetNull(i)
				continue
			}
			store(out, i, x)
		}
		return out, nil
	}
}

func parseJSONEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	a := args[0]
	out := newVec(types.Dynamic, n)
	for i := 0; i < n; i++ {
		if a.Type == types.Dynamic {
			setDyn(out, i, a.Dyn[i])
			continue
		}
		setDyn(out, i, parseJSON(a.Strs[i]))
	}
	return out, nil
}

// parseJSON is parse_json of one string: its JSON value, the string itself when it
// is not JSON, and null for the empty string. Text of only white space is no JSON
// value, so it is kept as a string, as Kusto's JSON reader fails on it.
func parseJSON(s string) any {
	if s == "" {
		return nil
	}
	d, err := types.ParseDynamic(s)
	if err != nil {
		return s
	}
	return d
}
