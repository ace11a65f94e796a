package functions

import "testing"

func TestArithmetic(t *testing.T) {
	runCases(t, []evalCase{
		{"+", a(col(I, 1, nil), col(I, 2, 3)), w("3", "null")},
		{"-", a(col(L, 10), col(R, 0.5)), w("9.5")},
		{"*", a(col(L, 9223372036854775807), col(L, 2)), w("-2")}, // wraps, as long arithmetic does
		{"/", a(col(L, 7, -7, 1, 5), col(L, 2, 2, 0, nil)), w("3", "-3", "null", "null")},
		{"/", a(col(R, 1.0, -1.0, 0.0), col(L, 0, 0, 0)), w("Infinity", "-Infinity", "NaN")},
		{"/", a(col(L, 1), col(R, 2.0)), w("0.5")},
		// The docs' modulo: 0 <= n % d < abs(d).
		{"%", a(col(L, 14, -14, 14, -14, 1), col(L, 12, 12, -12, -12, 0)), w("2", "10", "2", "10", "null")},
		{"%", a(col(R, -14.5), col(R, 12.0)), w("9.5")},
		{"+", a(col(Dc, "0.1"), col(Dc, "0.2")), w("0.3")},
		{"*", a(col(Dc, "1.5"), col(L, 3)), w("4.5")},
		{"/", a(col(Dc, "1"), col(Dc, "3")), w("0.3333333333333333333333333333")},
		{"/", a(col(Dc, "1"), col(Dc, "0")), w("null")},
		// Time.
		{"-", a(col(DT, "2024-01-02", nil), col(DT, "2024-01-01", "2024-01-01")), w("1.00:00:00", "null")},
		{"+", a(col(DT, "2024-01-01"), col(TS, "1h")), w("2024-01-01T01:00:00Z")},
		{"+", a(col(TS, "1h"), col(DT, "2024-01-01")), w("2024-01-01T01:00:00Z")},
		{"-", a(col(DT, "0001-01-01"), col(TS, "1d")), w("null")},
		{"+", a(col(TS, "1d"), col(TS, "2d")), w("3.00:00:00")},
		{"*", a(col(TS, "1h"), col(R, 1.5)), w("01:30:00")},
		{"*", a(col(L, 3), col(TS, "1s")), w("00:00:03")},
		{"/", a(col(TS, "1d"), col(TS, "5h")), w("4.8")},
		{"/", a(col(TS, "1h"), col(L, 4)), w("00:15:00")},
		{"/", a(col(TS, "1h"), col(L, 0)), w("null")},
		{"%", a(col(DT, "2024-01-01T10:30"), col(TS, "1d")), w("10:30:00")},
		// Dynamic operands.
		{"+", a(col(D, "5", "1.5", `"x"`), col(L, 1, 1, 1)), w("6", "2", "null")},
		{"+", a(col(D, "5", "1.5", "[]"), col(D, "1", "1", "1")), w("6", "2.5", "null")},
		{"neg", a(col(I, 5, nil)), w("-5", "null")},
		{"neg", a(col(TS, "1h"), col(TS, "1h"))[:1], w("-01:00:00")},
		{"neg", a(col(Dc, "1.5", "0", "-2")), w("-1.5", "0", "2")},
	})
}

func TestArithmeticCheck(t *testing.T) {
	runChecks(t, []checkCase{
		{"+", tt(I, I), nil, "long"},
		{"+", tt(I, R), nil, "real"},
		{"*", tt(L, Dc), nil, "decimal"},
		{"-", tt(DT, DT), nil, "timespan"},
		{"+", tt(DT, TS), nil, "datetime"},
		{"/", tt(TS, TS), nil, "real"},
		{"/", tt(TS, R), nil, "timespan"},
		{"*", tt(R, TS), nil, "timespan"},
		{"+", tt(D, I), nil, "long"},
		{"+", tt(D, D), nil, "dynamic"},
		{"+", tt(DT, DT), nil, "cannot apply '+' to datetime and datetime"},
		{"+", tt(S, S), nil, "cannot apply '+' to string and string"},
		{"neg", tt(I), nil, "long"},
		{"neg", tt(S), nil, "cannot apply unary '-' to string"},
	})
}
