package planner

import (
	"strconv"
	"strings"

	"github.com/spoorhq/spoor/functions"
	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// Functions that return several columns (series_stats, series_fit_line,
// series_decompose, ...) are written `extend (a, b) = f(x)` or just `f(x)`. Their
// kernel returns the columns as one dynamic bag per row; projectMulti computes the
// bag once in a Project below and spreads it into the columns above it.
//
// Naming follows Kusto: an unnamed column is f_<first argument>_<output>
// (series_stats_x_min). With names, extend keeps only the named columns, while
// project also keeps the rest under their default names.

// multiCall is the call of c when it is a whole call of a multi-column function.
func multiCall(c *parser.NamedExpr) *parser.CallExpr {
	call, ok := c.Value.(*parser.CallExpr)
	if !ok || call.Receiver != nil || functions.Outputs(strings.ToLower(call.Name)) == nil {
		return nil
	}
	return call
}

// projectMulti binds a project or extend that has a multi-column call; ok is
// false when it has none and project binds it the ordinary way.
func (b *binder) projectMulti(in Node, sc *scope, cols []*parser.NamedExpr, extend bool) (Node, bool) {
	has := false
	for _, c := range cols {
		has = has || multiCall(c) != nil || len(c.Names) > 1
	}
	if !has {
		return nil, false
	}
	getter, ok := functions.Lookup(functions.OutputColumnName)
	if !ok {
		b.errs.add(cols[0].Pos, "functions that return several columns are not available")
		return nil, true
	}
	inner := &Project{Input: in}
	for i, c := range sc.cols {
		inner.Exprs = append(inner.Exprs, &ColumnRef{Index: i, Name: c.Name, T: c.Type})
		inner.Out = append(inner.Out, c)
	}
	p := &Project{Input: inner}
	if extend {
		p.Exprs = append(p.Exprs, inner.Exprs...)
		p.Out = append(p.Out, sc.cols...)
	}
	seen := map[string]bool{}
	nm := newNamer(func(n string) bool { return seen[n] || extend && indexOf(p.Out, n) >= 0 })
	add := func(pos parser.Position, name string, x Expr) {
		if !extend && seen[name] {
			b.errs.add(pos, "column '%s' is projected twice", name)
			return
		}
		seen[name] = true
		if j := indexOf(p.Out, name); j >= 0 {
			p.Exprs[j], p.Out[j] = x, Column{Name: name, Type: x.Type()}
			return
		}
		p.Exprs = append(p.Exprs, x)
		p.Out = append(p.Out, Column{Name: name, Type: x.Type()})
	}
	for _, c := range cols {
		call := multiCall(c)
		if call == nil {
			if len(c.Names) > 1 {
				b.errs.add(c.Pos, "only a function that returns several columns can be assigned to several names")
				continue
			}
			x := sc.bindExpr(c.Value)
			if x == nil {
				x = badExpr(c.Value)
			}
			add(c.Pos, nm.name(c), x)
			continue
		}
		fn, _ := functions.Lookup(strings.ToLower(call.Name))
		outs := functions.Outputs(fn.Name)
		if len(c.Names) > len(outs) {
			b.errs.add(c.Pos, "%s() returns %d columns, got %d names", fn.Name, len(outs), len(c.Names))
			continue
		}
		x := sc.bindExpr(call)
		if x == nil {
			x = badExpr(call)
		}
		bag := len(inner.Out)
		tmp := "__" + fn.Name + "_" + strconv.Itoa(bag)
		inner.Exprs = append(inner.Exprs, x)
		inner.Out = append(inner.Out, Column{Name: tmp, Type: types.Dynamic})
		count := len(outs)
		if extend && len(c.Names) > 0 {
			count = len(c.Names)
		}
		prefix := fn.Name + "_"
		if len(call.Args) > 0 {
			prefix += defaultName(call.Args[0]) + "_"
		}
		at := parser.Span{Pos: call.Pos, EndPos: call.EndPos}
		for k, o := range outs[:count] {
			name := prefix + o.Name
			if k < len(c.Names) {
				name = c.Names[k].Value
			}
			add(c.Pos, name, &Call{At: at, Fn: getter, T: o.Type, Args: []Expr{
				&ColumnRef{At: at, Index: bag, Name: tmp, T: types.Dynamic},
				&Const{At: at, V: types.NewString(o.Name)},
				&Const{At: at, V: types.NewString(o.Type.String())},
			}})
		}
	}
	return p, true
}
