package planner

import (
	"strings"

	"github.com/spoorhq/spoor/functions"
	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// percentilesSpread binds percentiles(x, p1, p2, ...) and percentilesw(x, w,
// p1, ...): one percentiles_array aggregate whose
// array spreads into a column per percentile, named as Kusto names them
// (percentile_x_50, percentile_x_99_9) and typed as x. It reports ok false when
// the call is not such a call; on a binding error it returns ok true and no
// columns.
func (b *binder) percentilesSpread(sc *scope, call *parser.CallExpr) (AggCall, []Column, bool) {
	weighted := call.Name == "percentilesw"
	first := 1
	if weighted {
		first = 2
	}
	if call.Name != "percentiles" && !weighted || len(call.Args) < first+1 {
		return AggCall{}, nil, false
	}
	fn, ok := functions.Lookup(call.Name + "_array")
	if !ok {
		return AggCall{}, nil, false
	}
	var args []Expr
	var argTypes []types.Type
	var consts []*types.Value
	for i, a := range call.Args {
		x := sc.bindExpr(a)
		if x == nil {
			return AggCall{}, nil, true
		}
		if i >= first {
			c, ok := x.(*Const)
			if !ok || !c.V.Type.Numeric() || c.V.Null {
				b.errs.add(a.Start(), "%s(): the percentiles must be constant numbers", call.Name)
				return AggCall{}, nil, true
			}
			consts = append(consts, &c.V)
		} else {
			consts = append(consts, nil)
		}
		args = append(args, x)
		argTypes = append(argTypes, x.Type())
	}
	if fn.Check != nil {
		if _, err := fn.Check(argTypes, consts); err != nil {
			b.errs.add(call.Pos, "%s", strings.Replace(err.Error(), fn.Name, call.Name, 1))
			return AggCall{}, nil, true
		}
	}
	t := args[0].Type()
	if t == types.Int {
		t = types.Long
	}
	base := defaultName(call.Args[0])
	var cols []Column
	for _, a := range call.Args[first:] {
		p := strings.NewReplacer(".", "_", "-", "_").Replace(parser.FormatNode(a))
		cols = append(cols, Column{Name: "percentile_" + base + "_" + p, Type: t})
	}
	return AggCall{Fn: fn, Args: args, T: types.Dynamic}, cols, true
}
