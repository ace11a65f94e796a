package engine

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/spoorhq/spoor/schema"
)

// Command is a parsed management command: text that starts with '.'.
type Command struct {
	Verb    string // create-table, drop-table, show-tables, show-schema, show-details
	Table   string
	Columns []schema.Column
	IfExist bool
}

// IsCommand reports whether text is a management command rather than a query.
func IsCommand(text string) bool {
	return strings.HasPrefix(strings.TrimLeftFunc(text, unicode.IsSpace), ".")
}

// ParseCommand parses the management commands Spoor supports:
//
//	.create table T (Col:type, ...)
//	.drop table T [ifexists]
//	.show tables
//	.show table T schema
//	.show table T details
func ParseCommand(text string) (*Command, error) {
	s := strings.TrimSpace(text)
	s = strings.TrimSuffix(s, ";")
	words := strings.Fields(s)
	lower := func(i int) string {
		if i < len(words) {
			return strings.ToLower(words[i])
		}
		return ""
	}
	usage := fmt.Errorf("unknown command %q; supported: .create table T (Col:type, ...), .drop table T, .show tables, .show table T schema, .show table T details", firstLine(s))
	switch {
	case lower(0) == ".create" && lower(1) == "table":
		rest := strings.TrimSpace(s[strings.Index(strings.ToLower(s), "table")+len("table"):])
		open := strings.IndexByte(rest, '(')
		if open < 0 || !strings.HasSuffix(rest, ")") {
			return nil, fmt.Errorf(".create table: expected .create table Name (Col:type, ...)")
		}
		name := strings.TrimSpace(rest[:open])
		if name == "" {
			return nil, fmt.Errorf(".create table: missing the table name")
		}
		cols, err := schema.ParseColumns(rest[open+1 : len(rest)-1])
		if err != nil {
			return nil, fmt.Errorf(".create table %s: %w", name, err)
		}
		return &Command{Verb: "create-table", Table: name, Columns: cols}, nil
	case lower(0) == ".drop" && lower(1) == "table" && len(words) >= 3:
		if len(words) > 4 || len(words) == 4 && lower(3) != "ifexists" {
			return nil, fmt.Errorf(".drop table: expected .drop table Name [ifexists]")
		}
		return &Command{Verb: "drop-table", Table: words[2], IfExist: lower(3) == "ifexists"}, nil
	case lower(0) == ".show" && lower(1) == "tables" && len(words) == 2:
		return &Command{Verb: "show-tables"}, nil
	case lower(0) == ".show" && lower(1) == "table" && len(words) == 4 && lower(3) == "schema":
		return &Command{Verb: "show-schema", Table: words[2]}, nil
	case lower(0) == ".show" && lower(1) == "table" && len(words) == 4 && lower(3) == "details":
		return &Command{Verb: "show-details", Table: words[2]}, nil
	}
	return nil, usage
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
