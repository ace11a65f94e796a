package functions

import (
	"fmt"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Conditional functions and null tests. The branches of iff and case, and the
// arguments of coalesce, max_of and min_of, share one result type (see commonType):
// mixed numbers widen, and a dynamic argument is converted to the others' type.
// A null condition counts as false.

func init() {
	scalar("iff", 3, 3, "The second argument when the first is true, else the third", iffCheck, iffEval)
	Alias("iif", "iff")
	scalar("case", 3, -1, "case(predicate1, then1, [predicate2, then2, ...] else): the value after the first true predicate, else the last", caseCheck, caseEval)
	scalar("coalesce", 2, 64, "The first argument that is not null (for strings, not empty)", commonCheck("", false), coalesceEval)
	scalar("isnull", 1, 1, "Whether a value is null; a string is never null", sig(types.Bool, anyScalar), nullTestEval(false, false))
	scalar("isnotnull", 1, 1, "Whether a value is not null", sig(types.Bool, anyScalar), nullTestEval(true, false))
	Alias("notnull", "isnotnull")
	scalar("isempty", 1, 1, "Whether a value is null or an empty string", sig(types.Bool, anyScalar), nullTestEval(false, true))
	scalar("isnotempty", 1, 1, "Whether a value is neither null nor an empty string", sig(types.Bool, anyScalar), nullTestEval(true, true))
	Alias("notempty", "isnotempty")
	scalar("max_of", 2, 64, "The largest argument, ignoring nulls", commonCheck("max_of", true), extremeEval(1))
	scalar("min_of", 2, 64, "The smallest argument, ignoring nulls", commonCheck("min_of", true), extremeEval(-1))
}

func iffCheck(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
	if !predArg.ok(args[0]) {
		return types.Unknown, argErr(name, predArg.as("if"), args[0])
	}
	t, ok := commonType(args[1:])
	if !ok {
		return types.Unknown, fmt.Errorf("%s() expects then and else of one type, got %s", name, joinTypes(args[1:]))
	}
	return t, nil
}

func iffEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	cond := args[0]
	t, _ := commonType([]types.Type{args[1].Type, args[2].Type})
	a, b := castVec(args[1], t, n), castVec(args[2], t, n)
	out := newVec(t, n)
	for i := 0; i < n; i++ {
		src := b
		if tri(cond, i) == 1 {
			src = a
		}
		copyRow(out, i, src, i)
	}
	return out, nil
}

// copyRow copies row j of src (of out's type) into row i of out.
func copyRow(out *vector.Vector, i int, src *vector.Vector, j int) {
	if nullAt(src, j) && out.Type != types.String {
		out.SetNull(i)
		return
	}
	switch vector.Storage(out.Type) {
	case vector.StoreInts:
		out.Ints[i] = src.Ints[j]
	case vector.StoreReals:
		out.Reals[i] = src.Reals[j]
	case vector.StoreStrs:
		out.Strs[i] = src.Strs[j]
	case vector.StoreDyn:
		out.Dyn[i] = src.Dyn[j]
	}
}

func caseCheck(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
	if len(args)%2 == 0 {
		return types.Unknown, fmt.Errorf("%s() takes pairs of a predicate and a value, then an else value; got %d arguments", name, len(args))
	}
	var values []types.Type
	for k := 0; k < len(args)-1; k += 2 {
		if !predArg.ok(args[k]) {
			return types.Unknown, fmt.Errorf("%s() expects a bool predicate as argument %d, got %s", name, k+1, args[k])
		}
		values = append(values, args[k+1])
	}
	values = append(values, args[len(args)-1])
	t, ok := commonType(values)
	if !ok {
		return types.Unknown, fmt.Errorf("%s() expects values of one type, got %s", name, joinTypes(values))
	}
	return t, nil
}

func caseEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	var ts []types.Type
	for k := 1; k < len(args); k += 2 {
		ts = append(ts, args[k].Type)
	}
	ts = append(ts, args[len(args)-1].Type)
	t, _ := commonType(ts)
	vals := make([]*vector.Vector, 0, len(ts))
	for k := 1; k < len(args); k += 2 {
		vals = append(vals, castVec(args[k], t, n))
	}
	vals = append(vals, castVec(args[len(args)-1], t, n))
	out := newVec(t, n)
	for i := 0; i < n; i++ {
		src := vals[len(vals)-1]
		for k := 0; k+1 < len(args); k += 2 {
			if tri(args[k], i) == 1 {
				src = vals[k/2]
				break
			}
		}
		copyRow(out, i, src, i)
	}
	return out, nil
}

// commonCheck is the rule of coalesce, max_of and min_of: arguments of one type.
func commonCheck(_ string, orderable bool) checkFn {
	return func(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
		t, ok := commonType(args)
		if !ok {
			return types.Unknown, fmt.Errorf("%s() expects arguments of one type, got %s", name, joinTypes(args))
		}
		if orderable && (t == types.Guid || t == types.Dynamic) {
			return types.Unknown, fmt.Errorf("%s() expects numbers, strings, datetimes, timespans or bools, got %s", name, t)
		}
		return t, nil
	}
}

func coalesceEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	ts := make([]types.Type, len(args))
	for k, a := range args {
		ts[k] = a.Type
	}
	t, _ := commonType(ts)
	vals := make([]*vector.Vector, len(args))
	for k, a := range args {
		vals[k] = castVec(a, t, n)
	}
	out := newVec(t, n)
	for i := 0; i < n; i++ {
		src := vals[len(vals)-1]
		for _, v := range vals {
			if !nullAt(v, i) && !(t == types.String && v.Strs[i] == "") {
				src = v
				break
			}
		}
		copyRow(out, i, src, i)
	}
	return out, nil
}

// nullTestEval builds isnull (and with negate isnotnull); empty also counts the empty
// string (and a dynamic empty string) as empty, for isempty and isnotempty.
func nullTestEval(negate, empty bool) evalFn {
	return func(args []*vector.Vector, n int) (*vector.Vector, error) {
		a := args[0]
		out := newVec(types.Bool, n)
		for i := 0; i < n; i++ {
			res := nullAt(a, i)
			if empty && !res {
				switch a.Type {
				case types.String:
					res = a.Strs[i] == ""
				case types.Dynamic:
					res = a.Dyn[i] == ""
				}
			}
			setBool(out, i, res != negate)
		}
		return out, nil
	}
}

// extremeEval builds max_of (sign 1) and min_of (sign -1).
func extremeEval(sign int8) evalFn {
	return func(args []*vector.Vector, n int) (*vector.Vector, error) {
		ts := make([]types.Type, len(args))
		for k, a := range args {
			ts[k] = a.Type
		}
		t, _ := commonType(ts)
		vals := make([]*vector.Vector, len(args))
		for k, a := range args {
			vals[k] = castVec(a, t, n)
		}
		out := newVec(t, n)
		for i := 0; i < n; i++ {
			best := -1
			for k, v := range vals {
				if nullAt(v, i) {
					continue
				}
				if best < 0 {
					best = k
					continue
				}
				if cmpSame(v, vals[best], i) == sign {
					best = k
				}
			}
			if best < 0 {
				out.SetNull(i)
				continue
			}
			copyRow(out, i, vals[best], i)
		}
		return out, nil
	}
}

// cmpSame compares row i of two non-null rows of vectors of one orderable type.
func cmpSame(a, b *vector.Vector, i int) int8 {
	switch a.Type {
	case types.Real:
		return cmpReals(a.Reals[i], b.Reals[i])
	case types.Decimal:
		x, _ := ratAt(a, i)
		y, _ := ratAt(b, i)
		return int8(x.Cmp(y))
	case types.String:
		return cmp3(a.Strs[i], b.Strs[i])
	}
	return cmp3(a.Ints[i], b.Ints[i])
}
