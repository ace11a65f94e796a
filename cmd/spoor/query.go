package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/storage"
	"github.com/spoorhq/spoor/types"
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
	explain := fs.Bool("explain", false, "print the plan and the scan statistics after the result")
	maxRows := fs.Int("max-rows", 100_000, "truncate the result after this many rows")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: spoor query [--data DIR] [--format table|csv|json|jsonl] [--explain] (-f FILE | 'KQL')\n\n"+
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
	eng, err := openEngine(*data)
	if err != nil {
		fmt.Fprintf(stderr, "spoor query: %v\n", err)
		return 1
	}
	defer eng.Store().Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := eng.Query(ctx, text, engine.Options{MaxRows: *maxRows, Explain: *explain})
	if err != nil {
		var qe *engine.Error
		if errors.As(err, &qe) {
			fmt.Fprintln(stderr, qe.Detail())
		} else {
			fmt.Fprintf(stderr, "spoor query: %v\n", err)
		}
		return 1
	}
	if err := writeResult(stdout, res, *format); err != nil {
		fmt.Fprintf(stderr, "spoor query: %v\n", err)
		return 1
	}
	if res.Truncated {
		fmt.Fprintf(stderr, "warning: the result was truncated to %d rows\n", len(res.Rows))
	}
	if *explain {
		fmt.Fprint(stderr, res.Plan)
		st := res.Stats
		fmt.Fprintf(stderr, "segments: %d, pruned %d; blocks read %d; hot rows %d; rows from scans %d\n",
			st.Segments, st.SegmentsPruned, st.BlocksRead, st.HotRows, st.RowsScanned)
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

// writeResult prints a result in one of the output formats.
func writeResult(w io.Writer, res *engine.Result, format string) error {
	switch format {
	case "csv":
		cw := csv.NewWriter(w)
		head := make([]string, len(res.Columns))
		for i, c := range res.Columns {
			head[i] = c.Name
		}
		cw.Write(head)
		for _, row := range res.Rows {
			rec := make([]string, len(row))
			for i, v := range row {
				rec[i] = types.Format(v)
			}
			cw.Write(rec)
		}
		cw.Flush()
		return cw.Error()
	case "json":
		type col struct {
			Name string `json:"name"`
			Type string `json:"type"`
		}
		out := struct {
			Columns []col             `json:"columns"`
			Rows    []json.RawMessage `json:"rows"`
		}{Rows: []json.RawMessage{}}
		for _, c := range res.Columns {
			out.Columns = append(out.Columns, col{c.Name, c.Type.String()})
		}
		for _, row := range res.Rows {
			b := []byte{'['}
			for i, v := range row {
				if i > 0 {
					b = append(b, ',')
				}
				b = types.AppendJSON(b, v)
			}
			out.Rows = append(out.Rows, append(b, ']'))
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "jsonl":
		for _, row := range res.Rows {
			b := []byte{'{'}
			for i, v := range row {
				if i > 0 {
					b = append(b, ',')
				}
				name, _ := json.Marshal(res.Columns[i].Name)
				b = append(append(b, name...), ':')
				b = types.AppendJSON(b, v)
			}
			if _, err := w.Write(append(b, '}', '\n')); err != nil {
				return err
			}
		}
		return nil
	}
	return writeTable(w, res)
}

// writeTable prints aligned columns, cutting very long cells.
func writeTable(w io.Writer, res *engine.Result) error {
	const maxCell = 60
	cells := make([][]string, len(res.Rows)+1)
	width := make([]int, len(res.Columns))
	cells[0] = make([]string, len(res.Columns))
	for i, c := range res.Columns {
		cells[0][i] = c.Name
		width[i] = utf8.RuneCountInString(c.Name)
	}
	for r, row := range res.Rows {
		cells[r+1] = make([]string, len(row))
		for i, v := range row {
			s := strings.ReplaceAll(types.Format(v), "\n", " ")
			if utf8.RuneCountInString(s) > maxCell {
				s = string([]rune(s)[:maxCell-1]) + "…"
			}
			cells[r+1][i] = s
			width[i] = max(width[i], utf8.RuneCountInString(s))
		}
	}
	var b strings.Builder
	for r, row := range cells {
		for i, s := range row {
			if i > 0 {
				b.WriteString("  ")
			}
			b.WriteString(s)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", width[i]-utf8.RuneCountInString(s)))
			}
		}
		b.WriteByte('\n')
		if r == 0 {
			for i := range row {
				if i > 0 {
					b.WriteString("  ")
				}
				b.WriteString(strings.Repeat("-", width[i]))
			}
			b.WriteByte('\n')
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
