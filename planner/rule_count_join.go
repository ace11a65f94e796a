package planner

import (
	"fmt"

	"github.com/spoorhq/spoor/functions"
	"github.com/spoorhq/spoor/types"
)

// countJoinPairs counts the rows of an inner join from counts of its sides.
// In `A | join kind=inner B on K | summarize count() by X, Y`, where each of X
// and Y is a column of one side, every group of A by (K, its X) meets every
// group of B by (K, its Y) with the same key: the join has cA×cB rows for the
// pair. So each side is summarized first, the far smaller sides are joined,
// and the counts are the sums of the products:
//
//	A | summarize cA = count() by K, X
//	| join kind=inner (B | summarize cB = count() by K, Y) on K
//	| summarize count = sum(cA * cB) by X, Y
//
// The join then matches groups, not rows, and makes no row per pair. The
// sides' groups may come in parts (Aggregate.Partial), each adding its own
// products, so that summarizing a side holds few groups at once. Null keys
// match nothing either way. Only inner joins qualify: innerunique keeps one row
// per left key, and the outer kinds pad rows, which counts of groups do not
// follow.
func countJoinPairs(n Node) Node {
	n = mapChildren(n, countJoinPairs)
	a, ok := n.(*Aggregate)
	if !ok || len(a.Aggs) == 0 {
		return n
	}
	j, ok := a.Input.(*Join)
	if !ok || j.Kind != JoinInner || len(j.LeftKeys) == 0 {
		return n
	}
	if !onlyCounts(a.Aggs) {
		return n
	}
	nl := len(j.Left.Columns())
	var lcols, rcols []int
	pos := func(list *[]int, i int) int {
		for p, c := range *list {
			if c == i {
				return p
			}
		}
		*list = append(*list, i)
		return len(*list) - 1
	}
	lkeys := make([]int, len(j.LeftKeys))
	rkeys := make([]int, len(j.RightKeys))
	for k := range j.LeftKeys {
		l, ok1 := j.LeftKeys[k].(*ColumnRef)
		r, ok2 := j.RightKeys[k].(*ColumnRef)
		if !ok1 || !ok2 {
			return n
		}
		lkeys[k], rkeys[k] = pos(&lcols, l.Index), pos(&rcols, r.Index)
	}
	// Each group key is a column of the join's output: of the left side or
	// of the right.
	type place struct {
		right bool
		at    int
	}
	places := make([]place, len(a.Keys))
	for i, k := range a.Keys {
		ref, ok := k.(*ColumnRef)
		if !ok {
			return n
		}
		if ref.Index < nl {
			places[i] = place{false, pos(&lcols, ref.Index)}
		} else {
			places[i] = place{true, pos(&rcols, ref.Index-nl)}
		}
	}
	count, ok1 := functions.Lookup("count")
	sum, ok2 := functions.Lookup("sum")
	mul, ok3 := functions.Lookup("*")
	if !ok1 || !ok2 || !ok3 {
		panic("BUG: the function catalogue lacks count, sum or *")
	}
	left := groupCount(j.Left, lcols, count)
	right := groupCount(j.Right, rcols, count)
	nj := &Join{Left: left, Right: right, Kind: JoinInner}
	for k := range lkeys {
		nj.LeftKeys = append(nj.LeftKeys, refTo(left.Out, lkeys[k]))
		nj.RightKeys = append(nj.RightKeys, refTo(right.Out, rkeys[k]))
	}
	nj.Out = appendRenamed(append([]Column(nil), left.Out...), right.Out)
	nlo := len(left.Out)
	top := &Aggregate{Input: nj, Out: a.Out}
	for _, p := range places {
		at := p.at
		if p.right {
			at += nlo
		}
		top.Keys = append(top.Keys, refTo(nj.Out, at))
	}
	pairs := &Call{Fn: mul, Args: []Expr{refTo(nj.Out, len(lcols)), refTo(nj.Out, nlo+len(rcols))}, T: types.Long}
	for range a.Aggs {
		top.Aggs = append(top.Aggs, AggCall{Fn: sum, Args: []Expr{pairs}, T: types.Long})
	}
	return top
}

// groupCount summarizes in by the given columns with a count of rows, named
// so as not to clash with them.
func groupCount(in Node, cols []int, count *functions.Spec) *Aggregate {
	incols := in.Columns()
	a := &Aggregate{Input: in, Aggs: []AggCall{{Fn: count, T: types.Long}}, Partial: true}
	names := map[string]bool{}
	for _, c := range cols {
		a.Keys = append(a.Keys, refTo(incols, c))
		a.Out = append(a.Out, incols[c])
		names[incols[c].Name] = true
	}
	name := "count_"
	for i := 1; names[name]; i++ {
		name = fmt.Sprintf("count_%d", i)
	}
	a.Out = append(a.Out, Column{Name: name, Type: types.Long})
	return a
}

// refTo is a reference to column i of cols.
func refTo(cols []Column, i int) *ColumnRef {
	return &ColumnRef{Index: i, Name: cols[i].Name, T: cols[i].Type}
}
