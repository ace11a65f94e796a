package storage

import (
	"container/heap"
	"math"
	"sync"

	"github.com/spoorhq/spoor/vector"
)

// topTimes follows the times of the rows a scan for the latest (or earliest)
// rows has sent (ScanRequest.Latest): the n latest of them, in a heap whose
// root is the n-th latest. Once it holds n times and its root is later than
// any row not yet read, no unread row can be among the n latest, ties
// included, and the scan can stop. Safe for concurrent use.
type topTimes struct {
	mu       sync.Mutex
	n        int
	earliest bool
	h        timeHeap
}

func newTopTimes(n int, earliest bool) *topTimes {
	return &topTimes{n: n, earliest: earliest, h: timeHeap{earliest: earliest}}
}

// add records the times of a batch's rows (nulls, sorted last, do not count).
func (t *topTimes) add(v *vector.Vector) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i := 0; i < v.Len; i++ {
		if v.IsNull(i) {
			continue
		}
		x := v.Ints[i]
		switch {
		case len(t.h.ts) < t.n:
			heap.Push(&t.h, x)
		case t.h.better(x, t.h.ts[0]):
			t.h.ts[0] = x
			heap.Fix(&t.h, 0)
		}
	}
}

// done says no row whose time is at most bound (at least, for the earliest)
// can be among those wanted.
func (t *topTimes) done(bound int64) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.h.ts) >= t.n && t.h.better(t.h.ts[0], bound)
}

// unbounded is the bound of rows whose times are not known.
func (t *topTimes) unbounded() int64 {
	if t.earliest {
		return math.MinInt64
	}
	return math.MaxInt64
}

// timeHeap keeps the worst of the times it holds at the root.
type timeHeap struct {
	ts       []int64
	earliest bool
}

// better says a comes strictly before b in the order wanted.
func (h *timeHeap) better(a, b int64) bool {
	if h.earliest {
		return a < b
	}
	return a > b
}

func (h *timeHeap) Len() int           { return len(h.ts) }
func (h *timeHeap) Less(i, j int) bool { return h.better(h.ts[j], h.ts[i]) }
func (h *timeHeap) Swap(i, j int)      { h.ts[i], h.ts[j] = h.ts[j], h.ts[i] }
func (h *timeHeap) Push(x any)         { h.ts = append(h.ts, x.(int64)) }
func (h *timeHeap) Pop() any {
	x := h.ts[len(h.ts)-1]
	h.ts = h.ts[:len(h.ts)-1]
	return x
}

// blockBound is the latest (earliest) time of block b of a segment, from the
// time column's zone map, or unbounded when the block has none.
func (p *scanPlan) blockBound(seg *segment, b int) int64 {
	mi, ok := seg.cols[p.def.TimeColumn]
	if !ok {
		return p.top.unbounded()
	}
	bm := &seg.footer.Columns[mi].Blocks[b]
	if !bm.HasZone {
		return p.top.unbounded()
	}
	if p.top.earliest {
		return bm.MinI
	}
	return bm.MaxI
}

// segmentBound is the latest (earliest) time of a segment's rows.
func (p *scanPlan) segmentBound(si *segInfo) int64 {
	if p.top.earliest {
		return si.MinTime
	}
	return si.MaxTime
}
