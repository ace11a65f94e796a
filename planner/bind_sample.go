package planner

import (
	"math"
	"strings"

	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// Sample keeps Count rows picked at random from its input, or every row when
// there are fewer. Count is a constant or a toscalar() subquery (any numeric
// type; a real is truncated); the executor reads it once. Which rows are
// picked changes from run to run, as in Kusto.
type Sample struct {
	Input Node
	Count Expr
}

func (n *Sample) Columns() []Column { return n.Input.Columns() }
func (n *Sample) Inputs() []Node    { return []Node{n.Input} }

// SetInput replaces the input.
func (n *Sample) SetInput(i int, in Node) {
	if i != 0 {
		panic("BUG: sample has one input")
	}
	n.Input = in
}

// Explain prints the node on one line.
func (n *Sample) Explain() string { return "Sample " + ExprString(n.Count) }

// sample binds `sample N`: up to N rows picked at random.
// https://learn.microsoft.com/kusto/query/sample-operator
func (b *binder) sample(in Node, o *parser.SampleOp) Node {
	if !b.hintOptions("sample", o.Options) {
		return nil
	}
	n := b.sampleCount("sample", o.Count)
	if n == nil {
		return nil
	}
	return &Sample{Input: in, Count: n}
}

// sampleDistinct binds `sample-distinct N of Col`: up to N distinct values of
// a column, in a single column named after it. It is distinct (an Aggregate
// by the column) followed by a sample of its groups.
// https://learn.microsoft.com/kusto/query/sample-distinct-operator
func (b *binder) sampleDistinct(in Node, o *parser.SampleDistinctOp) Node {
	if !b.hintOptions("sample-distinct", o.Options) {
		return nil
	}
	n := b.sampleCount("sample-distinct", o.Count)
	ref, ok := o.Of.(*parser.NameRef)
	if !ok {
		b.errs.add(o.Of.Start(), "'sample-distinct' needs a column name after 'of'")
		return nil
	}
	sc := &scope{cols: in.Columns(), b: b}
	i := sc.lookup(ref.Name)
	if i < 0 {
		b.errs.add(ref.Pos, "unknown column '%s'%s", ref.Name, didYouMean(ref.Name, sc.names()))
		return nil
	}
	if n == nil {
		return nil
	}
	c := sc.cols[i]
	if c.Type == types.Dynamic {
		b.errs.add(ref.Pos, "'sample-distinct' cannot take values of a dynamic column; convert it first, as in tostring(%s)", c.Name)
		return nil
	}
	agg := &Aggregate{Input: in, Keys: []Expr{&ColumnRef{At: ref.Span, Index: i, Name: c.Name, T: c.Type}}, Out: []Column{c}}
	return &Sample{Input: agg, Count: n}
}

// sampleCount binds the number of rows of sample and sample-distinct: a
// numeric constant, or a toscalar() subquery read when the query runs.
func (b *binder) sampleCount(op string, x parser.Expr) Expr {
	e := (&scope{b: b}).bindExpr(x)
	if e == nil {
		return nil
	}
	switch t := e.Type(); t {
	case types.Int, types.Long, types.Real, types.Decimal:
	default:
		b.errs.add(x.Start(), "'%s' needs a number of rows, got %s", op, t)
		return nil
	}
	c, ok := e.(*Const)
	if !ok {
		if _, sub := e.(*Subquery); sub {
			return e
		}
		b.errs.add(x.Start(), "'%s' needs a constant number of rows", op)
		return nil
	}
	v := c.V
	if v.Type == types.Real && !v.Null {
		// A real is truncated toward zero, as a row count.
		if math.IsNaN(v.F) || v.F < 0 {
			b.errs.add(x.Start(), "'%s' needs a non-negative number of rows", op)
			return nil
		}
		v = types.NewLong(int64(min(v.F, math.MaxInt64)))
	}
	if v.Type == types.Decimal && !v.Null {
		// A decimal is written out; read its whole part.
		whole, _, _ := strings.Cut(v.S, ".")
		if strings.HasPrefix(whole, "-") {
			b.errs.add(x.Start(), "'%s' needs a non-negative number of rows", op)
			return nil
		}
		var n int64
		for _, d := range whole {
			if d < '0' || d > '9' || n > math.MaxInt64/10-9 {
				n = math.MaxInt64
				break
			}
			n = n*10 + int64(d-'0')
		}
		v = types.NewLong(n)
	}
	if v.Null || v.I < 0 {
		b.errs.add(x.Start(), "'%s' needs a non-negative number of rows", op)
		return nil
	}
	return &Const{At: c.At, V: types.NewLong(v.I)}
}

// hintOptions accepts the hint.* options an operator ignores and reports any
// other option.
func (b *binder) hintOptions(op string, opts []*parser.Option) bool {
	ok := true
	for _, opt := range opts {
		if !strings.HasPrefix(opt.Name, "hint.") {
			b.errs.add(opt.Pos, "unknown '%s' option '%s'", op, opt.Name)
			ok = false
		}
	}
	return ok
}
