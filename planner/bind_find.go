package planner

import (
	"slices"
	"strings"

	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// FindSourceColumn is find's default column naming each row's table.
const FindSourceColumn = "source_"

// FindPackColumn is the column of find's output that packs the columns not
// shown on their own.
const FindPackColumn = "pack_"

// find binds `find [withsource=C] [in (Tables)] [where] Predicate
// [project-smart | project Col[:type], ..., pack_all()]`. Each table is
// filtered by the predicate (as search's, a bare "term" searches every string
// column), projected to the output columns and unioned, with the source
// column (source_ unless withsource names another) first. A table that has
// none of the columns the predicate names is left out.
//
// project-smart, the default, shows the columns the predicate names and the
// columns every remaining table has (a column with several types gets one
// column per type, suffixed _type, as in union) and packs each row's other
// columns into a dynamic pack_ column. project shows the listed columns,
// null where a table lacks one, converted to the type given after ':';
// pack_all() adds pack_ with the columns not listed.
// https://learn.microsoft.com/kusto/query/find-operator
func (b *binder) find(o *parser.FindOp) Node {
	source, ok := b.findOptions(o.Options)
	var legs []Node
	var names []string
	if len(o.In) > 0 {
		var legsOK bool
		if legs, names, legsOK = b.tableItems(o.In, false, 0); !legsOK {
			return nil
		}
	} else {
		legs, names = b.catalogTables(o.Pos)
	}
	if !ok {
		return nil
	}
	if len(legs) == 0 {
		b.errs.add(o.Pos, "'find' found no table to search")
		return nil
	}
	legs, names, ok = b.filterLegs(legs, names, o.Pred, &textSearch{b: b}, true)
	if !ok {
		return nil
	}
	if len(legs) == 0 {
		b.errs.add(o.Pred.Start(), "no table has the columns the predicate names")
		return nil
	}
	smart := o.ProjectSmart || len(o.Project) == 0 || isProjectSmart(o.Project)
	var shaped []Node
	if smart {
		shaped = b.findSmart(legs, predNames(o.Pred))
	} else {
		shaped = b.findProject(legs, o.Project)
	}
	if shaped == nil {
		return nil
	}
	u := &Union{Kind: UnionOuter, SourceColumn: true, Legs: shaped, SourceNames: names}
	unionSchema(u, source)
	if indexOf(u.Out[1:], source) >= 0 {
		b.errs.add(o.Pos, "withsource column '%s' is already a column of the result", source)
		return nil
	}
	return u
}

// isProjectSmart recognises project-smart where it was read as `project
// -smart`, a project list of one negated name.
func isProjectSmart(items []*parser.FindColumn) bool {
	if len(items) != 1 || items[0].Type != nil || items[0].Item.X == nil {
		return false
	}
	u, ok := items[0].Item.X.(*parser.UnaryExpr)
	if !ok || u.Op != "-" {
		return false
	}
	n, ok := u.X.(*parser.NameRef)
	return ok && n.Name == "smart"
}

// findOptions reads withsource= (or with_source=); hint.* options have no effect.
func (b *binder) findOptions(opts []*parser.Option) (string, bool) {
	source, ok := FindSourceColumn, true
	for _, opt := range opts {
		switch {
		case opt.Name == "withsource" || opt.Name == "with_source":
			if opt.Value.Word == "" {
				b.errs.add(opt.Value.Pos, "'%s' needs a column name", opt.Name)
				ok = false
				continue
			}
			source = opt.Value.Word
		case strings.HasPrefix(opt.Name, "hint."):
		default:
			b.errs.add(opt.Pos, "unknown find option '%s'; expected withsource", opt.Name)
			ok = false
		}
	}
	return source, ok
}

// colInst is a column told apart by name and type, as union tells them.
type colInst struct {
	name string
	t    types.Type
}

// findSmart shapes each filtered table for project-smart: the kept columns
// in the same order in every table (null where a table lacks one), then
// pack_ with the table's other columns.
func (b *binder) findSmart(legs []Node, refs []string) []Node {
	named := map[string]bool{}
	for _, r := range refs {
		named[r] = true
	}
	var order []colInst
	count := map[colInst]int{}
	for _, leg := range legs {
		for _, c := range leg.Columns() {
			k := colInst{c.Name, c.Type}
			if count[k] == 0 {
				order = append(order, k)
			}
			count[k]++
		}
	}
	var kept []colInst
	isKept := map[colInst]bool{}
	for _, k := range order {
		if named[k.name] || count[k] == len(legs) {
			kept = append(kept, k)
			isKept[k] = true
		}
	}
	out := make([]Node, len(legs))
	for li, leg := range legs {
		cols := leg.Columns()
		p := &Project{Input: leg}
		for _, k := range kept {
			var x Expr = &Const{V: types.NullOf(k.t)}
			for i, c := range cols {
				if c.Name == k.name && c.Type == k.t {
					x = &ColumnRef{Index: i, Name: c.Name, T: c.Type}
					break
				}
			}
			p.Exprs = append(p.Exprs, x)
			p.Out = append(p.Out, Column{Name: k.name, Type: k.t})
		}
		var rest []int
		for i, c := range cols {
			if !isKept[colInst{c.Name, c.Type}] {
				rest = append(rest, i)
			}
		}
		pack := b.packColumns(cols, rest)
		if pack == nil {
			return nil
		}
		p.Exprs = append(p.Exprs, pack)
		p.Out = append(p.Out, Column{Name: FindPackColumn, Type: types.Dynamic})
		out[li] = p
	}
	return out
}

// findProject shapes each filtered table for `project Col[:type], ...,
// pack_all()`.
func (b *binder) findProject(legs []Node, items []*parser.FindColumn) []Node {
	type outCol struct {
		name  string
		t     types.Type
		typed bool // a type was given: values are converted to it
	}
	var want []outCol
	packAll := false
	seen := map[string]bool{}
	ok := true
	for i, it := range items {
		if call, isCall := it.Item.X.(*parser.CallExpr); isCall && call.Name == "pack_all" && len(call.Args) == 0 {
			if i != len(items)-1 || it.Type != nil {
				b.errs.add(it.Pos, "pack_all() comes last in find's project list, without a type")
				ok = false
			}
			packAll = true
			continue
		}
		name := ""
		switch {
		case it.Item.Pattern != nil && !strings.Contains(it.Item.Pattern.Pattern, "*"):
			name = it.Item.Pattern.Pattern
		default:
			if n, isName := it.Item.X.(*parser.NameRef); isName {
				name = n.Name
			}
		}
		if name == "" {
			b.errs.add(it.Pos, "find's project list takes column names, optionally typed (Col:string), and pack_all()")
			ok = false
			continue
		}
		if seen[name] {
			b.errs.add(it.Pos, "column '%s' is projected twice", name)
			ok = false
			continue
		}
		seen[name] = true
		oc := outCol{name: name}
		if it.Type != nil {
			t, known := types.ParseType(it.Type.Value)
			if !known {
				b.errs.add(it.Type.Pos, "unknown type '%s'", it.Type.Value)
				ok = false
				continue
			}
			oc.t, oc.typed = t, true
		} else {
			var found []types.Type
			for _, leg := range legs {
				for _, c := range leg.Columns() {
					if c.Name == name && !slices.Contains(found, c.Type) {
						found = append(found, c.Type)
					}
				}
			}
			switch len(found) {
			case 0:
				b.errs.add(it.Pos, "unknown column '%s'", name)
				ok = false
				continue
			case 1:
				oc.t = found[0]
			default:
				var ts []string
				for _, t := range found {
					ts = append(ts, t.String())
				}
				b.errs.add(it.Pos, "column '%s' has several types in the tables (%s); give one, as in %s:%s", name, strings.Join(ts, ", "), name, ts[0])
				ok = false
				continue
			}
		}
		want = append(want, oc)
	}
	if !ok {
		return nil
	}
	out := make([]Node, len(legs))
	for li, leg := range legs {
		cols := leg.Columns()
		sc := &scope{cols: cols, b: b}
		p := &Project{Input: leg}
		listed := map[string]bool{}
		for _, w := range want {
			listed[w.name] = true
			var x Expr = &Const{V: types.NullOf(w.t)}
			if i := sc.lookup(w.name); i >= 0 {
				x = &ColumnRef{Index: i, Name: w.name, T: cols[i].Type}
				if cols[i].Type != w.t {
					if x = b.convertTo(sc, x, w.t); x == nil {
						return nil
					}
				}
			}
			p.Exprs = append(p.Exprs, x)
			p.Out = append(p.Out, Column{Name: w.name, Type: w.t})
		}
		if packAll {
			var rest []int
			for i, c := range cols {
				if !listed[c.Name] {
					rest = append(rest, i)
				}
			}
			pack := b.packColumns(cols, rest)
			if pack == nil {
				return nil
			}
			p.Exprs = append(p.Exprs, pack)
			p.Out = append(p.Out, Column{Name: FindPackColumn, Type: types.Dynamic})
		}
		out[li] = p
	}
	return out
}

// convertTo converts a value to type t with t's conversion function.
func (b *binder) convertTo(sc *scope, x Expr, t types.Type) Expr {
	fn := map[types.Type]string{
		types.Bool: "tobool", types.Int: "toint", types.Long: "tolong", types.Real: "toreal",
		types.Decimal: "todecimal", types.String: "tostring", types.Datetime: "todatetime",
		types.Timespan: "totimespan", types.Guid: "toguid", types.Dynamic: "todynamic",
	}[t]
	if fn == "" {
		return nil
	}
	return sc.call(x.Span(), fn, []Expr{x})
}

// packColumns packs the given columns of a row into a property bag.
func (b *binder) packColumns(cols []Column, idx []int) Expr {
	if len(idx) == 0 {
		return &Const{V: types.NewDynamic(map[string]any{})}
	}
	var args []Expr
	for _, i := range idx {
		args = append(args, &Const{V: types.NewString(cols[i].Name)}, &ColumnRef{Index: i, Name: cols[i].Name, T: cols[i].Type})
	}
	return (&scope{cols: cols, b: b}).call(parser.Span{}, "bag_pack", args)
}
