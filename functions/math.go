package functions

import (
	"fmt"
	"math"
	"math/big"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Math functions. The real functions take any number and give a real; a null, or an
// argument outside the function's domain where the docs say so (sqrt and the
// logarithms of a negative number), gives null. rand() is in random.go.

func init() {
	scalar("abs", 1, 1, "The absolute value of a number or timespan", absCheck, absEval)
	scalar("ceiling", 1, 1, "The smallest integer not less than a number, of the number's type", sameNumberCheck, ceilingEval)
	scalar("round", 1, 2, "A number rounded half away from zero to a number of decimal digits (negative: to tens, hundreds, ...)",
		roundCheck, roundEval)
	real1 := func(name, doc string, f func(float64) (float64, bool)) {
		scalar(name, 1, 1, doc, sig(types.Real, numArg), realToReal(f))
	}
	real1("sqrt", "The square root; null for a negative number", func(x float64) (float64, bool) { return math.Sqrt(x), x >= 0 })
	real1("exp", "e raised to a power", func(x float64) (float64, bool) { return math.Exp(x), true })
	real1("exp2", "2 raised to a power", func(x float64) (float64, bool) { return math.Exp2(x), true })
	real1("exp10", "10 raised to a power", func(x float64) (float64, bool) { return math.Pow(10, x), true })
	real1("log", "The natural logarithm; null for a negative number", func(x float64) (float64, bool) { return math.Log(x), x >= 0 })
	real1("log2", "The base-2 logarithm; null for a negative number", func(x float64) (float64, bool) { return math.Log2(x), x >= 0 })
	real1("log10", "The base-10 logarithm; null for a negative number", func(x float64) (float64, bool) { return log10(x), x >= 0 })
	real1("sign", "-1, 0 or +1 as the number is negative, zero or positive", func(x float64) (float64, bool) {
		switch {
		case x > 0:
			return 1, true
		case x < 0:
			return -1, true
		}
		return x, true // 0, or NaN
	})
	real1("cos", "The cosine of an angle in radians", func(x float64) (float64, bool) { return math.Cos(x), true })
	real1("sin", "The sine of an angle in radians", func(x float64) (float64, bool) { return math.Sin(x), true })
	real1("tan", "The tangent of an angle in radians", func(x float64) (float64, bool) { return math.Tan(x), true })
	real1("cot", "The cotangent of an angle in radians: 1/tan(x)", func(x float64) (float64, bool) { return 1 / math.Tan(x), true })
	real1("acos", "The angle in radians whose cosine is the number", func(x float64) (float64, bool) { return math.Acos(x), true })
	real1("asin", "The angle in radians whose sine is the number", func(x float64) (float64, bool) { return math.Asin(x), true })
	real1("atan", "The angle in radians whose tangent is the number", func(x float64) (float64, bool) { return math.Atan(x), true })
	real1("degrees", "Radians converted to degrees", func(x float64) (float64, bool) { return x * 180 / math.Pi, true })
	real1("radians", "Degrees converted to radians", func(x float64) (float64, bool) { return x * math.Pi / 180, true })
	scalar("atan2", 2, 2, "The angle in radians of the point (x, y) from the positive x axis: atan2(y, x)",
		sig(types.Real, numArg.as("y"), numArg.as("x")), real2(math.Atan2))
	scalar("pow", 2, 2, "A base raised to an exponent", sig(types.Real, numArg.as("base"), numArg.as("exponent")), real2(math.Pow))
	scalar("pi", 0, 0, "The constant pi", sig(types.Real), func(_ []*vector.Vector, n int) (*vector.Vector, error) {
		out := newVec(types.Real, n)
		for i := range out.Reals {
			out.Reals[i] = math.Pi
		}
		return out, nil
	})
	scalar("isnan", 1, 1, "Whether a number is NaN (false for null)", sig(types.Bool, numArg), realToBool(math.IsNaN))
	scalar("isinf", 1, 1, "Whether a number is an infinity (false for null)", sig(types.Bool, numArg),
		realToBool(func(x float64) bool { return math.IsInf(x, 0) }))
	scalar("isfinite", 1, 1, "Whether a number is neither infinite nor NaN (false for null)", sig(types.Bool, numArg),
		realToBool(func(x float64) bool { return !math.IsInf(x, 0) && !math.IsNaN(x) }))
}

// log10 is exact for powers of ten (log10(0.1) is -1), which math.Log10's
// multiplication by 1/ln(10) misses.
func log10(x float64) float64 {
	r := math.Log10(x)
	if k := math.Round(r); k != r && math.Abs(k) < 300 && math.Pow(10, k) == x {
		return k
	}
	return r
}

func real2(f func(a, b float64) float64) evalFn {
	return func(args []*vector.Vector, n int) (*vector.Vector, error) {
		out := newVec(types.Real, n)
		for i := 0; i < n; i++ {
			a, aok := realAt(args[0], i)
			b, bok := realAt(args[1], i)
			if !aok || !bok {
				out.SetNull(i)
				continue
			}
			out.Reals[i] = f(a, b)
		}
		return out, nil
	}
}

func absCheck(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
	switch t := args[0]; {
	case isInteger(t):
		return types.Long, nil
	case t.Numeric() || t == types.Timespan:
		return t, nil
	}
	return types.Unknown, fmt.Errorf("%s() expects a number or timespan, got %s", name, args[0])
}

func absEval(args []*vector.Vector, n int) (*vector.Vector, error) {
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
			out.Reals[i] = math.Abs(a.Reals[i])
		case types.Decimal:
			s := a.Strs[i]
			if len(s) > 0 && s[0] == '-' {
				s = s[1:]
			}
			out.Strs[i] = s
		default:
			x := a.Ints[i]
			if x < 0 {
				x = -x
			}
			out.Ints[i] = x
		}
	}
	return out, nil
}

func sameNumberCheck(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
	if !args[0].Numeric() {
		return types.Unknown, argErr(name, numArg, args[0])
	}
	return args[0], nil
}

func ceilingEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	a := args[0]
	out := newVec(a.Type, n)
	for i := 0; i < n; i++ {
		if nullAt(a, i) {
			out.SetNull(i)
			continue
		}
		switch a.Type {
		case types.Real:
			out.Reals[i] = math.Ceil(a.Reals[i])
		case types.Decimal:
			r, _ := ratAt(a, i)
			c := new(big.Int).Neg(new(big.Int).Div(new(big.Int).Neg(r.Num()), r.Denom()))
			out.Strs[i], _ = ratDecimal(new(big.Rat).SetInt(c))
		default:
			out.Ints[i] = a.Ints[i]
		}
	}
	return out, nil
}

func roundCheck(name string, args []types.Type, consts []*types.Value) (types.Type, error) {
	if !args[0].Numeric() {
		return types.Unknown, argErr(name, numArg.as("number"), args[0])
	}
	if len(args) == 2 && !isInteger(args[1]) {
		return types.Unknown, argErr(name, intArg.as("precision"), args[1])
	}
	return args[0], nil
}

func roundEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	a := args[0]
	out := newVec(a.Type, n)
	for i := 0; i < n; i++ {
		var p int64
		ok := !nullAt(a, i)
		if ok && len(args) == 2 {
			p, ok = longAt(args[1], i)
		}
		if !ok {
			out.SetNull(i)
			continue
		}
		switch a.Type {
		case types.Real:
			out.Reals[i] = roundReal(a.Reals[i], p)
		case types.Decimal:
			r, _ := ratAt(a, i)
			out.Strs[i], ok = ratDecimal(roundRat(r, p))
		default:
			x := roundInt(a.Ints[i], p)
			out.Ints[i] = x
			ok = a.Type != types.Int || (x >= math.MinInt32 && x <= math.MaxInt32)
		}
		if !ok {
			out.SetNull(i)
		}
	}
	return out, nil
}

// roundReal rounds half away from zero to p decimal digits. Scaling by a power of
// ten first and rounding after is what makes round(2.15, 1) 2.2, as the docs show,
// although 2.15 is slightly less than 2.15 in binary.
func roundReal(x float64, p int64) float64 {
	switch {
	case p == 0:
		return math.Round(x)
	case p > 0:
		if p > 308 {
			return x
		}
		s := math.Pow(10, float64(p))
		if r := math.Round(x*s) / s; !math.IsInf(r, 0) && !math.IsNaN(r) {
			return r
		}
		return x
	}
	if p < -308 {
		return 0
	}
	s := math.Pow(10, float64(-p))
	return math.Round(x/s) * s
}

// roundInt rounds an integer half away from zero to a multiple of 10^-p.
func roundInt(x, p int64) int64 {
	if p >= 0 {
		return x
	}
	if p < -18 {
		return 0
	}
	s := int64(1)
	for k := int64(0); k < -p; k++ {
		s *= 10
	}
	q, r := x/s, x%s
	if 2*abs64(r) >= s {
		if x < 0 {
			q--
		} else {
			q++
		}
	}
	return q * s
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// roundRat rounds a rational half away from zero to p decimal digits. A decimal has
// at most 28 fraction digits and 29 integer digits, which bounds p.
func roundRat(r *big.Rat, p int64) *big.Rat {
	switch {
	case p > 28:
		return r
	case p < -29:
		return new(big.Rat)
	}
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(abs64(p)), nil))
	x := new(big.Rat).Set(r)
	if p >= 0 {
		x.Mul(x, scale)
	} else {
		x.Quo(x, scale)
	}
	// Round |x| half up, then restore the sign.
	neg := x.Sign() < 0
	x.Abs(x)
	x.Add(x, big.NewRat(1, 2))
	q := new(big.Int).Quo(x.Num(), x.Denom())
	if neg {
		q.Neg(q)
	}
	res := new(big.Rat).SetInt(q)
	if p >= 0 {
		return res.Quo(res, scale)
	}
	return res.Mul(res, scale)
}
