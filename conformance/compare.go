package conformance

import (
	"encoding/json"
	"html"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/spoorhq/spoor/types"
)

// Expected cells are text written for people: Markdown tables in the documentation,
// or another engine's printed output. cellMatches decides whether a result value is
// the value such a cell shows, comparing values rather than spellings.

// cleanCell undoes the Markdown around a documentation cell: wrapping backticks,
// HTML entities and <br> line breaks (kept as line breaks; dynamic values drop them).
func cleanCell(s string) string {
	s = strings.TrimSpace(s)
	for len(s) >= 2 && s[0] == '`' && s[len(s)-1] == '`' {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	s = brRE.ReplaceAllString(s, "\n")
	if strings.ContainsRune(s, '&') {
		s = html.UnescapeString(s)
	}
	return strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " "))
}

var brRE = regexp.MustCompile(`(?i)\s*<br\s*/?>\s*`)

// isNullCell reports whether a cell shows a null: empty (null and the empty string
// look the same in a table) or another engine's "(null)".
func isNullCell(s string) bool {
	switch strings.ToLower(s) {
	case "", "(null)", "null":
		return true
	}
	return false
}

// cellMatches reports whether v is the value the cleaned cell text shows.
func cellMatches(v types.Value, cell string) bool {
	if isNullCell(cell) {
		if v.Null {
			return true
		}
		switch v.Type {
		case types.String:
			return v.S == "" || strings.EqualFold(v.S, cell)
		case types.Dynamic:
			return v.D == nil || (cell != "" && v.D == "null")
		}
		return false
	}
	if v.Null {
		return false
	}
	switch v.Type {
	case types.Bool:
		c := strings.ToLower(cell)
		if v.I != 0 {
			return c == "true" || c == "1"
		}
		return c == "false" || c == "0"
	case types.Int, types.Long:
		f, digits, ok := parseNumber(cell)
		return ok && numberMatches(float64(v.I), f, digits)
	case types.Real, types.Decimal:
		x := v.F
		if v.Type == types.Decimal {
			var err error
			if x, err = strconv.ParseFloat(v.S, 64); err != nil {
				return v.S == cell
			}
		}
		f, digits, ok := parseNumber(cell)
		return ok && numberMatches(x, f, digits)
	case types.Datetime:
		t, err := types.ParseDatetime(cell)
		return err == nil && t == v.I
	case types.Timespan:
		t, ok := parseTimespanCell(cell)
		return ok && t == v.I
	case types.Guid:
		return strings.EqualFold(v.S, cell)
	case types.String:
		return v.S == cell || v.S == html.UnescapeString(cell) || normalizeSpace(v.S) == normalizeSpace(cell)
	case types.Dynamic:
		return dynamicMatches(v.D, cell)
	}
	return false
}

// normalizeSpace folds line breaks and runs of spaces, which a table cannot show
// faithfully, into single spaces.
func normalizeSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// parseNumber reads a number as tables print it: thousands separators, exponent
// forms, the words NaN and Infinity. digits is the number of fraction digits shown
// (-1 for an exponent form, whose precision is judged relatively).
func parseNumber(s string) (f float64, digits int, ok bool) {
	s = strings.ReplaceAll(s, ",", "")
	switch strings.ToLower(s) {
	case "nan":
		return math.NaN(), 0, true
	case "infinity", "+infinity", "inf", "∞":
		return math.Inf(1), 0, true
	case "-infinity", "-inf", "-∞":
		return math.Inf(-1), 0, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, 0, false
	}
	if strings.ContainsAny(s, "eE") {
		return f, -1, true
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return f, len(s) - i - 1, true
	}
	return f, 0, true
}

// numberMatches compares a computed number with a shown one, to the precision
// shown: the documentation often rounds or truncates (0.982 for 0.98237...).
func numberMatches(got, shown float64, digits int) bool {
	switch {
	case math.IsNaN(shown) || math.IsNaN(got):
		return math.IsNaN(shown) && math.IsNaN(got)
	case math.IsInf(shown, 0) || math.IsInf(got, 0):
		return got == shown
	case got == shown:
		return true
	}
	diff := math.Abs(got - shown)
	if diff <= 1e-9*math.Max(math.Abs(got), math.Abs(shown)) {
		return true
	}
	if digits < 0 {
		// An exponent form: about as many significant digits as were printed.
		return diff <= 1e-6*math.Max(math.Abs(got), math.Abs(shown))
	}
	// Rounded or truncated to the digits shown.
	return diff < math.Pow(10, -float64(digits))
}

// parseTimespanCell reads a timespan cell; besides Kusto's forms it accepts the
// documentation's d:hh:mm:ss slip (14:00:00:00 for fourteen days).
func parseTimespanCell(s string) (int64, bool) {
	if t, err := types.ParseTimespan(s); err == nil {
		return t, true
	}
	parts := strings.Split(s, ":")
	if len(parts) == 4 {
		if t, err := types.ParseTimespan(parts[0] + "." + strings.Join(parts[1:], ":")); err == nil {
			return t, true
		}
	}
	return 0, false
}

// dynamicMatches compares a dynamic value with a cell holding JSON. A cell that is
// not JSON matches a string value with that text (tables often drop the quotes).
func dynamicMatches(got any, cell string) bool {
	want, err := types.ParseDynamic(stripBreaks(cell))
	if err != nil {
		if s, ok := got.(string); ok {
			return s == cell
		}
		return false
	}
	if jsonEqual(got, want) {
		return true
	}
	// A JSON string shown without its quotes that happens to parse as something else
	// (a number, true, null): compare texts.
	if s, ok := got.(string); ok {
		return s == cell
	}
	return false
}

func stripBreaks(s string) string {
	if !strings.ContainsAny(s, "\n\r") {
		return s
	}
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		b.WriteString(strings.TrimSpace(line))
	}
	return b.String()
}

// jsonEqual compares JSON values structurally: numbers by value, objects as
// unordered maps, arrays in order. Unlike types.EqualDynamic it compares numbers
// to the precision printed, since tables round the numbers inside JSON too.
func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !jsonEqual(v, w) {
				return false
			}
		}
		return true
	}
	fa, oka := jsonNumber(a)
	fb, okb := jsonNumber(b)
	return oka && okb && numberMatches(fa, fb, -1)
}

func jsonNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case int:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}
