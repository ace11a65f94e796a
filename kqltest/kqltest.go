// Package kqltest runs .kqltest files: each pins a time, loads small tables,
// runs queries and compares their rows, errors or formatting with what the file
// expects. Every query runs twice, first over unsealed rows (scanned one by one)
// and then over sealed, indexed segments; any difference is a push-down or index
// bug.
package kqltest

import (
	"bufio"
	"fmt"
	"os"
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
		case strings.HasPrefix(line, " "):
			return nil, fmt.Errorf("%s:%d: indent bodies by exactly two spaces", path, n)
		default:
			blocks = append(blocks, &block{head: line, line: n})
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
			e := &Expect{Kind: word, Line: b.line}
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
