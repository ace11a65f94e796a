package planner

import (
	"fmt"
	"strings"

	"github.com/spoorhq/spoor/functions"
	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// Serialize marks its input's row order as fixed, so that row functions may
// run over it (the serialize operator without assignments). It passes rows
// through unchanged.
type Serialize struct {
	Input Node
}

func (n *Serialize) Columns() []Column { return n.Input.Columns() }
func (n *Serialize) Inputs() []Node    { return []Node{n.Input} }

// SetInput replaces the input.
func (n *Serialize) SetInput(i int, in Node) {
	if i != 0 {
		panic("BUG: serialize has one input")
	}
	n.Input = in
}

// Explain prints the node.
func (n *Serialize) Explain() string { return "Serialize" }

// WindowCall is one call of a row function (row_number, prev, row_cumsum...),
// with its arguments bound over the Window node's input and the columns of
// the calls before it.
type WindowCall struct {
	At   parser.Span
	Fn   *functions.Spec
	Args []Expr
	T    types.Type
}

// Window runs row functions over serialized rows. Its output is its input's
// columns followed by one column per call, in order: call i may read the
// columns of calls before it, as `row_cumsum(x, k != prev(k))` needs. The
// binder lifts row function calls out of extend, project, where and serialize
// into a Window under them, and refers to its columns instead. The executor
// sees every row once, in order, on one goroutine.
type Window struct {
	Input Node
	Calls []WindowCall
	Out   []Column
}

func (n *Window) Columns() []Column { return n.Out }
func (n *Window) Inputs() []Node    { return []Node{n.Input} }

// SetInput replaces the input.
func (n *Window) SetInput(i int, in Node) {
	if i != 0 {
		panic("BUG: a window has one input")
	}
	n.Input = in
}

// Explain prints the calls with the names of their columns.
func (n *Window) Explain() string {
	base := len(n.Out) - len(n.Calls)
	parts := make([]string, len(n.Calls))
	for i, c := range n.Calls {
		parts[i] = n.Out[base+i].Name + "=" + ExprString(&Call{At: c.At, Fn: c.Fn, Args: c.Args, T: c.T})
	}
	return "Window " + strings.Join(parts, ", ")
}

// serialize binds the serialize operator: a Serialize node, with its
// assignments computed as extend computes them, over the now serialized rows.
// https://learn.microsoft.com/kusto/query/serialize-operator
func (b *binder) serialize(in Node, o *parser.SerializeOp) Node {
	ser := &Serialize{Input: in}
	if len(o.Columns) == 0 {
		return ser
	}
	sc := &scope{cols: ser.Columns(), b: b}
	n := b.windowed(b.project(ser, sc, o.Columns, true))
	// A window over the serialize already holds the rows in order.
	if p, ok := n.(*Project); ok {
		if w, ok := p.Input.(*Window); ok && w.Input == ser {
			w.Input = in
		}
	}
	return n
}

// isWindow reports whether c calls a row function.
func isWindow(c *Call) bool { return c.Fn != nil && c.Fn.Kind == functions.Window }

// windowed lifts the row function calls of a bound extend or project (a
// Project) or where (a Filter) into a Window under it. A call needs its input
// serialized; otherwise the error points at the first call. Other nodes, and
// operators without row functions, are returned as they are.
func (b *binder) windowed(n Node) Node {
	switch x := n.(type) {
	case *Project:
		w := &Window{Input: x.Input, Out: append([]Column(nil), x.Input.Columns()...)}
		for i, e := range x.Exprs {
			x.Exprs[i] = w.lift(e)
		}
		if len(w.Calls) == 0 {
			return n
		}
		if !b.checkSerialized(w) {
			return nil
		}
		x.Input = w
		return x
	case *Filter:
		w := &Window{Input: x.Input, Out: append([]Column(nil), x.Input.Columns()...)}
		pred := w.lift(x.Pred)
		if len(w.Calls) == 0 {
			return n
		}
		if !b.checkSerialized(w) {
			return nil
		}
		// The call columns go again after the filter.
		p := &Project{Input: &Filter{Input: w, Pred: pred}}
		for i, c := range x.Input.Columns() {
			p.Exprs = append(p.Exprs, &ColumnRef{Index: i, Name: c.Name, T: c.Type})
			p.Out = append(p.Out, c)
		}
		return p
	}
	return n
}

// checkSerialized reports a window over rows whose order is not fixed.
func (b *binder) checkSerialized(w *Window) bool {
	if serialized(w.Input) {
		return true
	}
	c := w.Calls[0]
	b.errs.add(c.At.Pos, "%s() needs a serialized row set: add '| serialize' or '| sort by ...' before this operator", c.Fn.Name)
	return false
}

// lift replaces the row function calls in x, innermost first, by references
// to new columns of the window.
func (w *Window) lift(x Expr) Expr {
	c, ok := x.(*Call)
	if !ok {
		return x
	}
	if _, found := hasWindow(c); !found {
		return x
	}
	args := make([]Expr, len(c.Args))
	for i, a := range c.Args {
		args[i] = w.lift(a)
	}
	if !isWindow(c) {
		return &Call{At: c.At, Fn: c.Fn, Args: args, T: c.T}
	}
	name := fmt.Sprintf("_w%d", len(w.Calls))
	w.Calls = append(w.Calls, WindowCall{At: c.At, Fn: c.Fn, Args: args, T: c.T})
	w.Out = append(w.Out, Column{Name: name, Type: c.T})
	return &ColumnRef{At: c.At, Index: len(w.Out) - 1, Name: name, T: c.T}
}

// hasWindow reports whether x calls a row function anywhere.
func hasWindow(x Expr) (*Call, bool) {
	c, ok := x.(*Call)
	if !ok {
		return nil, false
	}
	if isWindow(c) {
		return c, true
	}
	for _, a := range c.Args {
		if w, ok := hasWindow(a); ok {
			return w, true
		}
	}
	return nil, false
}

// serialized reports whether a node's rows come in a fixed order, so that row
// functions may run over them. Sorting, range, constant tables, the elements
// mv-apply expands and serialize fix the order; grouping, joining and the like
// lose it; operators that map rows one by one keep their input's, and a
// union, whose legs run one after the other, keeps its legs' when they all
// have one.
func serialized(n Node) bool {
	switch x := n.(type) {
	case *Sort, *TopN, *Values, *Range, *Window, *Serialize, *ScanSteps, *ApplyRows:
		return true
	case *Scan, *Aggregate, *Join, *MakeSeries, *TopNested, *BagUnpack, *Pivot:
		return false
	case *Union:
		for _, leg := range x.Legs {
			if !serialized(leg) {
				return false
			}
		}
		return len(x.Legs) > 0
	}
	ins := n.Inputs()
	return len(ins) == 1 && serialized(ins[0])
}
