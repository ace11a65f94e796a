package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// spoor runs the command in-process and returns its exit status and output.
func spoor(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestIngestAndQuery drives the binary as a user would: create a table by
// ingesting JSON lines (one bad row, one unknown field), then count, search and
// summarize it over sealed segments, in every output format.
func TestIngestAndQuery(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	now := time.Now().UTC().Truncate(time.Hour)
	var lines []string
	for i := 0; i < 500; i++ {
		cmd := "cmd.exe /c whoami"
		if i%100 == 7 {
			cmd = "powershell.exe -enc SQBFAFgA mimikatz"
		}
		port := fmt.Sprint(i % 7)
		if i%50 == 0 {
			port = "null"
		}
		lines = append(lines, fmt.Sprintf(`{"Timestamp":%q,"DeviceName":"ws-%02d","ProcessCommandLine":%q,"Port":%s,"Note":""}`,
			now.Add(-time.Duration(i)*time.Minute).Format(time.RFC3339), i%5, cmd, port))
	}
	lines[3] = `{"Timestamp":"not a time","DeviceName":"x"}`
	lines[4] = `{"Timestamp":"` + now.Format(time.RFC3339) + `","DeviceName":"ws-09","Extra":1}`
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(strings.Join(lines, "\n") + "\n"))
	zw.Close()
	input := filepath.Join(dir, "events.jsonl.gz")
	os.WriteFile(input, gz.Bytes(), 0o644)

	code, _, errs := spoor(t, "ingest", "--data", data, "--table", "Events", "-q",
		"--schema", "Timestamp:datetime, DeviceName:string, ProcessCommandLine:string, Port:long, Note:string", input)
	if code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errs)
	}
	for _, want := range []string{"499 rows accepted, 1 rejected", "events.jsonl.gz:4: rejected: column Timestamp", "Extra (1 rows)"} {
		if !strings.Contains(errs, want) {
			t.Errorf("ingest output lacks %q:\n%s", want, errs)
		}
	}

	queries := []struct {
		q, format, want string
	}{
		{"Events | count", "csv", "Count\n499\n"},
		{"Events | where ProcessCommandLine has 'MIMIKATZ' | count", "csv", "Count\n5\n"},
		{"Events | where DeviceName == 'ws-09' | project DeviceName, Port", "jsonl", `{"DeviceName":"ws-09","Port":null}` + "\n"},
		{"Events | summarize n = count() by DeviceName | where DeviceName == 'ws-01'", "csv", "DeviceName,n\nws-01,100\n"},
		{"Events | summarize s = sum(Port), nulls = countif(isnull(Port)), empty = countif(isempty(Note))", "csv", "s,nulls,empty\n1463,11,499\n"},
		{".show table Events schema", "csv", "ColumnName,ColumnType\nTimestamp,datetime\n"},
	}
	for _, q := range queries {
		code, out, errs := spoor(t, "query", "--data", data, "--format", q.format, q.q)
		if code != 0 {
			t.Errorf("%s: exit %d: %s", q.q, code, errs)
			continue
		}
		if !strings.HasPrefix(out, q.want) {
			t.Errorf("%s:\n got %q\nwant %q", q.q, out, q.want)
		}
	}

	code, out, _ := spoor(t, "query", "--data", data, "--format", "json", ".show table Events details")
	var details struct {
		Columns []struct{ Name string }
		Rows    [][]any
	}
	if code != 0 || json.Unmarshal([]byte(out), &details) != nil || len(details.Rows) != 1 {
		t.Fatalf(".show table details: exit %d, %s", code, out)
	}
	row := map[string]any{}
	for i, c := range details.Columns {
		row[c.Name] = details.Rows[0][i]
	}
	if row["Rows"] != float64(499) || row["HotRows"] != float64(0) || row["Segments"].(float64) < 1 {
		t.Errorf("details: %v", row)
	}

	// --explain prints the plan with what each scan read.
	code, _, errs = spoor(t, "query", "--data", data, "--explain", "Events | where ProcessCommandLine has 'MIMIKATZ' | count")
	for _, want := range []string{"Scan Events", `index(ProcessCommandLine has "MIMIKATZ")`, "-> rows 5; segments ", "peak memory"} {
		if code != 0 || !strings.Contains(errs, want) {
			t.Errorf("explain: exit %d, output lacks %q:\n%s", code, want, errs)
		}
	}

	// A bad query names its line and column and exits 1.
	code, _, errs = spoor(t, "query", "--data", data, "Events\n| wher x")
	if code != 1 || !strings.Contains(errs, "2:3: unknown operator 'wher'; did you mean 'where'?") || !strings.Contains(errs, "^") {
		t.Errorf("bad query: exit %d, %q", code, errs)
	}
	code, _, errs = spoor(t, "query", "--data", data, "Events | where DevicName == 'x'")
	if code != 1 || !strings.Contains(errs, "did you mean 'DeviceName'?") {
		t.Errorf("bad column: exit %d, %q", code, errs)
	}
}

// TestQueryLimits drives the limits a user sets on the command line or in
// the query: truncation, timeout and memory budget.
func TestQueryLimits(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	code, out, errs := spoor(t, "query", "--data", data, "--format", "csv", "set truncationmaxrecords = 2;\nrange x from 1 to 5 step 1")
	if code != 0 || out != "x\n1\n2\n" || !strings.Contains(errs, "warning: the result was truncated to 2 rows") {
		t.Errorf("truncation: exit %d, %q, %q", code, out, errs)
	}
	code, out, errs = spoor(t, "query", "--data", data, "--format", "csv", "--max-rows", "3", "range x from 1 to 5 step 1")
	if code != 0 || out != "x\n1\n2\n3\n" || !strings.Contains(errs, "set notruncation") {
		t.Errorf("--max-rows: exit %d, %q, %q", code, out, errs)
	}
	code, _, errs = spoor(t, "query", "--data", data, "set frobnicate = 1; print x = 1")
	if code != 0 || !strings.Contains(errs, "warning: 1:5: unknown request option 'frobnicate' is ignored") {
		t.Errorf("unknown option: exit %d, %q", code, errs)
	}
	// Not a bare count: that of an inner join is worked out from counts of
	// its sides without making its 10^10 rows.
	huge := "range x from 1 to 100000 step 1 | extend k = 1 | join kind=inner (range y from 1 to 100000 step 1 | extend k = 1) on k | where x != y | count"
	code, _, errs = spoor(t, "query", "--data", data, "--timeout", "50ms", huge)
	if code != 1 || !strings.Contains(errs, "timeout of 50ms") {
		t.Errorf("--timeout: exit %d, %q", code, errs)
	}
	code, _, errs = spoor(t, "query", "--data", data, "--max-memory", "1MiB", "range x from 1 to 200000 step 1 | sort by x")
	if code != 1 || !strings.Contains(errs, "memory budget of 1 MiB in 'sort'") {
		t.Errorf("--max-memory: exit %d, %q", code, errs)
	}
	for _, bad := range [][]string{{"--max-memory", "lots"}, {"--timeout", "0s"}} {
		if code, _, _ := spoor(t, append(append([]string{"query", "--data", data}, bad...), "print 1")...); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
}
