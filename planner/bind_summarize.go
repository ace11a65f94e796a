package planner

import (
	"fmt"
	"strconv"

	"github.com/spoorhq/spoor/functions"
	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// summarize binds `summarize Aggs by Keys`
// (https://learn.microsoft.com/kusto/query/summarize-operator).
//
// An aggregation is an aggregate call (count(), sum(x)) or a scalar expression
// over aggregate calls and grouping keys (count() * 2, todouble(countif(a)) /
// count()). Every aggregate call becomes one aggregate of an Aggregate node;
// when some aggregation is more than a bare call, or an arg_max/arg_min spreads
// into several columns, a Project over the Aggregate computes the output.
//
// Unnamed columns are named as Kusto names them: count_, sum_X, set_X for
// make_set(X), the name inferred from an expression, else Column1, Column2...;
// a repeated name gets a number (set_y, set_y1).
func (b *binder) summarize(in Node, sc *scope, o *parser.SummarizeOp) Node {
	if len(o.Aggs) == 0 && len(o.By) == 0 {
		b.errs.add(o.Pos, "'summarize' needs an aggregation or 'by'")
		return nil
	}
	agg := &Aggregate{Input: in}
	var keyCols []Column
	used := map[string]bool{}
	nm := newNamer(func(n string) bool { return used[n] })
	for _, k := range o.By {
		x := sc.bindExpr(k.Value)
		if x == nil {
			x = badExpr(k.Value)
		}
		if x.Type() == types.Dynamic {
			b.errs.add(k.Value.Start(), "'summarize' cannot group by a dynamic value; convert it first, for example with tostring()")
		}
		name := uniqueName(nm.name(k), used)
		agg.Keys = append(agg.Keys, x)
		keyCols = append(keyCols, Column{Name: name, Type: x.Type()})
	}
	c := &aggCollector{in: sc, agg: agg, keys: keyCols}
	outer := &scope{cols: c.keys, b: b, aggs: c}
	var items []summarizeItem
	for _, a := range o.Aggs {
		items = append(items, b.aggregation(sc, outer, c, a, o.By))
	}
	// Name the outputs in order, keys first.
	names := make([]string, len(agg.Aggs))
	failed := false
	for i := range items {
		it := &items[i]
		switch {
		case it.spread != nil:
			for j := range it.spread {
				it.spread[j].Name = uniqueName(it.spread[j].Name, used)
			}
		case it.anyOf != "" && used[it.anyOf]:
			it.name = uniqueName("any_"+it.anyOf, used) // a column taken again, as Kusto names it
		case it.name != "":
			it.name = uniqueName(it.name, used)
		default:
			it.name = uniqueName(nm.column(), used)
		}
		if it.direct >= 0 {
			names[it.direct] = it.name
		}
		if it.x == nil {
			failed = true
		}
	}
	agg.Out = append([]Column(nil), keyCols...)
	plain := true
	for i, ac := range agg.Aggs {
		name := names[i]
		if name == "" {
			plain = false
			name = "__agg" + strconv.Itoa(i+1)
		}
		agg.Out = append(agg.Out, Column{Name: name, Type: ac.T})
	}
	if plain && !failed {
		return agg
	}
	return b.summarizeProject(agg, len(keyCols), items)
}

// summarizeItem is one aggregation of a summarize: a bare aggregate (direct is
// its index among the Aggregate's aggregates), an arg_max/arg_min spread into
// columns, or an expression over the Aggregate's output.
type summarizeItem struct {
	name   string
	direct int
	spread []Column // arg_max/arg_min: the columns its array spreads into
	first  int      // the array element the first spread column takes
	x      Expr
	anyOf  string // take_any(column), unnamed: the column
}

// aggregation binds one aggregation of a summarize.
func (b *binder) aggregation(sc, outer *scope, c *aggCollector, a *parser.NamedExpr, by []*parser.NamedExpr) summarizeItem {
	it := summarizeItem{direct: -1}
	if len(a.Names) == 1 {
		it.name = a.Names[0].Value
	}
	value := a.Value
	for {
		p, ok := value.(*parser.ParenExpr)
		if !ok {
			break
		}
		value = p.X
	}
	if call, ok := value.(*parser.CallExpr); ok && call.Receiver == nil {
		if ac, cols, ok := b.takeAnySpread(sc, call, c.keys); ok {
			if cols == nil || !b.nameSpread(a, call, cols) {
				return it
			}
			c.agg.Aggs = append(c.agg.Aggs, ac)
			c.cols = append(c.cols, Column{Type: types.Dynamic})
			it.spread, it.first = cols, 1
			it.x = &ColumnRef{Index: len(c.keys) + len(c.agg.Aggs) - 1, T: types.Dynamic}
			return it
		}
		if ac, cols, ok := b.percentilesSpread(sc, call); ok {
			if cols == nil {
				return it
			}
			if !b.nameSpread(a, call, cols) {
				return it
			}
			c.agg.Aggs = append(c.agg.Aggs, ac)
			c.cols = append(c.cols, Column{Type: types.Dynamic})
			it.spread = cols
			it.x = &ColumnRef{Index: len(c.keys) + len(c.agg.Aggs) - 1, T: types.Dynamic}
			return it
		}
		if fn, found := functions.Lookup(call.Name); found && (fn.Name == "arg_max" || fn.Name == "arg_min") {
			ac, cols := b.argExtreme(sc, fn, call, a, by, c.keys)
			if cols == nil || !b.nameSpread(a, call, cols) {
				return it
			}
			c.agg.Aggs = append(c.agg.Aggs, ac)
			c.cols = append(c.cols, Column{Type: types.Dynamic})
			it.direct = -1
			it.spread = cols
			it.x = &ColumnRef{Index: len(c.keys) + len(c.agg.Aggs) - 1, T: types.Dynamic}
			return it
		}
	}
	if len(a.Names) > 1 {
		b.errs.add(a.Pos, "assigning several columns at once needs an aggregation that returns several, such as arg_max() or percentiles(); name one column with Name = aggregation")
		return it
	}
	before, seen, ungrouped := len(c.agg.Aggs), c.seen, c.ungrouped
	// Errors inside an expression with no aggregate at all are less to the
	// point than saying it is not an aggregation: keep them aside until known.
	saved := b.errs.list
	b.errs.list = nil
	x := outer.bindExpr(a.Value)
	inner := b.errs.list
	b.errs.list = saved
	if c.seen == seen {
		pos := a.Value.Start()
		call, isCall := value.(*parser.CallExpr)
		known := false
		if isCall {
			_, known = functions.Lookup(call.Name)
		}
		switch {
		case len(inner) > c.ungrouped-ungrouped:
			b.errs.list = append(b.errs.list, inner...) // an unknown function or column says more
		case known:
			b.errs.add(pos, "%s() is not an aggregation: 'summarize' needs one, such as count() or sum(x), or an expression over them", call.Name)
		case len(inner) > 0:
			b.errs.list = append(b.errs.list, inner...)
		default:
			b.errs.add(pos, "expected an aggregation such as count() or sum(x), or an expression over them")
		}
		return it
	}
	b.errs.list = append(b.errs.list, inner...)
	if x == nil {
		return it
	}
	if it.name == "" {
		it.name = defaultName(a.Value)
		if call, ok := value.(*parser.CallExpr); ok && len(call.Args) == 1 && (call.Name == "take_any" || call.Name == "any") {
			if _, col := call.Args[0].(*parser.NameRef); col {
				it.anyOf = it.name
			}
		}
	}
	if ref, ok := x.(*ColumnRef); ok && ref.Index == len(c.keys)+before && len(c.agg.Aggs) == before+1 {
		if _, isCall := value.(*parser.CallExpr); isCall {
			it.direct = before
		}
	}
	it.x = x
	return it
}

// nameSpread gives the columns of an aggregation that returns several the
// names of `(Name1, Name2, ...) = aggregation`, in order; columns past the
// names keep their own. More names than columns is an error.
func (b *binder) nameSpread(a *parser.NamedExpr, call *parser.CallExpr, cols []Column) bool {
	if len(a.Names) < 2 {
		return true
	}
	if len(a.Names) > len(cols) {
		b.errs.add(a.Pos, "%s() returns %d columns here, but %d names are given", call.Name, len(cols), len(a.Names))
		return false
	}
	for j, n := range a.Names {
		cols[j].Name = n.Value
	}
	return true
}

// summarizeProject computes a summarize's output over its Aggregate: the keys,
// then each aggregation in order.
func (b *binder) summarizeProject(agg *Aggregate, nkeys int, items []summarizeItem) Node {
	p := &Project{Input: agg}
	sc := &scope{cols: agg.Out, b: b}
	for i := 0; i < nkeys; i++ {
		c := agg.Out[i]
		p.Exprs = append(p.Exprs, &ColumnRef{Index: i, Name: c.Name, T: c.Type})
		p.Out = append(p.Out, c)
	}
	for _, it := range items {
		if it.x == nil {
			// Its error is reported: keep its column, of unknown type, so that
			// the rest of the query is checked without more errors about it.
			p.Exprs = append(p.Exprs, &Const{V: types.Value{Type: types.Unknown, Null: true}})
			p.Out = append(p.Out, Column{Name: it.name, Type: types.Unknown})
			continue
		}
		if it.spread != nil {
			ref := it.x.(*ColumnRef)
			ref.Name = agg.Out[ref.Index].Name
			for j, col := range it.spread {
				elem := sc.call(parser.Span{}, "__index", []Expr{ref, &Const{V: types.NewLong(int64(j + it.first))}})
				if f, ok := castFuncs[col.Type]; ok && elem != nil {
					elem = sc.call(parser.Span{}, f, []Expr{elem})
				}
				if elem == nil {
					return nil
				}
				p.Exprs = append(p.Exprs, elem)
				p.Out = append(p.Out, col)
			}
			continue
		}
		nameRefs(it.x, agg.Out)
		p.Exprs = append(p.Exprs, it.x)
		p.Out = append(p.Out, Column{Name: it.name, Type: it.x.Type()})
	}
	return p
}

// nameRefs fills in the names of references to an Aggregate's columns, which
// were unnamed while the aggregations were bound.
func nameRefs(x Expr, cols []Column) {
	switch e := x.(type) {
	case *ColumnRef:
		if e.Index < len(cols) {
			e.Name = cols[e.Index].Name
		}
	case *Call:
		for _, a := range e.Args {
			nameRefs(a, cols)
		}
	}
}

// uniqueName returns name, or name1, name2... when it is taken, and marks it.
func uniqueName(name string, used map[string]bool) string {
	out := name
	for i := 1; used[out]; i++ {
		out = name + strconv.Itoa(i)
	}
	used[out] = true
	return out
}

// aggCollector gathers the aggregate calls of a summarize's aggregations into
// its Aggregate node.
type aggCollector struct {
	in   *scope // the summarize's input
	agg  *Aggregate
	keys []Column
	cols []Column // one per aggregate, unnamed until the outputs are named
	seen int      // aggregate calls met, bound or not
	// ungrouped counts the errors on input columns used outside aggregates.
	ungrouped int
}

// add binds an aggregate call over the summarize's input and returns a
// reference to its column of the Aggregate's output, or nil after an error.
func (c *aggCollector) add(e *parser.CallExpr, fn *functions.Spec, span parser.Span) Expr {
	b := c.in.b
	c.seen++
	if fn.NewAgg == nil {
		b.errs.add(e.Pos, "%s() is not supported in summarize yet", e.Name)
		return nil
	}
	if fn.Name == "arg_max" || fn.Name == "arg_min" {
		b.errs.add(e.Pos, "%s() returns several columns and cannot be used inside an expression", e.Name)
		return nil
	}
	inner := &scope{cols: c.in.cols, b: b, inAgg: e.Name}
	args := make([]Expr, 0, len(e.Args))
	for _, a := range e.Args {
		if na, ok := a.(*parser.NamedArg); ok {
			b.errs.add(na.Pos, "%s(): named arguments are not supported yet", e.Name)
			return nil
		}
		x := inner.bindExpr(a)
		if x == nil {
			return nil
		}
		args = append(args, x)
	}
	if err := fn.CheckArity(len(args)); err != nil {
		b.errs.add(e.Pos, "%s", err)
		return nil
	}
	ts := make([]types.Type, len(args))
	consts := make([]*types.Value, len(args))
	for i, a := range args {
		ts[i] = a.Type()
		if k, ok := a.(*Const); ok {
			v := k.V
			consts[i] = &v
		}
	}
	t, err := fn.Check(ts, consts)
	if err != nil {
		b.errs.add(e.Pos, "%s", err)
		return nil
	}
	c.agg.Aggs = append(c.agg.Aggs, AggCall{Fn: fn, Args: args, T: t})
	c.cols = append(c.cols, Column{Type: t})
	return &ColumnRef{At: span, Index: len(c.keys) + len(c.agg.Aggs) - 1, T: t}
}

// badExpr stands for an expression whose error is reported: binding goes on
// with a column of unknown type, which later checks pass over silently.
func badExpr(x parser.Expr) Expr {
	return &Const{At: parser.Span{Pos: x.Start(), EndPos: x.End()}, V: types.Value{Type: types.Unknown, Null: true}}
}

// argExtreme binds arg_max(Expr, cols...) or arg_max(Expr, *): the aggregate
// keeps the row's values as an array, later spread into the columns returned.
// The extreme column is named after its expression; the others after their
// columns; with *, every input column but the grouping keys.
func (b *binder) argExtreme(sc *scope, fn *functions.Spec, call *parser.CallExpr, a *parser.NamedExpr, by []*parser.NamedExpr, keys []Column) (AggCall, []Column) {
	if len(call.Args) < 2 {
		b.errs.add(call.Pos, "%s() takes an expression and the columns to return, or *", fn.Name)
		return AggCall{}, nil
	}
	first := sc.bindExpr(call.Args[0])
	if first == nil {
		return AggCall{}, nil
	}
	name := defaultName(call.Args[0])
	if len(a.Names) == 1 {
		name = a.Names[0].Value
	}
	if name == "" {
		name = fn.Name[4:] + "_"
	}
	args := []Expr{first}
	cols := []Column{{Name: name, Type: first.Type()}}
	// The expression's own column is returned once (arg_max(x, *) and
	// arg_max_x = arg_max(x, *) hold x once); a name the query gives it does
	// not hide a returned column of that name, which takes a suffix instead
	// (ReportId = arg_max(Timestamp, ReportId) returns ReportId and ReportId1).
	taken := map[string]bool{}
	if own := defaultName(call.Args[0]); own != "" {
		taken[own] = true
	} else {
		taken[name] = true
	}
	for _, k := range keys {
		taken[k.Name] = true
	}
	for _, x := range call.Args[1:] {
		if _, star := x.(*parser.StarExpr); star {
			for i, c := range sc.cols {
				if taken[c.Name] {
					continue
				}
				taken[c.Name] = true
				args = append(args, &ColumnRef{Index: i, Name: c.Name, T: c.Type})
				cols = append(cols, c)
			}
			continue
		}
		e := sc.bindExpr(x)
		if e == nil {
			return AggCall{}, nil
		}
		n := defaultName(x)
		if n == "" {
			n = fmt.Sprintf("%s_arg%d", fn.Name, len(args))
		}
		if taken[n] {
			continue
		}
		taken[n] = true
		args = append(args, e)
		cols = append(cols, Column{Name: n, Type: e.Type()})
	}
	return AggCall{Fn: fn, Args: args, T: types.Dynamic}, cols
}

// castFuncs convert a dynamic array element back to its column's type.
var castFuncs = map[types.Type]string{
	types.Bool: "tobool", types.Int: "toint", types.Long: "tolong", types.Real: "toreal",
	types.Decimal: "todecimal", types.String: "tostring", types.Datetime: "todatetime",
	types.Timespan: "totimespan", types.Guid: "toguid",
}
