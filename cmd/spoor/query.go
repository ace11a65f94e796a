package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/repl"
	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/storage"
)

// defaultDataDir is --data's default: $SPOOR_DATA, else ~/.spoor.
func defaultDataDir() string {
	if d := os.Getenv("SPOOR_DATA"); d != "" {
		return d
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".spoor")
	}
	return ".spoor"
}

// openEngine opens the store in dir and an engine over it.
func openEngine(dir string) (*engine.Engine, error) {
	st, err := storage.Open(dir, storage.Options{Builtin: schema.Builtin})
	if err != nil {
		return nil, err
	}
	return engine.New(st, nil), nil
}

func runQuery(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("query", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", defaultDataDir(), "data directory")
	format := fs.String("format", "table", "output format: table, csv, json or jsonl")
	file := fs.String("f", "", "read the query from this file ('-' for standard input)")
	explain := fs.Bool("explain", false, "print the plan with what each scan read, the elapsed time and peak memory after the result")
	maxRows := fs.Int("max-rows", engine.DefaultMaxRows, "truncate the result after this many rows (set notruncation in the query lifts it)")
	timeout := fs.Duration("timeout", engine.DefaultTimeout, "stop the query after this long")
	maxMemory := fs.String("max-memory", "", "memory budget of the query, such as 512MiB or 4GiB (default a quarter of the machine's memory)")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: spoor query [--data DIR] [--format table|csv|json|jsonl] [--explain] [--timeout D] [--max-memory N] (-f FILE | 'KQL')\n\n"+
			"Runs one query or management command (.create table, .drop table, .show tables,\n.show table T schema, .show table T details) against the store.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	var text string
	switch {
	case *file != "" && fs.NArg() == 0:
		var b []byte
		var err error
		if *file == "-" {
			b, err = io.ReadAll(os.Stdin)
		} else {
			b, err = os.ReadFile(*file)
		}
		if err != nil {
			fmt.Fprintf(stderr, "spoor query: %v\n", err)
			return 1
		}
		text = string(b)
	case *file == "" && fs.NArg() == 1:
		text = fs.Arg(0)
	default:
		fs.Usage()
		return 2
	}
	switch *format {
	case "table", "csv", "json", "jsonl":
	default:
		fmt.Fprintf(stderr, "spoor query: unknown format %q (table, csv, json, jsonl)\n", *format)
		return 2
	}
	opts := engine.Options{MaxRows: *maxRows, Timeout: *timeout, Explain: *explain}
	if *timeout <= 0 {
		fmt.Fprintf(stderr, "spoor query: --timeout must be positive, such as 30s or 10m\n")
		return 2
	}
	if *maxMemory != "" {
		n, err := engine.ParseBytes(*maxMemory)
		if err != nil {
			fmt.Fprintf(stderr, "spoor query: --max-memory: %v\n", err)
			return 2
		}
		opts.MemoryLimit = n
	}
	eng, err := openEngine(*data)
	if err != nil {
		fmt.Fprintf(stderr, "spoor query: %v\n", err)
		return 1
	}
	defer eng.Store().Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := eng.Query(ctx, text, opts)
	if err != nil {
		var qe *engine.Error
		if errors.As(err, &qe) {
			fmt.Fprintln(stderr, qe.Detail())
		} else {
			fmt.Fprintf(stderr, "spoor query: %v\n", err)
		}
		return 1
	}
	if err := repl.WriteResult(stdout, res, *format); err != nil {
		fmt.Fprintf(stderr, "spoor query: %v\n", err)
		return 1
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	if *explain {
		fmt.Fprint(stderr, res.Profile)
	}
	if *format == "table" {
		fmt.Fprintf(stderr, "%d row%s in %s\n", len(res.Rows), plural(len(res.Rows)), res.Elapsed.Round(100_000))
	}
	return 0
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
