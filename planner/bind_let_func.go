package planner

import (
	"fmt"
	"strings"

	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// Let-bound names are bound by substitution: a tabular let, a function's
// tabular parameter and an `as` name keep their query text and are bound anew
// at each reference, in the names their definition saw (env). A function call
// binds the function's body at the call site, with its scalar parameters
// standing for the bound arguments, so one function gives as many plans as it
// has calls.
// https://learn.microsoft.com/kusto/query/functions/user-defined-functions

// env is the let-bound names one statement sees. Its maps are never changed
// once an env is taken: the binder copies them before it adds a name.
type env struct {
	scalars map[string]Expr
	tables  map[string]*parser.PipeExpr
	defs    map[string]*tableDef
	funcs   map[string]*letFunc
}

// tableDef is a tabular name: its query text and the names that text sees.
// node, when set, is the text already bound, used once by the first reference.
type tableDef struct {
	name string
	pipe *parser.PipeExpr
	env  *env
	node Node
}

// letFunc is a user-defined function: `let f = (params) { body }`.
type letFunc struct {
	name    string
	def     *parser.FuncDef
	env     *env // the names at the definition, the function itself included
	tabular bool // the body's value is a table
	params  []funcParam
	ok      bool // the definition is well formed; calls of a broken one report nothing more
}

// funcParam is one declared parameter.
type funcParam struct {
	name    string
	tabular bool
	t       types.Type    // scalar parameters
	cols    []Column      // tabular parameters: the columns the argument must have
	def     *types.Value  // a scalar parameter's default
	decl    *parser.Param // for positions
}

// snapshot returns the current names as an env, sharing the maps until the
// next change.
func (b *binder) snapshot() *env {
	if b.shared && b.cur != nil {
		return b.cur
	}
	b.own()
	b.cur = &env{scalars: b.scalars, tables: b.tables, defs: b.defs, funcs: b.funcs}
	b.shared = true
	return b.cur
}

// own makes the current maps private to the binder, so it may add names.
func (b *binder) own() {
	if !b.shared {
		if b.defs == nil {
			b.defs = map[string]*tableDef{}
		}
		if b.funcs == nil {
			b.funcs = map[string]*letFunc{}
		}
		if b.scalars == nil {
			b.scalars = map[string]Expr{}
		}
		if b.tables == nil {
			b.tables = map[string]*parser.PipeExpr{}
		}
		return
	}
	b.scalars = copyMap(b.scalars)
	b.tables = copyMap(b.tables)
	b.defs = copyMap(b.defs)
	b.funcs = copyMap(b.funcs)
	b.cur, b.shared = nil, false
}

func copyMap[V any](m map[string]V) map[string]V {
	out := make(map[string]V, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// enter makes e the current names and returns what puts the previous back.
func (b *binder) enter(e *env) func() {
	scalars, tables, defs, funcs, cur, shared := b.scalars, b.tables, b.defs, b.funcs, b.cur, b.shared
	if e != nil {
		b.scalars, b.tables, b.defs, b.funcs = e.scalars, e.tables, e.defs, e.funcs
		b.cur, b.shared = e, true
	}
	return func() {
		b.scalars, b.tables, b.defs, b.funcs, b.cur, b.shared = scalars, tables, defs, funcs, cur, shared
	}
}

// forget removes a name from every kind of let-bound name; the caller owns the maps.
func (b *binder) forget(name string) {
	delete(b.scalars, name)
	delete(b.tables, name)
	delete(b.defs, name)
	delete(b.funcs, name)
}

// letTable binds a name to a tabular expression, seen by the rest of the
// current scope.
func (b *binder) letTable(name string, p *parser.PipeExpr) {
	b.own()
	b.forget(name)
	d := &tableDef{name: name, pipe: p}
	b.tables[name] = p
	b.defs[name] = d
	d.env = b.snapshot() // the let sees itself, so that a self-reference is an error
}

// letScalar binds a name to a bound scalar.
func (b *binder) letScalar(name string, x Expr) {
	b.own()
	b.forget(name)
	if x != nil {
		b.scalars[name] = x
	}
}

// tableRef binds a reference to a let-bound tabular name.
func (b *binder) tableRef(d *tableDef, pos parser.Position) Node {
	if d.node != nil {
		n := d.node
		d.node = nil
		return n
	}
	if b.active == nil {
		b.active = map[any]bool{}
	}
	if b.active[d] {
		b.errs.add(pos, "'%s' refers to itself", d.name)
		return nil
	}
	b.active[d] = true
	was := b.binding[d.name]
	b.binding[d.name] = true
	restore := b.enter(d.env)
	n := b.pipe(d.pipe)
	restore()
	b.binding[d.name] = was
	delete(b.active, d)
	return n
}

// defineFunc binds `let f = (params) { body }`. The body is checked for its
// shape here and bound at each call.
func (b *binder) defineFunc(s *parser.LetStmt) {
	name := s.Name.Value
	fn := &letFunc{name: name, def: s.Func, ok: true}
	fn.params = b.funcParams(fn)
	body := s.Func.Body
	if len(body) == 0 {
		b.errs.add(s.Func.Pos, "the body of function '%s' is empty; it needs an expression to return", name)
		fn.ok = false
	}
	for i, st := range body {
		switch st.(type) {
		case *parser.LetStmt:
			if i == len(body)-1 {
				b.errs.add(st.Start(), "the body of function '%s' must end with an expression to return", name)
				fn.ok = false
			}
		case *parser.QueryStmt:
			if i != len(body)-1 {
				b.errs.add(st.Start(), "the body of function '%s' returns one expression, at its end", name)
				fn.ok = false
			}
		default:
			b.errs.add(st.Start(), "this statement is not supported in a function body")
			fn.ok = false
		}
	}
	if fn.ok {
		fn.tabular = b.bodyIsTabular(fn, nil)
	}
	b.own()
	b.forget(name)
	b.funcs[name] = fn
	if s.Func.View && len(fn.params) == 0 && fn.tabular {
		// A view is a table to union's wildcards.
		b.tables[name] = &parser.PipeExpr{Span: s.Name.Span, Source: &parser.ExprSource{Span: s.Name.Span, X: &parser.NameRef{Span: s.Name.Span, Name: name}}}
	}
	fn.env = b.snapshot()
	if s.Func.View && len(fn.params) > 0 {
		b.errs.add(s.Func.Pos, "a view takes no parameters")
	}
	if fn.ok && !fn.tabular && fn.bare() {
		// A scalar function callable without arguments is also a value, referenced by name.
		if _, x := b.callFunc(fn, nil, nil, nil, s.Name.Pos); x != nil {
			b.own()
			b.scalars[name] = x
		}
	}
}

// funcParams checks a function's parameter declarations.
func (b *binder) funcParams(fn *letFunc) []funcParam {
	var out []funcParam
	seen := map[string]bool{}
	sawDefault := false
	for _, p := range fn.def.Params {
		fp := funcParam{name: p.Name.Value, tabular: p.Tabular, decl: p}
		if seen[fp.name] {
			b.errs.add(p.Pos, "parameter '%s' is declared twice", fp.name)
			fn.ok = false
		}
		seen[fp.name] = true
		if p.Tabular {
			for _, c := range p.Columns {
				t, ok := types.ParseType(c.Type.Value)
				if !ok {
					b.errs.add(c.Type.Pos, "unknown type '%s'", c.Type.Value)
					fn.ok = false
					continue
				}
				fp.cols = append(fp.cols, Column{Name: c.Name.Value, Type: t})
			}
			if p.Default != nil {
				b.errs.add(p.Default.Start(), "a tabular parameter cannot have a default value")
				fn.ok = false
			}
			out = append(out, fp)
			continue
		}
		t, ok := types.ParseType(p.Type.Value)
		if !ok {
			b.errs.add(p.Type.Pos, "unknown type '%s'; expected a scalar type such as long, string or dynamic", p.Type.Value)
			fn.ok = false
		}
		fp.t = t
		if p.Default != nil {
			sawDefault = true
			x := (&scope{b: b}).bindExpr(p.Default)
			c, isConst := x.(*Const)
			switch {
			case x == nil:
				fn.ok = false
			case !isConst:
				b.errs.add(p.Default.Start(), "the default value of '%s' must be a constant", fp.name)
				fn.ok = false
			case ok:
				v, err := convertConst(c.V, t)
				if err != nil {
					b.errs.add(p.Default.Start(), "the default value of '%s' must be a %s, got %s", fp.name, t, c.V.Type)
					fn.ok = false
				} else {
					fp.def = &v
				}
			}
		} else if sawDefault {
			b.errs.add(p.Pos, "parameter '%s' needs a default value: it follows a parameter that has one", fp.name)
			fn.ok = false
		}
		out = append(out, fp)
	}
	return out
}

// signature is the function as declared, for error messages: f(a:long, b:string = "x").
func (fn *letFunc) signature() string {
	parts := make([]string, len(fn.def.Params))
	for i, p := range fn.def.Params {
		parts[i] = parser.FormatNode(p)
	}
	return fn.name + "(" + strings.Join(parts, ", ") + ")"
}

// bare reports whether the function may be called without arguments, and so
// be referenced by its name alone.
func (fn *letFunc) bare() bool {
	for _, p := range fn.params {
		if p.def == nil {
			return false
		}
	}
	return true
}

func (fn *letFunc) param(name string) int {
	for i, p := range fn.params {
		if p.name == name {
			return i
		}
	}
	return -1
}

// arity describes how many arguments a call passes, from the first parameter
// at index from: "2 arguments", "1 to 3 arguments".
func (fn *letFunc) arity(from int) string {
	lo, hi := 0, 0
	for _, p := range fn.params[from:] {
		hi++
		if p.def == nil {
			lo++
		}
	}
	plural := func(n int) string {
		if n == 1 {
			return ""
		}
		return "s"
	}
	if lo == hi {
		return fmt.Sprintf("%d argument%s", hi, plural(hi))
	}
	return fmt.Sprintf("%d to %d arguments", lo, hi)
}

// argVal is the value of one parameter at a call: a bound scalar or a table.
type argVal struct {
	x     Expr
	table *tableDef
}

// callFunc binds one call of a user-defined function: it binds the arguments
// in the caller's scope sc, then the body with the parameters standing for
// them. input, for invoke, is the piped table that fills the first parameter.
// It returns the body's table or its scalar, nil after an error.
func (b *binder) callFunc(fn *letFunc, sc *scope, args []parser.Expr, input *tableDef, pos parser.Position) (Node, Expr) {
	if !fn.ok {
		return nil, nil
	}
	if b.active == nil {
		b.active = map[any]bool{}
	}
	if b.active[fn] {
		b.errs.add(pos, "'%s' refers to itself: a function cannot call itself", fn.name)
		return nil, nil
	}
	if sc == nil {
		sc = &scope{b: b}
	}
	vals, ok := b.callArgs(fn, sc, args, input, pos)
	if !ok {
		return nil, nil
	}
	b.active[fn] = true
	defer delete(b.active, fn)
	restore := b.enter(fn.env)
	defer restore()
	b.own()
	for i, p := range fn.params {
		b.forget(p.name)
		if p.tabular {
			b.tables[p.name] = vals[i].table.pipe
			b.defs[p.name] = vals[i].table
		} else {
			b.scalars[p.name] = vals[i].x
		}
	}
	body := fn.def.Body
	for _, st := range body[:len(body)-1] {
		b.let(st.(*parser.LetStmt))
	}
	result := body[len(body)-1].(*parser.QueryStmt).Body
	if fn.tabular {
		return b.pipe(result), nil
	}
	x := (&scope{b: b}).bindExpr(result.Source.(*parser.ExprSource).X)
	return nil, x
}

// callArgs matches a call's arguments to the function's parameters:
// positional ones first, then `name = value` ones, then the defaults.
func (b *binder) callArgs(fn *letFunc, sc *scope, args []parser.Expr, input *tableDef, pos parser.Position) ([]argVal, bool) {
	vals := make([]argVal, len(fn.params))
	given := make([]bool, len(fn.params))
	from := 0
	if input != nil {
		vals[0], given[0], from = argVal{table: input}, true, 1
	}
	after := ""
	if input != nil {
		after = " after the piped table"
	}
	ok, named, next := true, false, from
	for _, a := range args {
		i := next
		value := a
		if na, isNamed := a.(*parser.NamedArg); isNamed {
			named = true
			i = fn.param(na.Name)
			if i < 0 {
				b.errs.add(na.Pos, "%s has no parameter '%s'", fn.signature(), na.Name)
				ok = false
				continue
			}
			if given[i] {
				b.errs.add(na.Pos, "parameter '%s' of %s is given twice", na.Name, fn.signature())
				ok = false
				continue
			}
			value = na.Value
		} else {
			if named {
				b.errs.add(a.Start(), "an argument without a name cannot follow named ones in a call of %s", fn.signature())
				ok = false
				continue
			}
			if next >= len(fn.params) {
				b.errs.add(a.Start(), "%s takes %s%s, got %d", fn.signature(), fn.arity(from), after, len(args))
				return nil, false
			}
			next++
		}
		given[i] = true
		v, good := b.callArg(fn, i, sc, value)
		vals[i] = v
		ok = ok && good
	}
	if !ok {
		return nil, false
	}
	for i, p := range fn.params {
		if given[i] {
			continue
		}
		if p.def != nil {
			vals[i] = argVal{x: &Const{At: parser.Span{Pos: pos, EndPos: pos}, V: *p.def}}
			continue
		}
		if named {
			b.errs.add(pos, "%s needs an argument for '%s'", fn.signature(), p.name)
		} else {
			b.errs.add(pos, "%s takes %s%s, got %d", fn.signature(), fn.arity(from), after, len(args))
		}
		return nil, false
	}
	return vals, ok
}

// callArg binds the argument of parameter i in the caller's scope.
func (b *binder) callArg(fn *letFunc, i int, sc *scope, a parser.Expr) (argVal, bool) {
	p := fn.params[i]
	if p.tabular {
		if !b.tabularExpr(a, nil) {
			b.errs.add(a.Start(), "argument '%s' of %s must be a table", p.name, fn.signature())
			return argVal{}, false
		}
		span := parser.Span{Pos: a.Start(), EndPos: a.End()}
		d := &tableDef{name: p.name, pipe: &parser.PipeExpr{Span: span, Source: &parser.ExprSource{Span: span, X: a}}}
		d.env = b.snapshot()
		d.node = b.tableExpr(a)
		if d.node == nil || !b.checkTableArg(fn, p, d.node, a.Start()) {
			return argVal{}, false
		}
		return argVal{table: d}, true
	}
	if b.tabularExpr(a, nil) {
		b.errs.add(a.Start(), "argument '%s' of %s must be a %s, not a table", p.name, fn.signature(), p.t)
		return argVal{}, false
	}
	x := sc.bindExpr(a)
	if x == nil {
		return argVal{}, false
	}
	x, ok := b.convertArg(sc, x, p.t)
	if !ok {
		b.errs.add(a.Start(), "argument '%s' of %s must be a %s, got %s", p.name, fn.signature(), p.t, x.Type())
		return argVal{}, false
	}
	return argVal{x: x}, true
}

// checkTableArg checks that a table passed for a tabular parameter has the
// columns the parameter declares.
func (b *binder) checkTableArg(fn *letFunc, p funcParam, n Node, pos parser.Position) bool {
	have := n.Columns()
	for _, c := range p.cols {
		j := indexOf(have, c.Name)
		if j < 0 {
			b.errs.add(pos, "argument '%s' of %s has no column '%s'", p.name, fn.signature(), c.Name)
			return false
		}
		if t := have[j].Type; t != c.Type && !(numericWidens(t, c.Type)) && t != types.Unknown {
			b.errs.add(pos, "column '%s' of argument '%s' of %s must be a %s, got %s", c.Name, p.name, fn.signature(), c.Type, t)
			return false
		}
	}
	return true
}

// numericWidens reports whether a value of type from passes for a parameter
// of type to: whole numbers are promoted to each other and to real and decimal.
func numericWidens(from, to types.Type) bool {
	switch from {
	case types.Int, types.Long:
		return to == types.Int || to == types.Long || to == types.Real || to == types.Decimal
	case types.Real:
		return to == types.Decimal
	case types.Decimal:
		return to == types.Real
	}
	return false
}

// convertArg fits a scalar argument to its parameter's declared type.
func (b *binder) convertArg(sc *scope, x Expr, t types.Type) (Expr, bool) {
	at := x.Type()
	switch {
	case at == t || at == types.Unknown || t == types.Dynamic:
		return x, true
	case numericWidens(at, t):
		conv := map[types.Type]string{types.Int: "toint", types.Long: "tolong", types.Real: "toreal", types.Decimal: "todecimal"}[t]
		if c := sc.call(x.Span(), conv, []Expr{x}); c != nil {
			return c, true
		}
	}
	return x, false
}

// userCall binds a call of a user-defined function in a scalar expression;
// ok is false when e names no such function. toscalar() of a call of a
// tabular function is bound here too.
func (b *binder) userCall(sc *scope, e *parser.CallExpr, span parser.Span) (Expr, bool) {
	if e.Receiver != nil {
		return nil, false
	}
	if e.Name == "column_names_of" && b.funcs[e.Name] == nil {
		return b.columnNamesOf(sc, e, span), true
	}
	if e.Name == "toscalar" && len(e.Args) == 1 {
		var fn *letFunc
		var args []parser.Expr
		pos := e.Args[0].Start()
		switch a := e.Args[0].(type) {
		case *parser.CallExpr:
			if a.Receiver == nil {
				fn, args = b.funcs[a.Name], a.Args
			}
		case *parser.NameRef:
			if sc.lookup(a.Name) < 0 {
				if fn = b.funcs[a.Name]; fn != nil && !fn.bare() {
					fn = nil
				}
			}
		}
		if fn == nil || !fn.tabular {
			return nil, false
		}
		before := len(b.errs.list)
		n, _ := b.callFunc(fn, sc, args, nil, pos)
		if n == nil {
			return nil, true
		}
		if len(n.Columns()) == 0 {
			b.errs.add(pos, "the subquery returns no columns")
		}
		if len(b.errs.list) == before {
			n = Optimize(n, b.opts.DisabledRules...)
		}
		return foldScalar(&Subquery{At: span, Plan: n, Scalar: true}), true
	}
	fn, ok := b.funcs[e.Name]
	if !ok {
		return nil, false
	}
	if fn.ok && fn.tabular {
		b.errs.add(e.Pos, "%s returns a table, not a scalar value; use toscalar() for a single value", fn.signature())
		return nil, true
	}
	_, x := b.callFunc(fn, sc, e.Args, nil, e.Pos)
	if x == nil {
		return nil, true
	}
	return x, true
}

// userTable binds a call of a user-defined function where a table is
// expected; ok is false when e names no such function.
func (b *binder) userTable(e *parser.CallExpr) (Node, bool) {
	if e.Receiver != nil {
		return nil, false
	}
	fn, ok := b.funcs[e.Name]
	if !ok {
		return nil, false
	}
	if fn.ok && !fn.tabular {
		b.errs.add(e.Pos, "%s returns a scalar value, not a table", fn.signature())
		return nil, true
	}
	n, _ := b.callFunc(fn, nil, e.Args, nil, e.Pos)
	return n, true
}

// nameKind is what a name means to the shape checks below.
type nameKind int

const (
	kindNone       nameKind = iota
	kindScalar              // a scalar let or parameter
	kindTable               // a table, tabular let or tabular parameter
	kindScalarFunc          // a function returning a scalar
	kindTableFunc           // a function returning a table, with parameters
)

// kinds are the names a function body declares, over those around it.
type kinds struct {
	parent *kinds
	names  map[string]nameKind
}

func (b *binder) kindOf(k *kinds, name string) nameKind {
	for ; k != nil; k = k.parent {
		if kd, ok := k.names[name]; ok {
			return kd
		}
	}
	if _, ok := b.scalars[name]; ok {
		return kindScalar
	}
	if fn, ok := b.funcs[name]; ok {
		switch {
		case fn.tabular && fn.bare():
			return kindTable
		case fn.tabular:
			return kindTableFunc
		}
		return kindScalarFunc
	}
	if b.isTable(name) {
		return kindTable
	}
	return kindNone
}

// bodyIsTabular reports whether a function's body returns a table, from the
// shape of its last expression and the names its lets and parameters declare.
func (b *binder) bodyIsTabular(fn *letFunc, outer *kinds) bool {
	k := &kinds{parent: outer, names: map[string]nameKind{}}
	for _, p := range fn.params {
		k.names[p.name] = kindScalar
		if p.tabular {
			k.names[p.name] = kindTable
		}
	}
	body := fn.def.Body
	if len(body) == 0 {
		return false
	}
	for _, st := range body[:len(body)-1] {
		s, isLet := st.(*parser.LetStmt)
		switch {
		case !isLet:
		case s.Func != nil:
			inner := &letFunc{name: s.Name.Value, def: s.Func}
			bare := true
			for _, p := range s.Func.Params {
				inner.params = append(inner.params, funcParam{name: p.Name.Value, tabular: p.Tabular})
				bare = bare && p.Default != nil
			}
			kd := kindScalarFunc
			if b.bodyIsTabular(inner, k) {
				kd = kindTableFunc
				if bare {
					kd = kindTable
				}
			}
			k.names[s.Name.Value] = kd
		case b.tabularPipeIn(s.Value, k):
			k.names[s.Name.Value] = kindTable
		default:
			k.names[s.Name.Value] = kindScalar
		}
	}
	last, ok := body[len(body)-1].(*parser.QueryStmt)
	return ok && b.tabularPipeIn(last.Body, k)
}

// tabularPipe reports whether a let's value is a table rather than a scalar.
func (b *binder) tabularPipe(p *parser.PipeExpr) bool { return b.tabularPipeIn(p, nil) }

func (b *binder) tabularPipeIn(p *parser.PipeExpr, k *kinds) bool {
	if len(p.Ops) > 0 {
		return true
	}
	es, ok := p.Source.(*parser.ExprSource)
	if !ok {
		return true
	}
	return b.tabularExpr(es.X, k)
}

// tabularExpr reports whether an expression denotes a table.
func (b *binder) tabularExpr(x parser.Expr, k *kinds) bool {
	switch e := x.(type) {
	case *parser.NameRef:
		return b.kindOf(k, e.Name) == kindTable
	case *parser.ParenExpr:
		return b.tabularExpr(e.X, k)
	case *parser.PipeExpr:
		return b.tabularPipeIn(e, k)
	case *parser.CallExpr:
		if e.Receiver != nil {
			return false
		}
		switch b.kindOf(k, e.Name) {
		case kindTableFunc, kindTable:
			return true
		case kindScalarFunc, kindScalar:
			return false
		}
		return e.Name == "materialize" || e.Name == "view" || e.Name == "table"
	}
	return false
}

// columnNamesOf binds column_names_of(T): the names of a table's columns, as
// a dynamic array known when the query is planned. T is a let-bound table, a
// call of a tabular function or a parenthesised pipeline.
func (b *binder) columnNamesOf(sc *scope, e *parser.CallExpr, span parser.Span) Expr {
	if len(e.Args) != 1 {
		b.errs.add(e.Pos, "column_names_of() takes one table, got %d arguments", len(e.Args))
		return nil
	}
	var n Node
	if call, ok := e.Args[0].(*parser.CallExpr); ok {
		if n, ok = b.userTable(call); !ok {
			b.errs.add(call.Pos, "column_names_of() expects a table, got a call of %s()", call.Name)
			return nil
		}
	} else if q, ok := sc.subquery(e.Args[0]).(*Subquery); ok {
		n = q.Plan
	} else {
		b.errs.add(e.Args[0].Start(), "column_names_of() expects a table, such as a let-bound tabular name")
		return nil
	}
	if n == nil {
		return nil
	}
	names := []any{}
	for _, c := range n.Columns() {
		names = append(names, c.Name)
	}
	return &Const{At: span, V: types.NewDynamic(names)}
}
