package functions

import (
	"fmt"
	"math"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// The series functions that return several values: statistics and line fits.
// Each has a form that returns a dynamic bag (series_stats_dynamic) and, for most,
// a form that returns several columns (series_stats), used as
// `extend (a, b) = series_stats(x)`. A multi-column function is registered with a
// kernel that returns the same values as a bag keyed by the column names, and
// Outputs lists the columns, so that the planner can spread the bag into them.

// Output is one column of a function that returns several columns.
type Output struct {
	Name string
	Type types.Type
}

var multiOutputs = map[string][]Output{}

// Outputs lists the columns of a function that returns several (nil for an
// ordinary function), in the order `(a, b, ...) = f(x)` assigns them. The
// function's kernel returns one dynamic bag per row keyed by these names; the
// planner reads each column with OutputColumn.
func Outputs(name string) []Output {
	s, ok := Lookup(name)
	if !ok {
		return nil
	}
	return multiOutputs[s.Name]
}

// OutputColumnName is the internal function that reads one column out of the bag
// of a multi-column function: __output(bag, "name", "type").
const OutputColumnName = "__output"

// multi registers a function that returns several columns.
func multi(name string, minArgs, maxArgs int, doc string, check checkFn, outs []Output, eval evalFn) {
	scalar(name, minArgs, maxArgs, doc, check, eval)
	multiOutputs[name] = outs
}

func outs(t types.Type, names ...string) []Output {
	out := make([]Output, len(names))
	for k, n := range names {
		out[k] = Output{Name: n, Type: t}
	}
	return out
}

func init() {
	scalar(OutputColumnName, 3, 3, "One column of the result of a function that returns several: the bag's value for a name, converted to a type",
		sig(types.Dynamic, dynArg, textArg, textArg), outputColumnEval)

	statsOuts := []Output{{"min", types.Real}, {"min_idx", types.Long}, {"max", types.Real}, {"max_idx", types.Long},
		{"avg", types.Real}, {"stdev", types.Real}, {"variance", types.Real}}
	statsSig := sig(types.Dynamic, seriesArg.as("series"), boolArg.as("ignore_nonfinite"))
	multi("series_stats", 1, 2, "Statistics of a numeric series as columns: min, min_idx, max, max_idx, avg, stdev, variance (sample)",
		statsSig, statsOuts, rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value { return statsRow(args, i, false) }))
	scalar("series_stats_dynamic", 1, 2, "Statistics of a numeric series as a bag: min, min_idx, max, max_idx, avg, stdev, variance, sum, len",
		statsSig, rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value { return statsRow(args, i, true) }))

	lineOuts := append(outs(types.Real, "rsquare", "slope", "variance", "rvariance", "interception"), Output{"line_fit", types.Dynamic})
	multi("series_fit_line", 1, 1, "The linear regression of a series as columns: rsquare, slope, variance, rvariance, interception, line_fit",
		sig(types.Dynamic, seriesArg), lineOuts, rowsTo(types.Dynamic, fitLineRow))
	scalar("series_fit_line_dynamic", 1, 1, "The linear regression of a series as a bag: rsquare, slope, variance, rvariance, interception, line_fit",
		sig(types.Dynamic, seriesArg), rowsTo(types.Dynamic, fitLineRow))

	twoOuts := []Output{{"rsquare", types.Real}, {"split_idx", types.Long}, {"variance", types.Real}, {"rvariance", types.Real},
		{"line_fit", types.Dynamic}}
	for _, side := range []string{"right", "left"} {
		for _, f := range []string{"rsquare", "slope", "interception", "variance", "rvariance"} {
			twoOuts = append(twoOuts, Output{side + "_" + f, types.Real})
		}
	}
	multi("series_fit_2lines", 1, 1, "The best two-segment linear regression of a series as columns: rsquare, split_idx, variance, rvariance, line_fit, then right_* and left_* of each line",
		sig(types.Dynamic, seriesArg), twoOuts, rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value { return fit2LinesRow(args, i, false) }))
	scalar("series_fit_2lines_dynamic", 1, 1, "The best two-segment linear regression of a series as a bag, with the right and left lines in nested bags",
		sig(types.Dynamic, seriesArg), rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value { return fit2LinesRow(args, i, true) }))
}

// outputColumnEval reads one value out of each bag and converts it to the type
// named by the third argument.
func outputColumnEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	if n == 0 {
		return newVec(types.Dynamic, 0), nil
	}
	t, ok := types.ParseType(textAt(args[2], 0))
	if !ok {
		return nil, fmt.Errorf("BUG: %s() of unknown type %q", OutputColumnName, textAt(args[2], 0))
	}
	vals := newVec(types.Dynamic, n)
	for i := 0; i < n; i++ {
		bag, _ := args[0].Dyn[i].(map[string]any)
		setDyn(vals, i, bag[textAt(args[1], i)])
	}
	if t == types.Dynamic {
		return vals, nil
	}
	return castVec(vals, t, n), nil
}

// seriesStats are the statistics of the finite numbers of a series.
type seriesStats struct {
	min, max, sum, avg, variance float64
	minIdx, maxIdx, count        int
}

// statsOf computes the statistics; ok is false when there is no finite number, or
// when there is a non-finite element and ignore is false.
func statsOf(arr []any, ignore bool) (s seriesStats, ok bool) {
	var xs []float64
	for k, d := range arr {
		x, num, _ := seriesNum(d)
		if !num || math.IsNaN(x) || math.IsInf(x, 0) {
			if !ignore {
				return s, false
			}
			continue
		}
		if len(xs) == 0 || x < s.min {
			s.min, s.minIdx = x, k
		}
		if len(xs) == 0 || x > s.max {
			s.max, s.maxIdx = x, k
		}
		s.sum += x
		xs = append(xs, x)
	}
	if len(xs) == 0 {
		return s, false
	}
	s.count = len(xs)
	s.avg = s.sum / float64(len(xs))
	s.variance = sampleVariance(xs, s.avg)
	return s, true
}

// sampleVariance is the variance with Bessel's correction; 0 for one value.
func sampleVariance(xs []float64, mean float64) float64 {
	if len(xs) < 2 {
		return 0
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return ss / float64(len(xs)-1)
}

func statsRow(args []*vector.Vector, i int, withTotals bool) types.Value {
	arr, ok := seriesAt(args[0], i)
	if !ok {
		return types.NullOf(types.Dynamic)
	}
	ignore := false
	if len(args) > 1 && !nullAt(args[1], i) {
		ignore, _ = boolAt(args[1], i)
	}
	s, ok := statsOf(arr, ignore)
	bag := map[string]any{"min": nil, "min_idx": nil, "max": nil, "max_idx": nil, "avg": nil, "stdev": nil, "variance": nil}
	if ok {
		bag["min"], bag["min_idx"] = s.min, int64(s.minIdx)
		bag["max"], bag["max_idx"] = s.max, int64(s.maxIdx)
		bag["avg"], bag["stdev"], bag["variance"] = s.avg, math.Sqrt(s.variance), s.variance
	}
	if withTotals {
		bag["sum"], bag["len"] = nil, int64(len(arr))
		if ok {
			bag["sum"] = s.sum
		}
	}
	return types.NewDynamic(bag)
}

// lineFit is a least-squares line over x = 1..n.
type lineFit struct {
	slope, interception, rsquare, variance, rvariance, ssr float64
	fit                                                    []float64
}

// fitLine fits ys (ok[k] false: skipped) with x = k+1.
func fitLine(ys []float64, ok []bool) (lineFit, bool) {
	var n, sx, sy float64
	for k, y := range ys {
		if ok[k] {
			n++
			sx += float64(k + 1)
			sy += y
		}
	}
	if n == 0 {
		return lineFit{}, false
	}
	mx, my := sx/n, sy/n
	var sxy, sxx, sst float64
	for k, y := range ys {
		if ok[k] {
			dx := float64(k+1) - mx
			sxy += dx * (y - my)
			sxx += dx * dx
			sst += (y - my) * (y - my)
		}
	}
	var f lineFit
	if sxx != 0 {
		f.slope = sxy / sxx
	}
	f.interception = my - f.slope*mx
	f.fit = make([]float64, len(ys))
	for k := range ys {
		f.fit[k] = f.slope*float64(k+1) + f.interception
		if ok[k] {
			r := ys[k] - f.fit[k]
			f.ssr += r * r
		}
	}
	if n > 1 {
		f.variance = sst / (n - 1)
		f.rvariance = f.ssr / (n - 1)
	}
	f.rsquare = rsquare(f.ssr, sst)
	return f, true
}

// rsquare is 1 - ssr/sst; a series with no variance is fitted perfectly.
func rsquare(ssr, sst float64) float64 {
	if sst == 0 {
		return 1
	}
	return 1 - ssr/sst
}

func realsDyn(xs []float64) []any {
	out := make([]any, len(xs))
	for k, x := range xs {
		out[k] = x
	}
	return out
}

func fitLineRow(args []*vector.Vector, i int) types.Value {
	arr, ok := seriesAt(args[0], i)
	if !ok {
		return types.NullOf(types.Dynamic)
	}
	f, ok := fitLine(seriesReals(arr))
	if !ok {
		return types.NullOf(types.Dynamic)
	}
	return types.NewDynamic(map[string]any{"rsquare": f.rsquare, "slope": f.slope, "variance": f.variance,
		"rvariance": f.rvariance, "interception": f.interception, "line_fit": realsDyn(f.fit)})
}

// fit2LinesRow tries every split of the series into a left part [0, split) and a
// right part [split, n), each of at least two points and fitted as a series of
// its own, and keeps the split with the smallest total squared residual.
func fit2LinesRow(args []*vector.Vector, i int, nested bool) types.Value {
	arr, ok := seriesAt(args[0], i)
	if !ok {
		return types.NullOf(types.Dynamic)
	}
	ys, oks := seriesReals(arr)
	n := len(ys)
	if n < 4 {
		return types.NullOf(types.Dynamic)
	}
	best, bestSSR := -1, math.Inf(1)
	var left, right lineFit
	for split := 2; split <= n-2; split++ {
		l, ok1 := fitLine(ys[:split], oks[:split])
		r, ok2 := fitLine(ys[split:], oks[split:])
		if ok1 && ok2 && l.ssr+r.ssr < bestSSR {
			best, bestSSR, left, right = split, l.ssr+r.ssr, l, r
		}
	}
	if best < 0 {
		return types.NullOf(types.Dynamic)
	}
	var xs []float64
	for k, y := range ys {
		if oks[k] {
			xs = append(xs, y)
		}
	}
	var mean float64
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	variance := sampleVariance(xs, mean)
	sst := variance * float64(len(xs)-1)
	rvariance := 0.0
	if len(xs) > 1 {
		rvariance = bestSSR / float64(len(xs)-1)
	}
	bag := map[string]any{"rsquare": rsquare(bestSSR, sst), "split_idx": int64(best), "variance": variance,
		"rvariance": rvariance, "line_fit": realsDyn(append(append([]float64{}, left.fit...), right.fit...))}
	for _, side := range []struct {
		name string
		f    lineFit
	}{{"right", right}, {"left", left}} {
		part := map[string]any{"rsquare": side.f.rsquare, "slope": side.f.slope, "interception": side.f.interception,
			"variance": side.f.variance, "rvariance": side.f.rvariance}
		if nested {
			bag[side.name] = part
			continue
		}
		for k, v := range part {
			bag[side.name+"_"+k] = v
		}
	}
	return types.NewDynamic(bag)
}
