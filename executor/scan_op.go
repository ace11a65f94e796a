package executor

import (
	"errors"
	"sort"
	"sync"

	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

func init() { register(&planner.ScanSteps{}, buildScanSteps) }

// buildScanSteps runs the scan operator's state machine over the rows in the
// order they arrive.
func buildScanSteps(r *run, n planner.Node, out operator) (func() error, error) {
	s := n.(*planner.ScanSteps)
	op := &scanStepsOp{r: r, n: s, out: out, width: s.RowWidth(),
		states: make([]seqState, len(s.Steps)), pending: make([]*scanRow, len(s.Steps))}
	nIn := len(s.Input.Columns())
	for _, st := range s.Steps {
		uses := make([]bool, s.EnvWidth())
		exprRefs(st.Cond, uses)
		plan := stepPlan{condStateful: readsState(st.Cond, s.RowWidth())}
		for _, a := range st.Assign {
			exprRefs(a.X, uses)
			plan.assignStateful = append(plan.assignStateful, readsState(a.X, s.RowWidth()))
		}
		plan.uses = uses
		op.plans = append(op.plans, plan)
	}
	op.nIn = nIn
	return r.build(s.Input, op)
}

// seqState is one step's state: whether it holds a sequence, the sequence's
// match id, and the rows the sequence matched at each step so far (rows[j]
// for step j; nil is an empty part).
type seqState struct {
	active bool
	id     int64
	rows   [][]types.Value
}

// scanRow is an output row waiting to be passed on (output=last), with the
// position of the input row it came from.
type scanRow struct {
	vals []types.Value
	id   int64
	seq  int64
}

// stepPlan says what each expression of a step reads: a condition or an
// assignment that reads no state is computed for the whole batch at once.
type stepPlan struct {
	condStateful   bool
	assignStateful []bool
	uses           []bool // the environment columns the step reads
}

// scanStepsOp is the scan operator. Pushes may come from several goroutines:
// they take turns, and each batch's output is passed on before the next batch
// starts.
type scanStepsOp struct {
	r     *run
	n     *planner.ScanSteps
	out   operator
	plans []stepPlan
	nIn   int
	width int // the row's columns: input and declared

	mu      sync.Mutex
	stopped bool
	states  []seqState
	pending []*scanRow // per step, the last match of an output=last step
	nextID  int64
	seq     int64 // input rows seen
	rows    []scanRow
}

func (o *scanStepsOp) push(b *vector.Batch) error {
	if err := o.r.ctx.Err(); err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.stopped {
		return errStop
	}
	if err := o.run(b); err != nil {
		return err
	}
	return o.flush()
}

// run matches each row of a batch against the steps, the last step first.
func (o *scanStepsOp) run(b *vector.Batch) error {
	env := o.envBatch(b)
	// Conditions and assignments that read no state, for the whole batch.
	conds := make([]*vector.Vector, len(o.n.Steps))
	assigns := make([][]*vector.Vector, len(o.n.Steps))
	for k, st := range o.n.Steps {
		p := o.plans[k]
		if !p.condStateful {
			v, err := eval(st.Cond, env)
			if err != nil {
				return err
			}
			conds[k] = v
		}
		assigns[k] = make([]*vector.Vector, len(st.Assign))
		for i, a := range st.Assign {
			if p.assignStateful[i] {
				continue
			}
			v, err := eval(a.X, env)
			if err != nil {
				return err
			}
			assigns[k][i] = v
		}
	}
	for r := 0; r < b.Len; r++ {
		if r%1024 == 0 {
			if err := o.r.ctx.Err(); err != nil {
				return err
			}
		}
		for k := len(o.n.Steps) - 1; k >= 0; k-- {
			// Check 1: the previous step's sequence moves on to this step.
			if k > 0 && o.states[k-1].active {
				ok, err := o.cond(k, b, r, conds[k], &o.states[k-1])
				if err != nil {
					return err
				}
				if ok {
					o.release(k)
					o.release(k - 1)
					st := o.states[k-1]
					o.states[k-1] = seqState{}
					row, err := o.assign(k, b, r, assigns[k], &st)
					if err != nil {
						return err
					}
					st.rows = append(st.rows[:k:k], row)
					o.states[k] = st
					o.output(k, row, st.id)
					continue
				}
			}
			// Check 2: the step's own sequence, or a new one at the first step.
			if !o.states[k].active && k > 0 {
				continue
			}
			ok, err := o.cond(k, b, r, conds[k], &o.states[k])
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if !o.states[k].active {
				o.states[0] = seqState{active: true, id: o.nextID, rows: make([][]types.Value, 1)}
				o.nextID++
			}
			st := &o.states[k]
			row, err := o.assign(k, b, r, assigns[k], st)
			if err != nil {
				return err
			}
			st.rows[k] = row
			o.output(k, row, st.id)
		}
		o.seq++
	}
	return nil
}

// envBatch is a batch over the environment: the input's columns, the declared
// columns at their defaults, and no state.
func (o *scanStepsOp) envBatch(b *vector.Batch) *vector.Batch {
	env := &vector.Batch{Len: b.Len, Cols: make([]*vector.Vector, o.n.EnvWidth())}
	copy(env.Cols, b.Cols)
	for i, d := range o.n.Defaults {
		env.Cols[o.nIn+i] = vector.Repeat(d, b.Len)
	}
	return env
}

// rowEnv is a one-row batch over the environment for input row r and a
// state, holding the columns the step reads.
func (o *scanStepsOp) rowEnv(k int, b *vector.Batch, r int, st *seqState) *vector.Batch {
	uses := o.plans[k].uses
	env := &vector.Batch{Len: 1, Cols: make([]*vector.Vector, len(uses))}
	for c, used := range uses {
		if !used {
			continue
		}
		var v types.Value
		switch {
		case c < o.nIn:
			if b.Cols[c] == nil {
				continue
			}
			v = b.Cols[c].Value(r)
		case c < o.width:
			v = o.n.Defaults[c-o.nIn]
		default:
			step, col := (c-o.width)/o.width, (c-o.width)%o.width
			if step < len(st.rows) && st.rows[step] != nil {
				v = st.rows[step][col]
			} else {
				v = o.emptyValue(col)
			}
		}
		env.Cols[c] = vector.Repeat(v, 1)
	}
	return env
}

// emptyValue is a column's value in an empty part of the state.
func (o *scanStepsOp) emptyValue(col int) types.Value {
	if col >= o.nIn {
		return o.n.Defaults[col-o.nIn]
	}
	return types.NullOf(o.n.Out[col].Type)
}

// cond reports whether row r meets step k's condition against a state.
func (o *scanStepsOp) cond(k int, b *vector.Batch, r int, batchCond *vector.Vector, st *seqState) (bool, error) {
	v := batchCond
	if v == nil {
		var err error
		v, err = eval(o.n.Steps[k].Cond, o.rowEnv(k, b, r, st))
		if err != nil {
			return false, err
		}
		r = 0
	}
	return !v.IsNull(r) && v.Ints[r] != 0, nil
}

// assign builds the row that row r becomes when it matches step k: its input
// values, the declared columns at their defaults, and the step's assignments
// computed against the state.
func (o *scanStepsOp) assign(k int, b *vector.Batch, r int, batch []*vector.Vector, st *seqState) ([]types.Value, error) {
	row := make([]types.Value, o.width)
	for c := 0; c < o.nIn; c++ {
		if b.Cols[c] != nil {
			row[c] = b.Cols[c].Value(r)
		} else {
			row[c] = types.NullOf(o.n.Out[c].Type)
		}
	}
	copy(row[o.nIn:], o.n.Defaults)
	var env *vector.Batch
	for i, a := range o.n.Steps[k].Assign {
		v, at := batch[i], r
		if v == nil {
			if env == nil {
				env = o.rowEnv(k, b, r, st)
			}
			var err error
			if v, err = eval(a.X, env); err != nil {
				return nil, err
			}
			at = 0
		}
		row[o.nIn+a.Slot] = v.Value(at)
	}
	return row, nil
}

// output passes on a matched row as step k's output option says.
func (o *scanStepsOp) output(k int, row []types.Value, id int64) {
	switch o.n.Steps[k].Output {
	case "all":
		o.rows = append(o.rows, scanRow{vals: row, id: id, seq: o.seq})
	case "last":
		o.pending[k] = &scanRow{vals: row, id: id, seq: o.seq}
	}
}

// release outputs the last match of step k's sequence, which ends there.
func (o *scanStepsOp) release(k int) {
	if p := o.pending[k]; p != nil {
		o.rows = append(o.rows, *p)
		o.pending[k] = nil
	}
}

// flush passes the output rows gathered so far on, in batches.
func (o *scanStepsOp) flush() error {
	rows := o.rows
	o.rows = nil
	for lo := 0; lo < len(rows); lo += vector.BatchSize {
		part := rows[lo:min(lo+vector.BatchSize, len(rows))]
		b := &vector.Batch{Len: len(part), Cols: make([]*vector.Vector, len(o.n.Out))}
		for c, col := range o.n.Out {
			v := vector.New(col.Type, len(part))
			for _, r := range part {
				if c < o.width {
					v.Append(r.vals[c])
				} else {
					v.Append(types.NewLong(r.id))
				}
			}
			b.Cols[c] = v
		}
		if err := o.out.push(b); err != nil {
			if errors.Is(err, errStop) {
				o.stopped = true
			}
			return err
		}
	}
	return nil
}

func (o *scanStepsOp) finish() error {
	o.mu.Lock()
	var err error
	if !o.stopped {
		// The sequences still open end with the input: their last matches go out
		// in the order of their rows.
		var last []scanRow
		for k, p := range o.pending {
			if p != nil {
				last = append(last, *p)
				o.pending[k] = nil
			}
		}
		sort.SliceStable(last, func(i, j int) bool { return last[i].seq < last[j].seq })
		o.rows = append(o.rows, last...)
		err = o.flush()
	}
	o.mu.Unlock()
	if err != nil && !errors.Is(err, errStop) {
		return err
	}
	return o.out.finish()
}

// exprRefs marks the columns an expression reads.
func exprRefs(x planner.Expr, used []bool) {
	switch e := x.(type) {
	case *planner.ColumnRef:
		used[e.Index] = true
	case *planner.Call:
		for _, a := range e.Args {
			exprRefs(a, used)
		}
	}
}

// readsState reports whether an expression reads a state column: one past
// the row's width columns.
func readsState(x planner.Expr, width int) bool {
	switch e := x.(type) {
	case *planner.ColumnRef:
		return e.Index >= width
	case *planner.Call:
		for _, a := range e.Args {
			if readsState(a, width) {
				return true
			}
		}
	}
	return false
}
