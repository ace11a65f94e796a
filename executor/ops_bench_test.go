package executor

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/spoorhq/spoor/functions"
	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Benchmarks of the operators on batches shaped as the store hands them out:
// string columns decoded from a dictionary, so equal values share memory.

// benchDict returns n distinct strings of the given shape.
func benchDict(n int, f func(i int) string) []string {
	d := make([]string, n)
	for i := range d {
		d[i] = f(i)
	}
	return d
}

// benchBatches builds batches whose columns draw from the dictionaries, in
// runs of equal values as often as not (log-like data).
func benchBatches(rows int, dicts ...[]string) []*vector.Batch {
	rng := rand.New(rand.NewSource(1))
	var out []*vector.Batch
	for lo := 0; lo < rows; lo += vector.BatchSize {
		n := min(vector.BatchSize, rows-lo)
		b := &vector.Batch{Len: n}
		for _, d := range dicts {
			v := &vector.Vector{Type: types.String, Len: n, Strs: make([]string, n)}
			for i := range v.Strs {
				v.Strs[i] = d[rng.Intn(len(d))]
			}
			b.Cols = append(b.Cols, v)
		}
		out = append(out, b)
	}
	return out
}

// discard is an operator that drops what it is given.
type discard struct{ rows atomic.Int64 }

func (d *discard) push(b *vector.Batch) error { d.rows.Add(int64(b.Len)); return nil }
func (d *discard) finish() error              { return nil }

func benchRun() *run {
	return &run{ctx: context.Background(), mem: &budget{}}
}

func mustFn(name string) *functions.Spec {
	s, ok := functions.Lookup(name)
	if !ok {
		panic("no function " + name)
	}
	return s
}

func colRef(i int, name string) *planner.ColumnRef {
	return &planner.ColumnRef{Index: i, Name: name, T: types.String}
}

// pushAll pushes the batches from two goroutines, as a two-worker scan does.
func pushAll(b *testing.B, op operator, batches []*vector.Batch) {
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(batches); i += 2 {
				if err := op.push(batches[i]); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := op.finish(); err != nil {
		b.Fatal(err)
	}
}

const benchRows = 1 << 18

// perRow reports the time per input row, and the processor time per row
// since start (less sensitive to other work on the machine).
func perRow(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRows, "ns/row")
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/benchRows, "cpu-ns/row")
}

// cpuTime is the processor time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchAggregate(b *testing.B, agg *planner.Aggregate, batches []*vector.Batch) {
	b.ReportAllocs()
	cpu := cpuTime()
	for i := 0; i < b.N; i++ {
		pushAll(b, newAggregateOp(benchRun(), agg, &discard{}), batches)
	}
	perRow(b, cpu)
}

var (
	devices = benchDict(1000, func(i int) string { return fmt.Sprintf("wks-%04d.corp.contoso.com", i) })
	files   = benchDict(1000, func(i int) string { return fmt.Sprintf("tool%d.exe", i) })
	folders = benchDict(1000, func(i int) string { return fmt.Sprintf(`C:\Program Files\Vendor%d\bin`, i) })
	hashes  = benchDict(1000, func(i int) string { return fmt.Sprintf("%064x", i*7919) })
	cmdline = benchDict(1500, func(i int) string {
		if i == 7 {
			return `vssadmin.exe Delete ShadowCopy /all /quiet`
		}
		return fmt.Sprintf(`"C:\Program Files\Vendor%d\bin\tool.exe" --config C:\ProgramData\vendor\%d.json -executionpolicy bypass`, i, i)
	})
)

// BenchmarkAggregateCountByString is summarize count() by one string column.
func BenchmarkAggregateCountByString(b *testing.B) {
	agg := &planner.Aggregate{Keys: []planner.Expr{colRef(0, "DeviceName")},
		Aggs: []planner.AggCall{{Fn: mustFn("count"), T: types.Long}},
		Out:  []planner.Column{{Name: "DeviceName", Type: types.String}, {Name: "n", Type: types.Long}}}
	benchAggregate(b, agg, benchBatches(benchRows, devices))
}

// BenchmarkAggregateCountByTwoStrings is summarize count() by two string columns.
func BenchmarkAggregateCountByTwoStrings(b *testing.B) {
	agg := &planner.Aggregate{Keys: []planner.Expr{colRef(0, "FileName"), colRef(1, "FolderPath")},
		Aggs: []planner.AggCall{{Fn: mustFn("count"), T: types.Long}},
		Out: []planner.Column{{Name: "FileName", Type: types.String}, {Name: "FolderPath", Type: types.String},
			{Name: "n", Type: types.Long}}}
	// Folders follow files, as they do in process events.
	batches := benchBatches(benchRows, files)
	for _, bt := range batches {
		v := &vector.Vector{Type: types.String, Len: bt.Len, Strs: make([]string, bt.Len)}
		for i, s := range bt.Cols[0].Strs {
			v.Strs[i] = folders[len(s)%len(folders)]
		}
		bt.Cols = append(bt.Cols, v)
	}
	benchAggregate(b, agg, batches)
}

// BenchmarkAggregateDcountByString is summarize dcount(SHA256) by FileName,
// where each file has one hash.
func BenchmarkAggregateDcountByString(b *testing.B) {
	agg := &planner.Aggregate{Keys: []planner.Expr{colRef(0, "FileName")},
		Aggs: []planner.AggCall{{Fn: mustFn("dcount"), Args: []planner.Expr{colRef(1, "SHA256")}, T: types.Long}},
		Out:  []planner.Column{{Name: "FileName", Type: types.String}, {Name: "n", Type: types.Long}}}
	batches := benchBatches(benchRows, files)
	for _, bt := range batches {
		v := &vector.Vector{Type: types.String, Len: bt.Len, Strs: make([]string, bt.Len)}
		for i, s := range bt.Cols[0].Strs {
			v.Strs[i] = hashes[(len(s)*31+int(s[4]))%len(hashes)]
		}
		bt.Cols = append(bt.Cols, v)
	}
	benchAggregate(b, agg, batches)
}

// BenchmarkAggregateCountByUniqueStrings groups by a key with a new value on
// almost every row, where remembering recent keys cannot help.
func BenchmarkAggregateCountByUniqueStrings(b *testing.B) {
	agg := &planner.Aggregate{Keys: []planner.Expr{colRef(0, "ReportId")},
		Aggs: []planner.AggCall{{Fn: mustFn("count"), T: types.Long}},
		Out:  []planner.Column{{Name: "ReportId", Type: types.String}, {Name: "n", Type: types.Long}}}
	batches := benchBatches(benchRows, benchDict(benchRows, func(i int) string { return fmt.Sprintf("r%09d", i) }))
	benchAggregate(b, agg, batches)
}

// benchFilter runs a filter of the string operator op over command lines.
func benchFilter(b *testing.B, op, needle string) {
	pred := &planner.Call{Fn: mustFn(op), Args: []planner.Expr{colRef(0, "ProcessCommandLine"),
		&planner.Const{V: types.NewString(needle)}}, T: types.Bool}
	batches := benchBatches(benchRows, cmdline)
	b.ReportAllocs()
	cpu := cpuTime()
	for i := 0; i < b.N; i++ {
		pushAll(b, &filterOp{pred: pred, out: &discard{}}, batches)
	}
	perRow(b, cpu)
}

func BenchmarkFilterContains(b *testing.B)     { benchFilter(b, "contains", "ShadowCopy") }
func BenchmarkFilterContainsCs(b *testing.B)   { benchFilter(b, "contains_cs", "ShadowCopy") }
func BenchmarkFilterNotContains(b *testing.B)  { benchFilter(b, "!contains", "ShadowCopy") }
func BenchmarkFilterHas(b *testing.B)          { benchFilter(b, "has", "ShadowCopy") }
func BenchmarkFilterStartsWith(b *testing.B)   { benchFilter(b, "startswith", "VSSADMIN") }
func BenchmarkFilterEqualsNoCase(b *testing.B) { benchFilter(b, "=~", strings.ToUpper(cmdline[7])) }

// benchJoin joins left and right batches of (device, file) on the device,
// per input row.
func benchJoin(b *testing.B, left, right []*vector.Batch) {
	cols := []planner.Column{{Name: "DeviceId", Type: types.String}, {Name: "FileName", Type: types.String}}
	j := &planner.Join{Kind: planner.JoinInner, Left: &planner.Values{Out: cols}, Right: &planner.Values{Out: cols},
		LeftKeys: []planner.Expr{colRef(0, "DeviceId")}, RightKeys: []planner.Expr{colRef(0, "DeviceId")},
		Out: append(append([]planner.Column(nil), cols...), cols...)}
	rows := 0
	for _, bt := range append(append([]*vector.Batch(nil), left...), right...) {
		rows += bt.Len
	}
	b.ReportAllocs()
	cpu := cpuTime()
	for i := 0; i < b.N; i++ {
		r := benchRun()
		table := &joinTable{r: r, node: j}
		for _, c := range cols {
			table.cols = append(table.cols, vector.New(c.Type, 0))
		}
		pushAll(b, table, right)
		out := &discard{}
		pushAll(b, &probeOp{r: r, node: j, table: table, out: out}, left)
		if out.rows.Load() == 0 {
			b.Fatal("no rows joined")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(rows), "ns/row")
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N)/float64(rows), "cpu-ns/row")
}

// BenchmarkJoinBuild joins a few left rows with a large right side: the
// work is building the table.
func BenchmarkJoinBuild(b *testing.B) {
	benchJoin(b, benchBatches(16, devices, files), benchBatches(benchRows, devices, files))
}

// BenchmarkJoinProbe joins many left rows with one right row per key: the
// work is probing and emitting.
func BenchmarkJoinProbe(b *testing.B) {
	right := &vector.Batch{Len: len(devices), Cols: []*vector.Vector{
		{Type: types.String, Len: len(devices), Strs: devices}, {Type: types.String, Len: len(devices), Strs: files}}}
	benchJoin(b, benchBatches(benchRows, devices, files), []*vector.Batch{right})
}

// BenchmarkFilterContainsUnique is contains over texts that are each their
// own memory (as rows not yet sealed are), where no answer can be reused.
func BenchmarkFilterContainsUnique(b *testing.B) {
	pred := &planner.Call{Fn: mustFn("contains"), Args: []planner.Expr{colRef(0, "ProcessCommandLine"),
		&planner.Const{V: types.NewString("ShadowCopy")}}, T: types.Bool}
	batches := benchBatches(benchRows, cmdline)
	for _, bt := range batches {
		for i, s := range bt.Cols[0].Strs {
			bt.Cols[0].Strs[i] = strings.Clone(s)
		}
	}
	b.ReportAllocs()
	cpu := cpuTime()
	for i := 0; i < b.N; i++ {
		pushAll(b, &filterOp{pred: pred, out: &discard{}}, batches)
	}
	perRow(b, cpu)
}
