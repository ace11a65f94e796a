package storage

import (
	"context"
	"fmt"
	"math/rand"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// TestScanLatest checks that a scan for the latest (earliest) rows sends
// every row among the n latest, ties at the cut included, and only rows that
// match; and that it reads fewer blocks than a whole scan.
func TestScanLatest(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	const n = 300_000
	rows := makeRows(rng, 0, n)
	// Three days, several blocks each, with runs of equal times; the latest
	// day's 120,000 rows all have one time, so each of them ties at any cut.
	start := types.TimeToTicks(testNow.Add(-4 * 24 * time.Hour))
	for r := 0; r < n; r++ {
		rows[0].Ints[r] = start + rng.Int63n(3*24*3600)*types.TicksPerSecond
		if r < 120_000 {
			rows[0].Ints[r] = start + 3*types.TicksPerDay + 3600*types.TicksPerSecond
		}
	}
	s := openTest(t, t.TempDir(), Options{SegmentRows: 1 << 20})
	defer s.Close()
	if err := s.CreateTable(eventsTable()); err != nil {
		t.Fatal(err)
	}
	if err := s.Append("Events", rows, n); err != nil {
		t.Fatal(err)
	}
	if err := s.Seal("Events"); err != nil {
		t.Fatal(err)
	}
	// Some unsealed rows too.
	hot := makeRows(rng, n, 1000)
	for r := 0; r < 1000; r++ {
		hot[0].Ints[r] = start + rng.Int63n(4*24*3600)*types.TicksPerSecond
	}
	if err := s.Append("Events", hot, 1000); err != nil {
		t.Fatal(err)
	}
	all := concat(rows, hot)
	for _, tc := range []struct {
		want     int
		earliest bool
		preds    []Pred
	}{
		{100, false, nil},
		{100, true, nil},
		{50, false, []Pred{{Column: "DeviceName", Op: Equals, Values: []string{"ws-03"}}}},
		{5000, false, []Pred{{Column: "CommandLine", Op: HasTerm, Values: []string{"rareterm1"}}}},
		{10, true, []Pred{{Column: "Port", Op: IntRange, Lo: 100, Hi: 200}}},
	} {
		name := fmt.Sprintf("latest=%d earliest=%v %v", tc.want, tc.earliest, tc.preds)
		req := ScanRequest{Table: "Events", Columns: []string{"Timestamp", "Seq"}, Preds: tc.preds, Latest: tc.want, Earliest: tc.earliest}
		match := map[int64]int64{} // Seq -> time of every matching row
		for _, seq := range bruteForce(all, n+1000, ScanRequest{Table: "Events", Preds: tc.preds}) {
			match[seq] = all[0].Ints[seq]
		}
		var times []int64
		for _, ts := range match {
			times = append(times, ts)
		}
		sort.Slice(times, func(i, j int) bool {
			if tc.earliest {
				return times[i] < times[j]
			}
			return times[i] > times[j]
		})
		cut := times[min(tc.want, len(times))-1]
		got := map[int64]bool{}
		var mu sync.Mutex // fn runs on several goroutines
		st, err := s.Scan(context.Background(), req, func(b *vector.Batch) error {
			mu.Lock()
			defer mu.Unlock()
			for i := 0; i < b.Len; i++ {
				seq := b.Cols[1].Ints[i]
				if ts, ok := match[seq]; !ok || ts != b.Cols[0].Ints[i] {
					return fmt.Errorf("row %d does not match the request", seq)
				}
				got[seq] = true
			}
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for seq, ts := range match {
			in := ts >= cut
			if tc.earliest {
				in = ts <= cut
			}
			if in && !got[seq] {
				t.Fatalf("%s: row %d (time %d, cut %d) is missing", name, seq, ts, cut)
			}
		}
		whole, err := s.Scan(context.Background(), ScanRequest{Table: "Events", Columns: req.Columns, Preds: tc.preds}, func(*vector.Batch) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		if tc.want <= 100 && st.BlocksRead >= whole.BlocksRead {
			t.Errorf("%s: read %d blocks, as many as a whole scan (%d)", name, st.BlocksRead, whole.BlocksRead)
		}
	}
}
