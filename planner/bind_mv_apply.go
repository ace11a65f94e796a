package planner

import (
	"fmt"
	"strings"

	"github.com/spoorhq/spoor/parser"
)

// MvApply runs a subquery over the rows each input row expands to, and
// returns the union of the results. Expand says how a row expands, as
// mv-expand would expand that row alone (its Input is the MvApply's input);
// Sub is the subquery, bound over an ApplyRows leaf with Expand's columns.
// Each result row is preceded by the input columns Keep of the row it came
// from: those neither expanded in place nor output by the subquery.
type MvApply struct {
	Input  Node
	Expand *MvExpand
	Rows   *ApplyRows
	Sub    Node
	Keep   []int
	Out    []Column
}

// ApplyRows is the implicit source of an mv-apply subquery: the expanded
// rows of one input row, fed by the executor.
type ApplyRows struct {
	Out []Column
}

func (n *MvApply) Columns() []Column   { return n.Out }
func (n *MvApply) Inputs() []Node      { return []Node{n.Input} }
func (n *ApplyRows) Columns() []Column { return n.Out }
func (n *ApplyRows) Inputs() []Node    { return nil }

// SetInput replaces the input.
func (n *MvApply) SetInput(i int, in Node) {
	if i != 0 {
		panic("BUG: mv-apply has one input")
	}
	n.Input = in
	n.Expand.Input = in
}

// Explain prints the node and its subquery on one line.
func (n *MvApply) Explain() string {
	parts := make([]string, len(n.Expand.Exprs))
	for i, e := range n.Expand.Exprs {
		parts[i] = n.Expand.Out[n.Expand.Targets[i]].Name + "=" + ExprString(e)
	}
	var sub []string
	for _, l := range strings.Split(strings.TrimSpace(Explain(n.Sub)), "\n") {
		sub = append(sub, strings.TrimSpace(l))
	}
	s := "MvApply " + strings.Join(parts, ", ")
	if n.Expand.Limit >= 0 {
		s += fmt.Sprintf(" limit %d", n.Expand.Limit)
	}
	return s + " on (" + strings.Join(sub, " <- ") + ")"
}

// Explain prints the node on one line.
func (n *ApplyRows) Explain() string { return "ApplyRows" }

// mvApply binds `mv-apply [with_itemindex=I] [Name =] Array [to typeof(T)], ... [limit N] on (SubQuery)`.
// The expansion is mv-expand's, but a property bag always expands to
// single-property bags. The subquery sees every column of the input row, the
// expanded values in place of (or after) them, and the item index last.
// https://learn.microsoft.com/kusto/query/mv-apply-operator
func (b *binder) mvApply(in Node, o *parser.MvApplyOp) Node {
	for _, opt := range o.Options {
		if opt.Name != "with_itemindex" && !strings.HasPrefix(opt.Name, "hint.") {
			b.errs.add(opt.Pos, "unknown mv-apply option '%s'; expected with_itemindex", opt.Name)
			return nil
		}
	}
	before := len(b.errs.list)
	n := b.mvExpand(in, &parser.MvExpandOp{Span: o.Span, Options: o.Options, Items: o.Items, Limit: o.Limit})
	for _, e := range b.errs.list[before:] {
		e.Msg = strings.ReplaceAll(e.Msg, "mv-expand", "mv-apply")
	}
	ex, ok := n.(*MvExpand)
	if !ok {
		return nil
	}
	src := &ApplyRows{Out: ex.Out}
	sub := Node(src)
	at, atOp := b.at, b.atOp
	defer func() { b.at, b.atOp = at, atOp }()
	for _, op := range o.On.Ops {
		switch op.(type) {
		case *parser.InvokeOp, *parser.AsOp:
			b.errs.add(op.Start(), "'%s' is not supported inside mv-apply yet", firstWord(parser.FormatNode(op)))
			return nil
		}
		b.at = nil
		if sub = b.operator(sub, op); sub == nil {
			return nil
		}
	}
	sub = Optimize(sub, b.opts.DisabledRules...)
	a := &MvApply{Input: in, Expand: ex, Rows: src, Sub: sub}
	subCols := sub.Columns()
	replaced := map[int]bool{}
	for _, t := range ex.Targets {
		replaced[t] = true
	}
	for i, c := range in.Columns() {
		if !replaced[i] && indexOf(subCols, c.Name) < 0 {
			a.Keep = append(a.Keep, i)
			a.Out = append(a.Out, c)
		}
	}
	a.Out = append(a.Out, subCols...)
	return a
}
