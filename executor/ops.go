package executor

import (
	"context"
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// filterOp keeps rows whose predicate is true; null and false rows go.
type filterOp struct {
	pred planner.Expr
	out  operator
}

func (f *filterOp) push(b *vector.Batch) error {
	v, err := eval(f.pred, b)
	if err != nil {
		return err
	}
	sp := selPool.Get().(*[]int)
	defer selPool.Put(sp)
	sel := (*sp)[:0]
	switch {
	case v.Type == types.Bool && v.Nulls == nil:
		for i, x := range v.Ints[:b.Len] {
			if x != 0 {
				sel = append(sel, i)
			}
		}
	default:
		for i := 0; i < b.Len; i++ {
			if v.IsNull(i) {
				continue
			}
			if v.Type == types.Bool && v.Ints[i] != 0 || v.Type == types.Dynamic && v.Dyn[i] == true {
				sel = append(sel, i)
			}
		}
	}
	*sp = sel
	if len(sel) == 0 {
		return nil
	}
	if len(sel) == b.Len {
		return f.out.push(b)
	}
	return f.out.push(sliceBatch(b, sel))
}

// selPool holds the row selections of filters between batches (sliceBatch
// copies the rows, so a selection is free once the batch is pushed on).
var selPool = sync.Pool{New: func() any {
	s := make([]int, 0, vector.BatchSize)
	return &s
}}

func (f *filterOp) finish() error { return f.out.finish() }

// projectOp computes new columns.
type projectOp struct {
	exprs []planner.Expr
	used  []bool // nil: every output is used
	out   operator
}

func (p *projectOp) push(b *vector.Batch) error {
	nb := &vector.Batch{Len: b.Len, Cols: make([]*vector.Vector, len(p.exprs))}
	for i, x := range p.exprs {
		if p.used != nil && !p.used[i] {
			continue // nothing downstream reads it
		}
		v, err := eval(x, b)
		if err != nil {
			return err
		}
		nb.Cols[i] = v
	}
	return p.out.push(nb)
}

func (p *projectOp) finish() error { return p.out.finish() }

// limitOp passes the first n rows and then stops the scan.
type limitOp struct {
	mu   sync.Mutex
	n    int64
	seen int64
	out  operator
}

func (l *limitOp) push(b *vector.Batch) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	left := l.n - l.seen
	if left <= 0 {
		return errStop
	}
	if int64(b.Len) > left {
		b = sliceBatch(b, selRange(0, int(left)))
	}
	l.seen += int64(b.Len)
	if err := l.out.push(b); err != nil {
		return err
	}
	if l.seen >= l.n {
		return errStop
	}
	return nil
}

func (l *limitOp) finish() error { return l.out.finish() }

// fitType labels a value with the planned type when the representations agree.
func fitType(v types.Value, t types.Type) types.Value {
	if v.Type == t || v.Null && t != types.String {
		v.Type = t
	}
	return v
}

// appendKey encodes row r of v so that equal values, and only they, encode equally.
func appendKey(dst []byte, v *vector.Vector, r int) []byte {
	if v.IsNull(r) {
		return append(dst, 0)
	}
	dst = append(dst, 1)
	switch vector.Storage(v.Type) {
	case vector.StoreInts:
		return binary.BigEndian.AppendUint64(dst, uint64(v.Ints[r])^(1<<63))
	case vector.StoreReals:
		return binary.BigEndian.AppendUint64(dst, math.Float64bits(v.Reals[r]))
	case vector.StoreStrs:
		dst = binary.AppendUvarint(dst, uint64(len(v.Strs[r])))
		return append(dst, v.Strs[r]...)
	default:
		s := types.DynamicToJSON(v.Dyn[r])
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		return append(dst, s...)
	}
}

// sortOp sorts its whole input (n < 0) or keeps the first n rows (top-N). Its
// rows are accounted as where ('sort' or 'top') in the run's budget.
type sortOp struct {
	r     *run
	where string
	keys  []planner.SortKey
	n     int64
	width int
	out   operator
	mu    sync.Mutex
	rows  []sortRow
	bytes int64 // reserved for rows
	// top does the work of a top-N (n >= 0), see topRows.
	top     *topRows
	topOnce sync.Once
}

// topN returns the top-N state of a sortOp with n >= 0, nil for a full sort.
func (s *sortOp) topN() *topRows {
	if s.n < 0 {
		return nil
	}
	s.topOnce.Do(func() { s.top = &topRows{s: s} })
	return s.top
}

type sortRow struct {
	keys []types.Value
	vals []types.Value
}

// sortRowSize is the memory of a sortRow beyond its values.
const sortRowSize = int64(unsafe.Sizeof(sortRow{}))

func (s *sortOp) push(b *vector.Batch) error {
	if err := s.r.ctx.Err(); err != nil {
		return err
	}
	if t := s.topN(); t != nil {
		return t.push(b)
	}
	keys, err := s.evalKeys(b)
	if err != nil {
		return err
	}
	rows := make([]sortRow, 0, b.Len)
	var size int64
	scratch := make([]types.Value, len(keys))
	for r := 0; r < b.Len; r++ {
		for i, k := range keys {
			scratch[i] = k.Value(r)
		}
		row := sortRow{keys: slices.Clone(scratch), vals: make([]types.Value, len(b.Cols))}
		size += sortRowSize + valueSize*int64(len(keys)+len(b.Cols))
		for i := range row.keys {
			size += int64(len(row.keys[i].S)) + dynamicBytes(row.keys[i].D)
		}
		for i, c := range b.Cols {
			if c != nil {
				row.vals[i] = c.Value(r)
				size += int64(len(row.vals[i].S)) + dynamicBytes(row.vals[i].D)
			}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.r.reserve(size, s.where); err != nil {
		return err
	}
	s.bytes += size
	s.rows = append(s.rows, rows...)
	return nil
}

// evalKeys computes the sort keys over a batch.
func (s *sortOp) evalKeys(b *vector.Batch) ([]*vector.Vector, error) {
	keys := make([]*vector.Vector, len(s.keys))
	for i, k := range s.keys {
		v, err := eval(k.X, b)
		if err != nil {
			return nil, err
		}
		keys[i] = v
	}
	return keys, nil
}

func (s *sortOp) sortRows() error {
	return sortStable(s.r.ctx, s.rows, s.compare)
}

// compare orders two rows by the sort keys.
func (s *sortOp) compare(a, b sortRow) int { return s.compareKeys(a.keys, b.keys) }

// compareKeys orders two rows' sort keys.
func (s *sortOp) compareKeys(a, b []types.Value) int {
	for i, k := range s.keys {
		c := compareForSort(a[i], b[i], k.NullsFirst)
		if c == 0 {
			continue
		}
		// Nulls keep their place whatever the direction.
		if k.Desc && a[i].Null == b[i].Null {
			return -c
		}
		return c
	}
	return 0
}

func (s *sortOp) finish() error {
	if t := s.topN(); t != nil {
		return t.finish()
	}
	defer func() {
		s.r.release(s.bytes)
		s.bytes = 0
	}()
	s.mu.Lock()
	err := s.sortRows()
	rows := s.rows
	s.rows = nil
	s.mu.Unlock()
	if err != nil {
		return err
	}
	for lo := 0; lo < len(rows); lo += vector.BatchSize {
		if err := s.r.ctx.Err(); err != nil {
			return err
		}
		part := rows[lo:min(lo+vector.BatchSize, len(rows))]
		b := &vector.Batch{Len: len(part), Cols: make([]*vector.Vector, s.width)}
		for ci := 0; ci < s.width; ci++ {
			t := types.Unknown
			for _, r := range part {
				if r.vals[ci].Type != types.Unknown {
					t = r.vals[ci].Type
					break
				}
			}
			if t == types.Unknown {
				continue
			}
			v := vector.New(t, len(part))
			for _, r := range part {
				v.Append(r.vals[ci])
			}
			b.Cols[ci] = v
		}
		if err := s.out.push(b); err != nil {
			if err == errStop {
				break
			}
			return err
		}
	}
	return s.out.finish()
}

// sortRun is the length of the runs sortStable sorts between checks of ctx.
const sortRun = 1 << 14

// sortStable sorts s stably by cmp. A large slice is sorted in runs that are
// then merged, checking ctx between runs and every sortRun merged elements,
// so a cancelled query stops within milliseconds however much it sorts.
func sortStable[T any](ctx context.Context, s []T, cmp func(a, b T) int) error {
	if len(s) <= sortRun {
		slices.SortStableFunc(s, cmp)
		return nil
	}
	for lo := 0; lo < len(s); lo += sortRun {
		if err := ctx.Err(); err != nil {
			return err
		}
		slices.SortStableFunc(s[lo:min(lo+sortRun, len(s))], cmp)
	}
	src, dst := s, make([]T, len(s))
	for width := sortRun; width < len(s); width *= 2 {
		for lo := 0; lo < len(s); lo += 2 * width {
			mid, hi := min(lo+width, len(s)), min(lo+2*width, len(s))
			if err := mergeRuns(ctx, dst[lo:hi], src[lo:mid], src[mid:hi], cmp); err != nil {
				return err
			}
		}
		src, dst = dst, src
	}
	if &src[0] != &s[0] {
		copy(s, src)
	}
	return nil
}

// mergeRuns merges two sorted runs into dst, taking from a on ties so the
// merge is stable.
func mergeRuns[T any](ctx context.Context, dst, a, b []T, cmp func(x, y T) int) error {
	i, j := 0, 0
	for k := range dst {
		if k%sortRun == sortRun-1 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if j >= len(b) || i < len(a) && cmp(a[i], b[j]) <= 0 {
			dst[k] = a[i]
			i++
		} else {
			dst[k] = b[j]
			j++
		}
	}
	return nil
}

// compareForSort orders two values of one type; nulls sort first when
// nullsFirst, else last (in ascending terms).
func compareForSort(a, b types.Value, nullsFirst bool) int {
	an, bn := a.Null && a.Type != types.String, b.Null && b.Type != types.String
	switch {
	case an && bn:
		return 0
	case an:
		if nullsFirst {
			return -1
		}
		return 1
	case bn:
		if nullsFirst {
			return 1
		}
		return -1
	}
	return Compare(a, b)
}

// Compare orders two non-null values of the same type.
func Compare(a, b types.Value) int {
	switch vector.Storage(a.Type) {
	case vector.StoreInts:
		return cmp(a.I, b.I)
	case vector.StoreReals:
		switch {
		case a.F < b.F:
			return -1
		case a.F > b.F:
			return 1
		case math.IsNaN(a.F) && !math.IsNaN(b.F):
			return -1
		case !math.IsNaN(a.F) && math.IsNaN(b.F):
			return 1
		}
		return 0
	case vector.StoreStrs:
		return strings.Compare(a.S, b.S)
	}
	return strings.Compare(types.DynamicToJSON(a.D), types.DynamicToJSON(b.D))
}

func cmp(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
