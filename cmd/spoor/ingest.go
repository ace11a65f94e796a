package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/term"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/storage"
	"github.com/spoorhq/spoor/storage/ingest"
	"github.com/spoorhq/spoor/vector"
)

// ingestMemoryLimit is the soft heap limit of spoor ingest from standard
// input.
const ingestMemoryLimit = 1 << 30

// bulkMemoryLimit is the soft heap limit of a bulk load (spoor ingest of
// files, spoor gen into a store): its buffers hold up to a gigabyte of rows,
// a day of a busy table, which a tighter limit would have the collector scan
// over and over. Half the machine's memory at most.
func bulkMemoryLimit() int64 { return min(3<<30, 2*engine.DefaultMemoryLimit()) }

func runIngest(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", defaultDataDir(), "data directory")
	table := fs.String("table", "", "table to load into (required)")
	schemaSpec := fs.String("schema", "", "create the table if it does not exist, with these columns: 'Col:type, ...'")
	format := fs.String("format", "auto", "input format: jsonl, csv or auto")
	rejects := fs.String("rejects", "", "file for rejected rows (default: DATA/rejects/TABLE-TIME.jsonl)")
	retention := fs.Duration("retention", 30*24*time.Hour, "rows older than this are rejected")
	syncMode := fs.String("sync", "always", "for standard input: always fsyncs every batch; batch fsyncs once a second (a power failure may lose the last second)")
	quiet := fs.Bool("q", false, "no progress bar")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: spoor ingest --table NAME [--data DIR] [--schema 'Col:type,...'] [--format jsonl|csv|auto] FILE...|-\n\n"+
			"Loads JSON lines or CSV (with a header), plain, gzip or zstd. Rows that cannot be\nconverted are reported with their line and written to the rejects file; the rest\ngo in. Exit status 0 means every accepted row is durable.\n\n"+
			"Files are loaded as one unit: their rows are written straight to segments and\nrecorded together at the end, so a load that fails or is killed stores none of\nthem (Ctrl-C stores the rows read so far). Standard input (-) is stored as it\narrives, each batch durable before the next is read.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *table == "" || fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	fmtOpt, err := ingest.ParseFormat(*format)
	if err != nil {
		fmt.Fprintf(stderr, "spoor ingest: %v\n", err)
		return 2
	}
	if *syncMode != "always" && *syncMode != "batch" {
		fmt.Fprintf(stderr, "spoor ingest: --sync is always or batch, not %q\n", *syncMode)
		return 2
	}
	st, err := storage.Open(*data, storage.Options{Retention: *retention, SyncBatch: *syncMode == "batch", Builtin: schema.Builtin})
	if err != nil {
		fmt.Fprintf(stderr, "spoor ingest: %v\n", err)
		return 1
	}
	defer st.Close()
	def := st.Table(*table)
	if def == nil {
		if *schemaSpec == "" {
			fmt.Fprintf(stderr, "spoor ingest: table %s does not exist; give --schema 'Col:type, ...' to create it\n", *table)
			return 1
		}
		cols, err := schema.ParseColumns(*schemaSpec)
		if err != nil {
			fmt.Fprintf(stderr, "spoor ingest: --schema: %v\n", err)
			return 2
		}
		if err := st.CreateTable(&schema.Table{Name: *table, Columns: cols}); err != nil {
			fmt.Fprintf(stderr, "spoor ingest: %v\n", err)
			return 1
		}
		def = st.Table(*table)
	}
	// Files load in bulk (see the usage); standard input streams.
	bulk := !slices.Contains(fs.Args(), "-")
	if os.Getenv("GOMEMLIMIT") == "" {
		// A long load keeps creating short-lived column data; a soft limit makes the
		// collector run before the heap doubles (GOMEMLIMIT overrides it).
		if bulk {
			debug.SetMemoryLimit(bulkMemoryLimit())
		} else {
			debug.SetMemoryLimit(ingestMemoryLimit)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var loader *storage.Loader
	if bulk {
		loader = st.NewBulkLoader()
	} else {
		loader = st.NewLoader()
	}
	job := &ingestJob{store: st, def: def, stderr: stderr, started: time.Now(), retention: *retention,
		format: fmtOpt, rejectsPath: *rejects, dataDir: *data, loader: loader}
	stopProgress := func() {}
	if !*quiet && isTerminal(os.Stderr) {
		stopProgress = job.progress()
	}
	code := 0
	for _, name := range fs.Args() {
		if ctx.Err() != nil {
			break
		}
		if err := job.file(ctx, name); err != nil {
			fmt.Fprintf(stderr, "\rspoor ingest: %s: %v\n", name, err)
			code = 1
			break
		}
	}
	// A clean exit seals what was ingested and merges the small segments
	// repeated seals leave for the same day; streamed rows are durable either
	// way, and a bulk load is recorded whole or not at all.
	if err := job.loader.Close(code == 0); err != nil {
		if bulk {
			fmt.Fprintf(stderr, "\rspoor ingest: %v (nothing of this load was stored)\n", err)
			job.accepted.Store(0)
		} else {
			fmt.Fprintf(stderr, "\rspoor ingest: seal: %v (the rows are durable and will be sealed later)\n", err)
		}
		code = 1
	}
	if err := st.Seal(def.Name); err != nil {
		fmt.Fprintf(stderr, "\rspoor ingest: seal: %v (the rows are durable and will be sealed later)\n", err)
		code = 1
	}
	if err := st.Sync(); err != nil {
		fmt.Fprintf(stderr, "\rspoor ingest: sync: %v\n", err)
		code = 1
	}
	stopProgress()
	job.closeRejects()
	job.summary()
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "interrupted: the rows counted above are stored")
		return 130
	}
	return code
}

type ingestJob struct {
	store       *storage.Store
	def         *schema.Table
	stderr      io.Writer
	started     time.Time
	retention   time.Duration
	format      ingest.Format
	rejectsPath string
	dataDir     string
	loader      *storage.Loader // appends, sealing in the background

	accepted, rejected, bytes atomic.Int64
	unknown                   map[string]int64
	rejectFile                *os.File
	rejectEnc                 *json.Encoder
	total                     int64 // input bytes, when known, for the progress bar
}

func (j *ingestJob) file(ctx context.Context, name string) error {
	var in io.Reader
	if name == "-" {
		in = os.Stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil {
			atomic.AddInt64(&j.total, st.Size())
		}
		in = f
	}
	r, err := ingest.NewReader(in, name, j.def, ingest.Options{Format: j.format, Now: time.Now(), Retention: j.retention})
	if err != nil {
		return err
	}
	defer r.Close() // ends the decompression goroutine on an early return
	// Reading and converting overlap with committing: a reader goroutine hands
	// batches to this one, which appends (and waits for fsync) and seals.
	type chunk struct {
		cols    []*vector.Vector
		rows    int
		rejects []ingest.Reject
		bytes   int64
		err     error
	}
	chunks := make(chan chunk, 2)
	quit := make(chan struct{})
	defer close(quit)
	go func() {
		defer close(chunks)
		before := int64(0)
		for ctx.Err() == nil {
			cols, rows, err := r.Next()
			st := r.Stats()
			c := chunk{cols: cols, rows: rows, rejects: r.Rejects(), bytes: st.Bytes - before, err: err}
			before = st.Bytes
			select {
			case chunks <- c:
			case <-quit:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range chunks {
		if len(c.rejects) > 0 {
			if werr := j.reject(name, c.rejects); werr != nil {
				return werr
			}
		}
		j.bytes.Add(c.bytes)
		if c.rows > 0 {
			if err := j.loader.Append(j.def.Name, c.cols, c.rows); err != nil {
				return err
			}
			j.accepted.Add(int64(c.rows))
		}
		if c.err == io.EOF {
			break
		}
		if c.err != nil {
			return c.err
		}
	}
	for k, n := range r.Stats().UnknownFields {
		if j.unknown == nil {
			j.unknown = map[string]int64{}
		}
		j.unknown[k] += n
	}
	return nil
}

// reject writes rejected rows to the rejects file, opening it on first use.
func (j *ingestJob) reject(file string, rej []ingest.Reject) error {
	if j.rejectFile == nil {
		path := j.rejectsPath
		if path == "" {
			path = filepath.Join(j.dataDir, "rejects", fmt.Sprintf("%s-%s.jsonl", j.def.Name, j.started.UTC().Format("20060102T150405Z")))
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		j.rejectFile, j.rejectEnc, j.rejectsPath = f, json.NewEncoder(f), path
	}
	for i, r := range rej {
		if j.rejected.Load()+int64(i) < 5 {
			fmt.Fprintf(j.stderr, "\r%s:%d: rejected: %s\n", file, r.Line, r.Reason)
		}
		if err := j.rejectEnc.Encode(map[string]any{"file": file, "line": r.Line, "reason": r.Reason, "raw": r.Raw}); err != nil {
			return err
		}
	}
	j.rejected.Add(int64(len(rej)))
	return nil
}

func (j *ingestJob) closeRejects() {
	if j.rejectFile != nil {
		j.rejectFile.Close()
	}
}

func (j *ingestJob) summary() {
	el := time.Since(j.started)
	acc, rej := j.accepted.Load(), j.rejected.Load()
	rate := float64(acc) / max(el.Seconds(), 1e-9)
	fmt.Fprintf(j.stderr, "\r\033[K%s: %d rows accepted, %d rejected, %s read in %s (%.0f rows/s)\n",
		j.def.Name, acc, rej, humanBytes(j.bytes.Load()), el.Round(time.Millisecond), rate)
	if rej > 0 {
		fmt.Fprintf(j.stderr, "rejected rows are in %s\n", j.rejectsPath)
	}
	if len(j.unknown) > 0 {
		names := make([]string, 0, len(j.unknown))
		for k := range j.unknown {
			names = append(names, k)
		}
		sort.Strings(names)
		parts := make([]string, len(names))
		for i, n := range names {
			parts[i] = fmt.Sprintf("%s (%d rows)", n, j.unknown[n])
		}
		fmt.Fprintf(j.stderr, "fields not in the table (not stored; add them to the schema or an AdditionalFields dynamic column): %s\n", strings.Join(parts, ", "))
	}
}

// progress draws a one-line progress bar on the terminal until the returned
// function is called.
func (j *ingestJob) progress() func() {
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				el := time.Since(j.started).Seconds()
				read, total := j.bytes.Load(), atomic.LoadInt64(&j.total)
				bar := ""
				if total > 0 {
					frac := min(float64(read)/float64(total), 1)
					n := int(frac * 30)
					bar = "[" + strings.Repeat("=", n) + strings.Repeat(" ", 30-n) + fmt.Sprintf("] %3.0f%% ", frac*100)
				}
				fmt.Fprintf(j.stderr, "\r\033[K%s%d rows, %d rejected, %s, %.0f rows/s", bar, j.accepted.Load(), j.rejected.Load(),
					humanBytes(read), float64(j.accepted.Load())/max(el, 1e-9))
			}
		}
	}()
	return func() { close(stop); <-done }
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
