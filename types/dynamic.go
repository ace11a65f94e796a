package types

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDynamicDepth bounds the nesting of arrays and objects in a dynamic value, so that
// hostile input cannot exhaust the stack of the recursive readers and writers.
const maxDynamicDepth = 10000

// ParseDynamic reads JSON text into a dynamic payload: nil, bool, int64, float64, string,
// []any or map[string]any. Storage reads dynamic columns back with it and Parse reads
// dynamic cells with it. A number without a fraction or exponent that fits is int64
// and any other float64, as Kusto reads JSON (2 is a long, 2.0 a real). Beyond strict
// JSON it takes NaN, Infinity and -Infinity, which Kusto's JSON reader accepts and
// DynamicToJSON writes. A repeated object key keeps its last value. Invalid UTF-8 in a
// string becomes U+FFFD. Strings are copied, so the result does not pin s in memory.
func ParseDynamic(s string) (any, error) {
	r := jsonReader{s: s}
	r.space()
	v, err := r.value(0)
	if err != nil {
		return nil, err
	}
	r.space()
	if r.i < len(r.s) {
		return nil, r.errorf("unexpected %s after the value", r.near())
	}
	return v, nil
}

// jsonReader is a recursive-descent JSON reader over a string.
type jsonReader struct {
	s string
	i int
}

func (r *jsonReader) errorf(format string, args ...any) error {
	return fmt.Errorf("invalid JSON at offset %d: %s", r.i, fmt.Sprintf(format, args...))
}

// near describes what stands at the reading position, for messages.
func (r *jsonReader) near() string {
	if r.i >= len(r.s) {
		return "end of text"
	}
	c, _ := utf8.DecodeRuneInString(r.s[r.i:])
	return strconv.QuoteRune(c)
}

func (r *jsonReader) space() {
	for r.i < len(r.s) {
		switch r.s[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

func (r *jsonReader) value(depth int) (any, error) {
	if r.i >= len(r.s) {
		return nil, r.errorf("unexpected end of text")
	}
	switch c := r.s[r.i]; {
	case c == '{':
		return r.object(depth + 1)
	case c == '[':
		return r.array(depth + 1)
	case c == '"':
		return r.str()
	case c == '-' || isDigit(c):
		return r.number()
	}
	rest := r.s[r.i:]
	switch {
	case strings.HasPrefix(rest, "true"):
		r.i += 4
		return true, nil
	case strings.HasPrefix(rest, "false"):
		r.i += 5
		return false, nil
	case strings.HasPrefix(rest, "null"):
		r.i += 4
		return nil, nil
	case strings.HasPrefix(rest, "NaN"):
		r.i += 3
		return math.NaN(), nil
	case strings.HasPrefix(rest, "Infinity"):
		r.i += 8
		return math.Inf(1), nil
	}
	return nil, r.errorf("unexpected %s", r.near())
}

func (r *jsonReader) object(depth int) (any, error) {
	if depth > maxDynamicDepth {
		return nil, r.errorf("nested deeper than %d", maxDynamicDepth)
	}
	r.i++
	m := map[string]any{}
	r.space()
	if r.i < len(r.s) && r.s[r.i] == '}' {
		r.i++
		return m, nil
	}
	for {
		if r.i >= len(r.s) || r.s[r.i] != '"' {
			return nil, r.errorf("expected a string key, found %s", r.near())
		}
		k, err := r.str()
		if err != nil {
			return nil, err
		}
		r.space()
		if r.i >= len(r.s) || r.s[r.i] != ':' {
			return nil, r.errorf("expected ':' after an object key, found %s", r.near())
		}
		r.i++
		r.space()
		v, err := r.value(depth)
		if err != nil {
			return nil, err
		}
		m[k.(string)] = v
		r.space()
		if r.i < len(r.s) && r.s[r.i] == ',' {
			r.i++
			r.space()
			continue
		}
		if r.i < len(r.s) && r.s[r.i] == '}' {
			r.i++
			return m, nil
		}
		return nil, r.errorf("expected ',' or '}' in an object, found %s", r.near())
	}
}

func (r *jsonReader) array(depth int) (any, error) {
	if depth > maxDynamicDepth {
		return nil, r.errorf("nested deeper than %d", maxDynamicDepth)
	}
	r.i++
	a := []any{}
	r.space()
	if r.i < len(r.s) && r.s[r.i] == ']' {
		r.i++
		return a, nil
	}
	for {
		v, err := r.value(depth)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		r.space()
		if r.i < len(r.s) && r.s[r.i] == ',' {
			r.i++
			r.space()
			continue
		}
		if r.i < len(r.s) && r.s[r.i] == ']' {
			r.i++
			return a, nil
		}
		return nil, r.errorf("expected ',' or ']' in an array, found %s", r.near())
	}
}

// number reads a JSON number, or -Infinity.
func (r *jsonReader) number() (any, error) {
	start := r.i
	if r.s[r.i] == '-' {
		r.i++
		if strings.HasPrefix(r.s[r.i:], "Infinity") {
			r.i += len("Infinity")
			return math.Inf(-1), nil
		}
	}
	switch {
	case r.i < len(r.s) && r.s[r.i] == '0':
		r.i++
	case r.i < len(r.s) && isDigit(r.s[r.i]):
		r.digits()
	default:
		return nil, r.errorf("expected a digit, found %s", r.near())
	}
	if r.i < len(r.s) && r.s[r.i] == '.' {
		r.i++
		if !r.digits() {
			return nil, r.errorf("expected a digit after '.', found %s", r.near())
		}
	}
	if r.i < len(r.s) && (r.s[r.i] == 'e' || r.s[r.i] == 'E') {
		r.i++
		if r.i < len(r.s) && (r.s[r.i] == '+' || r.s[r.i] == '-') {
			r.i++
		}
		if !r.digits() {
			return nil, r.errorf("expected a digit in the exponent, found %s", r.near())
		}
	}
	v, _ := jsonNumber(r.s[start:r.i])
	return v, nil
}

func (r *jsonReader) digits() bool {
	start := r.i
	for r.i < len(r.s) && isDigit(r.s[r.i]) {
		r.i++
	}
	return r.i > start
}

// jsonNumber converts the text of a JSON number: int64 when it has no fraction or
// exponent and fits, else float64 (an infinity past float64's range).
func jsonNumber(text string) (any, bool) {
	if !strings.ContainsAny(text, ".eE") {
		if n, st := parseInteger(text, math.MinInt64, math.MaxInt64); st == parsedOK {
			return n, true
		}
	}
	f, ok := parseReal(text)
	if !ok || text == "" || !isDigit(text[len(text)-1]) {
		return nil, false
	}
	return f, true
}

// str reads a JSON string. The common string without escapes is one copy.
func (r *jsonReader) str() (any, error) {
	r.i++
	start := r.i
	for r.i < len(r.s) {
		c := r.s[r.i]
		if c == '"' {
			s := strings.Clone(r.s[start:r.i])
			r.i++
			return s, nil
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
		r.i++
	}
	var b strings.Builder
	b.WriteString(r.s[start:r.i])
	for r.i < len(r.s) {
		c := r.s[r.i]
		switch {
		case c == '"':
			r.i++
			return b.String(), nil
		case c < 0x20:
			return nil, r.errorf("control character %s in a string", r.near())
		case c >= utf8.RuneSelf:
			ch, size := utf8.DecodeRuneInString(r.s[r.i:])
			b.WriteRune(ch) // RuneError for invalid bytes
			r.i += size
		case c != '\\':
			b.WriteByte(c)
			r.i++
		default:
			if r.i+1 >= len(r.s) {
				return nil, r.errorf("unexpected end of text in an escape")
			}
			r.i++
			switch e := r.s[r.i]; e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				ch, ok := r.hex4(r.i + 1)
				if !ok {
					return nil, r.errorf("invalid \\u escape")
				}
				r.i += 4
				if ch >= 0xD800 && ch < 0xDC00 { // the first half of a surrogate pair
					lo, ok := r.lowSurrogate(r.i + 1)
					ch = utf16.DecodeRune(ch, lo) // RuneError for a lone half
					if ok {
						r.i += 6
					}
				}
				b.WriteRune(ch)
			default:
				return nil, r.errorf("invalid escape %s", r.near())
			}
			r.i++
		}
	}
	return nil, r.errorf("unterminated string")
}

// hex4 reads four hex digits at s[i:].
func (r *jsonReader) hex4(i int) (rune, bool) {
	if i+4 > len(r.s) {
		return 0, false
	}
	var n rune
	for _, c := range []byte(r.s[i : i+4]) {
		switch {
		case isDigit(c):
			n = n<<4 | rune(c-'0')
		case c|0x20 >= 'a' && c|0x20 <= 'f':
			n = n<<4 | rune(c|0x20-'a'+10)
		default:
			return 0, false
		}
	}
	return n, true
}

// lowSurrogate reads a \uDC00-\uDFFF escape at s[i:], the second half of a pair.
func (r *jsonReader) lowSurrogate(i int) (rune, bool) {
	if i+6 > len(r.s) || r.s[i] != '\\' || r.s[i+1] != 'u' {
		return utf8.RuneError, false
	}
	lo, ok := r.hex4(i + 2)
	if !ok || lo < 0xDC00 || lo > 0xDFFF {
		return utf8.RuneError, false
	}
	return lo, true
}

// DynamicToJSON writes a dynamic payload as compact JSON, for display and for storing
// dynamic columns; ParseDynamic reads it back to an equal value of the same Go types.
// Object keys are sorted, as a Go map keeps no order. A whole-valued float64 keeps a
// ".0" (2.0) so that it reads back as a real; NaN and the infinities are written bare
// (NaN, Infinity, -Infinity). Values of other Go types print as encoding/json would.
func DynamicToJSON(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		if isPlainJSONString(x) {
			return `"` + x + `"`
		}
	}
	return string(appendDynamic(nil, v, false))
}

// isPlainJSONString reports whether s needs no escaping in JSON.
func isPlainJSONString(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// appendDynamic appends v as JSON. strict writes NaN and the infinities as strings, for
// output that other JSON readers must accept.
func appendDynamic(dst []byte, v any, strict bool) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...)
	case bool:
		return strconv.AppendBool(dst, x)
	case int64:
		return strconv.AppendInt(dst, x, 10)
	case float64:
		return appendDynamicReal(dst, x, strict)
	case string:
		return appendJSONString(dst, x)
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendDynamic(dst, e, strict)
		}
		return append(dst, ']')
	case map[string]any:
		var buf [16]string
		keys := buf[:0]
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, k)
			dst = append(dst, ':')
			dst = appendDynamic(dst, x[k], strict)
		}
		return append(dst, '}')
	case float32:
		return appendDynamicReal(dst, float64(x), strict)
	case json.Number:
		if _, ok := jsonNumber(string(x)); ok {
			return append(dst, x...)
		}
		return appendJSONString(dst, string(x))
	}
	if n, ok := goInteger(v); ok {
		return strconv.AppendInt(dst, n, 10)
	}
	if b, err := json.Marshal(v); err == nil {
		return append(dst, b...)
	}
	return appendJSONString(dst, fmt.Sprint(v))
}

// appendDynamicReal writes a float so that it reads back as a float: 2 is written 2.0.
func appendDynamicReal(dst []byte, f float64, strict bool) []byte {
	if strict && (math.IsNaN(f) || math.IsInf(f, 0)) {
		dst = append(dst, '"')
		dst = AppendReal(dst, f)
		return append(dst, '"')
	}
	start := len(dst)
	dst = AppendReal(dst, f)
	for _, c := range dst[start:] {
		if c == '.' || c == 'e' || c == 'N' || c == 'I' {
			return dst
		}
	}
	return append(dst, '.', '0')
}

// The kinds of dynamic values, in the order CompareDynamic sorts them.
const (
	dynNull = iota
	dynBool
	dynNumber
	dynString
	dynArray
	dynObject
	dynOther
)

// dynNum is a dynamic number: an integer, or a float when isFloat.
type dynNum struct {
	i       int64
	f       float64
	isFloat bool
}

func dynKind(v any) (int, dynNum) {
	switch x := v.(type) {
	case nil:
		return dynNull, dynNum{}
	case bool:
		return dynBool, dynNum{}
	case int64:
		return dynNumber, dynNum{i: x}
	case float64:
		return dynNumber, dynNum{f: x, isFloat: true}
	case string:
		return dynString, dynNum{}
	case []any:
		return dynArray, dynNum{}
	case map[string]any:
		return dynObject, dynNum{}
	case float32:
		return dynNumber, dynNum{f: float64(x), isFloat: true}
	case json.Number:
		switch n := jsonNumberOrNil(x).(type) {
		case int64:
			return dynNumber, dynNum{i: n}
		case float64:
			return dynNumber, dynNum{f: n, isFloat: true}
		}
		return dynOther, dynNum{}
	case uint64:
		if x > math.MaxInt64 {
			return dynNumber, dynNum{f: float64(x), isFloat: true}
		}
	}
	if n, ok := goInteger(v); ok {
		return dynNumber, dynNum{i: n}
	}
	return dynOther, dynNum{}
}

func jsonNumberOrNil(n json.Number) any {
	v, _ := jsonNumber(string(n))
	return v
}

// CompareDynamic orders two dynamic payloads totally, for sorting and grouping:
// null < bool < number < string < array < object, then false < true, numbers by value
// (an int64 and a float64 compare exactly; NaN equals NaN and sorts below every other
// number), strings bytewise, arrays element by element then by length, and objects by
// their sorted keys and the values under them. It returns -1, 0 or +1.
func CompareDynamic(a, b any) int {
	ka, na := dynKind(a)
	kb, nb := dynKind(b)
	if ka != kb {
		return cmp.Compare(ka, kb)
	}
	switch ka {
	case dynBool:
		x, y := a.(bool), b.(bool)
		switch {
		case x == y:
			return 0
		case y:
			return -1
		}
		return 1
	case dynNumber:
		return compareNum(na, nb)
	case dynString:
		return strings.Compare(a.(string), b.(string))
	case dynArray:
		x, y := a.([]any), b.([]any)
		for i := 0; i < len(x) && i < len(y); i++ {
			if c := CompareDynamic(x[i], y[i]); c != 0 {
				return c
			}
		}
		return cmp.Compare(len(x), len(y))
	case dynObject:
		x, y := a.(map[string]any), b.(map[string]any)
		kx, ky := sortedKeys(x), sortedKeys(y)
		for i := 0; i < len(kx) && i < len(ky); i++ {
			if c := strings.Compare(kx[i], ky[i]); c != 0 {
				return c
			}
			if c := CompareDynamic(x[kx[i]], y[ky[i]]); c != 0 {
				return c
			}
		}
		return cmp.Compare(len(kx), len(ky))
	case dynOther:
		return strings.Compare(DynamicToJSON(a), DynamicToJSON(b))
	}
	return 0
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// EqualDynamic reports whether two dynamic payloads are deeply equal, as CompareDynamic
// returning 0: an int64 equals a float64 of the same value, and NaN equals NaN. It
// does not sort object keys, so it is cheaper than CompareDynamic.
func EqualDynamic(a, b any) bool {
	ka, na := dynKind(a)
	kb, nb := dynKind(b)
	if ka != kb {
		return false
	}
	switch ka {
	case dynNull:
		return true
	case dynBool:
		return a.(bool) == b.(bool)
	case dynNumber:
		return compareNum(na, nb) == 0
	case dynString:
		return a.(string) == b.(string)
	case dynArray:
		x, y := a.([]any), b.([]any)
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if !EqualDynamic(x[i], y[i]) {
				return false
			}
		}
		return true
	case dynObject:
		x, y := a.(map[string]any), b.(map[string]any)
		if len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !EqualDynamic(xv, yv) {
				return false
			}
		}
		return true
	}
	return DynamicToJSON(a) == DynamicToJSON(b)
}

func compareNum(a, b dynNum) int {
	switch {
	case !a.isFloat && !b.isFloat:
		return cmp.Compare(a.i, b.i)
	case a.isFloat && b.isFloat:
		return cmp.Compare(a.f, b.f) // NaN first, NaN == NaN, -0 == 0
	case a.isFloat:
		return -compareIntFloat(b.i, a.f)
	}
	return compareIntFloat(a.i, b.f)
}

// compareIntFloat compares an int64 and a float64 exactly, which converting either to
// the other's type does not: 2^53+1 and 2^53 differ.
func compareIntFloat(i int64, f float64) int {
	switch {
	case math.IsNaN(f):
		return 1
	case f >= 1<<63:
		return -1
	case f < -(1 << 63):
		return 1
	}
	t := math.Trunc(f)
	if c := cmp.Compare(i, int64(t)); c != 0 {
		return c
	}
	return cmp.Compare(t, f) // the fractional part decides
}
