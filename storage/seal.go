package storage

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/dgraph-io/badger/v4"

	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Seal moves a table's hot rows into segments: sorted by time, one UTC day per
// segment. The hand-off is exactly once: segment files are written and synced
// first, then one badger transaction records them in the manifest together with
// the sealed watermark. A crash before that transaction leaves orphan files
// (removed at the next open) and the hot rows in place; a crash after it leaves
// hot keys that the watermark marks as sealed (dropped at the next open).
func (s *Store) Seal(table string) error {
	s.mu.RLock()
	t, ok := s.tables[table]
	s.mu.RUnlock()
	if !ok {
		return nil
	}
	t.sealMu.Lock()
	defer t.sealMu.Unlock()
	s.mu.RLock()
	batches := append([]*hotBatch(nil), t.hot...)
	s.mu.RUnlock()
	if len(batches) == 0 {
		return nil
	}
	watermark := batches[len(batches)-1].seq
	rs := batchRows(batches)
	rows := rs.rows
	infos, err := s.writeSegments(t.def, rs, fmt.Sprintf("%016x", watermark))
	if err != nil {
		return fmt.Errorf("seal %s: %w", table, err)
	}
	err = s.db.Update(func(txn *badger.Txn) error {
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
	t.sealed = watermark
	t.segments = append(t.segments, infos...)
	sortSegments(t.segments)
	s.mu.Unlock()
	keys := make([][]byte, len(batches))
	for i, b := range batches {
		keys[i] = hotKey(table, b.seq)
	}
	// Best effort: keys left behind are below the watermark and dropped at open.
	_ = s.deleteKeys(keys)
	return nil
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
	lens := make([]int, len(batches))
	for i, b := range batches {
		parts[i], lens[i] = b.cols, b.rows
	}
	return newRowSet(parts, lens)
}

// at returns the vector and the row within it of global row r in column ci.
func (rs *rowSet) at(ci, r int) (*vector.Vector, int) {
	p := rs.part[r]
	return rs.parts[p][ci], r - rs.starts[p]
}

// gather builds a vector of column ci from the given global rows.
func (rs *rowSet) gather(ci int, idx []int) *vector.Vector {
	if len(rs.parts) == 1 {
		return vector.Gather(rs.parts[0][ci], idx)
	}
	t := rs.parts[0][ci].Type
	out := &vector.Vector{Type: t, Len: len(idx)}
	switch vector.Storage(t) {
	case vector.StoreInts:
		out.Ints = make([]int64, len(idx))
		for i, r := range idx {
			v, k := rs.at(ci, r)
			out.Ints[i] = v.Ints[k]
		}
	case vector.StoreReals:
		out.Reals = make([]float64, len(idx))
		for i, r := range idx {
			v, k := rs.at(ci, r)
			out.Reals[i] = v.Reals[k]
		}
	case vector.StoreStrs:
		out.Strs = make([]string, len(idx))
		for i, r := range idx {
			v, k := rs.at(ci, r)
			out.Strs[i] = v.Strs[k]
		}
	case vector.StoreDyn:
		out.Dyn = make([]any, len(idx))
		for i, r := range idx {
			v, k := rs.at(ci, r)
			out.Dyn[i] = v.Dyn[k]
		}
	}
	for i, r := range idx {
		if v, k := rs.at(ci, r); v.IsNull(k) {
			out.SetNull(i)
		}
	}
	return out
}

// writeSegments sorts rows by the time column, splits them by UTC day and into
// segments of at most SegmentRows rows, and writes each. tag makes the segment
// ids of one call unique.
func (s *Store) writeSegments(def *schema.Table, rs *rowSet, tag string) ([]*segInfo, error) {
	rows := rs.rows
	order := make([]int, rows)
	for i := range order {
		order[i] = i
	}
	ti := def.Index(def.TimeColumn)
	// Rows are grouped by day number; a null time goes to day 0 (0001-01-01).
	dayNum := func(int) int64 { return -1 }
	if ti >= 0 {
		times := make([]int64, rows)
		nulls := make([]bool, rows)
		for r := range times {
			v, k := rs.at(ti, r)
			times[r], nulls[r] = v.Ints[k], v.IsNull(k)
		}
		sort.SliceStable(order, func(a, b int) bool { return times[order[a]] < times[order[b]] })
		dayNum = func(r int) int64 {
			if nulls[r] {
				return 0
			}
			return times[r] / types.TicksPerDay
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
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(2, s.opts.Parallelism))
	for k := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func(k int) {
			defer wg.Done()
			defer func() { <-sem }()
			si, idx := jobs[k].si, jobs[k].idx
			seg := make([]*vector.Vector, len(def.Columns))
			for ci := range seg {
				seg[ci] = rs.gather(ci, idx)
			}
			if ti >= 0 {
				si.MinTime, si.MaxTime = seg[ti].Ints[0], seg[ti].Ints[len(idx)-1]
			}
			si.Bytes, si.Raw, errs[k] = writeSegment(s.segmentPath(si), def, seg, len(idx))
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
	err := s.db.Update(func(txn *badger.Txn) error {
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
