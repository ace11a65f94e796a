// Package repl is the interactive hunting terminal: multi-line KQL input with
// history and completion, results as aligned tables, and dot commands for the
// session (.help, .tables, .schema, .explain, .format...). On a terminal it edits
// lines with liner; on any other input (a pipe, a test) it reads lines as they come,
// so scripts can drive it.
package repl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"
	"unicode"

	"github.com/peterh/liner"
	"golang.org/x/term"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/schema"
)

// REPL is one interactive session over an engine.
type REPL struct {
	Engine *engine.Engine
	// Out receives results; Err receives errors, warnings and statistics.
	Out, Err io.Writer
	// HistoryFile keeps input across sessions ("" for none).
	HistoryFile string
	// Banner is printed once at the start ("" for none).
	Banner string

	// Width is the terminal's width for tables (0: no limit); set from the
	// terminal when there is one.
	Width int

	format  string // table, csv, json or jsonl
	explain bool
	maxShow int
	done    bool
}

const (
	prompt     = "spoor> "
	contPrompt = "  ...> "
)

// Run reads and runs queries until the input ends or .quit. When in is a terminal
// it edits lines with history and completion; otherwise it reads in line by line.
func (r *REPL) Run(ctx context.Context, in *os.File) error {
	r.init()
	if r.Banner != "" {
		fmt.Fprint(r.Out, r.Banner)
	}
	if term.IsTerminal(int(in.Fd())) && liner.TerminalSupported() {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && r.Width == 0 {
			r.Width = w
		}
		return r.runTerminal(ctx)
	}
	return r.RunReader(ctx, in)
}

func (r *REPL) init() {
	if r.format == "" {
		r.format = "table"
	}
	if r.maxShow == 0 {
		r.maxShow = 200
	}
}

// RunReader runs the session over plain input, echoing nothing, with the same
// rules as the terminal (see Ready).
func (r *REPL) RunReader(ctx context.Context, in io.Reader) error {
	r.init()
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	var buf []string
	for !r.done && sc.Scan() {
		var run bool
		if buf, run = Ready(buf, sc.Text()); run {
			r.Execute(ctx, strings.Join(buf, "\n"))
			buf = buf[:0]
		}
	}
	if len(buf) > 0 && !r.done {
		r.Execute(ctx, strings.Join(buf, "\n"))
	}
	return sc.Err()
}

func (r *REPL) runTerminal(ctx context.Context) error {
	ln := liner.NewLiner()
	defer ln.Close()
	ln.SetCtrlCAborts(true)
	ln.SetMultiLineMode(true)
	ln.SetTabCompletionStyle(liner.TabPrints)
	comp := &completer{cat: r.Engine.Store(), builtins: schema.BuiltinNames()}
	ln.SetWordCompleter(comp.complete)
	if r.HistoryFile != "" {
		if f, err := os.Open(r.HistoryFile); err == nil {
			ln.ReadHistory(f)
			f.Close()
		}
		defer func() {
			// History can hold secrets typed into queries: only the user may read it.
			if f, err := os.OpenFile(r.HistoryFile, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600); err == nil {
				f.Chmod(0o600)
				ln.WriteHistory(f)
				f.Close()
			}
		}()
	}
	var buf []string
	for !r.done {
		p := prompt
		if len(buf) > 0 {
			p = contPrompt
		}
		line, err := ln.Prompt(p)
		if errors.Is(err, liner.ErrPromptAborted) {
			// Ctrl-C drops what was typed so far.
			buf = buf[:0]
			continue
		}
		if err == io.EOF {
			fmt.Fprintln(r.Out)
			return nil
		}
		if err != nil {
			return err
		}
		var run bool
		if buf, run = Ready(buf, line); !run {
			continue
		}
		text := strings.Join(buf, "\n")
		buf = buf[:0]
		ln.AppendHistory(strings.Join(strings.Fields(text), " "))
		r.Execute(ctx, text)
	}
	return nil
}

// Ready adds an input line to the lines typed so far and reports whether they
// should run now. The rules, the same on a terminal and in a script:
//   - a blank line runs what was typed, complete or not, so that its error shows;
//   - a line ending in ';' runs what was typed when it ends with a query (not
//     only let or set statements);
//   - a dot command runs at once;
//   - a query typed on one line runs on Enter when it is complete, unless it is
//     only a table name, the usual first line of a pipeline written over several;
//   - otherwise a query over several lines waits for a blank line or a ';', so
//     that a pasted query is not cut at its first complete line.
func Ready(buf []string, line string) ([]string, bool) {
	if strings.TrimSpace(line) == "" {
		return buf, len(buf) > 0
	}
	buf = append(buf, line)
	t := strings.TrimSpace(line)
	if strings.HasSuffix(t, ";") {
		return buf, endsWithQuery(strings.Join(buf, "\n"))
	}
	if len(buf) > 1 {
		return buf, false
	}
	if strings.HasPrefix(t, ".") {
		return buf, true
	}
	return buf, !bareName(t) && Complete(t)
}

// endsWithQuery reports whether text parses and its last statement is a query.
func endsWithQuery(text string) bool {
	q, err := parser.Parse(text)
	if err != nil || len(q.Statements) == 0 {
		return false
	}
	_, ok := q.Statements[len(q.Statements)-1].(*parser.QueryStmt)
	return ok
}

// bareName reports whether a line is only a name, such as a table's.
func bareName(s string) bool {
	for _, r := range s {
		if r != '_' && r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// Complete reports whether text is a whole query: it does not end in the middle
// of something (a trailing pipe or comma, an open bracket or string, an operator
// that needs more). A dot command is always complete.
func Complete(text string) bool {
	t := strings.TrimSpace(text)
	if t == "" || strings.HasPrefix(t, ".") {
		return true
	}
	if strings.HasSuffix(t, ";") || strings.HasSuffix(t, "|") || strings.HasSuffix(t, ",") {
		return false
	}
	_, err := parser.Parse(text)
	var pe *parser.Error
	if errors.As(err, &pe) {
		return !endsTooSoon(pe)
	}
	return true
}

// endsTooSoon reports whether a parse error says only that more input is needed.
func endsTooSoon(pe *parser.Error) bool {
	m := pe.Msg
	return strings.Contains(m, "the query ends") || strings.Contains(m, "the end of the query") ||
		strings.Contains(m, "not terminated")
}

// Execute runs one query or command and prints its outcome. Ctrl-C (SIGINT)
// cancels a running query and returns to the prompt.
func (r *REPL) Execute(ctx context.Context, text string) {
	r.init()
	t := strings.TrimSpace(text)
	if strings.HasPrefix(t, ".") {
		if r.command(ctx, t) {
			return
		}
	}
	r.query(ctx, text, r.explain)
}

func (r *REPL) query(ctx context.Context, text string, explain bool) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	go func() {
		select {
		case <-sig:
			cancel()
		case <-ctx.Done():
		}
	}()
	res, err := r.Engine.Query(ctx, text, engine.Options{Explain: explain})
	if err != nil {
		var qe *engine.Error
		switch {
		case errors.Is(err, context.Canceled):
			fmt.Fprintln(r.Err, "cancelled")
		case errors.As(err, &qe):
			fmt.Fprintln(r.Err, qe.Detail())
		default:
			fmt.Fprintf(r.Err, "error: %v\n", err)
		}
		return
	}
	if err := r.write(res); err != nil {
		fmt.Fprintf(r.Err, "error: %v\n", err)
	}
	if res.Render != "" && r.format == "table" && len(res.Rows) > 0 {
		if !WriteChart(r.Out, res, res.Render, r.Width) {
			fmt.Fprintf(r.Err, "(render %s is not drawn in the terminal; the table above holds its data)\n", res.Render)
		}
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(r.Err, "warning: %s\n", w)
	}
	if explain && res.Profile != "" {
		fmt.Fprint(r.Err, res.Profile)
	}
	fmt.Fprintf(r.Err, "%d row%s in %s%s\n", len(res.Rows), plural(len(res.Rows)), res.Elapsed.Round(time.Millisecond/10), scanSummary(res))
}

func (r *REPL) write(res *engine.Result) error {
	if r.format != "table" {
		return WriteResult(r.Out, res, r.format)
	}
	if err := WriteTable(r.Out, res, TableOptions{MaxRows: r.maxShow, Width: r.Width}); err != nil {
		return err
	}
	if n := len(res.Rows) - r.maxShow; n > 0 {
		fmt.Fprintf(r.Out, "... %d more row%s (.rows N shows more; .format csv prints all)\n", n, plural(n))
	}
	return nil
}

// scanSummary is the footer's account of what the scans read, when there were any.
func scanSummary(res *engine.Result) string {
	st := res.Stats
	if st.Segments == 0 && st.HotRows == 0 && st.RowsScanned == 0 {
		return ""
	}
	return fmt.Sprintf("; scanned %d row%s, %d of %d segment%s pruned", st.RowsScanned, plural(int(st.RowsScanned)),
		st.SegmentsPruned, st.Segments, plural(st.Segments))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
