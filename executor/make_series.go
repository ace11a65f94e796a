package executor

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/spoorhq/spoor/functions"
	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

func init() { register(&planner.MakeSeries{}, buildMakeSeries) }

// maxSeriesBins is the most bins one series may have, as in Kusto (2^20).
const maxSeriesBins = 1 << 20

func buildMakeSeries(r *run, n planner.Node, out operator) (func() error, error) {
	x := n.(*planner.MakeSeries)
	grid, err := newSeriesGrid(x)
	if err != nil {
		return nil, err
	}
	op := &makeSeriesOp{r: r, node: x, grid: grid, out: out, groups: map[string]*seriesGroup{}}
	return r.build(x.Input, op)
}

// seriesGrid places axis values in bins: bin k starts at origin + k*step.
// Integer axes (datetime, timespan, int, long) with an integer or timespan
// step use exact int64 arithmetic; others float64. The bins kept run from lo
// to hi; a bound the query does not give comes from the data. Rows are kept
// when their axis value is within the bounds the query gives: from (or the
// range's start) inclusive, to exclusive (the range's stop inclusive).
type seriesGrid struct {
	real           bool
	origin, step   int64
	originF, stepF float64
	axis           types.Type
	lo, hi         int64
	hasLo, hasHi   bool
	min, max       types.Value // value bounds; Null when not given
	maxInclusive   bool
}

// newSeriesGrid evaluates the range of a make-series (its expressions read no
// column) and works out the bins it fixes.
func newSeriesGrid(x *planner.MakeSeries) (*seriesGrid, error) {
	g := &seriesGrid{axis: x.Axis.Type(), min: types.Value{Null: true}, max: types.Value{Null: true}}
	step, err := seriesBound(x.Step)
	if err != nil {
		return nil, err
	}
	var from, to types.Value
	hasFrom, hasTo := false, false
	if x.From != nil {
		if from, err = seriesBound(x.From); err != nil {
			return nil, err
		}
		hasFrom = !from.Null
	}
	if x.To != nil {
		if to, err = seriesBound(x.To); err != nil {
			return nil, err
		}
		hasTo = !to.Null
	}
	if x.InRange && (!hasFrom || !hasTo) {
		return nil, fmt.Errorf("make-series: the range's start and stop must not be null")
	}
	realType := func(t types.Type) bool { return t == types.Real || t == types.Decimal }
	g.real = realType(g.axis) || realType(step.Type) || hasFrom && realType(from.Type) || hasTo && realType(to.Type)
	if step.Null {
		return nil, fmt.Errorf("make-series: 'step' is null")
	}
	if g.real {
		g.stepF = seriesReal(step)
		if !(g.stepF > 0) || math.IsInf(g.stepF, 0) {
			return nil, fmt.Errorf("make-series: 'step' must be greater than zero, got %s", types.Format(step))
		}
	} else {
		g.step = step.I
		if g.step <= 0 {
			return nil, fmt.Errorf("make-series: 'step' must be greater than zero, got %s", types.Format(step))
		}
	}
	switch {
	case x.InRange:
		// bin() alignment; the stop is inclusive.
		g.lo, g.hasLo = g.binOf(from)
		g.hi, g.hasHi = g.binOf(to)
		g.min, g.max, g.maxInclusive = from, to, true
	default:
		if hasFrom {
			g.origin, g.originF = from.I, seriesReal(from)
			g.lo, g.hasLo = 0, true
			g.min = from
		}
		if hasTo {
			g.max = to
			// The bins that start before to.
			if g.real {
				k := math.Ceil((seriesReal(to)-g.originF)/g.stepF) - 1
				if math.IsNaN(k) || math.Abs(k) > 1<<53 {
					return nil, fmt.Errorf("make-series: 'to' is out of range")
				}
				g.hi = int64(k)
			} else {
				g.hi = seriesCeilDiv(to.I-g.origin, g.step) - 1
			}
			g.hasHi = true
		}
	}
	if g.hasLo && g.hasHi && g.hi-g.lo+1 > maxSeriesBins {
		return nil, seriesBinsError(g.hi - g.lo + 1)
	}
	return g, nil
}

func seriesBinsError(n int64) error {
	return fmt.Errorf("make-series would make %d bins, more than the limit of %d; use a larger step or a narrower range", n, maxSeriesBins)
}

// seriesBound evaluates an expression that reads no column.
func seriesBound(x planner.Expr) (types.Value, error) {
	v, err := eval(x, &vector.Batch{Len: 1})
	if err != nil {
		return types.Value{}, err
	}
	return v.Value(0), nil
}

// seriesReal reads a number (or ticks) as a float64.
func seriesReal(v types.Value) float64 {
	switch v.Type {
	case types.Real:
		return v.F
	case types.Decimal:
		f, _ := strconv.ParseFloat(v.S, 64)
		return f
	}
	return float64(v.I)
}

// binOf is the bin index of a value with the grid's origin, or false when it
// is null or too far out to index.
func (g *seriesGrid) binOf(v types.Value) (int64, bool) {
	if v.Null {
		return 0, false
	}
	if g.real {
		k := math.Floor((seriesReal(v) - g.originF) / g.stepF)
		if math.IsNaN(k) || math.Abs(k) > 1<<53 {
			return 0, false
		}
		return int64(k), true
	}
	d := v.I - g.origin
	if (v.I >= 0) != (g.origin >= 0) && (d >= 0) != (v.I >= 0) {
		return 0, false // the difference overflows
	}
	return seriesFloorDiv(d, g.step), true
}

// index is the bin of row i of the axis, or false when the row has no bin.
func (g *seriesGrid) index(v *vector.Vector, i int) (int64, bool) {
	if v.IsNull(i) {
		return 0, false
	}
	a := v.Value(i)
	if !g.min.Null && g.compare(a, g.min) < 0 {
		return 0, false
	}
	if !g.max.Null {
		if c := g.compare(a, g.max); c > 0 || c == 0 && !g.maxInclusive {
			return 0, false
		}
	}
	k, ok := g.binOf(a)
	if !ok || g.hasLo && k < g.lo || g.hasHi && k > g.hi {
		return 0, false
	}
	return k, true
}

// compare orders two axis values (or bounds) numerically.
func (g *seriesGrid) compare(a, b types.Value) int {
	if g.real {
		x, y := seriesReal(a), seriesReal(b)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	return cmp(a.I, b.I)
}

// start is the dynamic value of the start of bin k, as the axis array holds it.
func (g *seriesGrid) start(k int64) any {
	if g.real {
		return g.originF + float64(k)*g.stepF
	}
	v := g.origin + k*g.step
	switch g.axis {
	case types.Datetime:
		return datetimeElement(v)
	case types.Timespan:
		return types.Format(types.NewTimespan(v))
	}
	return v
}

func seriesFloorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func seriesCeilDiv(a, b int64) int64 { return -seriesFloorDiv(-a, b) }

// makeSeriesOp folds rows into per-group, per-bin aggregate states and emits
// one row of arrays per group when its input ends. push runs on several
// goroutines at once: each folds its batch into groups of its own, then merges
// them into the shared ones under the lock.
type makeSeriesOp struct {
	r      *run
	node   *planner.MakeSeries
	grid   *seriesGrid
	out    operator
	mu     sync.Mutex
	groups map[string]*seriesGroup
	minK   int64
	maxK   int64
	seen   bool
	held   int64
}

// seriesGroup is one series: its key values and the states of its bins.
type seriesGroup struct {
	keys []types.Value
	bins map[int64][]functions.AggState
}

func (m *makeSeriesOp) push(b *vector.Batch) error {
	x := m.node
	axis, err := eval(x.Axis, b)
	if err != nil {
		return err
	}
	keys := make([]*vector.Vector, len(x.Keys))
	for i, k := range x.Keys {
		if keys[i], err = eval(k, b); err != nil {
			return err
		}
	}
	args := make([][]*vector.Vector, len(x.Aggs))
	for i, a := range x.Aggs {
		for _, e := range a.Args {
			v, err := eval(e, b)
			if err != nil {
				return err
			}
			args[i] = append(args[i], v)
		}
	}
	local := map[string]*seriesGroup{}
	var kb []byte
	minK, maxK, seen := int64(math.MaxInt64), int64(math.MinInt64), false
	for r := 0; r < b.Len; r++ {
		k, ok := m.grid.index(axis, r)
		if !ok {
			continue
		}
		seen = true
		minK, maxK = min(minK, k), max(maxK, k)
		kb = kb[:0]
		for _, kv := range keys {
			kb = appendKey(kb, kv, r)
		}
		g, ok := local[string(kb)]
		if !ok {
			g = &seriesGroup{keys: make([]types.Value, len(keys)), bins: map[int64][]functions.AggState{}}
			for i, kv := range keys {
				g.keys[i] = kv.Value(r)
			}
			local[string(kb)] = g
		}
		st, ok := g.bins[k]
		if !ok {
			st = aggStatesFor(x.Aggs)
			g.bins[k] = st
		}
		for i, s := range st {
			s.Add(args[i], r)
		}
	}
	if !seen {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.seen || minK < m.minK {
		m.minK = minK
	}
	if !m.seen || maxK > m.maxK {
		m.maxK = maxK
	}
	m.seen = true
	var grown int64
	binBytes := 64 + 48*int64(len(x.Aggs))
	for key, g := range local {
		into, ok := m.groups[key]
		if !ok {
			m.groups[key] = g
			grown += int64(len(key)) + 64 + binBytes*int64(len(g.bins))
			for _, v := range g.keys {
				grown += valueBytes(v)
			}
			continue
		}
		for k, st := range g.bins {
			have, ok := into.bins[k]
			if !ok {
				into.bins[k] = st
				grown += binBytes
				continue
			}
			for i, s := range have {
				s.Merge(st[i])
			}
		}
	}
	if err := m.r.reserve(grown, "make-series"); err != nil {
		return err
	}
	m.held += grown
	return nil
}

// aggStatesFor makes the empty states of a list of aggregate calls.
func aggStatesFor(aggs []planner.AggCall) []functions.AggState {
	out := make([]functions.AggState, len(aggs))
	for i, a := range aggs {
		ts := make([]types.Type, len(a.Args))
		for j, e := range a.Args {
			ts[j] = e.Type()
		}
		out[i] = a.Fn.NewAgg(ts)
	}
	return out
}

func (m *makeSeriesOp) finish() error {
	x := m.node
	m.mu.Lock()
	keys := make([]string, 0, len(m.groups))
	for k := range m.groups {
		keys = append(keys, k)
	}
	m.mu.Unlock()
	defer m.r.release(m.held)
	sort.Strings(keys)
	if len(keys) == 0 && !x.NonEmpty {
		return m.out.finish()
	}
	lo, hi := m.grid.lo, m.grid.hi
	if !m.grid.hasLo {
		lo = m.minK
	}
	if !m.grid.hasHi {
		hi = m.maxK
	}
	var nbins int64
	if (m.grid.hasLo || m.seen) && (m.grid.hasHi || m.seen) && hi >= lo {
		nbins = hi - lo + 1
	}
	if nbins > maxSeriesBins {
		return seriesBinsError(nbins)
	}
	groups := make([]*seriesGroup, len(keys))
	for i, k := range keys {
		groups[i] = m.groups[k]
	}
	if len(groups) == 0 {
		// kind=nonempty over no rows: one series of defaults, null keys.
		g := &seriesGroup{keys: make([]types.Value, len(x.Keys))}
		for i, k := range x.Keys {
			g.keys[i] = types.NullOf(k.Type())
		}
		groups = append(groups, g)
	}
	for start := 0; start < len(groups); start += vector.BatchSize {
		if err := m.r.ctx.Err(); err != nil {
			return err
		}
		part := groups[start:min(start+vector.BatchSize, len(groups))]
		b, err := m.batch(part, lo, nbins)
		if err != nil {
			return err
		}
		if err := m.out.push(b); err != nil {
			if err == errStop {
				break
			}
			return err
		}
	}
	return m.out.finish()
}

// batch builds the output rows of some series over bins lo .. lo+nbins-1.
func (m *makeSeriesOp) batch(part []*seriesGroup, lo, nbins int64) (*vector.Batch, error) {
	x := m.node
	cols := x.Out
	b := &vector.Batch{Len: len(part), Cols: make([]*vector.Vector, len(cols))}
	for i, c := range cols {
		b.Cols[i] = vector.New(c.Type, len(part))
	}
	nk := len(x.Keys)
	defaults := make([]any, len(x.Defaults))
	for i, d := range x.Defaults {
		defaults[i] = seriesElement(d)
	}
	for _, g := range part {
		for i, k := range g.keys {
			b.Cols[i].Append(k)
		}
		arrays := make([][]any, len(x.Values))
		for i := range arrays {
			arrays[i] = make([]any, nbins)
			for j := range arrays[i] {
				arrays[i][j] = defaults[i]
			}
		}
		if err := m.fill(g, lo, nbins, arrays); err != nil {
			return nil, err
		}
		for i, a := range arrays {
			b.Cols[nk+i].Append(types.NewDynamic(a))
		}
		axis := make([]any, nbins)
		for j := range axis {
			axis[j] = m.grid.start(lo + int64(j))
		}
		b.Cols[len(cols)-1].Append(types.NewDynamic(axis))
	}
	return b, nil
}

// fill puts the aggregations of the bins of g that hold rows into arrays.
func (m *makeSeriesOp) fill(g *seriesGroup, lo, nbins int64, arrays [][]any) error {
	x := m.node
	ks := make([]int64, 0, len(g.bins))
	for k := range g.bins {
		if k >= lo && k-lo < nbins {
			ks = append(ks, k)
		}
	}
	if len(ks) == 0 {
		return nil
	}
	res := &vector.Batch{Len: len(ks), Cols: make([]*vector.Vector, len(x.Aggs))}
	for i, a := range x.Aggs {
		v := vector.New(a.T, len(ks))
		for _, k := range ks {
			v.Append(fitType(g.bins[k][i].Result(), a.T))
		}
		res.Cols[i] = v
	}
	for i, vx := range x.Values {
		v, err := eval(vx, res)
		if err != nil {
			return err
		}
		for j, k := range ks {
			arrays[i][k-lo] = seriesElement(v.Value(j))
		}
	}
	return nil
}

// seriesElement is a value as an element of a dynamic array; a null is null.
func seriesElement(v types.Value) any {
	if v.Type == types.Datetime && !v.Null {
		return datetimeElement(v.I)
	}
	d, _ := dynamicItem(v)
	return d
}

// datetimeElement is a datetime in a series as Kusto shows it, with all
// seven fraction digits: 2017-01-01T00:00:00.0000000Z.
func datetimeElement(ticks int64) string {
	s := strings.TrimSuffix(types.Format(types.NewDatetime(ticks)), "Z")
	if i := strings.IndexByte(s, '.'); i < 0 {
		s += ".0000000"
	} else if digits := len(s) - i - 1; digits < 7 {
		s += strings.Repeat("0", 7-digits)
	}
	return s + "Z"
}
