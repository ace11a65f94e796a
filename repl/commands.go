package repl

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/spoorhq/spoor/detection"
	"github.com/spoorhq/spoor/samples"
	"github.com/spoorhq/spoor/schema"
)

// replCommand is one of the session's dot commands. Dot commands the REPL does
// not know (.show tables, .create table...) go to the engine as management commands.
type replCommand struct {
	name, args, help string
	run              func(r *REPL, ctx context.Context, arg string)
}

var replCommands []replCommand

func init() {
	replCommands = []replCommand{
		{".help", "", "this list", func(r *REPL, _ context.Context, _ string) { r.help() }},
		{".quit", "", "leave (also .exit or Ctrl-D)", func(r *REPL, _ context.Context, _ string) { r.done = true }},
		{".exit", "", "", func(r *REPL, _ context.Context, _ string) { r.done = true }},
		{".tables", "", "the tables with rows, and the built-in tables", func(r *REPL, _ context.Context, _ string) { r.tables() }},
		{".schema", "TABLE", "a table's columns and types", func(r *REPL, _ context.Context, arg string) { r.schema(arg) }},
		{".explain", "[on|off|QUERY]", "print plans and scan statistics after results, or explain one query",
			func(r *REPL, ctx context.Context, arg string) { r.explainCmd(ctx, arg) }},
		{".format", "table|csv|json|jsonl", "how results print", func(r *REPL, _ context.Context, arg string) { r.setFormat(arg) }},
		{".rows", "N", "how many rows a table shows (default 200)", func(r *REPL, _ context.Context, arg string) { r.setRows(arg) }},
		{".samples", "", "the built-in sample hunts, by MITRE tactic", func(r *REPL, _ context.Context, _ string) { r.listSamples() }},
		{".saved", "", "the saved queries of this data directory", func(r *REPL, _ context.Context, _ string) { r.listSaved() }},
		{".run", "NAME", "print a saved query or a sample hunt and run it", func(r *REPL, ctx context.Context, arg string) { r.runNamed(ctx, arg) }},
	}
}

// commandNames lists the dot commands, for completion.
func commandNames() []string {
	var names []string
	for _, c := range replCommands {
		names = append(names, c.name)
	}
	return append(names, ".show", ".create", ".drop")
}

// command runs a dot command and reports whether it was one of the REPL's.
func (r *REPL) command(ctx context.Context, text string) bool {
	name, arg, _ := strings.Cut(text, " ")
	name = strings.ToLower(name)
	for _, c := range replCommands {
		if c.name == name {
			c.run(r, ctx, strings.TrimSpace(arg))
			return true
		}
	}
	return false
}

func (r *REPL) help() {
	fmt.Fprint(r.Out, "Type a KQL query. A one-line query runs on Enter; a query over several lines\n"+
		"(start with the table name alone, or end a line with a pipe) runs on a blank line.\n"+
		"Tab completes tables, columns, operators and functions. Ctrl-C cancels a running\nquery or clears the input.\n\nCommands:\n")
	for _, c := range replCommands {
		if c.help == "" {
			continue
		}
		fmt.Fprintf(r.Out, "  %-28s %s\n", strings.TrimSpace(c.name+" "+c.args), c.help)
	}
	fmt.Fprint(r.Out, "  .show tables, .show table T schema, .create table ...  management commands\n")
}

func (r *REPL) tables() {
	st := r.Engine.Store()
	have := map[string]bool{}
	var lines []string
	for _, t := range st.Tables() {
		have[t.Name] = true
		d, err := st.Details(t.Name)
		if err != nil {
			continue
		}
		lines = append(lines, fmt.Sprintf("  %-40s %12d rows", t.Name, d.Rows))
	}
	sort.Strings(lines)
	fmt.Fprintln(r.Out, "Tables with data:")
	if len(lines) == 0 {
		fmt.Fprintln(r.Out, "  (none)")
	}
	for _, l := range lines {
		fmt.Fprintln(r.Out, l)
	}
	var empty []string
	for _, n := range schema.BuiltinNames() {
		if !have[n] {
			empty = append(empty, n)
		}
	}
	if len(empty) > 0 {
		fmt.Fprintf(r.Out, "Built-in tables without data (%d): %s\n", len(empty), strings.Join(empty, ", "))
	}
}

func (r *REPL) schema(name string) {
	if name == "" {
		fmt.Fprintln(r.Err, "usage: .schema TABLE")
		return
	}
	t := r.Engine.Store().Table(name)
	if t == nil {
		fmt.Fprintf(r.Err, "unknown table '%s'\n", name)
		return
	}
	for _, c := range t.Columns {
		fmt.Fprintf(r.Out, "  %-36s %s\n", c.Name, c.Type)
	}
}

func (r *REPL) explainCmd(ctx context.Context, arg string) {
	switch strings.ToLower(arg) {
	case "on":
		r.explain = true
		fmt.Fprintln(r.Err, "plans and statistics will print after each result")
	case "off":
		r.explain = false
	case "":
		fmt.Fprintln(r.Err, "usage: .explain on|off, or .explain QUERY")
	default:
		r.query(ctx, arg, true)
	}
}

func (r *REPL) setFormat(arg string) {
	switch arg {
	case "table", "csv", "json", "jsonl":
		r.format = arg
	default:
		fmt.Fprintf(r.Err, "unknown format %q: use table, csv, json or jsonl\n", arg)
	}
}

func (r *REPL) listSamples() {
	all, err := samples.All()
	if err != nil {
		fmt.Fprintf(r.Err, "error: %v\n", err)
		return
	}
	tactic := ""
	for _, s := range all {
		if s.Tactic != tactic {
			tactic = s.Tactic
			fmt.Fprintln(r.Out, tactic)
		}
		fmt.Fprintf(r.Out, "  %-40s %s\n", s.Name, s.Title)
	}
	fmt.Fprintln(r.Out, "Run one with .run NAME")
}

func (r *REPL) runSample(ctx context.Context, name string) {
	s, ok := samples.Lookup(name)
	if !ok {
		fmt.Fprintf(r.Err, "no sample named '%s'; .samples lists them\n", name)
		return
	}
	fmt.Fprintln(r.Out, strings.TrimRight(s.Query, "\n"))
	fmt.Fprintln(r.Out)
	r.query(ctx, s.Query, r.explain)
}

// savedQueries opens the detection state beside the store, or nil when the
// store has no directory.
func (r *REPL) savedQueries() *detection.DB {
	dir := r.Engine.Store().Dir()
	if dir == "" {
		return nil
	}
	db, err := detection.Open(dir)
	if err != nil {
		return nil
	}
	return db
}

func (r *REPL) listSaved() {
	db := r.savedQueries()
	if db == nil {
		fmt.Fprintln(r.Err, "no saved queries")
		return
	}
	all, err := db.ListSaved()
	if err != nil {
		fmt.Fprintf(r.Err, "error: %v\n", err)
		return
	}
	if len(all) == 0 {
		fmt.Fprintln(r.Err, "no saved queries; add one with spoor saved add NAME 'KQL'")
		return
	}
	for _, q := range all {
		name := q.Name
		if q.Folder != "" {
			name = q.Folder + "/" + q.Name
		}
		fmt.Fprintf(r.Out, "  %-40s %-6s %s\n", name, q.Scope, q.Description)
	}
	fmt.Fprintln(r.Out, "Run one with .run NAME")
}

// runNamed runs a saved query of that name, else the sample hunt.
func (r *REPL) runNamed(ctx context.Context, name string) {
	if db := r.savedQueries(); db != nil && name != "" {
		if q, err := db.GetSaved(name); err == nil {
			fmt.Fprintln(r.Out, strings.TrimRight(q.Query, "\n"))
			fmt.Fprintln(r.Out)
			r.query(ctx, q.Query, r.explain)
			return
		}
	}
	r.runSample(ctx, name)
}

func (r *REPL) setRows(arg string) {
	n, err := strconv.Atoi(arg)
	if err != nil || n <= 0 {
		fmt.Fprintln(r.Err, "usage: .rows N, with N at least 1")
		return
	}
	r.maxShow = n
}
