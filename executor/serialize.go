package executor

import (
	"errors"
	"sync"

	"github.com/spoorhq/spoor/functions"
	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

func init() {
	register(&planner.Serialize{}, buildSerialize)
	register(&planner.Window{}, buildWindow)
}

// buildSerialize passes rows through: the order a serialized row set has is
// the order the first window or scan over it sees, which runs its rows one
// batch at a time and passes them on in that order.
func buildSerialize(r *run, n planner.Node, out operator) (func() error, error) {
	return r.build(n.(*planner.Serialize).Input, out)
}

// buildWindow runs row functions over the rows in the order they arrive.
func buildWindow(r *run, n planner.Node, out operator) (func() error, error) {
	w := n.(*planner.Window)
	op := &windowOp{r: r, w: w, out: out, inCols: w.Input.Columns()}
	for _, c := range w.Calls {
		ts := make([]types.Type, len(c.Args))
		consts := make([]*types.Value, len(c.Args))
		for i, a := range c.Args {
			ts[i] = a.Type()
			if k, ok := a.(*planner.Const); ok {
				v := k.V
				consts[i] = &v
			}
		}
		st, err := functions.NewWindowState(c.Fn, ts, consts)
		if err != nil {
			return nil, err
		}
		op.states = append(op.states, st)
		op.all = op.all || functions.LooksAhead(c.Fn)
	}
	return r.build(w.Input, op)
}

// windowOp computes a Window's calls. Pushes may come from several goroutines:
// they take turns, and each batch is computed and passed on before the next
// starts, so the rows downstream see are in the order the calls saw. When a
// call looks ahead (next()), every row is held until finish and computed as
// one sequence.
type windowOp struct {
	r      *run
	w      *planner.Window
	out    operator
	inCols []planner.Column
	states []functions.WindowState
	all    bool

	mu      sync.Mutex
	stopped bool
	held    []*vector.Batch
	bytes   int64 // reserved for held
}

func (o *windowOp) push(b *vector.Batch) error {
	if err := o.r.ctx.Err(); err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.stopped {
		return errStop
	}
	if o.all {
		n := batchBytes(b)
		if err := o.r.reserve(n, "window"); err != nil {
			return err
		}
		o.bytes += n
		o.held = append(o.held, b)
		return nil
	}
	return o.emit(b)
}

// emit computes the calls over one batch and passes it on; o.mu is held.
func (o *windowOp) emit(b *vector.Batch) error {
	if b.Len == 0 {
		return nil
	}
	ext, err := o.compute(b)
	if err != nil {
		return err
	}
	for lo := 0; lo < ext.Len; lo += vector.BatchSize {
		part := ext
		if lo > 0 || ext.Len > vector.BatchSize {
			part = sliceBatch(ext, selRange(lo, min(lo+vector.BatchSize, ext.Len)))
		}
		if err := o.out.push(part); err != nil {
			if errors.Is(err, errStop) {
				o.stopped = true
			}
			return err
		}
	}
	return nil
}

// compute adds the calls' columns to a batch, each call over the columns
// before it.
func (o *windowOp) compute(b *vector.Batch) (*vector.Batch, error) {
	base := len(b.Cols)
	ext := &vector.Batch{Len: b.Len, Cols: make([]*vector.Vector, base+len(o.w.Calls))}
	copy(ext.Cols, b.Cols)
	for i, c := range o.w.Calls {
		args := make([]*vector.Vector, len(c.Args))
		for j, a := range c.Args {
			v, err := eval(a, ext)
			if err != nil {
				return nil, err
			}
			args[j] = v
		}
		v, err := o.states[i].Eval(args, b.Len)
		if err != nil {
			return nil, err
		}
		ext.Cols[base+i] = v
	}
	return ext, nil
}

func (o *windowOp) finish() error {
	o.mu.Lock()
	held := o.held
	o.held = nil
	err := func() error {
		defer func() {
			o.r.release(o.bytes)
			o.bytes = 0
		}()
		if !o.all || len(held) == 0 || o.stopped {
			return nil
		}
		err := o.emit(concatBatches(held, o.inCols))
		if errors.Is(err, errStop) {
			return nil
		}
		return err
	}()
	o.mu.Unlock()
	if err != nil {
		return err
	}
	return o.out.finish()
}

// concatBatches joins batches into one, column by column; a column missing
// from a batch is null there.
func concatBatches(bs []*vector.Batch, cols []planner.Column) *vector.Batch {
	total := 0
	for _, b := range bs {
		total += b.Len
	}
	out := &vector.Batch{Len: total, Cols: make([]*vector.Vector, len(cols))}
	for ci, c := range cols {
		missing := true
		for _, b := range bs {
			if ci < len(b.Cols) && b.Cols[ci] != nil {
				missing = false
			}
		}
		if missing {
			continue
		}
		v := vector.New(c.Type, total)
		for _, b := range bs {
			src := (*vector.Vector)(nil)
			if ci < len(b.Cols) {
				src = b.Cols[ci]
			}
			switch {
			case src != nil && vector.Storage(src.Type) == vector.Storage(v.Type):
				vector.AppendVector(v, src)
			case src != nil:
				for r := 0; r < b.Len; r++ {
					v.Append(src.Value(r))
				}
			default:
				for r := 0; r < b.Len; r++ {
					v.Append(types.NullOf(c.Type))
				}
			}
		}
		out.Cols[ci] = v
	}
	return out
}
