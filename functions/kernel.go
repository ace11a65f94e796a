package functions

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// This file holds what every family file shares: registration helpers that wrap a
// type rule with the arity check and the error wording, parameter kinds for the
// common signatures, and the shape helpers that turn a per-row Go function into a
// batch kernel.

// checkFn is a type rule that knows the function's name, for its messages.
type checkFn func(name string, args []types.Type, consts []*types.Value) (types.Type, error)

// evalFn is a batch kernel, Spec.Eval's type.
type evalFn = func(args []*vector.Vector, n int) (*vector.Vector, error)

// scalar registers a scalar function or operator. Its Check first checks the arity
// and gives Unknown without an error when an argument already failed to bind, so
// that one mistake is reported once.
func scalar(name string, minArgs, maxArgs int, doc string, check checkFn, eval evalFn) *Spec {
	s := &Spec{Name: name, Kind: Scalar, MinArgs: minArgs, MaxArgs: maxArgs, Doc: doc, Eval: eval}
	s.Check = wrapCheck(s, check)
	Register(s)
	return s
}

// aggregate registers an aggregate function.
func aggregate(name string, minArgs, maxArgs int, doc string, check checkFn, newAgg func([]types.Type) AggState) *Spec {
	s := &Spec{Name: name, Kind: Aggregate, MinArgs: minArgs, MaxArgs: maxArgs, Doc: doc, NewAgg: newAgg}
	s.Check = wrapCheck(s, check)
	Register(s)
	return s
}

func wrapCheck(s *Spec, check checkFn) func([]types.Type, []*types.Value) (types.Type, error) {
	return func(args []types.Type, consts []*types.Value) (types.Type, error) {
		if err := s.CheckArity(len(args)); err != nil {
			return types.Unknown, err
		}
		for _, t := range args {
			if t == types.Unknown {
				return types.Unknown, nil
			}
		}
		if len(consts) < len(args) {
			c := make([]*types.Value, len(args))
			copy(c, consts)
			consts = c
		}
		return check(s.Name, args, consts)
	}
}

// param is one parameter of a fixed signature: what it accepts and how a message
// names it.
type param struct {
	role string // "start"; empty for a function's only parameter
	desc string // "an integer"
	ok   func(types.Type) bool
}

// The parameter kinds of the common signatures. Every kind that takes text also
// takes dynamic, whose value is read as tostring() reads it, as Kusto does.
var (
	anyScalar = param{desc: "a scalar", ok: func(t types.Type) bool { return t != types.Unknown }}
	textArg   = param{desc: "a string", ok: isTextual}
	numArg    = param{desc: "a number", ok: isNumber}
	intArg    = param{desc: "an integer", ok: isInteger}
	boolArg   = param{desc: "a bool", ok: func(t types.Type) bool { return t == types.Bool || t == types.Dynamic }}
	dateArg   = param{desc: "a datetime", ok: is(types.Datetime)}
	spanArg   = param{desc: "a timespan", ok: is(types.Timespan)}
	dynArg    = param{desc: "a dynamic value", ok: is(types.Dynamic)}
	predArg   = param{desc: "a bool predicate", ok: func(t types.Type) bool { return t == types.Bool || t == types.Dynamic }}
)

// as gives a parameter kind a role name for messages.
func (p param) as(role string) param { p.role = role; return p }

func is(want types.Type) func(types.Type) bool { return func(t types.Type) bool { return t == want } }

// isNumber reports whether t is int, long, real or decimal.
func isNumber(t types.Type) bool { return t.Numeric() }

// isInteger reports whether t is int or long.
func isInteger(t types.Type) bool { return t == types.Int || t == types.Long }

// isTextual reports whether t is read as text by string functions: string or dynamic.
func isTextual(t types.Type) bool { return t == types.String || t == types.Dynamic }

// sig is the type rule of a fixed signature: argument i must fit params[i], the last
// parameter repeating for variadic functions, and the result is ret.
func sig(ret types.Type, params ...param) checkFn {
	return func(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
		if err := checkParams(name, args, params); err != nil {
			return types.Unknown, err
		}
		return ret, nil
	}
}

// checkParams checks args against params (the last one repeating).
func checkParams(name string, args []types.Type, params []param) error {
	for i, t := range args {
		p := params[min(i, len(params)-1)]
		if !p.ok(t) {
			return argErr(name, p, t)
		}
	}
	return nil
}

// argErr is the message for an argument of the wrong type:
// "tolower() expects a string, got long" or "substring() expects an integer for start, got string".
func argErr(name string, p param, got types.Type) error {
	if p.role == "" {
		return fmt.Errorf("%s() expects %s, got %s", name, p.desc, got)
	}
	return fmt.Errorf("%s() expects %s for %s, got %s", name, p.desc, p.role, got)
}

// constString returns the value of constant argument i when it is a string constant.
func constString(consts []*types.Value, i int) (string, bool) {
	if i >= len(consts) || consts[i] == nil || consts[i].Null {
		return "", false
	}
	switch consts[i].Type {
	case types.String:
		return consts[i].S, true
	case types.Dynamic:
		if s, ok := consts[i].D.(string); ok {
			return s, true
		}
	}
	return "", false
}

// constInt returns the value of constant argument i when it is an integer constant.
func constInt(consts []*types.Value, i int) (int64, bool) {
	if i >= len(consts) || consts[i] == nil || consts[i].Null {
		return 0, false
	}
	switch consts[i].Type {
	case types.Int, types.Long:
		return consts[i].I, true
	}
	return 0, false
}

// newVec returns a vector of n rows of type t, every payload slot allocated.
func newVec(t types.Type, n int) *vector.Vector {
	v := &vector.Vector{Type: t, Len: n}
	switch vector.Storage(t) {
	case vector.StoreInts:
		v.Ints = make([]int64, n)
	case vector.StoreReals:
		v.Reals = make([]float64, n)
	case vector.StoreStrs:
		v.Strs = make([]string, n)
	case vector.StoreDyn:
		v.Dyn = make([]any, n)
	}
	return v
}

// nullAt reports whether row i of v is null. A dynamic row holding JSON null is
// null too; a string is never null.
func nullAt(v *vector.Vector, i int) bool {
	if v.IsNull(i) {
		return true
	}
	return v.Type == types.Dynamic && v.Dyn[i] == nil
}

// anyNull reports whether row i is null in any of args.
func anyNull(args []*vector.Vector, i int) bool {
	for _, a := range args {
		if nullAt(a, i) {
			return true
		}
	}
	return false
}

// setBool stores a bool result.
func setBool(out *vector.Vector, i int, b bool) {
	if b {
		out.Ints[i] = 1
	} else {
		out.Ints[i] = 0
	}
}

// setDyn stores a dynamic result; nil becomes a null row.
func setDyn(out *vector.Vector, i int, d any) {
	out.Dyn[i] = d
	if d == nil {
		out.SetNull(i)
	}
}

// texts returns the rows of v as text, as tostring() gives them: the payload
// itself for a string vector (no copy), converted otherwise. Kernels only read it.
func texts(v *vector.Vector, n int) []string {
	if v.Type == types.String && v.Nulls == nil {
		return v.Strs[:n]
	}
	out := make([]string, n)
	for i := range out {
		out[i] = textAt(v, i)
	}
	return out
}

// isConst reports whether the n rows of v are all equal, as the executor passes a
// constant argument. Kernels use it to hoist per-value work (a set, a compiled
// pattern) out of the row loop. Equal strings usually share memory, which makes
// the comparison cheap.
func isConst(v *vector.Vector, n int) bool {
	if n == 0 || v.Constant {
		return true
	}
	null0 := nullAt(v, 0)
	for i := 1; i < n; i++ {
		if nullAt(v, i) != null0 {
			return false
		}
	}
	if null0 {
		return true
	}
	switch vector.Storage(v.Type) {
	case vector.StoreInts:
		x := v.Ints[0]
		for _, y := range v.Ints[1:n] {
			if y != x {
				return false
			}
		}
	case vector.StoreReals:
		x := v.Reals[0]
		for _, y := range v.Reals[1:n] {
			if y != x && !(x != x && y != y) {
				return false
			}
		}
	case vector.StoreStrs:
		x := v.Strs[0]
		for _, y := range v.Strs[1:n] {
			if y != x {
				return false
			}
		}
	case vector.StoreDyn:
		x := v.Dyn[0]
		for _, y := range v.Dyn[1:n] {
			if !sameDynamic(x, y) && !types.EqualDynamic(x, y) {
				return false
			}
		}
	}
	return true
}

// sameDynamic reports whether two payloads are the same array or bag in memory, the
// cheap case of a constant repeated over a batch.
func sameDynamic(x, y any) bool {
	switch a := x.(type) {
	case []any:
		b, ok := y.([]any)
		return ok && len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
	case map[string]any:
		b, ok := y.(map[string]any)
		return ok && reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
	}
	return false
}

// Shape helpers: a kernel from a per-row function. Each reads its arguments the way
// the family needs (text, number, ticks) and handles nulls the common way: a null
// argument gives a null result (for a string result, the empty string).

// strToStr builds a kernel for a function of one text argument giving text.
func strToStr(f func(string) string) evalFn {
	return func(args []*vector.Vector, n int) (*vector.Vector, error) {
		in := texts(args[0], n)
		out := newVec(types.String, n)
		for i, s := range in {
			out.Strs[i] = f(s)
		}
		return out, nil
	}
}

// strToLong builds a kernel for a function of one text argument giving a long.
func strToLong(f func(string) int64) evalFn {
	return func(args []*vector.Vector, n int) (*vector.Vector, error) {
		in := texts(args[0], n)
		out := newVec(types.Long, n)
		for i, s := range in {
			out.Ints[i] = f(s)
		}
		return out, nil
	}
}

// strStrToBool builds a kernel for a predicate over two texts, such as contains.
// prep turns the right-hand side into a matcher once per distinct value, so that a
// constant needle is prepared once per batch.
func strStrToBool[M any](prep func(needle string) M, match func(m M, text string) bool) evalFn {
	return func(args []*vector.Vector, n int) (*vector.Vector, error) {
		left, right := texts(args[0], n), texts(args[1], n)
		out := newVec(types.Bool, n)
		var m M
		last, have := "", false
		for i, s := range left {
			if r := right[i]; !have || r != last {
				m, last, have = prep(r), r, true
			}
			if match(m, s) {
				out.Ints[i] = 1
			}
		}
		return out, nil
	}
}

// realToReal builds a kernel for a function of one number giving a real; ok false
// gives null.
func realToReal(f func(float64) (float64, bool)) evalFn {
	return func(args []*vector.Vector, n int) (*vector.Vector, error) {
		a := args[0]
		out := newVec(types.Real, n)
		for i := 0; i < n; i++ {
			x, ok := realAt(a, i)
			if ok {
				out.Reals[i], ok = f(x)
			}
			if !ok {
				out.SetNull(i)
			}
		}
		return out, nil
	}
}

// realToBool builds a kernel for a predicate over one number; null gives false.
func realToBool(f func(float64) bool) evalFn {
	return func(args []*vector.Vector, n int) (*vector.Vector, error) {
		a := args[0]
		out := newVec(types.Bool, n)
		for i := 0; i < n; i++ {
			if x, ok := realAt(a, i); ok && f(x) {
				out.Ints[i] = 1
			}
		}
		return out, nil
	}
}

// ticksTo builds a kernel for a function of one datetime (or timespan) giving a value
// of type t stored in Ints; ok false gives null.
func ticksTo(t types.Type, f func(ticks int64) (int64, bool)) evalFn {
	return func(args []*vector.Vector, n int) (*vector.Vector, error) {
		a := args[0]
		out := newVec(t, n)
		for i := 0; i < n; i++ {
			ok := !nullAt(a, i)
			if ok {
				out.Ints[i], ok = f(a.Ints[i])
			}
			if !ok {
				out.SetNull(i)
			}
		}
		return out, nil
	}
}

// rowsTo builds a kernel from a function of a whole row, for the many functions
// whose arguments are read in different ways. f returns the result value; a null
// Value (or an empty string) is stored as such.
func rowsTo(t types.Type, f func(args []*vector.Vector, i int) types.Value) evalFn {
	return func(args []*vector.Vector, n int) (*vector.Vector, error) {
		out := newVec(t, n)
		for i := 0; i < n; i++ {
			store(out, i, f(args, i))
		}
		return out, nil
	}
}

// store puts x into row i of out, which is of x's type (or x is a null).
func store(out *vector.Vector, i int, x types.Value) {
	if x.Null && out.Type != types.String {
		out.SetNull(i)
		return
	}
	switch vector.Storage(out.Type) {
	case vector.StoreInts:
		out.Ints[i] = x.I
	case vector.StoreReals:
		out.Reals[i] = x.F
	case vector.StoreStrs:
		out.Strs[i] = x.S
	case vector.StoreDyn:
		setDyn(out, i, x.D)
	}
}

// lowerASCII reports whether s is all ASCII and returns it in lower case.
func lowerASCII(s string) (string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return s, false
		}
	}
	return strings.ToLower(s), true
}

// joinTypes lists types for messages: "string and long".
func joinTypes(ts []types.Type) string {
	var b strings.Builder
	for i, t := range ts {
		switch {
		case i == 0:
		case i == len(ts)-1:
			b.WriteString(" and ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(t.String())
	}
	return b.String()
}
