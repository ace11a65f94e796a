package executor

import (
	"errors"
	"fmt"
	"sync"

	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

func init() {
	register(&planner.MvApply{}, buildMvApply)
	register(&planner.ApplyRows{}, buildApplyRows)
}

// feedKey names the rows an ApplyRows leaf of one subquery run reads.
type feedKey struct {
	r    *run
	node *planner.ApplyRows
}

// feeds holds the expanded rows of the subquery runs in progress. Each run of
// a subquery has a run of its own, so concurrent pushes never share a feed.
var feeds sync.Map // feedKey -> *vector.Batch

func buildApplyRows(r *run, n planner.Node, out operator) (func() error, error) {
	x := n.(*planner.ApplyRows)
	return func() error {
		v, ok := feeds.Load(feedKey{r, x})
		if !ok {
			return fmt.Errorf("BUG: mv-apply rows read outside their subquery")
		}
		if b := v.(*vector.Batch); b.Len > 0 {
			if err := out.push(b); err != nil && !errors.Is(err, errStop) {
				return err
			}
		}
		return out.finish()
	}, nil
}

func buildMvApply(r *run, n planner.Node, out operator) (func() error, error) {
	x := n.(*planner.MvApply)
	return r.build(x.Input, &mvApplyOp{r: r, node: x, out: out, expand: &expandOp{node: x.Expand}})
}

// mvApplyOp expands each input row on its own and runs the subquery over
// the rows it expands to. push may run on several goroutines at once; each
// call runs its subqueries one after another, each with a run of its own
// that shares the query's context and memory budget.
type mvApplyOp struct {
	r      *run
	node   *planner.MvApply
	out    operator
	expand *expandOp
}

// applySink gathers the result of one subquery run.
type applySink struct {
	batches []*vector.Batch
}

func (s *applySink) push(b *vector.Batch) error {
	if b.Len > 0 {
		s.batches = append(s.batches, b)
	}
	return nil
}

func (s *applySink) finish() error { return nil }

func (m *mvApplyOp) push(b *vector.Batch) error {
	x := m.node
	ex := x.Expand
	vals := make([]*vector.Vector, len(ex.Exprs))
	for i, e := range ex.Exprs {
		v, err := eval(e, b)
		if err != nil {
			return err
		}
		vals[i] = v
	}
	w := newExpandWriter(ex, b)
	elems := make([][]any, len(vals))
	res := newApplyWriter(x)
	for r := 0; r < b.Len; r++ {
		if err := m.r.ctx.Err(); err != nil {
			return err
		}
		rows := 0
		for i, v := range vals {
			elems[i] = m.expand.elements(v, r)
			rows = max(rows, len(elems[i]))
		}
		if ex.Limit >= 0 && int64(rows) > ex.Limit {
			rows = int(ex.Limit)
		}
		for k := 0; k < rows; k++ {
			w.add(r, k, elems)
		}
		sub := w.flush()
		got, err := m.runSub(sub)
		if err != nil {
			return err
		}
		for _, g := range got {
			res.add(b, r, g)
			if res.len() >= vector.BatchSize {
				if err := m.out.push(res.flush()); err != nil {
					return err
				}
			}
		}
	}
	if res.len() == 0 {
		return nil
	}
	return m.out.push(res.flush())
}

// runSub runs the subquery over one row's expanded rows.
func (m *mvApplyOp) runSub(rows *vector.Batch) ([]*vector.Batch, error) {
	sub := &run{ctx: m.r.ctx, store: m.r.store, mem: m.r.mem, detail: m.r.detail}
	key := feedKey{sub, m.node.Rows}
	feeds.Store(key, rows)
	defer feeds.Delete(key)
	sink := &applySink{}
	drive, err := sub.build(m.node.Sub, sink)
	if err != nil {
		return nil, err
	}
	if err := drive(); err != nil && !errors.Is(err, errStop) {
		return nil, err
	}
	if len(sub.stats.Scans) > 0 {
		m.r.mu.Lock()
		m.r.stats.add(sub.stats)
		m.r.mu.Unlock()
	}
	return sink.batches, nil
}

func (m *mvApplyOp) finish() error { return m.out.finish() }

// applyWriter builds output rows: the kept columns of an input row, then a
// row of the subquery's result.
type applyWriter struct {
	node *planner.MvApply
	in   *vector.Batch
	sel  []int // input row of each output row
	cols []*vector.Vector
}

func newApplyWriter(x *planner.MvApply) *applyWriter {
	w := &applyWriter{node: x}
	w.reset()
	return w
}

func (w *applyWriter) reset() {
	subCols := w.node.Sub.Columns()
	w.sel = nil
	w.cols = make([]*vector.Vector, len(subCols))
	for i, c := range subCols {
		w.cols[i] = vector.New(c.Type, 0)
	}
}

func (w *applyWriter) len() int { return len(w.sel) }

// add appends every row of a subquery result for input row r of in.
func (w *applyWriter) add(in *vector.Batch, r int, g *vector.Batch) {
	w.in = in
	for i := 0; i < g.Len; i++ {
		w.sel = append(w.sel, r)
	}
	for i, c := range w.cols {
		src := g.Cols[i]
		if src == nil {
			for j := 0; j < g.Len; j++ {
				c.Append(types.NullOf(c.Type))
			}
			continue
		}
		vector.AppendVector(c, src)
	}
}

func (w *applyWriter) flush() *vector.Batch {
	x := w.node
	nb := &vector.Batch{Len: len(w.sel), Cols: make([]*vector.Vector, 0, len(x.Out))}
	for _, k := range x.Keep {
		if w.in.Cols[k] == nil {
			nb.Cols = append(nb.Cols, nil)
			continue
		}
		nb.Cols = append(nb.Cols, vector.Gather(w.in.Cols[k], w.sel))
	}
	nb.Cols = append(nb.Cols, w.cols...)
	w.reset()
	return nb
}
