package functions

import (
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Arithmetic operators: + - * / % and unary neg.
//
// Type rules, as Kusto's docs and language service give them: two integers (int or
// long) give a long, a real operand makes the result real, a decimal operand makes it
// decimal. Integer division truncates toward zero, and division or modulo by an
// integer zero is null; a real division by zero follows IEEE (Infinity, NaN). The
// modulo is never negative: 0 <= n % d < abs(d). Integer overflow wraps. On time:
// datetime - datetime and timespan ± timespan give a timespan, datetime ± timespan a
// datetime (null outside 0001..9999), timespan * number a timespan, timespan /
// timespan a real, timespan / number a timespan, timespan % timespan and datetime %
// timespan a timespan. A dynamic operand is read as the other operand's number type
// (two dynamic operands give a dynamic number). A null operand gives null.

func init() {
	for _, op := range []string{"+", "-", "*", "/", "%"} {
		op := op
		scalar(op, 2, 2, "Arithmetic operator "+op, arithCheck(op), arithEval(op))
	}
	scalar("neg", 1, 1, "Unary minus of a number or timespan", negCheck, negEval)
}

// arithType is the result type of l op r, or Unknown when the operator does not apply.
func arithType(op string, l, r types.Type) types.Type {
	if l == types.Dynamic || r == types.Dynamic {
		switch {
		case l == types.Dynamic && r == types.Dynamic:
			return types.Dynamic
		case l == types.Dynamic && r.Numeric():
			return arithType(op, r, r)
		case r == types.Dynamic && l.Numeric():
			return arithType(op, l, l)
		}
		return types.Unknown
	}
	if l.Numeric() && r.Numeric() {
		switch {
		case l == types.Decimal || r == types.Decimal:
			return types.Decimal
		case l == types.Real || r == types.Real:
			return types.Real
		}
		return types.Long
	}
	D, T := types.Datetime, types.Timespan
	switch op {
	case "+":
		switch {
		case l == T && r == T:
			return T
		case l == D && r == T, l == T && r == D:
			return D
		}
	case "-":
		switch {
		case l == T && r == T, l == D && r == D:
			return T
		case l == D && r == T:
			return D
		}
	case "*":
		if l == T && r.Numeric() || l.Numeric() && r == T {
			return T
		}
	case "/":
		switch {
		case l == T && r == T:
			return types.Real
		case l == T && r.Numeric():
			return T
		}
	case "%":
		if l == T && r == T || l == D && r == T || l == T && isInteger(r) {
			return T
		}
	}
	return types.Unknown
}

func arithCheck(op string) checkFn {
	return func(_ string, args []types.Type, _ []*types.Value) (types.Type, error) {
		t := arithType(op, args[0], args[1])
		if t == types.Unknown {
			return t, fmt.Errorf("cannot apply '%s' to %s and %s", op, args[0], args[1])
		}
		return t, nil
	}
}

// coerceNum converts a dynamic operand to the number type t (long, real or decimal).
func coerceNum(v *vector.Vector, t types.Type, n int) *vector.Vector {
	out := newVec(t, n)
	for i := 0; i < n; i++ {
		var ok bool
		switch t {
		case types.Long:
			out.Ints[i], ok = longAt(v, i)
		case types.Real:
			out.Reals[i], ok = realAt(v, i)
		default:
			out.Strs[i], ok = decimalAt(v, i)
		}
		if !ok {
			out.SetNull(i)
		}
	}
	return out
}

func arithEval(op string) evalFn {
	return func(args []*vector.Vector, n int) (*vector.Vector, error) {
		l, r := args[0], args[1]
		t := arithType(op, l.Type, r.Type)
		if t == types.Dynamic {
			return dynArith(op, l, r, n), nil
		}
		if l.Type == types.Dynamic {
			l = coerceNum(l, numDomain(r.Type), n)
		}
		if r.Type == types.Dynamic {
			r = coerceNum(r, numDomain(l.Type), n)
		}
		out := newVec(t, n)
		var f func(i int) bool
		switch {
		case t == types.Decimal:
			f = func(i int) bool { return decimalOp(op, l, r, i, out) }
		case t == types.Real && l.Type != types.Timespan:
			f = realOp(op, l, r, out)
		case t == types.Long:
			f = longOp(op, l.Ints, r.Ints, out.Ints)
		default:
			f = timeOp(op, l, r, out)
		}
		for i := 0; i < n; i++ {
			if nullAt(l, i) || nullAt(r, i) || !f(i) {
				out.SetNull(i)
			}
		}
		return out, nil
	}
}

// numDomain is the type a dynamic operand is read as next to a number of type t.
func numDomain(t types.Type) types.Type {
	if isInteger(t) {
		return types.Long
	}
	return t
}

// floorMod is the modulo Kusto defines: the result lies in [0, abs(d)).
func floorMod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		if b < 0 {
			m -= b
		} else {
			m += b
		}
	}
	return m
}

func longOp(op string, a, b, out []int64) func(i int) bool {
	switch op {
	case "+":
		return func(i int) bool { out[i] = a[i] + b[i]; return true }
	case "-":
		return func(i int) bool { out[i] = a[i] - b[i]; return true }
	case "*":
		return func(i int) bool { out[i] = a[i] * b[i]; return true }
	case "/":
		return func(i int) bool {
			if b[i] == 0 {
				return false
			}
			out[i] = a[i] / b[i]
			return true
		}
	}
	return func(i int) bool {
		if b[i] == 0 {
			return false
		}
		out[i] = floorMod(a[i], b[i])
		return true
	}
}

func realOp(op string, l, r, out *vector.Vector) func(i int) bool {
	get := func(v *vector.Vector, i int) float64 {
		if v.Type == types.Real {
			return v.Reals[i]
		}
		return float64(v.Ints[i])
	}
	return func(i int) bool {
		a, b := get(l, i), get(r, i)
		var x float64
		switch op {
		case "+":
			x = a + b
		case "-":
			x = a - b
		case "*":
			x = a * b
		case "/":
			x = a / b
		default:
			x = math.Mod(a, b)
			if x < 0 {
				x += math.Abs(b)
			}
		}
		out.Reals[i] = x
		return true
	}
}

// timeOp computes the datetime and timespan operations; out is a datetime or
// timespan (or real, for timespan / timespan).
func timeOp(op string, l, r, out *vector.Vector) func(i int) bool {
	D, T := types.Datetime, types.Timespan
	datetime := func(i int, ticks int64) bool {
		if ticks < 0 || ticks > types.MaxDatetimeTicks {
			return false
		}
		out.Ints[i] = ticks
		return true
	}
	switch {
	case op == "+" && out.Type == D:
		return func(i int) bool { return datetime(i, l.Ints[i]+r.Ints[i]) }
	case op == "-" && out.Type == D:
		return func(i int) bool { return datetime(i, l.Ints[i]-r.Ints[i]) }
	case op == "+" || op == "-":
		return longOp(op, l.Ints, r.Ints, out.Ints)
	case op == "*":
		span, num := l, r
		if r.Type == T {
			span, num = r, l
		}
		return func(i int) bool { return scaleSpan(span.Ints[i], num, i, false, out) }
	case op == "/" && r.Type == T:
		return func(i int) bool { out.Reals[i] = float64(l.Ints[i]) / float64(r.Ints[i]); return true }
	case op == "/":
		return func(i int) bool { return scaleSpan(l.Ints[i], r, i, true, out) }
	}
	return longOp("%", l.Ints, r.Ints, out.Ints) // timespan % timespan, datetime % timespan, timespan % integer
}

// scaleSpan multiplies (or divides) timespan ticks by row i of a number vector.
func scaleSpan(ticks int64, num *vector.Vector, i int, divide bool, out *vector.Vector) bool {
	if isInteger(num.Type) {
		k := num.Ints[i]
		if !divide {
			out.Ints[i] = ticks * k
			return true
		}
		if k == 0 {
			return false
		}
		out.Ints[i] = ticks / k
		return true
	}
	f, ok := realAt(num, i)
	if !ok || (divide && f == 0) {
		return false
	}
	var x float64
	if divide {
		x = float64(ticks) / f
	} else {
		x = float64(ticks) * f
	}
	x = math.Round(x)
	if math.IsNaN(x) || x >= 9223372036854775807 || x < -9223372036854775808 {
		return false
	}
	out.Ints[i] = int64(x)
	return true
}

// decimalOp computes a decimal result exactly in rationals; the result is rounded to
// decimal's 28 fraction digits and is null past decimal's range.
func decimalOp(op string, l, r *vector.Vector, i int, out *vector.Vector) bool {
	a, aok := ratAt(l, i)
	b, bok := ratAt(r, i)
	if !aok || !bok {
		return false
	}
	x := new(big.Rat)
	switch op {
	case "+":
		x.Add(a, b)
	case "-":
		x.Sub(a, b)
	case "*":
		x.Mul(a, b)
	case "/":
		if b.Sign() == 0 {
			return false
		}
		x.Quo(a, b)
	default:
		if b.Sign() == 0 {
			return false
		}
		q := new(big.Rat).Quo(a, b)
		fl := new(big.Int).Quo(q.Num(), q.Denom()) // truncated
		if q.Sign() < 0 && new(big.Rat).SetInt(fl).Cmp(q) != 0 {
			fl.Sub(fl, big.NewInt(1))
		}
		x.Sub(a, new(big.Rat).Mul(b, new(big.Rat).SetInt(fl)))
		if x.Sign() < 0 {
			x.Add(x, new(big.Rat).Abs(b))
		}
	}
	s, ok := ratDecimal(x)
	out.Strs[i] = s
	return ok
}

// ratDecimal prints a rational as canonical decimal text.
func ratDecimal(x *big.Rat) (string, bool) {
	s := x.FloatString(28)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return parseTyped(types.Decimal, s)
}

// dynArith computes an operator on two dynamic operands: integers stay integers, any
// real makes a real, and anything else is null.
func dynArith(op string, l, r *vector.Vector, n int) *vector.Vector {
	out := newVec(types.Dynamic, n)
	for i := 0; i < n; i++ {
		a, aok := dynNumber(l.Dyn[i])
		b, bok := dynNumber(r.Dyn[i])
		if !aok || !bok {
			out.SetNull(i)
			continue
		}
		if a.isInt && b.isInt {
			res := []int64{0}
			if longOp(op, []int64{a.i}, []int64{b.i}, res)(0) {
				out.Dyn[i] = res[0]
			} else {
				out.SetNull(i)
			}
			continue
		}
		af, bf := a.f, b.f
		if a.isInt {
			af = float64(a.i)
		}
		if b.isInt {
			bf = float64(b.i)
		}
		res := newVec(types.Real, 1)
		realOp(op, realOne(af), realOne(bf), res)(0)
		out.Dyn[i] = res.Reals[0]
	}
	return out
}

func realOne(f float64) *vector.Vector {
	return &vector.Vector{Type: types.Real, Len: 1, Reals: []float64{f}}
}

func negCheck(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
	switch t := args[0]; {
	case isInteger(t):
		return types.Long, nil
	case t == types.Real || t == types.Decimal || t == types.Timespan || t == types.Dynamic:
		return t, nil
	}
	return types.Unknown, fmt.Errorf("cannot apply unary '-' to %s", args[0])
}

func negEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	a := args[0]
	t := a.Type
	if t == types.Int {
		t = types.Long
	}
	out := newVec(t, n)
	for i := 0; i < n; i++ {
		if nullAt(a, i) {
			out.SetNull(i)
			continue
		}
		switch t {
		case types.Real:
			out.Reals[i] = -a.Reals[i]
		case types.Decimal:
			s := a.Strs[i]
			switch {
			case strings.HasPrefix(s, "-"):
				s = s[1:]
			case s != "0":
				s = "-" + s
			}
			out.Strs[i] = s
		case types.Dynamic:
			switch x := a.Dyn[i].(type) {
			case int64:
				out.Dyn[i] = -x
			case float64:
				out.Dyn[i] = -x
			default:
				out.SetNull(i)
			}
		default:
			out.Ints[i] = -a.Ints[i]
		}
	}
	return out, nil
}
