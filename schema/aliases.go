package schema

import "strings"

// columnAliases are the other spellings real queries use for catalog
// columns. Sentinel exposes the Defender tables with TimeGenerated next to
// Timestamp, so a query written for either product names the event time by
// either name; and the same column is spelt Isp in CloudAppEvents and
// IdentityLogonEvents but ISP in IdentityDirectoryEvents, so queries use
// both. Each entry lists, in order of preference, the names an unknown
// column name may stand for.
var columnAliases = map[string][]string{
	"TimeGenerated": {"Timestamp"},
	"Timestamp":     {"TimeGenerated"},
	"ISP":           {"Isp"},
	"Isp":           {"ISP"},
}

// ColumnAliases returns the column names that name may stand for when a row
// has no column of that exact name, or nil. The binder resolves a name to its
// first alias present, in expressions and in column lists alike. A name with
// a numeric suffix, as join gives the right side's copy of a column
// (TimeGenerated1), stands for the alias with the same suffix (Timestamp1).
func ColumnAliases(name string) []string {
	if alts, ok := columnAliases[name]; ok {
		return alts
	}
	base := strings.TrimRight(name, "0123456789")
	if base == name || base == "" {
		return nil
	}
	var out []string
	for _, alt := range columnAliases[base] {
		out = append(out, alt+name[len(base):])
	}
	return out
}
