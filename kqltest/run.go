package kqltest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/storage"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// RunFile runs every case of a .kqltest file as a subtest.
func RunFile(t *testing.T, path string) {
	f, err := ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range f.Cases {
		t.Run(c.Title, func(t *testing.T) { runCase(t, f.Path, c) })
	}
}

func runCase(t *testing.T, path string, c *Case) {
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
	for _, phase := range []string{"unsealed rows", "sealed segments"} {
		if phase == "sealed segments" {
			if err := st.SealAll(); err != nil {
				t.Fatalf("%s: seal: %v", where, err)
			}
		}
		res, qerr := eng.Query(context.Background(), c.Query, engine.Options{Explain: true})
		for _, e := range c.Expect {
			if msg := check(e, c, res, qerr); msg != "" {
				t.Errorf("%s:%d (%s, over %s):\n%s", path, e.Line, e.Kind, phase, msg)
			}
		}
		if t.Failed() {
			return
		}
	}
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
			return fmt.Sprintf("format\n%s", indent(got))
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
			return fmt.Sprintf("plan\n%s", indent(got))
		}
	case "rows", "rows ordered":
		return checkRows(e, res)
	case "warn":
		// Truncation is the only warning a result carries so far.
		if !res.Truncated || !strings.Contains("the result was truncated", e.Text) {
			return fmt.Sprintf("no warning containing %q", e.Text)
		}
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

func checkRows(e *Expect, res *engine.Result) string {
	header := make([]string, len(res.Columns))
	for i, c := range res.Columns {
		header[i] = c.Name + ":" + c.Type.String()
	}
	got := make([]string, len(res.Rows))
	for i, row := range res.Rows {
		cells := make([]string, len(row))
		for j, v := range row {
			cells[j] = Cell(v)
		}
		got[i] = strings.Join(cells, ", ")
	}
	want := make([]string, len(e.Rows))
	for i, row := range e.Rows {
		want[i] = strings.Join(row, ", ")
	}
	if e.Kind == "rows" {
		sort.Strings(got)
		sort.Strings(want)
	}
	if strings.Join(header, ", ") == strings.Join(e.Header, ", ") && strings.Join(got, "\n") == strings.Join(want, "\n") {
		return ""
	}
	return fmt.Sprintf("%s\n  %s\n%s", e.Kind, strings.Join(header, ", "), indent(strings.Join(got, "\n")))
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

func indent(s string) string {
	if s == "" {
		return ""
	}
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}
