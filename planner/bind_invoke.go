package planner

import (
	"sort"

	"github.com/spoorhq/spoor/parser"
)

// prefix is the pipeline being bound up to, not including, the operator
// being bound: the input of invoke and as, as query text to bind again.
func (b *binder) prefix() *parser.PipeExpr {
	p, i := b.at, b.atOp
	if p == nil {
		panic("BUG: an operator is bound outside a pipeline")
	}
	end := p.Source.End()
	if i > 0 {
		end = p.Ops[i-1].End()
	}
	return &parser.PipeExpr{Span: parser.Span{Pos: p.Pos, EndPos: end}, Source: p.Source, Ops: p.Ops[:i:i]}
}

// invoke binds `T | invoke f(args)`: a call of f with T as its first,
// tabular, parameter.
// https://learn.microsoft.com/kusto/query/invoke-operator
func (b *binder) invoke(in Node, o *parser.InvokeOp) Node {
	call, ok := o.Call.(*parser.CallExpr)
	if !ok || call.Receiver != nil {
		b.errs.add(o.Call.Start(), "'invoke' needs a call of a function such as f(x)")
		return nil
	}
	fn, ok := b.funcs[call.Name]
	if !ok && call.Name == "FileProfile" {
		return b.fileProfile(in, o, call)
	}
	if !ok {
		b.errs.add(call.Pos, "unknown function '%s'%s", call.Name, didYouMean(call.Name, append(b.funcNames(), "FileProfile")))
		return nil
	}
	return b.invokeFunc(in, fn, call, o)
}

// invokeFunc binds the call of a user-defined function by invoke.
func (b *binder) invokeFunc(in Node, fn *letFunc, call *parser.CallExpr, o *parser.InvokeOp) Node {
	prefix := b.prefix()
	if !fn.ok {
		return nil
	}
	if len(fn.params) == 0 || !fn.params[0].tabular {
		b.errs.add(call.Pos, "'invoke' needs a function whose first parameter is a table, such as f(T:(*)); %s is not", fn.signature())
		return nil
	}
	if !fn.tabular {
		b.errs.add(call.Pos, "'invoke' needs a function that returns a table; %s returns a scalar value", fn.signature())
		return nil
	}
	if !b.checkTableArg(fn, fn.params[0], in, o.Pos) {
		return nil
	}
	input := &tableDef{name: fn.params[0].name, pipe: prefix, env: b.snapshot(), node: in}
	n, _ := b.callFunc(fn, &scope{b: b}, call.Args, input, call.Pos)
	return n
}

// funcNames lists the user-defined functions in scope, for suggestions.
func (b *binder) funcNames() []string {
	out := make([]string, 0, len(b.funcs))
	for name := range b.funcs {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// userTableRef binds a function named without an argument list where a table
// is expected: a call without arguments.
func (b *binder) userTableRef(fn *letFunc, pos parser.Position) Node {
	if !fn.ok {
		return nil
	}
	if !fn.tabular {
		b.errs.add(pos, "%s returns a scalar value, not a table", fn.signature())
		return nil
	}
	n, _ := b.callFunc(fn, nil, nil, nil, pos)
	return n
}

// as binds `T | as [hint.materialized=true] Name`: the rows pass through,
// and Name stands for T in the rest of the query. Each reference to Name
// binds T again; materialization is a hint with no effect on the results.
// https://learn.microsoft.com/kusto/query/as-operator
func (b *binder) as(in Node, o *parser.AsOp) Node {
	prefix := b.prefix()
	for _, opt := range o.Options {
		if opt.Name != "hint.materialized" {
			b.errs.add(opt.Pos, "unknown 'as' option '%s'; expected hint.materialized", opt.Name)
			continue
		}
		if l := opt.Value.Lit; l == nil || l.Type != "bool" || l.Null {
			b.errs.add(opt.Value.Pos, "'hint.materialized' needs true or false")
		}
	}
	d := &tableDef{name: o.Name.Value, pipe: prefix, env: b.snapshot()}
	b.own()
	b.forget(d.name)
	b.tables[d.name] = prefix
	b.defs[d.name] = d
	return in
}
