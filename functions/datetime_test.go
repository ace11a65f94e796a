package functions

import (
	"testing"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

func TestBin(t *testing.T) {
	runCases(t, []evalCase{
		{"bin", a(col(R, 4.5), col(L, 1)), w("4")},
		{"bin", a(col(L, 7, -5, 5, 5, nil), col(L, 2, 2, 0, -1, 2)), w("6", "-6", "null", "null", "null")},
		{"floor", a(col(I, 7), col(I, 5)), w("5")},
		{"bin", a(col(TS, "16d"), col(TS, "7d")), w("14.00:00:00")},
		{"bin", a(col(DT, "1970-05-11 13:45:07", nil), col(TS, "1d", "1d")), w("1970-05-11T00:00:00Z", "null")},
		{"bin", a(col(DT, "2024-01-31 10:59:59.9"), col(TS, "1h")), w("2024-01-31T10:00:00Z")},
		{"bin", a(col(Dc, "7.5"), col(Dc, "2")), w("6")},
		{"bin_at", a(col(R, 6.5), col(R, 2.5), col(L, 7)), w("4.5")},
		{"bin_at", a(col(TS, "1h"), col(TS, "1d"), col(TS, "12h")), w("-12:00:00")},
		{"bin_at", a(col(DT, "2017-05-15 10:20:00.0", "2017-05-17 10:20:00.0"), col(TS, "1d", "7d"), col(DT, "1970-01-01 12:00:00.0", "2017-06-04")),
			w("2017-05-14T12:00:00Z", "2017-05-14T00:00:00Z")},
	})
	runChecks(t, []checkCase{
		{"bin", tt(I, I), nil, "long"},
		{"bin", tt(L, R), nil, "real"},
		{"bin", tt(DT, TS), nil, "datetime"},
		{"bin", tt(DT, L), nil, "bin() expects a number, datetime or timespan and a bin size, got datetime and long"},
		{"bin", tt(S, L), nil, "bin() expects a number, datetime or timespan and a bin size, got string and long"},
		{"bin_at", tt(DT, TS, TS), nil, "bin_at() expects a value, a bin size and a fixed point of the value's type (number, datetime or timespan), got datetime, timespan and timespan"},
	})
}

func TestDatetimeArithmeticFunctions(t *testing.T) {
	d := func(s string) *vectorAlias { return col(DT, s) }
	s := func(x string) *vectorAlias { return col(S, x) }
	l := func(x int) *vectorAlias { return col(L, x) }
	runCases(t, []evalCase{
		{"datetime_add", a(s("year"), l(1), d("2017-01-01")), w("2018-01-01T00:00:00Z")},
		{"datetime_add", a(s("quarter"), l(1), d("2017-01-01")), w("2017-04-01T00:00:00Z")},
		{"datetime_add", a(s("Month"), l(1), d("2017-01-01")), w("2017-02-01T00:00:00Z")},
		{"datetime_add", a(s("week"), l(1), d("2017-01-01")), w("2017-01-08T00:00:00Z")},
		{"datetime_add", a(s("day"), l(1), d("2017-01-01")), w("2017-01-02T00:00:00Z")},
		{"datetime_add", a(s("second"), l(1), d("2017-01-01")), w("2017-01-01T00:00:01Z")},
		{"datetime_add", a(s("year"), l(-5), d("2017-01-01")), w("2012-01-01T00:00:00Z")},
		{"datetime_add", a(s("quarter"), l(12), d("2017-01-01")), w("2020-01-01T00:00:00Z")},
		{"datetime_add", a(s("month"), l(-15), d("2017-01-01")), w("2015-10-01T00:00:00Z")},
		{"datetime_add", a(s("week"), l(100), d("2017-01-01")), w("2018-12-02T00:00:00Z")},
		{"datetime_add", a(s("month"), l(1), d("2024-01-31 10:00")), w("2024-02-29T10:00:00Z")},
		{"datetime_add", a(s("year"), l(1), d("2024-02-29")), w("2025-02-28T00:00:00Z")},
		{"datetime_add", a(s("nanosecond"), l(700), d("2017-01-01")), w("2017-01-01T00:00:00.0000007Z")},
		{"datetime_add", a(s("year"), l(10000), d("2017-01-01")), w("null")},
		{"datetime_add", a(s("day"), col(L, nil), d("2017-01-01")), w("null")},
		// The docs' datetime_diff examples.
		{"datetime_diff", a(s("year"), d("2017-01-01"), d("2000-12-31")), w("17")},
		{"datetime_diff", a(s("quarter"), d("2017-07-01"), d("2017-03-30")), w("2")},
		{"datetime_diff", a(s("month"), d("2017-01-01"), d("2015-12-30")), w("13")},
		{"datetime_diff", a(s("week"), d("2017-10-29 00:00"), d("2017-09-30 23:59")), w("5")},
		{"datetime_diff", a(s("day"), d("2017-10-29 00:00"), d("2017-09-30 23:59")), w("29")},
		{"datetime_diff", a(s("hour"), d("2017-10-31 01:00"), d("2017-10-30 23:59")), w("2")},
		{"datetime_diff", a(s("minute"), d("2017-10-30 23:05:01"), d("2017-10-30 23:00:59")), w("5")},
		{"datetime_diff", a(s("second"), d("2017-10-30 23:00:10.100"), d("2017-10-30 23:00:00.900")), w("10")},
		{"datetime_diff", a(s("millisecond"), d("2017-10-30 23:00:00.200100"), d("2017-10-30 23:00:00.100900")), w("100")},
		{"datetime_diff", a(s("microsecond"), d("2017-10-30 23:00:00.1009001"), d("2017-10-30 23:00:00.1008009")), w("100")},
		{"datetime_diff", a(s("nanosecond"), d("2017-10-30 23:00:00.0000000"), d("2017-10-30 23:00:00.0000007")), w("-700")},
	})
	runChecks(t, []checkCase{
		{"datetime_add", tt(S, L, DT), []*types.Value{constant(S, "fortnight")}, `datetime_add(): unknown period "fortnight"; expected one of year, quarter, month, week, day, hour, minute, second, millisecond, microsecond, nanosecond`},
		{"datetime_add", tt(S, R, DT), nil, "datetime_add() expects an integer for amount, got real"},
		{"datetime_diff", tt(S, DT, DT), []*types.Value{constant(S, "Day")}, "long"},
	})
}

// vectorAlias keeps the table helpers above short.
type vectorAlias = vector.Vector

func TestDatetimeParts(t *testing.T) {
	dt := col(DT, "2017-10-30 01:02:03.7654321")
	parts := []struct{ part, want string }{
		{"year", "2017"}, {"quarter", "4"}, {"month", "10"}, {"week_of_year", "44"}, {"day", "30"}, {"dayOfYear", "303"},
		{"hour", "1"}, {"minute", "2"}, {"second", "3"}, {"millisecond", "765"}, {"microsecond", "765432"}, {"nanosecond", "765432100"},
	}
	var cases []evalCase
	for _, p := range parts {
		cases = append(cases, evalCase{"datetime_part", a(col(S, p.part), dt), w(p.want)})
	}
	sunday, monday := col(DT, "1947-11-30 10:00:05"), col(DT, "1970-05-11")
	cases = append(cases, []evalCase{
		{"datetime_part", a(col(S, "year"), col(DT, nil)), w("null")},
		{"dayofweek", a(sunday), w("00:00:00")},
		{"dayofweek", a(monday), w("1.00:00:00")},
		{"dayofmonth", a(dt), w("30")},
		{"dayofyear", a(dt), w("303")},
		{"hourofday", a(dt), w("1")},
		{"getyear", a(dt), w("2017")},
		{"getmonth", a(dt), w("10")},
		{"monthofyear", a(col(DT, nil)), w("null")},
		{"week_of_year", a(col(DT, "2020-12-31", "2020-06-15", "1970-01-01", "2000-01-01")), w("53", "25", "1", "52")},
		{"startofday", a(col(DT, "2017-01-01 10:10:17", nil)), w("2017-01-01T00:00:00Z", "null")},
		{"startofweek", a(col(DT, "2017-01-01 10:10:17", "2017-01-01 10:10:17", "2017-01-01 10:10:17"), col(L, -1, 0, 1)),
			w("2016-12-25T00:00:00Z", "2017-01-01T00:00:00Z", "2017-01-08T00:00:00Z")},
		{"startofmonth", a(col(DT, "2017-01-31 10:10:17"), col(L, 1)), w("2017-02-01T00:00:00Z")},
		{"startofyear", a(col(DT, "2017-05-31 10:10:17"), col(L, -1)), w("2016-01-01T00:00:00Z")},
		{"endofday", a(col(DT, "2017-01-01 10:10:17")), w("2017-01-01T23:59:59.9999999Z")},
		{"endofweek", a(col(DT, "2017-01-01 10:10:17", "2017-01-01 10:10:17", "2017-01-01 10:10:17"), col(L, -1, 0, 1)),
			w("2016-12-31T23:59:59.9999999Z", "2017-01-07T23:59:59.9999999Z", "2017-01-14T23:59:59.9999999Z")},
		{"endofmonth", a(col(DT, "2017-01-01 10:10:17", "2017-01-01 10:10:17", "2017-01-01 10:10:17"), col(L, -1, 0, 1)),
			w("2016-12-31T23:59:59.9999999Z", "2017-01-31T23:59:59.9999999Z", "2017-02-28T23:59:59.9999999Z")},
		{"endofyear", a(col(DT, "2017-06-01")), w("2017-12-31T23:59:59.9999999Z")},
		{"startofday", a(col(DT, "9999-12-31"), col(L, 1)), w("null")},
	}...)
	runCases(t, cases)
	runChecks(t, []checkCase{
		{"datetime_part", tt(S, DT), []*types.Value{constant(S, "week")}, `datetime_part(): unknown period "week"; expected one of year, quarter, month, week_of_year, day, dayofyear, hour, minute, second, millisecond, microsecond, nanosecond`},
		{"startofday", tt(S), nil, "startofday() expects a datetime for date, got string"},
		{"getyear", tt(TS), nil, "getyear() expects a datetime, got timespan"},
	})
}

func TestFormatAndMake(t *testing.T) {
	dt := func(s string) *vectorAlias { return col(DT, s) }
	f := func(s string) *vectorAlias { return col(S, s) }
	runCases(t, []evalCase{
		{"format_datetime", a(dt("2017-01-29 09:00:05"), f("yy-MM-dd [HH:mm:ss]")), w(`"17-01-29 [09:00:05]"`)},
		{"format_datetime", a(dt("2017-01-29 09:00:05"), f("yyyy-M-dd [H:mm:ss]")), w(`"2017-1-29 [9:00:05]"`)},
		{"format_datetime", a(dt("2017-01-29 09:00:05"), f("yy-MM-dd [hh:mm:ss tt]")), w(`"17-01-29 [09:00:05 AM]"`)},
		{"format_datetime", a(dt("2009-06-15 13:45:30.6175425"), f("h tt d/M/y fff FFFFFFF")), w(`"1 PM 15/6/9 617 6175425"`)},
		{"format_datetime", a(dt("2009-06-15 13:45:30.0500000"), f("s.F|s.ff")), w(`"30.|30.05"`)},
		{"format_datetime", a(dt("0900-01-01"), f("yyyy yy y")), w(`"0900 00 0"`)},
		{"format_datetime", a(col(DT, nil), f("yyyy")), w(`""`)},
		{"format_timespan", a(col(TS, "29.09:00:05.12345"), f("dd.hh:mm:ss:FF")), w(`"29.09:00:05:12"`)},
		{"format_timespan", a(col(TS, "29.09:00:05.12345"), f("ddd.h:mm:ss [fffffff]")), w(`"029.9:00:05 [1234500]"`)},
		{"format_timespan", a(col(TS, "-01:30:00"), f("HH:mm")), w(`"01:30"`)},
		{"make_datetime", a(col(L, 2017), col(L, 10), col(L, 1)), w("2017-10-01T00:00:00Z")},
		{"make_datetime", a(col(L, 2017), col(L, 10), col(L, 1), col(L, 12), col(L, 10)), w("2017-10-01T12:10:00Z")},
		{"make_datetime", a(col(L, 2017), col(L, 10), col(L, 1), col(L, 12), col(L, 11), col(R, 0.1234567)), w("2017-10-01T12:11:00.1234567Z")},
		{"make_datetime", a(col(L, 2017, 2017, nil), col(L, 2, 13, 1), col(L, 29, 1, 1)), w("null", "null", "null")},
		{"make_timespan", a(col(L, 1), col(L, 12), col(L, 30), col(R, 55.123)), w("1.12:30:55.1230000")},
		{"make_timespan", a(col(L, 2), col(L, 30)), w("02:30:00")},
		{"make_timespan", a(col(L, 2), col(L, 30), col(L, 15)), w("02:30:15")},
		{"unixtime_seconds_todatetime", a(col(L, 1546300800, nil)), w("2019-01-01T00:00:00Z", "null")},
		{"unixtime_seconds_todatetime", a(col(R, 1.5, 1e20)), w("1970-01-01T00:00:01.5Z", "null")},
		{"unixtime_milliseconds_todatetime", a(col(L, 1546300800000)), w("2019-01-01T00:00:00Z")},
		{"unixtime_microseconds_todatetime", a(col(L, 1546300800000001)), w("2019-01-01T00:00:00.000001Z")},
		{"unixtime_nanoseconds_todatetime", a(col(L, 1546300800000000100)), w("2019-01-01T00:00:00.0000001Z")},
	})
	runChecks(t, []checkCase{
		{"format_datetime", tt(DT, S), []*types.Value{nil, constant(S, "dddd")}, `format_datetime(): unsupported format element "dddd"`},
		{"format_datetime", tt(DT, S), []*types.Value{nil, constant(S, "yyy")}, `format_datetime(): unsupported format element "yyy"`},
		{"format_timespan", tt(DT, S), nil, "format_timespan() expects a timespan, got datetime"},
		{"make_datetime", tt(L, L), nil, "make_datetime() takes at least 3 arguments, got 2"},
		{"now", tt(), nil, "datetime"},
		{"ago", tt(TS), nil, "datetime"},
		{"ago", tt(L), nil, "ago() expects a timespan, got long"},
	})
}
