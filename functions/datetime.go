package functions

import (
	"fmt"
	"math"
	"math/big"
	"strings"
	"time"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Date and time functions. A datetime is ticks (100 ns) since 0001-01-01 UTC; every
// calendar computation is in UTC on the proleptic Gregorian calendar, and a result
// outside 0001-01-01..9999-12-31 is null. Weeks start on Sunday.
//
// now() and ago() have a type rule but no kernel: the planner knows the query's start
// time and folds them into constants, so that every row of a query sees the same now.

func init() {
	scalar("now", 0, 1, "The query's start time, plus an optional timespan offset; the planner folds it into a constant",
		sig(types.Datetime, spanArg.as("offset")), nil)
	scalar("ago", 1, 1, "The query's start time minus a timespan; the planner folds it into a constant",
		sig(types.Datetime, spanArg), nil)

	scalar("bin", 2, 2, "Rounds a number, datetime or timespan down to a multiple of the bin size; datetimes bin from 0001-01-01",
		binCheck, binEval)
	Alias("floor", "bin")
	scalar("bin_at", 3, 3, "Rounds a value down to a multiple of the bin size, with bins aligned to a fixed point",
		binAtCheck, binAtEval)

	scalar("datetime_add", 3, 3, "Adds amount periods (year, quarter, month, week, day, hour, ... nanosecond) to a datetime",
		partCheck(0, addParts, sig(types.Datetime, textArg.as("period"), intArg.as("amount"), dateArg.as("datetime"))), datetimeAddEval)
	scalar("datetime_diff", 3, 3, "The number of period boundaries between two datetimes (datetime1 - datetime2)",
		partCheck(0, addParts, sig(types.Long, textArg.as("period"), dateArg.as("datetime1"), dateArg.as("datetime2"))), datetimeDiffEval)
	scalar("datetime_part", 2, 2, "A part of a datetime (year, quarter, month, week_of_year, day, dayofyear, hour, ... nanosecond) as an int",
		partCheck(0, partParts, sig(types.Int, textArg.as("part"), dateArg.as("datetime"))), datetimePartEval)
	Alias("datepart", "datetime_part")

	for _, u := range []string{"day", "week", "month", "year"} {
		u := u
		scalar("startof"+u, 1, 2, "The start of the "+u+" of a datetime, shifted by an optional number of "+u+"s",
			sig(types.Datetime, dateArg.as("date"), intArg.as("offset")), startOfEval(u, false))
		scalar("endof"+u, 1, 2, "The last tick of the "+u+" of a datetime, shifted by an optional number of "+u+"s",
			sig(types.Datetime, dateArg.as("date"), intArg.as("offset")), startOfEval(u, true))
	}
	scalar("dayofweek", 1, 1, "The days since the preceding Sunday, as a timespan", sig(types.Timespan, dateArg),
		ticksTo(types.Timespan, func(t int64) (int64, bool) { return int64(civilOf(t).weekday) * types.TicksPerDay, true }))
	calendarInt("dayofmonth", "The day of the month, 1 to 31", func(c civil) int { return c.day })
	calendarInt("dayofyear", "The day of the year, 1 to 366", func(c civil) int { return c.yday })
	calendarInt("hourofday", "The hour of the day, 0 to 23", func(c civil) int { return c.hour })
	calendarInt("getyear", "The year", func(c civil) int { return c.year })
	calendarInt("getmonth", "The month, 1 to 12", func(c civil) int { return c.month })
	Alias("monthofyear", "getmonth")
	calendarInt("week_of_year", "The ISO 8601 week number: week 1 holds the year's first Thursday", func(c civil) int { return c.isoWeek })

	scalar("format_datetime", 2, 2, "Formats a datetime with the format elements d, dd, f..fffffff, F..FFFFFFF, h, hh, H, HH, m, mm, M, MM, s, ss, y, yy, yyyy and tt",
		formatCheck(false), formatEval(false))
	scalar("format_timespan", 2, 2, "Formats a timespan with the format elements d..dddddddd, f..fffffff, F..FFFFFFF, h, hh, H, HH, m, mm, s and ss",
		formatCheck(true), formatEval(true))
	scalar("make_datetime", 3, 6, "A datetime from year, month, day and optional hour, minute and (real) second; null when invalid",
		sig(types.Datetime, numArg.as("year"), numArg.as("month"), numArg.as("day"), numArg.as("hour"), numArg.as("minute"), numArg.as("second")),
		rowsTo(types.Datetime, makeDatetime))
	scalar("make_timespan", 2, 4, "A timespan from hours and minutes, hours, minutes and seconds, or days, hours, minutes and seconds",
		sig(types.Timespan, numArg), rowsTo(types.Timespan, makeTimespan))
	for _, u := range []struct {
		name     string
		mul, div int64 // ticks = units * mul / div
	}{{"seconds", types.TicksPerSecond, 1}, {"milliseconds", types.TicksPerMillisecond, 1}, {"microseconds", types.TicksPerMicrosecond, 1}, {"nanoseconds", 1, 100}} {
		u := u
		scalar("unixtime_"+u.name+"_todatetime", 1, 1, "Converts unix-epoch "+u.name+" to a datetime",
			sig(types.Datetime, numArg), rowsTo(types.Datetime, func(args []*vector.Vector, i int) types.Value {
				return unixTime(args[0], i, u.mul, u.div)
			}))
	}
}

// civil is a datetime's calendar fields.
type civil struct {
	year, month, day     int
	hour, minute, second int
	frac                 int64 // ticks within the second
	weekday              int   // 0 for Sunday
	yday                 int   // 1-based
	isoWeek              int
}

func civilOf(ticks int64) civil {
	t := types.TicksToTime(ticks)
	y, m, d := t.Date()
	_, w := t.ISOWeek()
	frac := ticks % types.TicksPerSecond
	if frac < 0 {
		frac += types.TicksPerSecond
	}
	return civil{year: y, month: int(m), day: d, hour: t.Hour(), minute: t.Minute(), second: t.Second(),
		frac: frac, weekday: int(t.Weekday()), yday: t.YearDay(), isoWeek: w}
}

// dateTicks is the ticks of a calendar date at midnight; month may be out of 1..12
// (normalized into the year), day must be valid.
func dateTicks(year, month, day int) int64 {
	return types.TimeToTicks(time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC))
}

// datetimeValue is a datetime, or null when ticks are outside datetime's range.
func datetimeValue(ticks int64) types.Value {
	if ticks < 0 || ticks > types.MaxDatetimeTicks {
		return types.NullOf(types.Datetime)
	}
	return types.NewDatetime(ticks)
}

// roundTicks rounds a real number of ticks. NaN and magnitudes past 2^62 saturate to
// ±2^62, far outside datetime's range, so that the range check that follows (after
// adding at most a datetime's ticks) rejects them.
func roundTicks(x float64) int64 {
	const limit = 1 << 62
	x = math.Round(x)
	switch {
	case math.IsNaN(x), x <= -limit:
		return -limit
	case x >= limit:
		return limit
	}
	return int64(x)
}

func calendarInt(name, doc string, f func(civil) int) {
	scalar(name, 1, 1, doc, sig(types.Int, dateArg), ticksTo(types.Int, func(t int64) (int64, bool) { return int64(f(civilOf(t))), true }))
}

// floorDiv divides rounding toward negative infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// bin

func binCheck(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
	v, size := args[0], args[1]
	switch {
	case v.Numeric() && size.Numeric():
		return arithType("+", v, size), nil
	case v == types.Timespan && size == types.Timespan:
		return types.Timespan, nil
	case v == types.Datetime && size == types.Timespan:
		return types.Datetime, nil
	}
	return types.Unknown, fmt.Errorf("%s() expects a number, datetime or timespan and a bin size, got %s", name, joinTypes(args))
}

func binEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	return binKernel(args[0], args[1], nil, n)
}

func binAtCheck(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
	v, size, at := args[0], args[1], args[2]
	switch {
	case v.Numeric() && size.Numeric() && at.Numeric():
		return arithType("+", arithType("+", v, size), at), nil
	case v == types.Timespan && size == types.Timespan && at == types.Timespan:
		return types.Timespan, nil
	case v == types.Datetime && size == types.Timespan && at == types.Datetime:
		return types.Datetime, nil
	}
	return types.Unknown, fmt.Errorf("%s() expects a value, a bin size and a fixed point of the value's type (number, datetime or timespan), got %s", name, joinTypes(args))
}

func binAtEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	return binKernel(args[0], args[1], args[2], n)
}

// binKernel rounds v down to a multiple of size, shifted to align with at when at is
// given. A null or non-positive size gives null.
func binKernel(v, size, at *vector.Vector, n int) (*vector.Vector, error) {
	t := v.Type
	if t.Numeric() {
		t = arithType("+", v.Type, size.Type)
		if at != nil {
			t = arithType("+", t, at.Type)
		}
	}
	out := newVec(t, n)
	for i := 0; i < n; i++ {
		if nullAt(v, i) || nullAt(size, i) || (at != nil && nullAt(at, i)) {
			out.SetNull(i)
			continue
		}
		var ok bool
		switch t {
		case types.Real:
			var x, s, a float64
			x, _ = realAt(v, i)
			s, _ = realAt(size, i)
			if at != nil {
				a, _ = realAt(at, i)
			}
			ok = s > 0
			out.Reals[i] = math.Floor((x-a)/s)*s + a
		case types.Decimal:
			out.Strs[i], ok = binDecimal(v, size, at, i)
		default: // long, timespan, datetime: ticks or integers
			x, s := v.Ints[i], size.Ints[i]
			var a int64
			if at != nil {
				a = at.Ints[i]
			}
			ok = s > 0
			if ok {
				out.Ints[i] = floorDiv(x-a, s)*s + a
			}
			if ok && t == types.Datetime {
				ok = out.Ints[i] >= 0 && out.Ints[i] <= types.MaxDatetimeTicks
			}
		}
		if !ok {
			out.SetNull(i)
		}
	}
	return out, nil
}

func binDecimal(v, size, at *vector.Vector, i int) (string, bool) {
	x, ok1 := ratAt(v, i)
	s, ok2 := ratAt(size, i)
	if !ok1 || !ok2 || s.Sign() <= 0 {
		return "", false
	}
	a := new(big.Rat)
	if at != nil {
		var ok bool
		if a, ok = ratAt(at, i); !ok {
			return "", false
		}
	}
	q := new(big.Rat).Quo(new(big.Rat).Sub(x, a), s)
	fl := new(big.Int).Div(q.Num(), q.Denom()) // Euclidean: floor for a positive denominator
	r := new(big.Rat).Mul(new(big.Rat).SetInt(fl), s)
	return ratDecimal(r.Add(r, a))
}

// Periods and parts.

// addParts are the periods of datetime_add and datetime_diff, as ticks for the fixed
// ones and 0 for the calendar ones.
var addParts = map[string]int64{
	"year": 0, "quarter": 0, "month": 0,
	"week": 7 * types.TicksPerDay, "day": types.TicksPerDay, "hour": types.TicksPerHour,
	"minute": types.TicksPerMinute, "second": types.TicksPerSecond,
	"millisecond": types.TicksPerMillisecond, "microsecond": types.TicksPerMicrosecond, "nanosecond": -1,
}

// partParts are the parts of datetime_part.
var partParts = map[string]int64{
	"year": 0, "quarter": 0, "month": 0, "week_of_year": 0, "day": 0, "dayofyear": 0, "hour": 0,
	"minute": 0, "second": 0, "millisecond": 0, "microsecond": 0, "nanosecond": 0,
}

// partCheck wraps a signature with a check of the constant period argument i.
func partCheck(i int, parts map[string]int64, inner checkFn) checkFn {
	return func(name string, args []types.Type, consts []*types.Value) (types.Type, error) {
		t, err := inner(name, args, consts)
		if err != nil {
			return t, err
		}
		if p, ok := constString(consts, i); ok {
			if _, ok := parts[strings.ToLower(p)]; !ok {
				return types.Unknown, fmt.Errorf("%s(): unknown period %q; expected one of %s", name, p, partList(parts))
			}
		}
		return t, nil
	}
}

func partList(parts map[string]int64) string {
	order := []string{"year", "quarter", "month", "week", "week_of_year", "day", "dayofyear", "hour", "minute", "second", "millisecond", "microsecond", "nanosecond"}
	var out []string
	for _, p := range order {
		if _, ok := parts[p]; ok {
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}

// addMonths adds months to a datetime as .NET's AddMonths does: the day is clamped to
// the last day of the target month, the time of day kept.
func addMonths(ticks, months int64) (int64, bool) {
	c := civilOf(ticks)
	total := int64(c.year)*12 + int64(c.month-1) + months
	if total < 12 || total > 9999*12+11 {
		return 0, false
	}
	y, m := int(total/12), int(total%12)+1
	d := min(c.day, daysInMonth(y, m))
	timeOfDay := ticks % types.TicksPerDay
	return dateTicks(y, m, d) + timeOfDay, true
}

func daysInMonth(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func datetimeAddEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	out := newVec(types.Datetime, n)
	for i := 0; i < n; i++ {
		part := strings.ToLower(textAt(args[0], i))
		unit, known := addParts[part]
		amount, aok := longAt(args[1], i)
		if !known || !aok || nullAt(args[2], i) {
			out.SetNull(i)
			continue
		}
		t := args[2].Ints[i]
		var res int64
		// Past 20000 years any amount leaves datetime's range; the bound keeps the
		// multiplications below from overflowing.
		bound := int64(1_000_000) // months, quarters, years
		if unit > 0 {
			bound = 20000 * 366 * types.TicksPerDay / unit
		} else if unit < 0 {
			bound = math.MaxInt64
		}
		ok := amount > -bound && amount < bound
		if !ok {
			out.SetNull(i)
			continue
		}
		switch part {
		case "year":
			res, ok = addMonths(t, amount*12)
		case "quarter":
			res, ok = addMonths(t, amount*3)
		case "month":
			res, ok = addMonths(t, amount)
		case "nanosecond":
			res = t + amount/100
		default:
			res = t + amount*unit
		}
		store(out, i, okDatetime(res, ok))
	}
	return out, nil
}

func okDatetime(ticks int64, ok bool) types.Value {
	if !ok {
		return types.NullOf(types.Datetime)
	}
	return datetimeValue(ticks)
}

func datetimeDiffEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	out := newVec(types.Long, n)
	for i := 0; i < n; i++ {
		part := strings.ToLower(textAt(args[0], i))
		unit, known := addParts[part]
		if !known || nullAt(args[1], i) || nullAt(args[2], i) {
			out.SetNull(i)
			continue
		}
		a, b := args[1].Ints[i], args[2].Ints[i]
		var d int64
		switch part {
		case "year", "quarter", "month":
			ca, cb := civilOf(a), civilOf(b)
			months := int64(ca.year-cb.year)*12 + int64(ca.month-cb.month)
			switch part {
			case "year":
				d = int64(ca.year - cb.year)
			case "quarter":
				d = int64(ca.year-cb.year)*4 + int64((ca.month-1)/3-(cb.month-1)/3)
			default:
				d = months
			}
		case "week":
			d = (startOfWeek(a) - startOfWeek(b)) / unit
		case "nanosecond":
			d = (a - b) * 100
		default:
			d = floorDiv(a, unit) - floorDiv(b, unit)
		}
		out.Ints[i] = d
	}
	return out, nil
}

func startOfWeek(t int64) int64 {
	day := floorDiv(t, types.TicksPerDay) * types.TicksPerDay
	return day - int64(civilOf(t).weekday)*types.TicksPerDay
}

func datetimePartEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	out := newVec(types.Int, n)
	for i := 0; i < n; i++ {
		part := strings.ToLower(textAt(args[0], i))
		if _, known := partParts[part]; !known || nullAt(args[1], i) {
			out.SetNull(i)
			continue
		}
		c := civilOf(args[1].Ints[i])
		var x int64
		switch part {
		case "year":
			x = int64(c.year)
		case "quarter":
			x = int64((c.month-1)/3 + 1)
		case "month":
			x = int64(c.month)
		case "week_of_year":
			x = int64(c.isoWeek)
		case "day":
			x = int64(c.day)
		case "dayofyear":
			x = int64(c.yday)
		case "hour":
			x = int64(c.hour)
		case "minute":
			x = int64(c.minute)
		case "second":
			x = int64(c.second)
		case "millisecond":
			x = c.frac / types.TicksPerMillisecond
		case "microsecond":
			x = c.frac / types.TicksPerMicrosecond
		case "nanosecond":
			x = c.frac * 100
		}
		out.Ints[i] = x
	}
	return out, nil
}

// startOfEval computes startof<unit> (or endof<unit>, the tick before the next start).
func startOfEval(unit string, end bool) evalFn {
	return func(args []*vector.Vector, n int) (*vector.Vector, error) {
		out := newVec(types.Datetime, n)
		for i := 0; i < n; i++ {
			if nullAt(args[0], i) {
				out.SetNull(i)
				continue
			}
			var offset int64
			if len(args) > 1 {
				var ok bool
				if offset, ok = longAt(args[1], i); !ok {
					out.SetNull(i)
					continue
				}
			}
			if end {
				offset++
			}
			t := args[0].Ints[i]
			var res int64
			ok := true
			switch unit {
			case "day":
				res = floorDiv(t, types.TicksPerDay)*types.TicksPerDay + offset*types.TicksPerDay
			case "week":
				res = startOfWeek(t) + offset*7*types.TicksPerDay
			case "month":
				c := civilOf(t)
				res, ok = addMonths(dateTicks(c.year, c.month, 1), offset)
			case "year":
				c := civilOf(t)
				res, ok = addMonths(dateTicks(c.year, 1, 1), offset*12)
			}
			if end {
				res--
			}
			store(out, i, okDatetime(res, ok))
		}
		return out, nil
	}
}

// make_datetime and make_timespan

func makeDatetime(args []*vector.Vector, i int) types.Value {
	var f [6]int64
	for k := 0; k < len(args) && k < 5; k++ {
		x, ok := longAt(args[k], i)
		if !ok {
			return types.NullOf(types.Datetime)
		}
		f[k] = x
	}
	var sec float64
	if len(args) == 6 {
		var ok bool
		if sec, ok = realAt(args[5], i); !ok {
			return types.NullOf(types.Datetime)
		}
	}
	y, mo, d, h, mi := f[0], f[1], f[2], f[3], f[4]
	if y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > int64(daysInMonth(int(y), int(mo))) ||
		h < 0 || h > 23 || mi < 0 || mi > 59 || !(sec >= 0 && sec < 60) {
		return types.NullOf(types.Datetime)
	}
	t := dateTicks(int(y), int(mo), int(d)) + h*types.TicksPerHour + mi*types.TicksPerMinute +
		roundTicks(sec*float64(types.TicksPerSecond))
	return datetimeValue(t)
}

func makeTimespan(args []*vector.Vector, i int) types.Value {
	var days, hours, minutes int64
	var secs float64
	ints := args
	if len(args) >= 3 {
		ints = args[:len(args)-1]
		s, ok := realAt(args[len(args)-1], i)
		if !ok {
			return types.NullOf(types.Timespan)
		}
		secs = s
	}
	vals := make([]int64, len(ints))
	for k, a := range ints {
		x, ok := longAt(a, i)
		if !ok {
			return types.NullOf(types.Timespan)
		}
		vals[k] = x
	}
	if len(vals) == 3 {
		days, hours, minutes = vals[0], vals[1], vals[2]
	} else {
		hours, minutes = vals[0], vals[1]
	}
	if math.IsNaN(secs) || math.IsInf(secs, 0) {
		return types.NullOf(types.Timespan)
	}
	t := days*types.TicksPerDay + hours*types.TicksPerHour + minutes*types.TicksPerMinute +
		roundTicks(secs*float64(types.TicksPerSecond))
	return types.NewTimespan(t)
}

// unixTime converts row i, a count of units since 1970 (ticks = units * mul / div),
// to a datetime: exactly for integers, rounded to the tick for reals.
func unixTime(v *vector.Vector, i int, mul, div int64) types.Value {
	if isInteger(v.Type) {
		if nullAt(v, i) {
			return types.NullOf(types.Datetime)
		}
		x := v.Ints[i]
		if x > math.MaxInt64/mul || x < math.MinInt64/mul {
			return types.NullOf(types.Datetime)
		}
		return datetimeValue(types.UnixEpochTicks + floorDiv(x*mul, div))
	}
	x, ok := realAt(v, i)
	if !ok {
		return types.NullOf(types.Datetime)
	}
	return datetimeValue(types.UnixEpochTicks + roundTicks(x*float64(mul)/float64(div)))
}
