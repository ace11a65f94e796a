// Package kqltest runs .kqltest files: each pins a time, loads small tables,
// runs queries and compares their rows, errors or formatting with what the file
// expects. Every query runs over unsealed rows (scanned one by one) and then
// over sealed, indexed segments, and each time also as a reference run, with
// every optimizer rule off and no index used: any difference between the runs
// is an optimizer, push-down or index bug. A failure shows a diff in the
// file's syntax; go test ./kqltest -update rewrites the rows expectations the
// reference run does not match.
package kqltest

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/types"
)

// File is a parsed .kqltest file.
type File struct {
	Path  string
	Cases []*Case
}

// Case is one eval with the state (time, tables) in force when it appears.
type Case struct {
	Title  string
	Line   int // line of the eval command
	Now    time.Time
	Tables []*Table
	Query  string
	Expect []*Expect
}

// Table is a table's definition and rows as written in the file.
type Table struct {
	Def  *schema.Table
	Rows [][]string
	Line int
}

// Expect is one expectation of a case.
type Expect struct {
	Kind    string // rows, rows ordered, error, warn, plan, format, skip
	Line    int
	End     int      // last line of the body (Line when it has none)
	Text    string   // error/warn/skip text
	ErrPos  string   // "L:C" for error at
	Header  []string // rows: "Col:type" cells
	Rows    [][]string
	Content string // plan, format
}

// DefaultNow is the time of files without a `now` line.
var DefaultNow = time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)

// ParseFile reads a .kqltest file.
func ParseFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, string(data))
}

type block struct {
	head string
	line int
	last int // line of the last non-blank body line
	body []string
}

// Parse parses .kqltest text: commands at column 0, bodies indented by two spaces.
func Parse(path, text string) (*File, error) {
	var blocks []*block
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		switch {
		case strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#"):
			if len(blocks) > 0 && strings.HasPrefix(line, "  ") {
				blocks[len(blocks)-1].body = append(blocks[len(blocks)-1].body, "")
			}
		case strings.HasPrefix(line, "  "):
			if len(blocks) == 0 {
				return nil, fmt.Errorf("%s:%d: indented line outside a command", path, n)
			}
			blocks[len(blocks)-1].body = append(blocks[len(blocks)-1].body, line[2:])
			if strings.TrimSpace(line) != "" {
				blocks[len(blocks)-1].last = n
			}
		case strings.HasPrefix(line, " "):
			return nil, fmt.Errorf("%s:%d: indent bodies by exactly two spaces", path, n)
		default:
			blocks = append(blocks, &block{head: line, line: n, last: n})
		}
	}
	f := &File{Path: path}
	now := DefaultNow
	tables := map[string]*Table{}
	var order []string
	var cur *Case
	bad := func(b *block, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", path, b.line, fmt.Sprintf(format, args...))
	}
	for _, b := range blocks {
		word, rest, _ := strings.Cut(b.head, " ")
		body := trimBody(b.body)
		switch word {
		case "now":
			t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(rest))
			if err != nil {
				return nil, bad(b, "now: %v", err)
			}
			now = t
			cur = nil
		case "table":
			t, err := parseTableHead(rest)
			if err != nil {
				return nil, bad(b, "%v", err)
			}
			tb := &Table{Def: t, Line: b.line}
			for _, l := range body {
				if strings.TrimSpace(l) == "" {
					continue
				}
				cells, err := splitCells(l)
				if err != nil {
					return nil, bad(b, "table %s: %v", t.Name, err)
				}
				if len(cells) != len(t.Columns) {
					return nil, bad(b, "table %s: a row has %d cells, the table has %d columns", t.Name, len(cells), len(t.Columns))
				}
				tb.Rows = append(tb.Rows, cells)
			}
			if _, ok := tables[t.Name]; !ok {
				order = append(order, t.Name)
			}
			tables[t.Name] = tb
			cur = nil
		case "clear":
			tables, order, cur = map[string]*Table{}, nil, nil
		case "eval":
			cur = &Case{Title: strings.TrimSpace(rest), Line: b.line, Now: now, Query: strings.Join(body, "\n")}
			if cur.Title == "" {
				cur.Title = fmt.Sprintf("line %d", b.line)
			}
			for _, name := range order {
				cur.Tables = append(cur.Tables, tables[name])
			}
			f.Cases = append(f.Cases, cur)
		case "rows", "error", "warn", "plan", "format", "skip":
			if cur == nil {
				return nil, bad(b, "%s must follow an eval", word)
			}
			e := &Expect{Kind: word, Line: b.line, End: b.last}
			switch word {
			case "rows":
				if strings.TrimSpace(rest) == "ordered" {
					e.Kind = "rows ordered"
				}
				if len(body) == 0 {
					return nil, bad(b, "rows needs a header line")
				}
				h, err := splitCells(body[0])
				if err != nil {
					return nil, bad(b, "%v", err)
				}
				e.Header = h
				for _, l := range body[1:] {
					if strings.TrimSpace(l) == "" {
						continue
					}
					cells, err := splitCells(l)
					if err != nil {
						return nil, bad(b, "%v", err)
					}
					e.Rows = append(e.Rows, cells)
				}
			case "error":
				text := strings.TrimSpace(rest)
				if after, ok := strings.CutPrefix(text, "at "); ok {
					pos, msg, _ := strings.Cut(after, " ")
					e.ErrPos, text = pos, msg
				}
				e.Text = text
			case "warn", "skip":
				e.Text = strings.TrimSpace(rest)
			case "plan", "format":
				e.Content = strings.Join(body, "\n")
			}
			cur.Expect = append(cur.Expect, e)
		default:
			return nil, bad(b, "unknown command %q", word)
		}
	}
	return f, nil
}

func trimBody(body []string) []string {
	for len(body) > 0 && strings.TrimSpace(body[len(body)-1]) == "" {
		body = body[:len(body)-1]
	}
	return body
}

// parseTableHead parses `Name(Col:type, ...)`.
func parseTableHead(s string) (*schema.Table, error) {
	s = strings.TrimSpace(s)
	open := strings.IndexByte(s, '(')
	if open <= 0 || !strings.HasSuffix(s, ")") {
		return nil, fmt.Errorf("expected table Name(Col:type, ...)")
	}
	cols, err := schema.ParseColumns(s[open+1 : len(s)-1])
	if err != nil {
		return nil, err
	}
	t := &schema.Table{Name: strings.TrimSpace(s[:open]), Columns: cols}
	t.TimeColumn = schema.DefaultTimeColumn(cols)
	return t, nil
}

// splitCells splits a row at commas outside quotes and brackets.
func splitCells(line string) ([]string, error) {
	var cells []string
	depth, start := 0, 0
	inStr := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case inStr:
			if c == '\\' {
				i++
			} else if c == '"' {
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth--
		case c == ',' && depth == 0:
			cells = append(cells, strings.TrimSpace(line[start:i]))
			start = i + 1
		}
	}
	if inStr {
		return nil, fmt.Errorf("unterminated string in %q", line)
	}
	return append(cells, strings.TrimSpace(line[start:])), nil
}

// cellValue converts a cell as written in a file to a value of type t.
func cellValue(cell string, t types.Type) (types.Value, error) {
	if cell == "null" {
		return types.NullOf(t), nil
	}
	if strings.HasPrefix(cell, `"`) {
		s, err := strconv.Unquote(cell)
		if err != nil {
			return types.Value{}, fmt.Errorf("bad string %s", cell)
		}
		if t == types.String {
			return types.NewString(s), nil
		}
		cell = s
	}
	if t == types.String {
		return types.Value{}, fmt.Errorf("strings are written in double quotes: %s", cell)
	}
	return types.Parse(t, cell)
}

// edit replaces lines [from, to] (1-based, inclusive) of a file with lines.
type edit struct {
	from, to int
	lines    []string
}

// update makes the rows expectations of a case that the reference run's
// answer does not match into that answer, and returns the edits that write
// them to the file. A rows expectation keeps its kind; unordered rows keep
// the order of the lines they had where those lines remain.
func update(c *Case, ref outcome) []edit {
	if ref.err != nil || ref.res == nil {
		return nil
	}
	var edits []edit
	for _, e := range c.Expect {
		if (e.Kind != "rows" && e.Kind != "rows ordered") || checkRows(e, ref.res) == "" {
			continue
		}
		header, got := resultLines(ref.res)
		if e.Kind == "rows" {
			want := make([]string, len(e.Rows))
			for i, row := range e.Rows {
				want[i] = strings.Join(row, ", ")
			}
			got = align(want, got)
		}
		lines := []string{"  " + header}
		e.Header, _ = splitCells(header)
		e.Rows = nil
		for _, g := range got {
			lines = append(lines, "  "+g)
			cells, _ := splitCells(g)
			e.Rows = append(e.Rows, cells)
		}
		edits = append(edits, edit{from: e.Line + 1, to: e.End, lines: lines})
	}
	return edits
}

// rewriteFile applies edits to a file. Comment lines inside a replaced range
// are kept, after the new lines.
func rewriteFile(path string, edits []edit) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	text := string(data)
	trailing := strings.HasSuffix(text, "\n")
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	sort.Slice(edits, func(i, j int) bool { return edits[i].from > edits[j].from })
	for _, e := range edits {
		if e.from < 1 || e.to > len(lines) || e.from > e.to+1 {
			return fmt.Errorf("lines %d-%d are not in the file; was it changed while the tests ran?", e.from, e.to)
		}
		repl := append([]string(nil), e.lines...)
		for _, l := range lines[e.from-1 : e.to] {
			if strings.HasPrefix(l, "#") {
				repl = append(repl, l)
			}
		}
		lines = append(lines[:e.from-1], append(repl, lines[e.to:]...)...)
	}
	out := strings.Join(lines, "\n")
	if trailing {
		out += "\n"
	}
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(out), info.Mode().Perm())
}
