package functions

import (
	"math"
	"strconv"
	"strings"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Row readers: row i of a vector of any type, converted as Kusto's to*() functions
// convert. They are the single definition of those conversions, which the
// conversion functions expose and the other families reuse to read arguments that
// Kusto casts (strcat of a number, a dynamic compared with a long, ...). The bool
// is false for a null or for a value that does not convert.

// textAt reads row i as tostring() gives it: "" for null, the raw text of a string
// (also inside a dynamic), JSON for other dynamic values, datetime as ISO 8601 with
// seven fraction digits, and every other type as Format prints it.
func textAt(v *vector.Vector, i int) string {
	if nullAt(v, i) {
		return ""
	}
	switch v.Type {
	case types.String, types.Guid, types.Decimal:
		return v.Strs[i]
	case types.Dynamic:
		return dynText(v.Dyn[i])
	case types.Datetime:
		return datetimeText(v.Ints[i])
	}
	return types.Format(v.Value(i))
}

// datetimeText prints datetime ticks as tostring() does: 2017-10-15T12:00:00.0000000Z.
// The seven fraction digits are always there, as the docs' reverse() example shows.
func datetimeText(ticks int64) string {
	c := civilOf(ticks)
	b := make([]byte, 0, 28)
	b = appendPadded(b, int64(c.year), 4)
	b = append(b, '-')
	b = appendPadded(b, int64(c.month), 2)
	b = append(b, '-')
	b = appendPadded(b, int64(c.day), 2)
	b = append(b, 'T')
	b = appendPadded(b, int64(c.hour), 2)
	b = append(b, ':')
	b = appendPadded(b, int64(c.minute), 2)
	b = append(b, ':')
	b = appendPadded(b, int64(c.second), 2)
	b = append(b, '.')
	b = appendPadded(b, c.frac, 7)
	return string(append(b, 'Z'))
}

// appendPadded appends n in decimal with at least width digits.
func appendPadded(b []byte, n int64, width int) []byte {
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], n, 10)
	for k := len(s); k < width; k++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// dynText is tostring() of a dynamic payload.
func dynText(d any) string {
	switch x := d.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return string(types.AppendReal(nil, x))
	case bool:
		if x {
			return "true"
		}
		return "false"
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return types.DynamicToJSON(d)
}

// longAt reads row i as tolong() converts it: reals and decimals are truncated,
// text is parsed, datetime and timespan give their ticks, bool gives 1 or 0.
func longAt(v *vector.Vector, i int) (int64, bool) {
	if nullAt(v, i) {
		return 0, false
	}
	switch v.Type {
	case types.Bool, types.Int, types.Long, types.Datetime, types.Timespan:
		return v.Ints[i], true
	case types.Real:
		return truncReal(v.Reals[i])
	case types.Decimal:
		return truncDecimal(v.Strs[i])
	case types.String:
		return parseLong(v.Strs[i])
	case types.Dynamic:
		return dynLong(v.Dyn[i])
	}
	return 0, false
}

// intAt reads row i as toint() converts it: as tolong(), then null outside int's range.
func intAt(v *vector.Vector, i int) (int64, bool) {
	x, ok := longAt(v, i)
	if !ok || x < math.MinInt32 || x > math.MaxInt32 {
		return 0, false
	}
	return x, true
}

func parseLong(s string) (int64, bool) {
	x, err := types.Parse(types.Long, s)
	if err != nil || x.Null {
		return 0, false
	}
	return x.I, true
}

// truncReal truncates a real toward zero, failing for NaN, infinities and reals
// outside long's range.
func truncReal(f float64) (int64, bool) {
	if math.IsNaN(f) || f >= 9223372036854775807 || f < -9223372036854775808 {
		return 0, false
	}
	return int64(f), true
}

// truncDecimal truncates decimal text (no exponent, as types keeps it) to a long.
func truncDecimal(s string) (int64, bool) {
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s = s[:i]
	}
	x, err := strconv.ParseInt(s, 10, 64)
	if s == "-0" || s == "-" {
		return 0, true
	}
	return x, err == nil
}

func dynLong(d any) (int64, bool) {
	switch x := d.(type) {
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case int64:
		return x, true
	case float64:
		return truncReal(x)
	case string:
		return parseLong(x)
	}
	return 0, false
}

// realAt reads row i as toreal() converts it.
func realAt(v *vector.Vector, i int) (float64, bool) {
	if nullAt(v, i) {
		return 0, false
	}
	switch v.Type {
	case types.Real:
		return v.Reals[i], true
	case types.Bool, types.Int, types.Long, types.Datetime, types.Timespan:
		return float64(v.Ints[i]), true
	case types.Decimal:
		f, err := strconv.ParseFloat(v.Strs[i], 64)
		return f, err == nil
	case types.String:
		return parseReal(v.Strs[i])
	case types.Dynamic:
		return dynReal(v.Dyn[i])
	}
	return 0, false
}

func parseReal(s string) (float64, bool) {
	x, err := types.Parse(types.Real, s)
	if err != nil || x.Null {
		return 0, false
	}
	return x.F, true
}

func dynReal(d any) (float64, bool) {
	switch x := d.(type) {
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case string:
		return parseReal(x)
	}
	return 0, false
}

// boolAt reads row i as tobool() converts it: true/false (any case) or 1/0 as text,
// a number as whether it is non-zero.
func boolAt(v *vector.Vector, i int) (bool, bool) {
	if nullAt(v, i) {
		return false, false
	}
	switch v.Type {
	case types.Bool, types.Int, types.Long:
		return v.Ints[i] != 0, true
	case types.Real:
		return v.Reals[i] != 0, true
	case types.Decimal:
		f, err := strconv.ParseFloat(v.Strs[i], 64)
		return f != 0, err == nil
	case types.String:
		return parseBool(v.Strs[i])
	case types.Dynamic:
		return dynBool(v.Dyn[i])
	}
	return false, false
}

func parseBool(s string) (bool, bool) {
	x, err := types.Parse(types.Bool, s)
	if err != nil || x.Null {
		return false, false
	}
	return x.I != 0, true
}

func dynBool(d any) (bool, bool) {
	switch x := d.(type) {
	case bool:
		return x, true
	case int64:
		return x != 0, true
	case float64:
		return x != 0, true
	case string:
		return parseBool(x)
	}
	return false, false
}

// datetimeAt reads row i as todatetime() converts it: a datetime as is, text parsed
// as ParseDatetime reads it. A number is no datetime: it carries no unit.
func datetimeAt(v *vector.Vector, i int) (int64, bool) {
	return ticksAt(v, i, types.Datetime, types.ParseDatetime)
}

// timespanAt reads row i as totimespan() converts it: a timespan as is, text parsed
// as ParseTimespan reads it.
func timespanAt(v *vector.Vector, i int) (int64, bool) {
	return ticksAt(v, i, types.Timespan, types.ParseTimespan)
}

// ticksAt reads row i as ticks of type t: a value of t as is, text (or a dynamic
// string) through parse; anything else, null or empty text is no value.
func ticksAt(v *vector.Vector, i int, t types.Type, parse func(string) (int64, error)) (int64, bool) {
	if nullAt(v, i) {
		return 0, false
	}
	var s string
	switch v.Type {
	case t:
		return v.Ints[i], true
	case types.String:
		s = v.Strs[i]
	case types.Dynamic:
		str, ok := v.Dyn[i].(string)
		if !ok {
			return 0, false
		}
		s = str
	default:
		return 0, false
	}
	ticks, err := parse(s)
	return ticks, err == nil && strings.TrimSpace(s) != ""
}

// guidAt reads row i as toguid() converts it, to canonical lower-case text.
func guidAt(v *vector.Vector, i int) (string, bool) {
	if nullAt(v, i) {
		return "", false
	}
	switch v.Type {
	case types.Guid:
		return v.Strs[i], true
	case types.String:
		return parseGuid(v.Strs[i])
	case types.Dynamic:
		if s, ok := v.Dyn[i].(string); ok {
			return parseGuid(s)
		}
	}
	return "", false
}

// parseGuid reads a guid as toguid() does: the canonical forms types.Parse reads, or
// else the first 32 hex digits of the text with hyphens skipped wherever they are
// (the docs convert "0123456789ab-cdef-0123-456789abcdef"); the rest is ignored.
func parseGuid(s string) (string, bool) {
	if g, ok := parseTyped(types.Guid, s); ok {
		return g, true
	}
	var hex [32]byte
	k := 0
	for i := 0; i < len(s) && k < 32; i++ {
		c := s[i]
		switch {
		case c == '-':
			continue
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
		case c >= 'A' && c <= 'F':
			c += 'a' - 'A'
		default:
			return "", false
		}
		hex[k] = c
		k++
	}
	if k < 32 {
		return "", false
	}
	h := string(hex[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], true
}

// decimalAt reads row i as todecimal() converts it, to canonical decimal text.
func decimalAt(v *vector.Vector, i int) (string, bool) {
	if nullAt(v, i) {
		return "", false
	}
	switch v.Type {
	case types.Decimal:
		return v.Strs[i], true
	case types.Bool, types.Int, types.Long:
		return strconv.FormatInt(v.Ints[i], 10), true
	case types.Real:
		return realDecimal(v.Reals[i])
	case types.String:
		return parseTyped(types.Decimal, v.Strs[i])
	case types.Dynamic:
		switch x := v.Dyn[i].(type) {
		case int64:
			return strconv.FormatInt(x, 10), true
		case float64:
			return realDecimal(x)
		case string:
			return parseTyped(types.Decimal, x)
		case bool:
			if x {
				return "1", true
			}
			return "0", true
		}
	}
	return "", false
}

// realDecimal converts a real to decimal text, via its shortest decimal form.
func realDecimal(f float64) (string, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", false
	}
	return parseTyped(types.Decimal, strconv.FormatFloat(f, 'g', -1, 64))
}

// parseTyped parses text as a string-stored type (guid, decimal) and returns its text.
func parseTyped(t types.Type, s string) (string, bool) {
	x, err := types.Parse(t, s)
	if err != nil || x.Null {
		return "", false
	}
	return x.S, true
}

// dynAt reads row i as a dynamic payload, as pack_array() and the comparisons with a
// dynamic value see it: a number as int64 or float64, text as a string, datetime and
// timespan as their Format text, null as nil.
func dynAt(v *vector.Vector, i int) any {
	if nullAt(v, i) {
		return nil
	}
	switch v.Type {
	case types.Bool:
		return v.Ints[i] != 0
	case types.Int, types.Long:
		return v.Ints[i]
	case types.Real:
		return v.Reals[i]
	case types.String, types.Guid:
		return v.Strs[i]
	case types.Decimal:
		d, err := types.ParseDynamic(v.Strs[i])
		if err != nil {
			return v.Strs[i]
		}
		return d
	case types.Dynamic:
		return v.Dyn[i]
	}
	return types.Format(v.Value(i))
}

// valueDyn is dynAt for a single Value (a constant).
func valueDyn(x types.Value) any {
	v := vector.New(x.Type, 1)
	v.Append(x)
	return dynAt(v, 0)
}

// castAt reads row i of v as a value of type t, through t's conversion.
func castAt(v *vector.Vector, i int, t types.Type) types.Value {
	var x types.Value
	ok := true
	switch t {
	case types.String:
		return types.NewString(textAt(v, i))
	case types.Bool:
		var b bool
		b, ok = boolAt(v, i)
		x = types.NewBool(b)
	case types.Int:
		x.I, ok = intAt(v, i)
	case types.Long:
		x.I, ok = longAt(v, i)
	case types.Real:
		x.F, ok = realAt(v, i)
	case types.Decimal:
		x.S, ok = decimalAt(v, i)
	case types.Datetime:
		x.I, ok = datetimeAt(v, i)
	case types.Timespan:
		x.I, ok = timespanAt(v, i)
	case types.Guid:
		x.S, ok = guidAt(v, i)
	case types.Dynamic:
		x.D = dynAt(v, i)
		ok = x.D != nil
	}
	if !ok {
		return types.NullOf(t)
	}
	x.Type = t
	return x
}

// castVec converts the n rows of v to type t; v itself when it is already of type t.
func castVec(v *vector.Vector, t types.Type, n int) *vector.Vector {
	if v.Type == t {
		return v
	}
	out := newVec(t, n)
	for i := 0; i < n; i++ {
		store(out, i, castAt(v, i, t))
	}
	return out
}

// commonType is the type that values of every type in ts convert to without loss,
// as iff, case, coalesce, max_of and min_of need: a type with itself, numbers with
// the widest of them (int, long, real, decimal), and dynamic with any type (which
// the dynamic values are converted to). ok is false when there is none.
func commonType(ts []types.Type) (types.Type, bool) {
	rank := map[types.Type]int{types.Int: 1, types.Long: 2, types.Real: 3, types.Decimal: 4}
	common := types.Dynamic
	for _, t := range ts {
		switch {
		case t == types.Dynamic || t == common:
		case common == types.Dynamic:
			common = t
		case t.Numeric() && common.Numeric():
			if rank[t] > rank[common] {
				common = t
			}
		default:
			return types.Unknown, false
		}
	}
	return common, true
}
