package storage

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// ScanRequest asks for rows of one table. Only rows whose time column lies in
// [MinTime, MaxTime] (datetime ticks; a zero bound is open) and that satisfy
// every predicate are returned, with the requested columns in the requested order.
type ScanRequest struct {
	Table   string
	Columns []string // nil means all, in table order
	MinTime int64
	MaxTime int64
	Preds   []Pred
	// NoIndex makes the scan use no term index, dictionary bitmap or zone
	// map and prune no segment: it checks the time range and every predicate
	// on each row, which tests compare with the indexed answer.
	NoIndex bool
	// Codes names columns the caller reads through Vector.Codes and Dict
	// where the store has them: blocks decoded from a dictionary come without
	// Strs (Vector.Str and Materialize still read them). Other blocks and
	// unsealed rows come as plain strings. The store reuses the memory of
	// such a column's Codes once fn returns: fn must not keep them.
	Codes []string
	// Latest, when positive, says the caller keeps only the Latest rows with
	// the latest times (a top by the time column, descending, nulls last),
	// or with Earliest the earliest: the scan may leave out rows it can tell
	// are not among them. It reads unsealed rows first, then segments and
	// their blocks from the latest (earliest) times on, and stops once it has
	// sent Latest rows whose times all come before those of any row not yet
	// read. Every row sent still matches the request. It applies when the
	// time column is among Columns.
	Latest   int
	Earliest bool
}

// noIndexKey marks a context whose scans are made with NoIndex.
type noIndexKey struct{}

// WithoutIndexes returns a context under which every scan is made as if its
// request set NoIndex. It reaches scans that layers above build, such as a
// query's, for tests that compare answers with and without indexes.
func WithoutIndexes(ctx context.Context) context.Context {
	return context.WithValue(ctx, noIndexKey{}, true)
}

// ScanStats says how much work a scan did, for explain and for tests.
type ScanStats struct {
	Segments       int   // segments of the table
	SegmentsPruned int   // skipped by time range or indexes without reading a block
	Blocks         int   // column blocks of the scanned segments' requested columns
	BlocksRead     int   // column blocks decoded
	HotRows        int64 // unsealed rows checked one by one
	RowsMatched    int64 // rows returned (or counted)
	IndexOnly      bool  // a count answered from indexes alone
}

func (st *ScanStats) add(o ScanStats) {
	st.SegmentsPruned += o.SegmentsPruned
	st.Blocks += o.Blocks
	st.BlocksRead += o.BlocksRead
	st.HotRows += o.HotRows
	st.RowsMatched += o.RowsMatched
}

// scanPlan is a validated request bound to a table.
type scanPlan struct {
	req   ScanRequest
	def   *schema.Table
	cols  []int        // requested columns' positions in the table
	preds []int        // predicate columns' positions
	ti    int          // time column position or -1
	codes map[int]bool // columns delivered as codes only
	// top follows the times sent for a scan for the latest rows (nil
	// otherwise); topCol is the time column's place in the batches.
	top    *topTimes
	topCol int
}

func (s *Store) plan(req ScanRequest) (*scanPlan, []*segInfo, []*hotBatch, error) {
	s.mu.RLock()
	t, ok := s.tables[req.Table]
	var segs []*segInfo
	var hot []*hotBatch
	if ok {
		segs = append(segs, t.segments...)
		hot = append(hot, t.hot...)
	}
	s.mu.RUnlock()
	def := s.Table(req.Table)
	if def == nil {
		return nil, nil, nil, fmt.Errorf("table %s does not exist", req.Table)
	}
	p := &scanPlan{req: req, def: def, ti: def.Index(def.TimeColumn)}
	if req.Columns == nil {
		for i := range def.Columns {
			p.cols = append(p.cols, i)
		}
	}
	for _, name := range req.Columns {
		i := def.Index(name)
		if i < 0 {
			return nil, nil, nil, fmt.Errorf("table %s has no column %s", req.Table, name)
		}
		p.cols = append(p.cols, i)
	}
	for _, name := range req.Codes {
		if i := def.Index(name); i >= 0 && vector.Storage(def.Columns[i].Type) == vector.StoreStrs {
			if p.codes == nil {
				p.codes = map[int]bool{}
			}
			p.codes[i] = true
		}
	}
	for _, pr := range req.Preds {
		if err := pr.validate(); err != nil {
			return nil, nil, nil, err
		}
		i := def.Index(pr.Column)
		if i < 0 {
			return nil, nil, nil, fmt.Errorf("table %s has no column %s", req.Table, pr.Column)
		}
		if pr.isInt() {
			if vector.Storage(def.Columns[i].Type) != vector.StoreInts || def.Columns[i].Type == types.Bool {
				return nil, nil, nil, fmt.Errorf("predicate %s: column %s is %s, not stored as integers", pr, pr.Column, def.Columns[i].Type)
			}
		} else if k := vector.Storage(def.Columns[i].Type); k != vector.StoreStrs && k != vector.StoreDyn {
			return nil, nil, nil, fmt.Errorf("predicate %s: column %s is %s, not a string", pr, pr.Column, def.Columns[i].Type)
		}
		p.preds = append(p.preds, i)
	}
	if (req.MinTime != 0 || req.MaxTime != 0) && p.ti < 0 {
		return nil, nil, nil, fmt.Errorf("table %s has no time column to restrict", req.Table)
	}
	if req.Latest > 0 && !req.NoIndex && p.ti >= 0 {
		if k := slices.Index(p.cols, p.ti); k >= 0 {
			p.top, p.topCol = newTopTimes(req.Latest, req.Earliest), k
		}
	}
	return p, segs, hot, nil
}

func (p *scanPlan) minTime() int64 {
	if p.req.MinTime == 0 {
		return math.MinInt64
	}
	return p.req.MinTime
}

func (p *scanPlan) maxTime() int64 {
	if p.req.MaxTime == 0 {
		return math.MaxInt64
	}
	return p.req.MaxTime
}

// Scan calls fn with batches of the matching rows. fn may be called from several
// goroutines at once (one per segment being scanned); each batch belongs to fn
// after the call. Scanning stops at the first error from fn or from reading, and
// when ctx is done.
func (s *Store) Scan(ctx context.Context, req ScanRequest, fn func(*vector.Batch) error) (ScanStats, error) {
	return s.scan(ctx, req, fn, false)
}

// Count returns the number of matching rows, from indexes alone when every
// predicate can be answered exactly by an index.
func (s *Store) Count(ctx context.Context, req ScanRequest) (int64, ScanStats, error) {
	req.Columns = []string{}
	st, err := s.scan(ctx, req, func(*vector.Batch) error { return nil }, true)
	return st.RowsMatched, st, err
}

func (s *Store) scan(ctx context.Context, req ScanRequest, fn func(*vector.Batch) error, countOnly bool) (ScanStats, error) {
	return s.scanAll(ctx, req, fn, countOnly, nil)
}

// scanWith is Scan where whole may answer for a segment the request covers
// whole (no predicate, all its rows in the time range) without scanning it:
// it reports whether it did and the segment's rows.
func (s *Store) scanWith(ctx context.Context, req ScanRequest, fn func(*vector.Batch) error, whole func(*segment) (bool, int64, error)) (ScanStats, error) {
	return s.scanAll(ctx, req, fn, false, whole)
}

func (s *Store) scanAll(ctx context.Context, req ScanRequest, fn func(*vector.Batch) error, countOnly bool, whole func(*segment) (bool, int64, error)) (ScanStats, error) {
	if ctx.Value(noIndexKey{}) != nil {
		req.NoIndex = true
	}
	p, segs, hot, err := s.plan(req)
	if err != nil {
		return ScanStats{}, err
	}
	stats := ScanStats{Segments: len(segs)}
	if p.top != nil {
		// The times of the rows sent decide when to stop; unsealed rows,
		// likely the latest, go first, and segments from the latest on.
		send := fn
		fn = func(b *vector.Batch) error {
			p.top.add(b.Cols[p.topCol])
			return send(b)
		}
		for _, hb := range hot {
			st, err := p.scanHot(hb, fn, countOnly)
			stats.add(st)
			if err != nil {
				return stats, err
			}
		}
		hot = nil
		segs = slices.Clone(segs)
		slices.SortStableFunc(segs, func(a, b *segInfo) int {
			if p.top.earliest {
				return cmp.Compare(a.MinTime, b.MinTime)
			}
			return cmp.Compare(b.MaxTime, a.MaxTime)
		})
	}
	var mu sync.Mutex
	var firstErr error
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
	}
	failed := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return firstErr != nil || ctx.Err() != nil
	}
	// Segments in parallel.
	work := make(chan *segInfo)
	var wg sync.WaitGroup
	for w := 0; w < min(s.opts.Parallelism, max(len(segs), 1)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for si := range work {
				if failed() {
					continue
				}
				if p.top != nil && p.top.done(p.segmentBound(si)) {
					mu.Lock()
					stats.SegmentsPruned++
					mu.Unlock()
					continue
				}
				seg, err := s.openSeg(si)
				var st ScanStats
				done := false
				if err == nil && whole != nil && p.coversWhole(si, seg) {
					done, st.RowsMatched, err = whole(seg)
				}
				if err == nil && !done {
					st, err = p.scanSegment(ctx, seg, fn, countOnly)
				}
				if err != nil {
					fail(err)
				}
				mu.Lock()
				stats.add(st)
				mu.Unlock()
			}
		}()
	}
	for _, si := range segs {
		if !req.NoIndex && (si.MaxTime < p.minTime() || si.MinTime > p.maxTime()) {
			mu.Lock() // the workers add their figures meanwhile
			stats.SegmentsPruned++
			mu.Unlock()
			continue
		}
		work <- si
	}
	close(work)
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	if firstErr != nil {
		return stats, firstErr
	}
	// Hot rows, checked one by one.
	for _, hb := range hot {
		st, err := p.scanHot(hb, fn, countOnly)
		stats.add(st)
		if err != nil {
			return stats, err
		}
	}
	stats.IndexOnly = countOnly && stats.BlocksRead == 0 && stats.HotRows == 0
	return stats, nil
}

// coversWhole says every row of a segment matches the request: no
// predicate, and its time span inside the range with no null times.
func (p *scanPlan) coversWhole(si *segInfo, seg *segment) bool {
	if p.req.NoIndex || len(p.req.Preds) > 0 || si.MinTime < p.minTime() || si.MaxTime > p.maxTime() {
		return false
	}
	if p.req.MinTime == 0 && p.req.MaxTime == 0 {
		return true
	}
	ci, ok := seg.cols[p.def.TimeColumn]
	if !ok {
		return false
	}
	for _, b := range seg.footer.Columns[ci].Blocks {
		if b.NullCnt > 0 {
			return false
		}
	}
	return true
}

func (s *Store) openSeg(si *segInfo) (*segment, error) {
	si.once.Do(func() { si.seg, si.err = openSegment(s.segmentPath(si)) })
	return si.seg, si.err
}

// scanHot filters one hot batch row by row.
func (p *scanPlan) scanHot(hb *hotBatch, fn func(*vector.Batch) error, countOnly bool) (ScanStats, error) {
	st := ScanStats{HotRows: int64(hb.rows)}
	sel := make([]int, 0, hb.rows)
	lo, hi := p.minTime(), p.maxTime()
	timed := p.ti >= 0 && (p.req.MinTime != 0 || p.req.MaxTime != 0)
	for r := 0; r < hb.rows; r++ {
		if timed {
			tc := hb.cols[p.ti]
			if tc.IsNull(r) || tc.Ints[r] < lo || tc.Ints[r] > hi {
				continue
			}
		}
		sel = append(sel, r)
	}
	for i := range p.req.Preds {
		var err error
		if sel, err = p.filterRows(i, hb.cols[p.preds[i]], sel); err != nil {
			return st, err
		}
	}
	st.RowsMatched = int64(len(sel))
	if countOnly || len(sel) == 0 {
		return st, nil
	}
	return st, p.emit(hb.cols, sel, fn, false)
}

// filterRows keeps the rows of sel whose value in v satisfies predicate i; a
// null dynamic value satisfies none. The result reuses sel's memory.
func (p *scanPlan) filterRows(i int, v *vector.Vector, sel []int) ([]int, error) {
	pr := p.req.Preds[i]
	if len(sel) == 0 {
		return sel, nil
	}
	if pr.isInt() {
		return pr.filterInts(v, sel), nil
	}
	texts := make([]string, 0, len(sel))
	rows := make([]int, 0, len(sel))
	for _, r := range sel {
		switch {
		case v.Type == types.Dynamic:
			if v.IsNull(r) {
				continue
			}
			texts = append(texts, dynamicText(v.Dyn[r]))
		default:
			texts = append(texts, v.Str(r))
		}
		rows = append(rows, r)
	}
	keep, err := pr.filter(texts, make([]int, 0, len(texts)))
	if err != nil {
		return nil, err
	}
	out := sel[:0]
	for _, k := range keep {
		out = append(out, rows[k])
	}
	return out, nil
}

// matchValue checks one row of a column against a predicate: the slow path
// that tests compare the store's answers with.
func matchValue(pr Pred, v *vector.Vector, r int) bool {
	if pr.isInt() {
		return !v.IsNull(r) && pr.matchInt(v.Ints[r])
	}
	if v.Type == types.Dynamic {
		if v.IsNull(r) {
			return false
		}
		return pr.matchOne(dynamicText(v.Dyn[r]))
	}
	return pr.matchOne(v.Str(r))
}

// dynamicText is the text a string predicate sees in a dynamic value: a string
// as itself, anything else as JSON.
func dynamicText(d any) string {
	if s, ok := d.(string); ok {
		return s
	}
	return types.DynamicToJSON(d)
}

// emit sends the selected rows of the requested columns in batches. With
// share, the columns are the scan's own (decoded for it), and a batch of
// consecutive rows is a slice of them rather than a copy.
func (p *scanPlan) emit(cols []*vector.Vector, sel []int, fn func(*vector.Batch) error, share bool) error {
	for lo := 0; lo < len(sel); lo += vector.BatchSize {
		part := sel[lo:min(lo+vector.BatchSize, len(sel))]
		b := &vector.Batch{Len: len(part), Cols: make([]*vector.Vector, len(p.cols))}
		run := share && part[len(part)-1]-part[0] == len(part)-1
		for i, ci := range p.cols {
			if run {
				b.Cols[i] = vector.Slice(cols[ci], part[0], part[0]+len(part))
			} else {
				b.Cols[i] = vector.Gather(cols[ci], part)
			}
			if !p.codes[ci] {
				b.Cols[i].Materialize()
				b.Cols[i].Codes, b.Cols[i].Dict = nil, nil
			}
		}
		if err := fn(b); err != nil {
			return err
		}
	}
	return nil
}

// scanSegment scans one segment: time range to a row range (rows are sorted by
// time), index predicates to bitmaps, then decoding only the blocks that hold
// candidates and only the columns needed.
func (p *scanPlan) scanSegment(ctx context.Context, seg *segment, fn func(*vector.Batch) error, countOnly bool) (ScanStats, error) {
	var st ScanStats
	rows := seg.footer.Rows
	// Without indexes, every row is a candidate and is checked (slow path).
	timed := p.req.NoIndex && p.ti >= 0 && (p.req.MinTime != 0 || p.req.MaxTime != 0)
	lo, hi := 0, rows
	if !p.req.NoIndex {
		var read int
		var err error
		lo, hi, read, err = p.rowRange(seg)
		st.BlocksRead += read
		if err != nil {
			return st, err
		}
	}
	if lo >= hi {
		st.SegmentsPruned = 1
		return st, nil
	}
	// Candidate rows from the indexes; predicates they cannot settle are checked.
	var cand *roaring.Bitmap
	var verify []int
	// Integer predicates are checked on the decoded integers, after zone maps
	// have skipped the blocks that cannot match.
	var ints []int
	for i, pr := range p.req.Preds {
		if pr.isInt() {
			if _, ok := seg.cols[pr.Column]; !ok {
				// A missing column is all nulls, which match nothing.
				st.SegmentsPruned = 1
				return st, nil
			}
			ints = append(ints, i)
			continue
		}
		// A dynamic column's term index holds the terms of its JSON text, where
		// an escape joins a letter to the next term ("a\nbc" indexes "nbc"), so
		// it can miss rows a predicate on the value's text matches: check them all.
		if p.req.NoIndex || p.def.Columns[p.preds[i]].Type == types.Dynamic {
			verify = append(verify, i)
			continue
		}
		bm, exact, ok, err := seg.candidates(pr)
		if err != nil {
			return st, err
		}
		if !ok {
			verify = append(verify, i)
			continue
		}
		if !exact {
			verify = append(verify, i)
		}
		if cand == nil {
			cand = bm
		} else {
			cand.And(bm)
		}
	}
	if lo > 0 || hi < rows {
		rng := roaring.New()
		rng.AddRange(uint64(lo), uint64(hi))
		if cand == nil {
			cand = rng
		} else {
			cand.And(rng)
		}
	}
	if cand != nil && cand.IsEmpty() {
		st.SegmentsPruned = 1
		return st, nil
	}
	if countOnly && len(verify) == 0 && len(ints) == 0 && !timed {
		if cand == nil {
			st.RowsMatched = int64(rows)
		} else {
			st.RowsMatched = int64(cand.GetCardinality())
		}
		return st, nil
	}
	// Decode block by block.
	need := map[int]bool{}
	for _, ci := range p.cols {
		need[ci] = true
	}
	for _, i := range verify {
		need[p.preds[i]] = true
	}
	for _, i := range ints {
		need[p.preds[i]] = true
	}
	if timed {
		need[p.ti] = true
	}
	// Integers of a column decoded only to filter rows (not sent on) are
	// dead once their block is done: one buffer a column, for every block.
	sent := map[int]bool{}
	for _, ci := range p.cols {
		sent[ci] = true
	}
	var intBufs map[int]*[]int64
	defer func() {
		for _, b := range intBufs {
			intsPool.Put(b)
		}
	}()
	scratchInts := func(ci int) []int64 {
		if sent[ci] || vector.Storage(p.def.Columns[ci].Type) != vector.StoreInts {
			return nil
		}
		if intBufs == nil {
			intBufs = map[int]*[]int64{}
		}
		b := intBufs[ci]
		if b == nil {
			b = intsPool.Get().(*[]int64)
			intBufs[ci] = b
		}
		return *b
	}
	nblocks := (rows + blockRows - 1) / blockRows
	st.Blocks = nblocks * len(need)
	// The selection of a block is only read until the next one: one buffer.
	buf := selPool.Get().(*[]int)
	defer selPool.Put(buf)
	// The blocks' codes are only read until the block's batches are sent
	// (emit drops them from the strings it makes): their memory is reused.
	var bufs []*[]uint32
	codeBuf := func() []uint32 {
		cb := codesPool.Get().(*[]uint32)
		bufs = append(bufs, cb)
		return *cb
	}
	defer func() {
		for _, cb := range bufs {
			codesPool.Put(cb)
		}
	}()
	for k := 0; k < nblocks; k++ {
		if ctx.Err() != nil {
			return st, ctx.Err()
		}
		b := k
		if p.top != nil {
			// From the latest block (the earliest), while one can hold
			// rows that are wanted.
			if !p.top.earliest {
				b = nblocks - 1 - k
			}
			if p.top.done(p.blockBound(seg, b)) {
				break
			}
		}
		for _, cb := range bufs {
			codesPool.Put(cb)
		}
		bufs = bufs[:0]
		bl, bh := blockBounds(rows, b)
		if !p.req.NoIndex && p.zoneSkips(seg, ints, b) {
			continue
		}
		sel := (*buf)[:0]
		if cand == nil && !timed && len(verify) == 0 && len(ints) == 0 {
			// Every row of the block: batches are slices of its columns.
			st.RowsMatched += int64(bh - bl)
			if countOnly {
				continue
			}
			if err := p.emitBlock(bh-bl, func(ci int) (*vector.Vector, error) {
				mi, ok := seg.cols[p.def.Columns[ci].Name]
				if !ok {
					return nullVector(p.def.Columns[ci].Type, bh-bl), nil
				}
				st.BlocksRead++
				return seg.decodeBlockAs(mi, b, p.def.Columns[ci].Type, decodeOpts{codesOnly: true, codes: codeBuf()})
			}, fn); err != nil {
				return st, err
			}
			continue
		}
		// Without candidates every row of the block is selected; the list
		// is only made if a filter needs it (an integer filter makes its
		// own from the block's values).
		all := cand == nil
		fill := func() {
			if all {
				sel = slices.Grow(sel, bh-bl)[:bh-bl]
				for i := range sel {
					sel[i] = i
				}
				all = false
			}
		}
		if !all {
			it := cand.Iterator()
			it.AdvanceIfNeeded(uint32(bl))
			for it.HasNext() {
				r := int(it.Next())
				if r >= bh {
					break
				}
				sel = append(sel, r-bl)
			}
		}
		*buf = sel
		if !all && len(sel) == 0 {
			continue
		}
		decoded := make(map[int]*vector.Vector, len(need))
		get := func(ci int) (*vector.Vector, error) {
			if v, ok := decoded[ci]; ok {
				return v, nil
			}
			mi, ok := seg.cols[p.def.Columns[ci].Name]
			var v *vector.Vector
			if !ok {
				v = nullVector(p.def.Columns[ci].Type, bh-bl)
			} else {
				var err error
				// Strings of a dictionary column are made per batch, for
				// the rows sent only (emit); and only the rows still
				// selected are read from here on, so only their codes
				// need unpacking.
				o := decodeOpts{codesOnly: true, codes: codeBuf(), ints: scratchInts(ci)}
				if !all {
					o.rows = sel
				}
				if v, err = seg.decodeBlockAs(mi, b, p.def.Columns[ci].Type, o); err != nil {
					return nil, err
				}
				st.BlocksRead++
			}
			decoded[ci] = v
			return v, nil
		}
		if timed {
			fill()
			v, err := get(p.ti)
			if err != nil {
				return st, err
			}
			tlo, thi := p.minTime(), p.maxTime()
			kept := sel[:0]
			for _, r := range sel {
				if !v.IsNull(r) && v.Ints[r] >= tlo && v.Ints[r] <= thi {
					kept = append(kept, r)
				}
			}
			sel = kept
		}
		for _, i := range ints {
			v, err := get(p.preds[i])
			if err != nil {
				return st, err
			}
			if all {
				sel, all = p.req.Preds[i].filterIntsAll(v, bh-bl, sel[:0]), false
			} else {
				sel = p.req.Preds[i].filterInts(v, sel)
			}
		}
		fill()
		for _, i := range verify {
			v, err := get(p.preds[i])
			if err != nil {
				return st, err
			}
			if sel, err = p.filterRows(i, v, sel); err != nil {
				return st, err
			}
		}
		st.RowsMatched += int64(len(sel))
		if countOnly || len(sel) == 0 {
			continue
		}
		cols := make([]*vector.Vector, len(p.def.Columns))
		for _, ci := range p.cols {
			v, err := get(ci)
			if err != nil {
				return st, err
			}
			cols[ci] = v
		}
		if err := p.emit(cols, sel, fn, true); err != nil {
			return st, err
		}
	}
	return st, nil
}

// zoneSkips says the zone maps of block b show that some integer predicate
// of ints matches none of its rows: all of them null, or a range of values
// the predicate excludes.
func (p *scanPlan) zoneSkips(seg *segment, ints []int, b int) bool {
	for _, i := range ints {
		pr := p.req.Preds[i]
		c := &seg.footer.Columns[seg.cols[pr.Column]]
		if c.Enc != encInts || b >= len(c.Blocks) {
			continue
		}
		bm := &c.Blocks[b]
		if bm.NullCnt == bm.Rows || bm.HasZone && pr.zoneExcludes(bm.MinI, bm.MaxI) {
			return true
		}
	}
	return false
}

// emitBlock sends all n rows of a block in batches that are slices of its
// columns, which get decodes (once each).
func (p *scanPlan) emitBlock(n int, get func(ci int) (*vector.Vector, error), fn func(*vector.Batch) error) error {
	cols := make([]*vector.Vector, len(p.cols))
	for i, ci := range p.cols {
		if j := slices.Index(p.cols[:i], ci); j >= 0 {
			cols[i] = cols[j]
			continue
		}
		v, err := get(ci)
		if err != nil {
			return err
		}
		cols[i] = v
	}
	for lo := 0; lo < n; lo += vector.BatchSize {
		hi := min(lo+vector.BatchSize, n)
		b := &vector.Batch{Len: hi - lo, Cols: make([]*vector.Vector, len(cols))}
		for i, v := range cols {
			b.Cols[i] = vector.Slice(v, lo, hi)
			if !p.codes[p.cols[i]] {
				b.Cols[i].Materialize()
				b.Cols[i].Codes, b.Cols[i].Dict = nil, nil
			}
		}
		if err := fn(b); err != nil {
			return err
		}
	}
	return nil
}

// codesPool holds the buffers blocks' codes are decoded into.
var codesPool = sync.Pool{New: func() any { b := make([]uint32, 0, blockRows); return &b }}

// intsPool holds buffers for the integers of blocks decoded only to filter
// their rows.
var intsPool = sync.Pool{New: func() any { b := make([]int64, 0, blockRows); return &b }}

// selPool holds the buffers of block selections.
var selPool = sync.Pool{New: func() any { b := make([]int, 0, blockRows); return &b }}

// nullVector is a column a segment does not have: all null (empty strings).
func nullVector(t types.Type, n int) *vector.Vector {
	v := vector.New(t, n)
	for i := 0; i < n; i++ {
		v.Append(types.NullOf(t))
	}
	return v
}

// rowRange maps the time range to the segment's rows [lo, hi), using the time
// column's zone maps and decoding only the boundary blocks, whose number it
// also returns.
func (p *scanPlan) rowRange(seg *segment) (int, int, int, error) {
	rows := seg.footer.Rows
	if p.req.MinTime == 0 && p.req.MaxTime == 0 {
		return 0, rows, 0, nil
	}
	lo, hi := p.minTime(), p.maxTime()
	if seg.footer.MaxTime < lo || seg.footer.MinTime > hi {
		return 0, 0, 0, nil
	}
	mi, ok := seg.cols[p.def.TimeColumn]
	if !ok {
		return 0, rows, 0, nil
	}
	read := 0
	c := &seg.footer.Columns[mi]
	// first row with time >= lo, first row with time > hi
	find := func(pred func(int64) bool) (int, error) {
		for b := range c.Blocks {
			bm := &c.Blocks[b]
			if bm.HasZone && !pred(bm.MaxI) {
				continue
			}
			// The times are only searched here: pooled memory.
			ib := intsPool.Get().(*[]int64)
			defer intsPool.Put(ib)
			v, err := seg.decodeBlockAs(mi, b, types.Datetime, decodeOpts{ints: *ib})
			if err != nil {
				return 0, err
			}
			read++
			i := sort.Search(v.Len, func(i int) bool { return !v.IsNull(i) && pred(v.Ints[i]) })
			bl, _ := blockBounds(rows, b)
			return bl + i, nil
		}
		return rows, nil
	}
	start, err := find(func(t int64) bool { return t >= lo })
	if err != nil {
		return 0, 0, read, err
	}
	end := rows
	if p.req.MaxTime != 0 {
		if end, err = find(func(t int64) bool { return t > hi }); err != nil {
			return 0, 0, read, err
		}
	}
	return start, end, read, nil
}
