package executor

import (
	"errors"
	"fmt"
	"sync/atomic"
	"unsafe"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// ErrMemoryBudget is wrapped by the error of a query that needed more memory
// than its budget allowed.
var ErrMemoryBudget = errors.New("memory budget exceeded")

// budget accounts the memory a run's stateful operators hold: what grows with
// the data (a join's build side, aggregation groups, sort buffers, the
// collected result), not the batches streaming through. One budget is shared
// by a query and its subqueries; it is safe for concurrent use.
type budget struct {
	limit int64 // 0: no limit, only the peak is kept
	used  atomic.Int64
	peak  atomic.Int64
}

// reserve accounts n more bytes held for where, or fails when that would pass
// the limit (and then holds nothing more).
func (m *budget) reserve(n int64, where string) error {
	if n <= 0 {
		return nil
	}
	used := m.used.Add(n)
	if m.limit > 0 && used > m.limit {
		m.used.Add(-n)
		return &budgetError{limit: m.limit, where: where}
	}
	for {
		p := m.peak.Load()
		if used <= p || m.peak.CompareAndSwap(p, used) {
			return nil
		}
	}
}

// release returns n bytes reserved before.
func (m *budget) release(n int64) {
	if n > 0 {
		m.used.Add(-n)
	}
}

// budgetError says which operator ran out of memory and how to avoid it.
type budgetError struct {
	limit int64
	where string
}

func (e *budgetError) Error() string {
	return fmt.Sprintf("query exceeded its memory budget of %s in '%s'; narrow the input with where or project, "+
		"or raise the budget with set max_memory_consumption_per_query_per_node", FormatBytes(e.limit), e.where)
}

func (e *budgetError) Unwrap() error { return ErrMemoryBudget }

// reserve accounts n bytes that an operator of this run holds until the run
// ends or it calls release, naming the operator as the KQL user knows it
// ('join', 'summarize', 'sort', ...). It returns an error that wraps
// ErrMemoryBudget when the query's budget is spent; the operator must then
// stop and return that error from push or finish. Operators whose memory
// grows with their input (anything that keeps rows, groups or keys across
// batches) call it as they grow, in steps of at least a batch so the shared
// counter stays cheap; streaming operators need not call it. Safe for
// concurrent use.
func (r *run) reserve(n int64, where string) error { return r.mem.reserve(n, where) }

// release returns bytes an operator reserved and no longer holds.
func (r *run) release(n int64) { r.mem.release(n) }

// valueSize is the memory of one types.Value, without what it points to.
const valueSize = int64(unsafe.Sizeof(types.Value{}))

// batchBytes estimates the memory the columns of a batch hold.
func batchBytes(b *vector.Batch) int64 {
	var n int64
	for _, c := range b.Cols {
		if c != nil {
			n += vectorBytes(c, c.Len)
		}
	}
	return n
}

// vectorBytes estimates the memory of the first rows of a vector.
func vectorBytes(v *vector.Vector, rows int) int64 {
	n := int64(rows)/8 + 64
	switch vector.Storage(v.Type) {
	case vector.StoreInts, vector.StoreReals:
		n += 8 * int64(rows)
	case vector.StoreStrs:
		n += 16 * int64(rows)
		for _, s := range v.Strs[:min(rows, len(v.Strs))] {
			n += int64(len(s))
		}
	default:
		n += 16 * int64(rows)
		for _, d := range v.Dyn[:min(rows, len(v.Dyn))] {
			n += dynamicBytes(d)
		}
	}
	return n
}

// valueBytes estimates the memory of a value, including what it points to.
func valueBytes(v types.Value) int64 {
	return valueSize + int64(len(v.S)) + dynamicBytes(v.D)
}

// dynamicBytes estimates the memory a dynamic value points to.
func dynamicBytes(d any) int64 {
	switch x := d.(type) {
	case nil, bool, int64, float64:
		return 0
	case string:
		return 16 + int64(len(x))
	case []any:
		n := int64(24 + 16*len(x))
		for _, e := range x {
			n += dynamicBytes(e)
		}
		return n
	case map[string]any:
		n := int64(48)
		for k, e := range x {
			n += 48 + int64(len(k)) + dynamicBytes(e)
		}
		return n
	}
	return 16
}

// FormatBytes writes a byte count for people: whole binary units when exact
// (64 MiB), else one decimal (1.5 GiB).
func FormatBytes(n int64) string {
	units := []string{"bytes", "KiB", "MiB", "GiB", "TiB"}
	i, f := 0, float64(n)
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%d bytes", n)
	}
	if n%(int64(1)<<(10*i)) == 0 {
		return fmt.Sprintf("%d %s", n>>(10*i), units[i])
	}
	return fmt.Sprintf("%.1f %s", f, units[i])
}
