package functions

import (
	"fmt"
	"math"
	"slices"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Percentiles. Kusto estimates them with a t-digest and reports the
// nearest-rank percentile: the smallest value whose cumulative weight reaches
// p% of the total (at least the first value). Here the digest keeps every value
// exactly until a group holds digestLimit of them, so the results on groups of
// that size are exact; past it, neighbouring values merge into centroids whose
// size grows towards the median, as a t-digest's do, and the extremes stay exact.
//
// tdigest() returns the digest as a dynamic value: [1, type, [values], [weights]],
// which tdigest_merge, merge_tdigest, percentile_tdigest and rank_tdigest read.

const (
	digestLimit       = 20000 // values kept exactly before compression
	digestCompression = 1000  // a t-digest's delta: the size of a compressed digest
)

func init() {
	single := func(name, doc string, weighted bool) {
		n := 2
		if weighted {
			n = 3
		}
		aggregate(name, n, n, doc, percentileCheck(weighted, false), func(args []types.Type) AggState {
			return newPctState(args, weighted, false)
		})
	}
	single("percentile", "The nearest-rank percentile of the values (exact up to 20000 values per group, estimated past that)", false)
	single("percentilew", "The nearest-rank weighted percentile of the values: the second argument is each value's weight", true)
	aggregate("percentiles", 2, 2, "percentile(); several percentiles at once are not supported yet (use percentiles_array)",
		percentileCheck(false, false), func(args []types.Type) AggState { return newPctState(args, false, false) })
	aggregate("percentilesw", 3, 3, "percentilew(); several percentiles at once are not supported yet (use percentilesw_array)",
		percentileCheck(true, false), func(args []types.Type) AggState { return newPctState(args, true, false) })
	aggregate("percentiles_array", 2, -1, "A dynamic array of nearest-rank percentiles of the values, for percentiles given as arguments or as one dynamic array",
		percentileCheck(false, true), func(args []types.Type) AggState { return newPctState(args, false, true) })
	aggregate("percentilesw_array", 3, -1, "A dynamic array of weighted nearest-rank percentiles of the values",
		percentileCheck(true, true), func(args []types.Type) AggState { return newPctState(args, true, true) })

	aggregate("tdigest", 1, 2, "A dynamic digest of the values (and optional weights) for percentile_tdigest and rank_tdigest",
		func(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
			if !digestType(args[0]) {
				return types.Unknown, fmt.Errorf("%s() expects a number, datetime or timespan, got %s", name, args[0])
			}
			if len(args) > 1 && !isInteger(args[1]) {
				return types.Unknown, argErr(name, intArg.as("weight"), args[1])
			}
			return types.Dynamic, nil
		}, func(args []types.Type) AggState {
			s := &digestState{d: digest{t: digestResultType(args[0])}, weighted: len(args) > 1}
			return s
		})
	aggregate("tdigest_merge", 1, 1, "Merges the digests made by tdigest() into one", sig(types.Dynamic, dynArg),
		func([]types.Type) AggState { return &digestState{merging: true} })
	Alias("merge_tdigests", "tdigest_merge")
	scalar("merge_tdigest", 1, -1, "Merges digests made by tdigest() into one", sig(types.Dynamic, dynArg),
		rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			var d digest
			for _, a := range args {
				o, ok := digestOf(a.Dyn[i])
				if !ok {
					return types.NullOf(types.Dynamic)
				}
				d.merge(&o)
			}
			return types.NewDynamic(d.toDynamic())
		}))
	scalar("percentile_tdigest", 2, 2, "The nearest-rank percentile of the values a digest holds, as a real",
		sig(types.Real, dynArg.as("digest"), numArg.as("percentile")), rowsTo(types.Real, func(args []*vector.Vector, i int) types.Value {
			d, ok1 := digestOf(args[0].Dyn[i])
			p, ok2 := realAt(args[1], i)
			if !ok1 || !ok2 {
				return types.NullOf(types.Real)
			}
			c, ok := d.quantile(p)
			if !ok {
				return types.NullOf(types.Real)
			}
			return types.NewReal(c.mean)
		}))
	scalar("percentiles_array_tdigest", 2, -1, "A dynamic array of the nearest-rank percentiles of the values a digest holds",
		sig(types.Dynamic, dynArg.as("digest"), anyScalar.as("percentiles")), rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			d, ok := digestOf(args[0].Dyn[i])
			if !ok {
				return types.NullOf(types.Dynamic)
			}
			return types.NewDynamic(d.quantiles(percentArgs(args[1:], i)))
		}))
	scalar("rank_tdigest", 2, 2, "The number of values in a digest that are at most a value",
		sig(types.Long, dynArg.as("digest"), anyScalar.as("value")), rowsTo(types.Long, func(args []*vector.Vector, i int) types.Value {
			d, ok := digestOf(args[0].Dyn[i])
			v, ok2 := realAt(args[1], i)
			if !ok || !ok2 {
				return types.NullOf(types.Long)
			}
			var rank float64
			for _, c := range d.cs {
				if c.mean <= v {
					rank += c.w
				}
			}
			return types.NewLong(int64(rank))
		}))
	scalar("percentrank_tdigest", 2, 2, "The percentage of the values in a digest that are at most a value: rank_tdigest() over the digest's size, times 100",
		sig(types.Real, dynArg.as("digest"), anyScalar.as("value")), rowsTo(types.Real, func(args []*vector.Vector, i int) types.Value {
			d, ok := digestOf(args[0].Dyn[i])
			v, ok2 := realAt(args[1], i)
			if !ok || !ok2 {
				return types.NullOf(types.Real)
			}
			var rank, total float64
			for _, c := range d.cs {
				total += c.w
				if c.mean <= v {
					rank += c.w
				}
			}
			if total == 0 {
				return types.NullOf(types.Real)
			}
			return types.NewReal(rank / total * 100)
		}))
	Alias("percentile_array_tdigest", "percentiles_array_tdigest")
}

func digestType(t types.Type) bool {
	return t.Numeric() || t == types.Datetime || t == types.Timespan
}

// digestResultType is the type of a percentile of values of type t: long for
// integers, real for reals and decimals, and datetime and timespan as they are.
func digestResultType(t types.Type) types.Type {
	switch {
	case isInteger(t):
		return types.Long
	case t == types.Datetime || t == types.Timespan:
		return t
	}
	return types.Real
}

func percentileCheck(weighted, array bool) checkFn {
	return func(name string, args []types.Type, consts []*types.Value) (types.Type, error) {
		if !digestType(args[0]) {
			return types.Unknown, fmt.Errorf("%s() expects a number, datetime or timespan, got %s", name, args[0])
		}
		first := 1
		if weighted {
			if !isInteger(args[1]) {
				return types.Unknown, argErr(name, intArg.as("weight"), args[1])
			}
			first = 2
		}
		for k := first; k < len(args); k++ {
			if !(args[k].Numeric() || array && args[k] == types.Dynamic) {
				return types.Unknown, argErr(name, numArg.as("percentile"), args[k])
			}
			if consts[k] == nil {
				return types.Unknown, fmt.Errorf("%s() expects a constant percentile", name)
			}
			if p, ok := realAt(constVec(*consts[k]), 0); ok && (p < 0 || p > 100) {
				return types.Unknown, fmt.Errorf("%s() expects a percentile between 0 and 100, got %v", name, p)
			}
		}
		if array {
			return types.Dynamic, nil
		}
		return digestResultType(args[0]), nil
	}
}

// constVec is a one-row vector of x.
func constVec(x types.Value) *vector.Vector {
	v := vector.New(x.Type, 1)
	v.Append(x)
	return v
}

// percentArgs reads the percentiles of a call: numbers, or dynamic arrays of them.
func percentArgs(args []*vector.Vector, i int) []float64 {
	var ps []float64
	for _, a := range args {
		if a.Type == types.Dynamic {
			if arr, ok := a.Dyn[i].([]any); ok {
				for _, d := range arr {
					if p, ok := dynReal(d); ok {
						ps = append(ps, p)
					}
				}
				continue
			}
		}
		if p, ok := realAt(a, i); ok {
			ps = append(ps, p)
		}
	}
	return ps
}

// centroid is a value (or, after compression, the mean of neighbouring values)
// with its weight. exact is the value itself for integer-like types, which a
// float64 mean cannot hold exactly (datetime ticks).
type centroid struct {
	mean  float64
	w     float64
	exact int64
}

// digest is a mergeable summary of a distribution.
type digest struct {
	t      types.Type // long, real, datetime or timespan; Unknown before a typed value
	cs     []centroid
	total  float64
	sorted bool
}

func (d *digest) add(c centroid) {
	if c.w <= 0 {
		return
	}
	d.cs = append(d.cs, c)
	d.total += c.w
	d.sorted = false
	if len(d.cs) > digestLimit {
		d.compress()
	}
}

func (d *digest) merge(o *digest) {
	if d.t == types.Unknown {
		d.t = o.t
	}
	for _, c := range o.cs {
		d.add(c)
	}
}

func (d *digest) sort() {
	if !d.sorted {
		slices.SortStableFunc(d.cs, func(a, b centroid) int {
			switch {
			case a.mean < b.mean:
				return -1
			case a.mean > b.mean:
				return 1
			case a.exact < b.exact:
				return -1
			case a.exact > b.exact:
				return 1
			}
			return 0
		})
		d.sorted = true
	}
}

// compress merges neighbouring centroids while each stays within the t-digest
// size bound 4·n·q·(1−q)/δ for its quantile q.
func (d *digest) compress() {
	d.sort()
	out := d.cs[:0]
	var cum float64
	for _, c := range d.cs {
		if len(out) > 0 {
			last := &out[len(out)-1]
			q := (cum - last.w + (last.w+c.w)/2) / d.total
			if last.w+c.w <= 4*d.total*q*(1-q)/digestCompression {
				w := last.w + c.w
				last.mean += (c.mean - last.mean) * c.w / w
				last.w = w
				last.exact = int64(math.Round(last.mean))
				cum += c.w
				continue
			}
		}
		out = append(out, c)
		cum += c.w
	}
	d.cs = out
}

// quantile is the nearest-rank p-th percentile: the first centroid whose
// cumulative weight reaches p% of the total.
func (d *digest) quantile(p float64) (centroid, bool) {
	if len(d.cs) == 0 || math.IsNaN(p) {
		return centroid{}, false
	}
	d.sort()
	rank := p / 100 * d.total
	if r := math.Round(rank); math.Abs(rank-r) < 1e-9*math.Max(1, rank) {
		rank = r
	}
	rank = math.Ceil(rank)
	var cum float64
	for _, c := range d.cs {
		cum += c.w
		if cum >= rank {
			return c, true
		}
	}
	return d.cs[len(d.cs)-1], true
}

// value is centroid c as a value of the digest's type.
func (d *digest) value(c centroid) types.Value {
	switch d.t {
	case types.Long, types.Datetime, types.Timespan:
		return types.Value{Type: d.t, I: c.exact}
	}
	return types.NewReal(c.mean)
}

func (d *digest) quantiles(ps []float64) []any {
	out := make([]any, len(ps))
	for k, p := range ps {
		if c, ok := d.quantile(p); ok {
			out[k] = valueDyn(d.value(c))
		}
	}
	return out
}

func (d *digest) toDynamic() any {
	if len(d.cs) == 0 {
		return nil
	}
	d.sort()
	vals, ws := make([]any, len(d.cs)), make([]any, len(d.cs))
	for k, c := range d.cs {
		switch d.t {
		case types.Long, types.Datetime, types.Timespan:
			vals[k] = c.exact
		default:
			vals[k] = c.mean
		}
		ws[k] = int64(c.w)
	}
	return []any{int64(1), d.t.String(), vals, ws}
}

// digestOf reads a digest made by toDynamic.
func digestOf(x any) (digest, bool) {
	arr, ok := x.([]any)
	if !ok || len(arr) != 4 {
		return digest{}, false
	}
	name, _ := arr[1].(string)
	t, ok := types.ParseType(name)
	vals, ok1 := arr[2].([]any)
	ws, ok2 := arr[3].([]any)
	if !ok || !ok1 || !ok2 || len(vals) != len(ws) {
		return digest{}, false
	}
	d := digest{t: t}
	for k := range vals {
		w, ok := dynReal(ws[k])
		x, ok2 := dynNumber(vals[k])
		if !ok || !ok2 {
			return digest{}, false
		}
		c := centroid{w: w, exact: x.i, mean: x.f}
		if x.isInt {
			c.mean = float64(x.i)
		} else {
			c.exact = int64(math.Round(x.f))
		}
		d.add(c)
	}
	return d, true
}

// digestState is the state of percentile(s), tdigest and tdigest_merge. The
// percentiles are read from the call's constant arguments on the first row.
type digestState struct {
	d        digest
	weighted bool
	merging  bool // tdigest_merge: argument 0 is a digest
	array    bool // percentiles_array: the result is a dynamic array
	pctArgs  int  // index of the first percentile argument; 0 for tdigest
	ps       []float64
	result   bool // percentile(s): the result is the percentile, else the digest
}

func newPctState(args []types.Type, weighted, array bool) *digestState {
	s := &digestState{d: digest{t: digestResultType(args[0])}, weighted: weighted, array: array, result: true, pctArgs: 1}
	if weighted {
		s.pctArgs = 2
	}
	return s
}

func (s *digestState) Add(args []*vector.Vector, i int) {
	if s.result && s.ps == nil {
		s.ps = percentArgs(args[s.pctArgs:], i)
	}
	a := args[0]
	if s.merging {
		if o, ok := digestOf(a.Dyn[i]); ok {
			s.d.merge(&o)
		}
		return
	}
	if nullAt(a, i) {
		return
	}
	c := centroid{w: 1}
	if s.weighted {
		w, ok := longAt(args[1], i)
		if !ok || w <= 0 {
			return
		}
		c.w = float64(w)
	}
	switch vector.Storage(a.Type) {
	case vector.StoreInts:
		c.exact, c.mean = a.Ints[i], float64(a.Ints[i])
	default:
		x, ok := realAt(a, i)
		if !ok || math.IsNaN(x) {
			return
		}
		c.mean, c.exact = x, int64(math.Round(x))
	}
	s.d.add(c)
}

func (s *digestState) Merge(other AggState) {
	o := other.(*digestState)
	if s.ps == nil {
		s.ps = o.ps
	}
	s.d.merge(&o.d)
}

func (s *digestState) Result() types.Value {
	switch {
	case !s.result:
		return types.NewDynamic(s.d.toDynamic())
	case s.array:
		if len(s.d.cs) == 0 {
			return types.NullOf(types.Dynamic)
		}
		return types.NewDynamic(s.d.quantiles(s.ps))
	}
	if len(s.ps) == 0 {
		return types.NullOf(s.d.t)
	}
	c, ok := s.d.quantile(s.ps[0])
	if !ok {
		return types.NullOf(s.d.t)
	}
	return s.d.value(c)
}
