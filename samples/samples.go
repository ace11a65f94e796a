// Package samples holds the embedded sample hunting queries and the generator of
// deterministic synthetic telemetry with attack stories hidden in it (gen*.go).
//
// A sample is a .kql file under hunts/<tactic>/ that starts with a header of
// comment lines, "// Key: value", before the query:
//
//	// Title: LSASS memory dumped with comsvcs.dll
//	// Description: rundll32 calling comsvcs.dll's MiniDump export writes a dump of
//	//   a process's memory; aimed at lsass.exe it steals credentials.
//	// MITRE: T1003.001
//	// Tables: DeviceProcessEvents
//	DeviceProcessEvents
//	| where ...
//
// A value may continue on following comment lines indented by two spaces. Title,
// Description, MITRE and Tables are required; the tactic is the folder's name.
package samples

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed hunts
var hunts embed.FS

// Sample is one hunting query.
type Sample struct {
	Name        string   // the file name without .kql, unique
	Path        string   // hunts/<tactic>/<name>.kql
	Tactic      string   // the folder: MITRE tactic such as CredentialAccess
	Title       string   // one line
	Description string   // a few sentences
	Techniques  []string // MITRE technique ids, such as T1003.001
	Tables      []string // the tables it reads
	Query       string   // the whole file: header comments and the query
}

// Tactics is the order tactics are listed in, as MITRE ATT&CK orders them.
var Tactics = []string{"InitialAccess", "Execution", "Persistence", "PrivilegeEscalation", "DefenseEvasion",
	"CredentialAccess", "Discovery", "LateralMovement", "Collection", "CommandAndControl", "Exfiltration", "Impact"}

// All returns every sample, ordered by tactic and then name.
func All() ([]Sample, error) {
	var out []Sample
	err := fs.WalkDir(hunts, "hunts", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".kql" {
			return err
		}
		b, err := hunts.ReadFile(p)
		if err != nil {
			return err
		}
		s, err := parseSample(p, string(b))
		if err != nil {
			return err
		}
		out = append(out, s)
		return nil
	})
	if err != nil {
		return nil, err
	}
	rank := map[string]int{}
	for i, t := range Tactics {
		rank[t] = i + 1
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := rank[out[i].Tactic], rank[out[j].Tactic]
		if a != b {
			return a < b
		}
		return out[i].Name < out[j].Name
	})
	for i := 1; i < len(out); i++ {
		if out[i].Name == out[i-1].Name {
			return nil, fmt.Errorf("two samples are named %s", out[i].Name)
		}
	}
	return out, nil
}

// Lookup finds a sample by name.
func Lookup(name string) (Sample, bool) {
	all, err := All()
	if err != nil {
		return Sample{}, false
	}
	for _, s := range all {
		if strings.EqualFold(s.Name, name) {
			return s, true
		}
	}
	return Sample{}, false
}

// parseSample reads a sample file's header.
func parseSample(p, text string) (Sample, error) {
	s := Sample{Path: p, Name: strings.TrimSuffix(path.Base(p), ".kql"), Tactic: path.Base(path.Dir(p)), Query: text}
	fields := map[string]*string{}
	var title, desc, mitre, tables string
	fields["title"], fields["description"], fields["mitre"], fields["tables"] = &title, &desc, &mitre, &tables
	var cur *string
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "//") {
			break
		}
		body := strings.TrimPrefix(line, "//")
		if cur != nil && strings.HasPrefix(body, "   ") {
			*cur += " " + strings.TrimSpace(body)
			continue
		}
		key, val, ok := strings.Cut(strings.TrimSpace(body), ":")
		cur = nil
		if !ok {
			continue
		}
		if f := fields[strings.ToLower(strings.TrimSpace(key))]; f != nil {
			*f = strings.TrimSpace(val)
			cur = f
		}
	}
	for name, f := range fields {
		if *f == "" {
			return s, fmt.Errorf("%s: the header has no %s", p, name)
		}
	}
	s.Title, s.Description = title, desc
	s.Techniques = splitList(mitre)
	s.Tables = splitList(tables)
	return s, nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		out = append(out, f)
	}
	return out
}
