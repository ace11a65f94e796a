package planner

import "github.com/spoorhq/spoor/types"

// countByStore marks `summarize count() by Column` straight over a table scan,
// with one string column as the key and only count() aggregates, for the
// store to answer (Store.CountBy): it keeps the row count of each dictionary
// value of a segment, so a segment the scan takes whole is counted without
// reading a block.
func countByStore(n Node) Node {
	n = mapChildren(n, countByStore)
	a, ok := n.(*Aggregate)
	if !ok {
		return n
	}
	s, ok := a.Input.(*Scan)
	if !ok || len(a.Keys) != 1 || len(a.Aggs) == 0 {
		return n
	}
	k, ok := a.Keys[0].(*ColumnRef)
	if !ok || k.Index >= len(s.Cols) || s.Cols[k.Index].Type != types.String {
		return n
	}
	if !onlyCounts(a.Aggs) {
		return n
	}
	a.StoreCounts = true
	return n
}

// onlyCounts reports whether every aggregate is a plain count().
func onlyCounts(aggs []AggCall) bool {
	for _, ag := range aggs {
		if ag.Fn.Name != "count" || len(ag.Args) != 0 || ag.T != types.Long {
			return false
		}
	}
	return true
}
