// Package conformance measures how faithfully Spoor implements KQL: it runs cases
// whose expected results come from the language's documentation and from another
// engine's tests (JSON lines, one case a line) and compares values, not spellings.
//
// A case passes when the query runs and its result has the expected columns (by
// name, in order; and types, where the case gives them) and rows (in order, or as a
// multiset when the case says the order is not defined). Cells are compared as
// values of the result column's type: numbers to the precision shown, datetimes and
// timespans as ticks, dynamic values as JSON structures.
package conformance

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/types"
)

// Case is one line of a conformance file.
type Case struct {
	ID            string   `json:"id"`
	Source        string   `json:"source"`
	Query         string   `json:"query"`
	Expected      Table    `json:"expected"`
	ExpectedExtra []Table  `json:"expected_extra"`
	SelfContained bool     `json:"self_contained"`
	RowOrder      string   `json:"row_order"`
	Flags         []string `json:"flags"`
}

// Table is an expected result: column names, optionally their types, and the
// cells as printed text.
type Table struct {
	Columns []string   `json:"columns"`
	Types   []string   `json:"types"`
	Rows    [][]string `json:"rows"`
}

// Override replaces a case's expectation that review found wrong in its source;
// the case still runs and is compared with the corrected table.
type Override struct {
	ID       string `json:"id"`
	Reason   string `json:"reason"`
	Expected Table  `json:"expected"`
}

// Status is a case's outcome.
type Status string

// The outcomes. A case is skipped only when it cannot have one right answer (it
// reads the clock or random numbers) or needs an external runtime (Python, R) or
// tables the case does not define.
const (
	Passed  Status = "passed"
	Failed  Status = "failed"
	Skipped Status = "skipped"
)

// Outcome is one case's result.
type Outcome struct {
	ID     string `json:"id"`
	Status Status `json:"status"`
	// Reason says why a case failed or was skipped, in one line.
	Reason string `json:"reason,omitempty"`
	// Diff shows expected and actual tables for a failure on results.
	Diff  string `json:"diff,omitempty"`
	Query string `json:"query,omitempty"`
}

// skipFlags are the flags under which a case has no single right answer here.
var skipFlags = map[string]string{
	"nondeterministic": "the result depends on the clock or on random numbers",
	"plugin_python":    "needs the python plugin",
	"plugin_r":         "needs the r plugin",
}

// ReadFile reads a conformance file.
func ReadFile(path string) ([]Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var cases []Case
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var c Case
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n, err)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return cases, nil
}

// ReadOverrides reads a JSON-lines file of overrides, keyed by case id.
func ReadOverrides(path string) (map[string]Override, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]Override{}
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var o Override
		if err := json.Unmarshal([]byte(line), &o); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n+1, err)
		}
		if o.ID == "" || o.Reason == "" {
			return nil, fmt.Errorf("%s:%d: an override needs an id and a reason", path, n+1)
		}
		out[o.ID] = o
	}
	return out, nil
}

// Runner runs cases against an engine.
type Runner struct {
	Engine    *engine.Engine
	Overrides map[string]Override
	// Timeout bounds each case (default 20 s).
	Timeout time.Duration
}

// Run runs one case.
func (r *Runner) Run(c Case) (out Outcome) {
	out = Outcome{ID: c.ID, Query: c.Query}
	for _, f := range c.Flags {
		if why, ok := skipFlags[f]; ok {
			out.Status, out.Reason = Skipped, why
			return out
		}
	}
	if !c.SelfContained {
		out.Status, out.Reason = Skipped, "not self-contained: needs tables the case does not define"
		return out
	}
	want := c.Expected
	if o, ok := r.Overrides[c.ID]; ok {
		want = o.Expected
	}
	query := c.Query
	if slices.Contains(c.Flags, "bare_expression") {
		// The page showed a bare scalar; its table's header is a name the page chose.
		query = "print " + query
		if len(want.Columns) == 1 && identRE.MatchString(want.Columns[0]) {
			query = "print " + want.Columns[0] + " = " + c.Query
		}
	}
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = 20 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			out.Status = Failed
			out.Reason = fmt.Sprintf("panic: %v", p)
			out.Diff = string(debug.Stack())
		}
	}()
	res, err := r.Engine.Query(ctx, query, engine.Options{MaxRows: 10_000})
	if err != nil {
		out.Status, out.Reason = Failed, "error: "+firstLine(err.Error())
		return out
	}
	if reason, diff := compareTable(want, res, c.RowOrder == "unordered", slices.Contains(c.Flags, "truncated")); reason != "" {
		out.Status, out.Reason, out.Diff = Failed, reason, diff
		return out
	}
	out.Status = Passed
	return out
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// compareTable compares a result with an expected table; it returns a one-line
// reason and a diff, or "" when they match.
func compareTable(want Table, res *engine.Result, unordered, truncated bool) (string, string) {
	diff := func() string { return renderDiff(want, res) }
	got := make([]string, len(res.Columns))
	for i, c := range res.Columns {
		got[i] = c.Name
	}
	if len(got) != len(want.Columns) {
		return fmt.Sprintf("columns: want %d (%s), got %d (%s)", len(want.Columns), strings.Join(want.Columns, ", "), len(got), strings.Join(got, ", ")), diff()
	}
	for i := range got {
		if !strings.EqualFold(cleanCell(want.Columns[i]), got[i]) {
			return fmt.Sprintf("column %d: want name %q, got %q", i+1, want.Columns[i], got[i]), diff()
		}
		if i < len(want.Types) && !sameType(want.Types[i], res.Columns[i].Type) {
			return fmt.Sprintf("column %s: want type %s, got %s", got[i], want.Types[i], res.Columns[i].Type), diff()
		}
	}
	rows := want.Rows
	if truncated {
		for i, r := range rows {
			if slices.ContainsFunc(r, func(s string) bool { return strings.TrimSpace(s) == "..." }) {
				rows = rows[:i]
				break
			}
		}
		if len(res.Rows) < len(rows) {
			return fmt.Sprintf("rows: want at least %d, got %d", len(rows), len(res.Rows)), diff()
		}
	} else if len(res.Rows) != len(rows) {
		return fmt.Sprintf("rows: want %d, got %d", len(rows), len(res.Rows)), diff()
	}
	if !unordered {
		for i, w := range rows {
			if !rowMatches(res.Rows[i], w) {
				return fmt.Sprintf("row %d differs", i+1), diff()
			}
		}
		return "", ""
	}
	used := make([]bool, len(res.Rows))
	for i, w := range rows {
		found := false
		for j, g := range res.Rows {
			if !used[j] && rowMatches(g, w) {
				used[j], found = true, true
				break
			}
		}
		if !found {
			return fmt.Sprintf("row %d (in any order) is missing", i+1), diff()
		}
	}
	return "", ""
}

// rowMatches compares one row; a ragged expected row (fewer cells than columns)
// is compared on the cells it has.
func rowMatches(got []types.Value, want []string) bool {
	for i, cell := range want {
		if i >= len(got) {
			return false
		}
		if !cellMatches(got[i], cleanCell(cell)) {
			return false
		}
	}
	return true
}

// sameType compares a type name as another engine prints it with ours.
func sameType(name string, t types.Type) bool {
	w, ok := types.ParseType(strings.ToLower(strings.TrimSpace(name)))
	return ok && w == t
}

// renderDiff prints the expected and the actual table one above the other.
func renderDiff(want Table, res *engine.Result) string {
	var b strings.Builder
	b.WriteString("  want: " + strings.Join(want.Columns, " | ") + "\n")
	for i, r := range want.Rows {
		if i == 20 {
			fmt.Fprintf(&b, "        ... %d more rows\n", len(want.Rows)-i)
			break
		}
		b.WriteString("        " + strings.Join(r, " | ") + "\n")
	}
	names := make([]string, len(res.Columns))
	for i, c := range res.Columns {
		names[i] = c.Name + ":" + c.Type.String()
	}
	b.WriteString("  got:  " + strings.Join(names, " | ") + "\n")
	for i, r := range res.Rows {
		if i == 20 {
			fmt.Fprintf(&b, "        ... %d more rows\n", len(res.Rows)-i)
			break
		}
		cells := make([]string, len(r))
		for j, v := range r {
			cells[j] = showValue(v)
		}
		b.WriteString("        " + strings.Join(cells, " | ") + "\n")
	}
	return b.String()
}

func showValue(v types.Value) string {
	if v.Null {
		return "(null)"
	}
	return types.Format(v)
}

// Stem is a file's name without directory or extension: the name floors use.
func Stem(path string) string {
	return strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
}
