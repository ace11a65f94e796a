package ingest

import (
	"strings"

	"github.com/spoorhq/spoor/schema"
)

// How well an input field name matches a column. When two fields of a row land on
// the same column, the better match wins and the other is treated as a field without
// a column, so nothing is dropped unseen.
const (
	noMatch        = 0
	aliasFoldMatch = 1 // timegenerated for a table's Timestamp
	aliasMatch     = 2 // TimeGenerated for a table's Timestamp
	foldMatch      = 3 // timestamp for Timestamp
	exactMatch     = 4
)

// columnMap maps input field names to table columns: exactly, else ignoring case,
// else through the TimeGenerated/Timestamp alias (Sentinel and Defender name the same
// thing differently), for a table that has one of the two and not the other.
type columnMap struct {
	exact    map[string]int
	names    []string
	alias    string // the input name that maps to aliasCol
	aliasCol int
}

func newColumnMap(t *schema.Table) columnMap {
	m := columnMap{exact: make(map[string]int, len(t.Columns)), aliasCol: -1}
	for i, c := range t.Columns {
		m.exact[c.Name] = i
		m.names = append(m.names, c.Name)
	}
	ts, tg := t.Index("Timestamp"), t.Index("TimeGenerated")
	switch {
	case ts >= 0 && tg < 0:
		m.alias, m.aliasCol = "TimeGenerated", ts
	case tg >= 0 && ts < 0:
		m.alias, m.aliasCol = "Timestamp", tg
	}
	return m
}

// resolve returns the column for an input field name and how well it matched, or -1
// and noMatch.
func (m *columnMap) resolve(name string) (col, rank int) {
	if i, ok := m.exact[name]; ok {
		return i, exactMatch
	}
	for i, n := range m.names {
		if strings.EqualFold(n, name) {
			return i, foldMatch
		}
	}
	switch {
	case m.aliasCol < 0:
	case name == m.alias:
		return m.aliasCol, aliasMatch
	case strings.EqualFold(name, m.alias):
		return m.aliasCol, aliasFoldMatch
	}
	return -1, noMatch
}

// mergeBag adds the fields of extra that have no column into existing, the row's own
// AdditionalFields object; a name the object already has keeps the object's value,
// and the extra value is reported by unknown. existing may be nil (no object).
func mergeBag(existing, extra map[string]any, unknown func(string)) map[string]any {
	if existing == nil {
		return extra
	}
	for k, v := range extra {
		if _, dup := existing[k]; dup {
			unknown(k)
			continue
		}
		existing[k] = v
	}
	return existing
}
