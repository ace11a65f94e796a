package storage

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// NewBulkLoader starts a load that writes segments straight from the rows it
// is given, without keeping them hot in badger first, and makes them part of
// the store all at once when it closes: one badger transaction records every
// segment it wrote. Until then nothing of the load is visible or durable, and
// a crash leaves the store as it was (the load's files are orphans, removed
// at the next open). This is for loading files and generated data, whose
// rows are acknowledged when the load ends; rows that must be durable as
// soon as they are appended go through Store.Append or NewLoader.
//
// Rows are buffered per table and written when a batch starts on a later
// UTC day than any buffered row (while the table's batches have come in day
// order), or when the table has bulkDayRows of them and a batch reaches a
// later day (the batch is split there: its rows of the
// buffered days go with them), so that input in time order is written as one
// segment per day, each day soon after it ends; past bulkBytes times
// HotBytes buffered in all, the table holding the most is written whatever
// its rows' days. Writes run while the next buffers fill (bulkWriters at
// once); as many bytes again may wait for them before Append waits. Segments
// of the same day that several writes left are merged at Close.
func (s *Store) NewBulkLoader() *Loader {
	l := &Loader{st: s, bulk: &bulkLoad{
		tables: map[string]*bulkTable{},
		tag:    fmt.Sprintf("b%x", time.Now().UnixNano()),
		work:   make(chan bulkWrite, bulkQueue),
		done:   make(chan struct{}),
	}}
	l.bulk.drained = sync.NewCond(&l.bulk.mu)
	var wg sync.WaitGroup
	for range bulkWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.bulk.writer(s)
		}()
	}
	go func() {
		wg.Wait()
		close(l.bulk.done)
	}()
	return l
}

// bulkQueue bounds the writes waiting for a writer. Every table ends a day
// at about the same time: the writes of a day's end queue up while the
// producer goes on with the next day. Their bytes are bounded too (see
// bulkAppend).
const bulkQueue = 256

// bulkWriters is how many writes of a bulk load run at once: one keeps pace
// with a producer on the other core, and two finish the last writes, when
// the producer is done, in half the time.
const bulkWriters = 2

// bulkLoad is the state of a load made with NewBulkLoader.
type bulkLoad struct {
	tables map[string]*bulkTable
	tag    string // unique to the load, in its segments' names
	writes int    // writes handed to the writer, for the segments' names
	bytes  int64  // buffered in every table
	work   chan bulkWrite
	done   chan struct{}

	mu       sync.Mutex
	written  map[string][]*segInfo // per table, the segments written so far
	err      error                 // the first failed write
	inflight int64                 // bytes of rows handed to the writers, not yet written
	drained  *sync.Cond            // signalled as writes end
}

// bulkTable is one table's buffered rows.
type bulkTable struct {
	def    *schema.Table
	parts  [][]*vector.Vector
	lens   []int
	rows   int
	bytes  int64
	maxDay int64 // the latest UTC day of a buffered row
	// lastDay is the latest UTC day of a row written so far; a batch with
	// rows of a day up to it shows the table's input out of day order, which
	// then waits for bulkDayRows before a write.
	lastDay    int64
	disordered bool
}

// bulkWrite is a table's buffered rows handed to the writer.
type bulkWrite struct {
	def   *schema.Table
	parts [][]*vector.Vector
	lens  []int
	bytes int64
	tag   string
}

func (b *bulkLoad) writer(s *Store) {
	for w := range b.work {
		b.mu.Lock()
		failed := b.err != nil
		b.mu.Unlock()
		if failed {
			continue
		}
		infos, err := s.writeSegments(w.def, newRowSet(w.parts, w.lens), w.tag, false)
		b.mu.Lock()
		if err != nil && b.err == nil {
			b.err = fmt.Errorf("load %s: %w", w.def.Name, err)
		}
		if b.written == nil {
			b.written = map[string][]*segInfo{}
		}
		b.written[w.def.Name] = append(b.written[w.def.Name], infos...)
		b.inflight -= w.bytes
		b.drained.Broadcast()
		b.mu.Unlock()
	}
}

func (b *bulkLoad) failed() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

// bulkAppend buffers a batch, handing the table's buffer to the writers
// when it is due.
func (l *Loader) bulkAppend(table string, cols []*vector.Vector, rows int) error {
	b := l.bulk
	if err := b.failed(); err != nil {
		return err
	}
	if rows == 0 {
		return nil
	}
	s := l.st
	t, err := s.appendTarget(table, cols, rows)
	if err != nil {
		return err
	}
	bt := b.tables[table]
	if bt == nil {
		bt = &bulkTable{def: t.def, maxDay: -1, lastDay: -1}
		b.tables[table] = bt
	}
	lo, hi := batchDays(t.def, cols, rows)
	if lo >= 0 && lo <= bt.lastDay {
		bt.disordered = true // rows of a day already (partly) written
	}
	if !bt.disordered && bt.maxDay >= 0 && lo > bt.maxDay {
		// The batch starts past the buffered days: in time-ordered input
		// they are complete, and are written whatever their size.
		b.flush(bt)
	} else if bt.rows >= bulkDayRows && hi > bt.maxDay && bt.maxDay >= 0 {
		// The batch reaches past the buffered days: its rows of those days
		// join them, which are written, and the rest starts the next buffer.
		if lo <= bt.maxDay {
			old, later := splitDays(t.def, cols, rows, bt.maxDay)
			b.add(bt, old, old[0].Len, bt.maxDay)
			cols, rows = later, later[0].Len
		}
		b.flush(bt)
	}
	b.add(bt, cols, rows, hi)
	limit := bulkBytes * s.opts.HotBytes
	if b.bytes >= limit {
		// Past the memory allowed, the table holding the most goes now.
		var big *bulkTable
		for _, x := range b.tables {
			if big == nil || x.bytes > big.bytes {
				big = x
			}
		}
		b.flush(big)
	}
	// As much again may wait for the writers; past that, the producer waits.
	b.mu.Lock()
	for b.inflight > limit && b.err == nil {
		b.drained.Wait()
	}
	b.mu.Unlock()
	return nil
}

// bulkDayRows is how many rows a table's buffer holds at least before a
// batch that straddles a later day is split to have it written: fewer, and
// the batch is buffered whole, so that input whose batches overlap days does
// not make a small segment per batch.
const bulkDayRows = 16 << 10

// bulkBytes is how many times HotBytes a bulk load buffers at most: enough
// for a day of a busy table, so that each day is written once.
const bulkBytes = 4

// add buffers a batch whose latest day is hi.
func (b *bulkLoad) add(bt *bulkTable, cols []*vector.Vector, rows int, hi int64) {
	n := hotBatchBytes(cols, rows, 0)
	bt.parts = append(bt.parts, cols)
	bt.lens = append(bt.lens, rows)
	bt.rows += rows
	bt.bytes += n
	b.bytes += n
	bt.maxDay = max(bt.maxDay, hi)
}

// splitDays splits a batch into its rows of days up to day (a null time
// counts as day 0) and the later ones, both in their order.
func splitDays(def *schema.Table, cols []*vector.Vector, rows int, day int64) (upto, later []*vector.Vector) {
	v := cols[def.Index(def.TimeColumn)]
	var a, z []int
	for r := 0; r < rows; r++ {
		if !v.IsNull(r) && v.Ints[r]/types.TicksPerDay > day {
			z = append(z, r)
		} else {
			a = append(a, r)
		}
	}
	upto, later = make([]*vector.Vector, len(cols)), make([]*vector.Vector, len(cols))
	for i, c := range cols {
		upto[i], later[i] = vector.Gather(c, a), vector.Gather(c, z)
	}
	return upto, later
}

// flush hands a table's buffered rows to the writer.
func (b *bulkLoad) flush(bt *bulkTable) {
	if bt.rows == 0 {
		return
	}
	b.mu.Lock()
	b.inflight += bt.bytes
	b.mu.Unlock()
	b.work <- bulkWrite{def: bt.def, parts: bt.parts, lens: bt.lens, bytes: bt.bytes, tag: fmt.Sprintf("%s-%d", b.tag, b.writes)}
	b.writes++
	b.bytes -= bt.bytes
	bt.lastDay = max(bt.lastDay, bt.maxDay)
	bt.parts, bt.lens, bt.rows, bt.bytes, bt.maxDay = nil, nil, 0, 0, -1
}

// batchDays returns the earliest and latest UTC day number of a batch's rows
// (a null time counts as day 0); -1 for both when the table has no time
// column.
func batchDays(def *schema.Table, cols []*vector.Vector, rows int) (int64, int64) {
	ti := def.Index(def.TimeColumn)
	if ti < 0 {
		return -1, -1
	}
	v := cols[ti]
	lo, hi := int64(1<<62), int64(0)
	for r := 0; r < rows; r++ {
		d := int64(0)
		if !v.IsNull(r) {
			d = v.Ints[r] / types.TicksPerDay
		}
		lo, hi = min(lo, d), max(hi, d)
	}
	return lo, hi
}

// bulkClose writes the buffered rows, merges the segments of a day that
// several writes left when compact is set, and records every segment of the
// load in one transaction. On an error nothing of the load is recorded and
// its files are removed.
func (l *Loader) bulkClose(compact bool) (err error) {
	b := l.bulk
	names := make([]string, 0, len(b.tables))
	for name := range b.tables {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		b.flush(b.tables[name])
	}
	close(b.work)
	<-b.done
	s := l.st
	written := b.written
	defer func() {
		if err != nil {
			for _, segs := range written {
				for _, si := range segs {
					os.Remove(s.segmentPath(si))
				}
			}
		}
	}()
	if err := b.failed(); err != nil {
		return err
	}
	if compact {
		for _, name := range names {
			segs, err := s.mergeDays(b.tables[name].def, written[name], b.tag)
			if err != nil {
				return fmt.Errorf("load %s: %w", name, err)
			}
			written[name] = segs
		}
	}
	// The files were written without fsync: made durable here, all at
	// once, before the transaction that records them.
	var paths []string
	for _, name := range names {
		for _, si := range written[name] {
			paths = append(paths, s.segmentPath(si))
		}
	}
	if err := syncFiles(filepath.Join(s.dir, "segments"), paths); err != nil {
		return fmt.Errorf("load: sync segments: %w", err)
	}
	err = s.update(func(txn *badger.Txn) error {
		for _, name := range names {
			for _, si := range written[name] {
				js, err := json.Marshal(si)
				if err != nil {
					return err
				}
				if err := txn.Set([]byte(keySegment+name+"/"+si.ID), js); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("load: record segments: %w", err)
	}
	s.mu.Lock()
	for _, name := range names {
		t, err := s.tableFor(name)
		if err != nil {
			continue // cannot happen: the load appended to it
		}
		t.segments = append(t.segments, written[name]...)
		sortSegments(t.segments)
	}
	s.mu.Unlock()
	return nil
}

// mergeDays merges the small segments of each day among segs (segments of a
// load, not yet recorded) as Compact does, removing the files merged away,
// and returns the segments left.
func (s *Store) mergeDays(def *schema.Table, segs []*segInfo, tag string) ([]*segInfo, error) {
	byDay := map[string][]*segInfo{}
	var days []string
	for _, si := range segs {
		if _, seen := byDay[si.Day]; !seen {
			days = append(days, si.Day)
		}
		byDay[si.Day] = append(byDay[si.Day], si)
	}
	gone := map[*segInfo]bool{}
	var out []*segInfo
	for k, day := range days {
		group := smallSegments(byDay[day], s.opts.SegmentRows)
		if len(group) < 2 {
			continue
		}
		cols, rows, err := s.readSegments(def, group)
		if err != nil {
			return nil, err
		}
		infos, err := s.writeSegments(def, newRowSet([][]*vector.Vector{cols}, []int{rows}), fmt.Sprintf("%s-m%d", tag, k), false)
		if err != nil {
			return nil, err
		}
		for _, si := range group {
			gone[si] = true
			if seg, err := s.openSeg(si); err == nil {
				seg.close()
			}
			os.Remove(s.segmentPath(si))
		}
		out = append(out, infos...)
	}
	for _, si := range segs {
		if !gone[si] {
			out = append(out, si)
		}
	}
	return out, nil
}

// readSegments decodes every row of a group of segments into one set of
// columns.
func (s *Store) readSegments(def *schema.Table, group []*segInfo) ([]*vector.Vector, int, error) {
	cols := make([]*vector.Vector, len(def.Columns))
	for i, c := range def.Columns {
		cols[i] = vector.New(c.Type, 0)
	}
	rows := 0
	for _, si := range group {
		seg, err := s.openSeg(si)
		if err != nil {
			return nil, 0, err
		}
		part, err := seg.readAll(def)
		if err != nil {
			return nil, 0, err
		}
		for i := range cols {
			vector.AppendVector(cols[i], part[i])
		}
		rows += seg.footer.Rows
	}
	return cols, rows, nil
}

// appendTarget returns the table an append of rows rows of cols goes to,
// once it has checked that the columns fit it.
func (s *Store) appendTarget(table string, cols []*vector.Vector, rows int) (*tableState, error) {
	s.mu.Lock()
	t, err := s.tableFor(table)
	s.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("table %s does not exist", table)
	}
	return t, checkAppend(t.def, cols, rows)
}

// checkAppend checks that columns fit a table for an append of rows rows.
func checkAppend(def *schema.Table, cols []*vector.Vector, rows int) error {
	if len(cols) != len(def.Columns) {
		return fmt.Errorf("append to %s: %d columns given, the table has %d", def.Name, len(cols), len(def.Columns))
	}
	for i, c := range cols {
		if c.Type != def.Columns[i].Type || c.Len < rows {
			return fmt.Errorf("append to %s: column %s is %s with %d rows, want %s with %d", def.Name, def.Columns[i].Name, c.Type, c.Len, def.Columns[i].Type, rows)
		}
	}
	return nil
}

// syncEach fsyncs each file and, once, each directory holding one.
func syncEach(paths []string) error {
	dirs := map[string]bool{}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		err = f.Sync()
		f.Close()
		if err != nil {
			return err
		}
		dirs[filepath.Dir(p)] = true
	}
	for d := range dirs {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	return nil
}
