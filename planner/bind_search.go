package planner

import (
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/spoorhq/spoor/functions"
	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// SearchSourceColumn is the column search adds, naming each row's table.
const SearchSourceColumn = "$table"

// search binds `[T |] search [kind=...] [in (Tables)] Predicate`: a filter
// over every table searched (the piped input, the tables listed, or else
// every table of the catalog), unioned with a $table column naming each row's
// table, as union withsource=$table does. Each table gets its own Filter, so
// that index push-down applies to it. A bare "term" in the predicate is a
// term match across the string and dynamic columns; see textSearch.
// https://learn.microsoft.com/kusto/query/search-operator
func (b *binder) search(in Node, o *parser.SearchOp) Node {
	ts, ok := b.searchOptions(o.Options)
	if in != nil && len(o.In) > 0 {
		b.errs.add(o.In[0].Start(), "'search' takes either a piped input or 'in (...)', not both")
		return nil
	}
	if !ok {
		return nil
	}
	var legs []Node
	var names []string
	switch {
	case in != nil:
		if indexOf(in.Columns(), SearchSourceColumn) >= 0 {
			// The input already names each row's table (search | search).
			return b.searchFilter(in, o.Pred, ts)
		}
		legs, names = []Node{in}, []string{sourceTable(in)}
	case len(o.In) > 0:
		if legs, names, ok = b.tableItems(o.In, false, 0); !ok {
			return nil
		}
	default:
		legs, names = b.catalogTables(o.Pos)
	}
	if len(legs) == 0 {
		b.errs.add(o.Pos, "'search' found no table to search")
		return nil
	}
	legs, names, ok = b.filterLegs(legs, names, o.Pred, ts, false)
	if !ok {
		return nil
	}
	u := &Union{Kind: UnionOuter, SourceColumn: true, Legs: legs, SourceNames: names}
	unionSchema(u, SearchSourceColumn)
	return u
}

// searchOptions reads search's kind= option: default and case_insensitive
// are the same, case_sensitive makes every string comparison case-sensitive.
func (b *binder) searchOptions(opts []*parser.Option) (*textSearch, bool) {
	ts := &textSearch{b: b}
	ok := true
	for _, opt := range opts {
		switch {
		case opt.Name == "kind":
			word := opt.Value.Word
			if opt.Value.Lit != nil && opt.Value.Lit.Type == "string" {
				word = opt.Value.Lit.Str
			}
			switch strings.ToLower(word) {
			case "default", "case_insensitive":
				ts.cs = false
			case "case_sensitive":
				ts.cs = true
			default:
				b.errs.add(opt.Value.Pos, "unknown search kind '%s'; expected case_sensitive, case_insensitive or default", parser.FormatNode(opt.Value))
				ok = false
			}
		case strings.HasPrefix(opt.Name, "hint."):
		default:
			b.errs.add(opt.Pos, "unknown search option '%s'; expected kind", opt.Name)
			ok = false
		}
	}
	return ts, ok
}

// searchFilter filters one input by a search predicate.
func (b *binder) searchFilter(in Node, pred parser.Expr, ts *textSearch) Node {
	legs, _, ok := b.filterLegs([]Node{in}, []string{""}, pred, ts, false)
	if !ok {
		return nil
	}
	return legs[0]
}

// catalogTables binds every table of the catalog, sorted by name: what search
// and find read when no table is named.
func (b *binder) catalogTables(pos parser.Position) ([]Node, []string) {
	names := append([]string(nil), b.cat.TableNames()...)
	sort.Strings(names)
	var legs []Node
	var out []string
	for _, name := range names {
		if n := b.table(name, pos); n != nil {
			legs = append(legs, n)
			out = append(out, name)
		}
	}
	return legs, out
}

// sourceTable names the table a piped input reads, when it reads one table
// through operators of one input each; else union_arg0, as union names an
// unnamed leg.
func sourceTable(n Node) string {
	for {
		if s, ok := n.(*Scan); ok {
			return s.Table
		}
		ins := n.Inputs()
		if len(ins) != 1 {
			return "union_arg0"
		}
		n = ins[0]
	}
}

// filterLegs puts a search or find predicate over each table. A column the
// predicate names that a table lacks, but another table has, is null in that
// table, typed as in the first table that has it. Among several tables, one
// over which the predicate does not bind (it compares a column that has
// another type there) is left out, unless the predicate binds over none, which
// is an error. With drop set (find), a table that has none of the columns the
// predicate names is left out too, as is one the predicate can never match.
func (b *binder) filterLegs(legs []Node, names []string, pred parser.Expr, ts *textSearch, drop bool) ([]Node, []string, bool) {
	typeOf := map[string]types.Type{}
	for _, leg := range legs {
		for _, c := range leg.Columns() {
			if _, ok := typeOf[c.Name]; !ok {
				typeOf[c.Name] = c.Type
			}
		}
	}
	var refs []string // the columns the predicate names
	for _, name := range predNames(pred) {
		if _, ok := typeOf[name]; ok {
			refs = append(refs, name)
		}
	}
	var outLegs []Node
	var outNames []string
	var failed ErrorList // the errors of the first table the predicate did not bind over
	bound := 0
	for i, leg := range legs {
		cols := leg.Columns()
		var missing []string
		for _, r := range refs {
			if indexOf(cols, r) < 0 {
				missing = append(missing, r)
			}
		}
		if drop && len(refs) > 0 && len(missing) == len(refs) {
			continue
		}
		before := len(b.errs.list)
		x := ts.bindIn(cols, pred, missing, typeOf)
		if x != nil {
			if t := x.Type(); t != types.Bool && t != types.Dynamic && t != types.Unknown {
				b.errs.add(pred.Start(), "the predicate must be a bool, got %s", t)
				x = nil
			}
		}
		if x == nil {
			if len(legs) > 1 {
				if failed == nil {
					failed = append(ErrorList(nil), b.errs.list[before:]...)
				}
				b.errs.list = b.errs.list[:before]
				continue
			}
			return nil, nil, false
		}
		c, isConst := x.(*Const)
		never := isConst && (c.V.Null || c.V.Type == types.Bool && c.V.I == 0)
		if drop && never {
			continue
		}
		if !isConst || never || c.V.Type != types.Bool {
			leg = &Filter{Input: leg, Pred: x}
		}
		bound++
		outLegs = append(outLegs, leg)
		outNames = append(outNames, names[i])
	}
	if bound == 0 && failed != nil {
		b.errs.list = append(b.errs.list, failed...)
		return nil, nil, false
	}
	return outLegs, outNames, true
}

// predNames lists the names a predicate refers to, in order and without
// repeats; the names inside a subquery are left out.
func predNames(x parser.Expr) []string {
	var out []string
	seen := map[string]bool{}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if v.IsNil() {
				return
			}
			switch n := v.Interface().(type) {
			case *parser.NameRef:
				if !seen[n.Name] {
					seen[n.Name] = true
					out = append(out, n.Name)
				}
				return
			case *parser.PipeExpr:
				return
			}
			walk(v.Elem())
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Slice:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i))
			}
		}
	}
	walk(reflect.ValueOf(x))
	return out
}

// textSearch binds the predicates of search and find, which extend KQL's
// expressions with term searches:
//
//   - a bare "term" matches when any string or dynamic column has it: "err" is
//     has, "err*" hasprefix, "*err" hassuffix, "*err*" contains, and a term
//     with a '*' inside ("Lab*PC") the regex \bLab.*PC\b;
//   - Col:"term" is the same match on one column;
//   - `* op x` (such as * has "x") applies op to every column it accepts and
//     matches when any does; a lone * matches every row;
//   - with kind=case_sensitive, has, contains, startswith, endswith, their
//     prefix and suffix forms and =~ are case-sensitive.
//
// Anything else is an ordinary expression.
type textSearch struct {
	b  *binder
	cs bool
}

// csOps maps string operators to their case-sensitive forms.
var csOps = map[string]string{
	"has": "has_cs", "!has": "!has_cs", "hasprefix": "hasprefix_cs", "!hasprefix": "!hasprefix_cs",
	"hassuffix": "hassuffix_cs", "!hassuffix": "!hassuffix_cs", "contains": "contains_cs", "!contains": "!contains_cs",
	"startswith": "startswith_cs", "!startswith": "!startswith_cs", "endswith": "endswith_cs", "!endswith": "!endswith_cs",
	"=~": "==", "!~": "!=",
}

// bindIn binds a predicate over cols, with the names in missing standing for
// nulls of the types typeOf gives (a let-bound scalar of that name wins).
func (t *textSearch) bindIn(cols []Column, pred parser.Expr, missing []string, typeOf map[string]types.Type) Expr {
	b := t.b
	if len(missing) > 0 {
		restore := b.enter(b.snapshot())
		defer restore()
		for _, m := range missing {
			if _, isLet := b.scalars[m]; !isLet {
				b.letScalar(m, &Const{V: types.NullOf(typeOf[m])})
			}
		}
	}
	return t.bind(&scope{cols: cols, b: b}, pred)
}

func (t *textSearch) bind(sc *scope, x parser.Expr) Expr {
	span := parser.Span{Pos: x.Start(), EndPos: x.End()}
	switch e := x.(type) {
	case *parser.ParenExpr:
		return t.bind(sc, e.X)
	case *parser.StarExpr:
		return &Const{At: span, V: types.NewBool(true)}
	case *parser.Literal:
		if e.Type == "string" && !e.Null {
			return t.anyColumn(sc, span, func(c Expr) Expr { return t.term(sc, span, c, e.Str) })
		}
	case *parser.CallExpr:
		if e.Name == "not" && len(e.Args) == 1 && e.Receiver == nil {
			arg := t.bind(sc, e.Args[0])
			if arg == nil {
				return nil
			}
			return sc.callAt(span, e.Pos, "not", []Expr{arg})
		}
	case *parser.BinaryExpr:
		if _, star := e.Left.(*parser.StarExpr); star {
			return t.star(sc, span, e)
		}
		switch e.Op {
		case "and", "or":
			l, r := t.bind(sc, e.Left), t.bind(sc, e.Right)
			if l == nil || r == nil {
				return nil
			}
			return sc.callAt(span, e.Pos, e.Op, []Expr{l, r})
		case ":":
			ref, ok := e.Left.(*parser.NameRef)
			lit, isStr := e.Right.(*parser.Literal)
			if !ok || !isStr || lit.Type != "string" || lit.Null {
				t.b.errs.add(e.Pos, "expected Column:\"term\", a column name and a string")
				return nil
			}
			col := sc.bindExpr(ref)
			if col == nil {
				return nil
			}
			return t.term(sc, span, col, lit.Str)
		}
		if cs, ok := csOps[e.Op]; ok && t.cs {
			l, r := sc.bindExpr(e.Left), sc.bindExpr(e.Right)
			if l == nil || r == nil {
				return nil
			}
			return sc.callAt(span, e.Pos, cs, []Expr{l, r})
		}
	}
	return sc.bindExpr(x)
}

// anyColumn ors match over the string and dynamic columns; false when there
// are none.
func (t *textSearch) anyColumn(sc *scope, span parser.Span, match func(c Expr) Expr) Expr {
	var out Expr
	for i, c := range sc.cols {
		if c.Type != types.String && c.Type != types.Dynamic {
			continue
		}
		x := match(&ColumnRef{At: span, Index: i, Name: c.Name, T: c.Type})
		if x == nil {
			return nil
		}
		out = t.or(sc, span, out, x)
	}
	if out == nil {
		return &Const{At: span, V: types.NewBool(false)}
	}
	return out
}

func (t *textSearch) or(sc *scope, span parser.Span, a, b Expr) Expr {
	if a == nil {
		return b
	}
	return sc.call(span, "or", []Expr{a, b})
}

// term binds a search term's match on one column, by where its '*'s are.
func (t *textSearch) term(sc *scope, span parser.Span, col Expr, term string) Expr {
	lead, trail := strings.HasPrefix(term, "*"), strings.HasSuffix(term, "*")
	core := strings.TrimSuffix(strings.TrimPrefix(term, "*"), "*")
	if core == "" && (lead || trail) {
		return &Const{At: span, V: types.NewBool(true)}
	}
	op := "has"
	switch {
	case strings.Contains(core, "*"):
		parts := strings.Split(core, "*")
		for i, p := range parts {
			parts[i] = regexp.QuoteMeta(p)
		}
		re := strings.Join(parts, ".*")
		if !lead {
			re = `\b` + re
		}
		if !trail {
			re += `\b`
		}
		if !t.cs {
			re = "(?i)" + re
		}
		return sc.call(span, "matches regex", []Expr{col, &Const{At: span, V: types.NewString(re)}})
	case lead && trail:
		op = "contains"
	case lead:
		op = "hassuffix"
	case trail:
		op = "hasprefix"
	}
	if t.cs {
		op += "_cs"
	}
	return sc.call(span, op, []Expr{col, &Const{At: span, V: types.NewString(core)}})
}

// star binds `* op x`: op over every column it accepts, any of them matching.
func (t *textSearch) star(sc *scope, span parser.Span, e *parser.BinaryExpr) Expr {
	right := sc.bindExpr(e.Right)
	if right == nil {
		return nil
	}
	op := e.Op
	if alt, ok := binaryOps[op]; ok {
		op = alt
	}
	if cs, ok := csOps[op]; ok && t.cs {
		op = cs
	}
	fn, ok := functions.Lookup(op)
	if !ok || fn.CheckArity(2) != nil {
		t.b.errs.add(e.Pos, "'* %s' is not supported; use an operator that compares two values, such as * has \"x\"", e.Op)
		return nil
	}
	var rc *types.Value
	if c, isConst := right.(*Const); isConst {
		rc = &c.V
	}
	var out Expr
	for i, c := range sc.cols {
		if _, err := fn.Check([]types.Type{c.Type, right.Type()}, []*types.Value{nil, rc}); err != nil {
			continue
		}
		x := sc.callAt(span, e.Pos, op, []Expr{&ColumnRef{At: span, Index: i, Name: c.Name, T: c.Type}, right})
		if x == nil {
			return nil
		}
		out = t.or(sc, span, out, x)
	}
	if out == nil {
		return &Const{At: span, V: types.NewBool(false)}
	}
	return out
}
