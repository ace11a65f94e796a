package functions

import (
	"fmt"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Window functions (row functions) compute a row's value from the rows before
// or after it, so they need a serialized row set: the planner accepts them only
// over ordered input (after serialize, sort, top, range...) and lifts every call
// into a Window plan node, whose executor runs them over the rows in order, on
// one goroutine, a WindowState carrying what one call needs from batch to
// batch. Their Eval only reports a row function used elsewhere.
// https://learn.microsoft.com/kusto/query/window-functions

// Window is the kind of the row functions. Its value is kept apart from the
// kinds counted in registry.go, so that a kind added there cannot collide.
const Window Kind = 16

// WindowState runs one window call over a serialized row set. Eval is called
// once per batch, in row order, from one goroutine; args are the call's
// arguments over the batch's n rows (a constant argument is a vector of n
// equal rows) and the result is a new vector of n rows of the call's type.
// A call that looks ahead (see LooksAhead) is given every row in one batch.
type WindowState interface {
	Eval(args []*vector.Vector, n int) (*vector.Vector, error)
}

// windowKind is one row function's constructor and traits.
type windowKind struct {
	newState  func(args []types.Type, consts []*types.Value) WindowState
	lookAhead bool
}

var windows = map[string]windowKind{}

// window registers a row function.
func window(name string, minArgs, maxArgs int, doc string, check checkFn, k windowKind) {
	s := &Spec{Name: name, Kind: Window, MinArgs: minArgs, MaxArgs: maxArgs, Doc: doc,
		// Reached only where the planner does not lift row functions.
		Eval: func([]*vector.Vector, int) (*vector.Vector, error) {
			return nil, fmt.Errorf("%s() is a row function: use it in extend, project, where or serialize", name)
		}}
	s.Check = wrapCheck(s, check)
	Register(s)
	windows[name] = k
}

// NewWindowState returns the empty running state of a call of the window
// function s, given its argument types and the values of its constant
// arguments (nil for the others), as the planner checked them.
func NewWindowState(s *Spec, args []types.Type, consts []*types.Value) (WindowState, error) {
	k, ok := windows[s.Name]
	if !ok || s.Kind != Window {
		return nil, fmt.Errorf("BUG: %s() is not a window function", s.Name)
	}
	if len(consts) < len(args) {
		c := make([]*types.Value, len(args))
		copy(c, consts)
		consts = c
	}
	return k.newState(args, consts), nil
}

// LooksAhead reports whether the window function s reads rows after the
// current one (next()), so that its executor must hold every row first.
func LooksAhead(s *Spec) bool { return windows[s.Name].lookAhead }

func init() {
	window("row_number", 0, 2, "row_number([start [, restart]]): the row's index in the serialized row set, from start (1), back to start where restart is true",
		rowNumberCheck, windowKind{newState: newRowNumber})
	window("prev", 1, 3, "prev(column [, offset [, default]]): the value of column offset (1) rows before the current row, else default (null)",
		shiftCheck, windowKind{newState: newPrev})
	window("next", 1, 3, "next(column [, offset [, default]]): the value of column offset (1) rows after the current row, else default (null)",
		shiftCheck, windowKind{newState: newNext, lookAhead: true})
	window("row_cumsum", 1, 2, "row_cumsum(term [, restart]): the running sum of term over the serialized row set, from 0 again where restart is true",
		cumsumCheck, windowKind{newState: newCumsum})
	window("row_window_session", 3, 4, "row_window_session(expr, maxDistanceFromFirst, maxDistanceBetweenNeighbors [, restart]): the value of expr where the row's session began",
		sessionCheck, windowKind{newState: newSession})
	window("row_rank_dense", 1, 2, "row_rank_dense(term [, restart]): the row's dense rank: 1, growing by one each time term changes",
		rankCheck, windowKind{newState: func([]types.Type, []*types.Value) WindowState { return &rankState{dense: true} }})
	window("row_rank_min", 1, 2, "row_rank_min(term [, restart]): the row's minimal rank: the row number where the current run of equal terms began",
		rankCheck, windowKind{newState: func([]types.Type, []*types.Value) WindowState { return &rankState{} }})
}

// restartArg is the optional restart predicate of most row functions.
var restartArg = boolArg.as("restart")

func rowNumberCheck(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
	return types.Long, checkParams(name, args, []param{intArg.as("start"), restartArg})
}

func shiftCheck(name string, args []types.Type, consts []*types.Value) (types.Type, error) {
	if args[0] == types.Unknown {
		return types.Unknown, nil
	}
	if len(args) > 1 {
		if !isInteger(args[1]) {
			return types.Unknown, argErr(name, intArg.as("offset"), args[1])
		}
		off, ok := constInt(consts, 1)
		if !ok || off < 0 {
			return types.Unknown, fmt.Errorf("%s() expects a constant non-negative integer for offset", name)
		}
	}
	if len(args) > 2 {
		t, ok := commonType([]types.Type{args[0], args[2]})
		if !ok {
			return types.Unknown, fmt.Errorf("%s() expects a default of the column's type (%s), got %s", name, args[0], args[2])
		}
		return t, nil
	}
	return args[0], nil
}

func cumsumCheck(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
	t := args[0]
	if t != types.Int && t != types.Long && t != types.Real {
		return types.Unknown, argErr(name, param{desc: "an int, long or real", role: "term"}, t)
	}
	return t, checkParams(name, args[1:], []param{restartArg})
}

func sessionCheck(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
	params := []param{dateArg.as("expr"), spanArg.as("maxDistanceFromFirst"), spanArg.as("maxDistanceBetweenNeighbors"), restartArg}
	return types.Datetime, checkParams(name, args, params)
}

func rankCheck(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
	if args[0] == types.Dynamic {
		return types.Unknown, argErr(name, param{desc: "a scalar that is not dynamic", role: "term"}, args[0])
	}
	return types.Long, checkParams(name, args[1:], []param{restartArg})
}

// restartAt reports whether the optional restart argument at index i is true on row r.
func restartAt(args []*vector.Vector, i, r int) bool {
	return len(args) > i && tri(args[i], r) == 1
}

// rowNumberState counts rows, from start again where restart holds.
type rowNumberState struct {
	started bool
	n       int64
}

func newRowNumber([]types.Type, []*types.Value) WindowState { return &rowNumberState{} }

func (s *rowNumberState) Eval(args []*vector.Vector, n int) (*vector.Vector, error) {
	out := newVec(types.Long, n)
	for r := 0; r < n; r++ {
		start := int64(1)
		if len(args) > 0 {
			if nullAt(args[0], r) {
				start = 1
			} else {
				start = args[0].Ints[r]
			}
		}
		if !s.started || restartAt(args, 1, r) {
			s.n, s.started = start, true
		} else {
			s.n++
		}
		out.Ints[r] = s.n
	}
	return out, nil
}

// shiftState keeps the last offset values for prev, across batches.
type shiftState struct {
	t      types.Type
	offset int
	hist   []types.Value // the previous rows' values, oldest first, at most offset
}

func shiftParams(args []types.Type, consts []*types.Value) (types.Type, int) {
	t := args[0]
	if len(args) > 2 {
		t, _ = commonType([]types.Type{args[0], args[2]})
	}
	off := int64(1)
	if len(args) > 1 {
		off, _ = constInt(consts, 1)
	}
	return t, int(off)
}

func newPrev(args []types.Type, consts []*types.Value) WindowState {
	t, off := shiftParams(args, consts)
	return &shiftState{t: t, offset: off}
}

func (s *shiftState) Eval(args []*vector.Vector, n int) (*vector.Vector, error) {
	x := castVec(args[0], s.t, n)
	var def *vector.Vector
	if len(args) > 2 {
		def = castVec(args[2], s.t, n)
	}
	out := vector.New(s.t, n)
	for r := 0; r < n; r++ {
		switch j := r - s.offset; {
		case j >= 0:
			out.Append(x.Value(j))
		case len(s.hist)+j >= 0:
			out.Append(s.hist[len(s.hist)+j])
		case def != nil:
			out.Append(def.Value(r))
		default:
			out.Append(types.NullOf(s.t))
		}
	}
	// Keep the last offset values for the next batch.
	for r := max(0, n-s.offset); r < n; r++ {
		s.hist = append(s.hist, x.Value(r))
	}
	if over := len(s.hist) - s.offset; over > 0 {
		s.hist = append(s.hist[:0], s.hist[over:]...)
	}
	return out, nil
}

// nextState reads ahead in the one batch that holds every row.
type nextState struct {
	t      types.Type
	offset int
}

func newNext(args []types.Type, consts []*types.Value) WindowState {
	t, off := shiftParams(args, consts)
	return &nextState{t: t, offset: off}
}

func (s *nextState) Eval(args []*vector.Vector, n int) (*vector.Vector, error) {
	x := castVec(args[0], s.t, n)
	var def *vector.Vector
	if len(args) > 2 {
		def = castVec(args[2], s.t, n)
	}
	out := vector.New(s.t, n)
	for r := 0; r < n; r++ {
		switch j := r + s.offset; {
		case j < n:
			out.Append(x.Value(j))
		case def != nil:
			out.Append(def.Value(r))
		default:
			out.Append(types.NullOf(s.t))
		}
	}
	return out, nil
}

// cumsumState is a running sum; a null term adds nothing.
type cumsumState struct {
	i int64
	f float64
}

func newCumsum([]types.Type, []*types.Value) WindowState { return &cumsumState{} }

func (s *cumsumState) Eval(args []*vector.Vector, n int) (*vector.Vector, error) {
	x := args[0]
	out := newVec(x.Type, n)
	for r := 0; r < n; r++ {
		if restartAt(args, 1, r) {
			s.i, s.f = 0, 0
		}
		if !nullAt(x, r) {
			if x.Type == types.Real {
				s.f += x.Reals[r]
			} else {
				s.i += x.Ints[r]
				if x.Type == types.Int {
					s.i = int64(int32(s.i))
				}
			}
		}
		if x.Type == types.Real {
			out.Reals[r] = s.f
		} else {
			out.Ints[r] = s.i
		}
	}
	return out, nil
}

// sessionState tracks the current session's first value and the previous value.
type sessionState struct {
	open        bool // a session with a non-null start is running
	start, last int64
}

func newSession([]types.Type, []*types.Value) WindowState { return &sessionState{} }

func (s *sessionState) Eval(args []*vector.Vector, n int) (*vector.Vector, error) {
	x, first, near := args[0], args[1], args[2]
	out := newVec(types.Datetime, n)
	for r := 0; r < n; r++ {
		if nullAt(x, r) {
			// A null value is a session of its own; the next value starts another.
			s.open = false
			out.SetNull(r)
			continue
		}
		v := x.Ints[r]
		fresh := !s.open || restartAt(args, 3, r) ||
			!nullAt(first, r) && v >= s.start+first.Ints[r] ||
			!nullAt(near, r) && v >= s.last+near.Ints[r]
		if fresh {
			s.start, s.open = v, true
		}
		s.last = v
		out.Ints[r] = s.start
	}
	return out, nil
}

// rankState ranks runs of equal terms: dense counts the runs, min gives the
// row number where the run began.
type rankState struct {
	dense   bool
	started bool
	prev    types.Value
	row     int64 // rows since the last restart
	rank    int64
}

func (s *rankState) Eval(args []*vector.Vector, n int) (*vector.Vector, error) {
	x := args[0]
	out := newVec(types.Long, n)
	for r := 0; r < n; r++ {
		v := x.Value(r)
		switch {
		case !s.started || restartAt(args, 1, r):
			s.row, s.rank, s.started = 1, 1, true
		case sameValue(v, s.prev):
			s.row++
		default:
			s.row++
			if s.dense {
				s.rank++
			} else {
				s.rank = s.row
			}
		}
		s.prev = v
		out.Ints[r] = s.rank
	}
	return out, nil
}

// sameValue reports whether two values of one type are equal, two nulls included.
func sameValue(a, b types.Value) bool {
	if a.Null || b.Null {
		return a.Null == b.Null
	}
	switch vector.Storage(a.Type) {
	case vector.StoreInts:
		return a.I == b.I
	case vector.StoreReals:
		return a.F == b.F || a.F != a.F && b.F != b.F
	case vector.StoreStrs:
		return a.S == b.S
	}
	return types.EqualDynamic(a.D, b.D)
}
