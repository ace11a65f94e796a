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
// Keys the scan delivers in dictionary form (vector.Codes, see codeColumns)
// skip even that: one or two keys' codes find the group through a table per
// dictionary (codeGroupIDs), and count()s by one such key count rows per code
// (countCodes) and add them to the groups at finish.
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

// codesArg are the distinct aggregates whose states read a string argument
// in dictionary form (through Vector.Str), so the scan may deliver it as codes.
var codesArg = map[string]bool{"dcount": true, "hll": true}

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
	tabs   map[[2]*vector.Dict]*codeTab // for keys in dictionary form
	byStr  map[string]int32             // for one string key in dictionary form: its groups by text
	seen   []distinctMemo               // per aggregate, for aggDistinct
	gids   []int32                      // the current batch's group numbers
	kb     []byte
	bytes  int64 // reserved for its groups
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
	for i, ag := range a.node.Aggs {
		if a.kinds[i] == aggDistinct && codesArg[ag.Fn.Name] {
			continue
		}
		// Aggregates read their arguments' Strs.
		for _, v := range args[i] {
			v.Materialize()
		}
	}
	p := a.take()
	defer func() { a.free <- p }()
	if a.nCount == len(a.node.Aggs) && a.nCount > 0 && len(keys) == 1 && keys[0].Codes != nil && keys[0].Nulls == nil &&
		len(keys[0].Dict.Values) <= maxDenseCodes {
		p.countCodes(keys[0])
		return nil
	}
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
			if !a.node.Partial {
				return err
			}
			// The groups go on, and their memory with them.
			return a.flushPartial(p)
		}
		a.bytes.Add(grow)
		p.bytes += grow
	}
	if a.node.Partial && len(p.keys) >= partialMaxGroups {
		return a.flushPartial(p)
	}
	return nil
}

// partialMaxGroups is how many groups a partial table of an aggregate whose
// output may repeat a group (Aggregate.Partial) holds before it passes them on.
const partialMaxGroups = 1 << 14

// flushPartial passes the groups of a partial table on and empties it, for
// an aggregate whose output may repeat a group.
func (a *aggregateOp) flushPartial(p *aggPartial) error {
	// The groups of codes counted are made to be passed on at once.
	p.flushCounts(a)
	order := make([]int32, len(p.keys))
	for i := range order {
		order[i] = int32(i)
	}
	err := a.emit(p, order)
	a.r.release(p.bytes)
	a.bytes.Add(-p.bytes)
	*p = aggPartial{index: map[string]int32{}, seen: make([]distinctMemo, len(a.node.Aggs))}
	return err
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
	if g, ok := p.codeGroupIDs(a, keys, n, grow); ok {
		return g
	}
	for _, k := range keys {
		k.Materialize()
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
	if v.Codes != nil {
		// A group's last code of this dictionary is checked first: where the
		// key mostly decides the value, that is the value of most rows.
		if m.dict != v.Dict {
			m.dict = v.Dict
			clear(m.last)
		}
		if need := len(p.keys); len(m.last) < need {
			m.last = append(m.last, make([]uint32, need-len(m.last))...)
		}
		last := m.last
		for r, g := range p.gids {
			c := v.Codes[r] + 1
			if last[g] == c {
				continue
			}
			last[g] = c
			e := distinctSlot{s: v.Str(r), g: g + 1}
			if m.recent(e, hashString(e.s, hashWord(0, uint64(g)))) {
				continue
			}
			states[int(g)*na+i].Add(args, r)
		}
		return
	}
	for r, g := range p.gids {
		var e distinctSlot
		if kind == vector.StoreStrs {
			e = distinctSlot{s: v.Str(r), g: g + 1}
		} else {
			e = distinctSlot{w: identityWord(v, kind, r), g: g + 1}
		}
		if m.recent(e, hashString(e.s, hashWord(e.w, uint64(g)))) {
			continue
		}
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
	if a.node.Partial && len(a.node.Keys) > 0 {
		for _, p := range parts {
			if err := a.flushPartial(p); err != nil {
				if err == errStop {
					break
				}
				return err
			}
		}
		return a.out.finish()
	}
	var all *aggPartial
	na, nk, nc := len(a.node.Aggs), len(a.node.Keys), a.nCount
	// The partials' counts by code: first summed per dictionary into one
	// partial (dictionaries shared out in turn), so that each code is looked
	// up once, then added to the groups, each partial on its own goroutine.
	if len(parts) > 1 {
		home := map[*vector.Dict]*codeTab{}
		next := 0
		for _, p := range parts {
			for ds, t := range p.tabs {
				if t.rows == nil || ds[1] != nil {
					continue
				}
				h := home[ds[0]]
				if h == nil {
					q := parts[next%len(parts)]
					next++
					h = q.codeTable(t.dicts[:1], ds)
					if h.rows == nil {
						h.rows = make([]int64, len(t.rows))
					}
					home[ds[0]] = h
				}
				if h != t {
					for i, n := range t.rows {
						h.rows[i] += n
					}
					clear(t.rows)
				}
			}
		}
	}
	grows := make([]int64, len(parts))
	var wg sync.WaitGroup
	for i, p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			grows[i] = p.flushCounts(a)
		}()
	}
	wg.Wait()
	for _, grow := range grows {
		if grow > 0 {
			if err := a.r.reserve(grow, "summarize"); err != nil {
				return err
			}
			a.bytes.Add(grow)
		}
	}
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
	if err := a.emit(all, order); err != nil {
		if err == errStop {
			return a.out.finish()
		}
		return err
	}
	return a.out.finish()
}

// emit passes on the groups of a table in the given order.
func (a *aggregateOp) emit(all *aggPartial, order []int32) error {
	na, nk, nc := len(a.node.Aggs), len(a.node.Keys), a.nCount
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
			return err
		}
	}
	return nil
}

// distinctBits sizes distinctMemo: 2^distinctBits slots.
const distinctBits = 12

// distinctMemo remembers recent (group, value) pairs an aggregate was given,
// by the identity of the value: a two-way set-associative table.
type distinctMemo struct {
	slots []distinctSlot
	// For values in dictionary form: each group's last code + 1 (0: none)
	// of the dictionary dict.
	dict *vector.Dict
	last []uint32
}

// distinctSlot is a group number + 1 (0 for an empty slot) and a value: a
// string, or the bits of a number.
// recent says e, whose hash is h, is one of the two values last seen in its
// set of slots (moving it to the front), or records it there and says no.
func (m *distinctMemo) recent(e distinctSlot, h uint64) bool {
	set := m.slots[h>>(64-distinctBits)&^1:]
	switch {
	case set[0].same(e):
		return true
	case set[1].same(e):
		set[0], set[1] = set[1], set[0]
		return true
	}
	set[1], set[0] = set[0], e
	return false
}

type distinctSlot struct {
	s string
	w uint64
	g int32
}

// same reports whether the slot holds the pair e.
func (d *distinctSlot) same(e distinctSlot) bool {
	return d.g == e.g && d.w == e.w && sameString(d.s, e.s)
}

// codeColumns names the columns of cols (the aggregate's input, a scan) that
// the aggregate reads only as a bare key or as the value of a distinct count
// that takes codes: the scan may deliver them in dictionary form only.
func (a *aggregateOp) codeColumns(cols []planner.Column) []string {
	ok := make([]bool, len(cols))
	other := make([]bool, len(cols))
	for _, k := range a.node.Keys {
		if c, isRef := k.(*planner.ColumnRef); isRef && c.Index < len(cols) {
			ok[c.Index] = true
		} else {
			exprRefs(k, other)
		}
	}
	for i, ag := range a.node.Aggs {
		for j, x := range ag.Args {
			c, isRef := x.(*planner.ColumnRef)
			if j == 0 && isRef && c.Index < len(cols) && a.kinds[i] == aggDistinct && codesArg[ag.Fn.Name] {
				ok[c.Index] = true
			} else {
				exprRefs(x, other)
			}
		}
	}
	var names []string
	for i, c := range cols {
		if ok[i] && !other[i] && c.Type == types.String {
			names = append(names, c.Name)
		}
	}
	return names
}

// codeTab maps the dictionary codes of one or two string keys, from one
// dictionary each, to group numbers + 1 (0: not seen yet): a dense array
// when the codes' combinations are few, else a hash table of code pairs.
type codeTab struct {
	dicts [2]*vector.Vector // each key's dictionary as a string vector
	ids   []int32           // dense: code (one key) or code1*len(dict2)+code2
	pairs codePairs         // two keys with too many combinations to be dense
	last  []uint64          // with pairs, per first code: (second code + 1) << 32 | id of its last pair
	rows  []int64           // one key, only count()s: rows per code not yet added to the groups, 4 counters a code
	dense bool
}

// maxDenseCodes is the most codes of one key a dense codeTab holds, and
// maxDensePairs the most combinations of two keys' codes.
const (
	maxDenseCodes = 1 << 18
	maxDensePairs = 1 << 14
)

// codeGroupIDs is groupIDs for one or two string keys in dictionary form (as
// the store decodes them): a row's group comes from its codes through a
// table per dictionary, so a key's bytes are encoded and hashed once per
// code rather than once per row. It reports false when the keys are not in
// that form.
func (p *aggPartial) codeGroupIDs(a *aggregateOp, keys []*vector.Vector, n int, grow int64) (int64, bool) {
	if len(keys) > 2 {
		return 0, false
	}
	var ds [2]*vector.Dict
	for i, k := range keys {
		if k.Codes == nil || k.Nulls != nil {
			return 0, false
		}
		ds[i] = k.Dict
	}
	t := p.codeTable(keys, ds)
	gids := p.gids[:n]
	miss := func(r int, c1, c2 uint32) int32 {
		return p.codeGroup(a, t, keys, r, c1, c2, &grow)
	}
	if len(keys) == 1 {
		ids := t.ids
		for r, c := range keys[0].Codes[:n] {
			id := ids[c]
			if id == 0 {
				id = miss(r, c, 0) + 1
				ids[c] = id
			}
			gids[r] = id - 1
		}
		return grow, true
	}
	c1s, c2s := keys[0].Codes[:n], keys[1].Codes[:n]
	if t.dense {
		ids, w := t.ids, uint32(len(ds[1].Values))
		for r, c1 := range c1s {
			c2 := c2s[r]
			at := c1*w + c2
			id := ids[at]
			if id == 0 {
				id = miss(r, c1, c2) + 1
				ids[at] = id
			}
			gids[r] = id - 1
		}
		return grow, true
	}
	if t.last == nil {
		t.last = make([]uint64, len(ds[0].Values))
	}
	last := t.last
	for r, c1 := range c1s {
		c2 := c2s[r]
		// The first key often decides the second (a file name its folder):
		// the last pair seen with c1 is tried first.
		if l := last[c1]; l>>32 == uint64(c2)+1 {
			gids[r] = int32(uint32(l)) - 1
			continue
		}
		k := uint64(c1)<<32 | uint64(c2)
		id := t.pairs.get(k)
		if id == 0 {
			id = miss(r, c1, c2) + 1
			t.pairs.put(k, id)
		}
		last[c1] = (uint64(c2)+1)<<32 | uint64(uint32(id))
		gids[r] = id - 1
	}
	return grow, true
}

// codeGroup returns the group of codes c1 (and c2, with two keys) of table
// t, adding it when it is new with the key values of row r of keys and
// counting its bytes into grow.
func (p *aggPartial) codeGroup(a *aggregateOp, t *codeTab, keys []*vector.Vector, r int, c1, c2 uint32, grow *int64) int32 {
	if len(keys) == 1 {
		// Each segment's dictionary repeats the values: a value seen
		// before is found by its text.
		if g, ok := p.byStr[t.dicts[0].Strs[c1]]; ok {
			return g
		}
	}
	kb := appendKey(p.kb[:0], t.dicts[0], int(c1))
	if len(keys) == 2 {
		kb = appendKey(kb, t.dicts[1], int(c2))
	}
	p.kb = kb
	g, ok := p.index[string(kb)]
	if !ok {
		g = int32(len(p.keys))
		*grow += p.addGroup(a, string(kb), keys, r)
	}
	if len(keys) == 1 {
		if p.byStr == nil {
			p.byStr = map[string]int32{}
		}
		p.byStr[t.dicts[0].Strs[c1]] = g
	}
	return g
}

// codeTable returns the partial's table for keys of the dictionaries ds (the
// second nil for one key), making it on first use.
func (p *aggPartial) codeTable(keys []*vector.Vector, ds [2]*vector.Dict) *codeTab {
	if t := p.tabs[ds]; t != nil {
		return t
	}
	if p.tabs == nil {
		p.tabs = map[[2]*vector.Dict]*codeTab{}
	}
	t := &codeTab{}
	size := 1
	for i, k := range keys {
		t.dicts[i] = &vector.Vector{Type: k.Type, Len: len(ds[i].Values), Strs: ds[i].Values}
		size *= len(ds[i].Values)
	}
	limit := maxDenseCodes
	if len(keys) == 2 {
		// Pairs of codes are sparse: a dense table would be mostly empty
		// memory to clear.
		limit = maxDensePairs
	}
	if t.dense = size <= limit; t.dense {
		t.ids = make([]int32, size)
	}
	p.tabs[ds] = t
	return t
}

// countCodes is push for an aggregate of only count()s by one key in
// dictionary form: it counts the rows of each code, and flushCounts later
// adds the counts to the codes' groups.
func (p *aggPartial) countCodes(key *vector.Vector) {
	t := p.codeTable([]*vector.Vector{key}, [2]*vector.Dict{key.Dict})
	if t.rows == nil {
		t.rows = make([]int64, 4*len(key.Dict.Values))
	}
	// Four rows at a time into four interleaved counters per code, so that
	// rows of one code in a row do not wait on each other's increments.
	rows := t.rows
	codes := key.Codes[:key.Len]
	n := len(codes) &^ 3
	for i := 0; i < n; i += 4 {
		c0, c1, c2, c3 := codes[i], codes[i+1], codes[i+2], codes[i+3]
		rows[c0*4]++
		rows[c1*4+1]++
		rows[c2*4+2]++
		rows[c3*4+3]++
	}
	for _, c := range codes[n:] {
		rows[c*4]++
	}
}

// flushCounts adds the rows countCodes counted to the groups of their codes,
// and returns the bytes of the groups it added.
func (p *aggPartial) flushCounts(a *aggregateOp) int64 {
	var grow int64
	nc := a.nCount
	for _, t := range p.tabs {
		if t.rows == nil {
			continue
		}
		keys := t.dicts[:1]
		for c := range len(t.rows) / 4 {
			n := t.rows[4*c] + t.rows[4*c+1] + t.rows[4*c+2] + t.rows[4*c+3]
			if n == 0 {
				continue
			}
			id := t.ids[c]
			if id == 0 {
				id = p.codeGroup(a, t, keys, c, uint32(c), 0, &grow) + 1
				t.ids[c] = id
			}
			for k := 0; k < nc; k++ {
				p.counts[int(id-1)*nc+k] += n
			}
		}
		clear(t.rows)
	}
	return grow
}

// codePairs is a hash table from a pair of codes to a group number + 1, with
// open addressing; 0 is never a stored value.
type codePairs struct {
	keys []uint64 // pair + 1; 0 is an empty slot
	vals []int32
	n    int
}

func (c *codePairs) slot(k uint64) int {
	h := (k + 1) * 0x9e3779b97f4a7c15
	return int(h >> 32)
}

func (c *codePairs) get(k uint64) int32 {
	if c.n == 0 {
		return 0
	}
	mask := len(c.keys) - 1
	for i := c.slot(k) & mask; ; i = (i + 1) & mask {
		switch c.keys[i] {
		case k + 1:
			return c.vals[i]
		case 0:
			return 0
		}
	}
}

func (c *codePairs) put(k uint64, v int32) {
	if 2*(c.n+1) > len(c.keys) {
		old, oldVals := c.keys, c.vals
		size := max(1024, 2*len(c.keys))
		c.keys, c.vals, c.n = make([]uint64, size), make([]int32, size), 0
		for i, ok := range old {
			if ok != 0 {
				c.put(ok-1, oldVals[i])
			}
		}
	}
	mask := len(c.keys) - 1
	i := c.slot(k) & mask
	for c.keys[i] != 0 && c.keys[i] != k+1 {
		i = (i + 1) & mask
	}
	if c.keys[i] == 0 {
		c.n++
	}
	c.keys[i], c.vals[i] = k+1, v
}
