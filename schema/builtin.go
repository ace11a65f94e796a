package schema

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"sync"

	"github.com/spoorhq/spoor/types"
)

// The built-in tables: Microsoft Defender XDR advanced hunting and the Microsoft
// Sentinel tables hunting queries use, as names, types and short descriptions,
// and Spoor's own supporting tables.

//go:embed defender-tables.json
var defenderJSON []byte

//go:embed sentinel-tables.json
var sentinelJSON []byte

// spoor-tables.json holds Spoor's own supporting tables, such as the file
// reputation that advanced hunting's FileProfile() function reads.
//
//go:embed spoor-tables.json
var spoorJSON []byte

type tableFacts struct {
	Table   string `json:"table"`
	Summary string `json:"summary"`
	Columns []struct {
		Name  string `json:"name"`
		Type  string `json:"type"`
		About string `json:"about"`
	} `json:"columns"`
}

var builtin = sync.OnceValues(loadBuiltin)

// loadBuiltin reads the embedded schemas. A table in both sets (IdentityInfo)
// gets the union of their columns, Defender's first.
func loadBuiltin() (map[string]*Table, error) {
	out := map[string]*Table{}
	for _, src := range []struct {
		name string
		data []byte
	}{{"defender-tables.json", defenderJSON}, {"sentinel-tables.json", sentinelJSON}, {"spoor-tables.json", spoorJSON}} {
		var facts []tableFacts
		if err := json.Unmarshal(src.data, &facts); err != nil {
			return nil, fmt.Errorf("built-in schema %s: %w", src.name, err)
		}
		for _, f := range facts {
			t, ok := out[f.Table]
			if !ok {
				t = &Table{Name: f.Table, Description: f.Summary}
				out[f.Table] = t
			}
			for _, c := range f.Columns {
				if t.Index(c.Name) >= 0 {
					continue
				}
				typ, ok := types.ParseType(c.Type)
				if !ok {
					return nil, fmt.Errorf("built-in schema %s: %s.%s has unknown type %q", src.name, f.Table, c.Name, c.Type)
				}
				t.Columns = append(t.Columns, Column{Name: c.Name, Type: typ, Description: c.About})
			}
		}
	}
	for _, t := range out {
		t.TimeColumn = DefaultTimeColumn(t.Columns)
	}
	return out, nil
}

// Builtin returns a built-in table by name.
func Builtin(name string) (*Table, bool) {
	tables, err := builtin()
	if err != nil {
		panic("BUG: " + err.Error())
	}
	t, ok := tables[name]
	return t, ok
}

// BuiltinNames lists the built-in tables, sorted.
func BuiltinNames() []string {
	tables, _ := builtin()
	out := make([]string, 0, len(tables))
	for n := range tables {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
