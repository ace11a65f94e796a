package samples

import (
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

var testNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// collect gathers generated batches per table.
type collect map[string][]*vector.Batch

func (c collect) sink(table string, cols []*vector.Vector, n int) error {
	c[table] = append(c[table], &vector.Batch{Len: n, Cols: cols})
	return nil
}

func generate(t testing.TB, o GenOptions) (*GenResult, collect) {
	t.Helper()
	c := collect{}
	res, err := Generate(o, c.sink)
	if err != nil {
		t.Fatal(err)
	}
	return res, c
}

func digest(c collect) string {
	h := sha256.New()
	for _, name := range GeneratedTables() {
		for _, b := range c[name] {
			for r := 0; r < b.Len; r++ {
				for _, col := range b.Cols {
					fmt.Fprint(h, types.Format(col.Value(r)), "\x00")
				}
			}
		}
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestGenerateIsDeterministic(t *testing.T) {
	o := GenOptions{Devices: 12, Days: 3, Seed: 7, Now: testNow, ProcessEventsPerDeviceDay: 40}
	_, a := generate(t, o)
	_, b := generate(t, o)
	if digest(a) != digest(b) {
		t.Error("the same seed gave different rows")
	}
	o.Seed = 8
	_, c := generate(t, o)
	if digest(a) == digest(c) {
		t.Error("different seeds gave the same rows")
	}
}

func TestGenerateFillsTablesAndStories(t *testing.T) {
	res, c := generate(t, GenOptions{Devices: 30, Days: 14, Seed: 1, Now: testNow, ProcessEventsPerDeviceDay: 60})
	for _, name := range GeneratedTables() {
		if res.Rows[name] == 0 {
			t.Errorf("no rows for %s", name)
		}
		n := 0
		for _, b := range c[name] {
			n += b.Len
		}
		if int64(n) != res.Rows[name] {
			t.Errorf("%s: %d rows reached the sink, the result says %d", name, n, res.Rows[name])
		}
	}
	if len(res.Stories) < 10 {
		t.Fatalf("%d stories, want at least 10", len(res.Stories))
	}
	per := map[string]int{}
	for _, e := range res.Truth {
		per[e.Story]++
		if e.Key == "" {
			t.Errorf("story %s: a %s row without a key", e.Story, e.Table)
		}
		if e.Timestamp.Before(testNow.Add(-14*24*time.Hour)) || !e.Timestamp.Before(testNow) {
			t.Errorf("story %s: %s row at %s, outside the window", e.Story, e.Table, e.Timestamp)
		}
	}
	for _, s := range res.Stories {
		if per[s.Name] == 0 {
			t.Errorf("story %s wrote no rows", s.Name)
		}
	}
}

// TestProcessTree checks that the InitiatingProcess columns of every process
// event name a process the same device started, as that process's own row says.
func TestProcessTree(t *testing.T) {
	_, c := generate(t, GenOptions{Devices: 10, Days: 2, Seed: 3, Now: testNow, ProcessEventsPerDeviceDay: 80})
	def := tableDef(t, "DeviceProcessEvents")
	col := func(name string) int { return def[name] }
	type key struct {
		dev string
		pid int64
	}
	started := map[key][2]string{}
	children := 0
	for _, b := range c["DeviceProcessEvents"] {
		for r := 0; r < b.Len; r++ {
			k := key{b.Cols[col("DeviceId")].Strs[r], b.Cols[col("ProcessId")].Ints[r]}
			started[k] = [2]string{b.Cols[col("FileName")].Strs[r], b.Cols[col("ProcessCommandLine")].Strs[r]}
		}
	}
	for _, b := range c["DeviceProcessEvents"] {
		for r := 0; r < b.Len; r++ {
			k := key{b.Cols[col("DeviceId")].Strs[r], b.Cols[col("InitiatingProcessId")].Ints[r]}
			p, ok := started[k]
			if !ok {
				continue // started before the window
			}
			children++
			if got := [2]string{b.Cols[col("InitiatingProcessFileName")].Strs[r], b.Cols[col("InitiatingProcessCommandLine")].Strs[r]}; got != p {
				t.Fatalf("row %d: initiating process %v, but that pid started %v", r, got, p)
			}
		}
	}
	if children == 0 {
		t.Error("no process was started by another process of the window")
	}
}

func tableDef(t *testing.T, name string) map[string]int {
	g, err := newGen(GenOptions{Devices: 1, Days: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return g.tables[name].idx
}

func TestGenerateOptions(t *testing.T) {
	res, c := generate(t, GenOptions{Devices: 5, Days: 2, Seed: 1, Now: testNow, Tables: []string{"DeviceNetworkEvents"}})
	if len(c) != 1 || res.Rows["DeviceNetworkEvents"] == 0 {
		t.Errorf("with Tables set, got rows for %d tables: %v", len(c), res.Rows)
	}
	for _, o := range []GenOptions{{Devices: 0, Days: 1}, {Devices: 1, Days: 31}, {Devices: 1, Days: 1, Tables: []string{"Nope"}}} {
		if _, err := Generate(o, collect{}.sink); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	var rows int64
	for b.Loop() {
		res, err := Generate(GenOptions{Devices: 100, Days: 7, Seed: 1, Now: testNow}, func(string, []*vector.Vector, int) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		rows += res.Total
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// TestReportID checks the hand-written GUID formatting against fmt.
func TestReportID(t *testing.T) {
	for _, c := range []struct {
		seed uint32
		id   int64
	}{{1, 1}, {0xdeadbeef, 0x0123456789abcdef}, {7, 1 << 62}, {0, 0}} {
		want := fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", c.seed, c.id>>48&0xffff, c.id>>36&0xfff, c.id>>24&0xfff, c.id&0xffffffffffff)
		if got := reportID(c.seed, c.id); got != want {
			t.Errorf("reportID(%d, %d) = %s, want %s", c.seed, c.id, got, want)
		}
	}
}
