package spoor_test

import (
	"bufio"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// layers is the package picture in README.md (Layout), bottom first. A package may
// import any package on a lower row and none on its own row or above. Packages are named
// by their directory relative to the module root. A new package must be added here on
// purpose (and to the picture in README.md): the test fails on a package it cannot place.
var layers = [][]string{
	{"types"},
	{"schema", "vector"},
	{"parser", "functions", "samples", "storage/codec", "storage/ingest"},
	{"planner", "storage"},
	{"executor"},
	{"engine"},
	{"conformance", "detection", "kqltest"},
	{"repl", "server"},
	{"cmd/spoor"},
}

// isolated packages import nothing of ours, whatever their row. The parser is kept free
// of the rest so it can be used and tested on its own; the root package holds only the
// module's documentation and this test.
var isolated = map[string]string{
	".":      "the root package imports nothing of ours",
	"parser": "parser imports nothing of ours",
}

// layerTable is the picture turned into a lookup: each package's row, from which the
// allowed imports follow, and the packages that may import nothing of ours with the reason.
type layerTable struct {
	row      map[string]int
	isolated map[string]string
}

func newLayerTable(layers [][]string, isolated map[string]string) layerTable {
	t := layerTable{row: map[string]int{}, isolated: isolated}
	for i, names := range layers {
		for _, n := range names {
			t.row[n] = i
		}
	}
	for n := range isolated {
		if _, ok := t.row[n]; !ok {
			t.row[n] = -1 // below everything; it imports nothing anyway
		}
	}
	return t
}

// importEdge is one import of a module-internal package, found in file.
type importEdge struct {
	file     string
	from, to string
}

// check returns one message per problem: a package the table does not know, and every
// import that the picture does not allow. Messages are sorted so failures are stable.
func (t layerTable) check(pkgs []string, edges []importEdge) []string {
	var problems []string
	for _, p := range pkgs {
		if _, ok := t.row[p]; !ok {
			problems = append(problems, fmt.Sprintf(
				"package %s is not in the layer table of deps_test.go: place it in a row (and in the picture in README.md) on purpose", p))
		}
	}
	for _, e := range edges {
		from, known := t.row[e.from]
		if !known {
			continue // reported above
		}
		if e.from == e.to {
			continue
		}
		to, ok := t.row[e.to]
		switch {
		case t.isolated[e.from] != "":
			problems = append(problems, fmt.Sprintf("%s: %s imports %s: %s", e.file, e.from, e.to, t.isolated[e.from]))
		case e.to == ".":
			problems = append(problems, fmt.Sprintf("%s: %s imports the root package, which nothing imports", e.file, e.from))
		case !ok:
			problems = append(problems, fmt.Sprintf("%s: %s imports %s, which is not in the layer table of deps_test.go", e.file, e.from, e.to))
		case to == from:
			problems = append(problems, fmt.Sprintf("%s: %s imports %s: they are on the same layer and never import each other", e.file, e.from, e.to))
		case to > from:
			problems = append(problems, fmt.Sprintf("%s: %s imports %s, which is on a higher layer: a type is in the wrong package; move it down", e.file, e.from, e.to))
		}
	}
	sort.Strings(problems)
	return problems
}

// modulePath reads the module path from go.mod in dir.
func modulePath(t *testing.T, dir string) string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			if p, err := strconv.Unquote(strings.TrimSpace(rest)); err == nil {
				return p
			}
			return strings.TrimSpace(rest)
		}
	}
	t.Fatal("go.mod has no module line")
	return ""
}

// scanModule lists the module's package directories and the internal imports of their
// non-test files. It skips what the go tool skips (testdata, directories starting with
// "." or "_") and nested modules.
func scanModule(t *testing.T, root, module string) (pkgs []string, edges []importEdge) {
	t.Helper()
	fset := token.NewFileSet()
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if p != root {
				if name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
					return filepath.SkipDir
				}
				if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		rel, err := filepath.Rel(root, filepath.Dir(p))
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(rel)
		if !seen[pkg] {
			seen[pkg] = true
			pkgs = append(pkgs, pkg)
		}
		if strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			ip, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return fmt.Errorf("%s: bad import %s", p, imp.Path.Value)
			}
			var to string
			switch {
			case ip == module:
				to = "."
			case strings.HasPrefix(ip, module+"/"):
				to = strings.TrimPrefix(ip, module+"/")
			default:
				continue
			}
			edges = append(edges, importEdge{file: path.Join(pkg, filepath.Base(p)), from: pkg, to: to})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs, edges
}

func TestDependencyLayers(t *testing.T) {
	module := modulePath(t, ".")
	pkgs, edges := scanModule(t, ".", module)
	if len(pkgs) < 2 {
		t.Fatalf("found only %d packages; the walk is broken", len(pkgs))
	}
	for _, p := range newLayerTable(layers, isolated).check(pkgs, edges) {
		t.Error(p)
	}
}

// TestDependencyCheckerRejects feeds the checker made-up imports, so that it cannot
// pass by accepting everything.
func TestDependencyCheckerRejects(t *testing.T) {
	table := newLayerTable(layers, isolated)
	tests := []struct {
		from, to string
		ok       bool
	}{
		{"parser", "types", false},    // parser imports nothing of ours
		{"parser", "engine", false},   // ... and certainly nothing above
		{"planner", "storage", false}, // same row
		{"storage", "planner", false}, // same row
		{"schema", "vector", false},   // same row
		{"functions", "samples", false},
		{"types", "vector", false}, // upward
		{"engine", "repl", false},  // upward
		{"executor", "cmd/spoor", false},
		{".", "types", false},           // root imports nothing
		{"cmd/spoor", ".", false},       // nobody imports the root
		{"engine", "internal/x", false}, // target not in the table
		{"schema", "types", true},
		{"planner", "parser", true},
		{"planner", "functions", true},
		{"storage", "vector", true},
		{"executor", "planner", true},
		{"executor", "storage", true},
		{"engine", "executor", true},
		{"kqltest", "engine", true},
		{"server", "detection", true},
		{"cmd/spoor", "parser", true},
		{"cmd/spoor", "server", true},
	}
	all := []string{"."}
	for _, row := range layers {
		all = append(all, row...)
	}
	for _, tt := range tests {
		problems := table.check(all, []importEdge{{file: "x.go", from: tt.from, to: tt.to}})
		if got := len(problems) == 0; got != tt.ok {
			t.Errorf("%s -> %s: allowed = %v, want %v (problems: %q)", tt.from, tt.to, got, tt.ok, problems)
		}
	}

	if p := table.check([]string{"types", "newpkg"}, nil); len(p) != 1 || !strings.Contains(p[0], "newpkg") {
		t.Errorf("a package missing from the table must be reported; got %q", p)
	}
}
