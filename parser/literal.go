package parser

import (
	"encoding/hex"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Literal is a scalar constant. Type is one of bool, int, long, real, decimal,
// string, datetime, timespan, guid. Null marks a typed null such as long(null).
// Int holds bool (0/1), int, long, and the 100 ns ticks of datetime (since
// 0001-01-01) and timespan; Real holds real; Str holds string, decimal and guid text.
type Literal struct {
	Span
	Type       string
	Null       bool
	Int        int64
	Real       float64
	Str        string
	Obfuscated bool // h'...': kept out of logs
	// Relative marks a datetime that depends on when the query runs: datetime()
	// is now (RelNow), and a time without a date is that time today (RelToday,
	// with Int holding the ticks since midnight).
	Relative Relativity
}

// Relativity says how a datetime literal depends on the query's start time.
type Relativity int8

// Kinds of datetime literal.
const (
	Absolute Relativity = iota
	RelNow
	RelToday
)

// datetime ticks of the Unix epoch, 1970-01-01, counted from 0001-01-01.
const unixEpochTicks = 621355968000000000

// Parse reads one literal token (several adjacent string literals join into one).
func (l *Literal) Parse(lex *lexer.PeekingLexer) error {
	tok := lex.Peek()
	l.Pos = tok.Pos
	switch tok.Type {
	case tString:
		l.Type = "string"
		var b strings.Builder
		for lex.Peek().Type == tString {
			t := lex.Next()
			v, obf, err := decodeString(t.Value)
			if err != nil {
				return errorf(t.Pos, "%s", err.Error())
			}
			l.Obfuscated = l.Obfuscated || obf
			b.WriteString(v)
		}
		l.Str = b.String()
	case tInt:
		lex.Next()
		l.Type = "long"
		v, err := parseIntLiteral(tok.Value)
		if err != nil {
			return errorf(tok.Pos, "integer %s is out of range for long", tok.Value)
		}
		l.Int = v
	case tReal:
		lex.Next()
		l.Type = "real"
		v, err := strconv.ParseFloat(tok.Value, 64)
		if err != nil {
			return errorf(tok.Pos, "invalid real number %s", tok.Value)
		}
		l.Real = v
	case tTimespan:
		lex.Next()
		l.Type = "timespan"
		v, ok := parseTimespanUnit(tok.Value)
		if !ok {
			return errorf(tok.Pos, "invalid timespan %s", tok.Value)
		}
		l.Int = v
	case tTyped:
		lex.Next()
		if err := l.typed(tok); err != nil {
			return err
		}
	case tIdent:
		if tok.Value != "true" && tok.Value != "false" {
			return participle.NextMatch
		}
		lex.Next()
		l.Type = "bool"
		if tok.Value == "true" {
			l.Int = 1
		}
	default:
		return participle.NextMatch
	}
	l.EndPos = lex.Peek().Pos
	return nil
}

func parseIntLiteral(s string) (int64, error) {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		u, err := strconv.ParseUint(s[2:], 16, 64)
		return int64(u), err
	}
	return strconv.ParseInt(s, 10, 64)
}

// typed decodes word(body) literals: datetime, timespan, guid, int, long, real, decimal, bool.
func (l *Literal) typed(tok *lexer.Token) error {
	open := strings.IndexByte(tok.Value, '(')
	word := tok.Value[:open]
	body := tok.Value[open+1 : len(tok.Value)-1]
	switch word {
	case "date":
		word = "datetime"
	case "time":
		word = "timespan"
	case "double":
		word = "real"
	case "boolean":
		word = "bool"
	case "uuid", "uniqueid":
		word = "guid"
	}
	l.Type = word
	if len(body) >= 2 && (body[0] == '\'' || body[0] == '"') && body[len(body)-1] == body[0] {
		body = body[1 : len(body)-1] // datetime('2024-01-01') is accepted too
	}
	if body == "null" {
		l.Null = true
		return nil
	}
	bad := func(what string) error {
		return errorf(tok.Pos, "invalid %s literal %s: %s", word, tok.Value, what)
	}
	switch word {
	case "datetime":
		if body == "" {
			l.Relative = RelNow
			return nil
		}
		if tod, ok := parseTimeOfDay(body); ok {
			l.Relative, l.Int = RelToday, tod
			return nil
		}
		t, ok := parseDatetime(body)
		if !ok {
			return bad("use ISO 8601 such as 2024-01-31T10:00:00Z, or RFC 822/850/1123")
		}
		l.Int = timeToTicks(t)
	case "timespan":
		v, ok := parseTimespanBody(body)
		if !ok {
			return bad("use 1d, 2h, 30m, 10s, 100ms, or [d.]hh:mm[:ss[.fffffff]]")
		}
		l.Int = v
	case "guid":
		if !isGUID(body) {
			return bad("expected 32 hex digits as 8-4-4-4-12")
		}
		l.Str = strings.ToLower(body)
	case "int", "long":
		v, err := parseIntLiteral(strings.TrimPrefix(body, "+"))
		if err != nil {
			return bad("not an integer")
		}
		if word == "int" && (v > math.MaxInt32 || v < math.MinInt32) {
			return bad("out of range for int")
		}
		l.Int = v
	case "real":
		switch strings.ToLower(body) {
		case "nan":
			l.Real = math.NaN()
		case "inf", "+inf":
			l.Real = math.Inf(1)
		case "-inf":
			l.Real = math.Inf(-1)
		default:
			v, err := strconv.ParseFloat(body, 64)
			if err != nil {
				return bad("not a number")
			}
			l.Real = v
		}
	case "decimal":
		if _, err := strconv.ParseFloat(body, 64); err != nil {
			return bad("not a number")
		}
		l.Str = body
	case "bool":
		switch strings.ToLower(body) {
		case "true", "1":
			l.Int = 1
		case "false", "0":
		default:
			return bad("expected true or false")
		}
	}
	return nil
}

func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
		} else if !isHex(c) {
			return false
		}
	}
	return true
}

func timeToTicks(t time.Time) int64 {
	return unixEpochTicks + t.Unix()*10_000_000 + int64(t.Nanosecond())/100
}

// TicksToTime converts datetime ticks (100 ns since 0001-01-01 UTC) to a time.Time.
func TicksToTime(ticks int64) time.Time {
	d := ticks - unixEpochTicks
	sec := d / 10_000_000
	rem := d % 10_000_000
	if rem < 0 {
		rem += 10_000_000
		sec--
	}
	return time.Unix(sec, rem*100).UTC()
}

// datetimeLayouts are the datetime formats Kusto documents, built from their parts:
// ISO 8601 (T or space, optional fraction, Z or an offset), RFC 822 and RFC 850
// (with or without the day name, seconds and zone), and a few common variants.
var datetimeLayouts = buildDatetimeLayouts()

func buildDatetimeLayouts() []string {
	out := []string{
		"2006-01-02T15:04:05.9999999Z07:00", "2006-01-02 15:04:05.9999999Z07:00",
		"2006-01-02T15:04:05.9999999-0700", "2006-01-02 15:04:05.9999999 -07:00",
		"2006-01-02T15:04Z07:00", "2006-01-02T15", "2006-01-02", "2006-01", "20060102",
		"2006-1-2 15:04:05.9999999", "2006-1-2 15:04", "2006-1-2",
		"Mon Jan _2 15:04:05 2006", "1/2/2006 15:04:05", "1/2/2006 3:04:05 PM", "1/2/2006 15:04",
		"1/2/2006", "01-02-2006", "01-02-2006 15:04:05",
	}
	dates := []string{
		"2006-01-02T", "2006-01-02 ", // ISO 8601
		"Mon, 2 Jan 06 ", "2 Jan 06 ", "Mon, 2 Jan 2006 ", "2 Jan 2006 ", // RFC 822 and 1123
		"Monday, 02-Jan-06 ", "02-Jan-06 ", "Monday, 02-Jan-2006 ", // RFC 850
	}
	for _, d := range dates {
		for _, t := range []string{"15:04:05.9999999", "15:04"} {
			for _, z := range []string{"", " MST", " -0700", " Z07:00"} {
				out = append(out, d+t+z)
			}
		}
	}
	return out
}

// parseDatetime accepts the datetime formats Kusto documents: ISO 8601 (with T or a
// space, optional fraction to 100 ns, Z or an offset), RFC 822, RFC 850, RFC 1123,
// and a few common variants. A time without a zone is UTC.
func parseDatetime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, " - ") {
		s = strings.ReplaceAll(s, " - ", "-") // datetime(2017 - 08 - 01)
	}
	for _, layout := range datetimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			// Named zones other than UTC/GMT parse with a zero offset in Go; keep UTC.
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

var timeOfDayLayouts = []string{"15:04:05.9999999", "15:04", "3:04:05 PM", "3:04 PM", "3:04:05PM", "3:04PM"}

// parseTimeOfDay accepts a time without a date (datetime(8:00:00 AM)), which
// Kusto reads as that time today. It returns the ticks since midnight.
func parseTimeOfDay(s string) (int64, bool) {
	for _, layout := range timeOfDayLayouts {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return int64(t.Hour())*hourTicks + int64(t.Minute())*minuteTicks + int64(t.Second())*secondTicks + int64(t.Nanosecond())/100, true
		}
	}
	return 0, false
}

// parseTimespanUnit parses a number with a unit suffix: 1d, 1.5h, 100ms, 10tick.
func parseTimespanUnit(s string) (int64, bool) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == 'x' || s[i] == 'X') {
		i++
	}
	num, unit := s[:i], strings.ToLower(s[i:])
	mult, ok := timespanUnits[unit]
	if !ok || num == "" {
		return 0, false
	}
	if unit == "nanosec" || unit == "nanosecond" || unit == "nanoseconds" {
		v, err := strconv.ParseFloat(num, 64)
		if err != nil {
			return 0, false
		}
		return floatTicks(v / 100)
	}
	if !strings.Contains(num, ".") {
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil || v > math.MaxInt64/mult {
			return 0, false
		}
		return v * mult, true
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, false
	}
	return floatTicks(v * float64(mult))
}

// floatTicks rounds a tick count computed in floating point, refusing values
// outside the timespan range.
func floatTicks(f float64) (int64, bool) {
	f = math.Round(f)
	if math.IsNaN(f) || f >= math.MaxInt64 || f <= math.MinInt64 {
		return 0, false
	}
	return int64(f), true
}

// parseTimespanBody parses the body of time(...)/timespan(...): a number with a
// unit (also written "15 seconds"), a bare number of days, or [-][d.]hh:mm[:ss[.f]].
func parseTimespanBody(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, strings.TrimSpace(s[1:])
	} else if strings.HasPrefix(s, "+") {
		s = strings.TrimSpace(s[1:])
	}
	v, ok := timespanMagnitude(s)
	if neg {
		v = -v
	}
	return v, ok
}

func timespanMagnitude(s string) (int64, bool) {
	if strings.Contains(s, ":") {
		days := int64(0)
		clock := s
		if dot := strings.IndexByte(s, '.'); dot >= 0 && dot < strings.IndexByte(s, ':') {
			d, err := strconv.ParseInt(s[:dot], 10, 64)
			if err != nil {
				return 0, false
			}
			days, clock = d, s[dot+1:]
		}
		parts := strings.Split(clock, ":")
		if len(parts) < 2 || len(parts) > 3 {
			return 0, false
		}
		h, err1 := strconv.ParseInt(parts[0], 10, 64)
		m, err2 := strconv.ParseInt(parts[1], 10, 64)
		// Bounds keep the sum below inside the timespan range.
		if err1 != nil || err2 != nil || m > 59 || h < 0 || m < 0 || h > math.MaxInt64/hourTicks/2 ||
			days < 0 || days > math.MaxInt64/dayTicks/2 {
			return 0, false
		}
		ticks := days*dayTicks + h*hourTicks + m*minuteTicks
		if len(parts) == 3 {
			sec, err := strconv.ParseFloat(parts[2], 64)
			if err != nil || sec >= 60 || sec < 0 {
				return 0, false
			}
			st, ok := floatTicks(sec * secondTicks)
			if !ok {
				return 0, false
			}
			ticks += st
		}
		return ticks, true
	}
	compact := strings.ReplaceAll(s, " ", "")
	if v, ok := parseTimespanUnit(compact); ok {
		return v, true
	}
	if d, err := strconv.ParseFloat(compact, 64); err == nil {
		return floatTicks(d * dayTicks)
	}
	return 0, false
}

// decodeString turns one string token's raw text into its value. It reports
// whether the literal was obfuscated (h'...').
func decodeString(raw string) (string, bool, error) {
	obf := false
	if raw[0] == 'h' || raw[0] == 'H' {
		obf, raw = true, raw[1:]
	}
	if strings.HasPrefix(raw, "```") {
		return raw[3 : len(raw)-3], obf, nil
	}
	if raw[0] == '@' {
		q := raw[1:2]
		return strings.ReplaceAll(raw[2:len(raw)-1], q+q, q), obf, nil
	}
	body := raw[1 : len(raw)-1]
	if !strings.Contains(body, `\`) {
		return body, obf, nil
	}
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := body[i]; e {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '0':
			b.WriteByte(0)
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'v':
			b.WriteByte('\v')
		case 'u', 'x', 'U':
			n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			if i+1+n > len(body) {
				return "", obf, errBadEscape(e)
			}
			h := body[i+1 : i+1+n]
			v, err := strconv.ParseUint(h, 16, 32)
			if err != nil {
				return "", obf, errBadEscape(e)
			}
			if e == 'x' {
				b.WriteByte(byte(v))
			} else {
				b.WriteRune(rune(v))
			}
			i += n
		default:
			// \\ \' \" and any other escaped character stand for themselves.
			b.WriteByte(e)
		}
	}
	return b.String(), obf, nil
}

type escapeError byte

func (e escapeError) Error() string {
	return "invalid escape sequence \\" + string(rune(e)) + " in string literal"
}

func errBadEscape(e byte) error { return escapeError(e) }

// quoteString prints s as a double-quoted KQL string literal that decodes back to s.
func quoteString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x` + hex.EncodeToString([]byte{s[i]}))
		case r < 0x20 || r == 0x7f:
			b.WriteString(`\u` + leftPad(strconv.FormatInt(int64(r), 16), 4))
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	b.WriteByte('"')
	return b.String()
}

func leftPad(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
}

// DynamicLit is dynamic(...): a JSON-like value (arrays, property bags, scalars).
type DynamicLit struct {
	Span
	Value *JSONValue `parser:"'dynamic' '(' @@ ')'"`
}

// JSONValue is one value inside dynamic(...).
type JSONValue struct {
	Span
	Null     bool          `parser:"(  @'null'"`
	IsArray  bool          `parser:" | ( @'['"`
	Array    []*JSONValue  `parser:"     ( @@ ( ',' @@ )* ','? )? ']' )"`
	IsObject bool          `parser:" | ( @'{'"`
	Object   []*JSONMember `parser:"     ( @@ ( ',' @@ )* ','? )? '}' )"`
	Neg      bool          `parser:" | ( @'-'?"`
	Scalar   *Literal      `parser:"     @@ ) )"`
}

// JSONMember is one "key": value pair of a property bag.
type JSONMember struct {
	Span
	Key   *Literal   `parser:"@@ ':'"`
	Value *JSONValue `parser:"@@"`
}
