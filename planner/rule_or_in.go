package planner

import "github.com/spoorhq/spoor/functions"

// foldOrEquals rewrites a disjunction of equality tests on one column with
// constants — c == "a" or c in ("b", "c") or c == "d" — into one `in` test,
// which the store answers from its index (an IOC sweep is written this way).
// Case-sensitive and case-insensitive tests do not mix. Other predicates are
// returned unchanged.
func foldOrEquals(x Expr) Expr {
	c, ok := x.(*Call)
	if !ok || c.Fn == nil || c.Fn.Name != "or" {
		return x
	}
	var col *ColumnRef
	var vals []Expr
	ci := false
	var walk func(e Expr) bool
	walk = func(e Expr) bool {
		k, ok := e.(*Call)
		if !ok || k.Fn == nil {
			return false
		}
		switch k.Fn.Name {
		case "or":
			return walk(k.Args[0]) && walk(k.Args[1])
		case "==", "in", "=~", "in~":
		default:
			return false
		}
		r, ok := k.Args[0].(*ColumnRef)
		if !ok || (col != nil && (r.Index != col.Index || r.T != col.T)) {
			return false
		}
		kci := k.Fn.Name == "=~" || k.Fn.Name == "in~"
		if col != nil && kci != ci {
			return false
		}
		for _, a := range k.Args[1:] {
			if _, ok := a.(*Const); !ok {
				return false
			}
		}
		col, ci = r, kci
		vals = append(vals, k.Args[1:]...)
		return true
	}
	if !walk(c) || col == nil {
		return x
	}
	name := "in"
	if ci {
		name = "in~"
	}
	fn, ok := functions.Lookup(name)
	if !ok {
		return x
	}
	return &Call{At: c.At, Fn: fn, Args: append([]Expr{col}, vals...), T: c.T}
}
