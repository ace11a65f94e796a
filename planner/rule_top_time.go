package planner

// topByTime lets a scan under `top N by <time column> desc` (or asc) read
// the latest (earliest) rows first and stop once no unread row can make the
// cut (Scan.Latest): "the last 100 events of this device" then reads the
// newest segment, and of it the newest blocks, instead of the whole table.
// Nulls must sort last, and the top must take the scan's rows as they come
// (no filter between them). The scan is copied: another part of the plan may
// read the same node whole.
func topByTime(n Node) Node {
	n = mapChildren(n, topByTime)
	t, ok := n.(*TopN)
	if !ok || t.N <= 0 || t.N > maxLatest || len(t.Keys) == 0 {
		return n
	}
	s, ok := t.Input.(*Scan)
	if !ok || s.TimeColumn == "" {
		return n
	}
	k := t.Keys[0]
	ref, ok := k.X.(*ColumnRef)
	if !ok || k.NullsFirst || ref.Index >= len(s.Cols) || s.Cols[ref.Index].Name != s.TimeColumn {
		return n
	}
	c := *s
	c.Latest, c.Earliest = int(t.N), !k.Desc
	t.Input = &c
	return n
}

// maxLatest bounds the tops a scan follows the times of.
const maxLatest = 1 << 20
