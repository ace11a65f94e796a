package types

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// ticksOf reads an RFC 3339 time with the time package, an oracle independent of ours.
func ticksOf(t testing.TB, s string) int64 {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("bad test time %q: %v", s, err)
	}
	return TimeToTicks(tm)
}

func TestParseDatetime(t *testing.T) {
	cases := []struct {
		in   string
		want string // RFC 3339 in UTC, or "" when err is set
		err  string
	}{
		// ISO 8601, the fast path.
		{"2024-01-31T10:00:00Z", "2024-01-31T10:00:00Z", ""},
		{"2024-01-31T10:00:00z", "2024-01-31T10:00:00Z", ""},
		{"2024-01-31t10:00:00Z", "2024-01-31T10:00:00Z", ""},
		{"2024-01-31 10:00:00Z", "2024-01-31T10:00:00Z", ""},
		{"2024-01-31T10:00:00", "2024-01-31T10:00:00Z", ""},
		{"2024-01-31 10:00:00", "2024-01-31T10:00:00Z", ""},
		{"2024-01-31T10:00", "2024-01-31T10:00:00Z", ""},
		{"2024-01-31 10:00", "2024-01-31T10:00:00Z", ""},
		{"2024-01-31T10:00Z", "2024-01-31T10:00:00Z", ""},
		{"2024-01-31T10", "2024-01-31T10:00:00Z", ""},
		{"2024-01-31", "2024-01-31T00:00:00Z", ""},
		{"2024-01", "2024-01-01T00:00:00Z", ""},
		{"2024-1-5", "2024-01-05T00:00:00Z", ""},
		{"2024-1-5 7:05", "2024-01-05T07:05:00Z", ""},
		{"  2024-01-31T10:00:00Z\n", "2024-01-31T10:00:00Z", ""},
		{"2024-01-31T10:00:00.1Z", "2024-01-31T10:00:00.1Z", ""},
		{"2024-01-31T10:00:00.1234567Z", "2024-01-31T10:00:00.1234567Z", ""},
		{"2024-01-31T10:00:00.123456789Z", "2024-01-31T10:00:00.1234567Z", ""},
		{"2024-01-31T10:00:00.99999999999999Z", "2024-01-31T10:00:00.9999999Z", ""},
		{"2024-01-31T10:00:00.000Z", "2024-01-31T10:00:00Z", ""},
		{"2014-05-25T08:20:03.123456Z", "2014-05-25T08:20:03.123456Z", ""},
		{"2014-11-08 15:55:55.123456Z", "2014-11-08T15:55:55.123456Z", ""},
		{"2024-01-31T10:00:00+02:00", "2024-01-31T08:00:00Z", ""},
		{"2024-01-31T10:00:00-05:30", "2024-01-31T15:30:00Z", ""},
		{"2024-01-31T10:00:00+0200", "2024-01-31T08:00:00Z", ""},
		{"2024-01-31T10:00:00+02", "2024-01-31T08:00:00Z", ""},
		{"2024-01-31T10:00:00.5+02:00", "2024-01-31T08:00:00.5Z", ""},
		{"2024-01-31T01:00:00+02:00", "2024-01-30T23:00:00Z", ""},
		{"2024-12-31T23:00:00-02:00", "2025-01-01T01:00:00Z", ""},
		{"2024-01-31 10:00:00 +02:00", "2024-01-31T08:00:00Z", ""},
		{"2014-11-08 15:05:25 GMT", "2014-11-08T15:05:25Z", ""},
		{"2014-11-08T15:05 UTC", "2014-11-08T15:05:00Z", ""},
		{"2014-11-08 15:05 EST", "2014-11-08T20:05:00Z", ""},
		{"2024-02-29", "2024-02-29T00:00:00Z", ""},
		{"2000-02-29", "2000-02-29T00:00:00Z", ""},
		{"0001-01-01", "0001-01-01T00:00:00Z", ""},
		{"0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z", ""},
		{"9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.9999999Z", ""},
		{"9999-12-31T23:59:59.99999999999Z", "9999-12-31T23:59:59.9999999Z", ""},
		{"1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z", ""},
		{"1969-12-31T23:59:59.9999999Z", "1969-12-31T23:59:59.9999999Z", ""},

		// RFC 822, 1123 and 850, from Kusto's list of supported formats.
		{"Sat, 8 Nov 14 15:05:02 GMT", "2014-11-08T15:05:02Z", ""},
		{"Sat, 8 Nov 14 15:05:02", "2014-11-08T15:05:02Z", ""},
		{"Sat, 8 Nov 14 15:05", "2014-11-08T15:05:00Z", ""},
		{"Sat, 8 Nov 14 15:05 GMT", "2014-11-08T15:05:00Z", ""},
		{"8 Nov 14 15:05:02 GMT", "2014-11-08T15:05:02Z", ""},
		{"8 Nov 14 15:05:02", "2014-11-08T15:05:02Z", ""},
		{"8 Nov 14 15:05", "2014-11-08T15:05:00Z", ""},
		{"8 Nov 14 15:05 GMT", "2014-11-08T15:05:00Z", ""},
		{"Saturday, 08-Nov-14 15:05:02 GMT", "2014-11-08T15:05:02Z", ""},
		{"Saturday, 08-Nov-14 15:05:02", "2014-11-08T15:05:02Z", ""},
		{"Saturday, 08-Nov-14 15:05 GMT", "2014-11-08T15:05:00Z", ""},
		{"Saturday, 08-Nov-14 15:05", "2014-11-08T15:05:00Z", ""},
		{"08-Nov-14 15:05:02 GMT", "2014-11-08T15:05:02Z", ""},
		{"08-Nov-14 15:05:02", "2014-11-08T15:05:02Z", ""},
		{"08-Nov-14 15:05 GMT", "2014-11-08T15:05:00Z", ""},
		{"08-Nov-14 15:05", "2014-11-08T15:05:00Z", ""},
		{"Mon, 02 Jan 2006 15:04:05 GMT", "2006-01-02T15:04:05Z", ""},
		{"Mon, 02 Jan 2006 15:04:05 -0700", "2006-01-02T22:04:05Z", ""},
		{"Mon, 02 Jan 2006 15:04:05 +01:00", "2006-01-02T14:04:05Z", ""},
		{"Mon, 02 Jan 2006 15:04:05 PST", "2006-01-02T23:04:05Z", ""},
		{"Mon, 02 Jan 2006 15:04:05 PDT", "2006-01-02T22:04:05Z", ""},
		{"Mon, 02 Jan 2006 15:04:05 Z", "2006-01-02T15:04:05Z", ""},
		{"Mon, 02 Jan 2006 15:04:05 UT", "2006-01-02T15:04:05Z", ""},
		{"mon, 02 JAN 2006 15:04:05 gmt", "2006-01-02T15:04:05Z", ""},
		{"Monday, 02 January 2006 15:04:05", "2006-01-02T15:04:05Z", ""},
		{"Mon 02 Jan 2006 15:04:05", "2006-01-02T15:04:05Z", ""},
		{"Mon,  2  Jan  2006  15:04:05", "2006-01-02T15:04:05Z", ""},
		{"2 Jan 2006", "2006-01-02T00:00:00Z", ""},
		{"02-Jan-2006", "2006-01-02T00:00:00Z", ""},
		{"2 Jan 2006 15:04:05.25", "2006-01-02T15:04:05.25Z", ""},
		{"1 Jan 49 00:00", "2049-01-01T00:00:00Z", ""},
		{"1 Jan 50 00:00", "1950-01-01T00:00:00Z", ""},
		{"1 Jan 99 00:00", "1999-01-01T00:00:00Z", ""},
		{"1 Jan 00 00:00", "2000-01-01T00:00:00Z", ""},

		// US month/day/year, as spreadsheets write them.
		{"01/31/2024", "2024-01-31T00:00:00Z", ""},
		{"1/31/2024", "2024-01-31T00:00:00Z", ""},
		{"1/5/2024 7:05", "2024-01-05T07:05:00Z", ""},
		{"01/31/2024 10:00", "2024-01-31T10:00:00Z", ""},
		{"01/31/2024 10:00:30", "2024-01-31T10:00:30Z", ""},
		{"01/31/2024 10:00:30.5", "2024-01-31T10:00:30.5Z", ""},
		{"01/31/2024 10:00:00 PM", "2024-01-31T22:00:00Z", ""},
		{"01/31/2024 10:00:00 am", "2024-01-31T10:00:00Z", ""},
		{"01/31/2024 12:00:00 AM", "2024-01-31T00:00:00Z", ""},
		{"01/31/2024 12:30:00 PM", "2024-01-31T12:30:00Z", ""},
		{"01/31/2024 10:00PM", "2024-01-31T22:00:00Z", ""},
		{"01/31/2024 10:00:00 PM GMT", "2024-01-31T22:00:00Z", ""},
		{"01/31/2024 10:00:00 +01:00", "2024-01-31T09:00:00Z", ""},
		{"1/31/24", "2024-01-31T00:00:00Z", ""},
		{"Wed, 01/31/2024", "2024-01-31T00:00:00Z", ""},

		// Out of range: well formed, but no such moment.
		{"2024-13-01", "", `datetime "2024-13-01" is out of range`},
		{"2024-00-10", "", "is out of range"},
		{"2024-01-32", "", "is out of range"},
		{"2024-01-00", "", "is out of range"},
		{"2023-02-29", "", `datetime "2023-02-29" is out of range`},
		{"1900-02-29", "", "is out of range"},
		{"2024-04-31", "", "is out of range"},
		{"2024-01-31T24:00:00Z", "", "is out of range"},
		{"2024-01-31T10:60:00Z", "", "is out of range"},
		{"2024-01-31T10:00:60Z", "", "is out of range"},
		{"2024-01-31T10:00:00+24:00", "", "is out of range"},
		{"2024-01-31T10:00:00+02:60", "", "is out of range"},
		{"0000-12-31", "", "is out of range"},
		{"0001-01-01T00:00:00+00:01", "", "is out of range"},
		{"9999-12-31T23:59:59-00:01", "", "is out of range"},
		{"13/01/2024", "", "is out of range"},
		{"31/01/2024", "", "is out of range"},
		{"01/31/2024 13:00 PM", "", "is out of range"},
		{"01/31/2024 0:00 AM", "", "is out of range"},
		{"31 Feb 2024", "", "is out of range"},

		// The day of the week is checked: a wrong one means a misread date.
		{"Fri, 8 Nov 14 15:05:02 GMT", "", `datetime "Fri, 8 Nov 14 15:05:02 GMT" names the wrong day of the week`},
		{"Friday, 08-Nov-14 15:05:02", "", "names the wrong day of the week"},
		{"Sat, 8 Nov 64 15:05:02 GMT", "", "names the wrong day of the week"}, // 1964-11-08 was a Sunday

		// Bare numbers are refused: seconds or milliseconds?
		{"1700000000", "", `cannot convert "1700000000" to datetime: a bare number could be seconds or milliseconds since 1970`},
		{"1700000000000", "", "a bare number"},
		{"1700000000.5", "", "a bare number"},
		{"-1", "", "a bare number"},
		{"2024", "", "a bare number"},
		{"20240131", "", "a bare number"},

		// Not a datetime at all.
		{"abc", "", `cannot convert "abc" to datetime`},
		{"now", "", `cannot convert "now" to datetime`},
		{"2024-01-31T", "", "cannot convert"},
		{"2024-01-31T10:", "", "cannot convert"},
		{"2024-01-31T10:0", "", "cannot convert"},
		{"2024-01-31T10:00:0", "", "cannot convert"},
		{"2024-01-31T10:00:00.", "", "cannot convert"},
		{"2024-01-31T10:00:00.Z", "", "cannot convert"},
		{"2024-01-31T10:00:00ZZ", "", "cannot convert"},
		{"2024-01-31T10:00:00+2", "", "cannot convert"},
		{"2024-01-31T10:00:00+02:", "", "cannot convert"},
		{"2024-01-31T10:00:00+02:00x", "", "cannot convert"},
		{"2024-01-31T10:00:00 XYZ", "", "cannot convert"},
		{"2024-01-31T10:00:00  GMT", "", "cannot convert"},
		{"2024-01-31 10", "", "cannot convert"},
		{"2024-01-31X10:00", "", "cannot convert"},
		{"2024-01-311", "", "cannot convert"},
		{"2024-011-01", "", "cannot convert"},
		{"2024/01/31", "", "cannot convert"},
		{"2024-01-31T10:00:00 PM", "", "cannot convert"},
		{"20240-01-31", "", "cannot convert"},
		{"Sat, 8 Nox 14 15:05:02 GMT", "", "cannot convert"},
		{"Sax, 8 Nov 14 15:05:02 GMT", "", "cannot convert"},
		{"8 Nov 143 15:05", "", "cannot convert"},
		{"8-Nov 14 15:05", "", "cannot convert"},
		{"8 Nov 14 1505", "", "cannot convert"},
		{"8 Nov 14 15:05 XYZ", "", "cannot convert"},
		{"01/31", "", "cannot convert"},
		{"01/31/2024T10:00", "", "cannot convert"},
		{"01/31/20245", "", "cannot convert"},
		{"Sat,", "", "cannot convert"},
		{"Sat", "", "cannot convert"},
		{"1.2.3", "", "cannot convert"},
		{"2024-01-31T10:00:00Z\x00", "", "cannot convert"},
	}
	for _, c := range cases {
		got, err := Parse(Datetime, c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Parse(datetime, %q) = %s, %v; want error containing %q", c.in, Format(got), err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(datetime, %q): unexpected error %v", c.in, err)
			continue
		}
		if want := ticksOf(t, c.want); got.Type != Datetime || got.Null || got.I != want {
			t.Errorf("Parse(datetime, %q) = %s (%d); want %s (%d)", c.in, Format(got), got.I, c.want, want)
		}
		if ticks, err := ParseDatetime(c.in); err != nil || ticks != got.I {
			t.Errorf("ParseDatetime(%q) = %d, %v; want %d", c.in, ticks, err, got.I)
		}
	}
}

// TestParseDatetimeAgainstTime formats random instants and offsets with the time package
// in several ISO 8601 and RFC layouts and checks that Parse agrees with it.
func TestParseDatetimeAgainstTime(t *testing.T) {
	layouts := []string{
		"2006-01-02T15:04:05.9999999Z07:00",
		"2006-01-02 15:04:05.9999999Z07:00",
		"2006-01-02T15:04:05.0000000-0700",
		"2006-01-02T15:04:05Z07:00",
		"2006-01-02 15:04:05",
		time.RFC1123Z,
		"Monday, 02-Jan-2006 15:04:05 -07:00",
		"01/02/2006 03:04:05.9999999 PM",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		ticks := rng.Int64N(MaxDatetimeTicks + 1)
		offset := time.Duration(rng.IntN(2*14*60+1)-14*60) * time.Minute
		tm := TicksToTime(ticks).In(time.FixedZone("", int(offset.Seconds())))
		layout := layouts[rng.IntN(len(layouts))]
		text := tm.Format(layout)
		want := ticks
		if !strings.Contains(layout, "07") {
			// No offset in the text: it reads as UTC wall-clock time.
			want = ticks + int64(offset/100)
		}
		if !strings.Contains(layout, ".9") && !strings.Contains(layout, ".0") {
			want -= (ticks % TicksPerSecond)
		}
		got, err := Parse(Datetime, text)
		if want < 0 || want > MaxDatetimeTicks || tm.Year() < 1 || tm.Year() > 9999 {
			if err == nil {
				t.Errorf("Parse(datetime, %q) = %s; want out of range", text, Format(got))
			}
			continue
		}
		if err != nil || got.I != want {
			t.Errorf("Parse(datetime, %q) = %s, %v; want %s", text, Format(got), err, Format(NewDatetime(want)))
		}
	}
}

func TestParseTimespan(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		err  string
	}{
		{"00:00:00", 0, ""},
		{"00:10:00", 10 * TicksPerMinute, ""},
		{"10:30", 10*TicksPerHour + 30*TicksPerMinute, ""},
		{"1:2", TicksPerHour + 2*TicksPerMinute, ""},
		{"1:2:3", TicksPerHour + 2*TicksPerMinute + 3*TicksPerSecond, ""},
		{"23:59:59", TicksPerDay - TicksPerSecond, ""},
		{"1.02:03:04", TicksPerDay + 2*TicksPerHour + 3*TicksPerMinute + 4*TicksPerSecond, ""},
		{"0.12:34:56.7", 12*TicksPerHour + 34*TicksPerMinute + 56*TicksPerSecond + 7_000_000, ""},
		{"1.12:30:55.1230000", TicksPerDay + 12*TicksPerHour + 30*TicksPerMinute + 55*TicksPerSecond + 1_230_000, ""},
		{"00:00:00.0000001", 1, ""},
		{"00:00:00.123456789", 1_234_567, ""},
		{"-00:00:01.5000000", -15_000_000, ""},
		{"-00:00:01.5", -15_000_000, ""},
		{"+00:00:01", TicksPerSecond, ""},
		{"-1.00:00:00", -TicksPerDay, ""},
		{"30.00:00", 30 * TicksPerDay, ""},
		{" 00:10:00 ", 10 * TicksPerMinute, ""},
		{"10675199.02:48:05.4775807", math.MaxInt64, ""},
		{"-10675199.02:48:05.4775808", math.MinInt64, ""},
		{"10675199.02:48:05.4775808", 0, `timespan "10675199.02:48:05.4775808" is out of range`},
		{"-10675199.02:48:05.4775809", 0, "is out of range"},
		{"99999999999999999999.00:00:00", 0, "is out of range"},
		{"24:00:00", 0, `timespan "24:00:00" is out of range`},
		{"1.24:00:00", 0, "is out of range"},
		{"00:60:00", 0, "is out of range"},
		{"00:00:60", 0, "is out of range"},

		{"2d", 2 * TicksPerDay, ""},
		{"1.5h", 90 * TicksPerMinute, ""},
		{"30m", 30 * TicksPerMinute, ""},
		{"10s", 10 * TicksPerSecond, ""},
		{"0.1s", TicksPerSecond / 10, ""},
		{".5s", TicksPerSecond / 2, ""},
		{"100ms", 100 * TicksPerMillisecond, ""},
		{"10microsecond", 100, ""},
		{"1tick", 1, ""},
		{"15 seconds", 15 * TicksPerSecond, ""},
		{"-2h", -2 * TicksPerHour, ""},
		{"+2h", 2 * TicksPerHour, ""},
		{"2H", 2 * TicksPerHour, ""},
		{"1day", TicksPerDay, ""},
		{"3days", 3 * TicksPerDay, ""},
		{"1hr", TicksPerHour, ""},
		{"2hrs", 2 * TicksPerHour, ""},
		{"1hour", TicksPerHour, ""},
		{"5min", 5 * TicksPerMinute, ""},
		{"5mins", 5 * TicksPerMinute, ""},
		{"1minute", TicksPerMinute, ""},
		{"1sec", TicksPerSecond, ""},
		{"2secs", 2 * TicksPerSecond, ""},
		{"1second", TicksPerSecond, ""},
		{"1milli", TicksPerMillisecond, ""},
		{"1millis", TicksPerMillisecond, ""},
		{"1millisec", TicksPerMillisecond, ""},
		{"1millisecond", TicksPerMillisecond, ""},
		{"2milliseconds", 2 * TicksPerMillisecond, ""},
		{"1microsec", 10, ""},
		{"3microseconds", 30, ""},
		{"100nanosec", 1, ""},
		{"250nanoseconds", 3, ""}, // 2.5 ticks round half up
		{"249nanosecond", 2, ""},
		{"5ticks", 5, ""},
		{"1.5tick", 2, ""},
		{"0.49tick", 0, ""},
		{"0.1234567891s", 1_234_568, ""},
		{"1.0000000000000000001d", TicksPerDay, ""},
		{"922337203685.4775807s", math.MaxInt64, ""},
		{"-922337203685.4775808s", math.MinInt64, ""},
		{"922337203685.4775808s", 0, "is out of range"},
		{"10675200d", 0, `timespan "10675200d" is out of range`},
		{"99999999999999999999d", 0, "is out of range"},
		{"9223372036854775807ticks", math.MaxInt64, ""},
		{"9223372036854775808ticks", 0, "is out of range"},

		{"3600", 0, `cannot convert "3600" to timespan: a bare number has no unit`},
		{"1.5", 0, "a bare number has no unit"},
		{"2w", 0, `cannot convert "2w" to timespan`},
		{"2 d x", 0, "cannot convert"},
		{"d", 0, "cannot convert"},
		{"1.5.5h", 0, "cannot convert"},
		{"1h30m", 0, "cannot convert"},
		{"--1h", 0, "cannot convert"},
		{"abc", 0, `cannot convert "abc" to timespan`},
		{"10:", 0, "cannot convert"},
		{":10", 0, "cannot convert"},
		{"123:00", 0, "cannot convert"},
		{"1.:00", 0, "cannot convert"},
		{"00:10.5", 0, "cannot convert"},
		{"00:00:00.", 0, "cannot convert"},
		{"00:00:00:00", 0, "cannot convert"},
		{"00:000:00", 0, "cannot convert"},
		{"1.02:03:04x", 0, "cannot convert"},
		{"P1D", 0, "cannot convert"},
	}
	for _, c := range cases {
		got, err := Parse(Timespan, c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Parse(timespan, %q) = %s, %v; want error containing %q", c.in, Format(got), err, c.err)
			}
			continue
		}
		if err != nil || got.Type != Timespan || got.Null || got.I != c.want {
			t.Errorf("Parse(timespan, %q) = %d, %v; want %d", c.in, got.I, err, c.want)
		}
		if ticks, err := ParseTimespan(c.in); err != nil || ticks != got.I {
			t.Errorf("ParseTimespan(%q) = %d, %v; want %d", c.in, ticks, err, got.I)
		}
	}
}

// TestCalendar checks the day arithmetic against the time package for every day in
// datetime's range.
func TestCalendar(t *testing.T) {
	day := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	for n := int64(0); n <= MaxDatetimeTicks/TicksPerDay; n++ {
		y, m, d := day.Date()
		if got := daysFromCivil(y, int(m), d); got != n {
			t.Fatalf("daysFromCivil(%d, %d, %d) = %d; want %d", y, m, d, got, n)
		}
		if gy, gm, gd := civilFromDays(n); gy != y || gm != int(m) || gd != d {
			t.Fatalf("civilFromDays(%d) = %d-%d-%d; want %d-%d-%d", n, gy, gm, gd, y, m, d)
		}
		if got := weekdayOf(n); got != int(day.Weekday()) {
			t.Fatalf("weekdayOf(%d) = %d; want %d (%s)", n, got, day.Weekday(), day)
		}
		day = day.AddDate(0, 0, 1)
	}
	if y, _, _ := civilFromDays(-1); y != 0 {
		t.Errorf("civilFromDays(-1) gives year %d; want 0", y)
	}
}

func TestParseAllocations(t *testing.T) {
	cases := []struct {
		t  Type
		in string
	}{
		{Long, "1234567890"},
		{Long, " -42.0 "},
		{Int, "42"},
		{Real, "3.14159"},
		{Real, "-1.5e-7"},
		{Real, "NaN"},
		{Bool, "TRUE"},
		{Datetime, "2024-01-31T10:00:00Z"},
		{Datetime, "2024-01-31T10:00:00.1234567Z"},
		{Datetime, "2024-01-31 10:00:00.123+02:00"},
		{Datetime, "2024-01-31"},
		{Datetime, "Sat, 8 Nov 14 15:05:02 GMT"},
		{Timespan, "1.02:03:04.5"},
		{Timespan, "1.5h"},
		{Guid, "74be27de-1e4e-49d9-b579-fe0b331d3642"},
		{String, "text"},
		{Decimal, ""},
	}
	for _, c := range cases {
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := Parse(c.t, c.in); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("Parse(%s, %q) allocates %v times; want 0", c.t, c.in, allocs)
		}
	}
}
