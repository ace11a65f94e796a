package planner

import (
	"math"

	"github.com/spoorhq/spoor/functions"
	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// topHitters binds `top-hitters N of X [by W]`: the N values of X that occur
// most often, or whose W sums highest. Kusto estimates them with a sketch;
// here they are exact, as `summarize count() by X | top N by count desc`
// (or sum(W)). The columns are X's, then approximate_count_X (long), or
// approximate_sum_W of sum's type.
// https://learn.microsoft.com/kusto/query/top-hitters-operator
func (b *binder) topHitters(in Node, o *parser.TopHittersOp) Node {
	sc := &scope{cols: in.Columns(), b: b}
	n, nOK := b.hittersCount(sc, o.Count)
	of := sc.bindExpr(o.Of)
	ok := nOK && of != nil
	if of != nil && of.Type() == types.Dynamic {
		b.errs.add(o.Of.Start(), "top-hitters cannot count dynamic values; convert them first, for example with tostring()")
		ok = false
	}
	name := defaultName(o.Of)
	if name == "" {
		name = "Column1"
	}
	fnName, aggName, arg := "count", "approximate_count_"+name, []Expr(nil)
	if o.By != nil {
		w := sc.bindExpr(o.By)
		switch {
		case w == nil:
			ok = false
		case !w.Type().Numeric():
			b.errs.add(o.By.Start(), "top-hitters 'by' needs a number to sum, got %s", w.Type())
			ok = false
		default:
			by := defaultName(o.By)
			if by == "" {
				by = "Column1"
			}
			if by == name {
				by += "1"
			}
			fnName, aggName, arg = "sum", "approximate_sum_"+by, []Expr{w}
		}
	}
	if !ok {
		return nil
	}
	fn, found := functions.Lookup(fnName)
	if !found || fn.Kind != functions.Aggregate {
		b.errs.add(o.Pos, "%s is not available", fnName)
		return nil
	}
	ts := make([]types.Type, len(arg))
	consts := make([]*types.Value, len(arg))
	for i, a := range arg {
		ts[i] = a.Type()
	}
	t, err := fn.Check(ts, consts)
	if err != nil {
		b.errs.add(o.Pos, "%s", err)
		return nil
	}
	agg := &Aggregate{Input: in, Keys: []Expr{of}, Aggs: []AggCall{{Fn: fn, Args: arg, T: t}},
		Out: []Column{{Name: name, Type: of.Type()}, {Name: aggName, Type: t}}}
	key := &ColumnRef{Index: 1, Name: aggName, T: t}
	return &TopN{Input: agg, Keys: []SortKey{{X: key, Desc: true}}, N: n}
}

// hittersCount binds the number of values top-hitters returns: a
// non-negative int, long or real constant (a real is rounded down).
func (b *binder) hittersCount(sc *scope, x parser.Expr) (int64, bool) {
	e := sc.bindExpr(x)
	if e == nil {
		return 0, false
	}
	if c, ok := e.(*Const); ok && c.V.Type == types.Real && !c.V.Null && c.V.F >= 0 && c.V.F < math.MaxInt64 {
		return int64(c.V.F), true
	}
	return b.constCount(sc, x)
}
