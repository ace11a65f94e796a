package executor

import (
	"sort"

	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

func init() { register(&planner.MvExpand{}, buildMvExpand) }

func buildMvExpand(r *run, n planner.Node, out operator) (func() error, error) {
	x := n.(*planner.MvExpand)
	return r.build(x.Input, &expandOp{node: x, out: out})
}

// expandOp expands dynamic arrays and bags into rows. push may run on several
// goroutines at once; each call builds its own output batches from the batch
// it owns, at most vector.BatchSize rows each.
type expandOp struct {
	node *planner.MvExpand
	out  operator
}

func (e *expandOp) push(b *vector.Batch) error {
	x := e.node
	vals := make([]*vector.Vector, len(x.Exprs))
	for i, ex := range x.Exprs {
		v, err := eval(ex, b)
		if err != nil {
			return err
		}
		vals[i] = v
	}
	w := newExpandWriter(x, b)
	elems := make([][]any, len(vals))
	for r := 0; r < b.Len; r++ {
		rows := 0
		for i, v := range vals {
			elems[i] = e.elements(v, r)
			rows = max(rows, len(elems[i]))
		}
		if x.Limit >= 0 && int64(rows) > x.Limit {
			rows = int(x.Limit)
		}
		for k := 0; k < rows; k++ {
			w.add(r, k, elems)
			if w.len() == vector.BatchSize {
				if err := e.out.push(w.flush()); err != nil {
					return err
				}
			}
		}
	}
	if w.len() == 0 {
		return nil
	}
	return e.out.push(w.flush())
}

func (e *expandOp) finish() error { return e.out.finish() }

// elements lists what row r of v expands to: a null expands to one null, an
// array to its elements, a bag to its properties (sorted by key, each a
// single-property bag or a [key, value] array), any other value to itself.
func (e *expandOp) elements(v *vector.Vector, r int) []any {
	if v.IsNull(r) {
		return []any{nil}
	}
	switch d := v.Dyn[r].(type) {
	case nil:
		return []any{nil}
	case []any:
		return d
	case map[string]any:
		keys := make([]string, 0, len(d))
		for k := range d {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]any, len(keys))
		for i, k := range keys {
			if e.node.BagArray {
				out[i] = []any{k, d[k]}
			} else {
				out[i] = map[string]any{k: d[k]}
			}
		}
		return out
	default:
		return []any{d}
	}
}

// expandWriter accumulates output rows: the input row each copies, and the
// expanded values and item index it adds.
type expandWriter struct {
	node   *planner.MvExpand
	in     *vector.Batch
	sel    []int
	target map[int]int // output position -> index of the expanded expression
	cols   []*vector.Vector
	index  *vector.Vector
}

func newExpandWriter(x *planner.MvExpand, in *vector.Batch) *expandWriter {
	w := &expandWriter{node: x, in: in, target: map[int]int{}}
	for i, t := range x.Targets {
		w.target[t] = i
	}
	w.reset()
	return w
}

func (w *expandWriter) reset() {
	x := w.node
	w.sel = w.sel[:0]
	w.cols = make([]*vector.Vector, len(x.Exprs))
	for i, t := range x.Targets {
		w.cols[i] = vector.New(x.Out[t].Type, 0)
	}
	if x.IndexAt >= 0 {
		w.index = vector.New(types.Long, 0)
	}
}

func (w *expandWriter) len() int { return len(w.sel) }

// add appends the k-th expansion of input row r.
func (w *expandWriter) add(r, k int, elems [][]any) {
	w.sel = append(w.sel, r)
	for i, c := range w.cols {
		var el any
		if k < len(elems[i]) {
			el = elems[i][k]
		}
		c.Append(castElement(el, c.Type))
	}
	if w.index != nil {
		w.index.Append(types.NewLong(int64(k)))
	}
}

// flush returns the rows gathered so far as a batch and starts a new one.
func (w *expandWriter) flush() *vector.Batch {
	x := w.node
	nb := &vector.Batch{Len: len(w.sel), Cols: make([]*vector.Vector, len(x.Out))}
	for p := range x.Out {
		if i, ok := w.target[p]; ok {
			nb.Cols[p] = w.cols[i]
			continue
		}
		if p < len(w.in.Cols) && w.in.Cols[p] != nil {
			nb.Cols[p] = vector.Gather(w.in.Cols[p], w.sel)
		}
	}
	if x.IndexAt >= 0 {
		nb.Cols[x.IndexAt] = w.index
	}
	w.sel = nil
	w.reset()
	return nb
}

// castElement gives an expanded element the column's type. As `to typeof()`
// is a cast, not a conversion, an element of another kind becomes null:
// numbers and bools are not read from strings, nor bools from numbers.
// Datetimes, timespans and guids live in dynamic values as their text, so
// those are read from strings. A string column takes any element, as its
// compact JSON text when it is not a string.
func castElement(el any, t types.Type) types.Value {
	if el == nil {
		return types.NullOf(t)
	}
	var fits bool
	switch el.(type) {
	case bool:
		fits = t == types.Bool
	case int64:
		fits = t == types.Int || t == types.Long || t == types.Real || t == types.Decimal
	case float64:
		fits = t == types.Real || t == types.Decimal
	case string:
		fits = t == types.Datetime || t == types.Timespan || t == types.Guid
	}
	switch {
	case t == types.Dynamic:
		return types.NewDynamic(el)
	case t != types.String && !fits:
		return types.NullOf(t)
	}
	v, err := types.FromJSON(t, el)
	if err != nil {
		return types.NullOf(t)
	}
	return v
}
