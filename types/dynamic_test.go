package types

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestParseDynamic(t *testing.T) {
	cases := []struct {
		in   string
		want any
	}{
		{`null`, nil},
		{` true `, true},
		{`false`, false},
		{`0`, int64(0)},
		{`-0`, int64(0)},
		{`42`, int64(42)},
		{`-42`, int64(-42)},
		{`9223372036854775807`, int64(math.MaxInt64)},
		{`-9223372036854775808`, int64(math.MinInt64)},
		{`9223372036854775808`, 9223372036854775808.0},
		{`2.0`, 2.0},
		{`-0.0`, math.Copysign(0, -1)},
		{`1e2`, 100.0},
		{`1E+2`, 100.0},
		{`1.5e-3`, 0.0015},
		{`1e400`, math.Inf(1)},
		{`NaN`, math.NaN()},
		{`Infinity`, math.Inf(1)},
		{`-Infinity`, math.Inf(-1)},
		{`""`, ""},
		{`"abc"`, "abc"},
		{`"a\"b\\c\/d\b\f\n\r\t"`, "a\"b\\c/d\b\f\n\r\t"},
		{`"\u00e9\u65E5"`, "é日"},
		{`"\ud83d\ude00"`, "😀"},
		{`"\ud83d"`, "\uFFFD"},
		{`"\ud83dx"`, "\uFFFDx"},
		{`"\ude00\ude00"`, "\uFFFD\uFFFD"},
		{`"\ud83d\u0041"`, "\uFFFDA"},
		{"\"é日本😀\"", "é日本😀"},
		{"\"bad\xffbyte\"", "bad\uFFFDbyte"},
		{`[]`, []any{}},
		{`[ 1 , "two" , [3] , {} ]`, []any{int64(1), "two", []any{int64(3)}, map[string]any{}}},
		{`{}`, map[string]any{}},
		{"{\n\t\"a\" : 1,\r\n \"b\":{\"c\":[null]}\n}", map[string]any{"a": int64(1), "b": map[string]any{"c": []any{nil}}}},
		{`{"a":1,"a":2}`, map[string]any{"a": int64(2)}},
		{`{"":""}`, map[string]any{"": ""}},
	}
	for _, c := range cases {
		got, err := ParseDynamic(c.in)
		if err != nil || !sameDynamic(got, c.want) {
			t.Errorf("ParseDynamic(%q) = %#v, %v; want %#v", c.in, got, err, c.want)
		}
	}
}

func TestParseDynamicErrors(t *testing.T) {
	cases := []struct {
		in, err string
	}{
		{``, "invalid JSON at offset 0: unexpected end of text"},
		{`   `, "unexpected end of text"},
		{`abc`, `invalid JSON at offset 0: unexpected 'a'`},
		{`tru`, "unexpected 't'"},
		{`nul`, "unexpected 'n'"},
		{`nan`, "unexpected 'n'"},
		{`-`, "expected a digit, found end of text"},
		{`-x`, "expected a digit"},
		{`01`, "unexpected '1' after the value"},
		{`1.`, "expected a digit after '.'"},
		{`.5`, "unexpected '.'"},
		{`+1`, "unexpected '+'"},
		{`1e`, "expected a digit in the exponent"},
		{`1e+`, "expected a digit in the exponent"},
		{`0x10`, "unexpected 'x' after the value"},
		{`"abc`, "unterminated string"},
		{`"abc\`, "unexpected end of text in an escape"},
		{`"\x"`, "invalid escape 'x'"},
		{`"\u12"`, `invalid \u escape`},
		{`"\u12g4"`, `invalid \u escape`},
		{"\"a\nb\"", "control character"},
		{"\"\x01\"", "control character"},
		{`'single'`, "unexpected '\\''"},
		{`[1,]`, "unexpected ']'"},
		{`[1 2]`, "expected ',' or ']' in an array, found '2'"},
		{`[1`, "expected ',' or ']' in an array, found end of text"},
		{`{"a"}`, "expected ':' after an object key, found '}'"},
		{`{"a":}`, "unexpected '}'"},
		{`{a:1}`, "expected a string key, found 'a'"},
		{`{"a":1,}`, "expected a string key, found '}'"},
		{`{"a":1 "b":2}`, "expected ',' or '}' in an object, found '\"'"},
		{`{"a":1`, "expected ',' or '}' in an object, found end of text"},
		{`{} {}`, "invalid JSON at offset 3: unexpected '{' after the value"},
		{`1 2`, "after the value"},
		{`// comment`, "unexpected '/'"},
		{strings.Repeat("[", maxDynamicDepth+1), "nested deeper than 10000"},
		{strings.Repeat(`{"a":`, maxDynamicDepth+1), "nested deeper than 10000"},
	}
	for _, c := range cases {
		v, err := ParseDynamic(c.in)
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("ParseDynamic(%.40q) = %#v, %v; want error containing %q", c.in, v, err, c.err)
		}
	}
	// Nesting up to the limit is fine.
	deep := strings.Repeat("[", maxDynamicDepth) + strings.Repeat("]", maxDynamicDepth)
	if _, err := ParseDynamic(deep); err != nil {
		t.Errorf("nesting %d deep: %v", maxDynamicDepth, err)
	}
}

// TestParseDynamicAgreesWithEncodingJSON checks that ParseDynamic accepts what
// encoding/json accepts, reading the same values.
func TestParseDynamicAgreesWithEncodingJSON(t *testing.T) {
	docs := []string{
		`{"DeviceName":"host-1","Tags":["a","b"],"Score":0.75,"Count":3,"Nested":{"x":null,"y":[{"z":false}]}}`,
		`[1, -2, 3.5, -4e-2, "é\u00e9", "\ud83d\ude00", {"k": {}}]`,
		`"just a string"`,
		`  12345678901234567890  `,
	}
	for _, doc := range docs {
		got, err := ParseDynamic(doc)
		if err != nil {
			t.Errorf("ParseDynamic(%q): %v", doc, err)
			continue
		}
		dec := json.NewDecoder(strings.NewReader(doc))
		dec.UseNumber()
		var std any
		if err := dec.Decode(&std); err != nil {
			t.Fatal(err)
		}
		want, err := dynamicFromJSON(std, 0)
		if err != nil || !sameDynamic(got, want) {
			t.Errorf("ParseDynamic(%q) = %#v; encoding/json reads %#v", doc, got, want)
		}
	}
}

func TestDynamicToJSON(t *testing.T) {
	cases := []struct {
		in   any
		want string
	}{
		{nil, "null"},
		{true, "true"},
		{int64(-3), "-3"},
		{2.0, "2.0"},
		{-0.0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{2.5, "2.5"},
		{1e20, "1e+20"},
		{1e-7, "1e-07"},
		{math.NaN(), "NaN"},
		{math.Inf(1), "Infinity"},
		{math.Inf(-1), "-Infinity"},
		{"plain", `"plain"`},
		{"q\"\n", `"q\"\n"`},
		{[]any{}, "[]"},
		{map[string]any{}, "{}"},
		{[]any{int64(1), "a", nil, []any{false}}, `[1,"a",null,[false]]`},
		{map[string]any{"b": int64(2), "a": int64(1), "C": int64(0), "é": int64(4)}, `{"C":0,"a":1,"b":2,"é":4}`},
		{map[string]any{"a\"b": map[string]any{"z": 1.5, "y": []any{}}}, `{"a\"b":{"y":[],"z":1.5}}`},
		// Go values that are not dynamic's own shapes still print.
		{int(7), "7"},
		{uint8(7), "7"},
		{float32(0.5), "0.5"},
		{json.Number("12.50"), "12.50"},
		{json.Number("bogus"), `"bogus"`},
		{[]string{"x", "y"}, `["x","y"]`},
		{map[string]int{"b": 1, "a": 2}, `{"a":2,"b":1}`},
		{make(chan int), `"`},
	}
	for _, c := range cases {
		got := DynamicToJSON(c.in)
		if c.want == `"` {
			if !strings.HasPrefix(got, `"`) {
				t.Errorf("DynamicToJSON(%T) = %s; want a quoted fallback", c.in, got)
			}
			continue
		}
		if got != c.want {
			t.Errorf("DynamicToJSON(%#v) = %s; want %s", c.in, got, c.want)
		}
	}
	// Many keys go past the sort buffer on the stack.
	m := map[string]any{}
	for i := range 40 {
		m[string(rune('A'+i))] = int64(i)
	}
	got := DynamicToJSON(m)
	back, err := ParseDynamic(got)
	if err != nil || !sameDynamic(back, m) || !strings.HasPrefix(got, `{"A":0,"B":1,`) {
		t.Errorf("DynamicToJSON of 40 keys = %s, reads back %v", got, err)
	}
}

// randomDynamic builds a random dynamic payload for round-trip and ordering tests.
func randomDynamic(rng *rand.Rand, depth int) any {
	switch k := rng.IntN(9); {
	case k == 0:
		return nil
	case k == 1:
		return rng.IntN(2) == 0
	case k == 2:
		return int64(rng.IntN(7) - 3)
	case k == 3:
		return []float64{-1.5, 0, 1, 2, 2.5, math.NaN(), math.Inf(1), 1e300}[rng.IntN(8)]
	case k == 4:
		return []string{"", "a", "b", "ab", "é", "\"\n"}[rng.IntN(6)]
	case k == 5:
		return int64(rng.Uint64())
	case k == 6 && depth < 3, k == 7 && depth < 3:
		a := make([]any, rng.IntN(4))
		for i := range a {
			a[i] = randomDynamic(rng, depth+1)
		}
		return a
	case depth < 3:
		m := map[string]any{}
		for range rng.IntN(4) {
			m[[]string{"a", "b", "c", "d"}[rng.IntN(4)]] = randomDynamic(rng, depth+1)
		}
		return m
	}
	return "leaf"
}

func TestDynamicJSONRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 5000 {
		v := randomDynamic(rng, 0)
		text := DynamicToJSON(v)
		back, err := ParseDynamic(text)
		if err != nil || !sameDynamic(back, v) {
			t.Fatalf("ParseDynamic(DynamicToJSON(%#v) = %s) = %#v, %v", v, text, back, err)
		}
		if again := DynamicToJSON(back); again != text {
			t.Fatalf("DynamicToJSON is not stable: %s then %s", text, again)
		}
		strict := appendDynamic(nil, v, true)
		if !json.Valid(strict) {
			t.Fatalf("strict JSON %s is not valid", strict)
		}
	}
}

func TestCompareDynamic(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		a, b any
		want int
	}{
		{nil, nil, 0},
		{nil, false, -1},
		{false, true, -1},
		{true, true, 0},
		{true, int64(0), -1},
		{int64(1), int64(2), -1},
		{int64(2), 2.0, 0},
		{2.0, int64(2), 0},
		{int64(2), 2.5, -1},
		{2.5, int64(2), 1},
		{int64(-2), -2.5, 1},
		{int64(-3), -2.5, -1},
		{int64(1<<53 + 1), float64(1 << 53), 1},
		{float64(1 << 53), int64(1<<53 + 1), -1},
		{int64(math.MaxInt64), 9223372036854775807.0, -1}, // the float is 2^63
		{int64(math.MinInt64), -9223372036854775808.0, 0},
		{int64(math.MinInt64), -1e19, 1},
		{int64(0), math.Inf(-1), 1},
		{int64(0), math.Inf(1), -1},
		{nan, nan, 0},
		{nan, math.Inf(-1), -1},
		{nan, int64(math.MinInt64), -1},
		{int64(0), nan, 1},
		{0.0, math.Copysign(0, -1), 0},
		{1.5, 2.5, -1},
		{int(3), int64(3), 0},
		{float32(1.5), 1.5, 0},
		{json.Number("3"), int64(3), 0},
		{json.Number("3.5"), int64(3), 1},
		{uint64(math.MaxUint64), int64(math.MaxInt64), 1},
		{int64(5), "5", -1},
		{"a", "b", -1},
		{"b", "ab", 1},
		{"", "a", -1},
		{"z", []any{}, -1},
		{[]any{}, []any{nil}, -1},
		{[]any{int64(1), int64(2)}, []any{int64(1), int64(3)}, -1},
		{[]any{int64(1), 2.0}, []any{1.0, int64(2)}, 0},
		{[]any{int64(2)}, []any{int64(1), int64(5)}, 1},
		{[]any{}, map[string]any{}, -1},
		{map[string]any{}, map[string]any{"a": nil}, -1},
		{map[string]any{"a": int64(1)}, map[string]any{"a": 1.0}, 0},
		{map[string]any{"a": int64(1)}, map[string]any{"b": int64(0)}, -1},
		{map[string]any{"a": int64(2)}, map[string]any{"a": int64(1), "b": int64(0)}, 1},
		{map[string]any{"a": int64(1), "b": int64(2)}, map[string]any{"b": int64(2), "a": int64(1)}, 0},
		{map[string]any{}, struct{}{}, -1},
		{struct{ A int }{1}, struct{ A int }{2}, -1},
	}
	for _, c := range cases {
		if got := CompareDynamic(c.a, c.b); got != c.want {
			t.Errorf("CompareDynamic(%#v, %#v) = %d; want %d", c.a, c.b, got, c.want)
		}
		if got := CompareDynamic(c.b, c.a); got != -c.want {
			t.Errorf("CompareDynamic(%#v, %#v) = %d; want %d", c.b, c.a, got, -c.want)
		}
		if got := EqualDynamic(c.a, c.b); got != (c.want == 0) {
			t.Errorf("EqualDynamic(%#v, %#v) = %v; want %v", c.a, c.b, got, c.want == 0)
		}
	}
}

// TestCompareDynamicIsAnOrder checks on random values that CompareDynamic is a total
// order consistent with EqualDynamic: sorting is stable under shuffles, and neighbours
// compare in order.
func TestCompareDynamicIsAnOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	values := make([]any, 300)
	for i := range values {
		values[i] = randomDynamic(rng, 0)
	}
	slices.SortFunc(values, CompareDynamic)
	for i := 1; i < len(values); i++ {
		if CompareDynamic(values[i-1], values[i]) > 0 {
			t.Fatalf("not sorted at %d: %s > %s", i, DynamicToJSON(values[i-1]), DynamicToJSON(values[i]))
		}
	}
	for range 2000 {
		a, b, c := values[rng.IntN(len(values))], values[rng.IntN(len(values))], values[rng.IntN(len(values))]
		ab, bc, ac := CompareDynamic(a, b), CompareDynamic(b, c), CompareDynamic(a, c)
		if ab <= 0 && bc <= 0 && ac > 0 {
			t.Fatalf("not transitive: %s, %s, %s", DynamicToJSON(a), DynamicToJSON(b), DynamicToJSON(c))
		}
		if (ab == 0) != EqualDynamic(a, b) {
			t.Fatalf("CompareDynamic and EqualDynamic disagree on %s and %s", DynamicToJSON(a), DynamicToJSON(b))
		}
		if CompareDynamic(b, a) != -ab {
			t.Fatalf("not antisymmetric: %s, %s", DynamicToJSON(a), DynamicToJSON(b))
		}
	}
}
