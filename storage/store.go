package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"

	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Options tune a store. The zero value means the defaults.
type Options struct {
	// Retention is how long rows are kept, by their time column (default 30 days).
	Retention time.Duration
	// SealRows is the number of hot rows of a table that triggers sealing them
	// into segments (default 200,000).
	SealRows int
	// SealAge is how long rows may stay hot before NeedsSeal says to seal them
	// (default 5 minutes).
	SealAge time.Duration
	// HotBytes bounds the memory that hot rows of all tables take together
	// (estimated; default 256 MiB): beyond it, NeedsSeal says to seal the table
	// holding the most, even below SealRows. Hot rows are column vectors on the
	// heap, and a large heap of them makes every collection slow.
	HotBytes int64
	// SegmentRows caps the rows of one segment (default 1,048,576).
	SegmentRows int
	// SyncBatch trades up to a second of acknowledged rows on power failure (never
	// on a process crash) for ingest speed: commits are fsynced once a second
	// instead of each time.
	SyncBatch bool
	// Builtin resolves tables that exist without being created (the catalog).
	Builtin func(name string) (*schema.Table, bool)
	// Now is the clock (default time.Now); tests pin it.
	Now func() time.Time
	// Parallelism is the number of segments scanned at once (default GOMAXPROCS).
	Parallelism int
}

func (o *Options) fill() {
	if o.Retention <= 0 {
		o.Retention = 30 * 24 * time.Hour
	}
	if o.SealRows <= 0 {
		o.SealRows = 200_000
	}
	if o.SealAge <= 0 {
		o.SealAge = 5 * time.Minute
	}
	if o.HotBytes <= 0 {
		o.HotBytes = 256 << 20
	}
	if o.SegmentRows <= 0 {
		o.SegmentRows = 1 << 20
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Parallelism <= 0 {
		o.Parallelism = runtime.GOMAXPROCS(0)
	}
}

// Store is a data directory: hot rows and metadata in badger, sealed segments
// in files. It is safe for concurrent use.
type Store struct {
	dir  string
	db   *badger.DB
	opts Options

	// dropMu keeps writes out of DB.DropPrefix, which fails the writes that
	// arrive while it runs: every write holds it for reading, a drop for
	// writing.
	dropMu sync.RWMutex

	// Sealed generations not dropped yet, and the bytes of their batches: a
	// drop costs about the same however little it drops, so small ones wait
	// to be done together (see dropSealed).
	dropsMu      sync.Mutex
	drops        [][]byte
	dropsPending int64

	mu       sync.RWMutex
	tables   map[string]*tableState
	retired  []*segInfo // merged away by compaction; files removed at close
	hotBytes int64      // estimated memory of all hot batches

	stop chan struct{}
	wg   sync.WaitGroup
}

// tableState is one table's definition, hot rows and segments.
type tableState struct {
	def *schema.Table

	appendMu sync.Mutex // one append at a time keeps sequence order = commit order
	sealMu   sync.Mutex // one seal at a time

	// Guarded by appendMu.
	gen       uint64   // the generation new hot batches go to (see batchKey)
	gens      []uint64 // generations that may hold batch keys, ascending
	oldLayout bool     // badger may hold batches in the layout of keyHot

	// Guarded by Store.mu.
	nextSeq  uint64
	sealed   uint64 // every hot batch with seq <= sealed is in segments
	hot      []*hotBatch
	hotRows  int
	hotBytes int64
	segments []*segInfo
}

// segInfo is a manifest entry: one sealed segment.
type segInfo struct {
	ID      string `json:"id"`
	Table   string `json:"table"`
	Day     string `json:"day"`
	Rows    int    `json:"rows"`
	MinTime int64  `json:"min_time"`
	MaxTime int64  `json:"max_time"`
	Bytes   int64  `json:"bytes"`
	Raw     int64  `json:"raw"`

	once sync.Once
	seg  *segment
	err  error
}

// Badger key layout.
const (
	keyTable   = "t/" // t/<table> -> JSON table definition (created tables)
	keyHot     = "h/" // h/<table>/<seq> -> hot batch (stores of earlier versions)
	keyBatch   = "b/" // b/<table>/<gen><seq><chunks><chunk> -> chunk of a hot batch (see batchKey)
	keySealed  = "w/" // w/<table> -> sealed watermark
	keySegment = "s/" // s/<table>/<id> -> JSON segInfo
)

// hotKey is the key of a hot batch in the layout of earlier versions.
func hotKey(table string, seq uint64) []byte {
	k := []byte(keyHot + table + "/")
	return binary.BigEndian.AppendUint64(k, seq)
}

var tableNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Open opens (creating if needed) the data directory dir. Segment files that the
// manifest does not list (left by a crash during sealing) are removed, and hot
// batches already sealed are dropped, so every acknowledged row is visible
// exactly once.
func Open(dir string, opts Options) (*Store, error) {
	opts.fill()
	if err := os.MkdirAll(filepath.Join(dir, "segments"), 0o755); err != nil {
		return nil, err
	}
	bo := badgerOptions(filepath.Join(dir, "badger"), opts)
	if err := removeEmptyLogs(bo.Dir); err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	if err := checkTables(bo); err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	db, err := badger.Open(bo)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	s := &Store{dir: dir, db: db, opts: opts, tables: map[string]*tableState{}, stop: make(chan struct{})}
	if err := s.load(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	if opts.SyncBatch {
		s.wg.Add(1)
		go s.syncLoop()
	}
	return s, nil
}

// badgerOptions configures badger for hot batches that stay in the LSM tree
// (see batchKey) and are dropped a generation at a time.
//
// A batch of 16K rows of a wide table encodes to about 2 MiB, which a
// transaction of a 16 MiB memtable takes whole (badger allows 15% of it;
// larger batches take several). A seal's drop flushes the memtable, batches
// of the dropped generations included, so a larger one makes every drop
// longer, and appends wait for drops. The memtable's write-ahead log is
// preallocated at twice its size (sparse, deleted at close) and the value
// log's files likewise, so both are kept small, the value log's at the least
// badger allows: it gets no hot data. Tables are not compressed: hot batches
// are compressed already (badger records each table's compression, so tables
// written compressed by earlier versions still read).
func badgerOptions(dir string, opts Options) badger.Options {
	return badger.DefaultOptions(dir).
		WithLogger(nil).
		WithSyncWrites(!opts.SyncBatch).
		WithMemTableSize(hotMemTableBytes).
		WithNumMemtables(2).
		WithNumLevelZeroTables(4).
		WithNumLevelZeroTablesStall(8).
		WithNumCompactors(2).
		WithBlockCacheSize(16 << 20).
		WithIndexCacheSize(8 << 20).
		WithValueThreshold(hotValueThreshold).
		WithValueLogFileSize(1 << 20).
		WithCompression(options.None).
		WithChecksumVerificationMode(options.OnTableRead)
}

// hotMemTableBytes is badger's memtable size (see badgerOptions).
const hotMemTableBytes = 16 << 20

// update runs a read-write badger transaction, kept out of a running drop.
func (s *Store) update(fn func(txn *badger.Txn) error) error {
	s.dropMu.RLock()
	defer s.dropMu.RUnlock()
	return s.db.Update(fn)
}

// dropPrefixes drops every key under the prefixes, removing the badger
// tables that hold nothing else whole.
func (s *Store) dropPrefixes(prefixes [][]byte) error {
	if len(prefixes) == 0 {
		return nil
	}
	s.dropMu.Lock()
	defer s.dropMu.Unlock()
	return s.db.DropPrefix(prefixes...)
}

func (s *Store) syncLoop() {
	defer s.wg.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			_ = s.db.Sync()
		}
	}
}

// Close flushes and closes the store. Hot rows stay in badger; they are sealed
// on a later open or by Seal.
func (s *Store) Close() error {
	close(s.stop)
	s.wg.Wait()
	// Best effort: what is left is dropped at the next open.
	_ = s.dropPending(true)
	s.mu.Lock()
	for _, t := range s.tables {
		for _, si := range t.segments {
			if si.seg != nil {
				si.seg.close()
			}
		}
	}
	for _, si := range s.retired {
		if si.seg != nil {
			si.seg.close()
		}
		os.Remove(s.segmentPath(si))
	}
	s.retired = nil
	s.mu.Unlock()
	return s.db.Close()
}

func (s *Store) Dir() string { return s.dir }

func (s *Store) load() error {
	manifest := map[string]bool{}
	// Table definitions first: the other entries refer to them.
	err := s.iterate(keyTable, func(k string, v []byte) error {
		var def schema.Table
		if err := json.Unmarshal(v, &def); err != nil {
			return fmt.Errorf("table definition %s: %w", k, err)
		}
		s.state(&def)
		return nil
	})
	if err == nil {
		err = s.iterate(keySealed, func(k string, v []byte) error {
			t, err := s.tableFor(k[len(keySealed):])
			if err != nil {
				return err
			}
			if len(v) != 8 {
				return fmt.Errorf("watermark %s is damaged", k)
			}
			t.sealed = binary.BigEndian.Uint64(v)
			return nil
		})
	}
	if err == nil {
		err = s.iterate(keySegment, func(k string, v []byte) error {
			si := &segInfo{}
			if err := json.Unmarshal(v, si); err != nil {
				return fmt.Errorf("manifest entry %s: %w", k, err)
			}
			t, err := s.tableFor(si.Table)
			if err != nil {
				return err
			}
			t.segments = append(t.segments, si)
			manifest[s.segmentPath(si)] = true
			return nil
		})
	}
	if err != nil {
		return err
	}
	// Hot batches: keep those above the watermark, drop the sealed ones.
	sealedKeys, err := s.loadOldBatches()
	if err != nil {
		return err
	}
	sealedGens, err := s.loadBatches()
	if err != nil {
		return err
	}
	for _, t := range s.tables {
		t.nextSeq = max(t.nextSeq, t.sealed)
		sortSegments(t.segments)
		// Batches of both layouts may interleave after an upgrade.
		if t.oldLayout {
			sort.SliceStable(t.hot, func(i, j int) bool { return t.hot[i].seq < t.hot[j].seq })
		}
	}
	if err := s.deleteKeys(sealedKeys); err != nil {
		return err
	}
	// A seal that committed and was cut short before its drop left these.
	if err := s.db.DropPrefix(sealedGens...); err != nil {
		return err
	}
	if err := s.removeOrphans(manifest); err != nil {
		return err
	}
	return s.applyRetention()
}

// addLoaded adds a hot batch found at open.
func (s *Store) addLoaded(t *tableState, hb *hotBatch) {
	t.hot = append(t.hot, hb)
	t.hotRows += hb.rows
	t.hotBytes += hb.bytes
	s.hotBytes += hb.bytes
	t.nextSeq = max(t.nextSeq, hb.seq)
}

// loadOldBatches reads the hot batches kept in the layout of earlier
// versions (see keyHot) above each table's watermark, and returns the keys
// of those below it.
func (s *Store) loadOldBatches() (sealedKeys [][]byte, err error) {
	err = s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: false, Prefix: []byte(keyHot)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().KeyCopy(nil)
			rest := string(k[len(keyHot):])
			if len(rest) < 10 {
				return fmt.Errorf("bad hot key %q", k)
			}
			slash := strings.LastIndexByte(rest[:len(rest)-8], '/')
			if slash < 0 || len(rest)-slash-1 != 8 {
				return fmt.Errorf("bad hot key %q", k)
			}
			name := rest[:slash]
			seq := binary.BigEndian.Uint64(k[len(k)-8:])
			t, err := s.tableFor(name)
			if err != nil {
				return err
			}
			if seq <= t.sealed {
				sealedKeys = append(sealedKeys, k)
				continue
			}
			var cols []*vector.Vector
			var texts [][]string
			var rows, size int
			if err := it.Item().Value(func(v []byte) error {
				var err error
				cols, texts, rows, err = decodeHotBatch(t.def, v)
				size = len(v)
				return err
			}); err != nil {
				return fmt.Errorf("hot batch %d of %s: %w", seq, name, err)
			}
			t.oldLayout = true
			s.addLoaded(t, &hotBatch{seq: seq, rows: rows, cols: cols, texts: texts, bytes: hotBatchBytes(cols, rows, size), encoded: size})
		}
		return nil
	})
	return sealedKeys, err
}

// loadBatches reads the hot batches (see batchKey) above each table's
// watermark and returns the key prefixes of the generations below it. Every
// generation seen is one that the next seal drops, and new batches go to a
// later one.
func (s *Store) loadBatches() (sealedGens [][]byte, err error) {
	var cur *loadedBatch
	finish := func() error {
		if cur == nil || cur.next != cur.n {
			return nil // none, or never acknowledged: chunks are missing
		}
		cols, texts, rows, err := decodeHotBatch(cur.t.def, cur.buf)
		if err != nil {
			return fmt.Errorf("hot batch %d of %s: %w", cur.seq, cur.t.def.Name, err)
		}
		s.addLoaded(cur.t, &hotBatch{seq: cur.seq, rows: rows, cols: cols, texts: texts, bytes: hotBatchBytes(cols, rows, len(cur.buf)), encoded: len(cur.buf)})
		return nil
	}
	err = s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: false, Prefix: []byte(keyBatch)})
		defer it.Close()
		var buf []byte
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().Key()
			name, gen, seq, n, i, ok := parseBatchKey(k)
			if !ok {
				return fmt.Errorf("bad hot batch key %q", k)
			}
			t, err := s.tableFor(name)
			if err != nil {
				return err
			}
			if l := len(t.gens); l == 0 || t.gens[l-1] != gen {
				t.gens = append(t.gens, gen)
				t.gen = max(t.gen, gen+1)
				if seq <= t.sealed {
					sealedGens = append(sealedGens, batchGenPrefix(name, gen))
				}
			}
			if seq <= t.sealed {
				continue
			}
			if cur == nil || cur.t != t || cur.seq != seq {
				if err := finish(); err != nil {
					return err
				}
				if cur != nil {
					buf = cur.buf[:0]
				}
				cur = &loadedBatch{t: t, seq: seq, n: n, buf: buf}
			}
			if cur.next != i || cur.n != n {
				cur.next = -1
				continue
			}
			if err := it.Item().Value(func(v []byte) error {
				cur.buf = append(cur.buf, v...)
				return nil
			}); err != nil {
				return fmt.Errorf("hot batch %d of %s: %w", seq, name, err)
			}
			cur.next++
		}
		return finish()
	})
	return sealedGens, err
}

// iterate calls fn with every key under prefix and its value.
func (s *Store) iterate(prefix string, fn func(k string, v []byte) error) error {
	return s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := string(it.Item().Key())
			if err := it.Item().Value(func(v []byte) error { return fn(k, v) }); err != nil {
				return err
			}
		}
		return nil
	})
}

// tableFor returns the state of a table that has data, resolving built-in tables.
func (s *Store) tableFor(name string) (*tableState, error) {
	if t, ok := s.tables[name]; ok {
		return t, nil
	}
	if s.opts.Builtin != nil {
		if def, ok := s.opts.Builtin(name); ok {
			return s.state(def), nil
		}
	}
	return nil, fmt.Errorf("the store has data for table %s, which is neither created nor built in", name)
}

func (s *Store) state(def *schema.Table) *tableState {
	t := &tableState{def: def, gen: 1}
	s.tables[def.Name] = t
	return t
}

// removeOrphans deletes segment files (and temporary files) not in the manifest.
func (s *Store) removeOrphans(manifest map[string]bool) error {
	root := filepath.Join(s.dir, "segments")
	return filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !manifest[path] {
			return os.Remove(path)
		}
		return nil
	})
}

func (s *Store) deleteKeys(keys [][]byte) error {
	if len(keys) == 0 {
		return nil
	}
	s.dropMu.RLock()
	defer s.dropMu.RUnlock()
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	for _, k := range keys {
		if err := wb.Delete(k); err != nil {
			return err
		}
	}
	return wb.Flush()
}

func (s *Store) segmentPath(si *segInfo) string {
	return filepath.Join(s.dir, "segments", si.Table, si.Day, si.ID+".seg")
}

func sortSegments(segs []*segInfo) {
	sort.Slice(segs, func(i, j int) bool {
		if segs[i].MinTime != segs[j].MinTime {
			return segs[i].MinTime < segs[j].MinTime
		}
		return segs[i].ID < segs[j].ID
	})
}

// CreateTable creates a table. It fails if the name is taken.
func (s *Store) CreateTable(def *schema.Table) error {
	if !tableNameRE.MatchString(def.Name) {
		return fmt.Errorf("table name %q must be letters, digits and underscores, not starting with a digit", def.Name)
	}
	if len(def.Columns) == 0 {
		return fmt.Errorf("table %s has no columns", def.Name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.tables[def.Name]; ok {
		return fmt.Errorf("table %s already exists", def.Name)
	}
	if s.opts.Builtin != nil {
		if _, ok := s.opts.Builtin(def.Name); ok {
			return fmt.Errorf("table %s is built in", def.Name)
		}
	}
	cp := *def
	if cp.TimeColumn == "" {
		cp.TimeColumn = schema.DefaultTimeColumn(cp.Columns)
	}
	js, err := json.Marshal(&cp)
	if err != nil {
		return err
	}
	if err := s.update(func(txn *badger.Txn) error { return txn.Set([]byte(keyTable+cp.Name), js) }); err != nil {
		return fmt.Errorf("create table %s: %w", cp.Name, err)
	}
	s.state(&cp)
	return nil
}

// DropTable deletes a created table and all its rows.
func (s *Store) DropTable(name string) error {
	s.mu.Lock()
	t, ok := s.tables[name]
	s.mu.Unlock()
	if !ok {
		return fmt.Errorf("table %s does not exist", name)
	}
	t.appendMu.Lock()
	defer t.appendMu.Unlock()
	t.sealMu.Lock()
	defer t.sealMu.Unlock()
	err := s.update(func(txn *badger.Txn) error {
		if err := txn.Delete([]byte(keyTable + name)); err != nil {
			return err
		}
		return txn.Delete([]byte(keySealed + name))
	})
	if err == nil {
		err = s.dropPrefixes([][]byte{[]byte(keyHot + name + "/"), batchTablePrefix(name), []byte(keySegment + name + "/")})
	}
	if err != nil {
		return fmt.Errorf("drop table %s: %w", name, err)
	}
	// The table's drops still waiting are done, and must not touch the keys of
	// a table created later under the same name.
	s.dropsMu.Lock()
	keep := s.drops[:0]
	for _, p := range s.drops {
		if !bytes.HasPrefix(p, batchTablePrefix(name)) && !bytes.HasPrefix(p, []byte(keyHot+name+"/")) {
			keep = append(keep, p)
		}
	}
	s.drops = keep
	s.dropsMu.Unlock()
	s.mu.Lock()
	delete(s.tables, name)
	s.hotBytes -= t.hotBytes
	for _, si := range t.segments {
		if si.seg != nil {
			si.seg.close()
		}
	}
	s.mu.Unlock()
	return os.RemoveAll(filepath.Join(s.dir, "segments", name))
}

// Table returns a table's definition: created, built in, or nil.
func (s *Store) Table(name string) *schema.Table {
	s.mu.RLock()
	t, ok := s.tables[name]
	s.mu.RUnlock()
	if ok {
		return t.def
	}
	if s.opts.Builtin != nil {
		if def, ok := s.opts.Builtin(name); ok {
			return def
		}
	}
	return nil
}

// Tables lists the tables that were created or hold data, sorted by name.
func (s *Store) Tables() []*schema.Table {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*schema.Table, 0, len(s.tables))
	for _, t := range s.tables {
		out = append(out, t.def)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// RetentionCutoff is the oldest time (in datetime ticks) a row may have.
func (s *Store) RetentionCutoff() int64 {
	return types.TimeToTicks(s.opts.Now().Add(-s.opts.Retention))
}

// Append stores rows durably: when it returns nil, they survive a crash and are
// visible to scans. cols are in the table's column order, each of its type.
func (s *Store) Append(table string, cols []*vector.Vector, rows int) error {
	if rows == 0 {
		return nil
	}
	t, err := s.appendTarget(table, cols, rows)
	if err != nil {
		return err
	}
	val, texts := encodeHotBatch(newHotBuf(), t.def, cols, rows)
	t.appendMu.Lock()
	s.mu.Lock()
	// A failed append uses up its number too: some of its chunks may be
	// stored.
	t.nextSeq++
	seq := t.nextSeq
	s.mu.Unlock()
	gen := t.gen
	if n := len(t.gens); n == 0 || t.gens[n-1] != gen {
		t.gens = append(t.gens, gen)
	}
	s.dropMu.RLock()
	err = s.writeHotBatch(table, gen, seq, val)
	s.dropMu.RUnlock()
	hb := &hotBatch{seq: seq, rows: rows, cols: cols, texts: texts, added: s.opts.Now(), bytes: hotBatchBytes(cols, rows, len(val)), encoded: len(val)}
	putHotBuf(val)
	if err == nil {
		s.mu.Lock()
		t.hot = append(t.hot, hb)
		t.hotRows += rows
		t.hotBytes += hb.bytes
		s.hotBytes += hb.bytes
		s.mu.Unlock()
	}
	t.appendMu.Unlock()
	if err != nil {
		return fmt.Errorf("append to %s: %w", table, err)
	}
	return nil
}

// HotRows is the number of rows of a table not yet sealed.
func (s *Store) HotRows(table string) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if t, ok := s.tables[table]; ok {
		return t.hotRows
	}
	return 0
}

// NeedsSeal reports whether a table's hot rows have reached the sealing
// threshold, by count or by the age of the oldest, or whether the hot rows of
// all tables take more memory than HotBytes and this table holds the most.
func (s *Store) NeedsSeal(table string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.tables[table]
	if !ok || len(t.hot) == 0 {
		return false
	}
	if t.hotRows >= s.opts.SealRows || s.opts.Now().Sub(t.hot[0].added) >= s.opts.SealAge {
		return true
	}
	if s.hotBytes < s.opts.HotBytes {
		return false
	}
	for _, o := range s.tables {
		if o.hotBytes > t.hotBytes {
			return false
		}
	}
	return true
}

// TableDetails summarises what a table holds.
type TableDetails struct {
	Rows     int64 // all rows, sealed and hot
	HotRows  int64
	Segments int
	Bytes    int64 // segment bytes on disk
	RawBytes int64 // the sealed columns' size before encoding and compression
	MinTime  int64 // datetime ticks of the oldest and newest sealed row; 0 when none
	MaxTime  int64
}

// Details returns a table's row counts, segments, size and time range.
func (s *Store) Details(table string) (TableDetails, error) {
	var d TableDetails
	if s.Table(table) == nil {
		return d, fmt.Errorf("table %s does not exist", table)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.tables[table]
	if !ok {
		return d, nil
	}
	d.HotRows = int64(t.hotRows)
	d.Rows = d.HotRows
	for _, si := range t.segments {
		d.Rows += int64(si.Rows)
		d.Segments++
		d.Bytes += si.Bytes
		d.RawBytes += si.Raw
		if d.MinTime == 0 || si.MinTime < d.MinTime {
			d.MinTime = si.MinTime
		}
		d.MaxTime = max(d.MaxTime, si.MaxTime)
	}
	return d, nil
}

// Sync makes every acknowledged row durable (with SyncBatch, ahead of the tick).
func (s *Store) Sync() error { return s.db.Sync() }
