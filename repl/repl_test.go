package repl

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/storage"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

func newEngine(t *testing.T) *engine.Engine {
	t.Helper()
	now := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
	st, err := storage.Open(t.TempDir(), storage.Options{Builtin: schema.Builtin, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cols, err := schema.ParseColumns("Timestamp:datetime, DeviceName:string, Port:long")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateTable(&schema.Table{Name: "Conns", Columns: cols}); err != nil {
		t.Fatal(err)
	}
	vs := []*vector.Vector{vector.New(types.Datetime, 3), vector.New(types.String, 3), vector.New(types.Long, 3)}
	for i, d := range []string{"ws-01", "ws-02", "ws-01"} {
		vs[0].Append(types.NewDatetime(types.TimeToTicks(now.Add(-time.Duration(i) * time.Hour))))
		vs[1].Append(types.NewString(d))
		vs[2].Append(types.NewLong(int64(440 + i)))
	}
	if err := st.Append("Conns", vs, 3); err != nil {
		t.Fatal(err)
	}
	return engine.New(st, func() time.Time { return now })
}

func TestSession(t *testing.T) {
	tests := []struct {
		name, input      string
		wantOut, wantErr []string
		notOut           []string
	}{
		{
			name:    "a query over several lines runs when it is complete",
			input:   "Conns\n| summarize n = count()\n    by DeviceName\n| sort by DeviceName asc\n\n",
			wantOut: []string{"DeviceName  n\n----------  -\nws-01       2\nws-02       1\n"},
			wantErr: []string{"2 rows in"},
		},
		{
			name:    "a trailing pipe waits for the next line; the input's end runs what is left",
			input:   "Conns |\n count\n\nConns\n",
			wantOut: []string{"Count\n-----\n3\n", "Timestamp"},
		},
		{
			name:    "errors show the line and a caret",
			input:   "Conns\n| where DevicName == 'x'\n",
			wantErr: []string{"unknown column 'DevicName'", "did you mean 'DeviceName'", "^"},
		},
		{
			name:    "a blank line runs an unfinished query so its error shows",
			input:   "Conns | where\n\nprint x = 1\n",
			wantErr: []string{"after 'where'"},
			wantOut: []string{"x\n-\n1\n"},
		},
		{
			name:    "formats and row limits",
			input:   ".format csv\nConns | project DeviceName | take 1\n.format table\n.rows 1\nConns | project Port | sort by Port asc\n",
			wantOut: []string{"DeviceName\nws-01\n", "Port\n----\n440\n... 2 more rows"},
		},
		{
			name:    "explain prints the plan and statistics",
			input:   ".explain Conns | where DeviceName has 'ws' | count\n",
			wantErr: []string{"Scan Conns", "-> rows 3", "peak memory"},
		},
		{
			name:    "schema, tables and help",
			input:   ".schema Conns\n.tables\n.help\n.schema Nope\n",
			wantOut: []string{"Port", "long", "Conns", "3 rows", "DeviceProcessEvents", ".explain"},
			wantErr: []string{"unknown table 'Nope'"},
		},
		{
			name:    "sample hunts are listed and run",
			input:   ".samples\n.run shadow-copy-deletion\n.run nope\n",
			wantOut: []string{"CredentialAccess", "lsass-minidump-comsvcs", "vssadmin.exe", "Timestamp"},
			wantErr: []string{"no sample named 'nope'", "0 rows"},
		},
		{
			name:    "management commands go to the engine",
			input:   ".show tables\n",
			wantOut: []string{"Conns"},
		},
		{
			name:   "quit stops reading",
			input:  ".quit\nprint x = 'after'\n",
			notOut: []string{"after"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			r := &REPL{Engine: newEngine(t), Out: &out, Err: &errb}
			if err := r.RunReader(context.Background(), strings.NewReader(tt.input)); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout lacks %q:\n%s\nstderr:\n%s", w, out.String(), errb.String())
				}
			}
			for _, w := range tt.notOut {
				if strings.Contains(out.String(), w) {
					t.Errorf("stdout has %q:\n%s", w, out.String())
				}
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(errb.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, errb.String())
				}
			}
		})
	}
}

func TestComplete(t *testing.T) {
	for text, want := range map[string]bool{
		"Conns":                        true,
		"Conns |":                      false,
		"Conns\n| where":               false,
		"Conns | where Port > 1":       true,
		"let x = 1;":                   false,
		"print strcat('a',":            false,
		"print 'abc":                   false,
		".help":                        true,
		"Conns | summarize count() by": false,
	} {
		if got := Complete(text); got != want {
			t.Errorf("Complete(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestCompleter(t *testing.T) {
	c := &completer{cat: newEngine(t).Store(), builtins: []string{"DeviceEvents"}}
	tests := []struct {
		line string
		want string
	}{
		{"Con", "Conns"},
		{"Conns | wh", "where"},
		{"Conns | where Dev", "DeviceName"},
		{"Conns | extend x = strc", "strcat"},
		{".sch", ".schema"},
		{"Dev", "DeviceEvents"},
	}
	for _, tt := range tests {
		_, got, _ := c.complete(tt.line, len(tt.line))
		found := false
		for _, g := range got {
			found = found || g == tt.want
		}
		if !found {
			t.Errorf("complete(%q) = %v, want it to offer %q", tt.line, got, tt.want)
		}
	}
}

func TestReady(t *testing.T) {
	tests := []struct {
		lines []string
		runAt int // the line after which the input runs (-1: never)
	}{
		{[]string{"print x = 1"}, 0},
		{[]string{"Conns", "| count", ""}, 2},
		{[]string{"let n = 2;", "Conns", "| take n;"}, 2},
		{[]string{"let n = 2;", "print n", ""}, 2},
		{[]string{"Conns |", " count;"}, 1},
		{[]string{".help"}, 0},
		{[]string{"Conns"}, -1},
	}
	for _, tt := range tests {
		var buf []string
		got := -1
		for i, l := range tt.lines {
			var run bool
			if buf, run = Ready(buf, l); run {
				got = i
				break
			}
		}
		if got != tt.runAt {
			t.Errorf("%q: runs after line %d, want %d", tt.lines, got, tt.runAt)
		}
	}
}

func TestTableFitsWidth(t *testing.T) {
	var out bytes.Buffer
	r := &REPL{Engine: newEngine(t), Out: &out, Err: &bytes.Buffer{}, Width: 40}
	r.Execute(context.Background(), "print a = strrep('x', 50), b = strrep('y', 50), c = 1")
	for _, line := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
		if n := len([]rune(line)); n > 40 {
			t.Errorf("line of %d columns: %q", n, line)
		}
	}
	if !strings.Contains(out.String(), "…") {
		t.Errorf("no cut cell:\n%s", out.String())
	}
}

func TestCharts(t *testing.T) {
	tests := []struct{ query, want string }{
		{"Conns | summarize n = count() by DeviceName | render barchart", "ws-01 │██"},
		{"Conns | summarize n = count() by bin(Timestamp, 1h) | render timechart", "● n"},
		{"Conns | make-series n = count() default = 0 on Timestamp step 1h by DeviceName | render timechart", "○ ws-02 n"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		r := &REPL{Engine: newEngine(t), Out: &out, Err: &errb, Width: 60}
		r.Execute(context.Background(), tt.query)
		if !strings.Contains(out.String(), tt.want) {
			t.Errorf("%s: output lacks %q:\n%s\n%s", tt.query, tt.want, out.String(), errb.String())
		}
	}
}
