package planner

// joinKeyFilters copies a filter on a join key from one side of a join to the
// other: `A | where DeviceName == "ws-01" | join (B) on DeviceName` reads only
// the B rows of "ws-01", since no other B row can match. A key's filter is a
// conjunct that compares the key column with constants (==, in, has,
// contains, <, between...), on a filter of one side that the key column
// reaches unchanged through projections, of the same type as the other
// side's key. It is added as a filter over the scan the other side's key
// column comes from unchanged, where pushdown-filter hands it to the store.
//
// Copying is sound when the kind drops the other side's rows that nothing
// matched: a row whose key fails the filter matches no row of the filtered
// side. So a left filter goes right for inner, innerunique, leftouter,
// leftsemi, leftanti and rightsemi joins, and a right filter goes left for
// inner, innerunique, rightouter, rightsemi, rightanti and leftsemi joins.
// A join whose inputs share a node with another part of the plan is left as
// it is. The rule runs before pushdown-filter.
func joinKeyFilters(n Node) Node {
	refsTo := map[Node]int{}
	countRefs(n, refsTo)
	var walk func(n Node)
	walk = func(n Node) {
		for _, in := range n.Inputs() {
			walk(in)
		}
		j, ok := n.(*Join)
		if !ok || !onlyHere(j.Left, refsTo) || !onlyHere(j.Right, refsTo) {
			return
		}
		// Both sides' filters first, so that none is copied back.
		type keyCopy struct {
			preds []*Call
			to    Expr
			right bool
		}
		var copies []keyCopy
		for k := range j.LeftKeys {
			if dropsUnmatched(j.Kind, false) && sameKeyType(j.LeftKeys[k], j.RightKeys[k]) {
				copies = append(copies, keyCopy{keyFilters(j.Left, j.LeftKeys[k]), j.RightKeys[k], true})
			}
			if dropsUnmatched(j.Kind, true) && sameKeyType(j.LeftKeys[k], j.RightKeys[k]) {
				copies = append(copies, keyCopy{keyFilters(j.Right, j.RightKeys[k]), j.LeftKeys[k], false})
			}
		}
		for _, c := range copies {
			var f *Filter
			if c.right {
				f = addKeyFilters(c.preds, j.Right, c.to, func(in Node) { j.Right = in })
			} else {
				f = addKeyFilters(c.preds, j.Left, c.to, func(in Node) { j.Left = in })
			}
			if f != nil {
				// A join above sees the new filter as its own.
				refsTo[f] = 1
			}
		}
	}
	walk(n)
	return n
}

// dropsUnmatched says whether a join of this kind leaves out the rows of one
// side (the left one when left is set) that nothing matched, so that the
// other side's key filters may be copied to it.
func dropsUnmatched(kind string, left bool) bool {
	if left {
		switch kind {
		case JoinLeftOuter, JoinFullOuter, JoinLeftAnti:
			return false
		}
		return true
	}
	switch kind {
	case JoinRightOuter, JoinFullOuter, JoinRightAnti:
		return false
	}
	return true
}

// padsNulls says whether a join of this kind emits rows whose columns of one
// side (the left one when left is set) are nulls, for rows of the other side
// that nothing matched.
func padsNulls(kind string, left bool) bool {
	if left {
		return kind == JoinRightOuter || kind == JoinFullOuter
	}
	return kind == JoinLeftOuter || kind == JoinFullOuter
}

// sameKeyType says two keys are columns of one type.
func sameKeyType(a, b Expr) bool {
	x, ok1 := a.(*ColumnRef)
	y, ok2 := b.(*ColumnRef)
	return ok1 && ok2 && x.T == y.T
}

// addKeyFilters adds preds, filters of the other side on its key, to side
// `to` over the scan that its key column comes from, and returns the filter
// it added (nil for none); set replaces the side when the scan is the side
// itself.
func addKeyFilters(preds []*Call, to Node, key Expr, set func(Node)) *Filter {
	tk, ok := key.(*ColumnRef)
	if !ok || len(preds) == 0 {
		return nil
	}
	scan, col, parent := scanOf(to, tk.Index)
	if scan == nil {
		return nil
	}
	var pred Expr
	for _, p := range preds {
		c := *p
		c.Args = append([]Expr{&ColumnRef{At: tk.At, Index: col, Name: scan.Cols[col].Name, T: tk.T}}, p.Args[1:]...)
		if pred == nil {
			pred = &c
		} else {
			pred = and(pred, &c)
		}
	}
	f := &Filter{Input: scan, Pred: pred}
	switch x := parent.(type) {
	case nil:
		set(f)
	case *Filter:
		x.Input = f
	case *Project:
		x.Input = f
	}
	return f
}

// keyFilters returns the conjuncts of the filters of side n on its key, an
// output column, that compare it with constants, as calls whose first
// argument is the column.
func keyFilters(n Node, key Expr) []*Call {
	ref, ok := key.(*ColumnRef)
	if !ok {
		return nil
	}
	i := ref.Index
	var out []*Call
	for {
		switch x := n.(type) {
		case *Filter:
			for _, c := range conjuncts(x.Pred) {
				if call, ok := c.(*Call); ok && keyFilter(call, i) {
					out = append(out, call)
				}
			}
			n = x.Input
		case *Project:
			ref, ok := x.Exprs[i].(*ColumnRef)
			if !ok {
				return out
			}
			n, i = x.Input, ref.Index
		case *Join:
			// A column of a join's side whose rows it never pads with nulls
			// holds only what that side's filters let through.
			left := 0
			if x.EmitsLeft() {
				left = len(x.Left.Columns())
			}
			switch {
			case i < left && !padsNulls(x.Kind, true):
				n = x.Left
			case i >= left && x.EmitsRight() && !padsNulls(x.Kind, false):
				n, i = x.Right, i-left
			default:
				return out
			}
		default:
			return out
		}
	}
}

// keyFilterOps are the comparisons a key filter may make: deterministic,
// of the column and constants only.
var keyFilterOps = map[string]bool{
	"==": true, "in": true, "=~": true, "in~": true, "<": true, "<=": true, ">": true, ">=": true,
	"between": true, "has": true, "hasprefix": true, "hassuffix": true, "contains": true, "startswith": true,
	"endswith": true, "has_cs": true, "contains_cs": true, "startswith_cs": true, "endswith_cs": true,
}

// keyFilter says call compares column i with constants.
func keyFilter(call *Call, i int) bool {
	if call.Fn == nil || !keyFilterOps[call.Fn.Name] || len(call.Args) < 2 {
		return false
	}
	if ref, ok := call.Args[0].(*ColumnRef); !ok || ref.Index != i {
		return false
	}
	for _, a := range call.Args[1:] {
		if _, ok := a.(*Const); !ok {
			return false
		}
	}
	return true
}

// scanOf follows output column i of n down through filters and projections
// that pass it unchanged, to the scan it comes from: the scan, the column's
// position in it and the node above the scan (nil when n is the scan).
func scanOf(n Node, i int) (*Scan, int, Node) {
	var parent Node
	for {
		switch x := n.(type) {
		case *Filter:
			parent, n = x, x.Input
		case *Project:
			ref, ok := x.Exprs[i].(*ColumnRef)
			if !ok {
				return nil, 0, nil
			}
			parent, n, i = x, x.Input, ref.Index
		case *Scan:
			return x, i, parent
		default:
			return nil, 0, nil
		}
	}
}
