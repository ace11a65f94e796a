// Package schema holds table definitions and the catalog that names them.
package schema

import (
	"fmt"
	"strings"

	"github.com/spoorhq/spoor/types"
)

// Column is one column of a table.
type Column struct {
	Name        string
	Type        types.Type
	Description string
}

// Table is a table's definition. TimeColumn names the datetime column that rows
// are partitioned and sorted by (Timestamp for the Defender tables,
// TimeGenerated for the Sentinel ones); it is empty for tables without one.
type Table struct {
	Name        string
	Description string
	Columns     []Column
	TimeColumn  string
}

// Index returns the position of the named column, or -1. Names are case-sensitive,
// as in KQL.
func (t *Table) Index(name string) int {
	for i, c := range t.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// ParseColumns parses a column list written as `Name:type, Name:type, ...`.
func ParseColumns(spec string) ([]Column, error) {
	var cols []Column
	seen := map[string]bool{}
	for i, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, typ, ok := strings.Cut(part, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("column %d %q: expected Name:type", i+1, part)
		}
		t, ok := types.ParseType(typ)
		if !ok {
			return nil, fmt.Errorf("column %q: unknown type %q (bool, int, long, real, decimal, string, datetime, timespan, guid, dynamic)", name, strings.TrimSpace(typ))
		}
		if seen[name] {
			return nil, fmt.Errorf("column %q is declared twice", name)
		}
		seen[name] = true
		cols = append(cols, Column{Name: name, Type: t})
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("no columns in %q", spec)
	}
	return cols, nil
}

// DefaultTimeColumn picks the column a table is partitioned by: Timestamp, else
// TimeGenerated, else the first datetime column; empty if there is none.
func DefaultTimeColumn(cols []Column) string {
	for _, want := range []string{"Timestamp", "TimeGenerated"} {
		for _, c := range cols {
			if c.Name == want && c.Type == types.Datetime {
				return c.Name
			}
		}
	}
	for _, c := range cols {
		if c.Type == types.Datetime {
			return c.Name
		}
	}
	return ""
}
