package executor

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

func init() { register(&planner.Join{}, buildJoin) }

// buildJoin runs a hash join. The left side is read first into a table of
// its own (see leftBuildOp): while it stays small, that table is the one
// indexed, the right side streams through it, and the left keys' values
// narrow the right side's scan. A left side that outgrows the table turns the
// join around: the right side is read whole into a hash table on its keys,
// then the left rows (those read so far, then the rest as they come) stream
// through a probe. Kinds that emit rows of one side that nothing matched
// emit them once the streaming side ends.
func buildJoin(r *run, n planner.Node, out operator) (func() error, error) {
	j := n.(*planner.Join)
	lb := &leftBuildOp{r: r, node: j, out: out}
	driveLeft, err := r.build(j.Left, lb)
	if err != nil {
		return nil, err
	}
	return driveLeft, nil
}

// newJoinTable returns an empty table for one side of a join.
func newJoinTable(r *run, j *planner.Join, left bool) *joinTable {
	t := &joinTable{r: r, node: j, left: left}
	side := j.Right
	if left {
		side = j.Left
	}
	for _, c := range side.Columns() {
		t.cols = append(t.cols, vector.New(c.Type, 0))
	}
	return t
}

// driveRight runs a pipeline that reads a join's right side, giving its
// errors the join's context.
func driveRight(r *run, drive func() error) error {
	if err := drive(); err != nil && !errors.Is(err, errStop) {
		if errors.Is(err, ErrMemoryBudget) || r.ctx.Err() != nil {
			return err
		}
		return fmt.Errorf("join: cannot read the right side: %w", err)
	}
	return nil
}

// joinTable collects one side of a join (the right one unless left is set)
// and, when it ends, indexes its rows by key. push is called from the side's
// scan goroutines; the batch's vectors are copied, not kept. After finish the
// table is read only, except for matched, which probes set concurrently. Its
// rows and index are accounted as 'join' in the run's budget until the probe
// finishes.
//
// The index numbers the distinct keys; the rows of key k are
// order[starts[k]:starts[k+1]], in row order. Rows with a null key are in no
// key's rows, so they match nothing. Finding a row's key number goes through a
// keyMemo, so that rows whose key is the very value of a recent row's (a
// string decoded from one dictionary entry) skip encoding and hashing it.
type joinTable struct {
	r     *run
	node  *planner.Join
	left  bool  // the table holds the left side, keyed by the left keys
	bytes int64 // reserved
	mu    sync.Mutex
	cols  []*vector.Vector
	// read marks the columns some batch had; a column no batch had (nothing
	// reads it) stays unread through the join.
	read []bool
	n    int
	// keys are the key columns of the rows, once indexed.
	keys []*vector.Vector
	// index maps a key encoding to its number.
	index   map[string]int32
	starts  []int32
	order   []int32
	matched []atomic.Bool
	memos   sync.Pool // *keyMemo for probes, from left key identity to key number
}

func (t *joinTable) push(b *vector.Batch) error {
	if err := t.r.ctx.Err(); err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.grow(batchBytes(b)); err != nil {
		return err
	}
	if t.read == nil {
		t.read = make([]bool, len(t.cols))
	}
	for i, dst := range t.cols {
		src := b.Cols[i]
		switch {
		case src == nil:
			if t.read[i] {
				appendNulls(dst, b.Len)
			}
		case vector.Storage(src.Type) != vector.Storage(dst.Type):
			return fmt.Errorf("BUG: join right column %d is %s, planned %s", i, src.Type, dst.Type)
		default:
			if !t.read[i] {
				// Read at last: the rows before are nulls.
				t.read[i] = true
				appendNulls(dst, t.n)
			}
			vector.AppendVector(dst, src)
		}
	}
	t.n += b.Len
	return nil
}

// appendNulls appends n nulls to v.
func appendNulls(v *vector.Vector, n int) {
	for r := 0; r < n; r++ {
		v.Append(types.NullOf(v.Type))
	}
}

// column returns right column i, nil when nothing read it.
func (t *joinTable) column(i int) *vector.Vector {
	if t.read == nil || !t.read[i] {
		return nil
	}
	return t.cols[i]
}

func (t *joinTable) finish() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.index = map[string]int32{}
	t.matched = make([]atomic.Bool, t.n)
	t.starts = []int32{0}
	if t.n == 0 {
		return nil
	}
	all := &vector.Batch{Cols: make([]*vector.Vector, len(t.cols)), Len: t.n}
	for i := range t.cols {
		all.Cols[i] = t.column(i)
	}
	keyExprs := t.node.RightKeys
	if t.left {
		keyExprs = t.node.LeftKeys
	}
	keys, err := evalKeys(keyExprs, all)
	if err != nil {
		return err
	}
	t.keys = keys
	ids := make([]int32, t.n)
	var memo keyMemo
	var kb []byte
	var size int64
	miss := func(r int) int32 {
		var ok bool
		if kb, ok = encodeKey(kb[:0], keys, r); !ok {
			return -1
		}
		id, seen := t.index[string(kb)]
		if !seen {
			id = int32(len(t.index))
			t.index[string(kb)] = id
			size += int64(len(kb)) + 64
		}
		return id
	}
	for lo := 0; lo < t.n; lo += joinCheckRows {
		if err := t.r.ctx.Err(); err != nil {
			return err
		}
		hi := min(lo+joinCheckRows, t.n)
		memo.lookup(keys, lo, ids[lo:hi], miss)
		for _, id := range ids[lo:hi] {
			if id >= 0 {
				size += 8
			}
		}
		if err := t.grow(size); err != nil {
			return err
		}
		size = 0
	}
	// Group the rows by key number, keeping row order within a key.
	t.starts = make([]int32, len(t.index)+1)
	for _, id := range ids {
		if id >= 0 {
			t.starts[id+1]++
		}
	}
	for k := 1; k < len(t.starts); k++ {
		t.starts[k] += t.starts[k-1]
	}
	t.order = make([]int32, t.starts[len(t.starts)-1])
	next := append([]int32(nil), t.starts[:len(t.starts)-1]...)
	for r, id := range ids {
		if id >= 0 {
			t.order[next[id]] = int32(r)
			next[id]++
		}
	}
	return t.grow(8 * int64(t.n))
}

// keyIDs sets ids to the key numbers of the rows of a probe batch's keys, -1
// for a key the table does not have or a null key.
func (t *joinTable) keyIDs(keys []*vector.Vector, ids []int32) {
	m, _ := t.memos.Get().(*keyMemo)
	if m == nil {
		m = &keyMemo{}
	}
	var kb []byte
	m.lookup(keys, 0, ids, func(r int) int32 {
		var ok bool
		if kb, ok = encodeKey(kb[:0], keys, r); !ok {
			return -1
		}
		if id, ok := t.index[string(kb)]; ok {
			return id
		}
		return -1
	})
	t.memos.Put(m)
}

// rowsOf returns the right rows with key number id (none for -1).
func (t *joinTable) rowsOf(id int32) []int32 {
	if id < 0 {
		return nil
	}
	return t.order[t.starts[id]:t.starts[id+1]]
}

// joinCheckRows is how many rows the build and probe loops handle between
// checks of the context and the budget.
const joinCheckRows = 1 << 16

// grow accounts n more bytes held by the table.
func (t *joinTable) grow(n int64) error {
	if err := t.r.reserve(n, "join"); err != nil {
		return err
	}
	t.bytes += n
	return nil
}

// free releases the table's memory once no probe needs it.
func (t *joinTable) free() {
	t.r.release(t.bytes)
	t.bytes = 0
	t.index, t.starts, t.order, t.cols, t.matched, t.keys = nil, nil, nil, nil, nil, nil
}

// probeOp streams the left side of a join against the right side's table.
// push may run on several goroutines at once; each call builds its own output
// and emits it in batches as it goes, so a key with many matches never holds
// more than a batch of pairs.
type probeOp struct {
	r     *run
	node  *planner.Join
	table *joinTable
	out   operator
	// seen holds the key numbers innerunique has already given a left row.
	// Left rows arrive from parallel scans, so which of several left rows
	// with one key is kept is arbitrary, as in Kusto. It is accounted as
	// 'join'.
	mu        sync.Mutex
	seen      []bool
	seenBytes int64
}

func (p *probeOp) push(b *vector.Batch) error {
	if err := p.r.ctx.Err(); err != nil {
		return err
	}
	t, kind := p.table, p.node.Kind
	if len(t.index) == 0 {
		switch kind {
		case planner.JoinLeftOuter, planner.JoinFullOuter, planner.JoinLeftAnti:
		default:
			// Fast path: nothing on the right can match, so no left row is wanted.
			return errStop
		}
	}
	keys, err := evalKeys(p.node.LeftKeys, b)
	if err != nil {
		return err
	}
	var lsel, rsel []int
	// flush emits the pairs gathered so far once there is a batch of them.
	flush := func(force bool) error {
		if !force && len(lsel) < vector.BatchSize && len(rsel) < vector.BatchSize {
			return nil
		}
		if len(lsel) == 0 && len(rsel) == 0 {
			return nil
		}
		err := p.emit(b, lsel, rsel)
		lsel, rsel = lsel[:0], rsel[:0]
		return err
	}
	// pair adds left row l paired with each of matches, a batch at a time.
	pair := func(l int, matches []int32) error {
		for len(matches) > 0 {
			n := min(len(matches), vector.BatchSize-len(lsel))
			lsel, rsel = pairs(lsel, rsel, l, matches[:n])
			matches = matches[n:]
			if err := flush(false); err != nil {
				return err
			}
		}
		return nil
	}
	ids := make([]int32, b.Len)
	t.keyIDs(keys, ids)
	var seenGrow int64
	if kind == planner.JoinInnerUnique {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.seen == nil {
			p.seen = make([]bool, len(t.index))
			seenGrow += int64(len(p.seen))
		}
	}
	for r, id := range ids {
		matches := t.rowsOf(id)
		switch kind {
		case planner.JoinInnerUnique:
			if len(matches) == 0 || p.seen[id] {
				continue
			}
			p.seen[id] = true
			err = pair(r, matches)
		case planner.JoinInner:
			err = pair(r, matches)
		case planner.JoinLeftOuter:
			if len(matches) == 0 {
				lsel, rsel = append(lsel, r), append(rsel, -1)
			}
			err = pair(r, matches)
		case planner.JoinFullOuter:
			if len(matches) == 0 {
				lsel, rsel = append(lsel, r), append(rsel, -1)
			}
			t.mark(matches)
			err = pair(r, matches)
		case planner.JoinRightOuter:
			t.mark(matches)
			err = pair(r, matches)
		case planner.JoinLeftSemi:
			if len(matches) > 0 {
				lsel = append(lsel, r)
			}
		case planner.JoinLeftAnti:
			if len(matches) == 0 {
				lsel = append(lsel, r)
			}
		case planner.JoinRightSemi, planner.JoinRightAnti:
			t.mark(matches)
		default:
			return fmt.Errorf("BUG: unknown join kind %q", kind)
		}
		if err == nil {
			err = flush(false)
		}
		if err != nil {
			return err
		}
	}
	if seenGrow > 0 {
		if err := p.r.reserve(seenGrow, "join"); err != nil {
			return err
		}
		p.seenBytes += seenGrow
	}
	return flush(true)
}

// finish emits the right rows the kind keeps once every left row is seen.
func (p *probeOp) finish() error {
	t := p.table
	defer func() {
		t.free()
		p.r.release(p.seenBytes)
		p.seenBytes, p.seen = 0, nil
	}()
	var want bool
	switch p.node.Kind {
	case planner.JoinRightOuter, planner.JoinFullOuter, planner.JoinRightAnti:
		want = false
	case planner.JoinRightSemi:
		want = true
	default:
		return p.out.finish()
	}
	var rsel []int
	for r := 0; r < t.n; r++ {
		if r%joinCheckRows == joinCheckRows-1 {
			if err := p.r.ctx.Err(); err != nil {
				return err
			}
		}
		if t.matched[r].Load() == want {
			rsel = append(rsel, r)
		}
	}
	lsel := make([]int, len(rsel))
	for i := range lsel {
		lsel[i] = -1
	}
	if err := p.emit(nil, lsel, rsel); err != nil && !errors.Is(err, errStop) {
		return err
	}
	return p.out.finish()
}

// emit pushes the output rows made of left rows lsel of b and right rows rsel
// of the table (-1 on either side is a row of nulls), in batches of at most
// BatchSize rows. A nil b means every left row is null.
func (p *probeOp) emit(b *vector.Batch, lsel, rsel []int) error {
	j := p.node
	n := len(lsel)
	if !j.EmitsLeft() {
		n = len(rsel)
	}
	for lo := 0; lo < n; lo += vector.BatchSize {
		if err := p.r.ctx.Err(); err != nil {
			return err
		}
		hi := min(lo+vector.BatchSize, n)
		out := &vector.Batch{Len: hi - lo}
		if j.EmitsLeft() {
			for i, c := range j.Left.Columns() {
				var src *vector.Vector
				if b != nil {
					src = b.Cols[i]
					if src == nil {
						// A column nothing reads stays unread.
						out.Cols = append(out.Cols, nil)
						continue
					}
				}
				out.Cols = append(out.Cols, gatherOrNull(src, c.Type, lsel[lo:hi]))
			}
		}
		if j.EmitsRight() {
			for i, c := range j.Right.Columns() {
				src := p.table.column(i)
				if src == nil && p.table.n > 0 {
					// A column nothing reads stays unread.
					out.Cols = append(out.Cols, nil)
					continue
				}
				out.Cols = append(out.Cols, gatherOrNull(src, c.Type, rsel[lo:hi]))
			}
		}
		if err := p.out.push(out); err != nil {
			return err
		}
	}
	return nil
}

// mark records that right rows were matched.
func (t *joinTable) mark(rows []int32) {
	for _, r := range rows {
		t.matched[r].Store(true)
	}
}

// pairs appends left row l paired with each right row of matches.
func pairs(lsel, rsel []int, l int, matches []int32) ([]int, []int) {
	for _, m := range matches {
		lsel, rsel = append(lsel, l), append(rsel, int(m))
	}
	return lsel, rsel
}

// evalKeys computes a join side's key expressions over a batch.
func evalKeys(keys []planner.Expr, b *vector.Batch) ([]*vector.Vector, error) {
	out := make([]*vector.Vector, len(keys))
	for i, k := range keys {
		v, err := eval(k, b)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// encodeKey appends row r's key encoding; ok is false when a key is null,
// since null keys match nothing. int and long keys encode alike, so they join.
func encodeKey(dst []byte, keys []*vector.Vector, r int) ([]byte, bool) {
	for _, k := range keys {
		if k.IsNull(r) {
			return dst, false
		}
		dst = appendKey(dst, k, r)
	}
	return dst, true
}

// gatherOrNull returns the rows of v at idx, where -1 (or a nil v) gives a null.
func gatherOrNull(v *vector.Vector, t types.Type, idx []int) *vector.Vector {
	if v != nil {
		missing := false
		for _, i := range idx {
			if i < 0 {
				missing = true
				break
			}
		}
		if !missing {
			return vector.Gather(v, idx)
		}
		t = v.Type
	}
	out := vector.New(t, len(idx))
	for _, i := range idx {
		if i < 0 || v == nil {
			out.Append(types.NullOf(t))
			continue
		}
		out.Append(v.Value(i))
	}
	return out
}
