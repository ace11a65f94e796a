package types

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

// Variables, so the sum below is a float64 sum, not an exact constant one.
var tenth, fifth = 0.1, 0.2

func TestFormat(t *testing.T) {
	cases := []struct {
		v    Value
		want string
	}{
		{NullOf(Long), ""},
		{NullOf(Datetime), ""},
		{NullOf(Dynamic), ""},
		{NullOf(String), ""},
		{NewBool(true), "true"},
		{NewBool(false), "false"},
		{NewInt(-7), "-7"},
		{NewLong(math.MinInt64), "-9223372036854775808"},
		{NewLong(42), "42"},
		{NewReal(1.5), "1.5"},
		{NewReal(0.001), "0.001"},
		{NewReal(0.0001), "0.0001"},
		{NewReal(0.00001), "1e-05"},
		{NewReal(tenth + fifth), "0.30000000000000004"},
		{NewReal(1), "1"},
		{NewReal(-2), "-2"},
		{NewReal(0), "0"},
		{NewReal(math.Copysign(0, -1)), "-0"},
		{NewReal(1000000), "1000000"},
		{NewReal(123456789012345), "123456789012345"},
		{NewReal(999999999999999.9), "999999999999999.9"},
		{NewReal(1e15), "1e+15"},
		{NewReal(1e20), "1e+20"},
		{NewReal(-1.5e-7), "-1.5e-07"},
		{NewReal(math.MaxFloat64), "1.7976931348623157e+308"},
		{NewReal(5e-324), "5e-324"},
		{NewReal(math.NaN()), "NaN"},
		{NewReal(math.Inf(1)), "Infinity"},
		{NewReal(math.Inf(-1)), "-Infinity"},
		{Value{Type: Decimal, S: "1.50"}, "1.50"},
		{NewString("as is \"quoted\""), "as is \"quoted\""},
		{NewGuid("74be27de-1e4e-49d9-b579-fe0b331d3642"), "74be27de-1e4e-49d9-b579-fe0b331d3642"},
		{NewDatetime(ticksOf(t, "2024-01-31T10:00:00Z")), "2024-01-31T10:00:00Z"},
		{NewDatetime(ticksOf(t, "2024-01-31T10:00:00.1234567Z")), "2024-01-31T10:00:00.1234567Z"},
		{NewDatetime(ticksOf(t, "2024-01-31T10:00:00.5Z")), "2024-01-31T10:00:00.5Z"},
		{NewDatetime(ticksOf(t, "2024-01-31T10:00:00.0000001Z")), "2024-01-31T10:00:00.0000001Z"},
		{NewDatetime(0), "0001-01-01T00:00:00Z"},
		{NewDatetime(UnixEpochTicks), "1970-01-01T00:00:00Z"},
		{NewDatetime(MaxDatetimeTicks), "9999-12-31T23:59:59.9999999Z"},
		{NewDatetime(-1), "0000-12-31T23:59:59.9999999Z"},
		{NewDatetime(MaxDatetimeTicks + 1), "10000-01-01T00:00:00Z"},
		{NewTimespan(0), "00:00:00"},
		{NewTimespan(10 * TicksPerMinute), "00:10:00"},
		{NewTimespan(TicksPerDay + 2*TicksPerHour + 3*TicksPerMinute + 4*TicksPerSecond), "1.02:03:04"},
		{NewTimespan(TicksPerDay + 12*TicksPerHour + 30*TicksPerMinute + 55*TicksPerSecond + 1_230_000), "1.12:30:55.1230000"},
		{NewTimespan(-15_000_000), "-00:00:01.5000000"},
		{NewTimespan(1), "00:00:00.0000001"},
		{NewTimespan(-TicksPerDay), "-1.00:00:00"},
		{NewTimespan(400 * TicksPerDay), "400.00:00:00"},
		{NewTimespan(math.MaxInt64), "10675199.02:48:05.4775807"},
		{NewTimespan(math.MinInt64), "-10675199.02:48:05.4775808"},
		{NewDynamic(map[string]any{"b": int64(1), "a": []any{2.0, "x", nil, true}}), `{"a":[2.0,"x",null,true],"b":1}`},
		{NewDynamic("text"), `"text"`},
		{NewDynamic(nil), ""},
		{Value{Type: Unknown}, ""},
	}
	for _, c := range cases {
		if got := Format(c.v); got != c.want {
			t.Errorf("Format(%+v) = %q; want %q", c.v, got, c.want)
		}
		if got := string(AppendFormat([]byte("x"), c.v)); got != "x"+c.want {
			t.Errorf("AppendFormat(%+v) = %q; want %q", c.v, got, "x"+c.want)
		}
	}
}

func TestAppendJSON(t *testing.T) {
	cases := []struct {
		v    Value
		want string
	}{
		{NullOf(Long), "null"},
		{NullOf(Dynamic), "null"},
		{NewDynamic(nil), "null"},
		{Value{Type: Unknown}, "null"},
		{NewBool(true), "true"},
		{NewInt(3), "3"},
		{NewLong(-42), "-42"},
		{NewReal(1.5), "1.5"},
		{NewReal(2), "2"},
		{NewReal(1e20), "1e+20"},
		{NewReal(math.NaN()), `"NaN"`},
		{NewReal(math.Inf(-1)), `"-Infinity"`},
		{Value{Type: Decimal, S: "1.50"}, `"1.50"`},
		{NewString(""), `""`},
		{NewString("a\"b\\c\n\t\r\b\f\x01\x1f</>&"), `"a\"b\\c\n\t\r\b\f\u0001\u001f</>&"`},
		{NewString("é日本\u2028\u2029😀"), `"é日本\u2028\u2029😀"`},
		{NewString("bad\xffutf8\xc3"), `"bad\ufffdutf8\ufffd"`},
		{NewGuid("74be27de-1e4e-49d9-b579-fe0b331d3642"), `"74be27de-1e4e-49d9-b579-fe0b331d3642"`},
		{NewDatetime(ticksOf(t, "2024-01-31T10:00:00.25Z")), `"2024-01-31T10:00:00.25Z"`},
		{NewTimespan(-15_000_000), `"-00:00:01.5000000"`},
		{NewDynamic(map[string]any{"k": []any{math.NaN(), math.Inf(1), 1.0, int64(1)}}), `{"k":["NaN","Infinity",1.0,1]}`},
		{NewDynamic("s"), `"s"`},
	}
	for _, c := range cases {
		got := AppendJSON(nil, c.v)
		if string(got) != c.want {
			t.Errorf("AppendJSON(%+v) = %s; want %s", c.v, got, c.want)
		}
		if !json.Valid(got) {
			t.Errorf("AppendJSON(%+v) = %s is not valid JSON", c.v, got)
		}
	}
}

// TestJSONStringMatchesEncodingJSON checks string escaping against encoding/json, which
// differs only in escaping <, > and & for HTML.
func TestJSONStringMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "\"", "\\", "\n", "\x00", "\x7f", "é", "\u2028", "😀", "\xff", "\xed\xa0\x80", "<"}
	for range 2000 {
		var s string
		for range rng.IntN(12) {
			s += alphabet[rng.IntN(len(alphabet))]
		}
		got := appendJSONString(nil, s)
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("appendJSONString(%q) = %s: %v", s, got, err)
		}
		want, _ := json.Marshal(s)
		var wantBack string
		_ = json.Unmarshal(want, &wantBack)
		if back != wantBack {
			t.Errorf("appendJSONString(%q) reads back as %q; encoding/json gives %q", s, back, wantBack)
		}
	}
}

// TestFormatParseRoundTrip checks that Parse reads Format's output back to the value.
func TestFormatParseRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	values := []Value{
		NullOf(Bool), NullOf(Long), NullOf(Real), NullOf(Datetime), NullOf(Timespan), NullOf(Guid),
		NullOf(Dynamic), NullOf(Decimal), NewString(""), NewString(" x "),
		NewBool(true), NewBool(false), NewInt(math.MinInt32), NewLong(math.MaxInt64),
		NewReal(math.NaN()), NewReal(math.Inf(-1)), NewReal(math.Copysign(0, -1)), NewReal(5e-324),
		NewDatetime(0), NewDatetime(MaxDatetimeTicks), NewTimespan(math.MinInt64), NewTimespan(math.MaxInt64),
		NewGuid("74be27de-1e4e-49d9-b579-fe0b331d3642"), {Type: Decimal, S: "-12.340"},
		NewDynamic(map[string]any{"a": []any{int64(1), 1.0, math.NaN(), "x\ny", nil, map[string]any{}}}),
		NewDynamic("not json"), NewDynamic(int64(3)), NewDynamic(-0.0),
	}
	for range 5000 {
		values = append(values,
			NewLong(int64(rng.Uint64())),
			NewReal(math.Float64frombits(rng.Uint64())),
			NewReal(rng.NormFloat64()*math.Pow(10, float64(rng.IntN(40)-20))),
			NewDatetime(rng.Int64N(MaxDatetimeTicks+1)),
			NewTimespan(int64(rng.Uint64())),
			NewTimespan(rng.Int64N(2*TicksPerDay)-TicksPerDay),
		)
	}
	for _, v := range values {
		text := Format(v)
		back, err := Parse(v.Type, text)
		if err != nil || !sameValue(back, v) {
			t.Errorf("Parse(%s, Format(%+v) = %q) = %+v, %v", v.Type, v, text, back, err)
		}
	}
}

func TestFormatAllocations(t *testing.T) {
	buf := make([]byte, 0, 256)
	for _, v := range []Value{NewLong(123), NewReal(1.25), NewDatetime(ticksOf(t, "2024-01-31T10:00:00.1Z")),
		NewTimespan(12345678901), NewString("x\"y"), NewBool(true)} {
		allocs := testing.AllocsPerRun(100, func() {
			buf = AppendFormat(buf[:0], v)
			buf = AppendJSON(buf[:0], v)
		})
		if allocs != 0 {
			t.Errorf("AppendFormat/AppendJSON(%+v) allocate %v times; want 0", v, allocs)
		}
	}
}
