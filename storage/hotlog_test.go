package storage

import (
	"bytes"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// badgerKeys returns the keys under prefix, in order.
func badgerKeys(t *testing.T, s *Store, prefix string) [][]byte {
	t.Helper()
	var keys [][]byte
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			keys = append(keys, it.Item().KeyCopy(nil))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// badgerBytes adds up the sizes of the badger files whose names end in ext.
func badgerBytes(t *testing.T, dir, ext string) int64 {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "badger", "*"+ext))
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// TestHotBatchesDroppedAfterSeal: sealing drops the hot batches it covers
// from badger, at once when they are many bytes, and the space they took is
// given back, so ingested bytes do not stay on disk twice; later appends go
// on in a new generation.
func TestHotBatchesDroppedAfterSeal(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(11))
	s := openTest(t, dir, Options{})
	s.CreateTable(eventsTable())
	var encoded int
	for i := 0; i < 8; i++ {
		rows := makeRows(rng, i*50_000, 50_000)
		val, _ := encodeHotBatch(nil, s.Table("Events"), rows, 50_000)
		encoded += len(val)
		if err := s.Append("Events", rows, 50_000); err != nil {
			t.Fatal(err)
		}
	}
	if len(badgerKeys(t, s, keyBatch)) < 8 {
		t.Fatal("the hot batches are not in badger")
	}
	if encoded < hotDropBytes {
		t.Fatalf("%d bytes of batches wait for a later drop; make them more", encoded)
	}
	if err := s.Seal("Events"); err != nil {
		t.Fatal(err)
	}
	if keys := badgerKeys(t, s, keyBatch); len(keys) != 0 {
		t.Fatalf("%d hot batch keys left after the seal", len(keys))
	}
	if err := s.Append("Events", makeRows(rng, 400_000, 500), 500); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// What badger keeps after the seal is metadata and one small batch: far
	// less than the batches it was given, none of which went to the value log.
	sst, vlog := badgerBytes(t, dir, ".sst"), badgerBytes(t, dir, ".vlog")
	t.Logf("%d bytes of batches sealed; badger keeps %d bytes of tables, %d of value log", encoded, sst, vlog)
	if sst > int64(encoded)/10 || vlog > 1<<20 {
		t.Fatalf("badger holds %d bytes of tables and %d of value log after sealing %d bytes of batches", sst, vlog, encoded)
	}
	s = openTest(t, dir, Options{})
	defer s.Close()
	if got := collect(t, s, ScanRequest{Table: "Events"}); len(got) != 400_500 {
		t.Fatalf("after reopen: %d rows, want 400500", len(got))
	}
	if s.HotRows("Events") != 500 {
		t.Fatalf("%d hot rows after reopen, want 500", s.HotRows("Events"))
	}
}

// TestHotBatchChunks: a batch larger than a badger value may be is stored in
// chunks, across transactions when it does not fit in one, and reads back
// whole; a batch with a chunk missing was never acknowledged and is skipped.
func TestHotBatchChunks(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(12))
	s := openTest(t, dir, Options{})
	s.CreateTable(eventsTable())
	big := makeRows(rng, 0, 600_000)
	val, _ := encodeHotBatch(nil, s.Table("Events"), big, 600_000)
	if len(val) < 2*hotMemTableBytes*15/100 {
		t.Fatalf("a batch of %d bytes does not need two transactions; make it larger", len(val))
	}
	if err := s.Append("Events", big, 600_000); err != nil {
		t.Fatal(err)
	}
	if err := s.Append("Events", makeRows(rng, 600_000, 1_000), 1_000); err != nil {
		t.Fatal(err)
	}
	if err := s.Append("Events", makeRows(rng, 601_000, 300_000), 300_000); err != nil {
		t.Fatal(err)
	}
	keys := badgerKeys(t, s, keyBatch)
	want := (len(val) + hotChunkBytes - 1) / hotChunkBytes
	first := 0
	for _, k := range keys {
		if _, _, seq, n, _, ok := parseBatchKey(k); ok && seq == 1 {
			first++
			if n != want {
				t.Fatalf("the first batch says it has %d chunks, want %d", n, want)
			}
		}
	}
	if first != want {
		t.Fatalf("the first batch has %d chunks, want %d", first, want)
	}
	s.Close()
	s = openTest(t, dir, Options{})
	if got := collect(t, s, ScanRequest{Table: "Events"}); len(got) != 901_000 || got[0] != 0 || got[len(got)-1] != 900_999 {
		t.Fatalf("after reopen: %d rows, want 901000", len(got))
	}
	// Drop the second chunk of the last batch, as if the process had died
	// between its transactions.
	var cut []byte
	for _, k := range badgerKeys(t, s, keyBatch) {
		if _, _, seq, n, i, _ := parseBatchKey(k); seq == 3 && n > 1 && i == 1 {
			cut = k
		}
	}
	if cut == nil {
		t.Fatal("the last batch has no second chunk; make it larger")
	}
	if err := s.db.Update(func(txn *badger.Txn) error { return txn.Delete(cut) }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = openTest(t, dir, Options{})
	if got := collect(t, s, ScanRequest{Table: "Events"}); len(got) != 601_000 {
		t.Fatalf("with a chunk missing: %d rows, want 601000", len(got))
	}
	if err := s.Append("Events", makeRows(rng, 901_000, 100), 100); err != nil {
		t.Fatal(err)
	}
	if err := s.Seal("Events"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = openTest(t, dir, Options{})
	defer s.Close()
	// The seal's drop took the incomplete batch's chunks along with the
	// sealed ones.
	if keys := badgerKeys(t, s, keyBatch); len(keys) != 0 {
		t.Fatalf("%d hot batch keys left after the seal", len(keys))
	}
	if got := collect(t, s, ScanRequest{Table: "Events"}); len(got) != 601_100 {
		t.Fatalf("after the seal and reopen: %d rows, want 601100", len(got))
	}
}

// TestSealedBatchesLeftBehind: batches that a seal covered but did not drop
// (the process died between its commit and its drop) are not read again at
// open, so no row is there twice, and they are dropped then; small drops wait
// for the store's close.
func TestSealedBatchesLeftBehind(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(13))
	s := openTest(t, dir, Options{})
	s.CreateTable(eventsTable())
	if err := s.Append("Events", makeRows(rng, 0, 1_000), 1_000); err != nil {
		t.Fatal(err)
	}
	sealed := badgerKeys(t, s, keyBatch)
	if err := s.Seal("Events"); err != nil {
		t.Fatal(err)
	}
	if keys := badgerKeys(t, s, keyBatch); len(keys) != len(sealed) {
		t.Fatalf("%d hot batch keys after a small seal, want %d waiting for a later drop", len(keys), len(sealed))
	}
	if err := s.Append("Events", makeRows(rng, 1_000, 200), 200); err != nil {
		t.Fatal(err)
	}
	// As if the process died before the drop.
	s.dropsMu.Lock()
	s.drops = nil
	s.dropsMu.Unlock()
	s.Close()
	s = openTest(t, dir, Options{})
	if got := collect(t, s, ScanRequest{Table: "Events"}); len(got) != 1_200 {
		t.Fatalf("with a sealed batch left behind: %d rows, want 1200", len(got))
	}
	left := badgerKeys(t, s, keyBatch)
	for _, k := range left {
		if bytes.Equal(k, sealed[0]) {
			t.Fatal("the sealed batch left behind is still in badger after open")
		}
	}
	if len(left) == 0 {
		t.Fatal("the hot batch appended after the seal is gone")
	}
	if err := s.Seal("Events"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = openTest(t, dir, Options{})
	defer s.Close()
	if keys := badgerKeys(t, s, keyBatch); len(keys) != 0 {
		t.Fatalf("%d hot batch keys left after a seal and close", len(keys))
	}
	if got := collect(t, s, ScanRequest{Table: "Events"}); len(got) != 1_200 {
		t.Fatalf("after the last seal: %d rows, want 1200", len(got))
	}
}

// TestHotBatchesInBadgerOldLayout: hot batches that earlier versions kept
// in badger as one value each are read at open and dropped once sealed.
func TestHotBatchesInBadgerOldLayout(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(14))
	s := openTest(t, dir, Options{})
	s.CreateTable(eventsTable())
	old := makeRows(rng, 0, 1_000)
	val, _ := encodeHotBatch(nil, s.Table("Events"), old, 1_000)
	if err := s.db.Update(func(txn *badger.Txn) error { return txn.Set(hotKey("Events", 1), val) }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = openTest(t, dir, Options{})
	if err := s.Append("Events", makeRows(rng, 1_000, 500), 500); err != nil {
		t.Fatal(err)
	}
	if got := collect(t, s, ScanRequest{Table: "Events"}); len(got) != 1_500 {
		t.Fatalf("%d rows with a batch in the old layout, want 1500", len(got))
	}
	if err := s.Seal("Events"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = openTest(t, dir, Options{})
	defer s.Close()
	if n := len(badgerKeys(t, s, keyHot)) + len(badgerKeys(t, s, keyBatch)); n != 0 {
		t.Fatalf("%d hot keys left in badger after the seal", n)
	}
	if got := collect(t, s, ScanRequest{Table: "Events"}); len(got) != 1_500 {
		t.Fatalf("after reopen: %d rows, want 1500", len(got))
	}
}

// TestBadHotBatchKey: a key under the hot batch prefix that is not one is
// damage: opening fails and names it.
func TestBadHotBatchKey(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir, Options{})
	s.CreateTable(eventsTable())
	if err := s.db.Update(func(txn *badger.Txn) error { return txn.Set([]byte(keyBatch+"Events/x"), []byte("v")) }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(dir, Options{})
	if err == nil {
		s2.Close()
		t.Fatal("a store with a bad hot batch key opened")
	}
	if !strings.Contains(err.Error(), "bad hot batch key") {
		t.Fatalf("error %q does not name the bad key", err)
	}
}

// TestDropTableWithDropWaiting: a table dropped while a small drop of its
// sealed batches waits, then created again, keeps the rows appended to it
// after: the waiting drop does not reach the new table's batches.
func TestDropTableWithDropWaiting(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(15))
	s := openTest(t, dir, Options{})
	s.CreateTable(eventsTable())
	if err := s.Append("Events", makeRows(rng, 0, 1_000), 1_000); err != nil {
		t.Fatal(err)
	}
	if err := s.Seal("Events"); err != nil {
		t.Fatal(err)
	}
	if err := s.DropTable("Events"); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateTable(eventsTable()); err != nil {
		t.Fatal(err)
	}
	if err := s.Append("Events", makeRows(rng, 1_000, 700), 700); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = openTest(t, dir, Options{})
	defer s.Close()
	if got := collect(t, s, ScanRequest{Table: "Events"}); len(got) != 700 || got[0] != 1_000 {
		t.Fatalf("after drop, create and reopen: %d rows, want 700", len(got))
	}
}
