package functions

import (
	"testing"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// aggregateOf folds every row of args into one state, and also the first rows into
// one state and the rest into another merged into it, failing the test when the two
// results differ or the result's type is not the one Check gave. It returns the
// printed result.
func aggregateOf(t *testing.T, name string, args ...*vector.Vector) string {
	t.Helper()
	spec, ok := Lookup(name)
	if !ok || spec.Kind != Aggregate {
		t.Fatalf("no aggregate %q", name)
	}
	ts := make([]types.Type, len(args))
	consts := make([]*types.Value, len(args))
	n := 0
	for i, a := range args {
		ts[i] = a.Type
		n = a.Len
		if a.Len > 1 && isConst(a, a.Len) { // rep(): a constant argument, as the planner passes it
			v := a.Value(0)
			consts[i] = &v
		}
	}
	rt, err := spec.Check(ts, consts)
	if err != nil {
		t.Fatalf("%s%v: check: %v", name, ts, err)
	}
	whole := spec.NewAgg(ts)
	for i := 0; i < n; i++ {
		whole.Add(args, i)
	}
	first, second := spec.NewAgg(ts), spec.NewAgg(ts)
	for i := 0; i < n; i++ {
		if i < n/2 {
			first.Add(args, i)
		} else {
			second.Add(args, i)
		}
	}
	first.Merge(second)
	got, merged := whole.Result(), first.Result()
	if got.Type != rt && !(got.Null && rt != types.Unknown) {
		t.Errorf("%s%v: result of type %s, check said %s", name, ts, got.Type, rt)
	}
	if show(got) != show(merged) {
		t.Errorf("%s%v: merged partitions give %s, one pass %s", name, ts, show(merged), show(got))
	}
	return show(got)
}

func TestAggregates(t *testing.T) {
	T, F := true, false
	cases := []struct {
		name string
		args []*vector.Vector
		want string
	}{
		{"count", nil, "0"},
		// The docs' summarize page: count(y) counts null rows too.
		{"count", a(col(R, nil, 5.0)), "2"},
		{"count", a(col(S, "", "a")), "2"},
		{"count", a(col(B, T, F, nil, T)), "4"},
		{"countif", a(col(B, T, F, nil, T)), "2"},
		{"sum", a(col(I, 1, 2, nil, 4)), "7"},
		{"sum", a(col(L)), "0"},
		{"sum", a(col(R, 0.5, 0.25)), "0.75"},
		{"sum", a(col(TS, "1h", "30m", nil)), "01:30:00"},
		{"sum", a(col(Dc, "0.1", "0.2")), "0.3"},
		{"sumif", a(col(L, 1, 2, 3), col(B, T, nil, T)), "4"},
		{"avg", a(col(L, 1, 2, nil, 4)), "2.3333333333333335"},
		{"avg", a(col(L)), "NaN"},
		{"avg", a(col(TS, "1h", "2h")), "01:30:00"},
		{"avg", a(col(DT, "2024-01-01", "2024-01-03")), "2024-01-02T00:00:00Z"},
		{"avg", a(col(DT)), "null"},
		{"avgif", a(col(R, 1.0, 100.0, 3.0), col(B, T, F, T)), "2"},
		{"min", a(col(L, 5, nil, -3, 8)), "-3"},
		{"max", a(col(L, 5, nil, -3, 8)), "8"},
		{"max", a(col(L, nil, nil)), "null"},
		{"min", a(col(S, "b", "a", "c")), `"a"`},
		{"max", a(col(DT, "2024-01-01", "2024-06-01", nil)), "2024-06-01T00:00:00Z"},
		{"max", a(col(R, "NaN", 1.0, 2.0)), "2"},
		{"min", a(col(I, 3, 2)), "2"},
		{"minif", a(col(L, 5, -3, 8), col(B, T, F, T)), "5"},
		{"maxif", a(col(L, 5, -3, 8), col(B, T, T, F)), "5"},
		{"dcount", a(col(S, "a", "b", "a", "")), "3"},
		{"dcount", a(col(L, 1, 1, nil, 2), col(L, 1, 1, 1, 1)), "2"},
		{"dcount", a(col(D, "1", "1.0", `"1"`, "null")), "2"},
		{"dcountif", a(col(S, "a", "b", "a"), col(B, T, F, T)), "1"},
		{"make_set", a(col(L, 1, 5, 7, 5, nil)), "[1,5,7]"},
		{"make_set", a(col(R, nil, 5.0)), "[5.0]"},
		{"make_set", a(col(D, `["A1","A2","A3"]`, `["A2","C1"]`, `["C2","A3"]`, `["C2","A1"]`)), `["A1","A2","A3","C1","C2"]`},
		{"make_set", a(col(L, 1, 2, 3, 4), rep(L, 2, 4)), "[1,2]"},
		{"make_set_if", a(col(L, 1, 2, 3), col(B, T, F, T)), "[1,3]"},
		{"make_list", a(col(S, "triangle", "square", "rectangle")), `["triangle","square","rectangle"]`},
		{"make_list", a(col(D, "[1,2]", "null", "[3]", `{"a":1}`)), `[1,2,3,{"a":1}]`},
		{"make_list", a(col(L, 1, 2, 3), rep(L, 2, 3)), "[1,2]"},
		{"make_list_if", a(col(L, 1, 2, 3), col(B, F, T, T), rep(L, 1, 3)), "[2]"},
		{"make_bag", a(col(D, `{"a":1}`, `[1]`, `{"b":2}`, "null")), `{"a":1,"b":2}`},
		{"make_bag_if", a(col(D, `{"a":1}`, `{"b":2}`), col(B, F, T)), `{"b":2}`},
		{"take_any", a(col(L, nil, 7, 8)), "7"},
		{"any", a(col(L, nil)), "null"},
	}
	for _, c := range cases {
		if got := aggregateOf(t, c.name, c.args...); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
}

func TestAggregateCheck(t *testing.T) {
	runChecks(t, []checkCase{
		{"count", tt(), nil, "long"},
		{"sum", tt(I), nil, "long"},
		{"sum", tt(R), nil, "real"},
		{"sum", tt(TS), nil, "timespan"},
		{"sum", tt(S), nil, "sum() expects a number or timespan, got string"},
		{"sumif", tt(L, L), nil, "sumif() expects a bool predicate for predicate, got long"},
		{"avg", tt(I), nil, "real"},
		{"avg", tt(DT), nil, "datetime"},
		{"avg", tt(S), nil, "avg() expects a number, timespan or datetime, got string"},
		{"min", tt(S), nil, "string"},
		{"max", tt(D), nil, "max() expects a number, datetime, timespan, string or bool, got dynamic"},
		{"dcount", tt(S, L), nil, "long"},
		{"dcount", tt(S, S), nil, "dcount() expects an integer for accuracy, got string"},
		{"make_set", tt(S, S), nil, "make_set() expects an integer for maxSize, got string"},
		{"make_list_if", tt(S, S), nil, "make_list_if() expects a bool predicate for predicate, got string"},
		{"make_bag", tt(S), nil, "make_bag() expects a dynamic value for expr, got string"},
		{"take_any", tt(G), nil, "guid"},
		{"countif", tt(), nil, "countif() takes 1 argument, got 0"},
	})
}
