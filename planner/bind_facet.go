package planner

import (
	"github.com/spoorhq/spoor/functions"
	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// facet binds `facet by C1, C2, ... [with (ops)]`.
//
// Kusto answers facet with several tables: the input run through the with
// clause (when there is one), then one table per faceted column C holding
// its values and their counts, as `summarize count_C = count() by C`. A
// Spoor query returns a single table, so facet returns the first of those
// tables, the with clause's when there is one and else the first column's;
// facetTables builds them all, so that an engine that returns several tables
// can run the rest. Because facet's tables are final, facet must be the last
// operator of the query.
// https://learn.microsoft.com/kusto/query/facet-operator
func (b *binder) facet(in Node, o *parser.FacetOp) Node {
	if p := b.at; p != nil && b.atOp < len(p.Ops)-1 {
		b.errs.add(p.Ops[b.atOp+1].Start(), "'facet' must be the last operator: its tables cannot be piped further")
		return nil
	}
	tables := b.facetTables(in, o)
	if len(tables) == 0 {
		return nil
	}
	return tables[0]
}

// facetTables binds every table facet returns, in Kusto's order: the with
// clause's, then one per column. Each table is bound over in; nil after an error.
func (b *binder) facetTables(in Node, o *parser.FacetOp) []Node {
	count, ok := functions.Lookup("count")
	if !ok || count.Kind != functions.Aggregate {
		b.errs.add(o.Pos, "count is not available")
		return nil
	}
	sc := &scope{cols: in.Columns(), b: b}
	var tables []Node
	good := true
	if o.With != nil {
		sub := b.subOps(in, o.With.Ops, "facet")
		if sub == nil {
			good = false
		}
		tables = append(tables, sub)
	}
	seen := map[string]bool{}
	for _, c := range o.Columns {
		i := sc.lookup(c.Value)
		if i < 0 {
			b.errs.add(c.Pos, "unknown column '%s'%s", c.Value, didYouMean(c.Value, sc.names()))
			good = false
			continue
		}
		if seen[c.Value] {
			b.errs.add(c.Pos, "column '%s' is faceted twice", c.Value)
			good = false
			continue
		}
		seen[c.Value] = true
		col := sc.cols[i]
		tables = append(tables, &Aggregate{
			Input: in,
			Keys:  []Expr{&ColumnRef{At: c.Span, Index: i, Name: col.Name, T: col.Type}},
			Aggs:  []AggCall{{Fn: count, T: types.Long}},
			Out:   []Column{col, {Name: "count_" + col.Name, Type: types.Long}},
		})
	}
	if !good {
		return nil
	}
	return tables
}

// subOps binds the operators of a parenthesised subquery (facet's with,
// partition's subquery) over in. invoke and as, which bind the pipeline's
// text again, have no text to bind here and are refused.
func (b *binder) subOps(in Node, ops []parser.Operator, where string) Node {
	at, atOp := b.at, b.atOp
	defer func() { b.at, b.atOp = at, atOp }()
	n := in
	for _, op := range ops {
		switch op.(type) {
		case *parser.InvokeOp, *parser.AsOp:
			b.errs.add(op.Start(), "'%s' is not supported inside %s yet", firstWord(parser.FormatNode(op)), where)
			return nil
		case *parser.FacetOp:
			b.errs.add(op.Start(), "'facet' must be the last operator of the query, not inside %s", where)
			return nil
		}
		b.at = nil
		if n = b.operator(n, op); n == nil {
			return nil
		}
	}
	return n
}
