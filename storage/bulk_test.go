package storage

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// TestBulkLoad checks that a bulk load shows nothing until it closes, then
// every row once; that rows in time order are written as one segment per
// day, and rows out of order are merged to one per day at close; and that
// the load survives reopening the store.
func TestBulkLoad(t *testing.T) {
	for _, ordered := range []bool{true, false} {
		t.Run(fmt.Sprintf("ordered=%v", ordered), func(t *testing.T) {
			dir := t.TempDir()
			// In order, the load writes at day boundaries that fall inside
			// batches; out of order, at a small memory limit.
			opts := Options{}
			if !ordered {
				opts.HotBytes = 100_000
			}
			s := openTest(t, dir, opts)
			if err := s.CreateTable(eventsTable()); err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewSource(3))
			const days, perBatch, batches = 5, 1300, 62
			var parts [][]*vector.Vector
			start := types.TimeToTicks(testNow.Add(-days * 24 * time.Hour))
			for i := 0; i < batches; i++ {
				cols := makeRows(rng, i*perBatch, perBatch)
				for r := 0; r < perBatch; r++ {
					row := i*perBatch + r
					if ordered {
						cols[0].Ints[r] = start + int64(row)*(days*types.TicksPerDay)/(batches*perBatch)
					} else {
						cols[0].Ints[r] = start + rng.Int63n(days*types.TicksPerDay)
					}
				}
				parts = append(parts, cols)
			}
			all := concat(parts...)
			l := s.NewBulkLoader()
			for _, cols := range parts {
				if err := l.Append("Events", cols, perBatch); err != nil {
					t.Fatal(err)
				}
			}
			// 16,120 rows a day, batches that straddle days: at least two
			// writes of two days each happen before the close.
			if l.bulk.writes < 2 {
				t.Fatalf("%d writes before the close, want at least 2", l.bulk.writes)
			}
			if got := collect(t, s, ScanRequest{Table: "Events"}); len(got) != 0 {
				t.Fatalf("%d rows visible before the load closed", len(got))
			}
			if err := l.Close(true); err != nil {
				t.Fatal(err)
			}
			check := func(stage string) {
				t.Helper()
				for i, req := range testRequests {
					want := bruteForce(all, batches*perBatch, req)
					if got := collect(t, s, req); fmt.Sprint(got) != fmt.Sprint(want) {
						t.Fatalf("%s: request %d: %d rows, want %d", stage, i, len(got), len(want))
					}
				}
				perDay := map[string]int{}
				for _, si := range s.tables["Events"].segments {
					perDay[si.Day]++
				}
				for day, n := range perDay {
					if n != 1 {
						t.Errorf("%s: day %s has %d segments, want 1", stage, day, n)
					}
				}
				for _, si := range s.tables["Events"].segments {
					if ordered && strings.Contains(si.ID, "-m") {
						t.Errorf("%s: segment %s was merged: rows in time order were split", stage, si.ID)
					}
				}
				if len(perDay) < days {
					t.Errorf("%s: %d days of segments, want at least %d", stage, len(perDay), days)
				}
				if s.HotRows("Events") != 0 {
					t.Errorf("%s: %d hot rows after a bulk load", stage, s.HotRows("Events"))
				}
			}
			check("loaded")
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s = openTest(t, dir, Options{})
			defer s.Close()
			check("reopened")
		})
	}
}

// TestBulkLoadWritesEndedDays checks that a quiet table's day is written as
// soon as a batch of a later day arrives, however few its rows: a producer
// that hands over a day at a time has each day written while it makes the
// next, not all of them at the close. Once a straggler shows the input out
// of day order, days wait again, and the pieces of a day are merged.
func TestBulkLoadWritesEndedDays(t *testing.T) {
	s := openTest(t, t.TempDir(), Options{})
	defer s.Close()
	if err := s.CreateTable(eventsTable()); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(5))
	const days, perDay = 4, 40
	start := types.TimeToTicks(testNow.Add(-days * 24 * time.Hour))
	start -= start % types.TicksPerDay
	l := s.NewBulkLoader()
	var parts [][]*vector.Vector
	for d := 0; d < days; d++ {
		cols := makeRows(rng, d*perDay, perDay)
		for r := 0; r < perDay; r++ {
			cols[0].Ints[r] = start + int64(d)*types.TicksPerDay + int64(r)*types.TicksPerDay/perDay
		}
		parts = append(parts, cols)
		if err := l.Append("Events", cols, perDay); err != nil {
			t.Fatal(err)
		}
		if l.bulk.writes != d {
			t.Fatalf("after day %d: %d writes, want %d (one per ended day)", d, l.bulk.writes, d)
		}
	}
	// A straggler of a written day shows the input out of order: from then
	// on a later day no longer has the buffered ones written at once.
	appendDay := func(d int) {
		t.Helper()
		cols := makeRows(rng, len(parts)*perDay, perDay)
		for r := 0; r < perDay; r++ {
			cols[0].Ints[r] = start + int64(d)*types.TicksPerDay + int64(r)*types.TicksPerDay/perDay + 1
		}
		parts = append(parts, cols)
		if err := l.Append("Events", cols, perDay); err != nil {
			t.Fatal(err)
		}
	}
	appendDay(1)
	appendDay(days)
	if l.bulk.writes != days-1 {
		t.Fatalf("after a straggler and a new day: %d writes, want still %d", l.bulk.writes, days-1)
	}
	if err := l.Close(true); err != nil {
		t.Fatal(err)
	}
	all := concat(parts...)
	total := len(parts) * perDay
	for i, req := range testRequests {
		want := bruteForce(all, total, req)
		if got := collect(t, s, req); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("request %d: %d rows, want %d", i, len(got), len(want))
		}
	}
	// Day 1's two pieces were merged at the close.
	if n := len(s.tables["Events"].segments); n != days+1 {
		t.Errorf("%d segments, want one per day (%d)", n, days+1)
	}
}

// TestBulkLoadRejectsBadColumns checks that a batch that does not fit the
// table is refused.
func TestBulkLoadRejectsBadColumns(t *testing.T) {
	s := openTest(t, t.TempDir(), Options{})
	defer s.Close()
	if err := s.CreateTable(eventsTable()); err != nil {
		t.Fatal(err)
	}
	l := s.NewBulkLoader()
	cols := makeRows(rand.New(rand.NewSource(1)), 0, 10)
	if err := l.Append("Events", cols[:3], 10); err == nil {
		t.Error("three columns of seven: no error")
	}
	if err := l.Append("Nope", cols, 10); err == nil {
		t.Error("an unknown table: no error")
	}
	if err := l.Close(true); err != nil {
		t.Fatal(err)
	}
}
