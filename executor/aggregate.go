package executor

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/spoorhq/spoor/functions"
	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// aggregateOp groups rows by key and folds the aggregates of each group. Its
// groups are accounted as 'summarize' in the run's budget, at a fixed size per
// group beyond the key values (aggregate states that grow, such as
// make_list's, are not measured).
//
// Each concurrent push folds its batch into a partial table of its own, kept
// across batches, so that a group is created once per partial rather than once
// per batch; finish merges the partials. A partial numbers its groups and keeps
// them in flat arrays: the encoded key, the key values, the aggregate states
// and, for count(), a plain counter. A batch is folded in two passes: first
// each row's group number, then each aggregate over the rows.
//
// Finding a row's group hashes its encoded key, unless the row's key is the
// very value (the same string memory, or the same number) that a recent row
// had: the store decodes string columns from per-segment dictionaries, so the
// rows of a value share memory, and a small cache from that identity to the
// group number (keyMemo) skips the encoding and the hashing of the bytes.
type aggregateOp struct {
	r     *run
	node  *planner.Aggregate
	out   operator
	mu    sync.Mutex
	parts []*aggPartial    // every partial table, merged at finish
	free  chan *aggPartial // partial tables not in use by a push
	bytes atomic.Int64     // reserved for groups

	kinds    []aggKind      // how each aggregate folds rows
	counter  []int          // for an aggCount aggregate, its counter's index
	nCount   int            // counters per group
	argTypes [][]types.Type // each aggregate's argument types
}

// aggKind says how an aggregate folds a batch.
type aggKind uint8

const (
	// aggState folds row by row into its state.
	aggState aggKind = iota
	// aggCount is count(), which counts every row whatever its argument: a
	// counter per group.
	aggCount
	// aggDistinct is a state that a value added twice leaves as once (a
	// distinct count of a column, its other arguments constant): a row whose
	// group was just given the same value is skipped.
	aggDistinct
)

// distinctAggs are the aggregates whose state ignores repeated values.
var distinctAggs = map[string]bool{"dcount": true, "hll": true, "count_distinct": true}

// maxAggPartials bounds the partial tables (one per concurrent pusher).
const maxAggPartials = 64

func newAggregateOp(r *run, n *planner.Aggregate, out operator) *aggregateOp {
	a := &aggregateOp{r: r, node: n, out: out, free: make(chan *aggPartial, maxAggPartials)}
	a.kinds = make([]aggKind, len(n.Aggs))
	a.counter = make([]int, len(n.Aggs))
	a.argTypes = make([][]types.Type, len(n.Aggs))
	for i, ag := range n.Aggs {
		ts := make([]types.Type, len(ag.Args))
		for j, x := range ag.Args {
			ts[j] = x.Type()
		}
		a.argTypes[i] = ts
		switch {
		case ag.Fn.Name == "count":
			a.kinds[i], a.counter[i] = aggCount, a.nCount
			a.nCount++
		case distinctAggs[ag.Fn.Name] && len(ag.Args) > 0 && allConst(ag.Args[1:]):
			a.kinds[i] = aggDistinct
		}
	}
	return a
}

// allConst reports whether every expression is a constant.
func allConst(xs []planner.Expr) bool {
	for _, x := range xs {
		if _, ok := x.(*planner.Const); !ok {
			return false
		}
	}
	return true
}

// aggPartial is one pusher's table of groups, numbered from 0.
type aggPartial struct {
	index  map[string]int32     // encoded key to group number
	keys   []string             // each group's encoded key
	vals   []types.Value        // each group's key values, len(Keys) a group
	states []functions.AggState // each group's states, len(Aggs) a group; nil for counters
	counts []int64              // each group's counters, nCount a group
	memo   keyMemo
	seen   []distinctMemo // per aggregate, for aggDistinct
	gids   []int32        // the current batch's group numbers
	kb     []byte
}

// take returns a partial table no other push is using.
func (a *aggregateOp) take() *aggPartial {
	select {
	case p := <-a.free:
		return p
	default:
	}
	a.mu.Lock()
	if len(a.parts) >= maxAggPartials {
		a.mu.Unlock()
		return <-a.free
	}
	p := &aggPartial{index: map[string]int32{}, seen: make([]distinctMemo, len(a.node.Aggs))}
	a.parts = append(a.parts, p)
	a.mu.Unlock()
	return p
}

func (a *aggregateOp) push(b *vector.Batch) error {
	if err := a.r.ctx.Err(); err != nil {
		return err
	}
	if b.Len == 0 {
		return nil
	}
	keys := make([]*vector.Vector, len(a.node.Keys))
	for i, k := range a.node.Keys {
		v, err := eval(k, b)
		if err != nil {
			return err
		}
		keys[i] = v
	}
	args := make([][]*vector.Vector, len(a.node.Aggs))
	for i, ag := range a.node.Aggs {
		for _, x := range ag.Args {
			v, err := eval(x, b)
			if err != nil {
				return err
			}
			args[i] = append(args[i], v)
		}
	}
	p := a.take()
	defer func() { a.free <- p }()
	grow := p.groupIDs(a, keys, b.Len)
	gids := p.gids
	na, nc := len(a.node.Aggs), a.nCount
	for i := range a.node.Aggs {
		switch a.kinds[i] {
		case aggCount:
			c := a.counter[i]
			counts := p.counts
			for _, g := range gids {
				counts[int(g)*nc+c]++
			}
		case aggDistinct:
			p.foldDistinct(i, na, args[i])
		default:
			states, arg := p.states, args[i]
			for r, g := range gids {
				states[int(g)*na+i].Add(arg, r)
			}
		}
	}
	if grow > 0 {
		if err := a.r.reserve(grow, "summarize"); err != nil {
			return err
		}
		a.bytes.Add(grow)
	}
	return nil
}

// groupIDs sets p.gids to the group number of each of the n rows, adding the
// groups that are new, and returns the bytes the new groups hold.
func (p *aggPartial) groupIDs(a *aggregateOp, keys []*vector.Vector, n int) int64 {
	if cap(p.gids) < n {
		p.gids = make([]int32, n, max(n, vector.BatchSize))
	}
	p.gids = p.gids[:n]
	var grow int64
	if len(keys) == 0 {
		if len(p.keys) == 0 {
			grow += p.addGroup(a, "", nil, 0)
		}
		clear(p.gids)
		return grow
	}
	p.memo.lookup(keys, 0, p.gids, func(r int) int32 {
		var g int32
		g, grow = p.lookup(a, keys, r, grow)
		return g
	})
	return grow
}

// lookup returns row r's group number from the hash table, adding the group
// when it is new and counting its bytes into grow.
func (p *aggPartial) lookup(a *aggregateOp, keys []*vector.Vector, r int, grow int64) (int32, int64) {
	kb := p.kb[:0]
	for _, k := range keys {
		kb = appendKey(kb, k, r)
	}
	p.kb = kb
	if g, ok := p.index[string(kb)]; ok {
		return g, grow
	}
	return int32(len(p.keys)), grow + p.addGroup(a, string(kb), keys, r)
}

// addGroup appends a group with the key of row r and fresh states, and returns
// the bytes it holds.
func (p *aggPartial) addGroup(a *aggregateOp, k string, keys []*vector.Vector, r int) int64 {
	g := int32(len(p.keys))
	p.index[k] = g
	p.keys = append(p.keys, k)
	n := int64(len(k)) + 64 + 48 + 24*int64(len(keys)) + 64*int64(len(a.node.Aggs))
	for _, kv := range keys {
		v := kv.Value(r)
		p.vals = append(p.vals, v)
		n += valueBytes(v)
	}
	p.states = a.appendStates(p.states)
	for range a.nCount {
		p.counts = append(p.counts, 0)
	}
	return n
}

// appendStates appends a group's fresh aggregate states (nil for counters).
func (a *aggregateOp) appendStates(dst []functions.AggState) []functions.AggState {
	for i, ag := range a.node.Aggs {
		var s functions.AggState
		if a.kinds[i] != aggCount {
			s = ag.Fn.NewAgg(a.argTypes[i])
		}
		dst = append(dst, s)
	}
	return dst
}

// foldDistinct adds the rows of a batch to aggregate i, skipping a row whose
// value its group was given by a recent row: adding it again changes nothing.
func (p *aggPartial) foldDistinct(i, na int, args []*vector.Vector) {
	v := args[0]
	states := p.states
	if v.Nulls != nil || vector.Storage(v.Type) == vector.StoreDyn {
		for r, g := range p.gids {
			states[int(g)*na+i].Add(args, r)
		}
		return
	}
	m := &p.seen[i]
	if m.slots == nil {
		m.slots = make([]distinctSlot, 1<<distinctBits)
	}
	kind := vector.Storage(v.Type)
	for r, g := range p.gids {
		var e distinctSlot
		if kind == vector.StoreStrs {
			e = distinctSlot{s: v.Strs[r], g: g + 1}
		} else {
			e = distinctSlot{w: identityWord(v, kind, r), g: g + 1}
		}
		set := m.slots[hashString(e.s, hashWord(e.w, uint64(g)))>>(64-distinctBits)&^1:]
		switch {
		case set[0].same(e):
			continue
		case set[1].same(e):
			set[0], set[1] = set[1], set[0]
			continue
		}
		set[1], set[0] = set[0], e
		states[int(g)*na+i].Add(args, r)
	}
}

func (a *aggregateOp) finish() error {
	defer func() {
		a.r.release(a.bytes.Swap(0))
	}()
	a.mu.Lock()
	parts := a.parts
	a.parts = nil
	a.mu.Unlock()
	var all *aggPartial
	na, nk, nc := len(a.node.Aggs), len(a.node.Keys), a.nCount
	for _, p := range parts {
		if all == nil {
			all = p
			continue
		}
		for g, k := range p.keys {
			into, ok := all.index[k]
			if !ok {
				all.index[k] = int32(len(all.keys))
				all.keys = append(all.keys, k)
				all.vals = append(all.vals, p.vals[g*nk:(g+1)*nk]...)
				all.states = append(all.states, p.states[g*na:(g+1)*na]...)
				all.counts = append(all.counts, p.counts[g*nc:(g+1)*nc]...)
				continue
			}
			for i := 0; i < na; i++ {
				if s := all.states[int(into)*na+i]; s != nil {
					s.Merge(p.states[g*na+i])
				}
			}
			for c := 0; c < nc; c++ {
				all.counts[int(into)*nc+c] += p.counts[g*nc+c]
			}
		}
		if err := a.r.ctx.Err(); err != nil {
			return err
		}
	}
	if all == nil {
		all = &aggPartial{index: map[string]int32{}}
	}
	if nk == 0 && len(all.keys) == 0 {
		// summarize without by yields one row even over no input.
		all.addGroup(a, "", nil, 0)
	}
	order := make([]int32, len(all.keys))
	for i := range order {
		order[i] = int32(i)
	}
	// A deterministic order: by encoded key.
	if err := sortStable(a.r.ctx, order, func(x, y int32) int { return strings.Compare(all.keys[x], all.keys[y]) }); err != nil {
		return err
	}
	cols := a.node.Out
	for lo := 0; lo < len(order); lo += vector.BatchSize {
		if err := a.r.ctx.Err(); err != nil {
			return err
		}
		part := order[lo:min(lo+vector.BatchSize, len(order))]
		b := &vector.Batch{Len: len(part), Cols: make([]*vector.Vector, len(cols))}
		for ci, c := range cols {
			b.Cols[ci] = vector.New(c.Type, len(part))
		}
		for _, g := range part {
			for i := 0; i < nk; i++ {
				b.Cols[i].Append(all.vals[int(g)*nk+i])
			}
			for i := 0; i < na; i++ {
				var v types.Value
				if a.kinds[i] == aggCount {
					v = types.NewLong(all.counts[int(g)*nc+a.counter[i]])
				} else {
					v = all.states[int(g)*na+i].Result()
				}
				b.Cols[nk+i].Append(fitType(v, cols[nk+i].Type))
			}
		}
		if err := a.out.push(b); err != nil {
			if err == errStop {
				break
			}
			return err
		}
	}
	return a.out.finish()
}

// distinctBits sizes distinctMemo: 2^distinctBits slots.
const distinctBits = 12

// distinctMemo remembers recent (group, value) pairs an aggregate was given,
// by the identity of the value: a two-way set-associative table.
type distinctMemo struct{ slots []distinctSlot }

// distinctSlot is a group number + 1 (0 for an empty slot) and a value: a
// string, or the bits of a number.
type distinctSlot struct {
	s string
	w uint64
	g int32
}

// same reports whether the slot holds the pair e.
func (d *distinctSlot) same(e distinctSlot) bool {
	return d.g == e.g && d.w == e.w && sameString(d.s, e.s)
}
