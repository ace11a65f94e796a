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
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spoorhq/spoor/detection"
	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/repl"
	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/storage"
)

// subcommand is one verb of a command with verbs (spoor saved add, ...).
type subcommand struct {
	name, args, summary string
	run                 func(args []string, stdout, stderr io.Writer) int
}

// runVerbs dispatches args[0] to one of verbs, or prints the verbs.
func runVerbs(cmd, summary string, verbs []subcommand, args []string, stdout, stderr io.Writer) int {
	usage := func(w io.Writer) {
		fmt.Fprintf(w, "usage: spoor %s <verb> [arguments]\n\n%s\n\nVerbs:\n\n", cmd, summary)
		for _, v := range verbs {
			fmt.Fprintf(w, "  %-44s %s\n", strings.TrimSpace(v.name+" "+v.args), v.summary)
		}
		fmt.Fprintf(w, "\nRun 'spoor %s <verb> -h' for a verb's flags.\n", cmd)
	}
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(stderr)
		return 0
	}
	for _, v := range verbs {
		if v.name == args[0] {
			return v.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "spoor %s: unknown verb %q\n\n", cmd, args[0])
	usage(stderr)
	return 2
}

// parseInterleaved parses flags that may come before, between or after the
// positional arguments, and returns the positional ones. It returns ok false
// with the exit status when parsing stopped (-h gives 0).
func parseInterleaved(fs *flag.FlagSet, args []string) (pos []string, status int, ok bool) {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, 0, false
			}
			return nil, 2, false
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, 0, true
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), 0, true
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// parseOpen parses a verb's flags, checks that it was given n positional
// arguments, and opens the detection state; ok false carries the exit status.
func parseOpen(fs *flag.FlagSet, data *string, args []string, n int, verb string, stderr io.Writer) (pos []string, db *detection.DB, status int, ok bool) {
	if pos, status, ok = parseInterleaved(fs, args); !ok {
		return nil, nil, status, false
	}
	if len(pos) != n {
		fs.Usage()
		return nil, nil, 2, false
	}
	db, err := detection.Open(*data)
	if err != nil {
		return nil, nil, fail(stderr, verb, err), false
	}
	return pos, db, 0, true
}

// newFlags makes a verb's flag set with --data and a usage text.
func newFlags(name, usage string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", defaultDataDir(), "data directory")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: spoor %s\n\nFlags:\n", usage)
		fs.PrintDefaults()
	}
	return fs, data
}

// openStore opens the store in dir.
func openStore(dir string) (*storage.Store, error) {
	return storage.Open(dir, storage.Options{Builtin: schema.Builtin})
}

// queryPlanner binds queries against the store in dir, or against the built-in
// tables when the store is in use (the scheduler holds it). close releases the
// store.
func queryPlanner(dir string, stderr io.Writer) (plan detection.Planner, close func()) {
	st, err := openStore(dir)
	if err != nil {
		fmt.Fprintf(stderr, "note: the store cannot be opened (%v); the query is checked against the built-in tables only\n", headLine(err.Error()))
		return detection.BuiltinPlanner(), func() {}
	}
	return detection.StorePlanner(st), func() { st.Close() }
}

// headLine is the first line of s.
func headLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// printJSON writes v as indented JSON.
func printJSON(w io.Writer, v any) int {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return 1
	}
	return 0
}

// fail prints an error for a verb and returns 1.
func fail(stderr io.Writer, verb string, err error) int {
	fmt.Fprintf(stderr, "spoor %s: %v\n", verb, err)
	return 1
}

// readQuery takes a query from -f FILE ('-' for standard input) or from the
// one argument left.
func readQuery(file string, args []string) (string, error) {
	switch {
	case file != "" && len(args) == 0:
		var b []byte
		var err error
		if file == "-" {
			b, err = io.ReadAll(os.Stdin)
		} else {
			b, err = os.ReadFile(file)
		}
		return string(b), err
	case file == "" && len(args) == 1:
		return args[0], nil
	}
	return "", errors.New("give the query as one argument or with -f FILE")
}

// signalContext is a context cancelled by Ctrl-C.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}

// parseNow reads --now: RFC 3339, or empty for the wall clock.
func parseNow(s string) (time.Time, error) {
	if s == "" {
		return time.Now().UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--now %q is not an RFC 3339 time such as 2026-05-01T12:00:00Z", s)
	}
	return t.UTC(), nil
}

func newTable(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0) }

func runSaved(args []string, stdout, stderr io.Writer) int {
	return runVerbs("saved", "Saved queries: kept under a name in the data directory, mine or shared; tracked ones are counted daily.",
		[]subcommand{
			{"add", "NAME (-f FILE | 'KQL')", "save a query (checked first)", savedAdd},
			{"list", "", "list the saved queries", savedList},
			{"show", "NAME", "print a saved query", savedShow},
			{"run", "NAME", "run a saved query", savedRun},
			{"rm", "NAME", "remove a saved query", savedRm},
			{"track", "NAME", "track a saved query: count its rows daily", savedTrack},
			{"untrack", "NAME", "stop tracking a saved query", savedUntrack},
		}, args, stdout, stderr)
}

func savedAdd(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("saved add", "saved add NAME [--folder F] [--description D] [--scope mine|shared] [--replace] (-f FILE | 'KQL')", stderr)
	folder := fs.String("folder", "", "folder to file it under, such as hunts/credential-access")
	desc := fs.String("description", "", "what the query finds")
	scope := fs.String("scope", "mine", "mine or shared")
	file := fs.String("f", "", "read the query from this file ('-' for standard input)")
	replace := fs.Bool("replace", false, "replace a saved query of the same name")
	pos, st, ok := parseInterleaved(fs, args)
	if !ok {
		return st
	}
	if len(pos) == 0 {
		fs.Usage()
		return 2
	}
	text, err := readQuery(*file, pos[1:])
	if err != nil {
		return fail(stderr, "saved add", err)
	}
	db, err := detection.Open(*data)
	if err != nil {
		return fail(stderr, "saved add", err)
	}
	plan, done := queryPlanner(*data, stderr)
	defer done()
	q := detection.SavedQuery{Name: pos[0], Folder: *folder, Description: *desc, Scope: *scope, Query: text}
	if err := db.AddSaved(q, plan, time.Now().UTC(), *replace); err != nil {
		return fail(stderr, "saved add", err)
	}
	fmt.Fprintf(stdout, "saved %s\n", pos[0])
	return 0
}

func savedList(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("saved list", "saved list [--json] [--scope mine|shared] [--folder F]", stderr)
	jsonOut := fs.Bool("json", false, "print JSON")
	scope := fs.String("scope", "", "only this scope")
	folder := fs.String("folder", "", "only this folder and its subfolders")
	if _, st, ok := parseInterleaved(fs, args); !ok {
		return st
	}
	db, err := detection.Open(*data)
	if err != nil {
		return fail(stderr, "saved list", err)
	}
	all, err := db.ListSaved()
	if err != nil {
		return fail(stderr, "saved list", err)
	}
	out := []detection.SavedQuery{}
	for _, q := range all {
		if *scope != "" && q.Scope != *scope {
			continue
		}
		if f := strings.Trim(*folder, "/"); f != "" && q.Folder != f && !strings.HasPrefix(q.Folder, f+"/") {
			continue
		}
		out = append(out, q)
	}
	if *jsonOut {
		return printJSON(stdout, out)
	}
	if len(out) == 0 {
		fmt.Fprintln(stderr, "no saved queries; add one with spoor saved add NAME 'KQL'")
		return 0
	}
	tw := newTable(stdout)
	fmt.Fprintln(tw, "NAME\tFOLDER\tSCOPE\tTRACKED\tDESCRIPTION")
	for _, q := range out {
		tr := ""
		if q.Tracked {
			tr = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", q.Name, q.Folder, q.Scope, tr, q.Description)
	}
	tw.Flush()
	return 0
}

func savedShow(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("saved show", "saved show NAME [--json]", stderr)
	jsonOut := fs.Bool("json", false, "print JSON")
	pos, db, st, ok := parseOpen(fs, data, args, 1, "saved show", stderr)
	if !ok {
		return st
	}
	q, err := db.GetSaved(pos[0])
	if err != nil {
		return fail(stderr, "saved show", err)
	}
	if *jsonOut {
		return printJSON(stdout, q)
	}
	fmt.Fprintf(stdout, "name:        %s\nfolder:      %s\nscope:       %s\ndescription: %s\ntracked:     %v\nupdated:     %s\n\n%s\n",
		q.Name, q.Folder, q.Scope, q.Description, q.Tracked, q.Updated.Format(time.RFC3339), strings.TrimRight(q.Query, "\n"))
	return 0
}

func savedRun(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("saved run", "saved run NAME [--format table|csv|json|jsonl]", stderr)
	format := fs.String("format", "table", "output format: table, csv, json or jsonl")
	pos, db, st, ok := parseOpen(fs, data, args, 1, "saved run", stderr)
	if !ok {
		return st
	}
	q, err := db.GetSaved(pos[0])
	if err != nil {
		return fail(stderr, "saved run", err)
	}
	eng, err := openEngine(*data)
	if err != nil {
		return fail(stderr, "saved run", err)
	}
	defer eng.Store().Close()
	ctx, stop := signalContext()
	defer stop()
	res, err := eng.Query(ctx, q.Query, engine.Options{})
	if err != nil {
		var qe *engine.Error
		if errors.As(err, &qe) {
			fmt.Fprintln(stderr, qe.Detail())
			return 1
		}
		return fail(stderr, "saved run", err)
	}
	if err := repl.WriteResult(stdout, res, *format); err != nil {
		return fail(stderr, "saved run", err)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	return 0
}

func savedRm(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("saved rm", "saved rm NAME", stderr)
	pos, db, st, ok := parseOpen(fs, data, args, 1, "saved rm", stderr)
	if !ok {
		return st
	}
	if err := db.RemoveSaved(pos[0]); err != nil {
		return fail(stderr, "saved rm", err)
	}
	fmt.Fprintf(stdout, "removed %s\n", pos[0])
	return 0
}

func savedTrack(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("saved track", "saved track NAME [--backfill DAYS] [--now T]", stderr)
	backfill := fs.Int("backfill", 7, "count this many past days at once, so the trend shows from the start (0 to 30)")
	nowFlag := fs.String("now", "", "the time to count up to, RFC 3339 (default: now)")
	pos, st, ok := parseInterleaved(fs, args)
	if !ok {
		return st
	}
	if len(pos) != 1 || *backfill < 0 || *backfill > 30 {
		fs.Usage()
		return 2
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		return fail(stderr, "saved track", err)
	}
	db, err := detection.Open(*data)
	if err != nil {
		return fail(stderr, "saved track", err)
	}
	store, err := openStore(*data)
	if err != nil {
		return fail(stderr, "saved track", err)
	}
	defer store.Close()
	ctx, stop := signalContext()
	defer stop()
	if err := db.Track(ctx, store, pos[0], *backfill, now); err != nil {
		return fail(stderr, "saved track", err)
	}
	fmt.Fprintf(stdout, "tracking %s: the scheduler counts it daily; spoor track shows the trend\n", pos[0])
	return 0
}

func savedUntrack(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("saved untrack", "saved untrack NAME", stderr)
	pos, db, st, ok := parseOpen(fs, data, args, 1, "saved untrack", stderr)
	if !ok {
		return st
	}
	if err := db.SetTracked(pos[0], false); err != nil {
		return fail(stderr, "saved untrack", err)
	}
	fmt.Fprintf(stdout, "no longer tracking %s; its counts are kept\n", pos[0])
	return 0
}

func runTrack(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("track", "track [--json] [--data DIR]\n\nShows each tracked query's latest daily count, the prior day's, and the trend against\nthe prior week", stderr)
	jsonOut := fs.Bool("json", false, "print JSON")
	if _, st, ok := parseInterleaved(fs, args); !ok {
		return st
	}
	db, err := detection.Open(*data)
	if err != nil {
		return fail(stderr, "track", err)
	}
	trends, err := db.Trends()
	if err != nil {
		return fail(stderr, "track", err)
	}
	if trends == nil {
		trends = []detection.Trend{}
	}
	if *jsonOut {
		return printJSON(stdout, trends)
	}
	if len(trends) == 0 {
		fmt.Fprintln(stderr, "no tracked queries; track one with spoor saved track NAME")
		return 0
	}
	spark := isTerminalWriter(stdout)
	tw := newTable(stdout)
	head := "QUERY\tTODAY\tPRIOR DAY\tPRIOR WEEK AVG\tTREND"
	if spark {
		head += "\tLAST 14 DAYS"
	}
	fmt.Fprintln(tw, head)
	num := func(p *int) string {
		if p == nil {
			return "-"
		}
		return fmt.Sprint(*p)
	}
	for _, t := range trends {
		week := "-"
		if t.PriorWeek != nil {
			week = fmt.Sprintf("%.1f", *t.PriorWeek)
		}
		line := fmt.Sprintf("%s\t%s\t%s\t%s\t%s", t.Query, num(t.Today), num(t.PriorDay), week, t.FormatTrend())
		if spark {
			var counts []int
			for _, p := range t.History[max(0, len(t.History)-14):] {
				counts = append(counts, p.Count)
			}
			line += "\t" + detection.Sparkline(counts)
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
	return 0
}

// isTerminalWriter says whether w is a terminal.
func isTerminalWriter(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isTerminal(f)
}
