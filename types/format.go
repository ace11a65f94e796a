package types

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// Format prints a value as Kusto shows it in query results; the REPL, CSV output and
// test expectations use it. A null prints as "". Each type prints as:
//
//   - bool: true or false; int and long: decimal.
//   - real: the shortest text that reads back to the same float, plainly for magnitudes
//     from 1e-4 to 1e15 (1.5, 0.001, 100000) and with an exponent outside (1e+20,
//     1.5e-07); NaN, Infinity and -Infinity.
//   - decimal, string: the text; guid: canonical lower-case text.
//   - datetime: ISO 8601 in UTC, 2024-01-31T10:00:00Z, with a fraction only when it is
//     not zero, trailing zeros trimmed: 2024-01-31T10:00:00.1234567Z.
//   - timespan: [-][d.]hh:mm:ss[.fffffff], with seven fraction digits when there is a
//     fraction: 1.02:03:04, 00:10:00, -00:00:01.5000000.
//   - dynamic: compact JSON as DynamicToJSON writes it, object keys sorted.
//
// Parse reads every output back to the same value (a dynamic string prints quoted, as JSON).
func Format(v Value) string {
	if v.Null {
		return ""
	}
	switch v.Type {
	case String, Guid, Decimal:
		return v.S
	case Dynamic:
		if v.D == nil {
			return ""
		}
		return DynamicToJSON(v.D)
	}
	var buf [48]byte
	return string(AppendFormat(buf[:0], v))
}

// AppendFormat appends Format(v) to dst, for writers of many values that reuse a buffer.
func AppendFormat(dst []byte, v Value) []byte {
	if v.Null {
		return dst
	}
	switch v.Type {
	case Bool:
		if v.I != 0 {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case Int, Long:
		return strconv.AppendInt(dst, v.I, 10)
	case Real:
		return AppendReal(dst, v.F)
	case Decimal, String, Guid:
		return append(dst, v.S...)
	case Datetime:
		return AppendDatetime(dst, v.I)
	case Timespan:
		return AppendTimespan(dst, v.I)
	case Dynamic:
		if v.D == nil {
			return dst
		}
		return appendDynamic(dst, v.D, false)
	}
	return dst
}

// AppendJSON appends v's JSON representation, for JSON results: null, true and false,
// numbers for int, long and real, and strings for the rest, as Kusto's JSON results
// have them. A real NaN or infinity, having no JSON number, is the string "NaN",
// "Infinity" or "-Infinity"; a decimal is a string so that no digit is lost to a
// reader's float; datetime and timespan are their Format text; dynamic is its JSON,
// with a NaN or infinity inside written as a string.
func AppendJSON(dst []byte, v Value) []byte {
	if v.Null {
		return append(dst, "null"...)
	}
	switch v.Type {
	case Bool, Int, Long:
		return AppendFormat(dst, v)
	case Real:
		if math.IsNaN(v.F) || math.IsInf(v.F, 0) {
			dst = append(dst, '"')
			dst = AppendReal(dst, v.F)
			return append(dst, '"')
		}
		return AppendReal(dst, v.F)
	case Decimal, String, Guid:
		return appendJSONString(dst, v.S)
	case Datetime, Timespan:
		dst = append(dst, '"')
		dst = AppendFormat(dst, v)
		return append(dst, '"')
	case Dynamic:
		return appendDynamic(dst, v.D, true)
	}
	return append(dst, "null"...)
}

// AppendReal appends a real as Format prints it.
func AppendReal(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	// The bounds are exact: the shortest text of a float below 1e15 has fewer than 16
	// integer digits, and that of a float at or above the float nearest 1e-4 is at
	// least 0.0001.
	if a := math.Abs(f); a == 0 || a >= 1e-4 && a < 1e15 {
		return strconv.AppendFloat(dst, f, 'f', -1, 64)
	}
	return strconv.AppendFloat(dst, f, 'e', -1, 64)
}

// AppendDatetime appends datetime ticks as Format prints them. Ticks outside datetime's
// range, which no parse produces, still print, with years beyond four digits.
func AppendDatetime(dst []byte, ticks int64) []byte {
	days, rem := ticks/TicksPerDay, ticks%TicksPerDay
	if rem < 0 {
		rem += TicksPerDay
		days--
	}
	y, m, d := civilFromDays(days)
	if y >= 0 && y <= 9999 {
		dst = append2(dst, y/100)
		dst = append2(dst, y%100)
	} else {
		dst = strconv.AppendInt(dst, int64(y), 10)
	}
	dst = append(dst, '-')
	dst = append2(dst, m)
	dst = append(dst, '-')
	dst = append2(dst, d)
	dst = append(dst, 'T')
	dst = appendClock(dst, uint64(rem))
	if frac := rem % TicksPerSecond; frac != 0 {
		dst = appendFraction(dst, uint64(frac), true)
	}
	return append(dst, 'Z')
}

// AppendTimespan appends timespan ticks as Format prints them.
func AppendTimespan(dst []byte, ticks int64) []byte {
	u := uint64(ticks)
	if ticks < 0 {
		dst = append(dst, '-')
		u = -u
	}
	if days := u / uint64(TicksPerDay); days > 0 {
		dst = strconv.AppendUint(dst, days, 10)
		dst = append(dst, '.')
	}
	rem := u % uint64(TicksPerDay)
	dst = appendClock(dst, rem)
	if frac := rem % uint64(TicksPerSecond); frac != 0 {
		dst = appendFraction(dst, frac, false)
	}
	return dst
}

// appendClock appends hh:mm:ss of ticks within a day.
func appendClock(dst []byte, ticks uint64) []byte {
	secs := ticks / uint64(TicksPerSecond)
	dst = append2(dst, int(secs/3600))
	dst = append(dst, ':')
	dst = append2(dst, int(secs/60%60))
	dst = append(dst, ':')
	return append2(dst, int(secs%60))
}

// appendFraction appends a point and seven digits of a fraction of a second in ticks,
// with trailing zeros dropped if trim.
func appendFraction(dst []byte, frac uint64, trim bool) []byte {
	var b [8]byte
	b[0] = '.'
	for i := 7; i > 0; i-- {
		b[i] = byte('0' + frac%10)
		frac /= 10
	}
	n := len(b)
	for trim && b[n-1] == '0' {
		n--
	}
	return append(dst, b[:n]...)
}

// append2 appends n, from 0 to 99, as two digits.
func append2(dst []byte, n int) []byte {
	return append(dst, byte('0'+n/10), byte('0'+n%10))
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD, so the
// output is always valid JSON; U+2028 and U+2029 are escaped for JavaScript readers.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
