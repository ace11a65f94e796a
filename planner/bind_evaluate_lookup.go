package planner

import (
	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// The lookup plugins that match rows by a predicate rather than by equal keys:
// geo_polygon_lookup and geo_line_lookup (a point in, or near, a shape) and
// ipv4_lookup and ipv6_lookup (an address in a range).

// PredicateLookup pairs each row of Left with every row of Right for which
// Pred, an expression over Left's columns followed by Right's, is true. Its
// output is Left's columns, then the Right columns listed in Keep. With
// Unmatched, a Left row that pairs with no Right row is kept once, with nulls
// for the Right columns. The executor reads Right whole, then streams Left.
type PredicateLookup struct {
	Left, Right Node
	Pred        Expr
	Keep        []int
	Unmatched   bool
	Plugin      string
	Out         []Column
}

func (n *PredicateLookup) Columns() []Column { return n.Out }
func (n *PredicateLookup) Inputs() []Node    { return []Node{n.Left, n.Right} }

// SetInput replaces the left (0) or right (1) input.
func (n *PredicateLookup) SetInput(i int, in Node) {
	if i == 0 {
		n.Left = in
	} else {
		n.Right = in
	}
}

// Explain prints the plugin and the predicate.
func (n *PredicateLookup) Explain() string {
	s := "PredicateLookup " + n.Plugin + " " + ExprString(n.Pred)
	if n.Unmatched {
		s += " keep-unmatched"
	}
	return s
}

func init() {
	plugins["geo_polygon_lookup"] = geoLookup("geo_polygon_lookup", "geo_point_in_polygon", "geo_distance_point_to_polygon", false)
	plugins["geo_line_lookup"] = geoLookup("geo_line_lookup", "", "geo_distance_point_to_line", true)
	plugins["ipv4_lookup"] = ipLookup("ipv4_lookup", "ipv4_is_in_range", true)
	plugins["ipv6_lookup"] = ipLookup("ipv6_lookup", "ipv6_is_in_range", false)
	var later []string
	for _, l := range laterPlugins {
		if _, built := plugins[l]; !built {
			later = append(later, l)
		}
	}
	laterPlugins = later
}

// lookupTable binds the lookup table argument of a lookup plugin.
func (b *binder) lookupTable(x parser.Expr) Node {
	return b.tableExpr(x)
}

// lookupColumn binds a column of n named by x.
func (b *binder) lookupColumn(n Node, x parser.Expr, plugin, what string, want func(types.Type) bool, wantText string) (*ColumnRef, bool) {
	ref, ok := (&scope{cols: n.Columns(), b: b}).bindExpr(x).(*ColumnRef)
	if !ok {
		b.errs.add(x.Start(), "%s(): %s must be a column", plugin, what)
		return nil, false
	}
	if !want(ref.T) {
		b.errs.add(x.Start(), "%s(): %s must be a %s column, got %s", plugin, what, wantText, ref.T)
		return nil, false
	}
	return ref, true
}

// constBool binds an optional constant bool argument (nil: def).
func (b *binder) constBool(x parser.Expr, plugin, what string, def bool) (bool, bool) {
	if x == nil {
		return def, true
	}
	c, ok := (&scope{b: b}).bindExpr(x).(*Const)
	if !ok || c.V.Type != types.Bool {
		b.errs.add(x.Start(), "%s(): %s must be a constant bool", plugin, what)
		return false, false
	}
	return !c.V.Null && c.V.I != 0, true
}

// geoLookup binds geo_polygon_lookup(LookupTable, LookupPolygonKey,
// SourceLongitude, SourceLatitude, [radius], [return_unmatched],
// [lookup_area_radius], [return_lookup_key]) and geo_line_lookup, whose radius
// is required. A point matches a polygon it lies in (or, with a radius, one
// within radius meters of it) and a line within radius meters of it.
// https://learn.microsoft.com/kusto/query/geo-polygon-lookup-plugin
func geoLookup(name, inside, distance string, needRadius bool) plugin {
	params := []string{"radius", "return_unmatched", "lookup_area_radius", "return_lookup_key"}
	return func(b *binder, in Node, o *parser.EvaluateOp, call *parser.CallExpr) Node {
		pos, named, ok := b.pluginArgs(call, params...)
		if !ok {
			return nil
		}
		if len(pos) < 4 || len(pos) > 4+len(params) {
			what := "[radius]"
			if needRadius {
				what = "radius"
			}
			b.errs.add(call.Pos, "%s() takes a lookup table, its shape column, the longitude and latitude columns, then %s, [return_unmatched], [lookup_area_radius], [return_lookup_key]", name, what)
			return nil
		}
		for i, x := range pos[4:] {
			if _, dup := named[params[i]]; dup {
				b.errs.add(x.Start(), "%s(): %s is given twice", name, params[i])
				return nil
			}
			named[params[i]] = x
		}
		if needRadius && named["radius"] == nil {
			b.errs.add(call.Pos, "%s() needs a radius in meters", name)
			return nil
		}
		right := b.lookupTable(pos[0])
		if right == nil {
			return nil
		}
		isDyn := func(t types.Type) bool { return t == types.Dynamic }
		isNum := func(t types.Type) bool { return t.Numeric() }
		shape, ok1 := b.lookupColumn(right, pos[1], name, "the shape", isDyn, "dynamic")
		lon, ok2 := b.lookupColumn(in, pos[2], name, "the longitude", isNum, "numeric")
		lat, ok3 := b.lookupColumn(in, pos[3], name, "the latitude", isNum, "numeric")
		unmatched, ok4 := b.constBool(named["return_unmatched"], name, "return_unmatched", false)
		withKey, ok5 := b.constBool(named["return_lookup_key"], name, "return_lookup_key", false)
		if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
			return nil
		}
		sc := &scope{b: b}
		var radius Expr
		if x := named["radius"]; x != nil {
			if radius = sc.bindExpr(x); radius == nil {
				return nil
			}
			if c, ok := radius.(*Const); !ok || !c.V.Type.Numeric() {
				b.errs.add(x.Start(), "%s(): radius must be a constant number of meters", name)
				return nil
			}
		}
		if x := named["lookup_area_radius"]; x != nil && sc.bindExpr(x) == nil {
			return nil
		}
		nl := len(in.Columns())
		shapeRef := &ColumnRef{At: shape.At, Index: nl + shape.Index, Name: shape.Name, T: shape.T}
		var pred Expr
		if radius == nil {
			pred = sc.call(call.Span, inside, []Expr{lon, lat, shapeRef})
		} else {
			d := sc.call(call.Span, distance, []Expr{lon, lat, shapeRef})
			if d == nil {
				return nil
			}
			pred = sc.call(call.Span, "<=", []Expr{d, radius})
		}
		if pred == nil {
			return nil
		}
		return newPredicateLookup(name, in, right, pred, map[int]bool{shape.Index: !withKey}, unmatched)
	}
}

// ipLookup binds ipv4_lookup(LookupTable, SourceIPv4Key, IPv4LookupKey,
// [ExtraKey1, ...], [return_unmatched]) and ipv6_lookup(LookupTable,
// SourceIPv6Key, IPv6LookupKey, [return_unmatched]): an address matches the
// lookup rows whose range (an address or a CIDR prefix) holds it, and whose
// extra keys, columns of both tables, are equal.
// https://learn.microsoft.com/kusto/query/ipv4-lookup-plugin
func ipLookup(name, inRange string, extraKeys bool) plugin {
	return func(b *binder, in Node, o *parser.EvaluateOp, call *parser.CallExpr) Node {
		pos, named, ok := b.pluginArgs(call, "return_unmatched")
		if !ok {
			return nil
		}
		if len(pos) < 3 {
			b.errs.add(call.Pos, "%s() takes a lookup table, the source address column and the lookup range column", name)
			return nil
		}
		// A last positional argument that is not a column is return_unmatched.
		rest := pos[3:]
		if n := len(rest); n > 0 {
			if _, col := rest[n-1].(*parser.NameRef); !col {
				if _, dup := named["return_unmatched"]; dup {
					b.errs.add(rest[n-1].Start(), "%s(): return_unmatched is given twice", name)
					return nil
				}
				named["return_unmatched"], rest = rest[n-1], rest[:n-1]
			}
		}
		if len(rest) > 0 && !extraKeys {
			b.errs.add(rest[0].Start(), "%s() takes no extra keys", name)
			return nil
		}
		right := b.lookupTable(pos[0])
		if right == nil {
			return nil
		}
		isText := func(t types.Type) bool { return t == types.String || t == types.Dynamic }
		src, ok1 := b.lookupColumn(in, pos[1], name, "the source address", isText, "string")
		rng, ok2 := b.lookupColumn(right, pos[2], name, "the lookup range", isText, "string")
		unmatched, ok3 := b.constBool(named["return_unmatched"], name, "return_unmatched", false)
		if !ok1 || !ok2 || !ok3 {
			return nil
		}
		nl := len(in.Columns())
		sc := &scope{b: b}
		pred := sc.call(call.Span, inRange, []Expr{src, &ColumnRef{At: rng.At, Index: nl + rng.Index, Name: rng.Name, T: rng.T}})
		skip := map[int]bool{}
		for _, k := range rest {
			l, okl := b.lookupColumn(in, k, name, "an extra key", func(types.Type) bool { return true }, "")
			r, okr := b.lookupColumn(right, k, name, "an extra key", func(types.Type) bool { return true }, "")
			if !okl || !okr || pred == nil {
				return nil
			}
			at := parser.Span{Pos: k.Start(), EndPos: k.End()}
			eq := sc.call(at, "==", []Expr{l, &ColumnRef{At: at, Index: nl + r.Index, Name: r.Name, T: r.T}})
			if eq == nil {
				return nil
			}
			pred = sc.call(call.Span, "and", []Expr{pred, eq})
			skip[r.Index] = true // the key is the left one's
		}
		if pred == nil {
			return nil
		}
		return newPredicateLookup(name, in, right, pred, skip, unmatched)
	}
}

// newPredicateLookup builds the node: the left columns, then the right ones
// not in skip, renamed where they clash.
func newPredicateLookup(name string, left, right Node, pred Expr, skip map[int]bool, unmatched bool) *PredicateLookup {
	n := &PredicateLookup{Left: left, Right: right, Pred: pred, Unmatched: unmatched, Plugin: name}
	var kept []Column
	for i, c := range right.Columns() {
		if !skip[i] {
			n.Keep = append(n.Keep, i)
			kept = append(kept, c)
		}
	}
	n.Out = appendRenamed(append([]Column(nil), left.Columns()...), kept)
	return n
}
