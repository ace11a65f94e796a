package functions

import (
	"testing"

	"github.com/spoorhq/spoor/types"
)

func TestComparison(t *testing.T) {
	runCases(t, []evalCase{
		// The docs' null table: one null side makes == false and != true, two nulls null.
		{"==", a(col(I, 5, nil, nil), col(I, nil, 5, nil)), w("false", "false", "null")},
		{"!=", a(col(I, 5, nil, nil), col(I, nil, 5, nil)), w("true", "true", "null")},
		{">", a(col(I, 5, nil), col(I, 3, 3)), w("true", "null")},
		{"<=", a(col(L, 1, 2, 3), col(L, 2, 2, 2)), w("true", "true", "false")},
		// long against real compares by value, exactly.
		{"==", a(col(L, 1, 9007199254740993), col(R, 1.0, 9007199254740992.0)), w("true", "false")},
		{"<", a(col(L, 1, 2), col(R, 1.5, 1.5)), w("true", "false")},
		{">=", a(col(R, 2.5, 1.0), col(I, 2, 1)), w("true", "true")},
		{"==", a(col(R, 0.0), col(R, -0.0)), w("true")},
		// NaN equals nothing and orders with nothing.
		{"==", a(col(R, "NaN"), col(R, "NaN")), w("false")},
		{"!=", a(col(R, "NaN"), col(L, 1)), w("true")},
		{"<", a(col(R, "NaN"), col(L, 1)), w("false")},
		{"==", a(col(Dc, "1.50"), col(R, 1.5)), w("true")},
		{"<", a(col(Dc, "0.1"), col(L, 1)), w("true")},
		// strings are ordinal and never null.
		{"==", a(col(S, "abc", "", "ABC"), col(S, "abc", "", "abc")), w("true", "true", "false")},
		{"<", a(col(S, "B", "a"), col(S, "a", "b")), w("true", "true")},
		{">", a(col(DT, "2024-01-02", nil), col(DT, "2024-01-01", "2024-01-01")), w("true", "null")},
		{"<", a(col(TS, "1h"), col(TS, "1d")), w("true")},
		{"==", a(col(B, true, false, nil), col(B, true, true, true)), w("true", "false", "false")},
		{"==", a(col(G, "0123456789abcdef0123456789abcdef"), col(S, "01234567-89AB-CDEF-0123-456789ABCDEF")), w("true")},
		// a dynamic side is read as the other side's type.
		{"==", a(col(D, "5", "5.0", `"5"`, "null", "[5]"), col(L, 5, 5, 5, 5, 5)), w("true", "true", "true", "false", "false")},
		{">", a(col(L, 6, 4), col(D, "5", "5.5")), w("true", "false")},
		{"==", a(col(D, `"abc"`, "12", "null"), col(S, "abc", "12", "")), w("true", "true", "false")},
		{"==", a(col(D, "[1,2]", `{"a":1}`, "1"), col(D, "[1,2]", `{"a":1.0}`, "1.0")), w("true", "true", "true")},
		{"<", a(col(D, "1", `"a"`, "true"), col(D, "2", `"b"`, "1")), w("true", "true", "false")},
		{"==", a(col(D, `"2024-01-01T00:00:00Z"`), col(DT, "2024-01-01")), w("true")},
	})
}

func TestComparisonCheck(t *testing.T) {
	runChecks(t, []checkCase{
		{"==", tt(I, R), nil, "bool"},
		{"==", tt(S, S), nil, "bool"},
		{"<", tt(DT, DT), nil, "bool"},
		{"==", tt(D, S), nil, "bool"},
		{"==", tt(S, L), nil, "cannot compare string with long; convert the string with tolong() or compare with a long value"},
		{"==", tt(DT, S), nil, "cannot compare datetime with string; convert the string with todatetime() or compare with a datetime value"},
		{"==", tt(B, L), nil, "bool"},
		{"<", tt(R, B), nil, "bool"},
		{"<", tt(B, B), nil, "bool"},
		{"==", tt(B, S), nil, "cannot compare bool with string; convert the string with tobool() or compare with a bool value"},
		{">", tt(DT, TS), nil, "cannot compare datetime with timespan"},
		{"<", tt(G, G), nil, "guid values have no order: '<' does not apply"},
		{"==", tt(types.Unknown, L), nil, "unknown"},
		{"==", tt(L), nil, "==() takes 2 arguments, got 1"},
	})
}

func TestLogic(t *testing.T) {
	T, F := true, false
	runCases(t, []evalCase{
		{"and", a(col(B, T, T, F, nil, nil, nil), col(B, T, F, nil, F, T, nil)), w("true", "false", "false", "false", "null", "null")},
		{"or", a(col(B, T, F, F, nil, nil, nil), col(B, nil, F, T, T, F, nil)), w("true", "false", "true", "true", "null", "null")},
		{"not", a(col(B, T, F, nil)), w("false", "true", "null")},
		{"and", a(col(D, "true", `"false"`, "1"), col(B, T, T, T)), w("true", "false", "true")},
	})
	runChecks(t, []checkCase{
		{"and", tt(B, L), nil, "'and' expects bool operands, got bool and long"},
		{"not", tt(S), nil, "not() expects a bool, got string"},
	})
}

func TestBetween(t *testing.T) {
	runCases(t, []evalCase{
		{"between", a(col(L, 49, 50, 55, 56, nil), rep(L, 50, 5), rep(L, 55, 5)), w("false", "true", "true", "false", "null")},
		{"!between", a(col(L, 49, 50, nil), rep(L, 50, 3), rep(L, 55, 3)), w("true", "false", "null")},
		{"between", a(col(R, 1.5, 2.0), rep(L, 1, 2), rep(R, 1.5, 2)), w("true", "false")},
		{"between", a(col(DT, "2024-01-01T12:00", "2024-01-03"), rep(DT, "2024-01-01", 2), rep(TS, "1d", 2)), w("true", "false")},
		{"between", a(col(L, 5, 5), col(L, nil, 6), col(L, 3, nil)), w("false", "false")},
	})
	runChecks(t, []checkCase{
		{"between", tt(DT, DT, TS), nil, "bool"},
		{"between", tt(S, S, S), nil, "between expects a number, datetime or timespan, got string"},
		{"between", tt(L, DT, DT), nil, "between cannot compare long with a range of datetime and datetime"},
	})
}

func TestIn(t *testing.T) {
	runCases(t, []evalCase{
		{"in", a(col(S, "a", "b", "A"), rep(S, "a", 3), rep(S, "c", 3)), w("true", "false", "false")},
		{"in~", a(col(S, "a", "b", "A"), rep(S, "a", 3), rep(S, "c", 3)), w("true", "false", "true")},
		{"!in", a(col(S, "a", "b"), rep(S, "a", 2), rep(S, "c", 2)), w("false", "true")},
		{"!in~", a(col(S, "A", "b"), rep(S, "a", 2)), w("false", "true")},
		// A dynamic array element stands for its items.
		{"in", a(col(S, "x", "y", "z"), rep(D, `["x","y"]`, 3)), w("true", "true", "false")},
		{"in", a(col(L, 1, 2, 3), rep(D, "[1, 2.0]", 3), rep(I, 7, 3)), w("true", "true", "false")},
		{"in", a(col(R, 1.0, 1.5), rep(L, 1, 2)), w("true", "false")},
		// Null value: false, or null when the list holds a null; !in the mirror.
		{"in", a(col(L, nil, nil, 1), col(L, 1, nil, 2), col(L, 2, 2, nil)), w("false", "null", "false")},
		{"!in", a(col(L, nil, nil, 1), col(L, 1, nil, 2), col(L, 2, 2, nil)), w("true", "null", "true")},
		// Elements that vary by row.
		{"in", a(col(L, 1, 2), col(L, 1, 1), col(L, 3, 3)), w("true", "false")},
		{"in", a(col(D, `"abc"`, "5", "null"), rep(S, "abc", 3), rep(L, 5, 3)), w("true", "true", "false")},
		{"in", a(col(DT, "2024-01-01", "2024-01-02"), rep(DT, "2024-01-01", 2)), w("true", "false")},
		{"in", a(col(G, "0123456789abcdef0123456789abcdef"), rep(S, "0123456789ABCDEF0123456789ABCDEF", 1)), w("true")},
	})
	runChecks(t, []checkCase{
		{"in", tt(S, S, D), nil, "bool"},
		{"in", tt(L, S), nil, "'in' cannot compare long with a list element of type string"},
		{"in~", tt(L, S), nil, "'in~' expects a string on its left, got long"},
		{"in", tt(S), nil, "in() takes at least 2 arguments, got 1"},
	})
}
