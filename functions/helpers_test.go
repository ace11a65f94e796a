package functions

import (
	"fmt"
	"strings"
	"testing"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// col builds a vector of type t. A nil cell is a null; a string cell is parsed as
// types.Parse reads text of t (a string column takes it as is, a dynamic column
// reads JSON); Go ints, floats and bools fill the numeric and bool types directly.
func col(t types.Type, cells ...any) *vector.Vector {
	v := vector.New(t, len(cells))
	for _, c := range cells {
		v.Append(cell(t, c))
	}
	return v
}

func cell(t types.Type, c any) types.Value {
	switch x := c.(type) {
	case nil:
		return types.NullOf(t)
	case types.Value:
		return x
	case bool:
		return types.NewBool(x)
	case int:
		return types.Value{Type: t, I: int64(x)}
	case int64:
		return types.Value{Type: t, I: x}
	case float64:
		return types.NewReal(x)
	case string:
		if t == types.String {
			return types.NewString(x)
		}
		if t == types.Dynamic {
			d, err := types.ParseDynamic(x)
			if err != nil {
				panic(fmt.Sprintf("bad JSON cell %q: %v", x, err))
			}
			return types.NewDynamic(d)
		}
		v, err := types.Parse(t, x)
		if err != nil {
			panic(fmt.Sprintf("bad %s cell %q: %v", t, x, err))
		}
		return v
	}
	panic(fmt.Sprintf("unsupported cell %T", c))
}

// rep is a constant argument: n equal rows.
func rep(t types.Type, c any, n int) *vector.Vector {
	cells := make([]any, n)
	for i := range cells {
		cells[i] = c
	}
	return col(t, cells...)
}

// show prints a value for comparison: "null" for a null, Format's text otherwise (a
// string in quotes, so that the empty string is visible).
func show(v types.Value) string {
	switch {
	case v.Null || (v.Type == types.Dynamic && v.D == nil):
		return "null"
	case v.Type == types.String:
		return fmt.Sprintf("%q", v.S)
	}
	return types.Format(v)
}

// call type-checks and evaluates a scalar function over the argument vectors and
// returns the printed rows. It fails the test when the kernel's result type is not
// the one Check gave, or its length is wrong.
func call(t *testing.T, name string, args ...*vector.Vector) []string {
	t.Helper()
	spec, ok := Lookup(name)
	if !ok {
		t.Fatalf("no function %q", name)
	}
	ts := make([]types.Type, len(args))
	n := 0
	for i, a := range args {
		ts[i] = a.Type
		n = a.Len
	}
	// Arguments whose rows are all equal pass as constants, as the planner passes them.
	consts := make([]*types.Value, len(args))
	for i, v := range args {
		if isConst(v, n) && n > 0 {
			x := v.Value(0)
			consts[i] = &x
		}
	}
	rt, err := spec.Check(ts, consts)
	if err != nil {
		t.Fatalf("%s%v: check: %v", name, ts, err)
	}
	if spec.Eval == nil {
		t.Fatalf("%s has no kernel", name)
	}
	out, err := spec.Eval(args, n)
	if err != nil {
		t.Fatalf("%s%v: eval: %v", name, ts, err)
	}
	if out.Type != rt || out.Len != n {
		t.Fatalf("%s%v: kernel gave %d rows of %s, check said %s", name, ts, out.Len, out.Type, rt)
	}
	res := make([]string, n)
	for i := range res {
		res[i] = show(out.Value(i))
	}
	return res
}

// check runs a function's type rule, with optional constants.
func check(name string, ts []types.Type, consts ...*types.Value) (types.Type, error) {
	spec, ok := Lookup(name)
	if !ok {
		return types.Unknown, fmt.Errorf("no function %q", name)
	}
	return spec.Check(ts, consts)
}

// constant returns a pointer to a value, for check's constants.
func constant(t types.Type, c any) *types.Value {
	v := cell(t, c)
	return &v
}

// evalCase is one table row: a function, its arguments and the printed results.
type evalCase struct {
	name string
	args []*vector.Vector
	want []string
}

func runCases(t *testing.T, cases []evalCase) {
	t.Helper()
	for _, c := range cases {
		got := call(t, c.name, c.args...)
		if strings.Join(got, " | ") != strings.Join(c.want, " | ") {
			ts := make([]string, len(c.args))
			for i, a := range c.args {
				ts[i] = a.Type.String()
			}
			t.Errorf("%s(%s):\n got  %s\n want %s", c.name, strings.Join(ts, ", "), strings.Join(got, " | "), strings.Join(c.want, " | "))
		}
	}
}

// checkCase is one type-rule row: want is the result type, or the error text.
type checkCase struct {
	name   string
	args   []types.Type
	consts []*types.Value
	want   string
}

func runChecks(t *testing.T, cases []checkCase) {
	t.Helper()
	for _, c := range cases {
		rt, err := check(c.name, c.args, c.consts...)
		got := rt.String()
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("check %s%v: got %q, want %q", c.name, c.args, got, c.want)
		}
	}
}

// tt abbreviates type lists in tables.
func tt(ts ...types.Type) []types.Type { return ts }

const (
	B  = types.Bool
	I  = types.Int
	L  = types.Long
	R  = types.Real
	Dc = types.Decimal
	S  = types.String
	DT = types.Datetime
	TS = types.Timespan
	G  = types.Guid
	D  = types.Dynamic
)

// a and w abbreviate argument and result lists in tables.
func a(args ...*vector.Vector) []*vector.Vector { return args }
func w(rows ...string) []string                 { return rows }
