package types

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
)

// sameValue compares values as the tests mean them: NaN equals NaN and dynamic
// payloads compare by EqualDynamic with their Go types (2 is not 2.0).
func sameValue(a, b Value) bool {
	if a.Type != b.Type || a.Null != b.Null || a.I != b.I || a.S != b.S {
		return false
	}
	if math.IsNaN(a.F) || math.IsNaN(b.F) {
		if !math.IsNaN(a.F) || !math.IsNaN(b.F) {
			return false
		}
	} else if a.F != b.F || math.Signbit(a.F) != math.Signbit(b.F) {
		return false
	}
	return sameDynamic(a.D, b.D)
}

// sameDynamic is deep equality that, unlike EqualDynamic, tells int64 from float64.
func sameDynamic(a, b any) bool {
	if fa, ok := a.(float64); ok {
		fb, ok := b.(float64)
		return ok && (fa == fb && math.Signbit(fa) == math.Signbit(fb) || math.IsNaN(fa) && math.IsNaN(fb))
	}
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameDynamic(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !sameDynamic(xv, yv) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

type parseCase struct {
	t    Type
	in   string
	want Value
	err  string // a substring of the error; "" for success
}

func runParseCases(t *testing.T, cases []parseCase) {
	t.Helper()
	for _, c := range cases {
		got, err := Parse(c.t, c.in)
		switch {
		case c.err != "":
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Parse(%s, %q) = %+v, %v; want error containing %q", c.t, c.in, got, err, c.err)
			}
		case err != nil:
			t.Errorf("Parse(%s, %q): unexpected error %v", c.t, c.in, err)
		case !sameValue(got, c.want):
			t.Errorf("Parse(%s, %q) = %+v; want %+v", c.t, c.in, got, c.want)
		}
	}
}

func TestParseNulls(t *testing.T) {
	for _, typ := range []Type{Bool, Int, Long, Real, Decimal, Datetime, Timespan, Guid, Dynamic} {
		for _, in := range []string{"", "   ", "\t\r\n"} {
			got, err := Parse(typ, in)
			if err != nil || !sameValue(got, NullOf(typ)) {
				t.Errorf("Parse(%s, %q) = %+v, %v; want null", typ, in, got, err)
			}
		}
	}
	runParseCases(t, []parseCase{
		{String, "", NewString(""), ""},
		{String, "  padded  ", NewString("  padded  "), ""},
		{Dynamic, "null", NullOf(Dynamic), ""},
		{Dynamic, " null ", NullOf(Dynamic), ""},
		{Unknown, "1", Value{}, "cannot convert text to unknown"},
		{Unknown, "", Value{}, "cannot convert text to unknown"},
		{Type(99), "", Value{}, "cannot convert text to unknown"},
	})
}

func TestParseBool(t *testing.T) {
	runParseCases(t, []parseCase{
		{Bool, "true", NewBool(true), ""},
		{Bool, "TRUE", NewBool(true), ""},
		{Bool, "True", NewBool(true), ""},
		{Bool, " false ", NewBool(false), ""},
		{Bool, "FaLsE", NewBool(false), ""},
		{Bool, "1", NewBool(true), ""},
		{Bool, "0", NewBool(false), ""},
		{Bool, "yes", Value{}, `cannot convert "yes" to bool`},
		{Bool, "2", Value{}, `cannot convert "2" to bool`},
		{Bool, "truex", Value{}, `cannot convert "truex" to bool`},
		{Bool, "t", Value{}, `cannot convert "t" to bool`},
	})
}

func TestParseIntegers(t *testing.T) {
	runParseCases(t, []parseCase{
		{Long, "0", NewLong(0), ""},
		{Long, "42", NewLong(42), ""},
		{Long, "+42", NewLong(42), ""},
		{Long, "-42", NewLong(-42), ""},
		{Long, " 42\t", NewLong(42), ""},
		{Long, "007", NewLong(7), ""},
		{Long, "-0", NewLong(0), ""},
		{Long, "42.0", NewLong(42), ""},
		{Long, "42.000", NewLong(42), ""},
		{Long, "-42.0", NewLong(-42), ""},
		{Long, "9223372036854775807", NewLong(math.MaxInt64), ""},
		{Long, "-9223372036854775808", NewLong(math.MinInt64), ""},
		{Long, "-9223372036854775808.0", NewLong(math.MinInt64), ""},
		{Long, "9223372036854775808", Value{}, `long "9223372036854775808" is out of range`},
		{Long, "-9223372036854775809", Value{}, `long "-9223372036854775809" is out of range`},
		{Long, "99999999999999999999999", Value{}, "is out of range"},
		{Long, "99999999999999999999999x", Value{}, `cannot convert "99999999999999999999999x" to long`},
		{Long, "abc", Value{}, `cannot convert "abc" to long`},
		{Long, "42.5", Value{}, `cannot convert "42.5" to long`},
		{Long, "42.", Value{}, `cannot convert "42." to long`},
		{Long, ".0", Value{}, `cannot convert ".0" to long`},
		{Long, "4 2", Value{}, `cannot convert "4 2" to long`},
		{Long, "1e3", Value{}, `cannot convert "1e3" to long`},
		{Long, "0x10", Value{}, `cannot convert "0x10" to long`},
		{Long, "1_000", Value{}, `cannot convert "1_000" to long`},
		{Long, "+", Value{}, `cannot convert "+" to long`},
		{Long, "-", Value{}, `cannot convert "-" to long`},
		{Long, "--1", Value{}, `cannot convert "--1" to long`},
		{Long, "٣", Value{}, "cannot convert"},
		{Int, "2147483647", NewInt(math.MaxInt32), ""},
		{Int, "-2147483648", NewInt(math.MinInt32), ""},
		{Int, "12.0", NewInt(12), ""},
		{Int, "2147483648", Value{}, `int "2147483648" is out of range`},
		{Int, "3000000000", Value{}, `int "3000000000" is out of range`},
		{Int, "-2147483649", Value{}, `int "-2147483649" is out of range`},
		{Int, "x", Value{}, `cannot convert "x" to int`},
	})
}

func TestParseReal(t *testing.T) {
	runParseCases(t, []parseCase{
		{Real, "0", NewReal(0), ""},
		{Real, "1.5", NewReal(1.5), ""},
		{Real, "-1.5", NewReal(-1.5), ""},
		{Real, "+1.5", NewReal(1.5), ""},
		{Real, ".5", NewReal(0.5), ""},
		{Real, "5.", NewReal(5), ""},
		{Real, "42", NewReal(42), ""},
		{Real, "1e20", NewReal(1e20), ""},
		{Real, "1E-7", NewReal(1e-7), ""},
		{Real, "2.5e+3", NewReal(2500), ""},
		{Real, "-0", NewReal(math.Copysign(0, -1)), ""},
		{Real, "0.1", NewReal(0.1), ""},
		{Real, "1e400", NewReal(math.Inf(1)), ""},
		{Real, "-1e400", NewReal(math.Inf(-1)), ""},
		{Real, "1e-400", NewReal(0), ""},
		{Real, "NaN", NewReal(math.NaN()), ""},
		{Real, "nan", NewReal(math.NaN()), ""},
		{Real, "Infinity", NewReal(math.Inf(1)), ""},
		{Real, "+Infinity", NewReal(math.Inf(1)), ""},
		{Real, "-Infinity", NewReal(math.Inf(-1)), ""},
		{Real, "inf", NewReal(math.Inf(1)), ""},
		{Real, "-INF", NewReal(math.Inf(-1)), ""},
		{Real, " 3.25 ", NewReal(3.25), ""},
		{Real, "abc", Value{}, `cannot convert "abc" to real`},
		{Real, "0x1p-2", Value{}, `cannot convert "0x1p-2" to real`},
		{Real, "1_000.5", Value{}, `cannot convert "1_000.5" to real`},
		{Real, "1e", Value{}, `cannot convert "1e" to real`},
		{Real, "e5", Value{}, `cannot convert "e5" to real`},
		{Real, "1.2.3", Value{}, `cannot convert "1.2.3" to real`},
		{Real, "1,5", Value{}, `cannot convert "1,5" to real`},
		{Real, "infinit", Value{}, `cannot convert "infinit" to real`},
		{Real, "--1", Value{}, `cannot convert "--1" to real`},
		{Real, ".", Value{}, `cannot convert "." to real`},
	})
}

func TestParseDecimal(t *testing.T) {
	dec := func(s string) Value { return Value{Type: Decimal, S: s} }
	runParseCases(t, []parseCase{
		{Decimal, "0", dec("0"), ""},
		{Decimal, "1.50", dec("1.50"), ""},
		{Decimal, "+001.50", dec("1.50"), ""},
		{Decimal, "-1.5", dec("-1.5"), ""},
		{Decimal, "-0", dec("0"), ""},
		{Decimal, "-0.00", dec("0.00"), ""},
		{Decimal, ".5", dec("0.5"), ""},
		{Decimal, "5.", dec("5"), ""},
		{Decimal, "000", dec("0"), ""},
		{Decimal, "0.001", dec("0.001"), ""},
		{Decimal, "1.5e2", dec("150"), ""},
		{Decimal, "1.5E+2", dec("150"), ""},
		{Decimal, "15e-3", dec("0.015"), ""},
		{Decimal, "1.50e1", dec("15.0"), ""},
		{Decimal, "123.456e-1", dec("12.3456"), ""},
		{Decimal, "0e5", dec("0"), ""},
		{Decimal, "79228162514264337593543950335", dec("79228162514264337593543950335"), ""},
		{Decimal, "-79228162514264337593543950335", dec("-79228162514264337593543950335"), ""},
		{Decimal, "0.1234567890123456789012345678", dec("0.1234567890123456789012345678"), ""},
		{Decimal, "0.12345678901234567890123456785", dec("0.1234567890123456789012345679"), ""},
		{Decimal, "0.99999999999999999999999999999", dec("1.0000000000000000000000000000"), ""},
		{Decimal, "-0.00000000000000000000000000004", dec("0.0000000000000000000000000000"), ""},
		{Decimal, "1e-30", dec("0.0000000000000000000000000000"), ""},
		{Decimal, "1e-99999999", dec("0.0000000000000000000000000000"), ""},
		{Decimal, "79228162514264337593543950336", Value{}, `decimal "79228162514264337593543950336" is out of range`},
		{Decimal, "100000000000000000000000000000", Value{}, "is out of range"},
		{Decimal, "1e40", Value{}, `decimal "1e40" is out of range`},
		{Decimal, "1e99999999", Value{}, "is out of range"},
		{Decimal, "79228162514264337593543950335.5", Value{}, "is out of range"},
		{Decimal, "abc", Value{}, `cannot convert "abc" to decimal`},
		{Decimal, "NaN", Value{}, `cannot convert "NaN" to decimal`},
		{Decimal, "Infinity", Value{}, `cannot convert "Infinity" to decimal`},
		{Decimal, "1e", Value{}, `cannot convert "1e" to decimal`},
		{Decimal, ".", Value{}, `cannot convert "." to decimal`},
		{Decimal, "1.2.3", Value{}, `cannot convert "1.2.3" to decimal`},
		{Decimal, "1,5", Value{}, `cannot convert "1,5" to decimal`},
		{Decimal, "0x10", Value{}, `cannot convert "0x10" to decimal`},
	})
}

func TestParseGuid(t *testing.T) {
	const canon = "74be27de-1e4e-49d9-b579-fe0b331d3642"
	g := NewGuid(canon)
	runParseCases(t, []parseCase{
		{Guid, canon, g, ""},
		{Guid, strings.ToUpper(canon), g, ""},
		{Guid, "{" + canon + "}", g, ""},
		{Guid, "{74BE27DE-1E4E-49D9-B579-FE0B331D3642}", g, ""},
		{Guid, "(" + canon + ")", g, ""},
		{Guid, "74be27de1e4e49d9b579fe0b331d3642", g, ""},
		{Guid, "74BE27DE1E4E49D9B579FE0B331D3642", g, ""},
		{Guid, " " + canon + " ", g, ""},
		{Guid, "00000000-0000-0000-0000-000000000000", NewGuid("00000000-0000-0000-0000-000000000000"), ""},
		{Guid, "74be27de-1e4e-49d9-b579-fe0b331d364", Value{}, "cannot convert"},
		{Guid, "74be27de-1e4e-49d9-b579-fe0b331d36422", Value{}, "cannot convert"},
		{Guid, "74be27de+1e4e-49d9-b579-fe0b331d3642", Value{}, "cannot convert"},
		{Guid, "74be27de-1e4e-49d9-b579-fe0b331d364g", Value{}, `cannot convert "74be27de-1e4e-49d9-b579-fe0b331d364g" to guid`},
		{Guid, "{" + canon + ")", Value{}, "cannot convert"},
		{Guid, "[" + canon + "]", Value{}, "cannot convert"},
		{Guid, "74be27de1e4e49d9b579fe0b331d364z", Value{}, "cannot convert"},
		{Guid, "74be27de-1e4e49d9-b579-fe0b331d3642", Value{}, "cannot convert"},
		{Guid, "hello", Value{}, `cannot convert "hello" to guid`},
	})
}

func TestParseDynamicValues(t *testing.T) {
	dyn := func(v any) Value { return NewDynamic(v) }
	runParseCases(t, []parseCase{
		{Dynamic, `{"a":1,"b":[true,false,null],"c":"x"}`, dyn(map[string]any{"a": int64(1), "b": []any{true, false, nil}, "c": "x"}), ""},
		{Dynamic, ` [1, 2.5, -3, 1e2] `, dyn([]any{int64(1), 2.5, int64(-3), 100.0}), ""},
		{Dynamic, `42`, dyn(int64(42)), ""},
		{Dynamic, `42.0`, dyn(42.0), ""},
		{Dynamic, `"quoted"`, dyn("quoted"), ""},
		{Dynamic, `true`, dyn(true), ""},
		{Dynamic, `{}`, dyn(map[string]any{}), ""},
		{Dynamic, `[]`, dyn([]any{}), ""},
		{Dynamic, `not json`, dyn("not json"), ""},
		{Dynamic, ` padded text `, dyn(" padded text "), ""},
		{Dynamic, `{"a":1`, dyn(`{"a":1`), ""},
		{Dynamic, `[1,]`, dyn(`[1,]`), ""},
		{Dynamic, `'single'`, dyn(`'single'`), ""},
		{Dynamic, `9223372036854775808`, dyn(9223372036854775808.0), ""},
		{Dynamic, `NaN`, dyn(math.NaN()), ""},
	})
}

func TestParseErrorQuotesLongInputShort(t *testing.T) {
	in := strings.Repeat("é", 100)
	_, err := Parse(Long, in)
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if len(msg) > 200 || !strings.Contains(msg, `..."`) || !strings.HasPrefix(msg, `cannot convert "éé`) {
		t.Errorf("message %q is not a short quote of the input", msg)
	}
}

func TestFromJSON(t *testing.T) {
	num := func(s string) json.Number { return json.Number(s) }
	cases := []struct {
		t    Type
		in   any
		want Value
		err  string
	}{
		{Long, nil, NullOf(Long), ""},
		{String, nil, NullOf(String), ""},
		{Dynamic, nil, NullOf(Dynamic), ""},
		{Unknown, nil, Value{}, "cannot convert JSON to unknown"},
		{Long, num("42"), NewLong(42), ""},
		{Long, num("42.0"), NewLong(42), ""},
		{Long, "42", NewLong(42), ""},
		{Long, "", NullOf(Long), ""},
		{Long, num("42.5"), Value{}, `cannot convert "42.5" to long`},
		{Long, num("1e30"), Value{}, `cannot convert "1e30" to long`},
		{Long, true, NewLong(1), ""},
		{Long, false, NewLong(0), ""},
		{Long, float64(7), NewLong(7), ""},
		{Long, int(7), NewLong(7), ""},
		{Long, uint64(math.MaxUint64), Value{}, "cannot convert uint64 to long"},
		{Long, []any{int64(1)}, Value{}, "cannot convert an array to long"},
		{Long, map[string]any{}, Value{}, "cannot convert an object to long"},
		{Int, num("3000000000"), Value{}, `int "3000000000" is out of range`},
		{Int, true, NewInt(1), ""},
		{Real, num("1.5"), NewReal(1.5), ""},
		{Real, "NaN", NewReal(math.NaN()), ""},
		{Real, float64(2.25), NewReal(2.25), ""},
		{Real, true, NewReal(1), ""},
		{Decimal, num("1.50"), Value{Type: Decimal, S: "1.50"}, ""},
		{Decimal, false, Value{Type: Decimal, S: "0"}, ""},
		{Bool, true, NewBool(true), ""},
		{Bool, "true", NewBool(true), ""},
		{Bool, "False", NewBool(false), ""},
		{Bool, num("1"), NewBool(true), ""},
		{Bool, "maybe", Value{}, `cannot convert "maybe" to bool`},
		{Datetime, "2024-01-31T10:00:00Z", NewDatetime(ticksOf(t, "2024-01-31T10:00:00Z")), ""},
		{Datetime, num("1700000000"), Value{}, "a bare number could be seconds or milliseconds since 1970"},
		{Datetime, float64(1700000000), Value{}, "a bare number"},
		{Datetime, true, Value{}, "cannot convert true to datetime"},
		{Timespan, "00:10:00", NewTimespan(10 * TicksPerMinute), ""},
		{Timespan, "1.5h", NewTimespan(90 * TicksPerMinute), ""},
		{Timespan, num("60"), Value{}, "a bare number has no unit"},
		{Guid, "{74BE27DE-1E4E-49D9-B579-FE0B331D3642}", NewGuid("74be27de-1e4e-49d9-b579-fe0b331d3642"), ""},
		{Guid, num("1"), Value{}, `cannot convert "1" to guid`},
		{String, "as is ", NewString("as is "), ""},
		{String, num("1.50"), NewString("1.50"), ""},
		{String, true, NewString("true"), ""},
		{String, map[string]any{"b": num("1"), "a": []any{"x", nil}}, NewString(`{"a":["x",null],"b":1}`), ""},
		{String, []any{num("2.0"), false}, NewString(`[2.0,false]`), ""},
		{Dynamic, num("42"), NewDynamic(int64(42)), ""},
		{Dynamic, num("42.0"), NewDynamic(42.0), ""},
		{Dynamic, num("-1.5e3"), NewDynamic(-1500.0), ""},
		{Dynamic, num("123456789012345678901234567890"), NewDynamic(123456789012345678901234567890.0), ""},
		{Dynamic, num("abc"), Value{}, `invalid JSON number "abc"`},
		{Dynamic, "{\"a\":1}", NewDynamic("{\"a\":1}"), ""},
		{Dynamic, true, NewDynamic(true), ""},
		{Dynamic, float64(2), NewDynamic(2.0), ""},
		{Dynamic, int32(2), NewDynamic(int64(2)), ""},
		{Dynamic, map[string]any{"a": []any{num("1"), num("2.5"), map[string]any{"b": nil}}},
			NewDynamic(map[string]any{"a": []any{int64(1), 2.5, map[string]any{"b": nil}}}), ""},
		{Dynamic, struct{}{}, Value{}, "cannot convert struct {} to dynamic"},
		{Datetime, struct{}{}, Value{}, "cannot convert struct {} to datetime"},
	}
	for _, c := range cases {
		got, err := FromJSON(c.t, c.in)
		switch {
		case c.err != "":
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("FromJSON(%s, %#v) = %+v, %v; want error containing %q", c.t, c.in, got, err, c.err)
			}
		case err != nil:
			t.Errorf("FromJSON(%s, %#v): unexpected error %v", c.t, c.in, err)
		case !sameValue(got, c.want):
			t.Errorf("FromJSON(%s, %#v) = %+v; want %+v", c.t, c.in, got, c.want)
		}
	}
}

// TestFromJSONDecoded runs FromJSON on the output of a real decoder.
func TestFromJSONDecoded(t *testing.T) {
	dec := json.NewDecoder(strings.NewReader(`{"n":9007199254740993,"s":"2024-01-31 10:00","o":{"k":[1,2.5]}}`))
	dec.UseNumber()
	var row map[string]any
	if err := dec.Decode(&row); err != nil {
		t.Fatal(err)
	}
	n, err := FromJSON(Long, row["n"])
	if err != nil || n.I != 9007199254740993 {
		t.Errorf("long: %+v, %v", n, err)
	}
	s, err := FromJSON(Datetime, row["s"])
	if err != nil || s.I != ticksOf(t, "2024-01-31T10:00:00Z") {
		t.Errorf("datetime: %+v, %v", s, err)
	}
	o, err := FromJSON(Dynamic, row["o"])
	if err != nil || DynamicToJSON(o.D) != `{"k":[1,2.5]}` {
		t.Errorf("dynamic: %+v, %v", o, err)
	}
	if _, isNumber := o.D.(map[string]any)["k"].([]any)[0].(json.Number); isNumber {
		t.Error("json.Number left in a dynamic value")
	}
}

func TestFromJSONDepthLimit(t *testing.T) {
	var v any = "leaf"
	for range maxDynamicDepth + 2 {
		v = []any{v}
	}
	if _, err := FromJSON(Dynamic, v); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("got %v; want a depth error", err)
	}
}
