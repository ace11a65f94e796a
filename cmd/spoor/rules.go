package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spoorhq/spoor/detection"
)

func runRules(args []string, stdout, stderr io.Writer) int {
	return runVerbs("rules", "Custom detection rules: YAML files whose queries run on a schedule and raise alerts.",
		[]subcommand{
			{"add", "FILE", "add a rule from a YAML file (checked first)", rulesAdd},
			{"list", "", "list the rules with their schedule and last status", rulesList},
			{"show", "NAME", "print a rule as YAML, with its schedule", rulesShow},
			{"enable", "NAME", "turn a rule on: it runs at once over its lookback", rulesEnable},
			{"disable", "NAME", "turn a rule off", rulesDisable},
			{"rm", "NAME", "remove a rule (its alerts stay)", rulesRm},
			{"run", "NAME", "run a rule now over its lookback", rulesRun},
			{"history", "NAME", "a rule's runs", rulesHistory},
			{"import", "DIR", "add every rule file (*.yaml, *.yml) in a folder", rulesImport},
			{"export", "DIR", "write every rule to DIR/NAME.yaml", rulesExport},
			{"test", "FILE --since 30d", "back-test a rule over stored data without saving anything", rulesTest},
		}, args, stdout, stderr)
}

// readRule reads a rule from a YAML file.
func readRule(path string) (*detection.Rule, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r, err := detection.ParseRule(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return r, nil
}

func rulesAdd(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("rules add", "rules add FILE [--replace]", stderr)
	replace := fs.Bool("replace", false, "replace a rule of the same name")
	pos, st, ok := parseInterleaved(fs, args)
	if !ok {
		return st
	}
	if len(pos) != 1 {
		fs.Usage()
		return 2
	}
	r, err := readRule(pos[0])
	if err != nil {
		return fail(stderr, "rules add", err)
	}
	db, err := detection.Open(*data)
	if err != nil {
		return fail(stderr, "rules add", err)
	}
	plan, done := queryPlanner(*data, stderr)
	defer done()
	rec, err := db.AddRule(*r, plan, time.Now().UTC(), *replace)
	if err != nil {
		return fail(stderr, "rules add", err)
	}
	state := "enabled: the scheduler runs it at once over its lookback"
	switch {
	case !rec.Enabled:
		state = "disabled"
	case !rec.LastEnd.IsZero():
		state = "replaced; its schedule goes on"
	}
	fmt.Fprintf(stdout, "added rule %s (every %s, %s)\n", rec.Rule.Name, rec.Rule.Frequency, state)
	return 0
}

// ruleLine is one rule in spoor rules list --json.
type ruleLine struct {
	detection.RuleRecord
	Alerts int `json:"alerts"`
}

func rulesList(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("rules list", "rules list [--json]", stderr)
	jsonOut := fs.Bool("json", false, "print JSON")
	if _, st, ok := parseInterleaved(fs, args); !ok {
		return st
	}
	db, err := detection.Open(*data)
	if err != nil {
		return fail(stderr, "rules list", err)
	}
	rules, err := db.ListRules()
	if err != nil {
		return fail(stderr, "rules list", err)
	}
	alerts, err := db.ListAlerts()
	if err != nil {
		return fail(stderr, "rules list", err)
	}
	count := map[string]int{}
	for _, a := range alerts {
		count[a.Rule]++
	}
	out := []ruleLine{}
	for _, r := range rules {
		out = append(out, ruleLine{r, count[r.Rule.Name]})
	}
	if *jsonOut {
		return printJSON(stdout, out)
	}
	if len(out) == 0 {
		fmt.Fprintln(stderr, "no rules; add one with spoor rules add FILE")
		return 0
	}
	tw := newTable(stdout)
	fmt.Fprintln(tw, "NAME\tENABLED\tFREQUENCY\tSEVERITY\tLAST STATUS\tNEXT RUN\tALERTS")
	for _, l := range out {
		fmt.Fprintf(tw, "%s\t%v\t%s\t%s\t%s\t%s\t%d\n", l.Rule.Name, l.Enabled, l.Rule.Frequency, l.Rule.Severity,
			orDash(l.LastStatus), timeOrDash(l.NextRun), l.Alerts)
	}
	tw.Flush()
	return 0
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func timeOrDash(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

func rulesShow(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("rules show", "rules show NAME [--json]", stderr)
	jsonOut := fs.Bool("json", false, "print JSON")
	pos, db, st, ok := parseOpen(fs, data, args, 1, "rules show", stderr)
	if !ok {
		return st
	}
	rec, err := db.GetRule(pos[0])
	if err != nil {
		return fail(stderr, "rules show", err)
	}
	if *jsonOut {
		return printJSON(stdout, rec)
	}
	y, err := detection.MarshalRule(&rec.Rule)
	if err != nil {
		return fail(stderr, "rules show", err)
	}
	stdout.Write(y)
	fmt.Fprintf(stdout, "# enabled: %v; last status: %s; last window ended: %s; next run: %s\n",
		rec.Enabled, orDash(rec.LastStatus), timeOrDash(rec.LastEnd), timeOrDash(rec.NextRun))
	return 0
}

func rulesEnable(args []string, stdout, stderr io.Writer) int {
	return rulesToggle(args, true, stdout, stderr)
}
func rulesDisable(args []string, stdout, stderr io.Writer) int {
	return rulesToggle(args, false, stdout, stderr)
}

func rulesToggle(args []string, on bool, stdout, stderr io.Writer) int {
	verb := "disable"
	if on {
		verb = "enable"
	}
	fs, data := newFlags("rules "+verb, "rules "+verb+" NAME", stderr)
	pos, st, ok := parseInterleaved(fs, args)
	if !ok {
		return st
	}
	if len(pos) != 1 {
		fs.Usage()
		return 2
	}
	db, err := detection.Open(*data)
	if err != nil {
		return fail(stderr, "rules "+verb, err)
	}
	if err := db.SetEnabled(pos[0], on, time.Now().UTC()); err != nil {
		return fail(stderr, "rules "+verb, err)
	}
	fmt.Fprintf(stdout, "%sd %s\n", verb, pos[0])
	return 0
}

func rulesRm(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("rules rm", "rules rm NAME", stderr)
	pos, db, st, ok := parseOpen(fs, data, args, 1, "rules rm", stderr)
	if !ok {
		return st
	}
	if err := db.RemoveRule(pos[0]); err != nil {
		return fail(stderr, "rules rm", err)
	}
	fmt.Fprintf(stdout, "removed %s\n", pos[0])
	return 0
}

func rulesRun(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("rules run", "rules run NAME [--json] [--now T] [--lookback 7d]", stderr)
	jsonOut := fs.Bool("json", false, "print the run and its alerts as JSON")
	lookFlag := fs.String("lookback", "", "read this far back instead of the rule's lookback (up to 30d; NRT rules read 1h by default)")
	nowFlag := fs.String("now", "", "the time the run's window ends, RFC 3339 (default: now)")
	pos, st, ok := parseInterleaved(fs, args)
	if !ok {
		return st
	}
	if len(pos) != 1 {
		fs.Usage()
		return 2
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		return fail(stderr, "rules run", err)
	}
	var lookback time.Duration
	if *lookFlag != "" {
		if lookback, err = parseSince(*lookFlag); err != nil {
			return fail(stderr, "rules run", errors.New(strings.Replace(err.Error(), "--since", "--lookback", 1)))
		}
	}
	db, err := detection.Open(*data)
	if err != nil {
		return fail(stderr, "rules run", err)
	}
	store, err := openStore(*data)
	if err != nil {
		return fail(stderr, "rules run", fmt.Errorf("%w (is the scheduler running? it runs the rules itself)", err))
	}
	defer store.Close()
	ctx, stop := signalContext()
	defer stop()
	run, alerts, err := db.RunNow(ctx, store, pos[0], now, lookback)
	if err != nil {
		return fail(stderr, "rules run", err)
	}
	if *jsonOut {
		if alerts == nil {
			alerts = []detection.Alert{}
		}
		return printJSON(stdout, struct {
			Run    *detection.Run    `json:"run"`
			Alerts []detection.Alert `json:"alerts"`
		}{run, alerts})
	}
	printRun(stdout, run)
	for _, a := range alerts {
		fmt.Fprintf(stdout, "  %s  %-13s %s  [%s]\n", a.ID, a.Severity, a.Title, entityText(a.Entities))
	}
	if run.Status == detection.StatusFailed {
		return 1
	}
	return 0
}

func printRun(w io.Writer, r *detection.Run) {
	fmt.Fprintf(w, "%s %s (%s) %s: window %s .. %s, %d row%s, %d alert%s, %s",
		r.ID, r.Rule, r.Trigger, r.Status, r.From.UTC().Format(time.RFC3339), r.To.UTC().Format(time.RFC3339),
		r.Rows, plural(r.Rows), r.Alerts, plural(r.Alerts), r.Elapsed.Round(time.Millisecond))
	if r.Missed > 0 {
		fmt.Fprintf(w, ", standing for %d missed run%s", r.Missed, plural(r.Missed))
	}
	if !r.NextRun.IsZero() {
		fmt.Fprintf(w, "; next run %s", r.NextRun.UTC().Format(time.RFC3339))
	}
	fmt.Fprintln(w)
	for _, reason := range r.Reasons {
		fmt.Fprintf(w, "  reason: %s\n", reason)
	}
}

func entityText(es []detection.Entity) string {
	var parts []string
	for _, e := range es {
		parts = append(parts, e.Type+" "+e.Value)
	}
	return strings.Join(parts, ", ")
}

func rulesHistory(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("rules history", "rules history NAME [--json] [--last N]", stderr)
	jsonOut := fs.Bool("json", false, "print JSON")
	last := fs.Int("last", 50, "show the last N runs (0 for all)")
	pos, db, st, ok := parseOpen(fs, data, args, 1, "rules history", stderr)
	if !ok {
		return st
	}
	runs, err := db.History(pos[0])
	if err != nil {
		return fail(stderr, "rules history", err)
	}
	if *last > 0 && len(runs) > *last {
		runs = runs[len(runs)-*last:]
	}
	if runs == nil {
		runs = []detection.Run{}
	}
	if *jsonOut {
		return printJSON(stdout, runs)
	}
	if len(runs) == 0 {
		fmt.Fprintf(stderr, "%s has not run yet\n", pos[0])
		return 0
	}
	tw := newTable(stdout)
	fmt.Fprintln(tw, "RUN\tTRIGGER\tSTATUS\tWINDOW FROM\tWINDOW TO\tDURATION\tROWS\tALERTS\tNEXT RUN\tREASONS")
	for _, r := range runs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\n", r.ID, r.Trigger, r.Status, timeOrDash(r.From), timeOrDash(r.To),
			r.Elapsed.Round(time.Millisecond), r.Rows, r.Alerts, timeOrDash(r.NextRun), strings.Join(r.Reasons, "; "))
	}
	tw.Flush()
	return 0
}

func rulesImport(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("rules import", "rules import DIR [--replace]", stderr)
	replace := fs.Bool("replace", false, "replace rules of the same names")
	pos, st, ok := parseInterleaved(fs, args)
	if !ok {
		return st
	}
	if len(pos) != 1 {
		fs.Usage()
		return 2
	}
	var files []string
	for _, pat := range []string{"*.yaml", "*.yml"} {
		m, _ := filepath.Glob(filepath.Join(pos[0], pat))
		files = append(files, m...)
	}
	sort.Strings(files)
	if len(files) == 0 {
		return fail(stderr, "rules import", fmt.Errorf("no rule files (*.yaml, *.yml) in %s", pos[0]))
	}
	db, err := detection.Open(*data)
	if err != nil {
		return fail(stderr, "rules import", err)
	}
	plan, done := queryPlanner(*data, stderr)
	defer done()
	failed := 0
	now := time.Now().UTC()
	for _, f := range files {
		r, err := readRule(f)
		if err == nil {
			_, err = db.AddRule(*r, plan, now, *replace)
		}
		if err != nil {
			failed++
			fmt.Fprintf(stderr, "%s: %v\n", f, err)
			continue
		}
		fmt.Fprintf(stdout, "added rule %s from %s\n", r.Name, f)
	}
	fmt.Fprintf(stdout, "%d of %d rules imported\n", len(files)-failed, len(files))
	if failed > 0 {
		return 1
	}
	return 0
}

func rulesExport(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("rules export", "rules export DIR", stderr)
	pos, db, st, ok := parseOpen(fs, data, args, 1, "rules export", stderr)
	if !ok {
		return st
	}
	rules, err := db.ListRules()
	if err != nil {
		return fail(stderr, "rules export", err)
	}
	if err := os.MkdirAll(pos[0], 0o755); err != nil {
		return fail(stderr, "rules export", err)
	}
	for _, rec := range rules {
		r := rec.Rule
		r.Disabled = !rec.Enabled
		y, err := detection.MarshalRule(&r)
		if err != nil {
			return fail(stderr, "rules export", err)
		}
		if err := os.WriteFile(filepath.Join(pos[0], r.Name+".yaml"), y, 0o644); err != nil {
			return fail(stderr, "rules export", err)
		}
	}
	fmt.Fprintf(stdout, "exported %d rule%s to %s\n", len(rules), plural(len(rules)), pos[0])
	return 0
}

// parseSince reads a span such as 30d, 12h or 90m.
func parseSince(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		if d, err := strconv.Atoi(n); err == nil && d > 0 && d <= 30 {
			return time.Duration(d) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d > 0 && d <= 30*24*time.Hour {
		return d, nil
	}
	return 0, fmt.Errorf("--since %q is not a span of up to 30 days such as 30d, 7d or 12h", s)
}

func rulesTest(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("rules test", "rules test FILE [--since 30d] [--json] [--now T]\n\nRuns the rule over the stored data as the scheduler would have, run by run, and shows\nthe alerts it would have raised. Nothing is saved", stderr)
	sinceFlag := fs.String("since", "30d", "how far back to start the schedule")
	jsonOut := fs.Bool("json", false, "print the runs and alerts as JSON")
	nowFlag := fs.String("now", "", "the end of the back-test, RFC 3339 (default: now)")
	pos, st, ok := parseInterleaved(fs, args)
	if !ok {
		return st
	}
	if len(pos) != 1 {
		fs.Usage()
		return 2
	}
	since, err := parseSince(*sinceFlag)
	if err != nil {
		return fail(stderr, "rules test", err)
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		return fail(stderr, "rules test", err)
	}
	r, err := readRule(pos[0])
	if err != nil {
		return fail(stderr, "rules test", err)
	}
	store, err := openStore(*data)
	if err != nil {
		return fail(stderr, "rules test", err)
	}
	defer store.Close()
	ctx, stop := signalContext()
	defer stop()
	runs, err := detection.BackTest(ctx, store, *r, since, now)
	if err != nil {
		return fail(stderr, "rules test", err)
	}
	if *jsonOut {
		if runs == nil {
			runs = []detection.BackTestRun{}
		}
		return printJSON(stdout, runs)
	}
	total, failed := 0, 0
	for _, br := range runs {
		total += len(br.Alerts)
		if br.Run.Status != detection.StatusCompleted {
			failed++
		}
		if len(br.Alerts) == 0 && br.Run.Status == detection.StatusCompleted {
			continue
		}
		printRun(stdout, &br.Run)
		for _, a := range br.Alerts {
			fmt.Fprintf(stdout, "  would raise: %-13s %s  [%s] at %s\n", a.Severity, a.Title, entityText(a.Entities), a.Time.Format(time.RFC3339))
		}
	}
	every := "every " + r.Frequency
	if r.Frequency == "nrt" {
		every = "(near-real-time, in hourly windows)"
	}
	fmt.Fprintf(stdout, "%d run%s %s over %s: %d alert%s, %d run%s not completed\n", len(runs), plural(len(runs)),
		every, *sinceFlag, total, plural(total), failed, plural(failed))
	return 0
}
