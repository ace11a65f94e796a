// Command bench measures Spoor side by side with DuckDB on the same generated
// hunting data: it generates DeviceProcessEvents and DeviceNetworkEvents with
// spoor gen's generator, writes them to CSV, loads the same files into both
// engines (Spoor through spoor ingest, DuckDB with read_csv), checks that both
// return the same answers to ten hunts, and times each hunt best-of-3 after a
// warm-up, with two threads each.
//
// It is its own module so that the main module never links DuckDB:
//
//	cd bench && go run . --rows 2000000 --json result.json
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/storage"
	"github.com/spoorhq/spoor/types"
)

// Report is the --json output.
type Report struct {
	Rows    int64          `json:"rows"`
	Threads int            `json:"threads"`
	Ingest  IngestReport   `json:"ingest"`
	Disk    DiskReport     `json:"disk"`
	Queries []QueryReport  `json:"queries"`
	Summary map[string]any `json:"summary"`
}

// IngestReport compares loading the same CSV files.
type IngestReport struct {
	SpoorSeconds     float64 `json:"spoor_s"`
	DuckDBSeconds    float64 `json:"duckdb_s"`
	SpoorRowsPerSec  float64 `json:"spoor_rows_per_s"`
	DuckDBRowsPerSec float64 `json:"duckdb_rows_per_s"`
	CSVBytes         int64   `json:"csv_bytes"`
}

// DiskReport compares bytes on disk after loading.
type DiskReport struct {
	SpoorBytes  int64 `json:"spoor_bytes"`
	DuckDBBytes int64 `json:"duckdb_bytes"`
}

// QueryReport is one hunt's timing.
type QueryReport struct {
	ID       string  `json:"id"`
	Title    string  `json:"title"`
	KQL      string  `json:"kql"`
	SQL      string  `json:"sql"`
	SpoorMs  float64 `json:"spoor_ms"`
	DuckDBMs float64 `json:"duckdb_ms"`
	Ratio    float64 `json:"ratio"` // spoor / duckdb: below 1 means Spoor is faster
	Rows     int     `json:"rows"`
	Same     bool    `json:"same_answer"`
	Note     string  `json:"note,omitempty"`
}

func main() {
	rows := flag.Int64("rows", 2_000_000, "DeviceProcessEvents rows to generate (DeviceNetworkEvents follows in proportion)")
	jsonOut := flag.String("json", "", "write the report as JSON to this file")
	dir := flag.String("dir", "", "working directory (default: a temporary one, removed afterwards)")
	seed := flag.Uint64("seed", 1, "generator seed")
	reps := flag.Int("reps", 3, "timed runs per query (the best counts)")
	flag.Parse()
	if err := run(*rows, *jsonOut, *dir, *seed, *reps); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(rows int64, jsonOut, dir string, seed uint64, reps int) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "spoor-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// The same collector settings as the spoor command (see tuneGC there).
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	threads := runtime.GOMAXPROCS(0)
	if threads > 2 {
		threads = 2
		runtime.GOMAXPROCS(2)
	}
	now := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	step("generating about %d DeviceProcessEvents rows (1,000 devices, 30 days) into CSV", rows)
	data, err := generate(dir, rows, seed, now)
	if err != nil {
		return err
	}
	step("generated %d DeviceProcessEvents and %d DeviceNetworkEvents rows (%s of CSV)", data.rows["DeviceProcessEvents"], data.rows["DeviceNetworkEvents"], human(data.csvBytes))
	total := data.rows["DeviceProcessEvents"] + data.rows["DeviceNetworkEvents"]
	rep := &Report{Rows: data.rows["DeviceProcessEvents"], Threads: threads}
	rep.Ingest.CSVBytes = data.csvBytes

	// Spoor: the real ingest command on the CSV files.
	spoorBin := filepath.Join(dir, "spoor")
	step("building spoor")
	// Built in the main module (this directory's parent), with its own go.sum.
	root, err := filepath.Abs("..")
	if err != nil {
		return err
	}
	if out, err := exec.Command("go", "build", "-C", root, "-o", spoorBin, "./cmd/spoor").CombinedOutput(); err != nil {
		return fmt.Errorf("building spoor: %v\n%s", err, out)
	}
	store := filepath.Join(dir, "spoor-data")
	start := time.Now()
	for _, t := range benchTables {
		cmd := exec.Command(spoorBin, "ingest", "-q", "--retention", "87600h", "--data", store, "--table", t, data.csv[t])
		cmd.Env = append(os.Environ(), "GOMAXPROCS="+fmt.Sprint(threads))
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("spoor ingest %s: %v\n%s", t, err, out)
		}
	}
	rep.Ingest.SpoorSeconds = time.Since(start).Seconds()
	rep.Ingest.SpoorRowsPerSec = float64(total) / rep.Ingest.SpoorSeconds
	rep.Disk.SpoorBytes = dirSize(store)
	step("spoor ingest: %.1f s (%.0f rows/s), %s on disk", rep.Ingest.SpoorSeconds, rep.Ingest.SpoorRowsPerSec, human(rep.Disk.SpoorBytes))

	// DuckDB: read_csv into a database file, with the same column types.
	dbPath := filepath.Join(dir, "duck.db")
	db, err := sql.Open("duckdb", dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(fmt.Sprintf("SET threads = %d", threads)); err != nil {
		return err
	}
	start = time.Now()
	for _, t := range benchTables {
		if _, err := db.Exec(duckLoad(t, data.csv[t])); err != nil {
			return fmt.Errorf("duckdb load %s: %w", t, err)
		}
	}
	if _, err := db.Exec("CHECKPOINT"); err != nil {
		return err
	}
	rep.Ingest.DuckDBSeconds = time.Since(start).Seconds()
	rep.Ingest.DuckDBRowsPerSec = float64(total) / rep.Ingest.DuckDBSeconds
	rep.Disk.DuckDBBytes = fileSize(dbPath) + fileSize(dbPath+".wal")
	step("duckdb load: %.1f s (%.0f rows/s), %s on disk", rep.Ingest.DuckDBSeconds, rep.Ingest.DuckDBRowsPerSec, human(rep.Disk.DuckDBBytes))

	st, err := storage.Open(store, storage.Options{Builtin: schema.Builtin, Now: func() time.Time { return now }})
	if err != nil {
		return err
	}
	defer st.Close()
	eng := engine.New(st, func() time.Time { return now })

	var logSum float64
	allSame := true
	qs := hunts(data, now)
	// The generator's tallies (every hash and device) are no longer needed;
	// dropped, they leave the collector nothing big to scan while Spoor's
	// queries run in this process.
	data.hashes, data.devices = nil, nil
	runtime.GC()
	for _, q := range qs {
		r := QueryReport{ID: q.id, Title: q.title, KQL: q.kql, SQL: q.sql}
		sres, sdur, err := timeSpoor(eng, q.kql, reps)
		if err != nil {
			return fmt.Errorf("%s on spoor: %w", q.id, err)
		}
		dres, ddur, err := timeDuck(db, q.sql, reps)
		if err != nil {
			return fmt.Errorf("%s on duckdb: %w", q.id, err)
		}
		r.SpoorMs, r.DuckDBMs = ms(sdur), ms(ddur)
		r.Ratio = r.SpoorMs / math.Max(r.DuckDBMs, 0.001)
		r.Rows = len(sres)
		r.Same, r.Note = sameAnswer(sres, dres, q.ordered, q.tolerance)
		allSame = allSame && r.Same
		logSum += math.Log(r.Ratio)
		rep.Queries = append(rep.Queries, r)
	}
	geo := math.Exp(logSum / float64(len(rep.Queries)))
	rep.Summary = map[string]any{"geomean_ratio": geo, "all_answers_same": allSame}
	printTable(rep)
	if jsonOut != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(jsonOut, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	if !allSame {
		return fmt.Errorf("the engines' answers differ (see the table)")
	}
	return nil
}

func step(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// timeSpoor runs a query once to warm up, then reps times, and returns the
// canonical rows and the best time.
func timeSpoor(eng *engine.Engine, kql string, reps int) ([][]string, time.Duration, error) {
	var rows [][]string
	best := time.Duration(math.MaxInt64)
	for i := 0; i <= reps; i++ {
		start := time.Now()
		res, err := eng.Query(context.Background(), kql, engine.Options{MaxRows: -1})
		d := time.Since(start)
		if err != nil {
			return nil, 0, err
		}
		if i == 0 {
			rows = canonSpoor(res)
			continue
		}
		best = min(best, d)
	}
	return rows, best, nil
}

func timeDuck(db *sql.DB, q string, reps int) ([][]string, time.Duration, error) {
	var rows [][]string
	best := time.Duration(math.MaxInt64)
	for i := 0; i <= reps; i++ {
		start := time.Now()
		r, err := db.Query(q)
		if err != nil {
			return nil, 0, err
		}
		cols, _ := r.Columns()
		var got [][]string
		for r.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for j := range vals {
				ptrs[j] = &vals[j]
			}
			if err := r.Scan(ptrs...); err != nil {
				r.Close()
				return nil, 0, err
			}
			row := make([]string, len(vals))
			for j, v := range vals {
				row[j] = canonAny(v)
			}
			got = append(got, row)
		}
		err = r.Err()
		r.Close()
		d := time.Since(start)
		if err != nil {
			return nil, 0, err
		}
		if i == 0 {
			rows = got
			continue
		}
		best = min(best, d)
	}
	return rows, best, nil
}

// canonSpoor prints a result's cells the way canonAny prints DuckDB's.
func canonSpoor(res *engine.Result) [][]string {
	out := make([][]string, len(res.Rows))
	for i, r := range res.Rows {
		row := make([]string, len(r))
		for j, v := range r {
			switch {
			case v.Null:
				row[j] = ""
			case v.Type == types.Datetime:
				row[j] = types.TicksToTime(v.I).UTC().Format("2006-01-02 15:04:05.000000")
			case v.Type == types.Real:
				row[j] = canonFloat(v.F)
			default:
				row[j] = types.Format(v)
			}
		}
		out[i] = row
	}
	return out
}

func canonAny(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04:05.000000")
	case float64:
		return canonFloat(x)
	case []byte:
		return string(x)
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	return fmt.Sprint(v)
}

func canonFloat(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return fmt.Sprintf("%.0f", f)
	}
	return fmt.Sprintf("%.6g", f)
}

// sameAnswer compares two canonical results; tolerance > 0 allows numeric
// cells to differ by that fraction (an estimated distinct count).
func sameAnswer(a, b [][]string, ordered bool, tolerance float64) (bool, string) {
	if len(a) != len(b) {
		return false, fmt.Sprintf("spoor %d rows, duckdb %d rows", len(a), len(b))
	}
	if !ordered {
		key := func(r []string) string { return strings.Join(r, "\x00") }
		sort.Slice(a, func(i, j int) bool { return key(a[i]) < key(a[j]) })
		sort.Slice(b, func(i, j int) bool { return key(b[i]) < key(b[j]) })
		if tolerance > 0 {
			// Order by the non-numeric cells only, so estimates do not reorder rows.
			key = func(r []string) string { return r[0] }
			sort.SliceStable(a, func(i, j int) bool { return key(a[i]) < key(a[j]) })
			sort.SliceStable(b, func(i, j int) bool { return key(b[i]) < key(b[j]) })
		}
	}
	worst := 0.0
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false, fmt.Sprintf("row %d: %d and %d columns", i+1, len(a[i]), len(b[i]))
		}
		for j := range a[i] {
			if a[i][j] == b[i][j] {
				continue
			}
			var x, y float64
			_, e1 := fmt.Sscan(a[i][j], &x)
			_, e2 := fmt.Sscan(b[i][j], &y)
			if tolerance > 0 && e1 == nil && e2 == nil {
				d := math.Abs(x-y) / math.Max(1, math.Abs(y))
				worst = math.Max(worst, d)
				if d <= tolerance {
					continue
				}
			}
			return false, fmt.Sprintf("row %d column %d: spoor %q, duckdb %q", i+1, j+1, a[i][j], b[i][j])
		}
	}
	if worst > 0 {
		return true, fmt.Sprintf("estimates within %.2f%%", worst*100)
	}
	return true, ""
}

func printTable(rep *Report) {
	fmt.Printf("\n%d DeviceProcessEvents rows, %d threads each\n\n", rep.Rows, rep.Threads)
	fmt.Printf("%-4s %-52s %10s %10s %7s  %s\n", "id", "hunt", "spoor ms", "duckdb ms", "ratio", "answers")
	for _, q := range rep.Queries {
		same := "same"
		if !q.Same {
			same = "DIFFER: " + q.Note
		} else if q.Note != "" {
			same += " (" + q.Note + ")"
		}
		fmt.Printf("%-4s %-52s %10.2f %10.2f %7.3f  %s\n", q.ID, q.Title, q.SpoorMs, q.DuckDBMs, q.Ratio, same)
	}
	fmt.Printf("\ngeometric mean of the ratios: %.3f\n", rep.Summary["geomean_ratio"])
	fmt.Printf("ingest: spoor %.0f rows/s, duckdb %.0f rows/s (same %s of CSV)\n", rep.Ingest.SpoorRowsPerSec, rep.Ingest.DuckDBRowsPerSec, human(rep.Ingest.CSVBytes))
	fmt.Printf("disk:   spoor %s, duckdb %s\n", human(rep.Disk.SpoorBytes), human(rep.Disk.DuckDBBytes))
}

func human(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
}

func dirSize(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

func fileSize(p string) int64 {
	fi, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return fi.Size()
}
