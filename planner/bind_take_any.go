package planner

import (
	"github.com/spoorhq/spoor/functions"
	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// takeAnySpread binds take_any(*) and take_any(expr1, expr2, ...) in
// summarize: the values of the expressions (with *, of every input column but
// the grouping keys) all from one record of the group, each in its own column
// named after its expression. It lowers to arg_max over a null first
// argument, which keeps the group's first record and no extreme, so the
// spread starts at the array's second element. ok is false for any other
// call, which includes take_any of one expression (the aggregate that prefers
// a non-null value); on a binding error it returns ok true and no columns.
// The deprecated spelling any() names the columns with the prefix any_.
// https://learn.microsoft.com/kusto/query/take-any-aggregation-function
func (b *binder) takeAnySpread(sc *scope, call *parser.CallExpr, keys []Column) (AggCall, []Column, bool) {
	if call.Name != "take_any" && call.Name != "any" || len(call.Args) == 0 {
		return AggCall{}, nil, false
	}
	_, star := call.Args[0].(*parser.StarExpr)
	if len(call.Args) == 1 && !star {
		return AggCall{}, nil, false
	}
	fn, ok := functions.Lookup("arg_max")
	if !ok {
		return AggCall{}, nil, false
	}
	prefix := ""
	if call.Name == "any" {
		prefix = "any_"
	}
	args := []Expr{&Const{V: types.NullOf(types.Bool)}}
	var cols []Column
	if star {
		if len(call.Args) > 1 {
			b.errs.add(call.Args[1].Start(), "%s(*) takes no other argument", call.Name)
			return AggCall{}, nil, true
		}
		isKey := map[string]bool{}
		for _, k := range keys {
			isKey[k.Name] = true
		}
		for i, c := range sc.cols {
			if isKey[c.Name] {
				continue
			}
			args = append(args, &ColumnRef{Index: i, Name: c.Name, T: c.Type})
			cols = append(cols, Column{Name: prefix + c.Name, Type: c.Type})
		}
		return AggCall{Fn: fn, Args: args, T: types.Dynamic}, cols, true
	}
	for _, a := range call.Args {
		if _, isStar := a.(*parser.StarExpr); isStar {
			b.errs.add(a.Start(), "%s(*) takes no other argument", call.Name)
			return AggCall{}, nil, true
		}
		name := defaultName(a)
		if name == "" {
			b.errs.add(a.Start(), "%s() of several expressions needs each to be a column or to have a name it takes from one (tostring(x)); compute it first with extend", call.Name)
			return AggCall{}, nil, true
		}
		x := sc.bindExpr(a)
		if x == nil {
			return AggCall{}, nil, true
		}
		args = append(args, x)
		cols = append(cols, Column{Name: prefix + name, Type: x.Type()})
	}
	return AggCall{Fn: fn, Args: args, T: types.Dynamic}, cols, true
}
