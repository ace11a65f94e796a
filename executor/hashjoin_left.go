package executor

import (
	"slices"
	"sync"

	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// joinLeftMaxRows is how many left rows a join indexes before it turns
// around and indexes the right side instead. Hunting joins mostly filter
// their left side down to a few rows (connections to one port, alerts of a
// day) and join it with a large table; a left side past this size is more
// likely the large one, as with lookup.
const joinLeftMaxRows = 1 << 16

// Caps on the left keys' values handed to the right side's scan: past them
// the scan is left as it is (the store checks each value against each row it
// cannot answer from an index).
const (
	joinPushStrings = 256
	joinPushInts    = 64
)

// leftBuildOp reads the left side of a join into a table. If the left side
// ends within joinLeftMaxRows rows, finish indexes it and streams the right
// side through it (see rightProbeOp). Otherwise, the push that passes the
// limit reads the right side into a hash table, probes the rows read so far,
// and from then on every left batch goes straight to that probe.
//
// push is called from the left side's scan goroutines; the one that turns
// the join around holds the others back while it reads the right side.
type leftBuildOp struct {
	r    *run
	node *planner.Join
	out  operator
	mu   sync.Mutex
	// The left batches, until the join turns around; their memory is
	// accounted as 'join'.
	batches []*vector.Batch
	rows    int
	bytes   int64
	// probe, once set, takes the left rows: the join was turned around.
	probe *probeOp
}

func (o *leftBuildOp) push(b *vector.Batch) error {
	if err := o.r.ctx.Err(); err != nil {
		return err
	}
	o.mu.Lock()
	if p := o.probe; p != nil {
		// Turned around: the right side's table takes the left rows.
		o.mu.Unlock()
		return p.push(b)
	}
	defer o.mu.Unlock()
	n := batchBytes(b)
	if err := o.r.reserve(n, "join"); err != nil {
		return err
	}
	o.bytes += n
	o.batches = append(o.batches, b)
	o.rows += b.Len
	if o.rows <= joinLeftMaxRows {
		return nil
	}
	return o.turnAround()
}

// release gives back the memory of the left batches, which are dropped.
func (o *leftBuildOp) release() {
	o.r.release(o.bytes)
	o.bytes, o.batches = 0, nil
}

// turnAround reads the right side into a hash table and probes the left rows
// read so far against it; o.mu is held.
func (o *leftBuildOp) turnAround() error {
	defer o.release()
	j := o.node
	table := newJoinTable(o.r, j, false)
	drive, err := o.r.build(j.Right, table)
	if err != nil {
		return err
	}
	if err := driveRight(o.r, drive); err != nil {
		return err
	}
	o.probe = &probeOp{r: o.r, node: j, table: table, out: o.out}
	for _, b := range o.batches {
		if err := o.probe.push(b); err != nil {
			return err
		}
	}
	return nil
}

func (o *leftBuildOp) finish() error {
	if o.probe != nil {
		return o.probe.finish()
	}
	// Index the left rows, copied into one table.
	t := newJoinTable(o.r, o.node, true)
	defer t.free()
	for _, b := range o.batches {
		if err := t.push(b); err != nil {
			o.release()
			return err
		}
	}
	o.release()
	if err := t.finish(); err != nil {
		return err
	}
	j := o.node
	rp := &rightProbeOp{r: o.r, node: j, table: t, out: o.out, left: t.sideColumns()}
	if dropsUnmatchedRight(j.Kind) && len(t.index) == 0 {
		// No left key: no right row can be wanted.
		return rp.finish()
	}
	right, shown, ran := j.Right, (*planner.Scan)(nil), (*planner.Scan)(nil)
	if dropsUnmatchedRight(j.Kind) {
		right, shown, ran = narrowRight(j, t)
	}
	drive, err := o.r.build(right, rp)
	if err != nil {
		return err
	}
	err = driveRight(o.r, drive)
	if ran != nil {
		o.r.renameScan(ran, shown)
	}
	return err
}

// dropsUnmatchedRight says a join kind emits nothing for a right row that no
// left row matches, so the right side need only be read where it can match.
func dropsUnmatchedRight(kind string) bool {
	switch kind {
	case planner.JoinRightOuter, planner.JoinFullOuter, planner.JoinRightAnti:
		return false
	}
	return true
}

// sideColumns returns the table's columns for gathering output rows: nil
// when the table has no rows (every gathered row is then null), with a nil
// entry for a column nothing reads.
func (t *joinTable) sideColumns() []*vector.Vector {
	if t.n == 0 {
		return nil
	}
	cols := make([]*vector.Vector, len(t.cols))
	for i := range cols {
		cols[i] = t.column(i)
	}
	return cols
}

// renameScan records the statistics of a scan run under another node, the
// one the plan shows.
func (r *run) renameScan(ran, shown *planner.Scan) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range r.stats.Scans {
		if r.stats.Scans[i].Scan == ran {
			r.stats.Scans[i].Scan = shown
		}
	}
}

// rightProbeOp streams the right side of a join through the left side's
// table. push may run on several goroutines at once; it emits the pairs as it
// goes, and the right rows no left row matched when the kind keeps them.
// finish emits the left rows the kind keeps (matched or not), then finishes
// the output.
type rightProbeOp struct {
	r     *run
	node  *planner.Join
	table *joinTable       // the left rows
	left  []*vector.Vector // the table's columns, as sideColumns returns
	out   operator
}

func (p *rightProbeOp) push(b *vector.Batch) error {
	if err := p.r.ctx.Err(); err != nil {
		return err
	}
	t, j := p.table, p.node
	keys, err := evalKeys(j.RightKeys, b)
	if err != nil {
		return err
	}
	ids := make([]int32, b.Len)
	t.keyIDs(keys, ids)
	var lsel, rsel []int
	flush := func(force bool) error {
		if len(rsel) == 0 || !force && len(rsel) < vector.BatchSize {
			return nil
		}
		err := p.emit(b, lsel, rsel)
		lsel, rsel = lsel[:0], rsel[:0]
		return err
	}
	for r, id := range ids {
		matches := t.rowsOf(id)
		switch j.Kind {
		case planner.JoinInnerUnique:
			// One left row per key, as if the left side were deduplicated.
			if len(matches) > 0 {
				lsel, rsel = append(lsel, int(matches[0])), append(rsel, r)
			}
		case planner.JoinInner, planner.JoinLeftOuter, planner.JoinFullOuter, planner.JoinRightOuter:
			if j.Kind == planner.JoinLeftOuter || j.Kind == planner.JoinFullOuter {
				t.markOnce(matches)
			}
			if len(matches) == 0 && j.Kind != planner.JoinInner && j.Kind != planner.JoinLeftOuter {
				lsel, rsel = append(lsel, -1), append(rsel, r)
			}
			for len(matches) > 0 {
				n := min(len(matches), vector.BatchSize-len(rsel))
				for _, l := range matches[:n] {
					lsel, rsel = append(lsel, int(l)), append(rsel, r)
				}
				matches = matches[n:]
				if err := flush(false); err != nil {
					return err
				}
			}
		case planner.JoinLeftSemi, planner.JoinLeftAnti:
			t.markOnce(matches)
		case planner.JoinRightSemi:
			if len(matches) > 0 {
				rsel = append(rsel, r)
			}
		case planner.JoinRightAnti:
			if len(matches) == 0 {
				rsel = append(rsel, r)
			}
		}
		if err := flush(false); err != nil {
			return err
		}
	}
	return flush(true)
}

// markOnce records that the left rows of one key were matched (all of them
// are, the first time).
func (t *joinTable) markOnce(rows []int32) {
	if len(rows) > 0 && !t.matched[rows[0]].Load() {
		t.mark(rows)
	}
}

// finish emits the left rows the kind keeps once every right row is seen.
func (p *rightProbeOp) finish() error {
	t, j := p.table, p.node
	var want bool
	switch j.Kind {
	case planner.JoinLeftOuter, planner.JoinFullOuter, planner.JoinLeftAnti:
		want = false
	case planner.JoinLeftSemi:
		want = true
	default:
		return p.out.finish()
	}
	var lsel []int
	for l := 0; l < t.n; l++ {
		if l%joinCheckRows == joinCheckRows-1 {
			if err := p.r.ctx.Err(); err != nil {
				return err
			}
		}
		if t.matched[l].Load() == want {
			lsel = append(lsel, l)
		}
	}
	var rsel []int
	if j.EmitsRight() {
		rsel = make([]int, len(lsel))
		for i := range rsel {
			rsel[i] = -1
		}
	}
	for lo := 0; lo < len(lsel); lo += vector.BatchSize {
		hi := min(lo+vector.BatchSize, len(lsel))
		var rpart []int
		if rsel != nil {
			rpart = rsel[lo:hi]
		}
		if err := p.emit(nil, lsel[lo:hi], rpart); err != nil {
			if err == errStop {
				break
			}
			return err
		}
	}
	return p.out.finish()
}

// emit pushes one batch of output rows: left rows lsel of the table and
// right rows rsel of b (-1 on either side, or a nil b, is a row of nulls).
// Kinds that emit one side only ignore the other's selection.
func (p *rightProbeOp) emit(b *vector.Batch, lsel, rsel []int) error {
	j := p.node
	n := len(rsel)
	if !j.EmitsRight() {
		n = len(lsel)
	}
	out := &vector.Batch{Len: n}
	if j.EmitsLeft() {
		out.Cols = append(out.Cols, gatherSide(p.left, j.Left.Columns(), lsel)...)
	}
	if j.EmitsRight() {
		var right []*vector.Vector
		if b != nil {
			right = b.Cols
		}
		out.Cols = append(out.Cols, gatherSide(right, j.Right.Columns(), rsel)...)
	}
	return p.out.push(out)
}

// gatherSide gathers the rows sel (-1 is a row of nulls) of one side's
// columns. With no columns at all (the side has no rows) every row is null;
// a nil column, which nothing reads, stays nil.
func gatherSide(cols []*vector.Vector, schema []planner.Column, sel []int) []*vector.Vector {
	out := make([]*vector.Vector, len(schema))
	for i, c := range schema {
		if cols == nil {
			out[i] = gatherOrNull(nil, c.Type, sel)
			continue
		}
		if cols[i] != nil {
			out[i] = gatherOrNull(cols[i], c.Type, sel)
		}
	}
	return out
}

// narrowRight returns the right side of a join with the values of the left
// table's keys handed to the scan it reads, as `in` predicates on the key
// columns, so that the store skips the right rows no left row can match. It
// applies when a key is a column that the right side carries unchanged from
// its scan through filters, projections and group keys; otherwise, or when the left keys
// hold too many values, it returns the right side as it is and nil scans.
// The plan is not changed: the nodes down to the scan are copied, and ran is
// the copy of scan that the returned plan reads.
func narrowRight(j *planner.Join, t *joinTable) (right planner.Node, scan, ran *planner.Scan) {
	var preds []planner.IndexPred
	for k, key := range j.RightKeys {
		ref, ok := key.(*planner.ColumnRef)
		if !ok {
			continue
		}
		s, col, ok := scanColumn(j.Right, ref.Index)
		if !ok {
			continue
		}
		if scan != nil && s != scan {
			continue
		}
		p, ok := keyPred(t, k, s.Cols[col])
		if !ok {
			continue
		}
		scan = s
		preds = append(preds, p)
	}
	if scan == nil {
		return j.Right, nil, nil
	}
	right = copyDownTo(j.Right, scan, func(s *planner.Scan) *planner.Scan {
		c := *s
		c.Preds = append(slices.Clip(s.Preds), preds...)
		ran = &c
		return ran
	})
	return right, scan, ran
}

// scanColumn follows column i of n down through filters, projections that
// pass it unchanged and aggregates that group by it, to the scan that reads it: the scan and the column's
// position in it.
func scanColumn(n planner.Node, i int) (*planner.Scan, int, bool) {
	for {
		switch x := n.(type) {
		case *planner.Filter:
			n = x.Input
		case *planner.Project:
			ref, ok := x.Exprs[i].(*planner.ColumnRef)
			if !ok {
				return nil, 0, false
			}
			n, i = x.Input, ref.Index
		case *planner.Aggregate:
			// Keeping rows by a group key keeps whole groups.
			if i >= len(x.Keys) {
				return nil, 0, false
			}
			ref, ok := x.Keys[i].(*planner.ColumnRef)
			if !ok {
				return nil, 0, false
			}
			n, i = x.Input, ref.Index
		case *planner.Scan:
			return x, i, true
		default:
			return nil, 0, false
		}
	}
}

// copyDownTo copies the chain of filters, projections and aggregates from n down to
// scan, which is replaced by what swap returns.
func copyDownTo(n planner.Node, scan *planner.Scan, swap func(*planner.Scan) *planner.Scan) planner.Node {
	switch x := n.(type) {
	case *planner.Filter:
		c := *x
		c.Input = copyDownTo(x.Input, scan, swap)
		return &c
	case *planner.Project:
		c := *x
		c.Input = copyDownTo(x.Input, scan, swap)
		return &c
	case *planner.Aggregate:
		c := *x
		c.Input = copyDownTo(x.Input, scan, swap)
		return &c
	case *planner.Scan:
		if x == scan {
			return swap(x)
		}
	}
	panic("BUG: copyDownTo left the chain scanColumn followed")
}

// keyPred builds the scan predicate that keeps the right rows whose key k
// (column col of the scan) equals the key k of some left row: `in` on a
// string column, `in` or a range on a column stored as integers.
func keyPred(t *joinTable, k int, col planner.Column) (planner.IndexPred, bool) {
	keys := t.keyValues(k)
	if len(keys) == 0 {
		return planner.IndexPred{}, false
	}
	p := planner.IndexPred{Column: col.Name, T: col.Type}
	switch col.Type {
	case types.String:
		if len(keys) > joinPushStrings || keys[0].Type != types.String {
			return p, false
		}
		p.Op = "=="
		for _, v := range keys {
			p.Values = append(p.Values, v.S)
		}
	case types.Int, types.Long, types.Datetime, types.Timespan:
		if vector.Storage(keys[0].Type) != vector.StoreInts {
			return p, false
		}
		ints := make([]int64, len(keys))
		for i, v := range keys {
			ints[i] = v.I
		}
		if len(ints) <= joinPushInts {
			p.Op, p.Ints = "in ints", ints
		} else {
			p.Op, p.Lo, p.Hi = "range", slices.Min(ints), slices.Max(ints)
		}
	default:
		return p, false
	}
	return p, true
}

// keyValues returns the distinct values of key k over the table's keys, once
// the table is indexed (rows with a null key are in no key), or nil when
// there are more than a scan predicate takes.
func (t *joinTable) keyValues(k int) []types.Value {
	if len(t.index) == 0 || t.keys == nil {
		return nil
	}
	v := t.keys[k]
	if vector.Storage(v.Type) != vector.StoreStrs && vector.Storage(v.Type) != vector.StoreInts {
		return nil
	}
	seen := map[types.Value]bool{}
	var out []types.Value
	for id := 0; id+1 < len(t.starts); id++ {
		x := v.Value(int(t.order[t.starts[id]]))
		if seen[x] {
			continue
		}
		if len(out) == max(joinPushStrings, joinPushInts) {
			return nil
		}
		seen[x] = true
		out = append(out, x)
	}
	return out
}
