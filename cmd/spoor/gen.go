package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spoorhq/spoor/samples"
	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/storage"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// genConfig is what spoor gen and spoor demo ask of the generator.
type genConfig struct {
	opts   samples.GenOptions
	data   string // a store, or
	out    string // a directory of files
	format string // jsonl or csv, for out
	quiet  bool
}

func runGen(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c genConfig
	fs.StringVar(&c.data, "data", "", "write into the store in this `directory`")
	fs.StringVar(&c.out, "out", "", "write files (one per table) into this `directory` instead")
	fs.StringVar(&c.format, "format", "jsonl", "file format with --out: jsonl or csv")
	fs.IntVar(&c.opts.Devices, "devices", 50, "number of devices")
	fs.IntVar(&c.opts.Days, "days", 14, "days of history, ending now (1 to 30)")
	seed := fs.Uint64("seed", 1, "random seed: the same seed and flags give the same data")
	now := fs.String("now", "", "the end of the window, RFC 3339 (default: now, to the hour)")
	fs.IntVar(&c.opts.ProcessEventsPerDeviceDay, "rate", 200, "average DeviceProcessEvents rows per device and day; other tables follow")
	tables := fs.String("tables", "", "comma-separated tables to fill (default: all the generator knows)")
	fs.BoolVar(&c.opts.NoStories, "no-stories", false, "leave the attack stories out")
	fs.BoolVar(&c.quiet, "quiet", false, "print nothing but errors")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: spoor gen (--data DIR | --out DIR [--format jsonl|csv]) [--devices N] [--days D] [--seed S] [--now T]

Generates deterministic synthetic Defender telemetry: endpoint, identity, email,
cloud-app and sign-in tables with realistic activity, and attack stories hidden in
it. The ground truth (each story's rows) is written to ground-truth.jsonl in the
store or output directory.

Tables: `+strings.Join(samples.GeneratedTables(), ", ")+`

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 || (c.data == "") == (c.out == "") {
		fmt.Fprintln(stderr, "spoor gen: give exactly one of --data DIR and --out DIR")
		fs.Usage()
		return 2
	}
	if c.format != "jsonl" && c.format != "csv" {
		fmt.Fprintf(stderr, "spoor gen: --format is jsonl or csv, not %q\n", c.format)
		return 2
	}
	c.opts.Seed = *seed
	if *now != "" {
		t, err := time.Parse(time.RFC3339, *now)
		if err != nil {
			fmt.Fprintf(stderr, "spoor gen: --now: %v\n", err)
			return 2
		}
		c.opts.Now = t.UTC()
	}
	if *tables != "" {
		for _, t := range strings.Split(*tables, ",") {
			c.opts.Tables = append(c.opts.Tables, strings.TrimSpace(t))
		}
	}
	if _, err := generateInto(c, stderr); err != nil {
		fmt.Fprintf(stderr, "spoor gen: %v\n", err)
		return 1
	}
	return 0
}

// generateInto runs the generator into a store or files, writes the ground truth
// and reports what it wrote.
func generateInto(c genConfig, stderr io.Writer) (*samples.GenResult, error) {
	start := time.Now()
	var (
		sink   samples.Sink
		finish func() error
		dir    string
	)
	if c.data != "" {
		dir = c.data
		if os.Getenv("GOMEMLIMIT") == "" {
			debug.SetMemoryLimit(bulkMemoryLimit())
		}
		st, err := storage.Open(c.data, storage.Options{SyncBatch: true, Builtin: schema.Builtin})
		if err != nil {
			return nil, err
		}
		w := newStoreWriter(st)
		sink, finish = w.sink, w.close
	} else {
		dir = c.out
		if err := os.MkdirAll(c.out, 0o755); err != nil {
			return nil, err
		}
		w := &fileWriter{dir: c.out, format: c.format, files: map[string]*tableFile{}}
		sink, finish = w.sink, w.close
	}
	if !c.quiet && isTerminal(os.Stderr) {
		c.opts.Progress = func(day, days int, rows int64) {
			const width = 30
			n := day * width / days
			fmt.Fprintf(stderr, "\r  day %2d of %d [%s%s] %d rows", day, days, strings.Repeat("#", n), strings.Repeat(".", width-n), rows)
			if day == days {
				fmt.Fprint(stderr, "; writing segments\n")
			}
		}
	}
	res, err := samples.Generate(c.opts, sink)
	if ferr := finish(); err == nil {
		err = ferr
	}
	if err != nil {
		return nil, err
	}
	if err := writeTruth(filepath.Join(dir, "ground-truth.jsonl"), res); err != nil {
		return nil, err
	}
	if !c.quiet {
		el := time.Since(start)
		fmt.Fprintf(stderr, "generated %d rows in %d tables for %d devices over %d days in %s (%.0f rows/s)\n",
			res.Total, len(res.Rows), c.opts.Devices, c.opts.Days, el.Round(time.Millisecond), float64(res.Total)/el.Seconds())
		if len(res.Stories) > 0 {
			fmt.Fprintf(stderr, "%d attack stories are hidden in it; their rows are listed in %s\n", len(res.Stories), filepath.Join(dir, "ground-truth.jsonl"))
		}
	}
	return res, nil
}

func writeTruth(path string, res *samples.GenResult) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, e := range res.Truth {
		if err := enc.Encode(e); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// storeWriter appends generated batches to a store on its own goroutine, so
// that generating and storing use both cores. The load is a bulk one: rows go
// straight to segments, recorded when generation ends (a generation that
// fails or is killed leaves the store as it was).
type storeWriter struct {
	st   *storage.Store
	ch   chan genBatch
	done chan error
}

type genBatch struct {
	table string
	cols  []*vector.Vector
	rows  int
}

func newStoreWriter(st *storage.Store) *storeWriter {
	w := &storeWriter{st: st, ch: make(chan genBatch, 8), done: make(chan error, 1)}
	l := st.NewBulkLoader()
	go func() {
		var err error
		for b := range w.ch {
			if err == nil {
				err = l.Append(b.table, b.cols, b.rows)
			}
		}
		// Seal what is left and merge the small segments of repeated seals.
		if cerr := l.Close(true); err == nil {
			err = cerr
		}
		w.done <- err
	}()
	return w
}

func (w *storeWriter) sink(table string, cols []*vector.Vector, rows int) error {
	w.ch <- genBatch{table, cols, rows}
	return nil
}

func (w *storeWriter) close() error {
	close(w.ch)
	err := <-w.done
	if serr := w.st.Sync(); err == nil {
		err = serr
	}
	if cerr := w.st.Close(); err == nil {
		err = cerr
	}
	return err
}

// fileWriter writes each table to DIR/<Table>.jsonl or .csv.
type fileWriter struct {
	dir, format string
	files       map[string]*tableFile
}

type tableFile struct {
	f   *os.File
	w   *bufio.Writer
	csv *csv.Writer
	buf []byte
}

func (w *fileWriter) sink(table string, cols []*vector.Vector, rows int) error {
	tf := w.files[table]
	def, _ := schema.Builtin(table)
	if tf == nil {
		f, err := os.Create(filepath.Join(w.dir, table+"."+w.format))
		if err != nil {
			return err
		}
		tf = &tableFile{f: f, w: bufio.NewWriterSize(f, 1<<20)}
		if w.format == "csv" {
			tf.csv = csv.NewWriter(tf.w)
			head := make([]string, len(def.Columns))
			for i, c := range def.Columns {
				head[i] = c.Name
			}
			tf.csv.Write(head)
		}
		w.files[table] = tf
	}
	if tf.csv != nil {
		rec := make([]string, len(cols))
		for r := 0; r < rows; r++ {
			for i, c := range cols {
				rec[i] = types.Format(c.Value(r))
			}
			if err := tf.csv.Write(rec); err != nil {
				return err
			}
		}
		return nil
	}
	for r := 0; r < rows; r++ {
		b := append(tf.buf[:0], '{')
		first := true
		for i, c := range cols {
			if c.IsNull(r) || c.Type == types.String && c.Strs[r] == "" {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = append(b, '"')
			b = append(b, def.Columns[i].Name...)
			b = append(b, '"', ':')
			b = types.AppendJSON(b, c.Value(r))
		}
		b = append(b, '}', '\n')
		tf.buf = b
		if _, err := tf.w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

func (w *fileWriter) close() error {
	var first error
	for _, tf := range w.files {
		if tf.csv != nil {
			tf.csv.Flush()
			if err := tf.csv.Error(); err != nil && first == nil {
				first = err
			}
		}
		if err := tf.w.Flush(); err != nil && first == nil {
			first = err
		}
		if err := tf.f.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
