package planner

import (
	"fmt"
	"strings"

	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// TopNested is a hierarchical top: the first level groups the rows by its Of
// value and keeps the N groups with the largest (or, Asc, smallest)
// aggregation; each next level does the same within each group kept by the
// level above.
//
// A level with Others adds, within each group of the level above, one group
// of the rows whose value was not kept: its value is Others and its
// aggregation is computed over those rows. Such a group is not split further:
// below it, each level shows its own Others value and aggregation over the
// same rows when it has with others, and nulls when it has not. A group of
// left-over rows appears whenever some level at or below its own has with
// others.
//
// The output has two columns per level: the value, then the aggregation.
type TopNested struct {
	Input  Node
	Levels []TopNestedLevel
	Out    []Column
}

// TopNestedLevel is one `top-nested [N] of Of [with others = Others] by Agg`.
// Aggs are the aggregate calls of the level, folded per group; By computes the
// aggregation from a row of their results (result i at index i).
type TopNestedLevel struct {
	N      int64 // -1: every group
	Of     Expr
	Others *types.Value // nil without `with others`
	Aggs   []AggCall
	By     Expr
	Asc    bool
}

// Columns is the output schema.
func (n *TopNested) Columns() []Column { return n.Out }

// Inputs is the one input.
func (n *TopNested) Inputs() []Node { return []Node{n.Input} }

// SetInput replaces the input.
func (n *TopNested) SetInput(i int, in Node) {
	if i != 0 {
		panic("BUG: top-nested has one input")
	}
	n.Input = in
}

// Explain prints the node on one line.
func (n *TopNested) Explain() string {
	parts := make([]string, len(n.Levels))
	for i, l := range n.Levels {
		var b strings.Builder
		if l.N >= 0 {
			fmt.Fprintf(&b, "%d", l.N)
		} else {
			b.WriteString("all")
		}
		fmt.Fprintf(&b, " of %s=%s", n.Out[2*i].Name, ExprString(l.Of))
		if l.Others != nil {
			fmt.Fprintf(&b, " with others=%s", ExprString(&Const{V: *l.Others}))
		}
		dir := "desc"
		if l.Asc {
			dir = "asc"
		}
		fmt.Fprintf(&b, " by %s=%s %s", n.Out[2*i+1].Name, ExprString(l.By), dir)
		parts[i] = b.String()
	}
	return "TopNested " + strings.Join(parts, ", ")
}

// topNested binds top-nested. The value column of a level is named after its
// expression (Name = Expr names it), the aggregation column after the
// aggregation's name, else aggregated_ and the value column's name.
// https://learn.microsoft.com/kusto/query/top-nested-operator
func (b *binder) topNested(in Node, o *parser.TopNestedOp) Node {
	sc := &scope{cols: in.Columns(), b: b}
	n := &TopNested{Input: in}
	used := map[string]bool{}
	nm := newNamer(func(s string) bool { return used[s] })
	ok := true
	for _, l := range o.Levels {
		lv := TopNestedLevel{N: -1, Asc: l.Order == "asc"}
		if l.Count != nil {
			c, cOK := b.constCount(sc, l.Count)
			if !cOK {
				ok = false
			}
			lv.N = c
		}
		if len(l.Of.Names) > 1 || len(l.By.Names) > 1 {
			b.errs.add(l.Pos, "top-nested names one column for the value and one for the aggregation")
			ok = false
			continue
		}
		of := sc.bindExpr(l.Of.Value)
		if of == nil {
			ok = false
			continue
		}
		if of.Type() == types.Dynamic {
			b.errs.add(l.Of.Value.Start(), "top-nested cannot group by a dynamic value; convert it first, for example with tostring()")
			ok = false
			continue
		}
		lv.Of = of
		if l.Others != nil {
			v, vOK := b.othersValue(sc, l.Others, of.Type())
			if !vOK {
				ok = false
				continue
			}
			lv.Others = &v
		}
		lv.By = b.aggregationExpr(sc, l.By.Value, "top-nested", false, &lv.Aggs)
		if lv.By == nil {
			ok = false
			continue
		}
		if lv.By.Type() == types.Dynamic {
			b.errs.add(l.By.Value.Start(), "top-nested needs an aggregation with a scalar result to order by, not dynamic")
			ok = false
			continue
		}
		ofName := uniqueName(nm.name(l.Of), used)
		byName := "aggregated_" + ofName
		if len(l.By.Names) == 1 {
			byName = l.By.Names[0].Value
		}
		n.Out = append(n.Out, Column{Name: ofName, Type: of.Type()}, Column{Name: uniqueName(byName, used), Type: lv.By.Type()})
		n.Levels = append(n.Levels, lv)
	}
	if !ok {
		return nil
	}
	var targets []*Expr
	for i := range n.Levels {
		lv := &n.Levels[i]
		targets = append(targets, &lv.Of)
		for j := range lv.Aggs {
			for k := range lv.Aggs[j].Args {
				targets = append(targets, &lv.Aggs[j].Args[k])
			}
		}
	}
	n.Input = narrowInput(in, targets)
	for i := range n.Levels {
		nameAggRefs([]Expr{n.Levels[i].By}, n.Levels[i].Aggs)
	}
	return n
}

// othersValue binds the constant of `with others = V`, fitted to the level's
// value type.
func (b *binder) othersValue(sc *scope, x parser.Expr, t types.Type) (types.Value, bool) {
	e := sc.bindExpr(x)
	if e == nil {
		return types.Value{}, false
	}
	c, ok := e.(*Const)
	if !ok {
		b.errs.add(x.Start(), "'with others' needs a constant value")
		return types.Value{}, false
	}
	v, ok := fitSeriesDefault(c.V, t)
	if !ok {
		b.errs.add(x.Start(), "'with others' value of type %s does not fit the level's %s values", c.V.Type, t)
		return types.Value{}, false
	}
	return v, true
}
