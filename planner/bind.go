package planner

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spoorhq/spoor/functions"
	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/types"
)

// Catalog resolves table names for the binder.
type Catalog interface {
	// Table returns a table's definition, or nil.
	Table(name string) *schema.Table
	// TableNames lists the known tables, for suggestions.
	TableNames() []string
}

// Options for binding.
type Options struct {
	// Now is the query's start time: now(), ago() and datetime() are relative to it.
	Now time.Time
	// Host runs what the binder cannot by itself: see Host. Nil refuses it.
	Host *Host
	// DisabledRules names optimizer rules (see Rules) not to apply to the
	// query's plan; tests compare answers with and without them.
	DisabledRules []string
}

// Plan is a bound query.
type Plan struct {
	Root Node
	// Render is the render operator's chart type, kept as a hint for clients.
	Render string
	// Options are the request properties the query's set statements give.
	Options RequestOptions
	// Warnings are non-fatal remarks on the query, such as an unknown set option.
	Warnings []string
}

type binder struct {
	cat     Catalog
	opts    Options
	errs    errs
	scalars map[string]Expr
	tables  map[string]*parser.PipeExpr
	binding map[string]bool // let-bound tables being bound, against self-reference
	render  string
	// defs are the tabular names of tables, with the names each one sees;
	// funcs the user-defined functions. See bind_let_func.go.
	defs  map[string]*tableDef
	funcs map[string]*letFunc
	// cur is the env the current maps belong to while shared is set: they
	// are copied before a name is added.
	cur    *env
	shared bool
	// active holds the tabular lets and functions being bound, against recursion.
	active map[any]bool
	// at is the pipeline and operator index being bound, for invoke and as.
	at   *parser.PipeExpr
	atOp int
	// warnings are remarks on the query found while binding: see warn.
	warnings []string
}

// Bind binds a parsed query: its let statements, then its last tabular statement.
// The error, if any, is an ErrorList.
func Bind(q *parser.Query, cat Catalog, opts Options) (*Plan, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	b := &binder{cat: cat, opts: opts, scalars: map[string]Expr{}, tables: map[string]*parser.PipeExpr{}, binding: map[string]bool{}}
	reqOpts, warnings := b.setStatements(q)
	b.definePrelude()
	var root Node
	for _, st := range q.Statements {
		switch s := st.(type) {
		case *parser.LetStmt:
			b.let(s)
		case *parser.QueryStmt:
			if n := b.pipe(s.Body); n != nil {
				root = n
			}
		case *parser.SetStmt:
			// Read before the loop by setStatements.
		default:
			b.errs.add(st.Start(), "this statement is not supported yet")
		}
	}
	if err := b.errs.result(); err != nil {
		return nil, err
	}
	if root == nil {
		last := q.Statements[len(q.Statements)-1]
		return nil, ErrorList{{Pos: last.Start(), Msg: "the query has no tabular expression to return"}}
	}
	root = Optimize(root, b.opts.DisabledRules...)
	warnings = append(warnings, b.warnings...)
	return &Plan{Root: root, Render: b.render, Options: reqOpts, Warnings: warnings}, nil
}

// let binds a let statement: a function, a table (bound anew at each
// reference) or a scalar (bound here).
func (b *binder) let(s *parser.LetStmt) {
	switch {
	case s.Func != nil:
		b.defineFunc(s)
	case b.tabularPipe(s.Value):
		b.letTable(s.Name.Value, s.Value)
	default:
		sc := &scope{b: b}
		x := s.Value.Source.(*parser.ExprSource).X
		v := sc.bindExpr(x)
		if v == nil {
			v = badExpr(x) // its error is reported: later uses draw no more
		}
		b.letScalar(s.Name.Value, v)
	}
}

// isTable reports whether a name is a table: a let-bound one, a function
// without parameters that returns one, or one of the catalog's.
func (b *binder) isTable(name string) bool {
	if _, ok := b.tables[name]; ok {
		return true
	}
	if fn, ok := b.funcs[name]; ok {
		return fn.tabular && fn.bare()
	}
	if _, ok := b.scalars[name]; ok {
		return false
	}
	return b.cat.Table(name) != nil
}

// pipe binds a tabular expression.
func (b *binder) pipe(p *parser.PipeExpr) Node {
	n := b.source(p.Source)
	for i, op := range p.Ops {
		if n == nil {
			return nil
		}
		b.at, b.atOp = p, i
		n = b.operator(n, op)
	}
	return n
}

func (b *binder) source(src parser.Source) Node {
	switch s := src.(type) {
	case *parser.ExprSource:
		return b.tableExpr(s.X)
	case *parser.PrintOp:
		return b.print(s)
	case *parser.DatatableOp:
		return b.datatable(s)
	case *parser.UnionOp:
		return b.union(nil, s)
	case *parser.RangeOp:
		return b.rangeOp(s)
	case *parser.EvaluateOp:
		return b.evaluate(nil, s)
	case *parser.ExternalDataOp:
		return b.externalData(s)
	case *parser.SearchOp:
		return b.search(nil, s)
	case *parser.FindOp:
		return b.find(s)
	}
	b.errs.add(src.Start(), "%s is not supported yet", firstWord(parser.FormatNode(src)))
	return nil
}

func (b *binder) tableExpr(x parser.Expr) Node {
	switch e := x.(type) {
	case *parser.NameRef:
		return b.table(e.Name, e.Pos)
	case *parser.ParenExpr:
		if pe, ok := e.X.(*parser.PipeExpr); ok {
			return b.pipe(pe)
		}
		return b.tableExpr(e.X)
	case *parser.PipeExpr:
		return b.pipe(e)
	case *parser.CallExpr:
		if n, ok := b.userTable(e); ok {
			return n
		}
		if e.Name == "materialize" && len(e.Args) == 1 {
			// The result is not cached across references yet: each reference runs it.
			return b.tableExpr(e.Args[0])
		}
		if e.Name == "table" && len(e.Args) == 1 {
			if l, ok := e.Args[0].(*parser.Literal); ok && l.Type == "string" {
				return b.table(l.Str, l.Pos)
			}
			// table(name) where name is a constant string, such as a function's parameter.
			x := (&scope{b: b}).bindExpr(e.Args[0])
			if c, ok := x.(*Const); ok && c.V.Type == types.String && !c.V.Null {
				return b.table(c.V.S, e.Args[0].Start())
			}
			if x != nil {
				b.errs.add(e.Args[0].Start(), "table() needs a constant string naming a table")
			}
			return nil
		}
	}
	b.errs.add(x.Start(), "expected a table name or a subquery")
	return nil
}

func (b *binder) table(name string, pos parser.Position) Node {
	if d, ok := b.defs[name]; ok {
		return b.tableRef(d, pos)
	}
	if fn, ok := b.funcs[name]; ok {
		return b.userTableRef(fn, pos)
	}
	if p, ok := b.tables[name]; ok {
		if b.binding[name] {
			b.errs.add(pos, "'%s' refers to itself", name)
			return nil
		}
		b.binding[name] = true
		defer delete(b.binding, name)
		return b.pipe(p)
	}
	def := b.cat.Table(name)
	if def == nil {
		b.errs.add(pos, "unknown table '%s'%s", name, didYouMean(name, b.cat.TableNames()))
		return nil
	}
	scan := &Scan{Table: def.Name, TimeColumn: def.TimeColumn, Needed: make([]bool, len(def.Columns))}
	for _, c := range def.Columns {
		scan.Cols = append(scan.Cols, Column{Name: c.Name, Type: c.Type})
	}
	return scan
}

func firstWord(s string) string {
	for i, r := range s {
		if r == ' ' || r == '(' {
			return s[:i]
		}
	}
	return s
}

// operator binds one piped operator over its input.
func (b *binder) operator(in Node, op parser.Operator) Node {
	sc := &scope{cols: in.Columns(), b: b}
	switch o := op.(type) {
	case *parser.WhereOp:
		pred := sc.bindExpr(o.Pred)
		if pred == nil || pred.Type() == types.Unknown {
			return in // the error is reported; go on checking the rest
		}
		if t := pred.Type(); t != types.Bool && t != types.Dynamic {
			b.errs.add(o.Pred.Start(), "'where' needs a bool predicate, got %s", t)
			return nil
		}
		return b.windowed(&Filter{Input: in, Pred: pred})
	case *parser.ProjectOp:
		return b.windowed(b.project(in, sc, o.Columns, false))
	case *parser.ExtendOp:
		return b.windowed(b.project(in, sc, o.Columns, true))
	case *parser.SerializeOp:
		return b.serialize(in, o)
	case *parser.ScanOp:
		return b.scanOp(in, o)
	case *parser.SummarizeOp:
		return b.summarize(in, sc, o)
	case *parser.CountOp:
		count, ok := functions.Lookup("count")
		if !ok || count.Kind != functions.Aggregate {
			b.errs.add(o.Pos, "count is not available")
			return nil
		}
		name := "Count"
		if o.As != nil {
			name = o.As.Value
		}
		return &Aggregate{Input: in, Aggs: []AggCall{{Fn: count, T: types.Long}}, Out: []Column{{Name: name, Type: types.Long}}}
	case *parser.TakeOp:
		n, ok := b.constCount(sc, o.Count)
		if !ok {
			return nil
		}
		return &Limit{Input: in, N: n}
	case *parser.SortOp:
		keys := b.sortKeys(sc, o.Keys)
		if keys == nil {
			return nil
		}
		return &Sort{Input: in, Keys: keys}
	case *parser.TopOp:
		n, ok := b.constCount(sc, o.Count)
		keys := b.sortKeys(sc, o.Keys)
		if !ok || keys == nil {
			return nil
		}
		return &TopN{Input: in, Keys: keys, N: n}
	case *parser.DistinctOp:
		return b.distinct(in, sc, o)
	case *parser.ProjectAwayOp, *parser.ProjectKeepOp, *parser.ProjectRenameOp, *parser.ProjectReorderOp:
		return b.reshape(in, op)
	case *parser.RenderOp:
		b.render = o.Chart.Value
		return in
	case *parser.GetSchemaOp:
		return getschema(in)
	case *parser.JoinOp:
		return b.join(in, o)
	case *parser.LookupOp:
		return b.lookup(in, o)
	case *parser.UnionOp:
		return b.union(in, o)
	case *parser.MvExpandOp:
		return b.mvExpand(in, o)
	case *parser.ParseOp:
		return b.parse(in, o.Options, o.X, o.Pattern, false, o.Pos)
	case *parser.ParseWhereOp:
		return b.parse(in, o.Options, o.X, o.Pattern, true, o.Pos)
	case *parser.InvokeOp:
		return b.invoke(in, o)
	case *parser.AsOp:
		return b.as(in, o)
	case *parser.MakeSeriesOp:
		return b.makeSeries(in, o)
	case *parser.TopNestedOp:
		return b.topNested(in, o)
	case *parser.TopHittersOp:
		return b.topHitters(in, o)
	case *parser.EvaluateOp:
		return b.evaluate(in, o)
	case *parser.MvApplyOp:
		return b.mvApply(in, o)
	case *parser.ParseKvOp:
		return b.parseKv(in, o)
	case *parser.SampleOp:
		return b.sample(in, o)
	case *parser.SampleDistinctOp:
		return b.sampleDistinct(in, o)
	case *parser.FacetOp:
		return b.facet(in, o)
	case *parser.PartitionOp:
		return b.partition(in, o)
	case *parser.SearchOp:
		return b.search(in, o)
	}
	b.errs.add(op.Start(), "operator '%s' is not supported yet", firstWord(parser.FormatNode(op)))
	return nil
}

// constCount binds a row count: a non-negative integer constant.
func (b *binder) constCount(sc *scope, x parser.Expr) (int64, bool) {
	e := sc.bindExpr(x)
	if e == nil {
		return 0, false
	}
	c, ok := e.(*Const)
	if !ok || (c.V.Type != types.Long && c.V.Type != types.Int) || c.V.Null || c.V.I < 0 {
		b.errs.add(x.Start(), "expected a non-negative whole number of rows")
		return 0, false
	}
	return c.V.I, true
}

func (b *binder) sortKeys(sc *scope, keys []*parser.SortKey) []SortKey {
	var out []SortKey
	ok := true
	for _, k := range keys {
		x := sc.bindExpr(k.X)
		if x == nil {
			ok = false
			continue
		}
		// KQL sorts descending by default; nulls come first ascending, last descending.
		desc := k.Order != "asc" && k.Order != "granny-asc"
		nullsFirst := !desc
		switch k.Nulls {
		case "first":
			nullsFirst = true
		case "last":
			nullsFirst = false
		}
		out = append(out, SortKey{X: x, Desc: desc, NullsFirst: nullsFirst})
	}
	if !ok {
		return nil
	}
	return out
}

// project binds project (keep only the listed columns) and extend (add or
// replace columns after the input's). An unnamed column takes the name Kusto
// infers (tostring(Extra.user) is Extra_user), else Column1, Column2...
// A column whose expression fails still gets its name, with an unknown type,
// so that the rest of the query is checked too.
func (b *binder) project(in Node, sc *scope, cols []*parser.NamedExpr, extend bool) Node {
	if n, ok := b.projectMulti(in, sc, cols, extend); ok {
		return n
	}
	p := &Project{Input: in}
	if extend {
		for i, c := range sc.cols {
			p.Exprs = append(p.Exprs, &ColumnRef{Index: i, Name: c.Name, T: c.Type})
			p.Out = append(p.Out, c)
		}
	}
	seen := map[string]bool{}
	nm := newNamer(func(n string) bool { return seen[n] || extend && indexOf(p.Out, n) >= 0 })
	for _, c := range cols {
		if len(c.Names) > 1 {
			b.errs.add(c.Pos, "assigning several columns at once is not supported yet")
			continue
		}
		x := sc.bindExpr(c.Value)
		if x == nil {
			x = badExpr(c.Value)
		}
		name := nm.name(c)
		if !extend && seen[name] {
			b.errs.add(c.Pos, "column '%s' is projected twice", name)
			continue
		}
		seen[name] = true
		if j := indexOf(p.Out, name); j >= 0 {
			p.Exprs[j], p.Out[j] = x, Column{Name: name, Type: x.Type()}
			continue
		}
		p.Exprs = append(p.Exprs, x)
		p.Out = append(p.Out, Column{Name: name, Type: x.Type()})
	}
	return p
}

func indexOf(cols []Column, name string) int {
	for i, c := range cols {
		if c.Name == name {
			return i
		}
	}
	return -1
}

func (b *binder) distinct(in Node, sc *scope, o *parser.DistinctOp) Node {
	agg := &Aggregate{Input: in}
	if o.Star {
		for i, c := range sc.cols {
			agg.Keys = append(agg.Keys, &ColumnRef{Index: i, Name: c.Name, T: c.Type})
			agg.Out = append(agg.Out, c)
		}
		return agg
	}
	for i, c := range o.Columns {
		x := sc.bindExpr(c.Value)
		if x == nil {
			return nil
		}
		name := columnName(c, i)
		agg.Keys = append(agg.Keys, x)
		agg.Out = append(agg.Out, Column{Name: name, Type: x.Type()})
	}
	return agg
}

// getschema describes the input's columns as rows.
func getschema(in Node) Node {
	v := &Values{Out: []Column{{"ColumnName", types.String}, {"ColumnOrdinal", types.Int}, {"DataType", types.String}, {"ColumnType", types.String}}}
	for i, c := range in.Columns() {
		v.Rows = append(v.Rows, []types.Value{types.NewString(c.Name), types.NewInt(int32(i)),
			types.NewString(dotnetType(c.Type)), types.NewString(c.Type.String())})
	}
	return v
}

func dotnetType(t types.Type) string {
	return map[types.Type]string{
		types.Bool: "System.Boolean", types.Int: "System.Int32", types.Long: "System.Int64",
		types.Real: "System.Double", types.Decimal: "System.Data.SqlTypes.SqlDecimal",
		types.String: "System.String", types.Datetime: "System.DateTime", types.Timespan: "System.TimeSpan",
		types.Guid: "System.Guid", types.Dynamic: "System.Object",
	}[t]
}

func (b *binder) print(o *parser.PrintOp) Node {
	sc := &scope{b: b}
	v := &Values{Rows: [][]types.Value{{}}}
	// Values that are not constants (toscalar() of a query) are computed by a
	// Project over one row without columns.
	p := &Project{Input: &Values{Rows: [][]types.Value{{}}}}
	allConst := true
	for i, c := range o.Columns {
		x := sc.bindExpr(c.Value)
		if x == nil {
			return nil
		}
		name := "print_" + strconv.Itoa(i)
		if len(c.Names) == 1 {
			name = c.Names[0].Value
		}
		p.Exprs = append(p.Exprs, x)
		p.Out = append(p.Out, Column{Name: name, Type: x.Type()})
		if cst, ok := x.(*Const); ok {
			v.Out = append(v.Out, Column{Name: name, Type: cst.V.Type})
			v.Rows[0] = append(v.Rows[0], cst.V)
		} else {
			allConst = false
		}
	}
	if !allConst {
		return p
	}
	return v
}

func (b *binder) datatable(o *parser.DatatableOp) Node {
	v := &Values{}
	for _, c := range o.Columns {
		t, ok := types.ParseType(c.Type.Value)
		if !ok {
			b.errs.add(c.Type.Pos, "unknown type '%s'", c.Type.Value)
			return nil
		}
		v.Out = append(v.Out, Column{Name: c.Name.Value, Type: t})
	}
	if len(o.Values)%len(v.Out) != 0 {
		b.errs.add(o.Pos, "datatable has %d values, not a multiple of its %d columns", len(o.Values), len(v.Out))
		return nil
	}
	sc := &scope{b: b}
	var row []types.Value
	for i, x := range o.Values {
		e := sc.bindExpr(x)
		if e == nil {
			return nil
		}
		c, ok := e.(*Const)
		col := v.Out[i%len(v.Out)]
		if !ok {
			b.errs.add(x.Start(), "datatable values must be constants")
			return nil
		}
		val, err := convertConst(c.V, col.Type)
		if err != nil {
			b.errs.add(x.Start(), "column %s: %v", col.Name, err)
			return nil
		}
		row = append(row, val)
		if len(row) == len(v.Out) {
			v.Rows = append(v.Rows, row)
			row = nil
		}
	}
	return v
}

// convertConst fits a constant to a declared column type.
func convertConst(v types.Value, t types.Type) (types.Value, error) {
	if v.Type == t {
		return v, nil
	}
	if v.Null {
		return types.NullOf(t), nil
	}
	switch {
	case t == types.Real && (v.Type == types.Long || v.Type == types.Int):
		return types.NewReal(float64(v.I)), nil
	case (t == types.Long || t == types.Int) && (v.Type == types.Long || v.Type == types.Int):
		return types.Value{Type: t, I: v.I}, nil
	case t == types.Dynamic:
		switch v.Type {
		case types.String:
			return types.NewDynamic(v.S), nil
		case types.Long, types.Int:
			return types.NewDynamic(v.I), nil
		case types.Real:
			return types.NewDynamic(v.F), nil
		case types.Bool:
			return types.NewDynamic(v.I != 0), nil
		}
	}
	return types.Value{}, fmt.Errorf("cannot use a %s value in a %s column", v.Type, t)
}

// reshape binds project-away, project-keep, project-rename and project-reorder.
func (b *binder) reshape(in Node, op parser.Operator) Node {
	cols := in.Columns()
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	match := func(p *parser.NamePattern) []int {
		var out []int
		for i, c := range cols {
			if wildcardMatch(p.Pattern, c.Name) {
				out = append(out, i)
			}
		}
		if len(out) == 0 {
			if i := aliasIndex(cols, p.Pattern); i >= 0 {
				return []int{i}
			}
			b.errs.add(p.Pos, "no column matches '%s'%s", p.Pattern, didYouMean(p.Pattern, names))
		}
		return out
	}
	var order []int
	rename := map[int]string{}
	switch o := op.(type) {
	case *parser.ProjectAwayOp:
		drop := map[int]bool{}
		for _, p := range o.Columns {
			for _, i := range match(p) {
				drop[i] = true
			}
		}
		for i := range cols {
			if !drop[i] {
				order = append(order, i)
			}
		}
	case *parser.ProjectKeepOp:
		keep := map[int]bool{}
		for _, p := range o.Columns {
			for _, i := range match(p) {
				keep[i] = true
			}
		}
		for i := range cols {
			if keep[i] {
				order = append(order, i)
			}
		}
	case *parser.ProjectRenameOp:
		for i := range cols {
			order = append(order, i)
		}
		for _, r := range o.Renames {
			i := indexOf(cols, r.Old.Value)
			if i < 0 {
				i = aliasIndex(cols, r.Old.Value)
			}
			if i < 0 {
				b.errs.add(r.Old.Pos, "unknown column '%s'%s", r.Old.Value, didYouMean(r.Old.Value, names))
				continue
			}
			rename[i] = r.New.Value
		}
	case *parser.ProjectReorderOp:
		used := map[int]bool{}
		for _, k := range o.Columns {
			for _, i := range match(k.Pattern) {
				if !used[i] {
					used[i] = true
					order = append(order, i)
				}
			}
		}
		for i := range cols {
			if !used[i] {
				order = append(order, i)
			}
		}
	}
	p := &Project{Input: in}
	for _, i := range order {
		name := cols[i].Name
		if n, ok := rename[i]; ok {
			name = n
		}
		p.Exprs = append(p.Exprs, &ColumnRef{Index: i, Name: cols[i].Name, T: cols[i].Type})
		p.Out = append(p.Out, Column{Name: name, Type: cols[i].Type})
	}
	return p
}

// wildcardMatch matches a name against a pattern where '*' is any run of characters.
func wildcardMatch(pattern, name string) bool {
	if pattern == "" {
		return name == ""
	}
	star := -1
	pi, ni, mark := 0, 0, 0
	for ni < len(name) {
		switch {
		case pi < len(pattern) && pattern[pi] == '*':
			star, mark = pi, ni
			pi++
		case pi < len(pattern) && pattern[pi] == name[ni]:
			pi++
			ni++
		case star >= 0:
			pi = star + 1
			mark++
			ni = mark
		default:
			return false
		}
	}
	for pi < len(pattern) && pattern[pi] == '*' {
		pi++
	}
	return pi == len(pattern)
}
