package functions

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// foldedByPlanner are the scalar functions with a type rule but no kernel: the
// planner replaces them with constants.
var foldedByPlanner = map[string]bool{"now": true, "ago": true}

func TestCatalogComplete(t *testing.T) {
	for _, name := range Names() {
		s, ok := Lookup(name)
		if !ok {
			t.Errorf("%s: listed but not found", name)
			continue
		}
		if s.Check == nil {
			t.Errorf("%s: no type rule", s.Name)
		}
		if s.Doc == "" {
			t.Errorf("%s: no doc", s.Name)
		}
		switch s.Kind {
		case Scalar:
			if s.Check != nil && s.Eval == nil && !foldedByPlanner[s.Name] {
				t.Errorf("%s: scalar with a type rule but no kernel", s.Name)
			}
			if s.NewAgg != nil {
				t.Errorf("%s: scalar with an aggregate state", s.Name)
			}
		case Aggregate:
			if s.NewAgg == nil {
				t.Errorf("%s: aggregate without NewAgg", s.Name)
			}
			if s.Eval != nil && !scalarToo[s.Name] {
				t.Errorf("%s: aggregate with a scalar kernel", s.Name)
			}
		}
		if s.MaxArgs >= 0 && s.MaxArgs < s.MinArgs {
			t.Errorf("%s: arity %d..%d", s.Name, s.MinArgs, s.MaxArgs)
		}
	}
	for alias, canonical := range aliases {
		if _, ok := registry[canonical]; !ok {
			t.Errorf("alias %s names %s, which is not registered", alias, canonical)
		}
		if _, dup := registry[alias]; dup {
			t.Errorf("alias %s is also a function", alias)
		}
	}
}

// scalarToo lists the aggregates that have a scalar form as well, with a kernel.
var scalarToo = map[string]bool{"hll_merge": true}

// TestPlannerNames pins the names the planner maps KQL syntax to.
func TestPlannerNames(t *testing.T) {
	names := strings.Fields(`== != < <= > >= =~ !~ + - * / % neg and or not
		has !has has_cs !has_cs hasprefix !hasprefix hasprefix_cs !hasprefix_cs hassuffix !hassuffix hassuffix_cs !hassuffix_cs
		contains !contains contains_cs !contains_cs startswith !startswith startswith_cs !startswith_cs
		endswith !endswith endswith_cs !endswith_cs in !in in~ !in~ has_any has_all between !between
		__getprop __index now ago`)
	names = append(names, "matches regex")
	for _, n := range names {
		if _, ok := Lookup(n); !ok {
			t.Errorf("operator %q is not registered", n)
		}
	}
}

// sample holds four rows of each type: a typical value, a null, an edge value and a
// zero-like one.
var sample = map[types.Type][]any{
	types.Bool:     {true, nil, false, true},
	types.Int:      {int64(1), nil, int64(math.MinInt32), int64(0)},
	types.Long:     {int64(42), nil, int64(math.MinInt64), int64(0)},
	types.Real:     {1.5, nil, math.NaN(), math.Inf(-1)},
	types.Decimal:  {"1.5", nil, "-79228162514264337593543950335", "0"},
	types.String:   {"abc Def-1", "", "(", `[1,"x"]`},
	types.Datetime: {"2024-01-31T10:00:00Z", nil, "0001-01-01", "9999-12-31T23:59:59.9999999"},
	types.Timespan: {"1h", nil, "-10675199.02:48:05.4775808", "0s"},
	types.Guid:     {"01234567-89ab-cdef-0123-456789abcdef", nil, "ffffffff-ffff-ffff-ffff-ffffffffffff", "00000000-0000-0000-0000-000000000000"},
	types.Dynamic:  {`{"a":1,"b":[1,2]}`, nil, `[1,"x",null,2.5]`, `"str"`},
}

var allTypes = []types.Type{types.Bool, types.Int, types.Long, types.Real, types.Decimal, types.String,
	types.Datetime, types.Timespan, types.Guid, types.Dynamic}

func sampleVec(t types.Type) *vector.Vector {
	cells := sample[t]
	v := vector.New(t, len(cells))
	for _, c := range cells {
		switch x := c.(type) {
		case int64:
			v.Append(types.Value{Type: t, I: x})
		case float64:
			v.Append(types.NewReal(x))
		default:
			v.Append(cell(t, c))
		}
	}
	return v
}

// typeCombos lists argument type lists of length k: all of them for up to three
// arguments, and for more the three-argument ones extended by repeating.
func typeCombos(k int) [][]types.Type {
	if k == 0 {
		return [][]types.Type{nil}
	}
	base := min(k, 3)
	var out [][]types.Type
	var rec func(prefix []types.Type)
	rec = func(prefix []types.Type) {
		if len(prefix) == base {
			c := append([]types.Type(nil), prefix...)
			for len(c) < k {
				c = append(c, c[len(c)%base])
			}
			out = append(out, c)
			return
		}
		for _, t := range allTypes {
			rec(append(prefix, t))
		}
	}
	rec(nil)
	return out
}

// TestKernelsAcceptWhatCheckAccepts runs every scalar kernel over every argument
// type list its type rule accepts (up to a few arguments), on rows holding nulls and
// edge values: no kernel may panic, and each must give the checked type and length.
// A kernel may return an error (an invalid regex in the data).
func TestKernelsAcceptWhatCheckAccepts(t *testing.T) {
	vecs := map[types.Type]*vector.Vector{}
	for _, ty := range allTypes {
		vecs[ty] = sampleVec(ty)
	}
	for name, s := range registry {
		if s.Kind != Scalar || s.Eval == nil {
			continue
		}
		maxArgs := s.MaxArgs
		if maxArgs < 0 || maxArgs > s.MinArgs+3 {
			maxArgs = s.MinArgs + 3
		}
		accepted := 0
		for k := s.MinArgs; k <= maxArgs; k++ {
			for _, ts := range typeCombos(k) {
				rt, err := s.Check(ts, nil)
				if err != nil {
					continue
				}
				if rt == types.Unknown {
					t.Errorf("%s%v: check gave unknown without an error", name, ts)
					continue
				}
				accepted++
				args := make([]*vector.Vector, len(ts))
				for i, ty := range ts {
					args[i] = vecs[ty]
				}
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Errorf("%s%v: kernel panicked: %v", name, ts, r)
						}
					}()
					out, err := s.Eval(args, 4)
					if err != nil {
						return
					}
					if out.Type != rt || out.Len != 4 {
						t.Errorf("%s%v: kernel gave %d rows of %s, check said %s", name, ts, out.Len, out.Type, rt)
					}
					checkPayload(t, fmt.Sprintf("%s%v", name, ts), out)
				}()
			}
		}
		if accepted == 0 && s.MinArgs > 0 && !needsConstants[name] {
			t.Errorf("%s: no argument types accepted", name)
		}
	}
}

// needsConstants lists the functions whose type rule accepts a call only with
// constant arguments, which the loop above does not pass.
var needsConstants = map[string]bool{"assert": true}

// checkPayload verifies that a result vector's payload slice fits its type.
func checkPayload(t *testing.T, what string, v *vector.Vector) {
	var n int
	switch vector.Storage(v.Type) {
	case vector.StoreInts:
		n = len(v.Ints)
	case vector.StoreReals:
		n = len(v.Reals)
	case vector.StoreStrs:
		n = len(v.Strs)
	case vector.StoreDyn:
		n = len(v.Dyn)
	}
	if n != v.Len {
		t.Errorf("%s: payload has %d rows, vector says %d", what, n, v.Len)
	}
	if v.Type == types.String && v.Nulls != nil {
		for i := 0; i < v.Len; i++ {
			if v.IsNull(i) {
				t.Errorf("%s: null string in row %d", what, i)
			}
		}
	}
}

// TestAggregatesAcceptWhatCheckAccepts does the same for aggregate states.
func TestAggregatesAcceptWhatCheckAccepts(t *testing.T) {
	vecs := map[types.Type]*vector.Vector{}
	for _, ty := range allTypes {
		vecs[ty] = sampleVec(ty)
	}
	for name, s := range registry {
		if s.Kind != Aggregate {
			continue
		}
		for k := s.MinArgs; k <= s.MaxArgs; k++ {
			for _, ts := range typeCombos(k) {
				rt, err := s.Check(ts, nil)
				if err != nil {
					continue
				}
				args := make([]*vector.Vector, len(ts))
				for i, ty := range ts {
					args[i] = vecs[ty]
				}
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Errorf("%s%v: state panicked: %v", name, ts, r)
						}
					}()
					a, b := s.NewAgg(ts), s.NewAgg(ts)
					for i := 0; i < 4; i++ {
						a.Add(args, i)
						b.Add(args, i)
					}
					a.Merge(b)
					if res := a.Result(); res.Type != rt {
						t.Errorf("%s%v: result of type %s, check said %s", name, ts, res.Type, rt)
					}
				}()
			}
		}
	}
}

func TestCheckSkipsUnknown(t *testing.T) {
	for name, s := range registry {
		if s.MinArgs == 0 {
			continue
		}
		ts := make([]types.Type, s.MinArgs)
		rt, err := s.Check(ts, nil) // all Unknown
		if err != nil || rt != types.Unknown {
			t.Errorf("%s: with unbound arguments gave %s, %v; want unknown without an error", name, rt, err)
		}
	}
}
