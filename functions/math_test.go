package functions

import "testing"

func TestMath(t *testing.T) {
	runCases(t, []evalCase{
		{"abs", a(col(I, -5, nil)), w("5", "null")},
		{"abs", a(col(R, -1.5)), w("1.5")},
		{"abs", a(col(TS, "-01:00:00")), w("01:00:00")},
		{"abs", a(col(Dc, "-2.5")), w("2.5")},
		{"ceiling", a(col(R, -1.1, 0.0, 0.9, nil)), w("-1", "0", "1", "null")},
		{"ceiling", a(col(I, 3)), w("3")},
		{"ceiling", a(col(Dc, "-1.5", "1.2")), w("-1", "2")},
		// The docs' round examples.
		{"round", a(col(R, 2.98765), col(L, 3)), w("2.988")},
		{"round", a(col(R, 2.15), col(L, 1)), w("2.2")},
		{"round", a(col(R, 2.15, 2.5, -2.5, nil)), w("2", "3", "-3", "null")},
		{"round", a(col(R, -50.55), col(L, -2)), w("-100")},
		{"round", a(col(R, 21.5), col(L, -1)), w("20")},
		{"round", a(col(L, 1250, -1250, 1249), col(L, -2, -2, -2)), w("1300", "-1300", "1200")},
		{"round", a(col(Dc, "2.345"), col(L, 2)), w("2.35")},
		{"sqrt", a(col(L, 16, -1, nil)), w("4", "null", "null")},
		{"log", a(col(R, 1.0, -1.0, 0.0)), w("0", "null", "-Infinity")},
		{"log2", a(col(L, 8)), w("3")},
		{"log10", a(col(L, 1000)), w("3")},
		{"exp", a(col(L, 0)), w("1")},
		{"exp2", a(col(L, 3)), w("8")},
		{"exp10", a(col(L, 2)), w("100")},
		{"pow", a(col(L, 2, nil), col(L, 3, 1)), w("8", "null")},
		{"sign", a(col(L, -42, 0), col(L, 0, 0))[:1], w("-1", "0")},
		{"sign", a(col(R, 11.2)), w("1")},
		{"isnan", a(col(R, "NaN", 1.0, nil)), w("true", "false", "false")},
		{"isinf", a(col(R, "-Infinity", "NaN", 1.0)), w("true", "false", "false")},
		{"isfinite", a(col(R, "Infinity", "NaN", 1.0), col(L, 0, 0, 0))[:1], w("false", "false", "true")},
		{"atan2", a(col(R, 1.0), col(R, 1.0)), w("0.7853981633974483")},
		{"degrees", a(col(R, 3.141592653589793)), w("180")},
	})
	runChecks(t, []checkCase{
		{"abs", tt(I), nil, "long"},
		{"abs", tt(S), nil, "abs() expects a number or timespan, got string"},
		{"round", tt(I), nil, "int"},
		{"round", tt(R, R), nil, "round() expects an integer for precision, got real"},
		{"ceiling", tt(TS), nil, "ceiling() expects a number, got timespan"},
		{"sqrt", tt(S), nil, "sqrt() expects a number, got string"},
		{"pow", tt(L, S), nil, "pow() expects a number for exponent, got string"},
	})
}
