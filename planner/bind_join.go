package planner

import (
	"strconv"
	"strings"

	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// joinKinds maps every spelling join accepts after `kind=` to its kind.
// https://learn.microsoft.com/kusto/query/join-operator
var joinKinds = map[string]string{
	"innerunique":   JoinInnerUnique,
	"inner":         JoinInner,
	"leftouter":     JoinLeftOuter,
	"rightouter":    JoinRightOuter,
	"fullouter":     JoinFullOuter,
	"leftanti":      JoinLeftAnti,
	"anti":          JoinLeftAnti,
	"leftantisemi":  JoinLeftAnti,
	"rightanti":     JoinRightAnti,
	"rightantisemi": JoinRightAnti,
	"leftsemi":      JoinLeftSemi,
	"rightsemi":     JoinRightSemi,
}

const joinKindList = "innerunique, inner, leftouter, rightouter, fullouter, leftanti (anti, leftantisemi), rightanti (rightantisemi), leftsemi, rightsemi"

// join binds the join operator. The right side is a table, a let-bound name
// or a subquery; `on` pairs key columns by name or as $left.A == $right.B.
func (b *binder) join(in Node, o *parser.JoinOp) Node {
	kind, ok := b.joinKind("join", o.Options, JoinInnerUnique, func(k string) (string, bool) {
		v, ok := joinKinds[k]
		return v, ok
	}, joinKindList)
	right := b.tableExpr(o.Right)
	if !ok || right == nil {
		return nil
	}
	if len(o.On) == 0 {
		b.errs.add(o.Pos, "'join' needs an 'on' clause naming the key columns")
		return nil
	}
	lk, rk, ok := b.joinKeys("join", in, right, o.On)
	if !ok {
		return nil
	}
	j := &Join{Left: in, Right: right, Kind: kind, LeftKeys: lk, RightKeys: rk}
	if j.EmitsLeft() {
		j.Out = append(j.Out, in.Columns()...)
	}
	if j.EmitsRight() {
		j.Out = appendRenamed(j.Out, right.Columns())
	}
	return j
}

// lookup binds the lookup operator: a join of kind leftouter (the default) or
// inner whose output is the left columns, then the right columns that are not
// keys. It lowers to a Join under a Project that drops the right keys.
// https://learn.microsoft.com/kusto/query/lookup-operator
func (b *binder) lookup(in Node, o *parser.LookupOp) Node {
	kind, ok := b.joinKind("lookup", o.Options, JoinLeftOuter, func(k string) (string, bool) {
		switch k {
		case "leftouter":
			return JoinLeftOuter, true
		case "inner":
			return JoinInner, true
		}
		return "", false
	}, "leftouter, inner")
	right := b.tableExpr(o.Right)
	if !ok || right == nil {
		return nil
	}
	lk, rk, ok := b.joinKeys("lookup", in, right, o.On)
	if !ok {
		return nil
	}
	left, rcols := in.Columns(), right.Columns()
	j := &Join{Left: in, Right: right, Kind: kind, LeftKeys: lk, RightKeys: rk}
	j.Out = appendRenamed(append([]Column(nil), left...), rcols)
	isKey := make([]bool, len(rcols))
	for _, k := range rk {
		if r, ok := k.(*ColumnRef); ok {
			isKey[r.Index] = true
		}
	}
	p := &Project{Input: j}
	for i, c := range left {
		p.Exprs = append(p.Exprs, &ColumnRef{Index: i, Name: c.Name, T: c.Type})
		p.Out = append(p.Out, c)
	}
	var kept []Column
	for i, c := range rcols {
		if !isKey[i] {
			kept = append(kept, c)
		}
	}
	// Names are chosen against the lookup's own output, so a clash with a
	// dropped key column does not force a suffix.
	named := appendRenamed(append([]Column(nil), left...), kept)[len(left):]
	k := 0
	for i, c := range rcols {
		if isKey[i] {
			continue
		}
		at := len(left) + i
		p.Exprs = append(p.Exprs, &ColumnRef{Index: at, Name: j.Out[at].Name, T: c.Type})
		p.Out = append(p.Out, named[k])
		k++
	}
	return p
}

// joinKind reads the kind= option (default def) and checks the hints; every
// hint.* option is accepted and has no effect.
func (b *binder) joinKind(op string, opts []*parser.Option, def string, kinds func(string) (string, bool), valid string) (string, bool) {
	kind, ok := def, true
	for _, opt := range opts {
		switch {
		case opt.Name == "kind":
			word := opt.Value.Word
			if opt.Value.Lit != nil {
				word = opt.Value.Lit.Str
			}
			k, known := kinds(strings.ToLower(word))
			if !known {
				b.errs.add(opt.Value.Pos, "unknown %s kind '%s'; expected one of %s", op, word, valid)
				ok = false
				continue
			}
			kind = k
		case strings.HasPrefix(opt.Name, "hint."):
		default:
			b.errs.add(opt.Pos, "unknown %s option '%s'", op, opt.Name)
			ok = false
		}
	}
	return kind, ok
}

// joinKeys binds the conditions of `on`: column names present on both sides,
// or $left.A == $right.B (either order); conditions may be joined with `and`.
func (b *binder) joinKeys(op string, left, right Node, on []parser.Expr) (lk, rk []Expr, ok bool) {
	var conds []parser.Expr
	for _, c := range on {
		conds = appendConjuncts(conds, c)
	}
	lsc := &scope{cols: left.Columns(), b: b}
	rsc := &scope{cols: right.Columns(), b: b}
	ok = true
	for _, c := range conds {
		var lname, rname *parser.NameRef
		switch e := c.(type) {
		case *parser.NameRef:
			lname, rname = e, e
		case *parser.BinaryExpr:
			if e.Op == "==" {
				ls, lc := sideColumn(e.Left)
				rs, rc := sideColumn(e.Right)
				switch {
				case ls == "$left" && rs == "$right":
					lname, rname = lc, rc
				case ls == "$right" && rs == "$left":
					lname, rname = rc, lc
				}
			}
		}
		if lname == nil {
			b.errs.add(c.Start(), "'%s' conditions are column names or $left.Column == $right.Column", op)
			ok = false
			continue
		}
		l := bindSide(lsc, lname, "left")
		r := bindSide(rsc, rname, "right")
		if l == nil || r == nil {
			ok = false
			continue
		}
		if !keyTypesMatch(l.T, r.T) {
			b.errs.add(c.Start(), "%s key types differ: '%s' is %s on the left but '%s' is %s on the right", op, l.Name, l.T, r.Name, r.T)
			ok = false
			continue
		}
		lk, rk = append(lk, l), append(rk, r)
	}
	return lk, rk, ok
}

// appendConjuncts flattens `a and b` conditions.
func appendConjuncts(dst []parser.Expr, x parser.Expr) []parser.Expr {
	switch e := x.(type) {
	case *parser.ParenExpr:
		return appendConjuncts(dst, e.X)
	case *parser.BinaryExpr:
		if strings.EqualFold(e.Op, "and") {
			return appendConjuncts(appendConjuncts(dst, e.Left), e.Right)
		}
	}
	return append(dst, x)
}

// sideColumn splits $left.Col or $right.Col into the side and the column name.
func sideColumn(x parser.Expr) (string, *parser.NameRef) {
	m, ok := x.(*parser.MemberExpr)
	if !ok {
		return "", nil
	}
	base, ok := m.X.(*parser.NameRef)
	if !ok || (base.Name != "$left" && base.Name != "$right") {
		return "", nil
	}
	// The column name has no node of its own: it ends the member expression.
	col := &parser.NameRef{Name: m.Name}
	col.Pos, col.EndPos = m.Pos, m.EndPos
	return base.Name, col
}

// bindSide resolves a key column on one side of a join.
func bindSide(sc *scope, n *parser.NameRef, side string) *ColumnRef {
	i := sc.lookup(n.Name)
	if i < 0 {
		i = sc.lookupAlias(n.Name)
	}
	if i < 0 {
		sc.b.errs.add(n.Pos, "unknown column '%s' on the %s side%s", n.Name, side, didYouMean(n.Name, sc.names()))
		return nil
	}
	return &ColumnRef{At: parser.Span{Pos: n.Pos, EndPos: n.EndPos}, Index: i, Name: sc.cols[i].Name, T: sc.cols[i].Type}
}

// keyTypesMatch reports whether keys of types a and b can be compared; int
// and long widen to each other.
func keyTypesMatch(a, b types.Type) bool {
	if a == b {
		return true
	}
	isInt := func(t types.Type) bool { return t == types.Int || t == types.Long }
	return isInt(a) && isInt(b)
}

// appendRenamed appends cols to out; a column whose name is already taken gets
// the smallest numeric suffix that is free (DeviceId1, DeviceId2...), as KQL
// names the right side's duplicates.
func appendRenamed(out, cols []Column) []Column {
	taken := make(map[string]bool, len(out)+len(cols))
	for _, c := range out {
		taken[c.Name] = true
	}
	for _, c := range cols {
		name := c.Name
		for n := 1; taken[name]; n++ {
			name = c.Name + strconv.Itoa(n)
		}
		taken[name] = true
		out = append(out, Column{Name: name, Type: c.Type})
	}
	return out
}
