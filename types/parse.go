package types

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Parse converts text, such as a CSV cell, a JSON string or a query result cell, into a
// value of type t. Ingest calls it once per cell, so the long, real and ISO 8601 datetime
// paths do not allocate.
//
// Empty text (or only spaces) is the null of t; for a string it is "". Surrounding
// spaces are ignored for every type but string, which is kept exactly as given (and a
// dynamic string, below). Each type accepts:
//
//   - bool: true or false in any case, 1 or 0.
//   - int, long: a decimal integer with an optional sign, also written with an integral
//     fraction such as 42.0. A value that does not fit is an error, not a wrap.
//   - real: decimal text with an optional exponent, NaN, Infinity, -Infinity and inf
//     in any case. A magnitude beyond float64's range is an infinity, not an error.
//   - decimal: a decimal number, kept as text without sign noise or exponent (1.5e2 is
//     "150"), at most 28 fraction digits (rounded) and below 2^96 in magnitude.
//   - datetime: see ParseDatetime. A bare number is refused: it could be seconds or
//     milliseconds since 1970, and guessing would silently shift timestamps.
//   - timespan: see ParseTimespan.
//   - guid: 32 hex digits as 8-4-4-4-12, optionally in braces or parentheses, or without
//     dashes; kept as canonical lower-case 8-4-4-4-12 text.
//   - dynamic: JSON text (see ParseDynamic); JSON null is the null dynamic, and text that
//     is not JSON becomes a dynamic string holding s unchanged.
//
// A canonical guid, like a string, is returned as a substring of s, not a copy.
//
// Errors are short and name the input: `cannot convert "abc" to long`,
// `datetime "2024-13-01" is out of range`.
func Parse(t Type, s string) (Value, error) {
	if t == String {
		return Value{Type: String, S: s}, nil
	}
	x := trimSpace(s)
	if x == "" && t != Unknown && int(t) < len(typeNames) {
		return NullOf(t), nil
	}
	switch t {
	case Bool:
		switch {
		case x == "1" || strings.EqualFold(x, "true"):
			return Value{Type: Bool, I: 1}, nil
		case x == "0" || strings.EqualFold(x, "false"):
			return Value{Type: Bool}, nil
		}
		return Value{}, convErr(s, t)
	case Int:
		n, st := parseInteger(x, math.MinInt32, math.MaxInt32)
		if st != parsedOK {
			return Value{}, statusErr(st, s, t)
		}
		return Value{Type: Int, I: n}, nil
	case Long:
		n, st := parseInteger(x, math.MinInt64, math.MaxInt64)
		if st != parsedOK {
			return Value{}, statusErr(st, s, t)
		}
		return Value{Type: Long, I: n}, nil
	case Real:
		f, ok := parseReal(x)
		if !ok {
			return Value{}, convErr(s, t)
		}
		return Value{Type: Real, F: f}, nil
	case Decimal:
		d, st := parseDecimal(x)
		if st != parsedOK {
			return Value{}, statusErr(st, s, t)
		}
		return Value{Type: Decimal, S: d}, nil
	case Datetime:
		ticks, err := parseDatetimeText(s, x)
		if err != nil {
			return Value{}, err
		}
		return Value{Type: Datetime, I: ticks}, nil
	case Timespan:
		ticks, err := parseTimespanText(s, x)
		if err != nil {
			return Value{}, err
		}
		return Value{Type: Timespan, I: ticks}, nil
	case Guid:
		g, ok := parseGuid(x)
		if !ok {
			return Value{}, convErr(s, t)
		}
		return Value{Type: Guid, S: g}, nil
	case Dynamic:
		d, err := ParseDynamic(x)
		if err != nil {
			return Value{Type: Dynamic, D: s}, nil
		}
		if d == nil {
			return NullOf(Dynamic), nil
		}
		return Value{Type: Dynamic, D: d}, nil
	}
	return Value{}, fmt.Errorf("cannot convert text to %s", t)
}

// FromJSON converts one value decoded by encoding/json (with UseNumber: nil, bool,
// json.Number, string, []any, map[string]any) into a value of type t, for ingesting
// JSON rows. JSON null is the null of t. A string is read as Parse reads text, so "42"
// fills a long and "2024-01-31T10:00:00Z" a datetime. A string column takes any other
// JSON value as its compact JSON text. A dynamic column takes any JSON value, with
// numbers as in ParseDynamic (integers int64, others float64); a JSON string stays a
// string and is not parsed again. A JSON true or false fills bool, and 1 or 0 in the
// numeric types. A JSON number is no datetime or timespan: it carries no unit. float64
// and Go integers are accepted too, for input decoded without UseNumber.
func FromJSON(t Type, v any) (Value, error) {
	if v == nil {
		if t == Unknown || int(t) >= len(typeNames) {
			return Value{}, fmt.Errorf("cannot convert JSON to %s", t)
		}
		return NullOf(t), nil
	}
	switch t {
	case String:
		switch x := v.(type) {
		case string:
			return Value{Type: String, S: x}, nil
		case json.Number:
			return Value{Type: String, S: string(x)}, nil
		}
		d, err := dynamicFromJSON(v, 0)
		if err != nil {
			return Value{}, err
		}
		return Value{Type: String, S: DynamicToJSON(d)}, nil
	case Dynamic:
		d, err := dynamicFromJSON(v, 0)
		if err != nil {
			return Value{}, err
		}
		return Value{Type: Dynamic, D: d}, nil
	case Unknown:
		return Value{}, fmt.Errorf("cannot convert JSON to %s", t)
	}
	switch x := v.(type) {
	case string:
		return Parse(t, x)
	case json.Number:
		return Parse(t, string(x))
	case bool:
		var n int64
		if x {
			n = 1
		}
		switch t {
		case Bool, Int, Long:
			return Value{Type: t, I: n}, nil
		case Real:
			return Value{Type: Real, F: float64(n)}, nil
		case Decimal:
			return Value{Type: Decimal, S: strconv.FormatInt(n, 10)}, nil
		}
		return Value{}, fmt.Errorf("cannot convert %t to %s", x, t)
	case float64:
		if t == Real {
			return Value{Type: Real, F: x}, nil
		}
		return Parse(t, strconv.FormatFloat(x, 'f', -1, 64))
	case []any:
		return Value{}, fmt.Errorf("cannot convert an array to %s", t)
	case map[string]any:
		return Value{}, fmt.Errorf("cannot convert an object to %s", t)
	}
	if n, ok := goInteger(v); ok {
		return Parse(t, strconv.FormatInt(n, 10))
	}
	return Value{}, fmt.Errorf("cannot convert %T to %s", v, t)
}

// dynamicFromJSON rebuilds a value decoded by encoding/json in dynamic's own shapes:
// json.Number becomes int64 or float64 as ParseDynamic would read it, Go integers
// int64, float32 float64, and containers are copied with their elements converted.
func dynamicFromJSON(v any, depth int) (any, error) {
	if depth > maxDynamicDepth {
		return nil, fmt.Errorf("JSON value nested deeper than %d", maxDynamicDepth)
	}
	switch x := v.(type) {
	case nil, bool, string, int64, float64:
		return x, nil
	case json.Number:
		d, ok := jsonNumber(string(x))
		if !ok {
			return nil, fmt.Errorf("invalid JSON number %s", quote(string(x)))
		}
		return d, nil
	case float32:
		return float64(x), nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			d, err := dynamicFromJSON(e, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = d
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			d, err := dynamicFromJSON(e, depth+1)
			if err != nil {
				return nil, err
			}
			out[k] = d
		}
		return out, nil
	}
	if n, ok := goInteger(v); ok {
		return n, nil
	}
	if u, ok := v.(uint64); ok {
		return float64(u), nil
	}
	return nil, fmt.Errorf("cannot convert %T to dynamic", v)
}

// goInteger reads Go's integer types other than int64 (which callers test first), and a
// uint64 that fits.
func goInteger(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int8:
		return int64(x), true
	case int16:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case uint:
		return int64(x), uint64(x) <= math.MaxInt64
	case uint8:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint64:
		return int64(x), x <= math.MaxInt64
	}
	return 0, false
}

// parseStatus says whether text parsed, is not in any accepted form, or is well formed
// but names a value outside the type (month 13, 25:00, 2^63).
type parseStatus uint8

const (
	parsedOK parseStatus = iota
	badSyntax
	outOfRange
	wrongWeekday
)

func convErr(s string, t Type) error {
	return fmt.Errorf("cannot convert %s to %s", quote(s), t)
}

func statusErr(st parseStatus, s string, t Type) error {
	switch st {
	case outOfRange:
		return fmt.Errorf("%s %s is out of range", t, quote(s))
	case wrongWeekday:
		return fmt.Errorf("%s %s names the wrong day of the week", t, quote(s))
	}
	return convErr(s, t)
}

// quote prints input for an error message, cut short so a huge cell does not flood logs.
func quote(s string) string {
	const max = 64
	if len(s) > max {
		n := max
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n] + "..."
	}
	return strconv.Quote(s)
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// trimSpace drops ASCII white space at both ends without allocating.
func trimSpace(s string) string {
	i, j := 0, len(s)
	for i < j && isSpace(s[i]) {
		i++
	}
	for j > i && isSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// parseInteger reads [+-]digits[.0...] within [lo, hi]. Syntax is checked to the end
// before range, so "99999999999999999999x" is a syntax error, not a range error.
func parseInteger(s string, lo, hi int64) (int64, parseStatus) {
	i, neg := 0, false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var u uint64
	over := false
	for ; i < len(s) && isDigit(s[i]); i++ {
		d := uint64(s[i] - '0')
		if u > (math.MaxUint64-d)/10 {
			over = true
		} else {
			u = u*10 + d
		}
	}
	if i == start {
		return 0, badSyntax
	}
	if i < len(s) {
		// An integral fraction, as JSON writers and spreadsheets print whole numbers.
		if s[i] != '.' || i+1 == len(s) {
			return 0, badSyntax
		}
		for i++; i < len(s); i++ {
			if s[i] != '0' {
				return 0, badSyntax
			}
		}
	}
	if over {
		return 0, outOfRange
	}
	if neg {
		// -lo overflows int64 for MinInt64, so the bound is computed in uint64.
		if u > uint64(-(lo+1))+1 {
			return 0, outOfRange
		}
		if u == 1<<63 {
			return math.MinInt64, parsedOK
		}
		return -int64(u), parsedOK
	}
	if u > uint64(hi) {
		return 0, outOfRange
	}
	return int64(u), parsedOK
}

// parseReal reads decimal floating-point text and the special values. strconv.ParseFloat
// also takes hex floats and underscores, which are no real's syntax, so only digits,
// signs, points and exponents reach it. Magnitudes beyond float64 become infinities.
func parseReal(s string) (float64, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) && c != '.' && c != '+' && c != '-' && c != 'e' && c != 'E' {
			return parseRealName(s)
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	return f, true
}

func parseRealName(s string) (float64, bool) {
	sign := 1
	if s != "" && (s[0] == '+' || s[0] == '-') {
		if s[0] == '-' {
			sign = -1
		}
		s = s[1:]
	}
	switch {
	case strings.EqualFold(s, "inf") || strings.EqualFold(s, "infinity"):
		return math.Inf(sign), true
	case strings.EqualFold(s, "nan"):
		return math.NaN(), true
	}
	return 0, false
}

// maxDecimal is the largest decimal's integer digits, 2^96-1.
const maxDecimal = "79228162514264337593543950335"

// maxDecimalScale is the most fraction digits a decimal keeps.
const maxDecimalScale = 28

// parseDecimal checks decimal text and rewrites it plainly: "+001.50" is "1.50", "1.5e2"
// is "150", "-0" is "0". The fraction keeps its written digits (its scale), rounded half
// away from zero at 28 digits. Decimal's 96-bit mantissa limits significant digits too;
// that rounding is left to arithmetic, parsing only bounds the magnitude.
func parseDecimal(s string) (string, parseStatus) {
	i, neg := 0, false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	intStart := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intDigits := s[intStart:i]
	var fracDigits string
	if i < len(s) && s[i] == '.' {
		i++
		fs := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		fracDigits = s[fs:i]
	}
	if intDigits == "" && fracDigits == "" {
		return "", badSyntax
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		es := i
		for ; i < len(s) && isDigit(s[i]); i++ {
			if exp < 1_000_000 {
				exp = exp*10 + int(s[i]-'0')
			}
		}
		if i == es {
			return "", badSyntax
		}
		if eneg {
			exp = -exp
		}
	}
	if i != len(s) {
		return "", badSyntax
	}
	// The value is digits × 10^e, digits an integer without leading zeros.
	digits := strings.TrimLeft(intDigits+fracDigits, "0")
	e := exp - len(fracDigits)
	scale := max(0, -e)
	if digits == "" {
		return formatDecimal(false, "", 0, min(scale, maxDecimalScale)), parsedOK
	}
	if len(digits)+e > len(maxDecimal) {
		return "", outOfRange
	}
	if scale > maxDecimalScale {
		drop := scale - maxDecimalScale
		digits, e = roundDigits(digits, drop), e+drop
		scale = maxDecimalScale
	}
	intLen := len(digits) + e
	if intLen > len(maxDecimal) || intLen == len(maxDecimal) && (digits[:intLen] > maxDecimal ||
		digits[:intLen] == maxDecimal && strings.Trim(digits[intLen:], "0") != "") {
		return "", outOfRange
	}
	return formatDecimal(neg, digits, e, scale), parsedOK
}

// roundDigits drops the last n digits of an integer's digits, rounding half away from
// zero, and returns the digits that remain ("" for zero).
func roundDigits(digits string, n int) string {
	if n > len(digits) {
		return ""
	}
	keep := []byte(digits[:len(digits)-n])
	if digits[len(digits)-n] >= '5' {
		j := len(keep) - 1
		for ; j >= 0 && keep[j] == '9'; j-- {
			keep[j] = '0'
		}
		if j < 0 {
			keep = append([]byte{'1'}, keep...)
		} else {
			keep[j]++
		}
	}
	return strings.TrimLeft(string(keep), "0")
}

// formatDecimal prints digits × 10^e with scale fraction digits (scale = -e when e < 0).
func formatDecimal(neg bool, digits string, e, scale int) string {
	if strings.Trim(digits, "0") == "" {
		digits, e, neg = "", -scale, false
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	if e >= 0 {
		if digits == "" {
			b.WriteByte('0')
		} else {
			b.WriteString(digits)
			b.WriteString(strings.Repeat("0", e))
		}
		return b.String()
	}
	intLen := len(digits) + e
	if intLen <= 0 {
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -intLen))
		b.WriteString(digits)
		return b.String()
	}
	b.WriteString(digits[:intLen])
	b.WriteByte('.')
	b.WriteString(digits[intLen:])
	return b.String()
}

// parseGuid accepts the 8-4-4-4-12 form, the same in braces or parentheses, and 32 hex
// digits without dashes. Canonical input is returned as is, without allocating.
func parseGuid(s string) (string, bool) {
	switch len(s) {
	case 38:
		if !(s[0] == '{' && s[37] == '}' || s[0] == '(' && s[37] == ')') {
			return "", false
		}
		s = s[1:37]
		fallthrough
	case 36:
		canonical := true
		for i := 0; i < 36; i++ {
			c := s[i]
			if i == 8 || i == 13 || i == 18 || i == 23 {
				if c != '-' {
					return "", false
				}
				continue
			}
			if !isHexDigit(c) {
				return "", false
			}
			if c >= 'A' && c <= 'F' {
				canonical = false
			}
		}
		if canonical {
			return s, true
		}
		return strings.ToLower(s), true
	case 32:
		var b [36]byte
		j := 0
		for i := 0; i < 32; i++ {
			if i == 8 || i == 12 || i == 16 || i == 20 {
				b[j] = '-'
				j++
			}
			c := s[i]
			if !isHexDigit(c) {
				return "", false
			}
			if c >= 'A' && c <= 'F' {
				c += 'a' - 'A'
			}
			b[j] = c
			j++
		}
		return string(b[:]), true
	}
	return "", false
}

func isHexDigit(c byte) bool {
	return isDigit(c) || c|0x20 >= 'a' && c|0x20 <= 'f'
}
