package storage

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/dgraph-io/badger/v4"

	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Seal moves a table's hot rows into segments: sorted by time, one UTC day per
// segment. The hand-off is exactly once: segment files are written and synced
// first, then one badger transaction records them in the manifest together with
// the sealed watermark, and only then are the hot batches it covers dropped
// from badger, their generations whole (see batchKey; small drops wait to be
// done together, see dropSealed). A crash before that transaction leaves
// orphan files (removed at the next open) and the hot rows in place; a crash
// after it leaves hot batches that the watermark marks as sealed (skipped and
// dropped at the next open).
func (s *Store) Seal(table string) error {
	s.mu.RLock()
	t, ok := s.tables[table]
	s.mu.RUnlock()
	if !ok {
		return nil
	}
	t.sealMu.Lock()
	defer t.sealMu.Unlock()
	// Between appends, so that every batch of the generations up to gen is
	// among those sealed, and later ones go to the next generation.
	t.appendMu.Lock()
	s.mu.RLock()
	batches := append([]*hotBatch(nil), t.hot...)
	s.mu.RUnlock()
	gen := t.gen
	if len(batches) > 0 {
		t.gen++
	}
	t.appendMu.Unlock()
	if len(batches) == 0 {
		return nil
	}
	watermark := batches[len(batches)-1].seq
	rs := batchRows(batches)
	rows := rs.rows
	infos, err := s.writeSegments(t.def, rs, fmt.Sprintf("%016x", watermark), true)
	if err != nil {
		return fmt.Errorf("seal %s: %w", table, err)
	}
	err = s.update(func(txn *badger.Txn) error {
		for _, si := range infos {
			js, err := json.Marshal(si)
			if err != nil {
				return err
			}
			if err := txn.Set([]byte(keySegment+table+"/"+si.ID), js); err != nil {
				return err
			}
		}
		return txn.Set([]byte(keySealed+table), binary.BigEndian.AppendUint64(nil, watermark))
	})
	if err != nil {
		for _, si := range infos {
			os.Remove(s.segmentPath(si))
		}
		return fmt.Errorf("seal %s: record segments: %w", table, err)
	}
	s.mu.Lock()
	// A fresh slice: reslicing would keep the sealed batches reachable through
	// the old backing array.
	t.hot = append([]*hotBatch(nil), t.hot[len(batches):]...)
	t.hotRows -= rows
	for _, b := range batches {
		t.hotBytes -= b.bytes
		s.hotBytes -= b.bytes
	}
	t.sealed = watermark
	t.segments = append(t.segments, infos...)
	sortSegments(t.segments)
	s.mu.Unlock()
	if s.opts.SyncBatch {
		// The watermark must be durable before the hot batches go.
		if err := s.db.Sync(); err != nil {
			return fmt.Errorf("seal %s: record segments: %w", table, err)
		}
	}
	// Best effort: batches left behind are below the watermark, dropped by the
	// next seal or at open.
	encoded := 0
	for _, b := range batches {
		encoded += b.encoded
	}
	_ = s.dropSealed(t, gen, encoded)
	return nil
}

// hotDropBytes is how many bytes of sealed batches wait for a drop at most
// (the store's close does the last).
const hotDropBytes = 8 << 20

// dropSealed hands the hot batches of a table's generations up to gen, all of
// them sealed, and those in the layout of earlier versions, to the next drop,
// encoded bytes of them; the drop runs once enough bytes wait.
func (s *Store) dropSealed(t *tableState, gen uint64, encoded int) error {
	t.appendMu.Lock()
	var prefixes [][]byte
	n := 0
	for _, g := range t.gens {
		if g <= gen {
			prefixes = append(prefixes, batchGenPrefix(t.def.Name, g))
			n++
		}
	}
	t.gens = append([]uint64(nil), t.gens[n:]...)
	if t.oldLayout {
		prefixes = append(prefixes, []byte(keyHot+t.def.Name+"/"))
		t.oldLayout = false
	}
	t.appendMu.Unlock()
	s.dropsMu.Lock()
	s.drops = append(s.drops, prefixes...)
	s.dropsPending += int64(encoded)
	s.dropsMu.Unlock()
	return s.dropPending(false)
}

// dropPending drops the sealed generations handed to dropSealed, when enough
// bytes of them wait or when all is set. A failed drop is tried again by the
// next one.
func (s *Store) dropPending(all bool) error {
	s.dropsMu.Lock()
	if len(s.drops) == 0 || !all && s.dropsPending < hotDropBytes {
		s.dropsMu.Unlock()
		return nil
	}
	prefixes, pending := s.drops, s.dropsPending
	s.drops, s.dropsPending = nil, 0
	s.dropsMu.Unlock()
	err := s.dropPrefixes(prefixes)
	if err == nil && slices.ContainsFunc(prefixes, func(p []byte) bool { return bytes.HasPrefix(p, []byte(keyHot)) }) {
		// Batches in the layout of earlier versions were in the value log:
		// give back the files they filled.
		s.dropMu.RLock()
		for s.db.RunValueLogGC(0.5) == nil {
		}
		s.dropMu.RUnlock()
	}
	if err != nil {
		s.dropsMu.Lock()
		s.drops = append(s.drops, prefixes...)
		s.dropsPending += pending
		s.dropsMu.Unlock()
	}
	return err
}

// SealAll seals every table's hot rows.
func (s *Store) SealAll() error {
	s.mu.RLock()
	names := make([]string, 0, len(s.tables))
	for n := range s.tables {
		names = append(names, n)
	}
	s.mu.RUnlock()
	for _, n := range names {
		if err := s.Seal(n); err != nil {
			return err
		}
	}
	return nil
}

// rowSet is rows held in several groups of columns (hot batches, or one set of
// decoded segments) addressed by one global row number, so sealing can gather
// rows straight from the batches without first concatenating them.
type rowSet struct {
	parts  [][]*vector.Vector // parts[p][column]
	texts  [][][]string       // texts[p][column]: a dynamic column's JSON texts, if kept
	starts []int              // first global row of each part
	part   []int32            // part of each global row
	rows   int
}

func newRowSet(parts [][]*vector.Vector, lens []int) *rowSet {
	rs := &rowSet{parts: parts}
	for p, n := range lens {
		rs.starts = append(rs.starts, rs.rows)
		for i := 0; i < n; i++ {
			rs.part = append(rs.part, int32(p))
		}
		rs.rows += n
	}
	return rs
}

func batchRows(batches []*hotBatch) *rowSet {
	parts := make([][]*vector.Vector, len(batches))
	texts := make([][][]string, len(batches))
	lens := make([]int, len(batches))
	for i, b := range batches {
		parts[i], texts[i], lens[i] = b.cols, b.texts, b.rows
	}
	rs := newRowSet(parts, lens)
	rs.texts = texts
	return rs
}

// at returns the vector and the row within it of global row r in column ci.
func (rs *rowSet) at(ci, r int) (*vector.Vector, int) {
	p := rs.part[r]
	return rs.parts[p][ci], r - rs.starts[p]
}

// gatherer copies columns of a rowSet at a fixed list of rows into one
// reused vector, a column at a time: a segment is written column by column, so
// only one gathered column is alive at once.
type gatherer struct {
	rs       *rowSet
	idx      []int
	identity bool    // idx is 0..rows-1 of a single part: no copy needed
	part     []int32 // part of each row of idx
	off      []int32 // row within its part
	out      vector.Vector
	ints     [][]int64  // scratch: a column's payload in each part
	strs     [][]string // likewise
	text     []string   // gathered JSON texts of a dynamic column
}

func newGatherer(rs *rowSet, idx []int) *gatherer {
	g := &gatherer{rs: rs, idx: idx}
	if len(rs.parts) == 1 && len(idx) == rs.rows {
		g.identity = true
		for i, r := range idx {
			if r != i {
				g.identity = false
				break
			}
		}
	}
	if g.identity {
		return g
	}
	g.part = make([]int32, len(idx))
	g.off = make([]int32, len(idx))
	for i, r := range idx {
		p := rs.part[r]
		g.part[i], g.off[i] = p, int32(r-rs.starts[p])
	}
	return g
}

// column returns column ci at the gatherer's rows and, for a dynamic column
// whose JSON texts were kept, those texts (then the vector has only its null
// bitmap). Both are reused by the next call.
func (g *gatherer) column(ci int) (*vector.Vector, []string) {
	rs := g.rs
	texts := rs.textsOf(ci)
	if g.identity {
		if texts != nil {
			return rs.parts[0][ci], texts[0]
		}
		return rs.parts[0][ci], nil
	}
	n := len(g.idx)
	t := rs.parts[0][ci].Type
	out := &g.out
	// Drop the previous column's references before reuse.
	clear(out.Strs)
	clear(out.Dyn)
	clear(g.text)
	*out = vector.Vector{Type: t, Len: n, Ints: out.Ints[:0], Reals: out.Reals[:0], Strs: out.Strs[:0], Dyn: out.Dyn[:0], Nulls: out.Nulls[:0]}
	anyNulls := false
	for _, p := range rs.parts {
		if p[ci].Nulls != nil {
			anyNulls = true
			break
		}
	}
	part, off := g.part[:n], g.off[:n]
	switch vector.Storage(t) {
	case vector.StoreInts:
		src := g.ints[:0]
		for _, p := range rs.parts {
			src = append(src, p[ci].Ints)
		}
		out.Ints = slices.Grow(out.Ints, n)[:n]
		for i := range out.Ints {
			out.Ints[i] = src[part[i]][off[i]]
		}
		g.ints = src
	case vector.StoreReals:
		out.Reals = slices.Grow(out.Reals, n)[:n]
		for i := range out.Reals {
			out.Reals[i] = rs.parts[part[i]][ci].Reals[off[i]]
		}
	case vector.StoreStrs:
		src := g.strs[:0]
		for _, p := range rs.parts {
			src = append(src, p[ci].Strs)
		}
		out.Strs = slices.Grow(out.Strs, n)[:n]
		for i := range out.Strs {
			out.Strs[i] = src[part[i]][off[i]]
		}
		clear(src)
		g.strs = src
	case vector.StoreDyn:
		if texts != nil {
			g.text = slices.Grow(g.text[:0], n)[:n]
			for i := range g.text {
				g.text[i] = texts[part[i]][off[i]]
			}
			break
		}
		out.Dyn = slices.Grow(out.Dyn, n)[:n]
		for i := range out.Dyn {
			out.Dyn[i] = rs.parts[part[i]][ci].Dyn[off[i]]
		}
	}
	if anyNulls {
		out.Nulls = slices.Grow(out.Nulls, (n+63)/64)[:(n+63)/64]
		clear(out.Nulls)
		for i := range n {
			if rs.parts[g.part[i]][ci].IsNull(int(g.off[i])) {
				out.Nulls[i>>6] |= 1 << (uint(i) & 63)
			}
		}
	} else {
		out.Nulls = nil
	}
	if texts != nil {
		return out, g.text
	}
	return out, nil
}

// textsOf returns the kept JSON texts of dynamic column ci in every part, or
// nil unless all parts kept them.
func (rs *rowSet) textsOf(ci int) [][]string {
	if len(rs.texts) != len(rs.parts) || vector.Storage(rs.parts[0][ci].Type) != vector.StoreDyn {
		return nil
	}
	out := make([][]string, len(rs.parts))
	for p, t := range rs.texts {
		if ci >= len(t) || t[ci] == nil {
			return nil
		}
		out[p] = t[ci]
	}
	return out
}

// release drops the references the gatherer holds.
func (g *gatherer) release() {
	clear(g.out.Strs)
	clear(g.out.Dyn)
	g.out = vector.Vector{}
	g.text = nil
}

// timeOrder returns the rows of rs in ascending order of the time column ti,
// keeping arrival order among equal times, with each row's time and whether
// it is null.
func timeOrder(rs *rowSet, ti int) (order []int, times []int64, nulls []bool) {
	rows := rs.rows
	order = make([]int, rows)
	times = make([]int64, rows)
	nulls = make([]bool, rows)
	sorted := true
	r := 0
	for p, part := range rs.parts {
		v := part[ti]
		n := rs.partLen(p)
		copy(times[r:r+n], v.Ints[:n])
		if v.Nulls != nil {
			for k := range n {
				nulls[r+k] = v.IsNull(k)
			}
		}
		r += n
	}
	for i := range order {
		order[i] = i
		if i > 0 && times[i] < times[i-1] {
			sorted = false
		}
	}
	if sorted {
		return order, times, nulls
	}
	// Ties broken by row number make the unstable sort stable.
	type key struct {
		t int64
		r int
	}
	keys := make([]key, rows)
	for i := range keys {
		keys[i] = key{times[i], i}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.t != b.t {
			return cmp.Compare(a.t, b.t)
		}
		return cmp.Compare(a.r, b.r)
	})
	for i, k := range keys {
		order[i] = k.r
	}
	return order, times, nulls
}

// partLen is the number of rows of part p.
func (rs *rowSet) partLen(p int) int {
	if p+1 < len(rs.starts) {
		return rs.starts[p+1] - rs.starts[p]
	}
	return rs.rows - rs.starts[p]
}

// writeSegments sorts rows by the time column, splits them by UTC day and into
// segments of at most SegmentRows rows, and writes each. tag makes the segment
// ids of one call unique.
//
// With durable, each file and directory is fsynced before it returns;
// without, the caller makes them durable before it records them (a bulk
// load syncs once, when it closes).
func (s *Store) writeSegments(def *schema.Table, rs *rowSet, tag string, durable bool) ([]*segInfo, error) {
	rows := rs.rows
	ti := def.Index(def.TimeColumn)
	var order []int
	// Rows are grouped by day number; a null time goes to day 0 (0001-01-01).
	dayNum := func(int) int64 { return -1 }
	if ti >= 0 {
		var times []int64
		var nulls []bool
		order, times, nulls = timeOrder(rs, ti)
		dayNum = func(r int) int64 {
			if nulls[r] {
				return 0
			}
			return times[r] / types.TicksPerDay
		}
	} else {
		order = make([]int, rows)
		for i := range order {
			order[i] = i
		}
	}
	dayName := func(d int64) string {
		if d < 0 {
			return "all"
		}
		return types.TicksToTime(d * types.TicksPerDay).Format("2006-01-02")
	}
	type job struct {
		si  *segInfo
		idx []int
	}
	var jobs []job
	for lo := 0; lo < rows; {
		d := dayNum(order[lo])
		hi := lo + 1
		for hi < rows && hi-lo < s.opts.SegmentRows && dayNum(order[hi]) == d {
			hi++
		}
		day := dayName(d)
		si := &segInfo{ID: fmt.Sprintf("%s-%s-%d", day, tag, len(jobs)), Table: def.Name, Day: day, Rows: hi - lo}
		jobs = append(jobs, job{si: si, idx: order[lo:hi]})
		lo = hi
	}
	// Segments are encoded, written and fsynced in parallel: compression is the
	// CPU cost and fsync the wait, and a seal of a month of data writes 30 files.
	// The largest go first so that the last one does not run alone.
	byRows := make([]int, len(jobs))
	for k := range byRows {
		byRows[k] = k
	}
	slices.SortStableFunc(byRows, func(a, b int) int { return cmp.Compare(jobs[b].si.Rows, jobs[a].si.Rows) })
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(2, s.opts.Parallelism))
	for _, k := range byRows {
		wg.Add(1)
		sem <- struct{}{}
		go func(k int) {
			defer wg.Done()
			defer func() { <-sem }()
			si, idx := jobs[k].si, jobs[k].idx
			g := newGatherer(rs, idx)
			if ti >= 0 {
				si.MinTime, si.MaxTime = rs.timeAt(ti, idx[0]), rs.timeAt(ti, idx[len(idx)-1])
			}
			si.Bytes, si.Raw, errs[k] = writeSegment(s.segmentPath(si), def, g.column, len(idx), durable)
			g.release()
		}(k)
	}
	wg.Wait()
	infos := make([]*segInfo, len(jobs))
	dirs := map[string]bool{}
	var firstErr error
	for k, j := range jobs {
		infos[k] = j.si
		dirs[filepath.Dir(s.segmentPath(j.si))] = true
		if errs[k] != nil && firstErr == nil {
			firstErr = errs[k]
		}
	}
	for dir := range dirs {
		if !durable {
			break
		}
		if err := syncDir(dir); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil {
		for _, si := range infos {
			os.Remove(s.segmentPath(si))
		}
		return nil, firstErr
	}
	return infos, nil
}

// timeAt is the time column's value at global row r.
func (rs *rowSet) timeAt(ti, r int) int64 {
	v, k := rs.at(ti, r)
	return v.Ints[k]
}

// applyRetention drops whole segments whose newest row is older than the
// retention window: manifest entries first, then the files.
func (s *Store) applyRetention() error {
	cutoff := s.RetentionCutoff()
	s.mu.Lock()
	var drop []*segInfo
	for _, t := range s.tables {
		if t.def.TimeColumn == "" {
			continue
		}
		keep := t.segments[:0]
		for _, si := range t.segments {
			if si.MaxTime < cutoff {
				drop = append(drop, si)
			} else {
				keep = append(keep, si)
			}
		}
		t.segments = keep
	}
	s.mu.Unlock()
	if len(drop) == 0 {
		return nil
	}
	err := s.update(func(txn *badger.Txn) error {
		for _, si := range drop {
			if err := txn.Delete([]byte(keySegment + si.Table + "/" + si.ID)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("retention: %w", err)
	}
	// Running scans may still read the dropped files; they go at close (or,
	// after a crash, as orphans at open).
	s.mu.Lock()
	s.retired = append(s.retired, drop...)
	s.mu.Unlock()
	return nil
}

// ApplyRetention drops the segments that have aged out of the retention window.
func (s *Store) ApplyRetention() error { return s.applyRetention() }
