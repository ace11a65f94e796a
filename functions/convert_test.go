package functions

import "testing"

func TestConversions(t *testing.T) {
	runCases(t, []evalCase{
		{"tostring", a(col(I, 123, nil)), w(`"123"`, `""`)},
		{"tostring", a(col(R, 1.5, "NaN")), w(`"1.5"`, `"NaN"`)},
		{"tostring", a(col(TS, "10s", nil)), w(`"00:00:10"`, `""`)},
		{"tostring", a(col(DT, "2017-10-15 12:00", "2015-12-31 23:59:59.9")), w(`"2017-10-15T12:00:00.0000000Z"`, `"2015-12-31T23:59:59.9000000Z"`)},
		{"tostring", a(col(B, true)), w(`"true"`)},
		{"tostring", a(col(D, `"abc def"`, "123", "1.5", "null", "[1,2]", `{"a":1}`, "true")),
			w(`"abc def"`, `"123"`, `"1.5"`, `""`, `"[1,2]"`, `"{\"a\":1}"`, `"true"`)},
		{"tostring", a(col(G, "0123456789abcdef0123456789abcdef")), w(`"01234567-89ab-cdef-0123-456789abcdef"`)},
		{"toint", a(col(S, "", "123", "nan", "2.0", "99999999999")), w("null", "123", "null", "2", "null")},
		{"toint", a(col(R, 2.3, -2.7, "NaN")), w("2", "-2", "null")},
		{"tolong", a(col(R, 123.5, "Infinity")), w("123", "null")},
		{"tolong", a(col(S, "", "123", "nan", " 42 ")), w("null", "123", "null", "42")},
		{"tolong", a(col(B, true, false)), w("1", "0")},
		{"tolong", a(col(D, "5", "5.9", `"7"`, "true", "[]")), w("5", "5", "7", "1", "null")},
		{"tolong", a(col(Dc, "-12.9")), w("-12")},
		{"tolong", a(col(TS, "1s")), w("10000000")},
		{"toreal", a(col(S, "", "123.5", "nan", "1e3")), w("null", "123.5", "NaN", "1000")},
		{"todouble", a(col(L, 3), col(L, 0))[:1], w("3")},
		{"tobool", a(col(S, "true", "FALSE", "1", "0", "yes", "")), w("true", "false", "true", "false", "null", "null")},
		{"tobool", a(col(L, 1, 123, 0, nil)), w("true", "true", "false", "null")},
		{"toboolean", a(col(D, "true", `"false"`, "2")), w("true", "false", "true")},
		{"todatetime", a(col(S, "2015-12-31 23:59:59.9", "12-02-2022", "nope", "")), w("2015-12-31T23:59:59.9Z", "2022-12-02T00:00:00Z", "null", "null")},
		{"todatetime", a(col(S, "12/02/2022")), w("2022-12-02T00:00:00Z")},
		{"todatetime", a(col(D, `"2024-01-31T10:00:00Z"`, "5")), w("2024-01-31T10:00:00Z", "null")},
		{"totimespan", a(col(S, "0.00:03:00", "4d", "x")), w("00:03:00", "4.00:00:00", "null")},
		{"totimespan", a(col(TS, "25m")), w("00:25:00")},
		{"toguid", a(col(S, "0123456789abcdef0123456789abcdef", "0123456789ab-cdef-0123-456789abcdef", "a string that is not a guid")),
			w("01234567-89ab-cdef-0123-456789abcdef", "01234567-89ab-cdef-0123-456789abcdef", "null")},
		{"todecimal", a(col(S, "123.45678", "x")), w("123.45678", "null")},
		{"todecimal", a(col(R, 0.1), col(R, 0.0))[:1], w("0.1")},
		{"parse_json", a(col(S, `{"a":123, "b":"{\"c\":456}"}`, "not json", "", "null", "[1,2.0]")),
			w(`{"a":123,"b":"{\"c\":456}"}`, `"not json"`, "null", "null", "[1,2.0]")},
		{"todynamic", a(col(D, "[1]")), w("[1]")},
	})
}

func TestConversionCheck(t *testing.T) {
	runChecks(t, []checkCase{
		{"tostring", tt(D), nil, "string"},
		{"toint", tt(S), nil, "int"},
		{"todouble", tt(L), nil, "real"},
		{"toguid", tt(L), nil, "toguid() expects a string, got long"},
		{"parse_json", tt(L), nil, "parse_json() expects a string, got long"},
		{"toobject", tt(S), nil, "dynamic"},
	})
}
