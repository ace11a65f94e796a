package executor

import (
	"errors"
	"sort"

	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/storage"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// countBy runs an aggregate the store counts for (Aggregate.StoreCounts):
// one output row per value, the value then its count once per aggregate, in
// value order.
func (r *run) countBy(a *planner.Aggregate, out operator) func() error {
	s := a.Input.(*planner.Scan)
	column := s.Cols[a.Keys[0].(*planner.ColumnRef).Index].Name
	return func() error {
		req := storage.ScanRequest{Table: s.Table, MinTime: s.MinTime, MaxTime: s.MaxTime, Preds: storePreds(s.Preds)}
		var held int64
		defer func() { r.release(held) }()
		counts, st, err := r.store.CountBy(r.ctx, req, column, func(n int64) error {
			if err := r.reserve(n, "summarize"); err != nil {
				return err
			}
			held += n
			return nil
		})
		r.addScan(s, st)
		if err != nil {
			return err
		}
		vals := make([]string, 0, len(counts))
		for v := range counts {
			vals = append(vals, v)
		}
		sort.Strings(vals)
		for lo := 0; lo < len(vals); lo += vector.BatchSize {
			part := vals[lo:min(lo+vector.BatchSize, len(vals))]
			b := &vector.Batch{Len: len(part), Cols: make([]*vector.Vector, 1+len(a.Aggs))}
			b.Cols[0] = &vector.Vector{Type: types.String, Len: len(part), Strs: part}
			ns := make([]int64, len(part))
			for i, v := range part {
				ns[i] = counts[v]
			}
			for i, ag := range a.Aggs {
				if i > 0 {
					ns = append([]int64(nil), ns...)
				}
				b.Cols[1+i] = &vector.Vector{Type: ag.T, Len: len(part), Ints: ns}
			}
			if err := out.push(b); err != nil {
				if errors.Is(err, errStop) {
					break
				}
				return err
			}
		}
		return out.finish()
	}
}
