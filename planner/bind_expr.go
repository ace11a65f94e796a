package planner

import (
	"strconv"
	"strings"

	"github.com/spoorhq/spoor/functions"
	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// scope is what names mean while binding an expression: the input's columns,
// then let-bound scalars.
type scope struct {
	cols []Column
	b    *binder
}

func (s *scope) lookup(name string) int {
	for i, c := range s.cols {
		if c.Name == name {
			return i
		}
	}
	return -1
}

func (s *scope) names() []string {
	out := make([]string, len(s.cols))
	for i, c := range s.cols {
		out[i] = c.Name
	}
	return out
}

// binaryOps maps KQL's binary operators to catalogue names where they differ.
var binaryOps = map[string]string{"<>": "!="}

// bindExpr binds a scalar expression. It returns nil after reporting an error.
func (s *scope) bindExpr(x parser.Expr) Expr {
	b := s.b
	span := parser.Span{Pos: x.Start(), EndPos: x.End()}
	switch e := x.(type) {
	case *parser.Literal:
		return &Const{At: span, V: b.literal(e)}
	case *parser.DynamicLit:
		return &Const{At: span, V: types.NewDynamic(jsonValue(e.Value))}
	case *parser.ParenExpr:
		return s.bindExpr(e.X)
	case *parser.NameRef:
		if i := s.lookup(e.Name); i >= 0 {
			return &ColumnRef{At: span, Index: i, Name: e.Name, T: s.cols[i].Type}
		}
		if v, ok := b.scalars[e.Name]; ok {
			return v
		}
		if e.Name == "TimeGenerated" {
			if i := s.lookup("Timestamp"); i >= 0 {
				return &ColumnRef{At: span, Index: i, Name: "Timestamp", T: s.cols[i].Type}
			}
		}
		if e.Name == "Timestamp" {
			if i := s.lookup("TimeGenerated"); i >= 0 {
				return &ColumnRef{At: span, Index: i, Name: "TimeGenerated", T: s.cols[i].Type}
			}
		}
		b.errs.add(e.Pos, "unknown column '%s'%s", e.Name, didYouMean(e.Name, s.names()))
		return nil
	case *parser.UnaryExpr:
		arg := s.bindExpr(e.X)
		if arg == nil || e.Op == "+" {
			return arg
		}
		return s.call(span, "neg", []Expr{arg})
	case *parser.BinaryExpr:
		l, r := s.bindExpr(e.Left), s.bindExpr(e.Right)
		if l == nil || r == nil {
			return nil
		}
		op := e.Op
		if alt, ok := binaryOps[op]; ok {
			op = alt
		}
		return s.callAt(span, e.Pos, op, []Expr{l, r})
	case *parser.InExpr:
		args := []Expr{s.bindExpr(e.Left)}
		for _, it := range e.List {
			if q := s.subquery(it); q != nil {
				args = append(args, q)
				continue
			}
			args = append(args, s.bindExpr(it))
		}
		for _, a := range args {
			if a == nil {
				return nil
			}
		}
		return s.callAt(span, e.Pos, e.Op, args)
	case *parser.BetweenExpr:
		args := []Expr{s.bindExpr(e.Left), s.bindExpr(e.Low), s.bindExpr(e.High)}
		for _, a := range args {
			if a == nil {
				return nil
			}
		}
		op := "between"
		if e.Not {
			op = "!between"
		}
		return s.callAt(span, e.Pos, op, args)
	case *parser.MemberExpr:
		base := s.bindExpr(e.X)
		if base == nil {
			return nil
		}
		return s.call(span, "__getprop", []Expr{base, &Const{At: span, V: types.NewString(e.Name)}})
	case *parser.IndexExpr:
		base, idx := s.bindExpr(e.X), s.bindExpr(e.Index)
		if base == nil || idx == nil {
			return nil
		}
		return s.call(span, "__index", []Expr{base, idx})
	case *parser.CallExpr:
		return s.bindCall(e, span)
	case *parser.StarExpr:
		b.errs.add(e.Pos, "'*' is not allowed here")
		return nil
	case *parser.PipeExpr:
		b.errs.add(e.Pos, "a subquery is not allowed here (use toscalar() for a single value)")
		return nil
	}
	b.errs.add(x.Start(), "this expression is not supported yet")
	return nil
}

// subquery binds an in-list item that is a table: a pipeline, a parenthesised
// pipeline or a let-bound tabular name. It returns nil for anything else.
func (s *scope) subquery(x parser.Expr) Expr {
	span := parser.Span{Pos: x.Start(), EndPos: x.End()}
	var n Node
	switch e := x.(type) {
	case *parser.PipeExpr:
		n = s.b.pipe(e)
	case *parser.ParenExpr:
		if pe, ok := e.X.(*parser.PipeExpr); ok {
			n = s.b.pipe(pe)
		} else {
			return s.subquery(e.X)
		}
	case *parser.NameRef:
		if _, ok := s.b.tables[e.Name]; !ok || s.lookup(e.Name) >= 0 {
			return nil
		}
		n = s.b.table(e.Name, e.Pos)
	default:
		return nil
	}
	if n == nil {
		return &Const{At: span, V: types.NullOf(types.Dynamic)} // the error is reported
	}
	if len(n.Columns()) == 0 {
		s.b.errs.add(x.Start(), "the subquery returns no columns")
	}
	return &Subquery{At: span, Plan: Optimize(n)}
}

func (s *scope) bindCall(e *parser.CallExpr, span parser.Span) Expr {
	b := s.b
	if e.Name == "toscalar" && len(e.Args) == 1 {
		q, ok := s.subquery(e.Args[0]).(*Subquery)
		if !ok {
			b.errs.add(e.Pos, "toscalar() expects a tabular expression")
			return nil
		}
		q.Scalar = true
		return q
	}
	if e.Receiver != nil {
		b.errs.add(e.Pos, "%s(): calls on a value are not supported", e.Name)
		return nil
	}
	switch e.Name {
	case "now":
		if len(e.Args) == 0 {
			return &Const{At: span, V: types.NewDatetime(types.TimeToTicks(b.opts.Now))}
		}
	case "ago":
		if len(e.Args) == 1 {
			a := s.bindExpr(e.Args[0])
			if a == nil {
				return nil
			}
			c, ok := a.(*Const)
			if !ok || c.V.Type != types.Timespan {
				b.errs.add(e.Args[0].Start(), "ago() expects a constant timespan such as 7d")
				return nil
			}
			if c.V.Null {
				return &Const{At: span, V: types.NullOf(types.Datetime)}
			}
			return &Const{At: span, V: types.NewDatetime(types.TimeToTicks(b.opts.Now) - c.V.I)}
		}
	}
	fn, ok := functions.Lookup(e.Name)
	if !ok {
		b.errs.add(e.Pos, "unknown function '%s'%s", e.Name, didYouMean(e.Name, functions.Names()))
		return nil
	}
	if fn.Kind == functions.Aggregate {
		b.errs.add(e.Pos, "aggregate %s() can only be used in summarize", e.Name)
		return nil
	}
	args := make([]Expr, 0, len(e.Args))
	for _, a := range e.Args {
		if na, ok := a.(*parser.NamedArg); ok {
			b.errs.add(na.Pos, "%s(): named arguments are not supported yet", e.Name)
			return nil
		}
		x := s.bindExpr(a)
		if x == nil {
			return nil
		}
		args = append(args, x)
	}
	return s.callAt(span, e.Pos, e.Name, args)
}

// call binds a catalogue function to bound arguments, reporting at the span.
func (s *scope) call(span parser.Span, name string, args []Expr) Expr {
	return s.callAt(span, span.Pos, name, args)
}

// callAt binds a catalogue function, reporting errors at pos, and folds it to a
// constant when every argument is constant.
func (s *scope) callAt(span parser.Span, pos parser.Position, name string, args []Expr) Expr {
	fn, ok := functions.Lookup(name)
	if !ok {
		s.b.errs.add(pos, "'%s' is not supported yet", name)
		return nil
	}
	if err := fn.CheckArity(len(args)); err != nil {
		s.b.errs.add(pos, "%s", err)
		return nil
	}
	ts := make([]types.Type, len(args))
	consts := make([]*types.Value, len(args))
	allConst := true
	for i, a := range args {
		ts[i] = a.Type()
		if c, ok := a.(*Const); ok {
			v := c.V
			consts[i] = &v
		} else {
			allConst = false
		}
	}
	t, err := fn.Check(ts, consts)
	if err != nil {
		s.b.errs.add(pos, "%s", err)
		return nil
	}
	c := &Call{At: span, Fn: fn, Args: args, T: t}
	if allConst && fn.Eval != nil {
		if v, ok := foldConst(c); ok {
			return &Const{At: span, V: v}
		}
	}
	return c
}

// foldConst evaluates a call whose arguments are all constants.
func foldConst(c *Call) (types.Value, bool) {
	vecs := make([]*vector.Vector, len(c.Args))
	for i, a := range c.Args {
		v := vector.New(a.Type(), 1)
		v.Append(a.(*Const).V)
		vecs[i] = v
	}
	out, err := c.Fn.Eval(vecs, 1)
	if err != nil || out == nil || out.Len != 1 {
		return types.Value{}, false
	}
	return out.Value(0), true
}

// literal converts a parsed literal to a value, resolving datetimes relative to
// the query's start.
func (b *binder) literal(l *parser.Literal) types.Value {
	t, _ := types.ParseType(l.Type)
	if l.Null {
		return types.NullOf(t)
	}
	switch t {
	case types.String:
		return types.NewString(l.Str)
	case types.Bool:
		return types.NewBool(l.Int != 0)
	case types.Int, types.Long, types.Timespan:
		return types.Value{Type: t, I: l.Int}
	case types.Real:
		return types.NewReal(l.Real)
	case types.Decimal:
		return types.Value{Type: types.Decimal, S: l.Str}
	case types.Guid:
		return types.NewGuid(l.Str)
	case types.Datetime:
		now := types.TimeToTicks(b.opts.Now)
		switch l.Relative {
		case parser.RelNow:
			return types.NewDatetime(now)
		case parser.RelToday:
			return types.NewDatetime(now - now%types.TicksPerDay + l.Int)
		}
		return types.NewDatetime(l.Int)
	}
	return types.NullOf(t)
}

// jsonValue converts dynamic(...) contents to the dynamic representation.
func jsonValue(v *parser.JSONValue) any {
	switch {
	case v == nil || v.Null:
		return nil
	case v.IsArray:
		out := make([]any, len(v.Array))
		for i, x := range v.Array {
			out[i] = jsonValue(x)
		}
		return out
	case v.IsObject:
		out := make(map[string]any, len(v.Object))
		for _, m := range v.Object {
			out[m.Key.Str] = jsonValue(m.Value)
		}
		return out
	}
	l := v.Scalar
	var x any
	switch l.Type {
	case "string", "guid", "decimal":
		x = l.Str
	case "bool":
		x = l.Int != 0
	case "real":
		f := l.Real
		if v.Neg {
			f = -f
		}
		return f
	case "long", "int":
		n := l.Int
		if v.Neg {
			n = -n
		}
		return n
	case "datetime":
		x = types.Format(types.NewDatetime(l.Int))
	case "timespan":
		x = types.Format(types.NewTimespan(l.Int))
	}
	return x
}

// columnName is the name of the i-th (0-based) column of a project, extend,
// summarize by, distinct or mv-expand list: the one assigned, else the default
// name of its expression, else Column1, Column2, ...
func columnName(c *parser.NamedExpr, i int) string {
	if len(c.Names) == 1 {
		return c.Names[0].Value
	}
	if name := defaultName(c.Value); name != "" {
		return name
	}
	return "Column" + strconv.Itoa(i+1)
}

// defaultName is the column name KQL gives an unnamed expression: a column's own
// name, the column of bin()/floor() and similar wrappers, else empty.
func defaultName(x parser.Expr) string {
	switch e := x.(type) {
	case *parser.NameRef:
		return e.Name
	case *parser.ParenExpr:
		return defaultName(e.X)
	case *parser.MemberExpr:
		base := defaultName(e.X)
		if base == "" {
			return ""
		}
		return base + "_" + e.Name
	case *parser.CallExpr:
		switch strings.ToLower(e.Name) {
		case "bin", "floor", "bin_at":
			if len(e.Args) > 0 {
				return defaultName(e.Args[0])
			}
		}
	}
	return ""
}
