package planner

import (
	"strconv"
	"strings"

	"github.com/spoorhq/spoor/functions"
	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// scope is what names mean while binding an expression: the input's columns,
// then let-bound scalars.
type scope struct {
	cols []Column
	b    *binder
	// aggs is set while binding a summarize aggregation: each aggregate call
	// becomes a column of the summarize's Aggregate and the call a reference to
	// it, so that aggregates may sit inside expressions (count() * 2).
	aggs *aggCollector
	// inAgg names the aggregate whose arguments are being bound, for the
	// error on a nested aggregate.
	inAgg string
}

func (s *scope) lookup(name string) int {
	for i, c := range s.cols {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// lookupAlias finds the column a name stands for when no column has that
// exact name: the first of the catalog's other spellings of it
// (schema.ColumnAliases) that the row has, or -1.
func (s *scope) lookupAlias(name string) int {
	return aliasIndex(s.cols, name)
}

// aliasIndex is the position of the first column of cols that name is
// another spelling of, or -1.
func aliasIndex(cols []Column, name string) int {
	for _, alt := range schema.ColumnAliases(name) {
		if i := indexOf(cols, alt); i >= 0 {
			return i
		}
	}
	return -1
}

// jsonBase lets dot and bracket access reach into string columns that hold
// JSON, as Defender's AdditionalFields does in some tables: the string is read
// as dynamic first. Other types are left for the access's own type check.
func (s *scope) jsonBase(base Expr) Expr {
	if base.Type() != types.String {
		return base
	}
	if x := s.call(base.Span(), "todynamic", []Expr{base}); x != nil {
		return x
	}
	return base
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
		if i := s.lookupAlias(e.Name); i >= 0 {
			return &ColumnRef{At: span, Index: i, Name: s.cols[i].Name, T: s.cols[i].Type}
		}
		if s.aggs != nil && (s.aggs.in.lookup(e.Name) >= 0 || s.aggs.in.lookupAlias(e.Name) >= 0) {
			s.aggs.ungrouped++
			b.errs.add(e.Pos, "column '%s' is neither aggregated nor in 'by': use it inside an aggregation such as take_any(%s), or group by it", e.Name, e.Name)
			return nil
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
		l, r = s.coerceEquality(op, e.Pos, l, r)
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
		args, folded := s.coerceIn(e.Op, e.Pos, span, args)
		if folded != nil {
			return folded
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
		return s.call(span, "__getprop", []Expr{s.jsonBase(base), &Const{At: span, V: types.NewString(e.Name)}})
	case *parser.IndexExpr:
		base, idx := s.bindExpr(e.X), s.bindExpr(e.Index)
		if base == nil || idx == nil {
			return nil
		}
		return s.call(span, "__index", []Expr{s.jsonBase(base), idx})
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
	before := len(s.b.errs.list)
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
	if len(s.b.errs.list) > before {
		// A plan bound with errors may hold placeholders; it is never run.
		return &Subquery{At: span, Plan: n}
	}
	return &Subquery{At: span, Plan: Optimize(n, s.b.opts.DisabledRules...)}
}

// foldScalar turns toscalar() of a table known when the query is planned
// (print ..., a datatable) into its value, so that it is a constant wherever
// constants are needed; other subqueries run with the query.
func foldScalar(q *Subquery) Expr {
	v, ok := q.Plan.(*Values)
	if !ok || len(v.Out) == 0 {
		return q
	}
	val := types.NullOf(v.Out[0].Type)
	if len(v.Rows) > 0 {
		val = v.Rows[0][0]
	}
	return &Const{At: q.At, V: val}
}

func (s *scope) bindCall(e *parser.CallExpr, span parser.Span) Expr {
	b := s.b
	if x, ok := b.userCall(s, e, span); ok { // user-defined functions: bind_let_func.go
		return x
	}
	if e.Name == "toscalar" && len(e.Args) == 1 {
		sub := s.subquery(e.Args[0])
		if sub == nil {
			// toscalar of a scalar expression is that value.
			return s.bindExpr(e.Args[0])
		}
		q, ok := sub.(*Subquery)
		if !ok {
			return sub // the subquery failed to bind and said why
		}
		q.Scalar = true
		return foldScalar(q)
	}
	if e.Receiver != nil {
		b.errs.add(e.Pos, "%s(): calls on a value are not supported", e.Name)
		return nil
	}
	if x, ok := s.typedResult(e, span); ok { // extract(..., typeof(T)): bind_typed.go
		return x
	}
	switch e.Name {
	case "pack_all":
		// The row as a property bag: bag_pack of every column in scope.
		if len(e.Args) > 1 {
			b.errs.add(e.Pos, "pack_all() takes at most one argument, ignore_null_empty")
			return nil
		}
		pack := "bag_pack"
		if len(e.Args) == 1 {
			c, ok := s.bindExpr(e.Args[0]).(*Const)
			if !ok || c.V.Type != types.Bool {
				b.errs.add(e.Args[0].Start(), "pack_all(): ignore_null_empty must be a constant bool")
				return nil
			}
			if !c.V.Null && c.V.I != 0 {
				pack = "__bag_pack_nonempty" // leaves out null and empty values
			}
		}
		var args []Expr
		for i, c := range s.cols {
			args = append(args, &Const{At: span, V: types.NewString(c.Name)}, &ColumnRef{At: span, Index: i, Name: c.Name, T: c.Type})
		}
		if len(args) == 0 {
			return &Const{At: span, V: types.NewDynamic(map[string]any{})}
		}
		return s.call(span, pack, args)
	case "replace":
		// The older name of replace_regex, with the text last:
		// replace(regex, rewrite, text) is replace_regex(text, regex, rewrite).
		if len(e.Args) == 3 {
			args := make([]Expr, 3)
			for i, a := range e.Args {
				if args[i] = s.bindExpr(a); args[i] == nil {
					return nil
				}
			}
			return s.callAt(span, e.Pos, "replace_regex", []Expr{args[2], args[0], args[1]})
		}
	case "column_ifexists":
		// The column when the input has it, else the default.
		if len(e.Args) != 2 {
			b.errs.add(e.Pos, "column_ifexists() takes a column name and a default value")
			return nil
		}
		name, ok := s.bindExpr(e.Args[0]).(*Const)
		if !ok || name.V.Type != types.String {
			b.errs.add(e.Args[0].Start(), "column_ifexists(): the column name must be a constant string")
			return nil
		}
		if i := s.lookup(name.V.S); i >= 0 {
			return &ColumnRef{At: span, Index: i, Name: name.V.S, T: s.cols[i].Type}
		}
		return s.bindExpr(e.Args[1])
	case "ingestion_time":
		// The store keeps no per-row ingestion time; the row's event time stands in,
		// which is what hunts that filter on ingestion_time() > ago(1d) need.
		if len(e.Args) == 0 {
			for _, name := range []string{"Timestamp", "TimeGenerated"} {
				if i := s.lookup(name); i >= 0 && s.cols[i].Type == types.Datetime {
					return &ColumnRef{At: span, Index: i, Name: name, T: types.Datetime}
				}
			}
			b.errs.add(e.Pos, "ingestion_time() needs rows that still have their table's Timestamp or TimeGenerated column")
			return nil
		}
	case "percentile_tdigest":
		// percentile_tdigest(digest, p, typeof(T)): the percentile as a T.
		if len(e.Args) == 3 {
			if to, ok := e.Args[2].(*parser.TypeofExpr); ok {
				return s.typedPercentile(e, to, span)
			}
		}
	case "now":
		if len(e.Args) == 0 {
			return &Const{At: span, V: types.NewDatetime(types.TimeToTicks(b.opts.Now))}
		}
		fallthrough
	case "ago":
		if len(e.Args) == 1 {
			sign := int64(-1) // ago(d) is now() - d; now(d) is now() + d
			if e.Name == "now" {
				sign = 1
			}
			a := s.bindExpr(e.Args[0])
			if a == nil {
				return nil
			}
			c, ok := a.(*Const)
			if !ok || c.V.Type != types.Timespan {
				b.errs.add(e.Args[0].Start(), "%s() expects a constant timespan such as 7d", e.Name)
				return nil
			}
			if c.V.Null {
				return &Const{At: span, V: types.NullOf(types.Datetime)}
			}
			return &Const{At: span, V: types.NewDatetime(types.TimeToTicks(b.opts.Now) + sign*c.V.I)}
		}
	}
	fn, ok := functions.Lookup(e.Name)
	if !ok {
		b.errs.add(e.Pos, "unknown function '%s'%s", e.Name, didYouMean(e.Name, functions.Names()))
		return nil
	}
	// An aggregate that also has a scalar form (hll_merge) is the scalar outside
	// summarize.
	if fn.Kind == functions.Aggregate && !(fn.Eval != nil && s.aggs == nil) {
		switch {
		case s.aggs != nil:
			return s.aggs.add(e, fn, span)
		case s.inAgg != "":
			b.errs.add(e.Pos, "aggregate %s() cannot be used inside the aggregate %s()", e.Name, s.inAgg)
		default:
			b.errs.add(e.Pos, "aggregate %s() can only be used in summarize", e.Name)
		}
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

// typedPercentile binds percentile_tdigest(digest, p, typeof(T)): the real
// percentile converted to the numeric type T.
func (s *scope) typedPercentile(e *parser.CallExpr, to *parser.TypeofExpr, span parser.Span) Expr {
	t := types.Unknown
	if len(to.Items) == 1 && to.Items[0].Type != nil {
		t, _ = types.ParseType(to.Items[0].Type.Value)
	}
	conv, ok := map[types.Type]string{types.Int: "toint", types.Long: "tolong", types.Real: "toreal", types.Decimal: "todecimal"}[t]
	if !ok {
		s.b.errs.add(to.Pos, "percentile_tdigest(): the result type must be typeof(int), typeof(long), typeof(real) or typeof(decimal)")
		return nil
	}
	d, p := s.bindExpr(e.Args[0]), s.bindExpr(e.Args[1])
	if d == nil || p == nil {
		return nil
	}
	x := s.callAt(span, e.Pos, "percentile_tdigest", []Expr{d, p})
	if x == nil {
		return nil
	}
	return s.call(span, conv, []Expr{x})
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
	if allConst && fn.Eval != nil && !fn.Volatile {
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

// columnName is the name of the i-th (0-based) column of a summarize by,
// distinct or mv-expand list: the one assigned, else the default name of its
// expression, else Column1, Column2, ... by position.
func columnName(c *parser.NamedExpr, i int) string {
	if len(c.Names) == 1 {
		return c.Names[0].Value
	}
	if name := defaultName(c.Value); name != "" {
		return name
	}
	return "Column" + strconv.Itoa(i+1)
}

// namer gives the unnamed expressions of one operator the names Kusto gives
// them: the inferred name of the expression, else Column1, Column2, ...
// counting only the expressions that need such a name and skipping names
// already taken.
type namer struct {
	next  int
	taken func(string) bool
}

func newNamer(taken func(string) bool) *namer { return &namer{next: 1, taken: taken} }

// name is the name of one projected expression.
func (n *namer) name(c *parser.NamedExpr) string {
	if len(c.Names) == 1 {
		return c.Names[0].Value
	}
	if name := defaultName(c.Value); name != "" {
		return name
	}
	return n.column()
}

// column is the next free ColumnN name.
func (n *namer) column() string {
	for {
		name := "Column" + strconv.Itoa(n.next)
		n.next++
		if n.taken == nil || !n.taken(name) {
			return name
		}
	}
}

// firstArgNamed are the functions whose unnamed call takes the name of its
// first argument, as Kusto names them: tostring(Extra.user) is Extra_user.
var firstArgNamed = map[string]bool{
	"tostring": true, "tohex": true, "todynamic": true, "toobject": true, "tolong": true, "toint": true,
	"toreal": true, "todouble": true, "todatetime": true, "totimespan": true, "totime": true, "tobool": true,
	"toboolean": true, "todecimal": true, "toguid": true, "split": true, "parse_csv": true, "parsejson": true,
	"parse_json": true, "parse_xml": true, "format_datetime": true, "format_timespan": true, "startofday": true,
	"bin": true, "floor": true, "bin_at": true, "bin_auto": true, "binary_and": true, "binary_or": true,
	"binary_xor": true, "binary_not": true, "binary_shift_right": true, "binary_shift_left": true,
	"bitset_count_ones": true, "round": true, "ceiling": true, "pow": true, "sqrt": true, "log": true,
	"log2": true, "log10": true, "exp": true, "exp2": true, "exp10": true, "cos": true, "sin": true, "tan": true,
	"acos": true, "asin": true, "atan": true, "atan2": true, "abs": true, "gamma": true, "loggamma": true,
	"erf": true, "erfc": true, "format_bytes": true,
}

// namePrefix is the prefix of the name of an unnamed call that is named
// prefix_argument: every aggregate (make_set(x) is set_x, count() is count_)
// and a few scalars (strlen(x) is strlen_x).
var namePrefix = map[string]string{
	"strlen": "strlen", "string_size": "string_size",
	"make_list": "list", "makelist": "list", "make_list_if": "list", "make_list_with_nulls": "list",
	"make_set": "set", "makeset": "set", "make_set_if": "set", "make_bag": "bag", "make_bag_if": "bag",
	"make_dictionary": "dictionary", "buildschema": "schema",
	"dcount_hll": "dcount_hll", "percentile_tdigest": "percentile_tdigest",
}

// covarianceNamed are the aggregates of two series whose unnamed call is named
// after both: covariance(x, y) is covariance_x_y.
var covarianceNamed = map[string]bool{
	"covariance": true, "covariancep": true, "covarianceif": true, "covariancepif": true,
}

// defaultName is the column name KQL gives an unnamed expression: a column's
// own name, a path's (Extra.user is Extra_user), the name a function call
// derives from its first argument, else empty.
func defaultName(x parser.Expr) string {
	switch e := x.(type) {
	case *parser.NameRef:
		return e.Name
	case *parser.ParenExpr:
		return defaultName(e.X)
	case *parser.MemberExpr:
		return joinName(defaultName(e.X), e.Name)
	case *parser.IndexExpr:
		l, ok := e.Index.(*parser.Literal)
		if !ok || l.Null || (l.Type != "string" && l.Type != "long" && l.Type != "int") {
			return ""
		}
		key := l.Str
		if l.Type != "string" {
			key = strconv.FormatInt(l.Int, 10)
		}
		return joinName(defaultName(e.X), key)
	case *parser.CallExpr:
		return callName(e)
	}
	return ""
}

func joinName(base, member string) string {
	if base == "" {
		return member
	}
	return base + "_" + member
}

// callName is the inferred name of a function call, or empty.
func callName(e *parser.CallExpr) string {
	name := strings.ToLower(e.Name)
	first := ""
	if len(e.Args) > 0 {
		first = defaultName(e.Args[0])
	}
	if firstArgNamed[name] {
		return first
	}
	if name == "take_any" || name == "any" {
		if _, isCol := e.Args[0].(*parser.NameRef); isCol && len(e.Args) == 1 {
			return first // take_any(x) keeps x's name
		}
		return "any_" + first
	}
	prefix, ok := namePrefix[name]
	if !ok {
		fn, found := functions.Lookup(name)
		if !found || fn.Kind != functions.Aggregate || fn.Name == "arg_max" || fn.Name == "arg_min" {
			return ""
		}
		prefix = fn.Name
	}
	if covarianceNamed[prefix] && len(e.Args) >= 2 {
		return prefix + "_" + first + "_" + defaultName(e.Args[1])
	}
	if prefix == "percentile" && len(e.Args) == 2 {
		if l, ok := e.Args[1].(*parser.Literal); ok && !l.Null {
			return prefix + "_" + first + "_" + strings.ReplaceAll(parser.FormatNode(l), ".", "_")
		}
	}
	return prefix + "_" + first
}
