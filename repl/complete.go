package repl

import (
	"slices"
	"sort"
	"strings"

	"github.com/spoorhq/spoor/functions"
	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/schema"
)

// Catalog is what completion needs to know of the store: its tables. The engine's
// store satisfies it.
type Catalog interface {
	Tables() []*schema.Table
	Table(name string) *schema.Table
}

// completer proposes words for the one under the cursor: operators after a pipe,
// tables at the start of a pipeline, and otherwise the columns of the tables the
// query names, functions and REPL commands.
type completer struct {
	cat      Catalog
	builtins []string // built-in table names the store resolves
}

// complete implements liner's WordCompleter: line is the whole input line and pos
// the cursor; it returns the text before the word, the candidates for the word and
// the text after the cursor.
func (c *completer) complete(line string, pos int) (head string, out []string, tail string) {
	if pos > len(line) {
		pos = len(line)
	}
	start := pos
	for start > 0 && isWordByte(line[start-1]) {
		start--
	}
	if start > 0 && line[start-1] == '.' && strings.TrimSpace(line[:start-1]) == "" {
		start-- // a dot command
	}
	head, word, tail := line[:start], line[start:pos], line[pos:]
	before := strings.TrimRight(head, " \t")
	var cands []string
	switch {
	case strings.HasPrefix(word, ".") && before == "":
		cands = commandNames()
	case strings.HasSuffix(before, "|"):
		cands = parser.OperatorNames()
	case before == "" || strings.HasSuffix(before, "(") && !strings.ContainsAny(before, "|"):
		cands = c.tableNames()
	default:
		cands = append(c.columnsIn(line), functions.Names()...)
		cands = append(cands, c.tableNames()...)
	}
	seen := map[string]bool{}
	lw := strings.ToLower(word)
	for _, s := range cands {
		if strings.HasPrefix(strings.ToLower(s), lw) && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return head, out, tail
}

func isWordByte(b byte) bool {
	return b == '_' || b == '-' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

func (c *completer) tableNames() []string {
	var names []string
	for _, t := range c.cat.Tables() {
		names = append(names, t.Name)
	}
	for _, n := range c.builtins {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

// columnsIn lists the columns of the tables a line names.
func (c *completer) columnsIn(line string) []string {
	var cols []string
	for _, f := range strings.FieldsFunc(line, func(r rune) bool { return r > 127 || !isWordByte(byte(r)) }) {
		if t := c.cat.Table(f); t != nil {
			for _, col := range t.Columns {
				cols = append(cols, col.Name)
			}
		}
	}
	return cols
}
