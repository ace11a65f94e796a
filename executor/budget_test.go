package executor

import (
	stdcmp "cmp"
	"context"
	"errors"
	"math/rand"
	"slices"
	"sync"
	"testing"
)

func TestBudget(t *testing.T) {
	m := &budget{limit: 1000}
	if err := m.reserve(600, "sort"); err != nil {
		t.Fatal(err)
	}
	err := m.reserve(500, "join")
	if !errors.Is(err, ErrMemoryBudget) || err.Error() != "query exceeded its memory budget of 1000 bytes in 'join'; "+
		"narrow the input with where or project, or raise the budget with set max_memory_consumption_per_query_per_node" {
		t.Fatalf("over the limit: %v", err)
	}
	// A refused reservation holds nothing.
	if got := m.used.Load(); got != 600 {
		t.Errorf("used %d after a refused reservation, want 600", got)
	}
	m.release(600)
	if err := m.reserve(1000, "sort"); err != nil {
		t.Errorf("the whole budget after a release: %v", err)
	}
	if got := m.peak.Load(); got != 1000 {
		t.Errorf("peak %d, want 1000", got)
	}
}

func TestBudgetConcurrent(t *testing.T) {
	m := &budget{}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				m.reserve(10, "summarize")
			}
		}()
	}
	wg.Wait()
	if m.used.Load() != 80_000 || m.peak.Load() != 80_000 {
		t.Errorf("used %d, peak %d; want 80000", m.used.Load(), m.peak.Load())
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 bytes", 1023: "1023 bytes", 1024: "1 KiB", 65536: "64 KiB", 1536: "1.5 KiB",
		64 << 20: "64 MiB", 2 << 30: "2 GiB", 3 << 29: "1.5 GiB",
	} {
		if got := FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestSortStable checks the interruptible sort against the standard library's
// stable sort, at sizes around its run length.
func TestSortStable(t *testing.T) {
	type item struct{ key, seq int }
	byKey := func(a, b item) int { return stdcmp.Compare(a.key, b.key) }
	rnd := rand.New(rand.NewSource(1))
	for _, n := range []int{0, 1, 7, sortRun, sortRun + 1, 3*sortRun + 17, 8 * sortRun} {
		s := make([]item, n)
		for i := range s {
			s[i] = item{key: rnd.Intn(100), seq: i}
		}
		want := slices.Clone(s)
		slices.SortStableFunc(want, byKey)
		if err := sortStable(context.Background(), s, byKey); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(s, want) {
			t.Errorf("n=%d: the sort differs from a stable sort", n)
		}
	}
}

func TestSortStableStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := make([]int, 4*sortRun)
	if err := sortStable(ctx, s, stdcmp.Compare[int]); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}
