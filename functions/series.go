package functions

import (
	"math"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// The series_* functions over dynamic arrays of numbers, as make-series builds
// them: element-wise math and comparisons, the reductions to one number, and the
// gap fillers. An element that is not a number (null, text, a bag) gives a null
// element; a series argument that is not an array gives a null result.

// seriesArg is a dynamic array or a numeric parameter of the series functions.
var seriesArg = param{desc: "a dynamic array", ok: func(t types.Type) bool { return t == types.Dynamic }}

// seriesOrNum takes a series or a number broadcast over the other series.
var seriesOrNum = param{desc: "a dynamic array or a number", ok: func(t types.Type) bool {
	return t == types.Dynamic || t.Numeric()
}}

// seriesNum reads one element of a series: its value as a real, whether it is a
// number at all, and whether it is an integer.
func seriesNum(d any) (f float64, ok, isInt bool) {
	switch x := d.(type) {
	case int64:
		return float64(x), true, true
	case float64:
		return x, true, false
	}
	return 0, false, false
}

// seriesAt reads row i as a series: the array and true, or nil and false when the
// row is null or not an array.
func seriesAt(v *vector.Vector, i int) ([]any, bool) {
	if v.Type != types.Dynamic || nullAt(v, i) {
		return nil, false
	}
	arr, ok := v.Dyn[i].([]any)
	return arr, ok
}

// seriesReals reads a series as reals; ok[k] is false where element k is not a
// number.
func seriesReals(arr []any) (xs []float64, ok []bool) {
	xs, ok = make([]float64, len(arr)), make([]bool, len(arr))
	for k, d := range arr {
		xs[k], ok[k], _ = seriesNum(d)
	}
	return xs, ok
}

// operand is one side of an element-wise operation: a series, or a number that
// stands for each element.
type operand struct {
	arr      []any
	num      float64
	numInt   bool
	isScalar bool
}

func operandAt(v *vector.Vector, i int) (operand, bool) {
	if v.Type == types.Dynamic {
		if nullAt(v, i) {
			return operand{}, false
		}
		if arr, ok := v.Dyn[i].([]any); ok {
			return operand{arr: arr}, true
		}
		f, ok, isInt := seriesNum(v.Dyn[i])
		return operand{num: f, numInt: isInt, isScalar: true}, ok
	}
	f, ok := realAt(v, i)
	return operand{num: f, numInt: isInteger(v.Type), isScalar: true}, ok
}

func (o operand) length() int {
	if o.isScalar {
		return -1
	}
	return len(o.arr)
}

// at is element k: its value, whether it is a number, whether it is an integer.
func (o operand) at(k int) (float64, bool, bool) {
	if o.isScalar {
		return o.num, true, o.numInt
	}
	if k >= len(o.arr) {
		return 0, false, false
	}
	return seriesNum(o.arr[k])
}

// unarySeries builds the kernel of an element-wise function of one series. f gets
// the element and whether it is an integer and returns the new element (nil for
// null).
func unarySeries(f func(x float64, isInt bool) any) evalFn {
	return rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
		arr, ok := seriesAt(args[0], i)
		if !ok {
			return types.NullOf(types.Dynamic)
		}
		out := make([]any, len(arr))
		for k, d := range arr {
			if x, ok, isInt := seriesNum(d); ok {
				out[k] = f(x, isInt)
			}
		}
		return types.NewDynamic(out)
	})
}

// realElem stores a real result element; NaN and the infinities are kept as they
// are, as Kusto keeps them in a series.
func realElem(f func(float64) float64) func(float64, bool) any {
	return func(x float64, _ bool) any { return f(x) }
}

// binarySeries builds the kernel of an element-wise function of two series (or a
// series and a number). The result is as long as the longer series; an element
// missing on either side, or not a number, is null.
func binarySeries(f func(a, b float64, bothInt bool) any) evalFn {
	return rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
		l, ok1 := operandAt(args[0], i)
		r, ok2 := operandAt(args[1], i)
		if !ok1 || !ok2 || l.isScalar && r.isScalar {
			return types.NullOf(types.Dynamic)
		}
		n := max(l.length(), r.length())
		out := make([]any, n)
		for k := range out {
			a, oka, ia := l.at(k)
			b, okb, ib := r.at(k)
			if oka && okb {
				out[k] = f(a, b, ia && ib)
			}
		}
		return types.NewDynamic(out)
	})
}

// numElem is an arithmetic result: a long when both inputs were integers and the
// result is exact, else a real.
func numElem(x float64, isInt bool) any {
	if isInt && x == math.Trunc(x) && math.Abs(x) < 1<<63 {
		return int64(x)
	}
	return x
}

func init() {
	one := sig(types.Dynamic, seriesArg)
	two := sig(types.Dynamic, seriesOrNum.as("series1"), seriesOrNum.as("series2"))
	for _, u := range []struct {
		name, doc string
		f         func(float64, bool) any
	}{
		{"series_abs", "The element-wise absolute value of a numeric series", func(x float64, isInt bool) any { return numElem(math.Abs(x), isInt) }},
		{"series_sign", "The element-wise sign (-1, 0 or 1) of a numeric series", func(x float64, _ bool) any {
			switch {
			case x > 0:
				return int64(1)
			case x < 0:
				return int64(-1)
			}
			return int64(0)
		}},
		{"series_ceiling", "The element-wise ceiling of a numeric series", realElem(math.Ceil)},
		{"series_floor", "The element-wise floor of a numeric series", realElem(math.Floor)},
		{"series_exp", "The element-wise e to the power of a numeric series", realElem(math.Exp)},
		{"series_log", "The element-wise natural logarithm of a numeric series; null for a non-positive element", func(x float64, _ bool) any {
			if x <= 0 {
				return nil
			}
			return math.Log(x)
		}},
		{"series_sin", "The element-wise sine of a numeric series", realElem(math.Sin)},
		{"series_cos", "The element-wise cosine of a numeric series", realElem(math.Cos)},
		{"series_tan", "The element-wise tangent of a numeric series", realElem(math.Tan)},
		{"series_asin", "The element-wise arcsine of a numeric series; null outside [-1, 1]", domainElem(math.Asin)},
		{"series_acos", "The element-wise arccosine of a numeric series; null outside [-1, 1]", domainElem(math.Acos)},
		{"series_atan", "The element-wise arctangent of a numeric series", realElem(math.Atan)},
	} {
		scalar(u.name, 1, 1, u.doc, one, unarySeries(u.f))
	}
	for _, b := range []struct {
		name, doc string
		f         func(a, b float64, bothInt bool) any
	}{
		{"series_add", "The element-wise sum of two numeric series", func(a, b float64, bi bool) any { return numElem(a+b, bi) }},
		{"series_subtract", "The element-wise difference of two numeric series", func(a, b float64, bi bool) any { return numElem(a-b, bi) }},
		{"series_multiply", "The element-wise product of two numeric series", func(a, b float64, bi bool) any { return numElem(a*b, bi) }},
		{"series_divide", "The element-wise quotient of two numeric series, as reals", func(a, b float64, _ bool) any { return a / b }},
		{"series_pow", "The element-wise power of two numeric series, as reals", func(a, b float64, _ bool) any { return math.Pow(a, b) }},
		{"series_greater", "Whether each element of the first series is greater than that of the second", func(a, b float64, _ bool) any { return a > b }},
		{"series_greater_equals", "Whether each element of the first series is greater than or equal to that of the second", func(a, b float64, _ bool) any { return a >= b }},
		{"series_less", "Whether each element of the first series is less than that of the second", func(a, b float64, _ bool) any { return a < b }},
		{"series_less_equals", "Whether each element of the first series is less than or equal to that of the second", func(a, b float64, _ bool) any { return a <= b }},
		{"series_equals", "Whether each element of the first series equals that of the second", func(a, b float64, _ bool) any { return a == b }},
		{"series_not_equals", "Whether each element of the first series differs from that of the second", func(a, b float64, _ bool) any { return a != b }},
	} {
		scalar(b.name, 2, 2, b.doc, two, binarySeries(b.f))
	}

	reduce := sig(types.Real, seriesArg)
	scalar("series_sum", 1, 1, "The sum of the numbers of a series, as a real", reduce, reduceSeries(0, func(acc, x float64) float64 { return acc + x }, nil))
	scalar("series_product", 1, 1, "The product of the numbers of a series, as a real", reduce, reduceSeries(1, func(acc, x float64) float64 { return acc * x }, nil))
	scalar("series_magnitude", 1, 1, "The magnitude (Euclidean norm) of a numeric series", reduce,
		reduceSeries(0, func(acc, x float64) float64 { return acc + x*x }, math.Sqrt))
	scalar("series_dot_product", 2, 2, "The dot product of two numeric series (a number stands for each element); the longer series is cut to the shorter, elements that are not numbers are skipped",
		sig(types.Real, seriesOrNum.as("series1"), seriesOrNum.as("series2")), rowsTo(types.Real, dotProductRow))
	scalar("series_cosine_similarity", 2, 4, "The cosine similarity of two numeric series, optionally given their magnitudes",
		sig(types.Real, seriesArg.as("series1"), seriesArg.as("series2"), numArg.as("magnitude")), rowsTo(types.Real, cosineRow))
	scalar("series_pearson_correlation", 2, 2, "The Pearson correlation coefficient of two numeric series",
		sig(types.Real, seriesArg.as("series1"), seriesArg.as("series2")), rowsTo(types.Real, pearsonRow))
}

func domainElem(f func(float64) float64) func(float64, bool) any {
	return func(x float64, _ bool) any {
		if x < -1 || x > 1 {
			return nil
		}
		return f(x)
	}
}

// reduceSeries builds the kernel of a reduction of one series to a real; the
// elements that are not numbers are skipped.
func reduceSeries(start float64, step func(acc, x float64) float64, final func(float64) float64) evalFn {
	return rowsTo(types.Real, func(args []*vector.Vector, i int) types.Value {
		arr, ok := seriesAt(args[0], i)
		if !ok {
			return types.NullOf(types.Real)
		}
		acc := start
		for _, d := range arr {
			if x, ok, _ := seriesNum(d); ok {
				acc = step(acc, x)
			}
		}
		if final != nil {
			acc = final(acc)
		}
		return types.NewReal(acc)
	})
}

func dotProductRow(args []*vector.Vector, i int) types.Value {
	l, ok1 := operandAt(args[0], i)
	r, ok2 := operandAt(args[1], i)
	if !ok1 || !ok2 {
		return types.NullOf(types.Real)
	}
	n := l.length()
	switch {
	case l.isScalar && r.isScalar:
		return types.NewReal(l.num * r.num)
	case l.isScalar:
		n = r.length()
	case !r.isScalar:
		n = min(n, r.length())
	}
	if n == 0 {
		return types.NullOf(types.Real)
	}
	var sum float64
	for k := 0; k < n; k++ {
		a, oka, _ := l.at(k)
		b, okb, _ := r.at(k)
		if oka && okb {
			sum += a * b
		}
	}
	return types.NewReal(sum)
}

// pairedReals reads two series cut to the shorter one, keeping the positions where
// both hold numbers.
func pairedReals(args []*vector.Vector, i int) (xs, ys []float64, ok bool) {
	a, ok1 := seriesAt(args[0], i)
	b, ok2 := seriesAt(args[1], i)
	if !ok1 || !ok2 {
		return nil, nil, false
	}
	for k := 0; k < min(len(a), len(b)); k++ {
		x, okx, _ := seriesNum(a[k])
		y, oky, _ := seriesNum(b[k])
		if okx && oky {
			xs, ys = append(xs, x), append(ys, y)
		}
	}
	return xs, ys, true
}

func cosineRow(args []*vector.Vector, i int) types.Value {
	null := types.NullOf(types.Real)
	xs, ys, ok := pairedReals(args, i)
	if !ok || len(xs) == 0 {
		return null
	}
	var dot, mx, my float64
	for k := range xs {
		dot += xs[k] * ys[k]
		mx += xs[k] * xs[k]
		my += ys[k] * ys[k]
	}
	mx, my = math.Sqrt(mx), math.Sqrt(my)
	for k, m := range []*float64{&mx, &my} {
		if len(args) > k+2 {
			x, ok := realAt(args[k+2], i)
			if !ok {
				return null
			}
			*m = x
		}
	}
	if mx == 0 || my == 0 {
		return null
	}
	return types.NewReal(dot / (mx * my))
}

func pearsonRow(args []*vector.Vector, i int) types.Value {
	null := types.NullOf(types.Real)
	xs, ys, ok := pairedReals(args, i)
	if !ok || len(xs) < 2 {
		return null
	}
	n := float64(len(xs))
	var sx, sy float64
	for k := range xs {
		sx += xs[k]
		sy += ys[k]
	}
	mx, my := sx/n, sy/n
	var cov, vx, vy float64
	for k := range xs {
		dx, dy := xs[k]-mx, ys[k]-my
		cov += dx * dy
		vx += dx * dx
		vy += dy * dy
	}
	if vx == 0 || vy == 0 {
		return null
	}
	return types.NewReal(cov / math.Sqrt(vx*vy))
}
