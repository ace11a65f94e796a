package functions

import "testing"

func TestConditionals(t *testing.T) {
	T, F := true, false
	runCases(t, []evalCase{
		{"iff", a(col(B, T, F, nil), col(S, "a", "a", "a"), col(S, "b", "b", "b")), w(`"a"`, `"b"`, `"b"`)},
		{"iif", a(col(B, T, F), col(I, 1, 1), col(R, 2.5, 2.5)), w("1", "2.5")},
		{"iff", a(col(B, T, F), col(L, nil, 1), col(L, 2, nil)), w("null", "null")},
		{"iff", a(col(B, T, F), col(D, "5", "5"), col(L, 1, 1)), w("5", "1")},
		// case(Size <= 3, "Small", Size <= 10, "Medium", "Large") for sizes 1, 5, 11.
		{"case", a(col(B, T, F, F), col(S, "Small", "Small", "Small"),
			col(B, T, T, F), col(S, "Medium", "Medium", "Medium"), col(S, "Large", "Large", "Large")),
			w(`"Small"`, `"Medium"`, `"Large"`)},
		{"case", a(col(B, nil, F), col(L, 1, 1), col(L, 2, 2)), w("2", "2")},
		{"coalesce", a(col(L, nil, nil, 1), col(L, 42, nil, 2), col(L, 33, nil, 3)), w("42", "null", "1")},
		{"coalesce", a(col(S, "", "", "a"), col(S, "", "b", "c")), w(`""`, `"b"`, `"a"`)},
		{"coalesce", a(col(I, nil), col(R, 1.5)), w("1.5")},
		{"isnull", a(col(L, 1, nil)), w("false", "true")},
		{"isnull", a(col(S, "", "x")), w("false", "false")},
		{"isnull", a(col(D, "null", "[]", "{}", `""`)), w("true", "false", "false", "false")},
		{"isnotnull", a(col(R, 1.0, nil)), w("true", "false")},
		{"notnull", a(col(DT, nil)), w("false")},
		{"isempty", a(col(S, "", "x")), w("true", "false")},
		{"isempty", a(col(D, "null", "[]", "{}", `""`)), w("true", "false", "false", "true")},
		{"isempty", a(col(L, nil, 0)), w("true", "false")},
		{"isnotempty", a(col(S, "", "x")), w("false", "true")},
		{"notempty", a(col(L, nil)), w("false")},
		// The docs' max_of table: non-null values take precedence.
		{"max_of", a(col(I, 1, 8, nil, 1, nil), col(I, 6, 1, 2, nil, nil)), w("6", "8", "2", "1", "null")},
		{"max_of", a(col(L, 10), col(L, 1), col(L, -3), col(L, 17)), w("17")},
		{"min_of", a(col(L, 10), col(R, 1.5), col(I, -3)), w("-3")},
		{"max_of", a(col(DT, "2024-12-15 07:15:22"), col(DT, "2024-12-15 07:15:24")), w("2024-12-15T07:15:24Z")},
		{"min_of", a(col(S, "b", ""), col(S, "a", "a")), w(`"a"`, `""`)},
	})
}

func TestConditionalCheck(t *testing.T) {
	runChecks(t, []checkCase{
		{"iff", tt(B, L, I), nil, "long"},
		{"iff", tt(B, D, S), nil, "string"},
		{"iff", tt(B, D, D), nil, "dynamic"},
		{"iff", tt(L, S, S), nil, "iff() expects a bool predicate for if, got long"},
		{"iff", tt(B, S, L), nil, "iff() expects then and else of one type, got string and long"},
		{"case", tt(B, S, B, S), nil, "case() takes pairs of a predicate and a value, then an else value; got 4 arguments"},
		{"case", tt(B, S, S, S, S), nil, "case() expects a bool predicate as argument 3, got string"},
		{"case", tt(B, L, R), nil, "real"},
		{"coalesce", tt(S, L), nil, "coalesce() expects arguments of one type, got string and long"},
		{"max_of", tt(G, G), nil, "max_of() expects numbers, strings, datetimes, timespans or bools, got guid"},
		{"max_of", tt(I, L), nil, "long"},
	})
}
