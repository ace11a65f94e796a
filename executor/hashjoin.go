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

// buildJoin runs a hash join: the right side is read whole into a hash table
// on its keys, then the left side streams through a probe. Kinds that emit
// right rows no left row matched (rightouter, fullouter, rightanti) or right
// rows some left row matched (rightsemi) emit them when the left side ends.
func buildJoin(r *run, n planner.Node, out operator) (func() error, error) {
	j := n.(*planner.Join)
	table := &joinTable{r: r, node: j}
	for _, c := range j.Right.Columns() {
		table.cols = append(table.cols, vector.New(c.Type, 0))
	}
	driveRight, err := r.build(j.Right, table)
	if err != nil {
		return nil, err
	}
	probe := &probeOp{r: r, node: j, table: table, out: out, seen: map[string]bool{}}
	driveLeft, err := r.build(j.Left, probe)
	if err != nil {
		return nil, err
	}
	return func() error {
		if err := driveRight(); err != nil && !errors.Is(err, errStop) {
			if errors.Is(err, ErrMemoryBudget) || r.ctx.Err() != nil {
				return err
			}
			return fmt.Errorf("join: cannot read the right side: %w", err)
		}
		return driveLeft()
	}, nil
}

// joinTable collects the right side of a join and, when it ends, indexes its
// rows by encoded key. push is called from the right side's scan goroutines;
// the batch's vectors are copied, not kept. After finish the table is read
// only, except for matched, which probes set concurrently. Its rows and index
// are accounted as 'join' in the run's budget until the probe finishes.
type joinTable struct {
	r     *run
	node  *planner.Join
	bytes int64 // reserved
	mu    sync.Mutex
	cols  []*vector.Vector
	n     int
	// rows maps a key encoding to the right rows that have it; rows with a
	// null key are in no entry, so they match nothing.
	rows    map[string][]int
	matched []atomic.Bool
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
	for i, dst := range t.cols {
		src := b.Cols[i]
		switch {
		case src == nil:
			for r := 0; r < b.Len; r++ {
				dst.Append(types.NullOf(dst.Type))
			}
		case vector.Storage(src.Type) != vector.Storage(dst.Type):
			return fmt.Errorf("BUG: join right column %d is %s, planned %s", i, src.Type, dst.Type)
		default:
			vector.AppendVector(dst, src)
		}
	}
	t.n += b.Len
	return nil
}

func (t *joinTable) finish() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rows = map[string][]int{}
	t.matched = make([]atomic.Bool, t.n)
	if t.n == 0 {
		return nil
	}
	all := &vector.Batch{Cols: t.cols, Len: t.n}
	keys, err := evalKeys(t.node.RightKeys, all)
	if err != nil {
		return err
	}
	var kb []byte
	var size int64
	for r := 0; r < t.n; r++ {
		if r%joinCheckRows == joinCheckRows-1 {
			if err := t.r.ctx.Err(); err != nil {
				return err
			}
			if err := t.grow(size); err != nil {
				return err
			}
			size = 0
		}
		var ok bool
		if kb, ok = encodeKey(kb[:0], keys, r); ok {
			list, seen := t.rows[string(kb)]
			if !seen {
				size += int64(len(kb)) + 64
			}
			t.rows[string(kb)] = append(list, r)
			size += 8
		}
	}
	return t.grow(size + 8*int64(t.n))
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
	t.rows, t.cols, t.matched = nil, nil, nil
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
	// seen holds the keys innerunique has already given a left row. Left rows
	// arrive from parallel scans, so which of several left rows with one key
	// is kept is arbitrary, as in Kusto. Its keys are accounted as 'join'.
	mu        sync.Mutex
	seen      map[string]bool
	seenBytes int64
}

func (p *probeOp) push(b *vector.Batch) error {
	if err := p.r.ctx.Err(); err != nil {
		return err
	}
	t, kind := p.table, p.node.Kind
	if len(t.rows) == 0 {
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
	pair := func(l int, matches []int) error {
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
	var kb []byte
	var seenGrow int64
	if kind == planner.JoinInnerUnique {
		p.mu.Lock()
		defer p.mu.Unlock()
	}
	for r := 0; r < b.Len; r++ {
		var matches []int
		var ok bool
		if kb, ok = encodeKey(kb[:0], keys, r); ok {
			matches = t.rows[string(kb)]
		}
		switch kind {
		case planner.JoinInnerUnique:
			if len(matches) == 0 || p.seen[string(kb)] {
				continue
			}
			p.seen[string(kb)] = true
			seenGrow += int64(len(kb)) + 48
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
				out.Cols = append(out.Cols, gatherOrNull(p.table.cols[i], c.Type, rsel[lo:hi]))
			}
		}
		if err := p.out.push(out); err != nil {
			return err
		}
	}
	return nil
}

// mark records that right rows were matched.
func (t *joinTable) mark(rows []int) {
	for _, r := range rows {
		t.matched[r].Store(true)
	}
}

// pairs appends left row l paired with each right row of matches.
func pairs(lsel, rsel []int, l int, matches []int) ([]int, []int) {
	for _, m := range matches {
		lsel, rsel = append(lsel, l), append(rsel, m)
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
