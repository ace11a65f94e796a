package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/executor"
	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/storage"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

var testNow = time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)

// newEngine opens an empty store in a temporary directory.
func newEngine(t *testing.T) *Engine {
	t.Helper()
	st, err := storage.Open(t.TempDir(), storage.Options{Now: func() time.Time { return testNow }, Retention: 365 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return New(st, func() time.Time { return testNow })
}

// hugeQueries produce about 10^10 rows, far more than a test can wait for, so
// they finish only by being stopped. Each stresses a different long loop.
var hugeQueries = map[string]string{
	// countif, not count: a count of an inner join's rows is worked out from
	// counts of its sides, without making them.
	"join probe": "range x from 1 to 100000 step 1 | extend k = 1 " +
		"| join kind=inner (range y from 1 to 100000 step 1 | extend k = 1) on k | summarize countif(x != y)",
	"mv-expand": "range x from 1 to 10000000 step 1 | extend d = dynamic([" + strings.Repeat("1,", 999) + "1]) " +
		"| mv-expand d | summarize count()",
	"summarize": "range x from 1 to 100000 step 1 | extend k = 1 " +
		"| join kind=inner (range y from 1 to 100000 step 1 | extend k = 1) on k | summarize count() by k = (x + y) % 1000",
}

func TestTimeoutStopsAHugeQuery(t *testing.T) {
	e := newEngine(t)
	for name, q := range hugeQueries {
		t.Run(name, func(t *testing.T) {
			_, err := e.Query(context.Background(), q, Options{Timeout: 50 * time.Millisecond})
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("want an error wrapping context.DeadlineExceeded, got %v", err)
			}
			if !strings.Contains(err.Error(), "timeout of 50ms") {
				t.Errorf("the error does not name the timeout: %v", err)
			}
		})
	}
}

func TestCancelStopsAHugeQuery(t *testing.T) {
	e := newEngine(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := e.Query(ctx, hugeQueries["join probe"], Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want an error wrapping context.Canceled, got %v", err)
	}
}

func TestServerTimeoutShortensTheTimeout(t *testing.T) {
	e := newEngine(t)
	_, err := e.Query(context.Background(), "set servertimeout = 20ms;\n"+hugeQueries["join probe"], Options{})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "timeout of 20ms") {
		t.Fatalf("want the 20ms timeout, got %v", err)
	}
	// Longer than the engine allows: a warning, and the engine's limit.
	res, err := e.Query(context.Background(), "set servertimeout = 2h; print x = 1", Options{Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if !hasWarning(res, "the query runs with a timeout of 1m0s") {
		t.Errorf("warnings %q", res.Warnings)
	}
}

func hasWarning(res *Result, text string) bool {
	for _, w := range res.Warnings {
		if strings.Contains(w, text) {
			return true
		}
	}
	return false
}

func TestTruncation(t *testing.T) {
	e := newEngine(t)
	const q = "range x from 1 to 100001 step 1"
	res, err := e.Query(context.Background(), q, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != DefaultMaxRows || !res.Truncated {
		t.Errorf("default: %d rows, truncated %v", len(res.Rows), res.Truncated)
	}
	if !hasWarning(res, "truncated to 100000 rows") || !hasWarning(res, "set notruncation") {
		t.Errorf("the warning does not say how to lift the limit: %q", res.Warnings)
	}
	for _, c := range []struct {
		q    string
		opts Options
		rows int
	}{
		{"set notruncation;\n" + q, Options{}, 100_001},
		{q, Options{MaxRows: -1}, 100_001},
		{"set truncationmaxrecords = 100001;\n" + q, Options{}, 100_001},
		{"set truncationmaxrecords = 10;\n" + q, Options{MaxRows: -1}, 10},
	} {
		res, err := e.Query(context.Background(), c.q, c.opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Rows) != c.rows || res.Truncated != (c.rows < 100_001) {
			t.Errorf("%q %+v: %d rows, truncated %v; want %d", c.q, c.opts, len(res.Rows), res.Truncated, c.rows)
		}
		if !res.Truncated && len(res.Warnings) > 0 {
			t.Errorf("%q: unexpected warnings %q", c.q, res.Warnings)
		}
	}
	// query_take_max_records limits as a take does: silently.
	res, err = e.Query(context.Background(), "set query_take_max_records = 5;\n"+q, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 5 || res.Truncated || len(res.Warnings) > 0 {
		t.Errorf("query_take_max_records: %d rows, truncated %v, warnings %q", len(res.Rows), res.Truncated, res.Warnings)
	}
}

func TestUnknownOptionWarns(t *testing.T) {
	e := newEngine(t)
	res, err := e.Query(context.Background(), "set notrunaction;\nprint x = 1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 1 || !hasWarning(res, "1:5: unknown request option 'notrunaction' is ignored; did you mean 'notruncation'?") {
		t.Errorf("rows %d, warnings %q", len(res.Rows), res.Warnings)
	}
	res, err = e.Query(context.Background(), "set querytrace;\nprint x = 1", Options{})
	if err != nil || len(res.Warnings) > 0 {
		t.Errorf("a documented option: %v, warnings %q", err, res.Warnings)
	}
}

func TestMemoryBudget(t *testing.T) {
	e := newEngine(t)
	cases := map[string]string{
		"join":      "range x from 1 to 200000 step 1 | join kind=inner (range x from 1 to 200000 step 1) on x",
		"summarize": "range x from 1 to 200000 step 1 | summarize by x",
		"sort":      "range x from 1 to 200000 step 1 | sort by x",
		"result":    "range x from 1 to 200000 step 1",
	}
	for where, q := range cases {
		_, err := e.Query(context.Background(), q, Options{MemoryLimit: 1 << 20, MaxRows: -1})
		if !errors.Is(err, executor.ErrMemoryBudget) {
			t.Errorf("%s: want a memory budget error, got %v", where, err)
			continue
		}
		want := fmt.Sprintf("query exceeded its memory budget of 1 MiB in '%s'; narrow the input with where or project, "+
			"or raise the budget with set max_memory_consumption_per_query_per_node", where)
		if err.Error() != want {
			t.Errorf("%s:\n got %s\nwant %s", where, err, want)
		}
		// The set statement raises the budget.
		res, err := e.Query(context.Background(), "set max_memory_consumption_per_query_per_node = 268435456;\n"+q, Options{MemoryLimit: 1 << 20, MaxRows: -1})
		if err != nil {
			t.Errorf("%s with a larger budget: %v", where, err)
			continue
		}
		if res.Stats.PeakMemory <= 1<<20 || res.Stats.PeakMemory > 256<<20 {
			t.Errorf("%s: peak memory %d", where, res.Stats.PeakMemory)
		}
	}
}

// loadEvents creates table Events with rows over three days, sealed into one
// segment per day, and a few unsealed rows.
func loadEvents(t *testing.T, e *Engine) {
	t.Helper()
	def := &schema.Table{Name: "Events", TimeColumn: "Timestamp", Columns: []schema.Column{
		{Name: "Timestamp", Type: types.Datetime}, {Name: "Cmd", Type: types.String}}}
	if err := e.Store().CreateTable(def); err != nil {
		t.Fatal(err)
	}
	add := func(day, n int, cmd func(i int) string) {
		ts, cs := vector.New(types.Datetime, n), vector.New(types.String, n)
		for i := 0; i < n; i++ {
			at := time.Date(2024, 1, day, 0, 0, i, 0, time.UTC)
			ts.Append(types.NewDatetime(types.TimeToTicks(at)))
			cs.Append(types.NewString(cmd(i)))
		}
		if err := e.Store().Append("Events", []*vector.Vector{ts, cs}, n); err != nil {
			t.Fatal(err)
		}
	}
	add(10, 100, func(i int) string { return "cmd.exe /c whoami" })
	add(20, 100, func(i int) string { return "powershell -enc mimikatz" })
	add(30, 100, func(i int) string { return "cmd.exe /c dir" })
	if err := e.Store().SealAll(); err != nil {
		t.Fatal(err)
	}
	add(31, 7, func(i int) string { return fmt.Sprintf("notepad %d", i) })
}

func TestExplainShowsScanStatistics(t *testing.T) {
	e := newEngine(t)
	loadEvents(t, e)
	q := "Events | where Timestamp > datetime(2024-01-15) | where Cmd has 'cmd' | count"
	prof, res, err := e.Explain(context.Background(), q, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := types.Format(res.Rows[0][0]); got != "100" {
		t.Errorf("count %s, want 100", got)
	}
	// Three sealed segments: the one of 10 January is before the range, the
	// one of 20 January has no 'cmd' term; the one of 30 January is read.
	// The seven hot rows are checked one by one.
	for _, want := range []string{
		"Scan Events columns=[",
		"index(Cmd has \"cmd\")",
		"-> rows 100; segments 3: pruned 1 by time, 1 by index, 1 read;",
		"hot rows 7",
		"peak memory",
		"elapsed",
	} {
		if !strings.Contains(prof, want) {
			t.Errorf("the explanation lacks %q:\n%s", want, prof)
		}
	}
	// The annotation is indented under its scan line.
	lines := strings.Split(prof, "\n")
	for i, l := range lines {
		if strings.Contains(l, "Scan Events") {
			indent := len(l) - len(strings.TrimLeft(l, " "))
			next := lines[i+1]
			if !strings.HasPrefix(next, strings.Repeat(" ", indent+2)+"-> rows") {
				t.Errorf("annotation not under its scan:\n%s", prof)
			}
		}
	}
	if res.Plan == "" || strings.Contains(res.Plan, "-> rows") {
		t.Errorf("Result.Plan must stay the plain plan:\n%s", res.Plan)
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{
		"1048576": 1 << 20, "512KiB": 512 << 10, "64MiB": 64 << 20, "2GiB": 2 << 30, "2gib": 2 << 30,
		"1.5GiB": 3 << 29, "1GB": 1e9, "10 MB": 10e6, "4g": 4 << 30,
	} {
		got, err := ParseBytes(in)
		if err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "0", "lots", "12XB", "1e30"} {
		if _, err := ParseBytes(in); err == nil {
			t.Errorf("ParseBytes(%q) succeeded", in)
		}
	}
}
