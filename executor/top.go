package executor

import (
	"slices"
	"strings"
	"sync"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// topRows keeps the first n rows by a sort's keys (top-N) without copying
// the rows that cannot make the cut. Each pushed batch is narrowed, on its
// key columns alone, to the rows that sort before the current cut (the keys
// of the n-th row kept so far) and then to its own first n; only those rows
// are gathered, columns and keys, into a chunk. Once the chunks hold more
// than 2n rows they are merged into one of the first n, which tightens the
// cut. Rows that tie keep their arrival order (chunks are kept in the order
// they are added under the lock, a merge first), as a stable sort would: a
// row equal to the cut came after the row that set it, so it is dropped.
//
// push is called from several goroutines; it works on its batch unlocked and
// takes the lock to add its chunk. The chunks' memory is accounted in the
// run's budget under the sort's name.
type topRows struct {
	s      *sortOp
	mu     sync.Mutex
	chunks []*topChunk
	rows   int
	bytes  int64 // reserved for the chunks
	// cut is the n-th row of a chunk or merge, once there is one: only a
	// row that sorts before it can be among the first n.
	cut *topRef
}

// topMergeMax bounds the n that sets when chunks are merged, so that a top
// of a huge n merges once in a while rather than on every batch.
const topMergeMax = 1 << 30

// topChunk is a run of candidate rows in their sort order: the batch's
// columns (nil where nothing reads them) and the sort keys' values.
type topChunk struct {
	cols  []*vector.Vector
	keys  []*vector.Vector
	n     int
	bytes int64
}

// topRef is one row of a chunk, for merging.
type topRef struct {
	c *topChunk
	r int
}

func (t *topRows) push(b *vector.Batch) error {
	s := t.s
	if s.n == 0 {
		return nil
	}
	keys, err := s.evalKeys(b)
	if err != nil {
		return err
	}
	t.mu.Lock()
	cut := t.cut
	t.mu.Unlock()
	sel := t.beforeCut(keys, b.Len, cut)
	if len(sel) == 0 {
		return nil
	}
	if len(sel) > 1 {
		// The batch's candidates in sort order (stable by row), its first n.
		slices.SortStableFunc(sel, func(x, y int) int { return s.compareAt(keys, x, keys, y) })
		if int64(len(sel)) > s.n {
			sel = sel[:s.n]
		}
	}
	c := &topChunk{n: len(sel), cols: make([]*vector.Vector, len(b.Cols)), keys: make([]*vector.Vector, len(keys))}
	for i, col := range b.Cols {
		if col != nil {
			c.cols[i] = vector.Gather(col, sel)
			c.bytes += vectorBytes(c.cols[i], c.n)
		}
	}
	for i, k := range keys {
		c.keys[i] = vector.Gather(k, sel)
		c.bytes += vectorBytes(c.keys[i], c.n)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := s.r.reserve(c.bytes, s.where); err != nil {
		return err
	}
	t.bytes += c.bytes
	t.chunks = append(t.chunks, c)
	t.rows += c.n
	if int64(c.n) == s.n {
		// The chunk's last row has n rows before or equal to it.
		t.tighten(&topRef{c, c.n - 1})
	}
	if int64(t.rows) > 2*min(s.n, topMergeMax) && len(t.chunks) > 1 {
		return t.merge()
	}
	return nil
}

// tighten makes row ref the cut if it sorts before the current one.
func (t *topRows) tighten(ref *topRef) {
	if t.cut == nil || t.s.compareAt(ref.c.keys, ref.r, t.cut.c.keys, t.cut.r) < 0 {
		t.cut = ref
	}
}

// beforeCut returns the rows of a batch whose keys sort before cut (every
// row when cut is nil). Fast path: a first key stored as integers without
// nulls decides most rows by one comparison of integers.
func (t *topRows) beforeCut(keys []*vector.Vector, n int, cut *topRef) []int {
	sel := make([]int, 0, min(n, 64))
	if cut == nil {
		for r := 0; r < n; r++ {
			sel = append(sel, r)
		}
		return sel
	}
	s := t.s
	k0, c0 := keys[0], cut.c.keys[0]
	if vector.Storage(k0.Type) == vector.StoreInts && k0.Type == c0.Type && k0.Nulls == nil && !c0.IsNull(cut.r) {
		x0, desc := c0.Ints[cut.r], s.keys[0].Desc
		for r, x := range k0.Ints[:n] {
			switch {
			case x == x0:
				if s.compareAt(keys, r, cut.c.keys, cut.r) < 0 {
					sel = append(sel, r)
				}
			case (x < x0) != desc:
				sel = append(sel, r)
			}
		}
		return sel
	}
	for r := 0; r < n; r++ {
		if s.compareAt(keys, r, cut.c.keys, cut.r) < 0 {
			sel = append(sel, r)
		}
	}
	return sel
}

// compareAt orders row ra of the key columns ka and row rb of kb as
// compareKeys orders their values, without making values of them.
func (s *sortOp) compareAt(ka []*vector.Vector, ra int, kb []*vector.Vector, rb int) int {
	for i, k := range s.keys {
		va, vb := ka[i], kb[i]
		if va.Type != vb.Type {
			// Slow path: keys of two types (a null constant's, say).
			a, b := va.Value(ra), vb.Value(rb)
			c := compareForSort(a, b, k.NullsFirst)
			if c == 0 {
				continue
			}
			if k.Desc && a.Null == b.Null {
				return -c
			}
			return c
		}
		an := va.Type != types.String && va.IsNull(ra)
		bn := vb.Type != types.String && vb.IsNull(rb)
		switch {
		case an && bn:
			continue
		case an:
			if k.NullsFirst {
				return -1
			}
			return 1
		case bn:
			if k.NullsFirst {
				return 1
			}
			return -1
		}
		var c int
		switch vector.Storage(va.Type) {
		case vector.StoreInts:
			c = cmp(va.Ints[ra], vb.Ints[rb])
		case vector.StoreStrs:
			c = strings.Compare(strAt(va, ra), strAt(vb, rb))
		default:
			c = Compare(va.Value(ra), vb.Value(rb))
		}
		if c == 0 {
			continue
		}
		if k.Desc {
			return -c
		}
		return c
	}
	return 0
}

// strAt returns row r of a string vector as a value of it reads ("" where
// the row is marked null).
func strAt(v *vector.Vector, r int) string {
	if v.IsNull(r) {
		return ""
	}
	return v.Str(r)
}

// merge replaces the chunks by one holding their first n rows; t.mu is held.
func (t *topRows) merge() error {
	s := t.s
	if err := s.r.ctx.Err(); err != nil {
		return err
	}
	refs := make([]topRef, 0, t.rows)
	for _, c := range t.chunks {
		for r := 0; r < c.n; r++ {
			refs = append(refs, topRef{c, r})
		}
	}
	if err := sortStable(s.r.ctx, refs, func(x, y topRef) int {
		return s.compareAt(x.c.keys, x.r, y.c.keys, y.r)
	}); err != nil {
		return err
	}
	if int64(len(refs)) > s.n {
		refs = refs[:s.n]
	}
	m := gatherRefs(refs, len(t.chunks[0].cols), len(s.keys))
	s.r.release(t.bytes)
	t.bytes = 0
	if err := s.r.reserve(m.bytes, s.where); err != nil {
		return err
	}
	t.bytes = m.bytes
	t.chunks = []*topChunk{m}
	t.rows = m.n
	if int64(m.n) == s.n {
		t.tighten(&topRef{m, m.n - 1})
	}
	return nil
}

// gatherRefs copies the referenced rows, in order, into one chunk.
func gatherRefs(refs []topRef, width, nkeys int) *topChunk {
	m := &topChunk{n: len(refs), cols: make([]*vector.Vector, width), keys: make([]*vector.Vector, nkeys)}
	if len(refs) == 0 {
		return m
	}
	gather := func(get func(c *topChunk) *vector.Vector) *vector.Vector {
		var t types.Type = types.Unknown
		for _, ref := range refs {
			if v := get(ref.c); v != nil {
				t = v.Type
				break
			}
		}
		if t == types.Unknown {
			return nil
		}
		out := vector.New(t, len(refs))
		for _, ref := range refs {
			if v := get(ref.c); v != nil {
				out.Append(v.Value(ref.r))
			} else {
				out.Append(types.NullOf(t))
			}
		}
		return out
	}
	for i := 0; i < width; i++ {
		m.cols[i] = gather(func(c *topChunk) *vector.Vector { return c.cols[i] })
		if m.cols[i] != nil {
			m.bytes += vectorBytes(m.cols[i], m.n)
		}
	}
	for i := 0; i < nkeys; i++ {
		m.keys[i] = gather(func(c *topChunk) *vector.Vector { return c.keys[i] })
		m.bytes += vectorBytes(m.keys[i], m.n)
	}
	return m
}

// finish emits the first n rows in order.
func (t *topRows) finish() error {
	s := t.s
	defer func() {
		s.r.release(t.bytes)
		t.bytes, t.chunks = 0, nil
	}()
	t.mu.Lock()
	var err error
	if len(t.chunks) > 1 || len(t.chunks) == 1 && int64(t.rows) > s.n {
		err = t.merge()
	}
	var m *topChunk
	if len(t.chunks) == 1 {
		m = t.chunks[0]
	}
	t.mu.Unlock()
	if err != nil {
		return err
	}
	if m != nil {
		for lo := 0; lo < m.n; lo += vector.BatchSize {
			if err := s.r.ctx.Err(); err != nil {
				return err
			}
			hi := min(lo+vector.BatchSize, m.n)
			b := &vector.Batch{Len: hi - lo, Cols: make([]*vector.Vector, s.width)}
			for i, c := range m.cols {
				if c != nil && i < s.width {
					b.Cols[i] = vector.Slice(c, lo, hi)
				}
			}
			if err := s.out.push(b); err != nil {
				if err == errStop {
					break
				}
				return err
			}
		}
	}
	return s.out.finish()
}
