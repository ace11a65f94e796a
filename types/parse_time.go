package types

import (
	"fmt"
	"math"
	"math/bits"
	"strings"
)

// ParseDatetime reads a datetime and returns its ticks in UTC. It is Parse's datetime
// reader, also for callers that build columns of raw ticks. It accepts the forms Kusto
// documents for datetime literals and todatetime():
//
//   - ISO 8601: 2024-01-31, 2024-01-31T10:00, 2024-01-31 10:00:00.1234567Z, with T or a
//     space, and also 2024-01 and 2024-01-31T10. A fraction of any length is truncated
//     to 100 ns. The offset is Z, ±hh:mm, ±hhmm, ±hh or a zone name, optionally after a
//     space (2014-11-08 15:05:25 GMT).
//   - RFC 822 and RFC 1123: Sat, 8 Nov 2014 15:05:02 GMT, with a 2- or 4-digit year;
//     RFC 850: Saturday, 08-Nov-14 15:05:02 GMT. The day of the week may be left out,
//     but when given it must be right.
//   - US dates: 01/31/2024, 1/31/2024 10:00, 01/31/2024 10:00:00 PM, and with dashes
//     for slashes, 12-02-2022 (2 December).
//
// Two-digit years are 1950 to 2049. Zone names are Z, GMT, UT, UTC and the US zones
// EST, EDT, CST, CDT, MST, MDT, PST and PDT. A time without an offset is UTC. The result
// must lie in 0001-01-01 to 9999-12-31 in UTC. The fast path is a hand-written ISO 8601
// reader that does not allocate; the other forms are rare in telemetry.
func ParseDatetime(s string) (int64, error) { return parseDatetimeText(s, trimSpace(s)) }

// parseDatetimeText parses x, the trimmed s; s is only for messages.
func parseDatetimeText(s, x string) (int64, error) {
	var ticks int64
	var st parseStatus
	if len(x) >= 7 && isDigit(x[0]) && isDigit(x[1]) && isDigit(x[2]) && isDigit(x[3]) && x[4] == '-' {
		ticks, st = parseISODatetime(x)
	} else {
		ticks, st = parseOtherDatetime(x)
	}
	if st == parsedOK {
		return ticks, nil
	}
	if st == badSyntax && isBareNumber(x) {
		return 0, fmt.Errorf("cannot convert %s to datetime: a bare number could be seconds or milliseconds since 1970", quote(s))
	}
	return 0, statusErr(st, s, Datetime)
}

// isBareNumber reports whether s is a plain number, such as a Unix time.
func isBareNumber(s string) bool {
	digit := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			digit = true
		case c != '.' && c != '+' && c != '-' && c != 'e' && c != 'E':
			return false
		}
	}
	_, ok := parseReal(s)
	return digit && ok
}

// parseISODatetime is the fast path: YYYY-MM[-DD[(T| )hh[:mm[:ss[.f]]][zone]]].
// Month, day and hour take one or two digits, minute and second exactly two.
func parseISODatetime(s string) (int64, parseStatus) {
	year := int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
	month, i, ok := readNum(s, 5, 2)
	if !ok {
		return 0, badSyntax
	}
	day := 1
	var hour, minute, sec int
	var frac, offset int64
	if i < len(s) {
		if s[i] != '-' {
			return 0, badSyntax
		}
		if day, i, ok = readNum(s, i+1, 2); !ok {
			return 0, badSyntax
		}
		if i < len(s) {
			sep := s[i]
			if sep != 'T' && sep != 't' && sep != ' ' {
				return 0, badSyntax
			}
			if hour, i, ok = readNum(s, i+1, 2); !ok {
				return 0, badSyntax
			}
			if i < len(s) && s[i] == ':' {
				if minute, i, ok = readTwo(s, i+1); !ok {
					return 0, badSyntax
				}
				if i < len(s) && s[i] == ':' {
					if sec, i, ok = readTwo(s, i+1); !ok {
						return 0, badSyntax
					}
					if i < len(s) && s[i] == '.' {
						if frac, i, ok = readFraction(s, i+1); !ok {
							return 0, badSyntax
						}
					}
				}
			} else if sep == ' ' {
				// A date, a space and a number is no time: the hour alone needs the T.
				return 0, badSyntax
			}
			var st parseStatus
			if offset, st = readZone(s, i); st != parsedOK {
				return 0, st
			}
		}
	}
	return civilTicks(year, month, day, hour, minute, sec, frac, offset)
}

// parseOtherDatetime reads the RFC 822/850/1123 and US forms:
//
//	[weekday[,]] d Mon yy[yy] [time]     RFC 822, 1123
//	[weekday[,]] dd-Mon-yy[yy] [time]    RFC 850
//	[weekday[,]] m/d/yyyy [time]         US
//	[weekday[,]] m-d-yyyy [time]         US, with dashes
//
// where time is hh:mm[:ss[.f]] [AM|PM] [zone].
func parseOtherDatetime(s string) (int64, parseStatus) {
	i, weekday := 0, -1
	if i < len(s) && isLetter(s[i]) {
		w, j := readWord(s, i)
		wd, ok := lookupName(weekdayNames[:], w)
		if !ok {
			return 0, badSyntax
		}
		weekday, i = wd, j
		if i < len(s) && s[i] == ',' {
			i++
		}
		i = skipSpaces(s, i)
	}
	first, i, ok := readNum(s, i, 2)
	if !ok || i >= len(s) {
		return 0, badSyntax
	}
	var year, month, day int
	switch sep := s[i]; {
	case sep == '/' || sep == '-' && i+1 < len(s) && isDigit(s[i+1]):
		month = first
		if day, i, ok = readNum(s, i+1, 2); !ok || i >= len(s) || s[i] != sep {
			return 0, badSyntax
		}
		if year, i, ok = readYear(s, i+1); !ok {
			return 0, badSyntax
		}
	case sep == ' ' || sep == '-':
		day = first
		i = skipSep(s, i, sep)
		w, j := readWord(s, i)
		m, ok := lookupName(monthNames[:], w)
		if !ok || j >= len(s) || s[j] != sep {
			return 0, badSyntax
		}
		month = m + 1
		if year, i, ok = readYear(s, skipSep(s, j, sep)); !ok {
			return 0, badSyntax
		}
	default:
		return 0, badSyntax
	}
	var hour, minute, sec int
	var frac, offset int64
	if i < len(s) {
		if s[i] != ' ' {
			return 0, badSyntax
		}
		if hour, i, ok = readNum(s, skipSpaces(s, i), 2); !ok || i >= len(s) || s[i] != ':' {
			return 0, badSyntax
		}
		if minute, i, ok = readTwo(s, i+1); !ok {
			return 0, badSyntax
		}
		if i < len(s) && s[i] == ':' {
			if sec, i, ok = readTwo(s, i+1); !ok {
				return 0, badSyntax
			}
			if i < len(s) && s[i] == '.' {
				if frac, i, ok = readFraction(s, i+1); !ok {
					return 0, badSyntax
				}
			}
		}
		if j := skipSpaces(s, i); j < len(s) && isLetter(s[j]) {
			w, k := readWord(s, j)
			if pm := strings.EqualFold(w, "pm"); pm || strings.EqualFold(w, "am") {
				if hour < 1 || hour > 12 {
					return 0, outOfRange
				}
				hour %= 12
				if pm {
					hour += 12
				}
				i = k
			}
		}
		var st parseStatus
		if offset, st = readZone(s, i); st != parsedOK {
			return 0, st
		}
	}
	ticks, st := civilTicks(year, month, day, hour, minute, sec, frac, offset)
	if st == parsedOK && weekday >= 0 && weekdayOf(daysFromCivil(year, month, day)) != weekday {
		return 0, wrongWeekday
	}
	return ticks, st
}

var weekdayNames = [...]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

var monthNames = [...]string{"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"}

// lookupName finds w, a full name or its first three letters in any case, in names.
func lookupName(names []string, w string) (int, bool) {
	for i, n := range names {
		if len(w) == 3 && strings.EqualFold(w, n[:3]) || strings.EqualFold(w, n) {
			return i, true
		}
	}
	return 0, false
}

// civilTicks checks the fields of a date and time and converts them, less the offset
// (ticks east of UTC), to datetime ticks.
func civilTicks(year, month, day, hour, minute, sec int, frac, offset int64) (int64, parseStatus) {
	if year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) ||
		hour > 23 || minute > 59 || sec > 59 {
		return 0, outOfRange
	}
	ticks := daysFromCivil(year, month, day)*TicksPerDay + int64(hour)*TicksPerHour +
		int64(minute)*TicksPerMinute + int64(sec)*TicksPerSecond + frac - offset
	if ticks < 0 || ticks > MaxDatetimeTicks {
		return 0, outOfRange
	}
	return ticks, parsedOK
}

// readNum reads one to max digits at s[i:]. It stops after max digits: a further digit
// is left for the caller, whose next check then fails.
func readNum(s string, i, max int) (int, int, bool) {
	n, start := 0, i
	for i < len(s) && i-start < max && isDigit(s[i]) {
		n = n*10 + int(s[i]-'0')
		i++
	}
	return n, i, i > start
}

// readTwo reads exactly two digits at s[i:].
func readTwo(s string, i int) (int, int, bool) {
	if i+1 >= len(s) || !isDigit(s[i]) || !isDigit(s[i+1]) {
		return 0, i, false
	}
	return int(s[i]-'0')*10 + int(s[i+1]-'0'), i + 2, true
}

// readYear reads a 4-digit year, or a 2-digit one taken as 1950 to 2049.
func readYear(s string, i int) (int, int, bool) {
	y, j, _ := readNum(s, i, 4)
	switch j - i {
	case 4:
		return y, j, true
	case 2:
		if y < 50 {
			return 2000 + y, j, true
		}
		return 1900 + y, j, true
	}
	return 0, j, false
}

// pow10 holds 10^n for n up to 19.
var pow10 = [...]uint64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
	1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

// readFraction reads the digits after a decimal point as ticks, truncating past 100 ns.
func readFraction(s string, i int) (int64, int, bool) {
	start := i
	var f int64
	for ; i < len(s) && isDigit(s[i]); i++ {
		if i-start < 7 {
			f = f*10 + int64(s[i]-'0')
		}
	}
	n := i - start
	if n < 7 {
		f *= int64(pow10[7-n])
	}
	return f, i, n > 0
}

// readZone reads what may follow a time to the end of s: nothing (UTC), or after at
// most one space, Z, ±hh[[:]mm] or a zone name. It returns the offset east of UTC.
func readZone(s string, i int) (int64, parseStatus) {
	if i == len(s) {
		return 0, parsedOK
	}
	if s[i] == ' ' {
		i++
	}
	if i == len(s) {
		return 0, badSyntax
	}
	if c := s[i]; c == '+' || c == '-' {
		hh, j, ok := readTwo(s, i+1)
		if !ok {
			return 0, badSyntax
		}
		mm := 0
		if j < len(s) {
			if s[j] == ':' {
				j++
			}
			if mm, j, ok = readTwo(s, j); !ok || j != len(s) {
				return 0, badSyntax
			}
		}
		if hh > 23 || mm > 59 {
			return 0, outOfRange
		}
		off := int64(hh)*TicksPerHour + int64(mm)*TicksPerMinute
		if c == '-' {
			off = -off
		}
		return off, parsedOK
	}
	hours, ok := zoneHours(s[i:])
	if !ok {
		return 0, badSyntax
	}
	return int64(hours) * TicksPerHour, parsedOK
}

// zoneHours gives the offset of a zone name that RFC 822 defines (military zones other
// than Z aside).
func zoneHours(name string) (int, bool) {
	var b [3]byte
	if len(name) > len(b) {
		return 0, false
	}
	for i := 0; i < len(name); i++ {
		if !isLetter(name[i]) {
			return 0, false
		}
		b[i] = name[i] | 0x20
	}
	switch string(b[:len(name)]) {
	case "z", "ut", "utc", "gmt":
		return 0, true
	case "edt":
		return -4, true
	case "est", "cdt":
		return -5, true
	case "cst", "mdt":
		return -6, true
	case "mst", "pdt":
		return -7, true
	case "pst":
		return -8, true
	}
	return 0, false
}

// readWord reads a run of ASCII letters.
func readWord(s string, i int) (string, int) {
	j := i
	for j < len(s) && isLetter(s[j]) {
		j++
	}
	return s[i:j], j
}

func skipSpaces(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// skipSep steps over the separator at s[i], and for a space any further spaces.
func skipSep(s string, i int, sep byte) int {
	if sep == ' ' {
		return skipSpaces(s, i)
	}
	return i + 1
}

// ParseTimespan reads a timespan and returns its ticks. It is Parse's timespan reader.
// It accepts:
//
//   - [-][d.]hh:mm[:ss[.fffffff]], as Kusto prints timespans: 1.02:03:04, 00:10:00,
//     -00:00:01.5000000. Hours go to 23, minutes and seconds to 59, and a fraction
//     longer than 7 digits is truncated to 100 ns.
//   - a number and a unit, as in KQL timespan literals: 2d, 1.5h, 30m, 10s, 100ms,
//     10microsecond, 1tick, with a sign or a space before the unit (15 seconds). The
//     units are those of the KQL lexer, long forms included (days, hrs, min, sec,
//     milliseconds, microseconds, nanoseconds, ticks). A fraction of a tick is rounded.
//
// A bare number is refused, as it has no unit.
func ParseTimespan(s string) (int64, error) { return parseTimespanText(s, trimSpace(s)) }

func parseTimespanText(s, x string) (int64, error) {
	ticks, st := parseTimespan(x)
	if st == parsedOK {
		return ticks, nil
	}
	if st == badSyntax && isBareNumber(x) {
		return 0, fmt.Errorf("cannot convert %s to timespan: a bare number has no unit (such as s, m, h or d)", quote(s))
	}
	return 0, statusErr(st, s, Timespan)
}

func parseTimespan(s string) (int64, parseStatus) {
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	var mag uint64
	var st parseStatus
	if strings.IndexByte(s, ':') >= 0 {
		mag, st = parseClockSpan(s, limit)
	} else {
		mag, st = parseUnitSpan(s, limit)
	}
	if st != parsedOK {
		return 0, st
	}
	if neg {
		return int64(-mag), parsedOK
	}
	return int64(mag), parsedOK
}

// readUint reads digits as a uint64, noting overflow instead of failing, so the caller
// can finish checking syntax first.
func readUint(s string, i int) (uint64, int, bool) {
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
	return u, i, over
}

// parseClockSpan reads [d.]hh:mm[:ss[.f]] without its sign, at most limit ticks.
func parseClockSpan(s string, limit uint64) (uint64, parseStatus) {
	first, i, over := readUint(s, 0)
	if i == 0 || i == len(s) {
		return 0, badSyntax
	}
	var days, hours uint64
	switch s[i] {
	case '.':
		days = first
		h, j, ok := readNum(s, i+1, 2)
		if !ok || j >= len(s) || s[j] != ':' {
			return 0, badSyntax
		}
		hours, i = uint64(h), j
	case ':':
		if i > 2 {
			return 0, badSyntax
		}
		hours = first
	default:
		return 0, badSyntax
	}
	minutes, i, ok := readNum(s, i+1, 2)
	if !ok {
		return 0, badSyntax
	}
	var secs int
	var frac int64
	if i < len(s) && s[i] == ':' {
		if secs, i, ok = readNum(s, i+1, 2); !ok {
			return 0, badSyntax
		}
		if i < len(s) && s[i] == '.' {
			if frac, i, ok = readFraction(s, i+1); !ok {
				return 0, badSyntax
			}
		}
	}
	if i != len(s) {
		return 0, badSyntax
	}
	if over || hours > 23 || minutes > 59 || secs > 59 {
		return 0, outOfRange
	}
	rest := hours*uint64(TicksPerHour) + uint64(minutes)*uint64(TicksPerMinute) +
		uint64(secs)*uint64(TicksPerSecond) + uint64(frac)
	if days > (limit-rest)/uint64(TicksPerDay) {
		return 0, outOfRange
	}
	return days*uint64(TicksPerDay) + rest, parsedOK
}

// parseUnitSpan reads a number and a unit (1.5h, 15 seconds) without its sign, at most
// limit ticks. The arithmetic is exact in 128 bits, so 0.1s is 1000000 ticks, not a
// float's neighbour of it.
func parseUnitSpan(s string, limit uint64) (uint64, parseStatus) {
	whole, i, over := readUint(s, 0)
	intLen := i
	var fracDigits string
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		fracDigits, i = s[i+1:j], j
	}
	if intLen == 0 && fracDigits == "" {
		return 0, badSyntax
	}
	w, end := readWord(s, skipSpaces(s, i))
	if w == "" || end != len(s) {
		return 0, badSyntax
	}
	num, den, ok := timespanUnit(w)
	if !ok {
		return 0, badSyntax
	}
	if over {
		return 0, outOfRange
	}
	hi, lo := bits.Mul64(whole, num)
	if hi != 0 {
		return 0, outOfRange
	}
	ticks, rem := lo/den, lo%den
	// The fraction f/10^k adds round((rem·10^k + f·num) / (10^k·den)) ticks. Sixteen
	// digits keep 10^k·den within 64 bits and are far finer than a tick.
	if len(fracDigits) > 16 {
		fracDigits = fracDigits[:16]
	}
	var f uint64
	for k := 0; k < len(fracDigits); k++ {
		f = f*10 + uint64(fracDigits[k]-'0')
	}
	p := pow10[len(fracDigits)]
	d := p * den
	nhi, nlo := bits.Mul64(f, num)
	nlo, carry := bits.Add64(nlo, rem*p, 0)
	q, r := bits.Div64(nhi+carry, nlo, d)
	if r >= d-r {
		q++
	}
	if ticks > limit || q > limit-ticks {
		return 0, outOfRange
	}
	return ticks + q, parsedOK
}

// timespanUnit gives a unit's length as num/den ticks. The names are the KQL lexer's.
func timespanUnit(w string) (num, den uint64, ok bool) {
	var b [12]byte
	if len(w) > len(b) {
		return 0, 0, false
	}
	for i := 0; i < len(w); i++ {
		b[i] = w[i] | 0x20
	}
	switch string(b[:len(w)]) {
	case "d", "day", "days":
		return uint64(TicksPerDay), 1, true
	case "h", "hr", "hrs", "hour", "hours":
		return uint64(TicksPerHour), 1, true
	case "m", "min", "mins", "minute", "minutes":
		return uint64(TicksPerMinute), 1, true
	case "s", "sec", "secs", "second", "seconds":
		return uint64(TicksPerSecond), 1, true
	case "ms", "milli", "millis", "millisec", "millisecond", "milliseconds":
		return uint64(TicksPerMillisecond), 1, true
	case "microsec", "microsecond", "microseconds":
		return uint64(TicksPerMicrosecond), 1, true
	case "nanosec", "nanosecond", "nanoseconds":
		return 1, 100, true
	case "tick", "ticks":
		return 1, 1, true
	}
	return 0, 0, false
}

// Calendar arithmetic on the proleptic Gregorian calendar, with day 0 = 0001-01-01.

// daysBefore[m] counts the days of a common year before month m (1-based).
var daysBefore = [...]int{0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y, m int) int {
	if m == 2 && isLeap(y) {
		return 29
	}
	return daysBefore[m+1] - daysBefore[m]
}

// daysFromCivil counts the days from 0001-01-01 to y-m-d, for y >= 1.
func daysFromCivil(y, m, d int) int64 {
	p := int64(y - 1)
	n := p*365 + p/4 - p/100 + p/400 + int64(daysBefore[m]+d-1)
	if m > 2 && isLeap(y) {
		n++
	}
	return n
}

// Days in the Gregorian calendar's repeating cycles.
const (
	daysPer400Years = 146097
	daysPer100Years = 36524
	daysPer4Years   = 1461
)

// civilFromDays is daysFromCivil's inverse. It accepts any day count, giving years
// before 1 or after 9999 for days outside datetime's range.
func civilFromDays(n int64) (y, m, d int) {
	c400 := n / daysPer400Years
	r := n % daysPer400Years
	if r < 0 {
		r += daysPer400Years
		c400--
	}
	// The last century of a cycle and the last year of a four-year run are a day
	// longer, so the divisions below clamp on their final day.
	c100 := min(r/daysPer100Years, 3)
	r -= c100 * daysPer100Years
	c4 := r / daysPer4Years
	r -= c4 * daysPer4Years
	c1 := min(r/365, 3)
	r -= c1 * 365
	y = int(c400*400+c100*100+c4*4+c1) + 1
	leap := 0
	if isLeap(y) {
		leap = 1
	}
	yd := int(r)
	m = 12
	for m > 1 {
		first := daysBefore[m]
		if m > 2 {
			first += leap
		}
		if yd >= first {
			d = yd - first + 1
			return y, m, d
		}
		m--
	}
	return y, 1, yd + 1
}

// weekdayOf gives the day of the week, 0 for Sunday; 0001-01-01 was a Monday.
func weekdayOf(days int64) int { return int((days%7 + 8) % 7) }
