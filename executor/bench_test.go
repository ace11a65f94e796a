package executor_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/executor"
	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/storage"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// BenchmarkQueries runs whole queries, bound and optimized as the engine
// does, over generated data sealed into indexed segments: 1M Events over a
// week, and the 100K and 10K row sides of a join. Each reports the input
// rows it processes per second and per core (GOMAXPROCS), so figures from
// machines of different sizes compare. The data is built once, before the
// first query; select queries with -bench 'Queries/filter'.
func BenchmarkQueries(b *testing.B) {
	st := queryBenchStore(b)
	cases := []struct {
		name  string
		query string
		rows  int // input rows the query processes
	}{
		{"filter/has_rare_term", `Events | where CommandLine has "mimikatz" | project Timestamp, Host, CommandLine`, benchEvents},
		{"filter/has_common_term", `Events | where CommandLine has "powershell" | summarize count() by Host`, benchEvents},
		{"filter/contains", `Events | where CommandLine contains "katz" | project Timestamp, Host, CommandLine`, benchEvents},
		{"aggregate/count_by_low_cardinality", `Events | summarize count() by Action`, benchEvents},
		{"aggregate/count_by_high_cardinality", `Events | summarize count() by User`, benchEvents},
		{"aggregate/dcount", `Events | summarize dcount(User) by Action`, benchEvents},
		{"join/inner_100K_x_10K", `Left | join kind=inner Right on Key | count`, benchLeft + benchRight},
		{"topn/top10_by_long", `Events | top 10 by Bytes desc`, benchEvents},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			q, err := parser.Parse(c.query)
			if err != nil {
				b.Fatal(err)
			}
			now := benchNow
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				plan, err := planner.Bind(q, benchCatalog{st}, planner.Options{Now: now})
				if err != nil {
					b.Fatal(err)
				}
				res, err := executor.Run(context.Background(), plan, st, executor.Options{MaxRows: -1})
				if err != nil {
					b.Fatal(err)
				}
				if res.Rows() == 0 {
					b.Fatalf("%s: no rows", c.query)
				}
			}
			secs := b.Elapsed().Seconds()
			if secs > 0 {
				b.ReportMetric(float64(c.rows)*float64(b.N)/secs/float64(runtime.GOMAXPROCS(0)), "rows/s/core")
			}
		})
	}
}

// Sizes of the generated tables.
const (
	benchEvents = 1_000_000
	benchLeft   = 100_000
	benchRight  = 10_000
)

var benchNow = time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)

// benchCatalog resolves the store's tables.
type benchCatalog struct{ s *storage.Store }

func (c benchCatalog) Table(name string) *schema.Table { return c.s.Table(name) }

func (c benchCatalog) TableNames() []string {
	var out []string
	for _, t := range c.s.Tables() {
		out = append(out, t.Name)
	}
	return out
}

var benchProcs = []string{"svchost.exe", "chrome.exe", "msedge.exe", "conhost.exe", "powershell.exe", "cmd.exe",
	"explorer.exe", "RuntimeBroker.exe", "teams.exe", "git.exe", "python.exe", "rundll32.exe", "certutil.exe"}

var benchActions = []string{"ProcessCreated", "FileCreated", "FileModified", "ConnectionSuccess", "ConnectionFailed",
	"LogonSuccess", "LogonFailed", "RegistryValueSet", "DnsQuery", "ImageLoaded", "PowerShellCommand",
	"ScheduledTaskCreated", "ServiceInstalled", "NamedPipeEvent", "ProcessInjection", "DriverLoad", "UsbDrive",
	"FileDeleted", "FileRenamed", "BrowserLaunchedToOpenUrl"}

// queryBenchStore builds the benchmark store in a temporary directory:
// Events (Timestamp over 7 days, Host of 1,000, Action of 20, User of
// 100,000, CommandLine text with a term in 1 row of 1,000, Bytes), and the
// join's Left (Key of 20,000, half of which Right holds) and Right (Key
// unique).
func queryBenchStore(b *testing.B) *storage.Store {
	b.Helper()
	st, err := storage.Open(b.TempDir(), storage.Options{Now: func() time.Time { return benchNow }, SyncBatch: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	rng := rand.New(rand.NewPCG(7, 11))
	start := types.TimeToTicks(benchNow.Add(-7 * 24 * time.Hour))
	week := int64(7 * 24 * time.Hour / 100)
	table(b, st, "Events(Timestamp:datetime, Host:string, Action:string, User:string, CommandLine:string, Bytes:long)", benchEvents,
		func(r int, cols []*vector.Vector) {
			p := benchProcs[min(int(rng.ExpFloat64()*2.5), len(benchProcs)-1)]
			cmd := fmt.Sprintf(`"C:\Windows\System32\%s" --type=renderer /prefetch:%d -session %d`, p, rng.IntN(9), rng.IntN(100000))
			if rng.IntN(1000) == 0 {
				cmd += " sekurlsa::logonpasswords mimikatz"
			}
			cols[0].Append(types.NewDatetime(start + rng.Int64N(week)))
			cols[1].Append(types.NewString(fmt.Sprintf("host-%04d", rng.IntN(1000))))
			cols[2].Append(types.NewString(benchActions[rng.IntN(len(benchActions))]))
			cols[3].Append(types.NewString(fmt.Sprintf("user-%06d", rng.IntN(100000))))
			cols[4].Append(types.NewString(cmd))
			cols[5].Append(types.NewLong(rng.Int64N(1 << 40)))
		})
	table(b, st, "Left(Timestamp:datetime, Key:long, Payload:string)", benchLeft, func(r int, cols []*vector.Vector) {
		cols[0].Append(types.NewDatetime(start + rng.Int64N(week)))
		cols[1].Append(types.NewLong(rng.Int64N(2 * benchRight)))
		cols[2].Append(types.NewString(fmt.Sprintf("payload %d", r)))
	})
	table(b, st, "Right(Timestamp:datetime, Key:long, Name:string)", benchRight, func(r int, cols []*vector.Vector) {
		cols[0].Append(types.NewDatetime(start + rng.Int64N(week)))
		cols[1].Append(types.NewLong(int64(r)))
		cols[2].Append(types.NewString(fmt.Sprintf("name-%d", r)))
	})
	return st
}

// table creates a table from `Name(Col:type, ...)` and fills it with n rows
// made by row, appended and sealed in chunks, then compacted.
func table(b *testing.B, st *storage.Store, head string, n int, row func(r int, cols []*vector.Vector)) {
	open := strings.IndexByte(head, '(')
	cols, err := schema.ParseColumns(head[open+1 : len(head)-1])
	if err != nil {
		b.Fatal(err)
	}
	def := &schema.Table{Name: head[:open], Columns: cols, TimeColumn: "Timestamp"}
	if err := st.CreateTable(def); err != nil {
		b.Fatal(err)
	}
	const chunk = 250_000
	for lo := 0; lo < n; lo += chunk {
		m := min(chunk, n-lo)
		vecs := make([]*vector.Vector, len(cols))
		for i, c := range cols {
			vecs[i] = vector.New(c.Type, m)
		}
		for r := lo; r < lo+m; r++ {
			row(r, vecs)
		}
		if err := st.Append(def.Name, vecs, m); err != nil {
			b.Fatal(err)
		}
		if err := st.SealAll(); err != nil {
			b.Fatal(err)
		}
	}
	// One segment per day, as a store that has compacted holds.
	if _, err := st.Compact(def.Name); err != nil {
		b.Fatal(err)
	}
}
