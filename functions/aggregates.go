package functions

import (
	"fmt"
	"math"
	"math/big"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Aggregate functions. Each state folds rows with Add, combines another partition's
// state with Merge and gives the group's value with Result. Nulls are ignored, as
// Kusto's docs say; a string is never null, so every string counts. The *if variants
// take a predicate after the value and skip rows where it is not true.
//
// dcount and the other distinct counts are in agg_hll.go, the statistics in
// agg_stats.go, the percentiles in agg_percentile.go.

func init() {
	aggregate("count", 0, 1, "The number of rows; count(x) counts every row, null or not, as Kusto's docs show (countif counts the true ones)",
		sig(types.Long, anyScalar), func([]types.Type) AggState { return &countState{} })
	aggregate("countif", 1, 1, "The number of rows where the predicate is true", sig(types.Long, predArg),
		func([]types.Type) AggState { return &countState{pred: true} })
	aggregate("sum", 1, 1, "The sum of the values", sumCheck(false), func(args []types.Type) AggState { return newSum(args[0]) })
	aggregate("sumif", 2, 2, "The sum of the values where the predicate is true", sumCheck(true),
		func(args []types.Type) AggState { return &ifState{inner: newSum(args[0]), pred: 1} })
	aggregate("avg", 1, 1, "The mean of the values (NaN for a group without values)", avgCheck(false),
		func(args []types.Type) AggState { return newAvg(args[0]) })
	aggregate("avgif", 2, 2, "The mean of the values where the predicate is true", avgCheck(true),
		func(args []types.Type) AggState { return &ifState{inner: newAvg(args[0]), pred: 1} })
	for _, m := range []struct {
		name string
		sign int8
	}{{"min", -1}, {"max", 1}} {
		m := m
		aggregate(m.name, 1, 1, "The "+m.name+"imum of the values", extremeCheck(false),
			func(args []types.Type) AggState { return &extremeState{sign: m.sign, t: args[0]} })
		aggregate(m.name+"if", 2, 2, "The "+m.name+"imum of the values where the predicate is true", extremeCheck(true),
			func(args []types.Type) AggState {
				return &ifState{inner: &extremeState{sign: m.sign, t: args[0]}, pred: 1}
			})
	}
	collect := func(name, doc string, set, cond bool) {
		params := []param{anyScalar.as("expr")}
		if cond {
			params = append(params, predArg.as("predicate"))
		}
		params = append(params, intArg.as("maxSize"))
		aggregate(name, len(params)-1, len(params), doc, sig(types.Dynamic, params...), func(args []types.Type) AggState {
			var st AggState = &listState{set: set, maxArg: len(params) - 1, limit: defaultMaxSize, seen: map[any]bool{}}
			if cond {
				st = &ifState{inner: st, pred: 1}
			}
			return st
		})
	}
	collect("make_set", "A dynamic array of the distinct values (an array value adds its elements)", true, false)
	collect("make_set_if", "A dynamic array of the distinct values where the predicate is true", true, true)
	collect("make_list", "A dynamic array of the values (an array value adds its elements)", false, false)
	collect("make_list_if", "A dynamic array of the values where the predicate is true (an array value adds its elements)", false, true)
	aggregate("make_bag", 1, 2, "A dynamic property bag of the keys and values of the property bags in the group (others are skipped)",
		sig(types.Dynamic, dynArg.as("expr"), intArg.as("maxSize")),
		func([]types.Type) AggState { return &bagState{maxArg: 1, limit: defaultMaxSize} })
	aggregate("make_bag_if", 2, 3, "make_bag of the rows where the predicate is true",
		sig(types.Dynamic, dynArg.as("expr"), predArg.as("predicate"), intArg.as("maxSize")),
		func([]types.Type) AggState {
			return &ifState{inner: &bagState{maxArg: 2, limit: defaultMaxSize}, pred: 1}
		})
	aggregate("take_any", 1, 1, "Any one non-null value of the group", func(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
		return args[0], nil
	}, func(args []types.Type) AggState { return &anyState{t: args[0]} })
	Alias("any", "take_any")
}

// defaultMaxSize is the default and largest maxSize of make_set, make_list and make_bag.
const defaultMaxSize = 1048576

// ifState applies inner to the rows where argument pred is true.
type ifState struct {
	inner AggState
	pred  int
}

func (s *ifState) Add(args []*vector.Vector, i int) {
	if tri(args[s.pred], i) == 1 {
		s.inner.Add(args, i)
	}
}

func (s *ifState) Merge(other AggState) { s.inner.Merge(other.(*ifState).inner) }
func (s *ifState) Result() types.Value  { return s.inner.Result() }

// countState counts rows: all of them, or those where the predicate is true.
type countState struct {
	n    int64
	pred bool // countif: count the true rows of args[0]
}

func (s *countState) Add(args []*vector.Vector, i int) {
	if !s.pred || tri(args[0], i) == 1 {
		s.n++
	}
}

func (s *countState) Merge(other AggState) { s.n += other.(*countState).n }
func (s *countState) Result() types.Value  { return types.NewLong(s.n) }

// sum

func sumCheck(cond bool) checkFn {
	return func(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
		if cond && !predArg.ok(args[1]) {
			return types.Unknown, argErr(name, predArg.as("predicate"), args[1])
		}
		switch t := args[0]; {
		case isInteger(t):
			return types.Long, nil
		case t.Numeric() || t == types.Timespan:
			return t, nil
		}
		return types.Unknown, fmt.Errorf("%s() expects a number or timespan, got %s", name, args[0])
	}
}

// sumState adds longs (wrapping, as long arithmetic does), reals, decimals or
// timespans. A group without values sums to 0.
type sumState struct {
	t   types.Type // long, real, decimal or timespan
	i   int64
	f   float64
	dec *big.Rat
}

func newSum(t types.Type) *sumState {
	if isInteger(t) {
		t = types.Long
	}
	s := &sumState{t: t}
	if t == types.Decimal {
		s.dec = new(big.Rat)
	}
	return s
}

func (s *sumState) Add(args []*vector.Vector, i int) {
	a := args[0]
	if nullAt(a, i) {
		return
	}
	switch s.t {
	case types.Real:
		s.f += a.Reals[i]
	case types.Decimal:
		if r, ok := ratAt(a, i); ok {
			s.dec.Add(s.dec, r)
		}
	default:
		s.i += a.Ints[i]
	}
}

func (s *sumState) Merge(other AggState) {
	o := other.(*sumState)
	s.i += o.i
	s.f += o.f
	if s.dec != nil {
		s.dec.Add(s.dec, o.dec)
	}
}

func (s *sumState) Result() types.Value {
	switch s.t {
	case types.Real:
		return types.NewReal(s.f)
	case types.Decimal:
		if d, ok := ratDecimal(s.dec); ok {
			return types.Value{Type: types.Decimal, S: d}
		}
		return types.NullOf(types.Decimal)
	}
	return types.Value{Type: s.t, I: s.i}
}

// avg

func avgCheck(cond bool) checkFn {
	return func(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
		if cond && !predArg.ok(args[1]) {
			return types.Unknown, argErr(name, predArg.as("predicate"), args[1])
		}
		switch t := args[0]; {
		case isInteger(t) || t == types.Real:
			return types.Real, nil
		case t == types.Decimal || t == types.Timespan || t == types.Datetime:
			return t, nil
		}
		return types.Unknown, fmt.Errorf("%s() expects a number, timespan or datetime, got %s", name, args[0])
	}
}

// avgState averages reals (and integers), exactly for decimals, datetimes and
// timespans. Without values the mean of reals is NaN, of the others null.
type avgState struct {
	t   types.Type // real, decimal, datetime or timespan
	n   int64
	f   float64
	sum *big.Rat // decimal; for datetime and timespan, integer ticks
}

func newAvg(t types.Type) *avgState {
	if isInteger(t) {
		t = types.Real
	}
	return &avgState{t: t, sum: new(big.Rat)}
}

func (s *avgState) Add(args []*vector.Vector, i int) {
	a := args[0]
	if nullAt(a, i) {
		return
	}
	switch s.t {
	case types.Real:
		x, _ := realAt(a, i)
		s.f += x
	case types.Decimal:
		r, ok := ratAt(a, i)
		if !ok {
			return
		}
		s.sum.Add(s.sum, r)
	default:
		s.sum.Add(s.sum, new(big.Rat).SetInt64(a.Ints[i]))
	}
	s.n++
}

func (s *avgState) Merge(other AggState) {
	o := other.(*avgState)
	s.n += o.n
	s.f += o.f
	s.sum.Add(s.sum, o.sum)
}

func (s *avgState) Result() types.Value {
	if s.t == types.Real {
		if s.n == 0 {
			return types.NewReal(math.NaN())
		}
		return types.NewReal(s.f / float64(s.n))
	}
	if s.n == 0 {
		return types.NullOf(s.t)
	}
	mean := new(big.Rat).Quo(s.sum, new(big.Rat).SetInt64(s.n))
	if s.t == types.Decimal {
		if d, ok := ratDecimal(mean); ok {
			return types.Value{Type: types.Decimal, S: d}
		}
		return types.NullOf(types.Decimal)
	}
	ticks := new(big.Int).Quo(mean.Num(), mean.Denom())
	return types.Value{Type: s.t, I: ticks.Int64()}
}

// min and max

func extremeCheck(cond bool) checkFn {
	return func(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
		if cond && !predArg.ok(args[1]) {
			return types.Unknown, argErr(name, predArg.as("predicate"), args[1])
		}
		switch t := args[0]; {
		case t.Numeric(), t == types.Datetime, t == types.Timespan, t == types.String, t == types.Bool:
			return t, nil
		}
		return types.Unknown, fmt.Errorf("%s() expects a number, datetime, timespan, string or bool, got %s", name, args[0])
	}
}

// extremeState keeps the smallest (sign -1) or largest (sign 1) value. NaN is ignored
// unless it is the only value.
type extremeState struct {
	sign int8
	t    types.Type
	best *vector.Vector // one row, nil before the first value
}

func (s *extremeState) Add(args []*vector.Vector, i int) {
	a := args[0]
	if nullAt(a, i) {
		return
	}
	s.offer(a, i)
}

func (s *extremeState) offer(a *vector.Vector, i int) {
	if s.best == nil {
		s.best = newVec(s.t, 1)
		copyRow(s.best, 0, a, i)
		return
	}
	row := newVec(s.t, 1)
	copyRow(row, 0, a, i)
	c := cmpSame(row, s.best, 0)
	if c == s.sign || (s.t == types.Real && math.IsNaN(s.best.Reals[0]) && c == cmpUnordered) {
		s.best = row
	}
}

func (s *extremeState) Merge(other AggState) {
	if o := other.(*extremeState); o.best != nil {
		s.offer(o.best, 0)
	}
}

func (s *extremeState) Result() types.Value {
	if s.best == nil {
		return types.NullOf(s.t)
	}
	return s.best.Value(0)
}

// dcountState counts distinct values exactly, for count_distinct.
type dcountState struct{ seen map[any]struct{} }

func newDcount() *dcountState { return &dcountState{seen: map[any]struct{}{}} }

func (s *dcountState) Add(args []*vector.Vector, i int) {
	if k, ok := valueKey(args[0], i); ok {
		s.seen[k] = struct{}{}
	}
}

func (s *dcountState) Merge(other AggState) {
	for k := range other.(*dcountState).seen {
		s.seen[k] = struct{}{}
	}
}

func (s *dcountState) Result() types.Value { return types.NewLong(int64(len(s.seen))) }

// valueKey is row i as a comparable key that distinguishes distinct values; false for
// a null.
func valueKey(v *vector.Vector, i int) (any, bool) {
	if nullAt(v, i) {
		return nil, false
	}
	switch vector.Storage(v.Type) {
	case vector.StoreInts:
		return v.Ints[i], true
	case vector.StoreReals:
		return realKey(v.Reals[i]), true
	case vector.StoreStrs:
		return v.Strs[i], true
	}
	return dynKey(v.Dyn[i]), true
}

// make_set and make_list

// listState collects values into an array, distinct ones for a set, up to a limit
// read from argument maxArg when the call has it. An array value adds its
// elements, except for make_list_with_nulls, which keeps every value as it is.
type listState struct {
	set    bool
	nulls  bool // make_list_with_nulls: a null is an element
	maxArg int
	limit  int
	items  []any
	seen   map[any]bool
}

func (s *listState) Add(args []*vector.Vector, i int) {
	if len(args) > s.maxArg {
		if k, ok := longAt(args[s.maxArg], i); ok && k >= 0 && k < int64(s.limit) {
			s.limit = int(k)
		}
	}
	d := dynAt(args[0], i)
	if d == nil && !s.nulls {
		return
	}
	// An array adds its elements, as Kusto's make_set and make_list do: a list
	// of arrays is made with make_list(pack_array(x)).
	if arr, ok := d.([]any); ok && !s.nulls {
		for _, e := range arr {
			s.put(e)
		}
		return
	}
	s.put(d)
}

func (s *listState) put(d any) {
	if len(s.items) >= s.limit {
		return
	}
	if s.set {
		k := dynKey(d)
		if s.seen[k] {
			return
		}
		s.seen[k] = true
	}
	s.items = append(s.items, d)
}

func (s *listState) Merge(other AggState) {
	o := other.(*listState)
	s.limit = min(s.limit, o.limit)
	for _, d := range o.items {
		s.put(d)
	}
}

func (s *listState) Result() types.Value {
	out := make([]any, len(s.items))
	copy(out, s.items)
	return types.NewDynamic(out)
}

// make_bag

type bagState struct {
	maxArg int
	limit  int
	bag    map[string]any
}

func (s *bagState) Add(args []*vector.Vector, i int) {
	if len(args) > s.maxArg {
		if k, ok := longAt(args[s.maxArg], i); ok && k >= 0 && k < int64(s.limit) {
			s.limit = int(k)
		}
	}
	if b, ok := args[0].Dyn[i].(map[string]any); ok {
		s.merge(b)
	}
}

func (s *bagState) merge(b map[string]any) {
	if s.bag == nil {
		s.bag = make(map[string]any, len(b))
	}
	for k, v := range b {
		if _, dup := s.bag[k]; !dup && len(s.bag) < s.limit {
			s.bag[k] = v
		}
	}
}

func (s *bagState) Merge(other AggState) {
	o := other.(*bagState)
	s.limit = min(s.limit, o.limit)
	s.merge(o.bag)
}

func (s *bagState) Result() types.Value {
	out := make(map[string]any, len(s.bag))
	for k, v := range s.bag {
		out[k] = v
	}
	return types.NewDynamic(out)
}

// take_any

type anyState struct {
	t    types.Type
	val  types.Value
	have bool
}

func (s *anyState) Add(args []*vector.Vector, i int) {
	if s.have || nullAt(args[0], i) {
		return
	}
	s.val, s.have = args[0].Value(i), true
}

func (s *anyState) Merge(other AggState) {
	if o := other.(*anyState); !s.have && o.have {
		s.val, s.have = o.val, true
	}
}

func (s *anyState) Result() types.Value {
	if !s.have {
		return types.NullOf(s.t)
	}
	return s.val
}
