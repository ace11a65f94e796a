package functions

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Signal processing over series: FIR and IIR filters, period detection, the
// seasonal component, outlier scores and the decomposition into seasonal, trend
// and residual that anomaly detection and forecasting build on. Elements that are
// not numbers count as 0 in filters and decompositions.

// countArg is an integer parameter, also read from a dynamic value holding one.
var countArg = param{desc: "an integer", ok: func(t types.Type) bool { return isInteger(t) || t == types.Dynamic }}

// seasonalityThreshold is the period score series_seasonal requires when it
// detects the period itself.
const seasonalityThreshold = 0.7

func init() {
	scalar("series_fir", 2, 4, "Applies a finite impulse response filter to a series: the filter coefficients, whether to normalize them by their sum (default: when none is negative), whether to center the window",
		sig(types.Dynamic, seriesArg.as("series"), seriesArg.as("filter"), boolArg.as("normalize"), boolArg.as("center")), rowsTo(types.Dynamic, firRow))
	scalar("series_iir", 3, 3, "Applies an infinite impulse response filter to a series, given the numerator and denominator coefficients",
		sig(types.Dynamic, seriesArg.as("series"), seriesArg.as("numerators"), seriesArg.as("denominators")), rowsTo(types.Dynamic, iirRow))
	scalar("series_seasonal", 1, 2, "The seasonal component of a series: the median of the elements at each position of the period, which is detected when absent or -1; zeros when there is none",
		sig(types.Dynamic, seriesArg.as("series"), numArg.as("period")), rowsTo(types.Dynamic, seasonalRow))
	periodOuts := outs(types.Dynamic, "periods", "scores")
	multi("series_periods_detect", 4, 4, "The most significant periods of a series between min_period and max_period, as columns periods and scores (0 to 1), num_periods of each",
		sig(types.Dynamic, seriesArg.as("series"), numArg.as("min_period"), numArg.as("max_period"), countArg.as("num_periods")), periodOuts,
		rowsTo(types.Dynamic, periodsDetectRow))
	multi("series_periods_validate", 2, 17, "Scores (0 to 1) how strongly a series repeats with each of the given periods, as columns periods and scores",
		sig(types.Dynamic, seriesArg.as("series"), numArg.as("period")), periodOuts, rowsTo(types.Dynamic, periodsValidateRow))
	scalar("series_outliers", 1, 5, "Anomaly scores of the elements of a series by Tukey's fence test: kind ctukey (percentiles min_percentile and max_percentile, default 10 and 90) or tukey (25 and 75), ignoring ignore_val",
		sig(types.Dynamic, seriesArg.as("series"), textArg.as("kind"), numArg.as("ignore_val"), numArg.as("min_percentile"), numArg.as("max_percentile")),
		evalOrErr(outliersRow))
	multi("series_decompose", 1, 5, "Decomposes a series into columns baseline, seasonal, trend and residual, given the period (-1: detect, 0: none), the trend (avg, linefit or none), the number of test points at the end and the seasonality threshold",
		sig(types.Dynamic, seriesArg.as("series"), numArg.as("period"), textArg.as("trend"), intArg.as("test_points"), numArg.as("seasonality_threshold")),
		outs(types.Dynamic, "baseline", "seasonal", "trend", "residual"), evalOrErr(decomposeRow))
	multi("series_decompose_anomalies", 1, 7, "Finds anomalies in a series from the residual of its decomposition, as columns ad_flag (+1, -1 or 0), ad_score and baseline",
		sig(types.Dynamic, seriesArg.as("series"), numArg.as("threshold"), numArg.as("seasonality"), textArg.as("trend"), intArg.as("test_points"),
			textArg.as("ad_method"), numArg.as("seasonality_threshold")),
		outs(types.Dynamic, "ad_flag", "ad_score", "baseline"), evalOrErr(decomposeAnomaliesRow))
	scalar("series_decompose_forecast", 2, 5, "Forecasts the last points of a series from the seasonal and trend components of the points before them",
		sig(types.Dynamic, seriesArg.as("series"), intArg.as("points"), numArg.as("seasonality"), textArg.as("trend"), numArg.as("seasonality_threshold")),
		evalOrErr(decomposeForecastRow))
}

// evalOrErr builds a kernel from a per-row function that may fail on a bad
// parameter value, which then fails the query.
func evalOrErr(f func(args []*vector.Vector, i int) (types.Value, error)) evalFn {
	return func(args []*vector.Vector, n int) (*vector.Vector, error) {
		out := newVec(types.Dynamic, n)
		for i := 0; i < n; i++ {
			x, err := f(args, i)
			if err != nil {
				return nil, err
			}
			store(out, i, x)
		}
		return out, nil
	}
}

// zeroFilled reads a series as reals, a non-number counting as 0.
func zeroFilled(arr []any) []float64 {
	xs := make([]float64, len(arr))
	for k, d := range arr {
		if x, ok, _ := seriesNum(d); ok {
			xs[k] = x
		}
	}
	return xs
}

// optReal reads optional argument k as a real, def when absent or null.
func optReal(args []*vector.Vector, k, i int, def float64) float64 {
	if len(args) <= k {
		return def
	}
	if x, ok := realAt(args[k], i); ok {
		return x
	}
	return def
}

// optText reads optional argument k as text, def when absent or empty.
func optText(args []*vector.Vector, k, i int, def string) string {
	if len(args) <= k || nullAt(args[k], i) {
		return def
	}
	if s := textAt(args[k], i); s != "" {
		return strings.ToLower(s)
	}
	return def
}

func firRow(args []*vector.Vector, i int) types.Value {
	null := types.NullOf(types.Dynamic)
	arr, ok1 := seriesAt(args[0], i)
	filter, ok2 := seriesAt(args[1], i)
	if !ok1 || !ok2 || len(filter) == 0 {
		return null
	}
	coef := zeroFilled(filter)
	negative := slices.ContainsFunc(coef, func(c float64) bool { return c < 0 })
	normalize, center := !negative, false
	if len(args) > 2 && !nullAt(args[2], i) {
		normalize, _ = boolAt(args[2], i)
	}
	if len(args) > 3 && !nullAt(args[3], i) {
		center, _ = boolAt(args[3], i)
	}
	if normalize {
		var sum float64
		for _, c := range coef {
			sum += c
		}
		if negative || sum == 0 {
			return null
		}
		for k := range coef {
			coef[k] /= sum
		}
	}
	xs := zeroFilled(arr)
	shift := 0
	if center {
		shift = (len(coef) - 1) / 2
	}
	out := make([]any, len(xs))
	for n := range xs {
		var y float64
		for k, c := range coef {
			if j := n - k + shift; j >= 0 && j < len(xs) {
				y += c * xs[j]
			}
		}
		out[n] = y
	}
	return types.NewDynamic(out)
}

func iirRow(args []*vector.Vector, i int) types.Value {
	null := types.NullOf(types.Dynamic)
	arr, ok1 := seriesAt(args[0], i)
	num, ok2 := seriesAt(args[1], i)
	den, ok3 := seriesAt(args[2], i)
	if !ok1 || !ok2 || !ok3 || len(den) == 0 {
		return null
	}
	b, a := zeroFilled(num), zeroFilled(den)
	if a[0] == 0 {
		return null
	}
	xs := zeroFilled(arr)
	ys := make([]float64, len(xs))
	out := make([]any, len(xs))
	for n := range xs {
		var y float64
		for k, c := range b {
			if n-k >= 0 {
				y += c * xs[n-k]
			}
		}
		for k := 1; k < len(a); k++ {
			if n-k >= 0 {
				y -= a[k] * ys[n-k]
			}
		}
		ys[n] = y / a[0]
		out[n] = ys[n]
	}
	return types.NewDynamic(out)
}

// lagCorrelation is the score of period p: the Pearson correlation of the series
// with itself shifted by p, 0 when negative or undefined.
func lagCorrelation(xs []float64, p int) float64 {
	n := len(xs) - p
	if p <= 0 || n < 2 {
		return 0
	}
	a, b := xs[:n], xs[p:]
	var ma, mb float64
	for k := range a {
		ma += a[k]
		mb += b[k]
	}
	ma, mb = ma/float64(n), mb/float64(n)
	var cov, va, vb float64
	for k := range a {
		cov += (a[k] - ma) * (b[k] - mb)
		va += (a[k] - ma) * (a[k] - ma)
		vb += (b[k] - mb) * (b[k] - mb)
	}
	if va == 0 || vb == 0 {
		return 0
	}
	return max(0, cov/math.Sqrt(va*vb))
}

// detectPeriods scores the whole periods from minP to maxP that have at least 4
// points and are shorter than half the series, and returns the best count of them,
// the higher score (then the shorter period) first.
func detectPeriods(xs []float64, minP, maxP float64, count int) (periods, scores []float64) {
	lo := max(4, int(math.Ceil(minP)))
	hi := int(math.Floor(maxP))
	if limit := (len(xs) - 1) / 2; hi > limit {
		hi = limit
	}
	type cand struct {
		p     int
		score float64
	}
	var cands []cand
	for p := lo; p <= hi; p++ {
		if s := lagCorrelation(xs, p); s > 0 {
			cands = append(cands, cand{p, s})
		}
	}
	slices.SortStableFunc(cands, func(a, b cand) int {
		if a.score != b.score {
			if a.score > b.score {
				return -1
			}
			return 1
		}
		return a.p - b.p
	})
	for k := 0; k < count; k++ {
		if k < len(cands) {
			periods, scores = append(periods, float64(cands[k].p)), append(scores, cands[k].score)
		} else {
			periods, scores = append(periods, 0), append(scores, 0)
		}
	}
	return periods, scores
}

func periodsBag(periods, scores []float64) types.Value {
	return types.NewDynamic(map[string]any{"periods": realsDyn(periods), "scores": realsDyn(scores)})
}

func periodsDetectRow(args []*vector.Vector, i int) types.Value {
	arr, ok := seriesAt(args[0], i)
	minP, ok1 := realAt(args[1], i)
	maxP, ok2 := realAt(args[2], i)
	count, ok3 := longAt(args[3], i)
	if !ok || !ok1 || !ok2 || !ok3 {
		return types.NullOf(types.Dynamic)
	}
	return periodsBag(detectPeriods(zeroFilled(arr), minP, maxP, int(min(max(count, 0), 1024))))
}

func periodsValidateRow(args []*vector.Vector, i int) types.Value {
	arr, ok := seriesAt(args[0], i)
	if !ok {
		return types.NullOf(types.Dynamic)
	}
	xs := zeroFilled(arr)
	var periods, scores []float64
	for _, a := range args[1:] {
		p, ok := realAt(a, i)
		if !ok {
			return types.NullOf(types.Dynamic)
		}
		score := 0.0
		if p == math.Trunc(p) && p >= 4 && int(p) <= (len(xs)-1)/2 {
			score = lagCorrelation(xs, int(p))
		}
		periods, scores = append(periods, p), append(scores, score)
	}
	return periodsBag(periods, scores)
}

// median of a non-empty slice (which it sorts).
func median(xs []float64) float64 {
	slices.Sort(xs)
	m := len(xs) / 2
	if len(xs)%2 == 1 {
		return xs[m]
	}
	return (xs[m-1] + xs[m]) / 2
}

// seasonalOf is the seasonal component of length n learned from xs: the median of
// the elements at each position of the period; zeros for period 0.
func seasonalOf(xs []float64, period, n int) []float64 {
	out := make([]float64, n)
	if period <= 0 || len(xs) == 0 {
		return out
	}
	meds := make([]float64, period)
	for ph := 0; ph < period && ph < len(xs); ph++ {
		var at []float64
		for k := ph; k < len(xs); k += period {
			at = append(at, xs[k])
		}
		meds[ph] = median(at)
	}
	for k := range out {
		out[k] = meds[k%period]
	}
	return out
}

// periodOf resolves a period parameter: -1 detects it (0 when no period scores
// at least threshold), a negative or zero value means none.
func periodOf(xs []float64, period, threshold float64) int {
	if period == -1 {
		ps, ss := detectPeriods(xs, 4, float64(len(xs)), 1)
		if ss[0] >= threshold {
			return int(ps[0])
		}
		return 0
	}
	if period < 1 {
		return 0
	}
	return int(period)
}

func seasonalRow(args []*vector.Vector, i int) types.Value {
	arr, ok := seriesAt(args[0], i)
	if !ok {
		return types.NullOf(types.Dynamic)
	}
	xs := zeroFilled(arr)
	p := periodOf(xs, optReal(args, 1, i, -1), seasonalityThreshold)
	return types.NewDynamic(realsDyn(seasonalOf(xs, p, len(xs))))
}

// percentile of sorted xs at pc (0 to 100), interpolating between ranks.
func percentile(sorted []float64, pc float64) float64 {
	if len(sorted) == 1 {
		return sorted[0]
	}
	r := pc / 100 * float64(len(sorted)-1)
	lo := int(math.Floor(r))
	if lo >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[lo] + (r-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// outlierScores scores each element by how far it lies outside the range of the
// percentiles lo and hi, in units of that range; ignored elements score 0.
func outlierScores(xs []float64, skip []bool, lo, hi float64) []float64 {
	var vals []float64
	for k, x := range xs {
		if !skip[k] {
			vals = append(vals, x)
		}
	}
	scores := make([]float64, len(xs))
	if len(vals) == 0 {
		return scores
	}
	slices.Sort(vals)
	q1, q3 := percentile(vals, lo), percentile(vals, hi)
	iqr := q3 - q1
	for k, x := range xs {
		switch {
		case skip[k] || iqr == 0:
		case x > q3:
			scores[k] = (x - q3) / iqr
		case x < q1:
			scores[k] = (x - q1) / iqr
		}
	}
	return scores
}

// outlierRange resolves the kind of test to its two percentiles.
func outlierRange(kind string, args []*vector.Vector, k, i int) (float64, float64, error) {
	switch kind {
	case "tukey":
		return 25, 75, nil
	case "ctukey":
		lo, hi := optReal(args, k, i, 10), optReal(args, k+1, i, 90)
		if lo < 2 || hi > 98 || lo >= hi {
			return 0, 0, fmt.Errorf("series_outliers(): the percentiles must be within [2, 98] and min_percentile below max_percentile, got %g and %g", lo, hi)
		}
		return lo, hi, nil
	}
	return 0, 0, fmt.Errorf("series_outliers(): kind must be 'tukey' or 'ctukey', got '%s'", kind)
}

func outliersRow(args []*vector.Vector, i int) (types.Value, error) {
	arr, ok := seriesAt(args[0], i)
	if !ok {
		return types.NullOf(types.Dynamic), nil
	}
	lo, hi, err := outlierRange(optText(args, 1, i, "ctukey"), args, 3, i)
	if err != nil {
		return types.Value{}, err
	}
	xs, num := seriesReals(arr)
	skip := make([]bool, len(xs))
	ignore, hasIgnore := 0.0, false
	if len(args) > 2 {
		ignore, hasIgnore = realAt(args[2], i)
	}
	for k := range xs {
		skip[k] = !num[k] || hasIgnore && xs[k] == ignore
	}
	return types.NewDynamic(realsDyn(outlierScores(xs, skip, lo, hi))), nil
}

// decomposition is a series split into baseline (seasonal plus trend), seasonal,
// trend and residual.
type decomposition struct {
	baseline, seasonal, trend, residual []float64
}

// decompose learns the seasonal and trend components from all but the last test
// points of xs and extends them over the test points.
func decompose(xs []float64, period float64, trend string, test int, threshold float64) (decomposition, error) {
	n := len(xs)
	test = min(max(test, 0), n)
	train := xs[:n-test]
	var d decomposition
	d.seasonal = seasonalOf(train, periodOf(train, period, threshold), n)
	deseason := make([]float64, len(train))
	for k := range train {
		deseason[k] = train[k] - d.seasonal[k]
	}
	d.trend = make([]float64, n)
	switch trend {
	case "avg":
		var mean float64
		for _, x := range deseason {
			mean += x
		}
		if len(deseason) > 0 {
			mean /= float64(len(deseason))
		}
		for k := range d.trend {
			d.trend[k] = mean
		}
	case "linefit":
		ok := make([]bool, len(deseason))
		for k := range ok {
			ok[k] = true
		}
		if f, fitted := fitLine(deseason, ok); fitted {
			for k := range d.trend {
				d.trend[k] = f.slope*float64(k+1) + f.interception
			}
		}
	case "none":
	default:
		return d, fmt.Errorf("the trend must be 'avg', 'linefit' or 'none', got '%s'", trend)
	}
	d.baseline, d.residual = make([]float64, n), make([]float64, n)
	for k := range xs {
		d.baseline[k] = d.seasonal[k] + d.trend[k]
		d.residual[k] = xs[k] - d.baseline[k]
	}
	return d, nil
}

func decomposeRow(args []*vector.Vector, i int) (types.Value, error) {
	arr, ok := seriesAt(args[0], i)
	if !ok {
		return types.NullOf(types.Dynamic), nil
	}
	test := int64(0)
	if len(args) > 3 {
		test, _ = longAt(args[3], i)
	}
	d, err := decompose(zeroFilled(arr), optReal(args, 1, i, -1), optText(args, 2, i, "avg"), int(test), optReal(args, 4, i, 0.6))
	if err != nil {
		return types.Value{}, fmt.Errorf("series_decompose(): %v", err)
	}
	return types.NewDynamic(map[string]any{"baseline": realsDyn(d.baseline), "seasonal": realsDyn(d.seasonal),
		"trend": realsDyn(d.trend), "residual": realsDyn(d.residual)}), nil
}

func decomposeAnomaliesRow(args []*vector.Vector, i int) (types.Value, error) {
	arr, ok := seriesAt(args[0], i)
	if !ok {
		return types.NullOf(types.Dynamic), nil
	}
	threshold := optReal(args, 1, i, 1.5)
	test := int64(0)
	if len(args) > 4 {
		test, _ = longAt(args[4], i)
	}
	d, err := decompose(zeroFilled(arr), optReal(args, 2, i, -1), optText(args, 3, i, "linefit"), int(test), optReal(args, 6, i, 0.6))
	if err != nil {
		return types.Value{}, fmt.Errorf("series_decompose_anomalies(): %v", err)
	}
	lo, hi := 10.0, 90.0
	switch method := optText(args, 5, i, "ctukey"); method {
	case "ctukey":
	case "tukey":
		lo, hi = 25, 75
	default:
		return types.Value{}, fmt.Errorf("series_decompose_anomalies(): AD_method must be 'ctukey' or 'tukey', got '%s'", method)
	}
	scores := outlierScores(d.residual, make([]bool, len(d.residual)), lo, hi)
	flags := make([]any, len(scores))
	for k, s := range scores {
		switch {
		case s > threshold:
			flags[k] = int64(1)
		case s < -threshold:
			flags[k] = int64(-1)
		default:
			flags[k] = int64(0)
		}
	}
	return types.NewDynamic(map[string]any{"ad_flag": flags, "ad_score": realsDyn(scores), "baseline": realsDyn(d.baseline)}), nil
}

func decomposeForecastRow(args []*vector.Vector, i int) (types.Value, error) {
	arr, ok := seriesAt(args[0], i)
	points, ok2 := longAt(args[1], i)
	if !ok || !ok2 {
		return types.NullOf(types.Dynamic), nil
	}
	d, err := decompose(zeroFilled(arr), optReal(args, 2, i, -1), optText(args, 3, i, "linefit"), int(points), optReal(args, 4, i, 0.6))
	if err != nil {
		return types.Value{}, fmt.Errorf("series_decompose_forecast(): %v", err)
	}
	return types.NewDynamic(realsDyn(d.baseline)), nil
}
