package planner

import (
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"

	"github.com/spoorhq/spoor/functions"
	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Host lends the binder what only its caller can do. The binder never runs a
// plan, opens a file or makes a connection by itself; every such step goes
// through these functions, and a nil Host (or a nil field) refuses it.
type Host struct {
	// Rows runs a bound plan and returns its rows, at most max of them (more
	// is an error). The binder calls it while binding, on the goroutine that
	// called Bind, to learn the output columns of a plugin that depend on the
	// data (bag_unpack and pivot without an output schema) when the plugin's
	// input reads a table. Nil: such a plugin needs an output schema, or an
	// input that reads no table (datatable, print, range...).
	Rows func(n Node, max int) ([][]types.Value, error)
	// ExternalData reports whether externaldata may read the source uri.
	// Nil refuses every source.
	ExternalData func(uri string) bool
	// Open reads a source that ExternalData permits, as CSV or JSON lines.
	Open func(uri string) (io.ReadCloser, error)
}

// constantRows runs a plan that reads no table. The executor sets it when it
// is linked in (see SetConstantRunner).
var constantRows func(n Node, max int) ([][]types.Value, error)

// SetConstantRunner registers how the binder runs a plan that reads no table,
// such as a datatable under bag_unpack, to learn a plugin's output columns.
// The executor calls it from an init function; the planner cannot import it.
func SetConstantRunner(run func(n Node, max int) ([][]types.Value, error)) { constantRows = run }

// maxPluginColumns caps the columns a data-dependent plugin may add.
const maxPluginColumns = 10_000

// A plugin binds `evaluate name(args)` over its input (nil when evaluate
// starts the pipeline).
type plugin func(b *binder, in Node, o *parser.EvaluateOp, call *parser.CallExpr) Node

// plugins are the built-in plugins. A plugin whose output columns depend on
// the data learns them while binding, as Kusto does before it runs such a
// query: the binder runs the plugin's input (or a summary of it) through
// Host.Rows, or through the constant runner when the input reads no table,
// so that the operators after the plugin bind against real columns
// (`T | evaluate bag_unpack(d) | where x > 1`). An output schema given after
// the call (`: (x:long, ...)`) skips that step.
var plugins = map[string]plugin{}

func init() {
	plugins["bag_unpack"] = (*binder).bagUnpack
	plugins["pivot"] = (*binder).pivot
	plugins["narrow"] = (*binder).narrow
}

// outsidePlugins reach outside the store: to a network service, another
// database or a code sandbox. Spoor refuses them.
var outsidePlugins = map[string]bool{
	"sql_request": true, "http_request": true, "http_request_post": true, "cosmosdb_sql_request": true,
	"mysql_request": true, "postgresql_request": true, "azure_digital_twins_query_request": true,
	"python": true, "r": true, "infer_storage_schema": true, "infer_storage_schema_with_suggestions": true,
	"ai_chat_completion": true, "ai_chat_completion_prompt": true, "ai_embed_text": true, "ai_embeddings": true,
}

// laterPlugins are Kusto plugins that stay inside the store but are not built yet.
var laterPlugins = []string{
	"active_users_count", "activity_counts_metrics", "activity_engagement", "activity_metrics",
	"autocluster", "basket", "dcount_intersect", "diffpatterns", "diffpatterns_text",
	"funnel_sequence", "funnel_sequence_completion", "geo_line_lookup", "geo_polygon_lookup",
	"ipv4_lookup", "ipv6_lookup", "new_activity_metrics", "preview", "rolling_percentile",
	"rows_near", "schema_merge", "sequence_detect", "session_count", "sliding_window_counts",
}

// evaluate binds `evaluate [hint.x=y] plugin(args) [: schema]`.
// https://learn.microsoft.com/kusto/query/evaluate-operator
func (b *binder) evaluate(in Node, o *parser.EvaluateOp) Node {
	for _, opt := range o.Options {
		if !strings.HasPrefix(opt.Name, "hint.") {
			b.errs.add(opt.Pos, "unknown evaluate option '%s'; expected a hint such as hint.distribution", opt.Name)
			return nil
		}
	}
	call, ok := o.Call.(*parser.CallExpr)
	if !ok || call.Receiver != nil {
		b.errs.add(o.Call.Start(), "'evaluate' needs a plugin call such as bag_unpack(Column)")
		return nil
	}
	name := call.Name
	if p, ok := plugins[name]; ok {
		if in == nil {
			b.errs.add(call.Pos, "plugin '%s' needs a tabular input, as in T | evaluate %s(...)", name, name)
			return nil
		}
		return p(b, in, o, call)
	}
	if outsidePlugins[name] || strings.HasPrefix(name, "ai_") {
		b.errs.add(call.Pos, "plugin '%s' reaches outside the store; Spoor does not reach outside the store", name)
		return nil
	}
	for _, l := range laterPlugins {
		if l == name {
			b.errs.add(call.Pos, "plugin '%s' is not supported yet", name)
			return nil
		}
	}
	known := append([]string(nil), laterPlugins...)
	for n := range plugins {
		known = append(known, n)
	}
	for n := range outsidePlugins {
		known = append(known, n)
	}
	b.errs.add(call.Pos, "unknown plugin '%s'%s", name, didYouMean(name, known))
	return nil
}

// pluginArgs splits a plugin call's arguments into positional ones and named
// ones (name = value). Positional arguments after a named one are an error.
func (b *binder) pluginArgs(call *parser.CallExpr, names ...string) ([]parser.Expr, map[string]parser.Expr, bool) {
	var pos []parser.Expr
	named := map[string]parser.Expr{}
	for _, a := range call.Args {
		na, ok := a.(*parser.NamedArg)
		if !ok {
			if len(named) > 0 {
				b.errs.add(a.Start(), "%s(): a positional argument cannot follow a named one", call.Name)
				return nil, nil, false
			}
			pos = append(pos, a)
			continue
		}
		known := false
		for _, n := range names {
			known = known || n == na.Name
		}
		if !known {
			b.errs.add(na.Pos, "%s() has no parameter '%s'%s", call.Name, na.Name, didYouMean(na.Name, names))
			return nil, nil, false
		}
		named[na.Name] = na.Value
	}
	return pos, named, true
}

// constString binds a constant string argument.
func (b *binder) constString(sc *scope, x parser.Expr, what string) (string, bool) {
	e := sc.bindExpr(x)
	if e == nil {
		return "", false
	}
	c, ok := e.(*Const)
	if !ok || c.V.Type != types.String {
		b.errs.add(x.Start(), "%s needs a constant string", what)
		return "", false
	}
	return c.V.S, true
}

// probe runs a plan for a plugin whose output columns depend on the data.
func (b *binder) probe(n Node, max int, call *parser.CallExpr) ([][]types.Value, bool) {
	run := constantRows
	if hasScan(reflect.ValueOf(n)) {
		run = nil
		if b.opts.Host != nil {
			run = b.opts.Host.Rows
		}
	}
	if run == nil {
		b.errs.add(call.Pos, "the columns of %s depend on the data; give them after the call, as in evaluate %s(...) : (Name:string, Count:long)", call.Name, call.Name)
		return nil, false
	}
	rows, err := run(Optimize(n, b.opts.DisabledRules...), max)
	if err != nil {
		b.errs.add(call.Pos, "%s: %v", call.Name, err)
		return nil, false
	}
	return rows, true
}

var (
	scanType  = reflect.TypeOf(&Scan{})
	specType  = reflect.TypeOf(&functions.Spec{})
	valueType = reflect.TypeOf(types.Value{})
)

// hasScan reports whether a plan reads a table anywhere, subqueries included.
func hasScan(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() || v.Type() == specType {
			return false
		}
		if v.Type() == scanType {
			return true
		}
		return hasScan(v.Elem())
	case reflect.Struct:
		if v.Type() == valueType {
			return false
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() && hasScan(v.Field(i)) {
				return true
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			if hasScan(v.Index(i)) {
				return true
			}
		}
	}
	return false
}

// outputSchema reads the columns of `: (*, Name:type, ...)`.
func (b *binder) outputSchema(s *parser.Schema) (star bool, cols []Column, ok bool) {
	seen := map[string]bool{}
	for i, it := range s.Items {
		switch {
		case it.Star:
			if i != 0 {
				b.errs.add(it.Pos, "'*' must come first in an output schema")
				return false, nil, false
			}
			star = true
		case it.Column != nil:
			t, known := types.ParseType(it.Column.Type.Value)
			if !known {
				b.errs.add(it.Column.Type.Pos, "unknown type '%s'", it.Column.Type.Value)
				return false, nil, false
			}
			name := it.Column.Name.Value
			if seen[name] {
				b.errs.add(it.Column.Name.Pos, "column '%s' is declared twice", name)
				return false, nil, false
			}
			seen[name] = true
			cols = append(cols, Column{Name: name, Type: t})
		default:
			b.errs.add(it.Pos, "expected Name:type in the output schema")
			return false, nil, false
		}
	}
	return star, cols, true
}

// BagUnpack turns the properties of a dynamic property bag into columns.
// Output column i copies input column From[i], or, when From[i] is -1, holds
// the bag's property Slots[i] (null when absent) cast to Out[i].Type.
type BagUnpack struct {
	Input Node
	Bag   Expr
	From  []int
	Slots []string
	Out   []Column
}

// BagSlots lists the properties found in a bag column: one row per property
// name, with the KQL type of its non-null values, or dynamic when they differ.
// bag_unpack runs it while binding to learn its output columns.
type BagSlots struct {
	Input Node
	Bag   Expr
}

// Narrow turns each input row into one row per column: the row's number, the
// column's name and the value as text.
type Narrow struct {
	Input Node
}

func (n *BagUnpack) Columns() []Column { return n.Out }
func (n *BagUnpack) Inputs() []Node    { return []Node{n.Input} }
func (n *BagSlots) Columns() []Column {
	return []Column{{Name: "Slot", Type: types.String}, {Name: "Type", Type: types.String}}
}
func (n *BagSlots) Inputs() []Node { return []Node{n.Input} }
func (n *Narrow) Columns() []Column {
	return []Column{{Name: "Row", Type: types.Long}, {Name: "Column", Type: types.String}, {Name: "Value", Type: types.String}}
}
func (n *Narrow) Inputs() []Node { return []Node{n.Input} }

// SetInput replaces the input.
func (n *BagUnpack) SetInput(_ int, in Node) { n.Input = in }

// SetInput replaces the input.
func (n *BagSlots) SetInput(_ int, in Node) { n.Input = in }

// SetInput replaces the input.
func (n *Narrow) SetInput(_ int, in Node) { n.Input = in }

// Explain prints the node on one line.
func (n *BagUnpack) Explain() string {
	var slots []string
	for i, s := range n.Slots {
		if n.From[i] < 0 {
			slots = append(slots, n.Out[i].Name+"="+s)
		}
	}
	return fmt.Sprintf("BagUnpack %s -> [%s]", ExprString(n.Bag), strings.Join(slots, ", "))
}

// Explain prints the node on one line.
func (n *BagSlots) Explain() string { return "BagSlots " + ExprString(n.Bag) }

// Explain prints the node on one line.
func (n *Narrow) Explain() string { return "Narrow" }

// bagUnpack binds bag_unpack(Column [, Prefix] [, columnsConflict] [, ignoredProperties]).
// https://learn.microsoft.com/kusto/query/bag-unpack-plugin
func (b *binder) bagUnpack(in Node, o *parser.EvaluateOp, call *parser.CallExpr) Node {
	pos, named, ok := b.pluginArgs(call, "OutputColumnPrefix", "columnsConflict", "ignoredProperties")
	if !ok {
		return nil
	}
	if len(pos) == 0 || len(pos) > 4 {
		b.errs.add(call.Pos, "bag_unpack() takes a column, then optionally a prefix, columnsConflict and ignoredProperties")
		return nil
	}
	params := []string{"", "OutputColumnPrefix", "columnsConflict", "ignoredProperties"}
	for i, x := range pos[1:] {
		if _, dup := named[params[i+1]]; dup {
			b.errs.add(x.Start(), "bag_unpack(): %s is given twice", params[i+1])
			return nil
		}
		named[params[i+1]] = x
	}
	sc := &scope{cols: in.Columns(), b: b}
	bag := sc.bindExpr(pos[0])
	if bag == nil {
		return nil
	}
	ref, isCol := bag.(*ColumnRef)
	if !isCol || bag.Type() != types.Dynamic {
		b.errs.add(pos[0].Start(), "bag_unpack() needs a dynamic column of its input, got %s", bag.Type())
		return nil
	}
	prefix, conflict := "", "error"
	ignored := map[string]bool{}
	if x, ok := named["OutputColumnPrefix"]; ok {
		if prefix, ok = b.constString(sc, x, "the prefix of bag_unpack()"); !ok {
			return nil
		}
	}
	if x, ok := named["columnsConflict"]; ok {
		if conflict, ok = b.constString(sc, x, "columnsConflict"); !ok {
			return nil
		}
		if conflict != "error" && conflict != "replace_source" && conflict != "keep_source" {
			b.errs.add(x.Start(), "unknown columnsConflict '%s'; expected error, replace_source or keep_source", conflict)
			return nil
		}
	}
	if x, ok := named["ignoredProperties"]; ok {
		e := sc.bindExpr(x)
		if e == nil {
			return nil
		}
		c, isConst := e.(*Const)
		arr, isArr := []any(nil), false
		if isConst && c.V.Type == types.Dynamic {
			arr, isArr = c.V.D.([]any)
		}
		if !isArr {
			b.errs.add(x.Start(), "ignoredProperties needs a constant dynamic array of strings, such as dynamic(['a', 'b'])")
			return nil
		}
		for _, el := range arr {
			s, isStr := el.(string)
			if !isStr {
				b.errs.add(x.Start(), "ignoredProperties needs a constant dynamic array of strings, such as dynamic(['a', 'b'])")
				return nil
			}
			ignored[s] = true
		}
	}
	n := &BagUnpack{Input: in, Bag: bag}
	cols := in.Columns()
	if o.Schema != nil {
		return b.bagUnpackSchema(n, ref, prefix, o.Schema)
	}
	rows, ok := b.probe(&BagSlots{Input: in, Bag: bag}, maxPluginColumns, call)
	if !ok {
		return nil
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i][0].S < rows[j][0].S })
	for i, c := range cols {
		if i != ref.Index {
			n.From = append(n.From, i)
			n.Slots = append(n.Slots, "")
			n.Out = append(n.Out, c)
		}
	}
	for _, r := range rows {
		slot := r[0].S
		if ignored[slot] {
			continue
		}
		t, _ := types.ParseType(r[1].S)
		name := prefix + slot
		if at := indexOf(n.Out, name); at >= 0 {
			switch conflict {
			case "error":
				b.errs.add(call.Pos, "bag_unpack(): the property '%s' has the name of the input column '%s'; set columnsConflict to 'replace_source' or 'keep_source'", slot, name)
				return nil
			case "replace_source":
				n.From[at], n.Slots[at], n.Out[at] = -1, slot, Column{Name: name, Type: t}
			}
			continue
		}
		n.From = append(n.From, -1)
		n.Slots = append(n.Slots, slot)
		n.Out = append(n.Out, Column{Name: name, Type: t})
	}
	return n
}

// bagUnpackSchema gives bag_unpack the columns its output schema declares:
// `*` for the input's columns (the bag's aside), and each declared column
// from the input column of that name or else from the bag property named
// without the prefix.
func (b *binder) bagUnpackSchema(n *BagUnpack, bag *ColumnRef, prefix string, s *parser.Schema) Node {
	star, decl, ok := b.outputSchema(s)
	if !ok {
		return nil
	}
	cols := n.Input.Columns()
	if star {
		for i, c := range cols {
			if i != bag.Index {
				n.From = append(n.From, i)
				n.Slots = append(n.Slots, "")
				n.Out = append(n.Out, c)
			}
		}
	}
	for _, c := range decl {
		if at := indexOf(n.Out, c.Name); at >= 0 {
			b.errs.add(s.Pos, "column '%s' of the output schema is already in the input", c.Name)
			return nil
		}
		if i := indexOf(cols, c.Name); i >= 0 && i != bag.Index {
			if cols[i].Type != c.Type {
				b.errs.add(s.Pos, "column '%s' is %s in the input, not %s", c.Name, cols[i].Type, c.Type)
				return nil
			}
			n.From = append(n.From, i)
			n.Slots = append(n.Slots, "")
		} else {
			n.From = append(n.From, -1)
			n.Slots = append(n.Slots, strings.TrimPrefix(c.Name, prefix))
		}
		n.Out = append(n.Out, c)
	}
	return n
}

// narrow binds narrow(): it takes no arguments.
// https://learn.microsoft.com/kusto/query/narrow-plugin
func (b *binder) narrow(in Node, o *parser.EvaluateOp, call *parser.CallExpr) Node {
	if len(call.Args) > 0 {
		b.errs.add(call.Args[0].Start(), "narrow() takes no arguments")
		return nil
	}
	if o.Schema != nil {
		b.errs.add(o.Schema.Pos, "narrow() has a fixed output schema: Row, Column, Value")
		return nil
	}
	return &Narrow{Input: in}
}

// Pivot turns the distinct values of one column into columns. Its input is
// an Aggregate whose rows hold Keys group keys, then the pivot value, then
// the aggregate. Output column i copies group key From[i], or, when From[i]
// is -1, holds the aggregate of the group's rows whose pivot value reads
// Names[i] (see PivotName). A group without such rows has ZeroEmpty ? 0 :
// null there: counts and sums of nothing are 0.
type Pivot struct {
	Input     Node
	Keys      int
	From      []int
	Names     []string
	ZeroEmpty bool
	Out       []Column
}

func (n *Pivot) Columns() []Column { return n.Out }
func (n *Pivot) Inputs() []Node    { return []Node{n.Input} }

// SetInput replaces the input.
func (n *Pivot) SetInput(_ int, in Node) { n.Input = in }

// Explain prints the node on one line.
func (n *Pivot) Explain() string {
	var names []string
	for i, c := range n.Out {
		if n.From[i] < 0 {
			names = append(names, c.Name)
		}
	}
	return fmt.Sprintf("Pivot keys=%d -> [%s]", n.Keys, strings.Join(names, ", "))
}

// PivotName is the column name a pivot value becomes: its text, as tostring
// gives it ("" for null).
func PivotName(v types.Value) string {
	if v.Null {
		return ""
	}
	fn, ok := functions.Lookup("tostring")
	if !ok || fn.Eval == nil {
		return types.Format(v)
	}
	out, err := fn.Eval([]*vector.Vector{vector.Repeat(v, 1)}, 1)
	if err != nil || out.Len == 0 {
		return types.Format(v)
	}
	return out.Value(0).S
}

// pivot binds pivot(Column [, Aggregate] [, GroupColumn...]). The aggregate
// is count() by default; the group columns are by default every column but
// the pivot column and those the aggregate reads. Rows whose pivot value has
// no text (null or "") are left out. The pivot columns come in the order of
// their names.
// https://learn.microsoft.com/kusto/query/pivot-plugin
func (b *binder) pivot(in Node, o *parser.EvaluateOp, call *parser.CallExpr) Node {
	pos, _, ok := b.pluginArgs(call)
	if !ok {
		return nil
	}
	if len(pos) == 0 {
		b.errs.add(call.Pos, "pivot() needs the column to pivot, as in pivot(State)")
		return nil
	}
	sc := &scope{cols: in.Columns(), b: b}
	px := sc.bindExpr(pos[0])
	if px == nil {
		return nil
	}
	pref, isCol := px.(*ColumnRef)
	if !isCol || px.Type() == types.Dynamic {
		b.errs.add(pos[0].Start(), "pivot() needs a column of scalar values to pivot")
		return nil
	}
	rest := pos[1:]
	agg := &Aggregate{Input: in}
	if len(rest) > 0 {
		if c, ok := rest[0].(*parser.CallExpr); ok && c.Receiver == nil {
			if fn, ok := functions.Lookup(c.Name); ok && fn.Kind == functions.Aggregate {
				coll := &aggCollector{in: sc, agg: agg}
				if coll.add(c, fn, c.Span) == nil {
					return nil
				}
				rest = rest[1:]
			}
		}
	}
	if len(agg.Aggs) == 0 {
		count, ok := functions.Lookup("count")
		if !ok {
			b.errs.add(call.Pos, "count is not available")
			return nil
		}
		agg.Aggs = []AggCall{{Fn: count, T: types.Long}}
	}
	cols := in.Columns()
	var groups []int
	for _, x := range rest {
		e := sc.bindExpr(x)
		if e == nil {
			return nil
		}
		r, ok := e.(*ColumnRef)
		if !ok {
			b.errs.add(x.Start(), "pivot() groups by columns of its input; expected a column name")
			return nil
		}
		groups = append(groups, r.Index)
	}
	if len(rest) == 0 {
		read := make([]bool, len(cols))
		for _, a := range agg.Aggs[0].Args {
			refs(a, read)
		}
		for i := range cols {
			if i != pref.Index && !read[i] {
				groups = append(groups, i)
			}
		}
	}
	for _, g := range groups {
		if cols[g].Type == types.Dynamic {
			b.errs.add(call.Pos, "pivot() cannot group by the dynamic column '%s'", cols[g].Name)
			return nil
		}
		agg.Keys = append(agg.Keys, &ColumnRef{Index: g, Name: cols[g].Name, T: cols[g].Type})
		agg.Out = append(agg.Out, cols[g])
	}
	agg.Keys = append(agg.Keys, pref)
	agg.Out = append(agg.Out, Column{Name: "__pivot", Type: pref.T}, Column{Name: "__cell", Type: agg.Aggs[0].T})
	n := &Pivot{Input: agg, Keys: len(groups)}
	switch agg.Aggs[0].Fn.Name {
	case "count", "countif", "dcount", "dcountif", "sum", "sumif":
		n.ZeroEmpty = true
	}
	cellType := agg.Aggs[0].T
	if o.Schema != nil {
		star, decl, ok := b.outputSchema(o.Schema)
		if !ok {
			return nil
		}
		if star {
			b.errs.add(o.Schema.Pos, "pivot() does not take '*' in its output schema")
			return nil
		}
		for _, c := range decl {
			at := -1
			for j, g := range groups {
				if cols[g].Name == c.Name {
					at = j
				}
			}
			n.From = append(n.From, at)
			n.Names = append(n.Names, c.Name)
			n.Out = append(n.Out, c)
		}
		return n
	}
	for j, g := range groups {
		n.From = append(n.From, j)
		n.Names = append(n.Names, "")
		n.Out = append(n.Out, cols[g])
	}
	distinct := &Aggregate{Input: in, Keys: []Expr{pref}, Out: []Column{{Name: pref.Name, Type: pref.T}}}
	rows, ok := b.probe(distinct, maxPluginColumns, call)
	if !ok {
		return nil
	}
	var names []string
	seen := map[string]bool{}
	for _, r := range rows {
		if name := PivotName(r[0]); name != "" && !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		if indexOf(n.Out, name) >= 0 {
			b.errs.add(call.Pos, "pivot(): the value '%s' has the name of a group column", name)
			return nil
		}
		n.From = append(n.From, -1)
		n.Names = append(n.Names, name)
		n.Out = append(n.Out, Column{Name: name, Type: cellType})
	}
	return n
}
