package planner

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// union binds union, as a source (in == nil) or after a pipe, where the input
// is the first leg. Table items are names, wildcard patterns matched against
// the catalog and let-bound tables, parenthesised subqueries and let names.
// https://learn.microsoft.com/kusto/query/union-operator
func (b *binder) union(in Node, o *parser.UnionOp) Node {
	kind, source, fuzzy, ok := b.unionOptions(o.Options)
	u := &Union{Kind: kind, SourceColumn: source != ""}
	if in != nil {
		name := "union_arg0"
		if s, isScan := in.(*Scan); isScan {
			name = s.Table
		}
		u.Legs = append(u.Legs, in)
		u.SourceNames = append(u.SourceNames, name)
	}
	legs, names, legsOK := b.tableItems(o.Tables, fuzzy, len(u.Legs))
	u.Legs, u.SourceNames = append(u.Legs, legs...), append(u.SourceNames, names...)
	if !ok || !legsOK {
		return nil
	}
	if len(u.Legs) == 0 {
		b.errs.add(o.Pos, "'union' found none of its tables")
		return nil
	}
	unionSchema(u, source)
	if source != "" && indexOf(u.Out[1:], source) >= 0 {
		b.errs.add(o.Pos, "withsource column '%s' is already a column of the union", source)
		return nil
	}
	return u
}

// tableItems binds the table list of union, search and find: names,
// wildcard patterns matched against the catalog and let-bound tables,
// parenthesised subqueries and let names. It returns each table with the
// name its rows are tagged with; an unnamed one is union_argN, N counting
// from first. With fuzzy set (union's isfuzzy=true), a table that does not
// resolve, or a subquery that fails to bind, is left out instead of being an
// error.
func (b *binder) tableItems(items []*parser.TableItem, fuzzy bool, first int) ([]Node, []string, bool) {
	var legs []Node
	var names []string
	ok := true
	for _, item := range items {
		switch {
		case item.Pattern != nil && strings.Contains(item.Pattern.Pattern, "*"):
			matched := b.matchTables(item.Pattern.Pattern)
			if len(matched) == 0 && !fuzzy {
				b.errs.add(item.Pattern.Pos, "no table matches '%s'", item.Pattern.Pattern)
				ok = false
			}
			for _, name := range matched {
				if n := b.table(name, item.Pattern.Pos); n != nil {
					legs = append(legs, n)
					names = append(names, name)
				} else {
					ok = false
				}
			}
		case item.Pattern != nil:
			name := item.Pattern.Pattern
			if fuzzy && !b.isTable(name) {
				continue
			}
			n := b.table(name, item.Pattern.Pos)
			if n == nil {
				ok = false
				continue
			}
			legs = append(legs, n)
			names = append(names, name)
		default:
			before := len(b.errs.list)
			n := b.tableExpr(item.X)
			if fuzzy && len(b.errs.list) > before {
				// isfuzzy leaves out a leg that does not resolve.
				b.errs.list = b.errs.list[:before]
				continue
			}
			if n == nil {
				ok = false
				continue
			}
			name := "union_arg" + strconv.Itoa(first+len(legs))
			if nr, isName := item.X.(*parser.NameRef); isName {
				name = nr.Name
			}
			legs = append(legs, n)
			names = append(names, name)
		}
	}
	return legs, names, ok
}

// unionOptions reads kind=, withsource= (or with_source=) and isfuzzy=; every
// hint.* option is accepted and has no effect.
func (b *binder) unionOptions(opts []*parser.Option) (kind, source string, fuzzy, ok bool) {
	kind, ok = UnionOuter, true
	for _, opt := range opts {
		word := opt.Value.Word
		switch {
		case opt.Name == "kind":
			if opt.Value.Lit != nil {
				word = opt.Value.Lit.Str
			}
			switch strings.ToLower(word) {
			case UnionOuter, UnionInner:
				kind = strings.ToLower(word)
			default:
				b.errs.add(opt.Value.Pos, "unknown union kind '%s'; expected inner or outer", word)
				ok = false
			}
		case opt.Name == "withsource" || opt.Name == "with_source":
			if word == "" {
				b.errs.add(opt.Value.Pos, "'%s' needs a column name", opt.Name)
				ok = false
				continue
			}
			source = word
		case opt.Name == "isfuzzy":
			l := opt.Value.Lit
			if l == nil || l.Type != "bool" || l.Null {
				b.errs.add(opt.Value.Pos, "'isfuzzy' needs true or false")
				ok = false
				continue
			}
			fuzzy = l.Int != 0
		case strings.HasPrefix(opt.Name, "hint."):
		default:
			b.errs.add(opt.Pos, "unknown union option '%s'", opt.Name)
			ok = false
		}
	}
	return kind, source, fuzzy, ok
}

// matchTables lists the catalog and let-bound tables a wildcard pattern
// matches, sorted and without repeats.
func (b *binder) matchTables(pattern string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(name string) {
		if !seen[name] && wildcardMatch(pattern, name) {
			seen[name] = true
			out = append(out, name)
		}
	}
	for _, name := range b.cat.TableNames() {
		add(name)
	}
	for name := range b.tables {
		if !b.binding[name] { // a let's own wildcard does not match itself
			add(name)
		}
	}
	sort.Strings(out)
	return out
}

// unionSchema computes a union's output columns and each leg's map into them.
// Columns are told apart by name and type: kind=outer keeps every one, in
// order of first appearance; kind=inner keeps those every leg has. A name
// kept with several types becomes one column per type, suffixed _type
// (Port_long, Port_string).
func unionSchema(u *Union, source string) {
	type inst struct {
		name string
		t    types.Type
	}
	var order []inst
	count := map[inst]int{}
	for _, leg := range u.Legs {
		seen := map[inst]bool{}
		for _, c := range leg.Columns() {
			k := inst{c.Name, c.Type}
			if seen[k] {
				continue
			}
			seen[k] = true
			if count[k] == 0 {
				order = append(order, k)
			}
			count[k]++
		}
	}
	var kept []inst
	typesOf := map[string]int{}
	for _, k := range order {
		if u.Kind == UnionInner && count[k] != len(u.Legs) {
			continue
		}
		kept = append(kept, k)
		typesOf[k.name]++
	}
	pos := map[inst]int{}
	if source != "" {
		u.Out = append(u.Out, Column{Name: source, Type: types.String})
	}
	// A name suffixed with its type that is already taken, by the source
	// column or a column of that very name, takes a number too: x_long1.
	taken := map[string]bool{source: source != ""}
	for _, k := range kept {
		if typesOf[k.name] == 1 {
			taken[k.name] = true
		}
	}
	for _, k := range kept {
		name := k.name
		if typesOf[k.name] > 1 {
			name += "_" + k.t.String()
			if taken[name] {
				i := 1
				for taken[name+strconv.Itoa(i)] {
					i++
				}
				name += strconv.Itoa(i)
			}
			taken[name] = true
		}
		pos[k] = len(u.Out)
		u.Out = append(u.Out, Column{Name: name, Type: k.t})
	}
	for _, leg := range u.Legs {
		cols := leg.Columns()
		m := make([]int, len(cols))
		for i, c := range cols {
			if p, ok := pos[inst{c.Name, c.Type}]; ok {
				m[i] = p
			} else {
				m[i] = -1
			}
		}
		u.Maps = append(u.Maps, m)
	}
}

// MaxRangeRows bounds the rows range may generate, so a typo cannot exhaust
// memory.
const MaxRangeRows = 10_000_000

// Range generates Count values From, From+Step, ... in one column of type
// Out[0].Type: long, real, datetime or timespan. For datetime, Step is a
// timespan.
type Range struct {
	Out   []Column
	From  types.Value
	Step  types.Value
	Count int64
}

func (n *Range) Columns() []Column { return n.Out }
func (n *Range) Inputs() []Node    { return nil }

// rangeOp binds the range source: constant bounds and step of one of the
// types range supports, checked here so the executor only counts.
// https://learn.microsoft.com/kusto/query/range-operator
func (b *binder) rangeOp(o *parser.RangeOp) Node {
	sc := &scope{b: b}
	var vals [3]types.Value
	ok := true
	for i, x := range []parser.Expr{o.From, o.To, o.Step} {
		e := sc.bindExpr(x)
		if e == nil {
			ok = false
			continue
		}
		c, isConst := e.(*Const)
		switch {
		case !isConst:
			b.errs.add(x.Start(), "'range' needs a constant value here")
			ok = false
		case c.V.Null:
			b.errs.add(x.Start(), "'range' needs a non-null value here")
			ok = false
		default:
			vals[i] = c.V
		}
	}
	if !ok {
		return nil
	}
	from, to, step := vals[0], vals[1], vals[2]
	isInt := func(t types.Type) bool { return t == types.Int || t == types.Long }
	isNum := func(t types.Type) bool { return isInt(t) || t == types.Real }
	var t types.Type
	switch {
	case isInt(from.Type) && isInt(to.Type) && isInt(step.Type):
		t = types.Long
	case isNum(from.Type) && isNum(to.Type) && isNum(step.Type):
		t = types.Real
	case from.Type == types.Datetime && to.Type == types.Datetime && step.Type == types.Timespan:
		t = types.Datetime
	case from.Type == types.Timespan && to.Type == types.Timespan && step.Type == types.Timespan:
		t = types.Timespan
	default:
		b.errs.add(o.From.Start(), "'range' needs numbers, datetimes with a timespan step, or timespans; got %s to %s step %s", from.Type, to.Type, step.Type)
		return nil
	}
	n := &Range{Out: []Column{{Name: o.Column.Value, Type: t}}}
	var count float64
	if t == types.Real {
		f, l, s := asReal(from), asReal(to), asReal(step)
		if s == 0 || math.IsNaN(s) {
			b.errs.add(o.Step.Start(), "'range' step must not be zero")
			return nil
		}
		if math.IsInf(f, 0) || math.IsInf(l, 0) || math.IsNaN(f) || math.IsNaN(l) {
			b.errs.add(o.From.Start(), "'range' bounds must be finite")
			return nil
		}
		// A little slack absorbs rounding, so 0 to 1 step 0.1 ends at 1.
		if q := (l - f) / s; q >= 0 {
			count = math.Floor(q+1e-9) + 1
		}
		n.From, n.Step = types.NewReal(f), types.NewReal(s)
	} else {
		if step.I == 0 {
			b.errs.add(o.Step.Start(), "'range' step must not be zero")
			return nil
		}
		// Counted in floating point: exact enough to compare with the cap,
		// and free of overflow.
		if q := (float64(to.I) - float64(from.I)) / float64(step.I); q >= 0 {
			count = math.Floor(q) + 1
			if count <= MaxRangeRows {
				// Exact, in unsigned arithmetic, which cannot overflow.
				diff, s := uint64(to.I)-uint64(from.I), uint64(step.I)
				if step.I < 0 {
					diff, s = uint64(from.I)-uint64(to.I), -s
				}
				count = float64(diff/s + 1)
			}
		}
		n.From, n.Step = types.Value{Type: t, I: from.I}, types.Value{Type: step.Type, I: step.I}
	}
	if count > MaxRangeRows {
		b.errs.add(o.Pos, "'range' would generate %.0f rows; at most %d are allowed", count, MaxRangeRows)
		return nil
	}
	n.Count = int64(count)
	return n
}

func asReal(v types.Value) float64 {
	if v.Type == types.Real {
		return v.F
	}
	return float64(v.I)
}
