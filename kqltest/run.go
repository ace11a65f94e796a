package kqltest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/executor"
	"github.com/spoorhq/spoor/functions"
	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/storage"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Options change how RunFileWith runs a file.
type Options struct {
	// Update rewrites, in place, the rows expectations that the reference
	// run's rows do not match (go test ./kqltest -update). Review the
	// rewritten file like code: the reference run is the engine too.
	Update bool
}

// RunFile runs every case of a .kqltest file as a subtest.
func RunFile(t *testing.T, path string) { RunFileWith(t, path, Options{}) }

// RunFileWith runs every case of a .kqltest file as a subtest, with options.
func RunFileWith(t *testing.T, path string, opts Options) {
	f, err := ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var edits []edit
	for _, c := range f.Cases {
		t.Run(c.Title, func(t *testing.T) { edits = append(edits, runCase(t, f.Path, c, opts)...) })
	}
	if len(edits) > 0 {
		if err := rewriteFile(f.Path, edits); err != nil {
			t.Fatalf("%s: -update: %v", f.Path, err)
		}
		t.Logf("%s: rewrote %d rows expectations from the reference run", f.Path, len(edits))
	}
}

// A config is one way of running a case's query. The reference run switches
// every optimizer rule off and makes scans use no index and prune nothing:
// its answer is the plain meaning of the query, which the others must match.
type config struct {
	name      string
	sealed    bool
	reference bool
}

// configs run in this order; the first reference run is the baseline the
// others are compared with and the source of -update.
var configs = []config{
	{name: "unsealed rows"},
	{name: "reference run over unsealed rows", reference: true},
	{name: "sealed segments", sealed: true},
	{name: "reference run over sealed segments", sealed: true, reference: true},
}

const baseline = 1 // index in configs

// referenceNote explains the reference run in failure messages.
const referenceNote = "the reference run has every optimizer rule off and uses no index"

// outcome is what one config's run returned.
type outcome struct {
	cfg config
	res *engine.Result
	err error
	// random says the plan picks rows at random (sample, rand()): runs may
	// then agree only on the columns and the number of rows.
	random bool
}

func runCase(t *testing.T, path string, c *Case, opts Options) []edit {
	where := fmt.Sprintf("%s:%d", path, c.Line)
	for _, e := range c.Expect {
		if e.Kind == "skip" {
			t.Skipf("%s: %s", where, e.Text)
		}
	}
	if len(c.Expect) == 0 {
		t.Fatalf("%s: eval has no expectation", where)
	}
	// Every query's canonical text must parse back to the same tree.
	if q, err := parser.Parse(c.Query); err == nil {
		again, err := parser.Parse(parser.Format(q))
		if err != nil || !parser.Equal(q, again) {
			t.Errorf("%s: the canonical text does not round-trip: %v\n%s", where, err, parser.Format(q))
		}
	}
	st, err := loadStore(t, c)
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	defer st.Close()
	eng := engine.New(st, func() time.Time { return c.Now })
	command := engine.IsCommand(c.Query)
	var outs []outcome
	sealed := false
	for _, cfg := range configs {
		if cfg.sealed && !sealed {
			if err := st.SealAll(); err != nil {
				t.Fatalf("%s: seal: %v", where, err)
			}
			sealed = true
		}
		o := outcome{cfg: cfg}
		switch {
		case cfg.reference && command:
			continue // a management command has no plan to run otherwise
		case cfg.reference:
			o.res, o.random, o.err = referenceQuery(st, c.Now, c.Query)
		default:
			o.res, o.err = eng.Query(context.Background(), c.Query, engine.Options{Explain: true})
		}
		outs = append(outs, o)
	}
	var edits []edit
	if opts.Update && !command {
		edits = update(c, outs[baseline])
	}
	// Expectations: a message shared by several runs is reported once.
	type failure struct {
		e    *Expect
		msg  string
		runs []string
	}
	var fails []*failure
	for i, o := range outs {
		for _, e := range c.Expect {
			if !applies(e, o.cfg, i) {
				continue
			}
			msg := check(e, c, o.res, o.err)
			if msg == "" {
				continue
			}
			found := false
			for _, f := range fails {
				if f.e == e && f.msg == msg {
					f.runs, found = append(f.runs, o.cfg.name), true
				}
			}
			if !found {
				fails = append(fails, &failure{e: e, msg: msg, runs: []string{o.cfg.name}})
			}
		}
	}
	for _, f := range fails {
		runs := strings.Join(f.runs, ", ")
		if len(f.runs) == len(outs) && len(outs) > 1 {
			runs = "every run"
		}
		t.Errorf("%s:%d (%s, over %s):\n%s", path, f.e.Line, f.e.Kind, runs, f.msg)
	}
	// The runs must agree with each other whatever the file expects.
	if !command {
		compareRuns(t, where, c, outs)
	}
	return edits
}

// applies says whether expectation e is checked on the i-th run: the plan
// and warnings belong to the optimized runs, the format to none in
// particular (it is checked once).
func applies(e *Expect, cfg config, i int) bool {
	switch e.Kind {
	case "plan", "warn":
		return !cfg.reference
	case "format":
		return i == 0
	}
	return true
}

// compareRuns reports each run whose answer differs from the baseline's.
func compareRuns(t *testing.T, where string, c *Case, outs []outcome) {
	ordered := false
	for _, e := range c.Expect {
		ordered = ordered || e.Kind == "rows ordered"
	}
	base := outs[baseline]
	want := answerLines(base, ordered)
	type group struct {
		diff string
		runs []string
	}
	var groups []*group
	for i, o := range outs {
		if i == baseline {
			continue
		}
		got := answerLines(o, ordered)
		if base.random || !ordered && (truncated(o) || truncated(base)) {
			// A cut unordered result may keep any of the rows: compare the
			// header and the number of rows only.
			if len(got) == len(want) && (len(got) == 0 || got[0] == want[0]) {
				continue
			}
		}
		if !ordered && base.err == nil && o.err == nil {
			got = append(got[:1:1], align(want[1:], got[1:])...)
		}
		if slicesEqual(got, want) {
			continue
		}
		d := diffLines(want, got)
		found := false
		for _, g := range groups {
			if g.diff == d {
				g.runs, found = append(g.runs, o.cfg.name), true
			}
		}
		if !found {
			groups = append(groups, &group{diff: d, runs: []string{o.cfg.name}})
		}
	}
	for _, g := range groups {
		t.Errorf("%s: the answer over %s differs from the %s (%s; - reference, + %s):\n%s",
			where, strings.Join(g.runs, ", "), base.cfg.name, referenceNote, strings.Join(g.runs, ", "), g.diff)
	}
}

func truncated(o outcome) bool { return o.res != nil && o.res.Truncated }

// answerLines writes a run's answer in the file's syntax: the header then the
// rows (sorted unless ordered), or the error.
func answerLines(o outcome, ordered bool) []string {
	if o.err != nil {
		pos, msg := errorPos(o.err)
		if pos != "" {
			return []string{"error at " + pos + " " + msg}
		}
		return []string{"error " + msg}
	}
	header, rows := resultLines(o.res)
	if !ordered {
		sort.Strings(rows)
	}
	return append([]string{header}, rows...)
}

// resultLines writes a result's header and rows in the file's syntax.
func resultLines(res *engine.Result) (string, []string) {
	header := make([]string, len(res.Columns))
	for i, c := range res.Columns {
		header[i] = c.Name + ":" + c.Type.String()
	}
	rows := make([]string, len(res.Rows))
	for i, row := range res.Rows {
		cells := make([]string, len(row))
		for j, v := range row {
			cells[j] = Cell(v)
		}
		rows[i] = strings.Join(cells, ", ")
	}
	return strings.Join(header, ", "), rows
}

// referenceQuery runs a query the plain way: bound with every optimizer rule
// off and executed with scans that use no index. Its limits follow the
// query's set statements as the engine's do. random says the plan picks rows
// at random.
func referenceQuery(st *storage.Store, now time.Time, text string) (res *engine.Result, random bool, err error) {
	q, err := parser.Parse(text)
	if err != nil {
		return nil, false, &engine.Error{Source: text, Err: err}
	}
	ctx, cancel := context.WithTimeout(storage.WithoutIndexes(context.Background()), engine.DefaultTimeout)
	defer cancel()
	mem := engine.DefaultMemoryLimit()
	host := &planner.Host{Rows: func(n planner.Node, max int) ([][]types.Value, error) {
		return executor.Rows(ctx, st, n, max, executor.Options{MemoryLimit: mem})
	}}
	plan, err := planner.Bind(q, engine.Catalog(st), planner.Options{Now: now, Host: host, DisabledRules: planner.RuleNames()})
	if err != nil {
		return nil, false, &engine.Error{Source: text, Err: err}
	}
	random = isRandom(reflect.ValueOf(plan.Root), map[uintptr]bool{})
	req := plan.Options
	maxRows := engine.DefaultMaxRows
	switch {
	case req.NoTruncation:
		maxRows = -1
	case req.TruncationMaxRecords > 0:
		maxRows = int(req.TruncationMaxRecords)
	}
	var maxBytes int64
	if !req.NoTruncation {
		maxBytes = req.TruncationMaxSize
	}
	if req.TakeMaxRecords > 0 && (maxRows < 0 || req.TakeMaxRecords <= int64(maxRows)) {
		maxRows = int(req.TakeMaxRecords)
	}
	if req.MaxMemory > 0 {
		mem = req.MaxMemory
	}
	out, err := executor.Run(ctx, plan, st, executor.Options{MaxRows: maxRows, MaxBytes: maxBytes, MemoryLimit: mem})
	if err != nil {
		var el planner.ErrorList
		if errors.As(err, &el) {
			return nil, random, &engine.Error{Source: text, Err: err}
		}
		return nil, random, err
	}
	res = &engine.Result{Columns: out.Columns, Truncated: out.Truncated, Render: plan.Render}
	for _, b := range out.Batches {
		res.Rows = append(res.Rows, engine.BatchRows(b, len(out.Columns))...)
	}
	return res, random, nil
}

// randomFuncs are the functions whose value changes from call to call.
var randomFuncs = map[string]bool{"rand": true, "new_guid": true}

var (
	sampleType = reflect.TypeOf(&planner.Sample{})
	callType   = reflect.TypeOf(&planner.Call{})
	specType   = reflect.TypeOf(&functions.Spec{})
)

// isRandom reports whether a plan, its subqueries included, samples rows or
// calls a random function.
func isRandom(v reflect.Value, seen map[uintptr]bool) bool {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || v.Type() == specType || seen[v.Pointer()] {
			return false
		}
		seen[v.Pointer()] = true
		switch v.Type() {
		case sampleType:
			return true
		case callType:
			if fn := v.Elem().FieldByName("Fn"); !fn.IsNil() && randomFuncs[fn.Elem().FieldByName("Name").String()] {
				return true
			}
		}
		return isRandom(v.Elem(), seen)
	case reflect.Interface:
		return !v.IsNil() && isRandom(v.Elem(), seen)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if isRandom(v.Field(i), seen) {
				return true
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if isRandom(v.Index(i), seen) {
				return true
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if isRandom(it.Value(), seen) {
				return true
			}
		}
	}
	return false
}

// loadStore creates a fresh store holding the case's tables, unsealed.
func loadStore(t *testing.T, c *Case) (*storage.Store, error) {
	st, err := storage.Open(t.TempDir(), storage.Options{Now: func() time.Time { return c.Now }, Retention: 100 * 365 * 24 * time.Hour})
	if err != nil {
		return nil, err
	}
	for _, tb := range c.Tables {
		if err := st.CreateTable(tb.Def); err != nil {
			st.Close()
			return nil, err
		}
		cols := make([]*vector.Vector, len(tb.Def.Columns))
		for i, col := range tb.Def.Columns {
			cols[i] = vector.New(col.Type, len(tb.Rows))
		}
		for r, row := range tb.Rows {
			for i, cell := range row {
				v, err := cellValue(cell, tb.Def.Columns[i].Type)
				if err != nil {
					st.Close()
					return nil, fmt.Errorf("table %s row %d column %s: %v", tb.Def.Name, r+1, tb.Def.Columns[i].Name, err)
				}
				cols[i].Append(v)
			}
		}
		if err := st.Append(tb.Def.Name, cols, len(tb.Rows)); err != nil {
			st.Close()
			return nil, err
		}
	}
	return st, nil
}

// check compares one expectation with a run's outcome; it returns a message
// written in the file's own syntax, or "".
func check(e *Expect, c *Case, res *engine.Result, qerr error) string {
	switch e.Kind {
	case "error":
		if qerr == nil {
			return fmt.Sprintf("the query succeeded; want error %s", e.Text)
		}
		pos, msg := errorPos(qerr)
		got := "error"
		if pos != "" {
			got += " at " + pos
		}
		got += " " + msg
		if !strings.Contains(msg, e.Text) || e.ErrPos != "" && e.ErrPos != pos {
			want := "error"
			if e.ErrPos != "" {
				want += " at " + e.ErrPos
			}
			return fmt.Sprintf(" got: %s\nwant: %s %s", got, want, e.Text)
		}
		return ""
	case "format":
		q, err := parser.Parse(c.Query)
		if err != nil {
			return fmt.Sprintf("the query does not parse: %v", err)
		}
		if got := parser.Format(q); got != strings.TrimSpace(e.Content) {
			return fmt.Sprintf("format (- want, + got):\n%s", diffLines(strings.Split(strings.TrimSpace(e.Content), "\n"), strings.Split(got, "\n")))
		}
		return ""
	}
	if qerr != nil {
		var qe *engine.Error
		if errors.As(qerr, &qe) {
			return "the query failed: " + qe.Detail()
		}
		return "the query failed: " + qerr.Error()
	}
	switch e.Kind {
	case "plan":
		if got := strings.TrimSpace(res.Plan); got != strings.TrimSpace(e.Content) {
			return fmt.Sprintf("plan (- want, + got):\n%s", diffLines(strings.Split(strings.TrimSpace(e.Content), "\n"), strings.Split(got, "\n")))
		}
	case "rows", "rows ordered":
		return checkRows(e, res)
	case "warn":
		for _, w := range res.Warnings {
			if strings.Contains(w, e.Text) {
				return ""
			}
		}
		return fmt.Sprintf("no warning containing %q; the warnings are %q", e.Text, res.Warnings)
	}
	return ""
}

func errorPos(err error) (string, string) {
	var pe *parser.Error
	if errors.As(err, &pe) {
		return fmt.Sprintf("%d:%d", pe.Line, pe.Column), pe.Msg
	}
	var pl planner.ErrorList
	if errors.As(err, &pl) && len(pl) > 0 {
		return fmt.Sprintf("%d:%d", pl[0].Pos.Line, pl[0].Pos.Column), pl[0].Msg
	}
	return "", err.Error()
}

// checkRows compares a result with a rows expectation: as a multiset, or in
// order for rows ordered. The message is a diff in the file's syntax, the
// expected lines marked - and the result's +.
func checkRows(e *Expect, res *engine.Result) string {
	header, got := resultLines(res)
	want := make([]string, len(e.Rows))
	for i, row := range e.Rows {
		want[i] = strings.Join(row, ", ")
	}
	if e.Kind == "rows" {
		got = align(want, got)
	}
	wantHeader := strings.Join(e.Header, ", ")
	if header == wantHeader && slicesEqual(got, want) {
		return ""
	}
	return fmt.Sprintf("%s (- want, + got; go test ./kqltest -update takes the reference run's rows):\n%s",
		e.Kind, diffLines(append([]string{wantHeader}, want...), append([]string{header}, got...)))
}

// align orders the got lines like want, for comparing multisets: the lines
// also in want first, in want's order, then the others in their own order.
func align(want, got []string) []string {
	left := map[string]int{}
	for _, g := range got {
		left[g]++
	}
	out := make([]string, 0, len(got))
	for _, w := range want {
		if left[w] > 0 {
			left[w]--
			out = append(out, w)
		}
	}
	for _, g := range got {
		if left[g] > 0 {
			left[g]--
			out = append(out, g)
		}
	}
	return out
}

func slicesEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// diffLines is a line diff of want and got, each line indented two spaces
// and marked "- " (only in want), "+ " (only in got) or "  ". Long runs of
// equal lines are cut to three lines of context around each change.
func diffLines(want, got []string) string {
	// Longest common subsequence by dynamic programming; test outputs are
	// small, and beyond a few thousand lines the diff is of all lines.
	n, m := len(want), len(got)
	type op struct {
		mark byte
		line string
	}
	var ops []op
	if n*m > 4_000_000 {
		for _, w := range want {
			ops = append(ops, op{'-', w})
		}
		for _, g := range got {
			ops = append(ops, op{'+', g})
		}
	} else {
		lcs := make([][]int32, n+1)
		for i := range lcs {
			lcs[i] = make([]int32, m+1)
		}
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				if want[i] == got[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		i, j := 0, 0
		for i < n || j < m {
			switch {
			case i < n && j < m && want[i] == got[j]:
				ops = append(ops, op{' ', want[i]})
				i, j = i+1, j+1
			case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
				ops = append(ops, op{'-', want[i]})
				i++
			default:
				ops = append(ops, op{'+', got[j]})
				j++
			}
		}
	}
	const context = 3
	near := make([]bool, len(ops))
	for k, o := range ops {
		if o.mark != ' ' {
			for d := max(0, k-context); d <= min(len(ops)-1, k+context); d++ {
				near[d] = true
			}
		}
	}
	var b strings.Builder
	skipped := 0
	flush := func() {
		if skipped > 0 {
			fmt.Fprintf(&b, "    ... %d equal lines\n", skipped)
			skipped = 0
		}
	}
	for k, o := range ops {
		if !near[k] {
			skipped++
			continue
		}
		flush()
		b.WriteString("  ")
		b.WriteByte(o.mark)
		b.WriteByte(' ')
		b.WriteString(o.line)
		b.WriteByte('\n')
	}
	flush()
	return strings.TrimSuffix(b.String(), "\n")
}

// Cell writes a value the way .kqltest files do.
func Cell(v types.Value) string {
	if v.Null && v.Type != types.String {
		return "null"
	}
	switch v.Type {
	case types.String:
		return strconv.Quote(v.S)
	case types.Guid, types.Decimal:
		return strconv.Quote(v.S)
	case types.Dynamic:
		return types.DynamicToJSON(v.D)
	}
	return types.Format(v)
}
