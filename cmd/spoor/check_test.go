package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/spoorhq/spoor/parser"
)

// fake is a stand-in parser whose trees are the query text, so that every outcome of
// check can be produced on purpose, whatever the real parser accepts:
//
//	BAD         a syntax error at the word
//	PANIC       the parser panics
//	UNPRINTABLE the canonical text does not parse
//	LOSSY       the canonical text parses to another tree
//	UNSTABLE    formatting the canonical text again changes it
var fake = syntax[string]{
	parse: func(text string) (string, error) {
		if strings.Contains(text, "PANIC") {
			panic("boom")
		}
		if i := strings.Index(text, "BAD"); i >= 0 {
			line := 1 + strings.Count(text[:i], "\n")
			col := i - strings.LastIndex(text[:i], "\n")
			return "", &parser.Error{Offset: i, Line: line, Column: col, Msg: "unexpected BAD", Source: text}
		}
		return text, nil
	},
	format: func(t string) string {
		switch {
		case strings.Contains(t, "UNPRINTABLE"):
			return "BAD"
		case strings.Contains(t, "LOSSY"):
			return "something else"
		case strings.Contains(t, "UNSTABLE"):
			return t + " "
		}
		return t
	},
	equal: func(a, b string) bool { return strings.TrimSpace(a) == strings.TrimSpace(b) },
}

// inDir makes a temporary working directory holding files, so that the ids in the
// output are the short relative paths written in the test.
func inDir(t *testing.T, files map[string]string) {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	for name, body := range files {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func runFake(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = checkWith(fake, nil, args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestCheckText(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		args  []string
		code  int
		out   string // the whole stdout
	}{
		{
			name:  "all pass",
			files: map[string]string{"a.kql": "T | take 1\n", "c.jsonl": `{"id":"one","query":"T"}` + "\n" + `{"id":"two","query":"U"}` + "\n"},
			args:  []string{"a.kql", "c.jsonl"},
			code:  0,
			out:   "3 passed, 0 failed\n",
		},
		{
			name:  "syntax error in a .kql file is named by the file and points at line and column",
			files: map[string]string{"bad.kql": "T\n| where BAD\n"},
			args:  []string{"bad.kql"},
			code:  1,
			out:   "bad.kql: parse: 2:9: unexpected BAD\n0 passed, 1 failed\n",
		},
		{
			name: "corpus ids come from the id field, else file:line; blank lines are skipped",
			files: map[string]string{"c.jsonl": `{"id":"x#1","query":"T BAD"}` + "\n\n" +
				`{"query":"BAD"}` + "\n" + `{"id":42,"query":"BAD"}` + "\n" + `{"id":"ok","query":"T"}`},
			args: []string{"c.jsonl"},
			code: 1,
			out:  "x#1: parse: 1:3: unexpected BAD\nc.jsonl:3: parse: 1:1: unexpected BAD\n42: parse: 1:1: unexpected BAD\n1 passed, 3 failed\n",
		},
		{
			name: "malformed corpus lines are read failures named file:line",
			files: map[string]string{"c.jsonl": "{not json\n" + `["a"]` + "\n" + `{"id":"x"}` + "\n" +
				`{"id":"y","query":3}` + "\n" + `{"query":"T"}` + "\n"},
			args: []string{"c.jsonl"},
			code: 1,
			out: "c.jsonl:1: read: not a JSON object: invalid character 'n' looking for beginning of object key string\n" +
				"c.jsonl:2: read: not a JSON object: json: cannot unmarshal array into Go value of type map[string]json.RawMessage\n" +
				"c.jsonl:3: read: no \"query\" field\n" +
				"c.jsonl:4: read: \"query\" is not a string\n" +
				"1 passed, 4 failed\n",
		},
		{
			name:  "round-trip failures",
			files: map[string]string{"a.kql": "UNPRINTABLE", "b.kql": "LOSSY", "c.kql": "UNSTABLE"},
			args:  []string{"a.kql", "b.kql", "c.kql"},
			code:  1,
			out: "a.kql: format: 1:1: unexpected BAD (in the canonical text)\n" +
				"b.kql: format: the canonical text parses to a different tree\n" +
				"c.kql: format: the canonical text is not stable: formatting it again gives different text\n" +
				"0 passed, 3 failed\n",
		},
		{
			name:  "a parser panic fails that query only",
			files: map[string]string{"a.kql": "PANIC", "b.kql": "T"},
			args:  []string{"a.kql", "b.kql"},
			code:  1,
			out:   "a.kql: parse: panic: boom\n1 passed, 1 failed\n",
		},
		{
			name:  "a missing file is a read failure",
			files: map[string]string{"b.kql": "T"},
			args:  []string{"nope.kql", "b.kql"},
			code:  1,
			out:   "nope.kql: read: open nope.kql: no such file or directory\n1 passed, 1 failed\n",
		},
		{
			name:  "a directory stands for its .kql and .jsonl files, in order",
			files: map[string]string{"q/b.kql": "BAD", "q/a/x.kql": "BAD", "q/notes.txt": "BAD", "q/c.jsonl": `{"query":"BAD"}`},
			args:  []string{"q"},
			code:  1,
			out:   "q/a/x.kql: parse: 1:1: unexpected BAD\nq/b.kql: parse: 1:1: unexpected BAD\nq/c.jsonl:1: parse: 1:1: unexpected BAD\n0 passed, 3 failed\n",
		},
		{
			name:  "flags may follow the files; after -- everything is a file",
			files: map[string]string{"a.kql": "T", "-b.kql": "T"},
			args:  []string{"a.kql", "--parse-only", "--", "-b.kql"},
			code:  0,
			out:   "2 passed, 0 failed\n",
		},
		{
			name:  "a byte order mark is not part of the query",
			files: map[string]string{"a.kql": "\uFEFFBAD", "c.jsonl": "\uFEFF" + `{"query":"T"}`},
			args:  []string{"a.kql", "c.jsonl"},
			code:  1,
			out:   "a.kql: parse: 1:1: unexpected BAD\n1 passed, 1 failed\n",
		},
		{
			name:  "-v shows the source line and the canonical text",
			files: map[string]string{"a.kql": "T | BAD", "b.kql": "LOSSY"},
			args:  []string{"-v", "a.kql", "b.kql"},
			code:  1,
			out: "a.kql: parse: 1:5: unexpected BAD\n    T | BAD\n        ^\n" +
				"b.kql: format: the canonical text parses to a different tree\n  something else\n" +
				"0 passed, 2 failed\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inDir(t, tt.files)
			code, out, _ := runFake(t, tt.args...)
			if out != tt.out {
				t.Errorf("stdout:\n%s\nwant:\n%s", out, tt.out)
			}
			if code != tt.code {
				t.Errorf("exit status %d, want %d", code, tt.code)
			}
		})
	}
}

func TestCheckJSON(t *testing.T) {
	inDir(t, map[string]string{
		"a.kql":   "T",
		"b.kql":   "LOSSY",
		"c.jsonl": `{"id":"p","query":"BAD"}` + "\n{oops\n" + `{"id":"q","query":"T"}` + "\n",
	})
	code, out, _ := runFake(t, "--json", "--parse-only", "a.kql", "b.kql", "c.jsonl")
	if code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out)
	}
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	wantKeys := []string{"bound", "failures", "missing_table", "nonempty", "parsed", "ran", "roundtrip_failures", "total"}
	if !reflect.DeepEqual(keys, wantKeys) {
		t.Errorf("keys %v, want %v", keys, wantKeys)
	}
	wantNums := map[string]float64{"total": 5, "parsed": 3, "bound": 0, "ran": 0, "nonempty": 0, "missing_table": 0, "roundtrip_failures": 1}
	for k, v := range wantNums {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	wantFailures := []any{
		map[string]any{"id": "b.kql", "stage": "format", "error": "the canonical text parses to a different tree"},
		map[string]any{"id": "p", "stage": "parse", "error": "1:1: unexpected BAD"},
		map[string]any{"id": "c.jsonl:2", "stage": "read", "error": "not a JSON object: invalid character 'o' looking for beginning of object key string"},
	}
	if !reflect.DeepEqual(got["failures"], wantFailures) {
		t.Errorf("failures:\n%v\nwant:\n%v", got["failures"], wantFailures)
	}
}

func TestCheckJSONNoFailures(t *testing.T) {
	inDir(t, map[string]string{"a.kql": "T"})
	code, out, _ := runFake(t, "a.kql", "--json", "--parse-only")
	if code != 0 {
		t.Errorf("exit status %d, want 0", code)
	}
	if !strings.Contains(out, `"failures": []`) {
		t.Errorf("failures must be an empty list, not null:\n%s", out)
	}
}

// TestCheckBinds checks queries against a store's tables: an unknown table
// counts as missing_table, a bound query as bound, and with --run as ran.
func TestCheckBinds(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if code, _, errs := spoor(t, "query", "--data", data, ".create table Events (Timestamp:datetime, Name:string)"); code != 0 {
		t.Fatalf("create: %s", errs)
	}
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o644)
		return p
	}
	good := write("good.kql", "Events | where Name has 'x' | count")
	missing := write("missing.kql", "Nope | count")
	badcol := write("badcol.kql", "Events | where Nme == 'x'")
	code, out, errs := spoor(t, "check", "--json", "--run", "--data", data, good, missing, badcol)
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errs)
	}
	var rep struct {
		Total, Parsed, Bound, Ran, Nonempty int
		MissingTable                        int `json:"missing_table"`
		Failures                            []struct{ ID, Stage, Error string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Total != 3 || rep.Parsed != 3 || rep.Bound != 1 || rep.Ran != 1 || rep.Nonempty != 1 || rep.MissingTable != 1 || len(rep.Failures) != 2 {
		t.Errorf("figures: %+v", rep)
	}
	for _, f := range rep.Failures {
		if f.Stage != "bind" {
			t.Errorf("failure %+v, want stage bind", f)
		}
	}
	// Without --data the catalog holds the built-in tables only, and it says so.
	builtin := write("builtin.kql", "DeviceProcessEvents | where ProcessCommandLine has 'x' | count")
	code, _, errs = spoor(t, "check", good, builtin)
	if code != 1 || !strings.Contains(errs, "built-in tables only") {
		t.Errorf("no --data: exit %d, %q", code, errs)
	}
	if code, out, _ := spoor(t, "check", "--json", builtin); code != 0 || !strings.Contains(out, `"bound": 1`) {
		t.Errorf("built-in table: exit %d, %s", code, out)
	}
	if code, _, _ := spoor(t, "check", "--parse-only", good); code != 0 {
		t.Errorf("--parse-only: exit %d, want 0", code)
	}
}

func TestCheckUsageErrors(t *testing.T) {
	inDir(t, map[string]string{"a.kql": "T", "notes.txt": "T", "empty/x.txt": "", "badfloor": "a.parsd=1\n"})
	tests := []struct {
		args []string
		want string // in stderr
	}{
		{nil, "no files given"},
		{[]string{"--parse-only"}, "no files given"},
		{[]string{"--nope", "a.kql"}, "flag provided but not defined"},
		{[]string{"notes.txt"}, "notes.txt: not a .kql or .jsonl file"},
		{[]string{"empty"}, "no .kql or .jsonl files"},
		{[]string{"--floor", "missing", "a.kql"}, "cannot read the floor file"},
		{[]string{"--floor", "badfloor", "a.kql"}, `badfloor:1: unknown figure "parsd"`},
	}
	for _, tt := range tests {
		code, out, errs := runFake(t, tt.args...)
		if code != 2 {
			t.Errorf("%v: exit status %d, want 2", tt.args, code)
		}
		if out != "" {
			t.Errorf("%v: nothing should be checked, stdout %q", tt.args, out)
		}
		if !strings.Contains(errs, tt.want) {
			t.Errorf("%v: stderr %q lacks %q", tt.args, errs, tt.want)
		}
	}
}

func TestCheckFloor(t *testing.T) {
	files := map[string]string{
		// corpus "c": 4 queries, 3 parsed, 1 round-trip failure
		"c.jsonl": `{"query":"T"}` + "\n" + `{"query":"BAD"}` + "\n" + `{"query":"LOSSY"}` + "\n" + `{"query":"U"}` + "\n",
		"d.kql":   "T",
	}
	tests := []struct {
		name  string
		floor string
		args  []string
		code  int
		want  []string // each in stderr
	}{
		{"met, although queries fail", "c.parsed=3\nc.roundtrip_failures_max=1\n", []string{"c.jsonl"}, 0,
			[]string{"c: total 4, parsed 3 (75.0%), bound 0, roundtrip_failures 1", "parsed 3: ok", "roundtrip_failures 1: ok"}},
		{"met with room: suggests the new figure", "# comment\n\nc.parsed = 2  # trailing comment\nc.roundtrip_failures_max=5\n", []string{"c.jsonl"}, 0,
			[]string{"raise c.parsed to 3 in floor", "lower c.roundtrip_failures_max to 1 in floor"}},
		{"parsed below the floor", "c.parsed=4\n", []string{"c.jsonl"}, 1,
			[]string{"parsed 3 is below the floor 4: FAIL", "do not meet floor"}},
		{"too many round-trip failures", "c.parsed=0\nc.roundtrip_failures_max=0\n", []string{"c.jsonl"}, 1,
			[]string{"roundtrip_failures 1 is above the maximum 0: FAIL"}},
		{"an input without a floor fails", "c.parsed=0\n", []string{"c.jsonl", "d.kql"}, 1,
			[]string{"no floor recorded for d in floor: FAIL"}},
		{"floors of other corpora are ignored", "c.parsed=0\nother.parsed=99\n", []string{"c.jsonl"}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := map[string]string{"floor": tt.floor}
			for k, v := range files {
				fs[k] = v
			}
			inDir(t, fs)
			code, out, errs := runFake(t, append([]string{"--parse-only", "--json", "--floor", "floor"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit status %d, want %d; stderr:\n%s", code, tt.code, errs)
			}
			if !json.Valid([]byte(out)) {
				t.Errorf("with --json, stdout must stay pure JSON:\n%s", out)
			}
			for _, w := range tt.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errs)
				}
			}
		})
	}
}

func TestReadFloorErrors(t *testing.T) {
	tests := []struct{ text, want string }{
		{"c.parsed\n", "expected <corpus>.<figure>=<count>"},
		{"parsed=1\n", "expected <corpus>.<figure> before"},
		{"c.parsed=-1\n", "expected a count"},
		{"c.parsed=many\n", "expected a count"},
		{"c.parsed=1\nc.parsed=2\n", "floor:2: c.parsed is set twice"},
		{"c.speed_max=1\n", `unknown figure "speed"`},
	}
	for _, tt := range tests {
		inDir(t, map[string]string{"floor": tt.text})
		_, err := readFloor("floor", &figures{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want one containing %q", tt.text, err, tt.want)
		}
	}
}

// TestCheckRealParser runs the command as shipped, with the real parser, on queries
// any KQL parser must accept.
func TestCheckRealParser(t *testing.T) {
	inDir(t, map[string]string{
		"a.kql": "DeviceProcessEvents\n| where FileName == \"cmd.exe\"\n| take 10\n",
		"c.jsonl": `{"id":"one","query":"DeviceLogonEvents | where Timestamp > ago(1d) | count"}` + "\n" +
			`{"id":"two","query":"let n = 5;\nDeviceNetworkEvents\n| project DeviceName, RemoteIP\n| take n"}` + "\n",
	})
	var out, errb bytes.Buffer
	code := run([]string{"check", "--parse-only", "a.kql", "c.jsonl"}, &out, &errb)
	if code != 0 || out.String() != "3 passed, 0 failed\n" {
		t.Errorf("exit status %d, stdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
}
