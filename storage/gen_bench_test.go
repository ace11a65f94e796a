package storage

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"testing"
	"time"

	"github.com/spoorhq/spoor/samples"
	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/vector"
)

// BenchmarkGenerate runs the synthetic telemetry generator (100 devices, 14
// days) into a store the way spoor gen --data does: appends on a goroutine of
// their own through a Loader, which seals in the background, then sealing and
// compacting everything. It logs the time of each phase. Environment knobs:
// SPOOR_GEN_DISCARD=1 measures the generator alone, SPOOR_HOTBYTES sets
// Options.HotBytes, SPOOR_GEN_NOCOMPACT=1 skips the final compaction, and a
// GOMEMLIMIT replaces the 1 GiB soft limit spoor gen sets.
func BenchmarkGenerate(b *testing.B) {
	if os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(1 << 30))
	}
	now := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	discard := os.Getenv("SPOOR_GEN_DISCARD") != ""
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		var total int64
		peak := peakHeap(func() {
			hb, _ := strconv.ParseInt(os.Getenv("SPOOR_HOTBYTES"), 10, 64)
			s, err := Open(dir, Options{SyncBatch: true, Builtin: schema.Builtin, Now: func() time.Time { return now }, HotBytes: hb})
			if err != nil {
				b.Fatal(err)
			}
			type batch struct {
				table string
				cols  []*vector.Vector
				rows  int
			}
			ch := make(chan batch, 8)
			done := make(chan error, 1)
			l := s.NewLoader()
			go func() {
				var err error
				for bt := range ch {
					if err == nil {
						err = l.Append(bt.table, bt.cols, bt.rows)
					}
				}
				done <- err
			}()
			t0 := time.Now()
			res, err := samples.Generate(samples.GenOptions{Devices: 100, Days: 14, Seed: 1, Now: now, ProcessEventsPerDeviceDay: 200},
				func(table string, cols []*vector.Vector, rows int) error {
					if discard {
						return nil
					}
					ch <- batch{table, cols, rows}
					return nil
				})
			t1 := time.Now()
			close(ch)
			if err == nil {
				err = <-done
			}
			t2 := time.Now()
			if cerr := l.Close(os.Getenv("SPOOR_GEN_NOCOMPACT") == ""); err == nil {
				err = cerr
			}
			if err != nil {
				b.Fatal(err)
			}
			t3 := time.Now()
			s.Close()
			b.Logf("generate %v, drain appends %v, final seal+compact %v, close %v", t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), time.Since(t3))
			total = res.Total
		})
		b.ReportMetric(float64(total)*float64(i+1)/b.Elapsed().Seconds(), "rows/s")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		b.ReportMetric(float64(dirSize(filepath.Join(dir, "segments")))/float64(total), "disk-B/row")
		b.ReportMetric(float64(dirSize(filepath.Join(dir, "badger")))/float64(total), "badger-B/row")
	}
}
