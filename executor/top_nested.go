package executor

import (
	"sort"
	"sync"

	"github.com/spoorhq/spoor/functions"
	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

func init() { register(&planner.TopNested{}, buildTopNested) }

func buildTopNested(r *run, n planner.Node, out operator) (func() error, error) {
	x := n.(*planner.TopNested)
	op := &topNestedOp{r: r, node: x, out: out, groups: map[string]*nestedGroup{}}
	op.offsets = make([]int, len(x.Levels)+1)
	op.othersBelow = make([]bool, len(x.Levels)+1)
	for i, l := range x.Levels {
		op.offsets[i+1] = op.offsets[i] + len(l.Aggs)
	}
	for i := len(x.Levels) - 1; i >= 0; i-- {
		op.othersBelow[i] = op.othersBelow[i+1] || x.Levels[i].Others != nil
	}
	return r.build(x.Input, op)
}

// topNestedOp folds rows into groups of every level's value at once, each
// with the states of every level's aggregates. When the input ends, a level's
// groups are the merges of the finest groups below them, so one pass over the
// input serves the whole hierarchy. push runs on several goroutines at once:
// each folds its batch into groups of its own, then merges them under the lock.
type topNestedOp struct {
	r           *run
	node        *planner.TopNested
	out         operator
	offsets     []int  // level i's states are states[offsets[i]:offsets[i+1]]
	othersBelow []bool // some level at or below i has with others
	mu          sync.Mutex
	groups      map[string]*nestedGroup
	held        int64
}

// nestedGroup is the rows with one value at every level.
type nestedGroup struct {
	keys   []types.Value // one per level
	enc    []string      // each key encoded, for partitioning
	states []functions.AggState
}

func (t *topNestedOp) push(b *vector.Batch) error {
	x := t.node
	ofs := make([]*vector.Vector, len(x.Levels))
	var args [][]*vector.Vector
	var aggs []planner.AggCall
	for i, l := range x.Levels {
		v, err := eval(l.Of, b)
		if err != nil {
			return err
		}
		ofs[i] = v
		for _, a := range l.Aggs {
			var as []*vector.Vector
			for _, e := range a.Args {
				v, err := eval(e, b)
				if err != nil {
					return err
				}
				as = append(as, v)
			}
			args = append(args, as)
			aggs = append(aggs, a)
		}
	}
	local := map[string]*nestedGroup{}
	var kb []byte
	for r := 0; r < b.Len; r++ {
		kb = kb[:0]
		for _, v := range ofs {
			kb = appendKey(kb, v, r)
		}
		g, ok := local[string(kb)]
		if !ok {
			g = &nestedGroup{keys: make([]types.Value, len(ofs)), enc: make([]string, len(ofs)), states: aggStatesFor(aggs)}
			for i, v := range ofs {
				g.keys[i] = v.Value(r)
				g.enc[i] = string(appendKey(nil, v, r))
			}
			local[string(kb)] = g
		}
		for i, s := range g.states {
			s.Add(args[i], r)
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	var grown int64
	for k, g := range local {
		if into, ok := t.groups[k]; ok {
			for i, s := range into.states {
				s.Merge(g.states[i])
			}
			continue
		}
		t.groups[k] = g
		grown += 2*int64(len(k)) + 96 + 48*int64(len(g.states))
		for _, v := range g.keys {
			grown += valueBytes(v)
		}
	}
	if err := t.r.reserve(grown, "top-nested"); err != nil {
		return err
	}
	t.held += grown
	return nil
}

func (t *topNestedOp) finish() error {
	t.mu.Lock()
	keys := make([]string, 0, len(t.groups))
	for k := range t.groups {
		keys = append(keys, k)
	}
	t.mu.Unlock()
	defer t.r.release(t.held)
	sort.Strings(keys)
	groups := make([]*nestedGroup, len(keys))
	for i, k := range keys {
		groups[i] = t.groups[k]
	}
	w := &nestedWriter{t: t}
	if len(groups) > 0 {
		if err := t.level(0, groups, nil, w); err != nil {
			if err == errStop {
				return t.out.finish()
			}
			return err
		}
	}
	if err := w.flush(); err != nil && err != errStop {
		return err
	}
	return t.out.finish()
}

// nestedPart is the groups of one value of a level, with its aggregation.
type nestedPart struct {
	key    types.Value
	groups []*nestedGroup
	agg    types.Value
}

// level emits the rows under prefix (the values and aggregations of the
// levels above) for the given finest groups: the top values of level i, each
// with the levels below, then the group of the other values when asked for.
func (t *topNestedOp) level(i int, groups []*nestedGroup, prefix []types.Value, w *nestedWriter) error {
	if err := t.r.ctx.Err(); err != nil {
		return err
	}
	x := t.node
	if i == len(x.Levels) {
		return w.add(prefix)
	}
	l := x.Levels[i]
	var parts []*nestedPart
	at := map[string]int{}
	for _, g := range groups {
		j, ok := at[g.enc[i]]
		if !ok {
			j = len(parts)
			at[g.enc[i]] = j
			parts = append(parts, &nestedPart{key: g.keys[i]})
		}
		parts[j].groups = append(parts[j].groups, g)
	}
	sets := make([][]*nestedGroup, len(parts))
	for j, p := range parts {
		sets[j] = p.groups
	}
	aggs, err := t.aggregate(i, sets)
	if err != nil {
		return err
	}
	for j, p := range parts {
		p.agg = aggs[j]
	}
	sort.SliceStable(parts, func(a, b int) bool {
		return nestedLess(parts[a].agg, parts[b].agg, l.Asc)
	})
	top := len(parts)
	if l.N >= 0 && int64(top) > l.N {
		top = int(l.N)
	}
	for _, p := range parts[:top] {
		row := append(append([]types.Value(nil), prefix...), p.key, p.agg)
		if err := t.level(i+1, p.groups, row, w); err != nil {
			return err
		}
	}
	if top == len(parts) || !t.othersBelow[i] {
		return nil
	}
	var rest []*nestedGroup
	for _, p := range parts[top:] {
		rest = append(rest, p.groups...)
	}
	row := append([]types.Value(nil), prefix...)
	for j := i; j < len(x.Levels); j++ {
		lj := x.Levels[j]
		if lj.Others == nil {
			row = append(row, types.NullOf(lj.Of.Type()), types.NullOf(lj.By.Type()))
			continue
		}
		agg, err := t.aggregate(j, [][]*nestedGroup{rest})
		if err != nil {
			return err
		}
		row = append(row, *lj.Others, agg[0])
	}
	return w.add(row)
}

// aggregate computes level i's aggregation over each set of finest groups.
func (t *topNestedOp) aggregate(i int, sets [][]*nestedGroup) ([]types.Value, error) {
	l := t.node.Levels[i]
	lo := t.offsets[i]
	res := &vector.Batch{Len: len(sets), Cols: make([]*vector.Vector, len(l.Aggs))}
	for a := range l.Aggs {
		res.Cols[a] = vector.New(l.Aggs[a].T, len(sets))
	}
	for _, set := range sets {
		states := aggStatesFor(l.Aggs)
		for _, g := range set {
			for a, s := range states {
				s.Merge(g.states[lo+a])
			}
		}
		for a, s := range states {
			res.Cols[a].Append(fitType(s.Result(), l.Aggs[a].T))
		}
	}
	v, err := eval(l.By, res)
	if err != nil {
		return nil, err
	}
	out := make([]types.Value, len(sets))
	for j := range out {
		out[j] = v.Value(j)
	}
	return out, nil
}

// nestedLess orders aggregations for a level: largest first, or smallest
// first when asc; nulls last either way.
func nestedLess(a, b types.Value, asc bool) bool {
	an, bn := a.Null && a.Type != types.String, b.Null && b.Type != types.String
	switch {
	case an || bn:
		return !an && bn
	case asc:
		return Compare(a, b) < 0
	}
	return Compare(a, b) > 0
}

// nestedWriter gathers output rows into batches.
type nestedWriter struct {
	t    *topNestedOp
	rows [][]types.Value
}

func (w *nestedWriter) add(row []types.Value) error {
	w.rows = append(w.rows, row)
	if len(w.rows) == vector.BatchSize {
		return w.flush()
	}
	return nil
}

func (w *nestedWriter) flush() error {
	if len(w.rows) == 0 {
		return nil
	}
	cols := w.t.node.Out
	b := &vector.Batch{Len: len(w.rows), Cols: make([]*vector.Vector, len(cols))}
	for c, col := range cols {
		v := vector.New(col.Type, len(w.rows))
		for _, row := range w.rows {
			v.Append(fitType(row[c], col.Type))
		}
		b.Cols[c] = v
	}
	w.rows = nil
	return w.t.out.push(b)
}
