package storage

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/spoorhq/spoor/types"
)

// TestCountBy checks the counts by a column against a brute-force count, for
// requests that take segments whole (answered from stored counts, reading no
// block), in part and with predicates; over sealed and hot rows; and over
// segments whose counts are missing, as those of earlier versions are.
func TestCountBy(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	a := makeRows(rng, 0, 120_000)
	b := makeRows(rng, 120_000, 20_000)
	all := concat(a, b)
	s := openTest(t, t.TempDir(), Options{SegmentRows: 50_000})
	defer s.Close()
	if err := s.CreateTable(eventsTable()); err != nil {
		t.Fatal(err)
	}
	day := int64(types.TicksPerDay)
	start := types.TimeToTicks(testNow.Add(-7 * 24 * time.Hour))
	reqs := []ScanRequest{
		{Table: "Events"},
		{Table: "Events", MinTime: start + 2*day + day/3, MaxTime: start + 5*day},
		{Table: "Events", Preds: []Pred{{Column: "CommandLine", Op: HasTerm, Values: []string{"whoami"}}}},
		{Table: "Events", MinTime: start + 8*day},
	}
	want := func(n int, req ScanRequest, col int) map[string]int64 {
		out := map[string]int64{}
		seqs := map[int64]bool{}
		for _, q := range bruteForce(all, n, req) {
			seqs[q] = true
		}
		for r := 0; r < n; r++ {
			if seqs[all[6].Ints[r]] {
				out[all[col].Strs[r]]++
			}
		}
		return out
	}
	check := func(stage string, n int) {
		t.Helper()
		for i, req := range reqs {
			for _, col := range []int{1, 2} {
				name := eventsTable().Columns[col].Name
				got, st, err := s.CountBy(context.Background(), req, name, nil)
				if err != nil {
					t.Fatalf("%s: request %d by %s: %v", stage, i, name, err)
				}
				if w := want(n, req, col); fmt.Sprint(got) != fmt.Sprint(w) {
					t.Fatalf("%s: request %d by %s:\n got %v\nwant %v", stage, i, name, got, w)
				}
				if i == 0 && col == 1 && stage == "sealed" && st.BlocksRead != 0 {
					t.Errorf("%s: counting every row by a dictionary column read %d blocks, want none", stage, st.BlocksRead)
				}
			}
		}
	}
	if err := s.Append("Events", a, 120_000); err != nil {
		t.Fatal(err)
	}
	check("hot", 120_000)
	if err := s.Seal("Events"); err != nil {
		t.Fatal(err)
	}
	check("sealed", 120_000)
	if err := s.Append("Events", b, 20_000); err != nil {
		t.Fatal(err)
	}
	check("sealed+hot", 140_000)
	// Segments written without counts are counted from their blocks.
	for _, si := range s.tables["Events"].segments {
		seg, err := s.openSeg(si)
		if err != nil {
			t.Fatal(err)
		}
		for ci := range seg.footer.Columns {
			seg.footer.Columns[ci].Counts = region{}
		}
	}
	check("without counts", 140_000)
	overBudget := errors.New("over budget")
	var used int64
	if _, _, err := s.CountBy(context.Background(), reqs[0], "DeviceName", func(n int64) error {
		used += n
		if used > 100 {
			return overBudget
		}
		return nil
	}); !errors.Is(err, overBudget) {
		t.Errorf("a refused reservation: got %v, want the reserve's error", err)
	}
	if _, _, err := s.CountBy(context.Background(), reqs[0], "Port", nil); err == nil {
		t.Error("counting by a long column: no error")
	}
}
