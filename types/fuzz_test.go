package types

import (
	"math"
	"testing"
)

// FuzzParseDatetime checks that Parse never panics on datetime text, and that whatever
// it accepts prints and reads back to the same ticks.
func FuzzParseDatetime(f *testing.F) {
	for _, s := range []string{
		"2024-01-31T10:00:00Z", "2024-01-31 10:00:00.1234567+02:00", "2024-01-31", "2024-01",
		"0001-01-01T00:00:00Z", "9999-12-31T23:59:59.9999999Z", "2024-02-29T23:59:59.99999999999-14:00",
		"Sat, 8 Nov 14 15:05:02 GMT", "Saturday, 08-Nov-14 15:05 EST", "8 Nov 2014 15:05:02 +0100",
		"01/31/2024 10:00:00 PM", "1/5/24 7:05", "2014-11-08 15:05:25 GMT", "1700000000", "", " ",
		"2024-13-01", "Fri, 8 Nov 14 15:05:02 GMT", "2024-01-31T10:00:00+24:00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(Datetime, s)
		if err != nil || v.Null {
			return
		}
		if v.I < 0 || v.I > MaxDatetimeTicks {
			t.Fatalf("Parse(datetime, %q) = %d ticks, outside datetime's range", s, v.I)
		}
		text := Format(v)
		back, err := Parse(Datetime, text)
		if err != nil || back.I != v.I {
			t.Fatalf("Parse(datetime, %q) = %s (%d ticks), which reads back as %d, %v", s, text, v.I, back.I, err)
		}
	})
}

// FuzzParseTimespan checks that Parse never panics on timespan text, and that whatever
// it accepts prints and reads back to the same ticks.
func FuzzParseTimespan(f *testing.F) {
	for _, s := range []string{
		"00:10:00", "1.02:03:04", "-00:00:01.5000000", "10675199.02:48:05.4775807",
		"-10675199.02:48:05.4775808", "1d", "1.5h", "30m", "10s", "100ms", "10microsecond",
		"1tick", "15 seconds", "-2.5 hours", "250nanoseconds", "922337203685.4775807s",
		"3600", "", "24:00:00", "1.5.5h", ".5s",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(Timespan, s)
		if err != nil || v.Null {
			return
		}
		text := Format(v)
		back, err := Parse(Timespan, text)
		if err != nil || back.I != v.I {
			t.Fatalf("Parse(timespan, %q) = %s (%d ticks), which reads back as %d, %v", s, text, v.I, back.I, err)
		}
	})
}

// FuzzParseDynamic checks that ParseDynamic never panics, and that what it accepts
// writes as JSON that reads back to an equal value and writes the same again.
func FuzzParseDynamic(f *testing.F) {
	for _, s := range []string{
		`{"a":[1,2.5,"x",null,true],"b":{"c":-0.0}}`, `"\ud83d\ude00"`, `NaN`, `-Infinity`,
		`12345678901234567890`, `[[[[]]]]`, `"bad \xff"`, `{"a":1,"a":2}`, `1e400`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseDynamic(s)
		if err != nil {
			return
		}
		text := DynamicToJSON(v)
		back, err := ParseDynamic(text)
		if err != nil || !EqualDynamic(back, v) || CompareDynamic(back, v) != 0 {
			t.Fatalf("ParseDynamic(%q) writes as %s, which reads back as %#v, %v", s, text, back, err)
		}
		if again := DynamicToJSON(back); again != text {
			t.Fatalf("DynamicToJSON is not stable: %s then %s", text, again)
		}
	})
}

// FuzzFormatTicks checks that any ticks in range print as text that reads back.
func FuzzFormatTicks(f *testing.F) {
	f.Add(int64(0))
	f.Add(MaxDatetimeTicks)
	f.Add(int64(math.MinInt64))
	f.Fuzz(func(t *testing.T, ticks int64) {
		if ts := Format(NewTimespan(ticks)); mustParse(t, Timespan, ts).I != ticks {
			t.Fatalf("timespan %d prints as %q, which reads back differently", ticks, ts)
		}
		if ticks >= 0 && ticks <= MaxDatetimeTicks {
			if dt := Format(NewDatetime(ticks)); mustParse(t, Datetime, dt).I != ticks {
				t.Fatalf("datetime %d prints as %q, which reads back differently", ticks, dt)
			}
		}
	})
}

func mustParse(t *testing.T, typ Type, s string) Value {
	t.Helper()
	v, err := Parse(typ, s)
	if err != nil {
		t.Fatalf("Parse(%s, %q): %v", typ, s, err)
	}
	return v
}
