package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/spoorhq/spoor/detection"
)

// spoor runs the command line and returns its output and status.
func spoorCmd(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return out.String(), errb.String(), code
}

// mustRun runs the command line and fails the test unless it exits 0.
func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, errs, code := spoorCmd(t, args...)
	if code != 0 {
		t.Fatalf("spoor %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

func decode[T any](t *testing.T, text string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		t.Fatalf("%v in %s", err, text)
	}
	return v
}

// TestDetectionEndToEnd drives saved queries, rules, alerts, incidents,
// actions and tracked queries from the command line over generated data.
func TestDetectionEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a store")
	}
	dir := t.TempDir()
	data := []string{"--data", dir}
	mustRun(t, append([]string{"gen", "--devices", "8", "--days", "14", "--rate", "30", "--quiet",
		"--tables", "DeviceProcessEvents,DeviceFileEvents,EmailEvents"}, data...)...)
	rules := filepath.Join("..", "..", "testdata", "rules")

	// Saved queries: bad names and bad KQL are refused, positioned.
	if _, errs, code := spoorCmd(t, append([]string{"saved", "add", "bad name!", "DeviceProcessEvents | take 1"}, data...)...); code != 1 || !strings.Contains(errs, "is not valid") {
		t.Fatalf("bad name: %d %s", code, errs)
	}
	if _, errs, code := spoorCmd(t, append([]string{"saved", "add", "typo", "DeviceProcessEvents | where FileNme == 1"}, data...)...); code != 1 || !strings.Contains(errs, "1:29") || !strings.Contains(errs, "^") {
		t.Fatalf("bad KQL: %d %s", code, errs)
	}
	mustRun(t, append([]string{"saved", "add", "rundll32", "--folder", "hunts/lolbins", "--scope", "shared",
		`DeviceProcessEvents | where FileName =~ "rundll32.exe" | project Timestamp, DeviceName, ProcessCommandLine`}, data...)...)
	saved := decode[[]detection.SavedQuery](t, mustRun(t, append([]string{"saved", "list", "--json"}, data...)...))
	if len(saved) != 1 || saved[0].Folder != "hunts/lolbins" || saved[0].Scope != "shared" {
		t.Fatalf("saved list: %+v", saved)
	}
	if out := mustRun(t, append([]string{"saved", "run", "rundll32", "--format", "csv"}, data...)...); !strings.Contains(out, "comsvcs") {
		t.Fatalf("saved run does not show the dump:\n%s", out)
	}

	// A rule missing its event key is refused, naming the column.
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("name: no-key\nfrequency: 1h\nseverity: low\ncategory: Execution\ntitle: x\n"+
		"query: DeviceProcessEvents | project Timestamp, DeviceId, DeviceName\nentities: {device: DeviceId}\n"), 0o644)
	if _, errs, code := spoorCmd(t, append([]string{"rules", "add", bad}, data...)...); code != 1 || !strings.Contains(errs, "does not return ReportId") {
		t.Fatalf("rule without ReportId: %d %s", code, errs)
	}

	// Rules: add, run, run again.
	for _, f := range []string{"lsass-comsvcs-minidump.yaml", "shadow-copy-deletion.yaml", "ransomware-file-renames.yaml"} {
		mustRun(t, append([]string{"rules", "add", filepath.Join(rules, f)}, data...)...)
	}
	type runOut struct {
		Run    detection.Run     `json:"run"`
		Alerts []detection.Alert `json:"alerts"`
	}
	first := decode[runOut](t, mustRun(t, append([]string{"rules", "run", "lsass-comsvcs-minidump", "--lookback", "30d", "--json"}, data...)...))
	if first.Run.Status != detection.StatusCompleted || len(first.Alerts) != 1 {
		t.Fatalf("first run: %+v", first)
	}
	a := first.Alerts[0]
	if !strings.HasPrefix(a.Title, "LSASS memory dumped with comsvcs.dll on ") || strings.Contains(a.Title, "{{") || a.Severity != "high" {
		t.Fatalf("alert: %+v", a)
	}
	again := decode[runOut](t, mustRun(t, append([]string{"rules", "run", "lsass-comsvcs-minidump", "--lookback", "30d", "--json"}, data...)...))
	if again.Run.Rows != 1 || len(again.Alerts) != 0 {
		t.Fatalf("second run over the same events: rows %d, alerts %d", again.Run.Rows, len(again.Alerts))
	}
	mustRun(t, append([]string{"rules", "run", "shadow-copy-deletion", "--lookback", "30d"}, data...)...)
	mustRun(t, append([]string{"rules", "run", "ransomware-file-renames", "--lookback", "30d"}, data...)...)
	hist := decode[[]detection.Run](t, mustRun(t, append([]string{"rules", "history", "lsass-comsvcs-minidump", "--json"}, data...)...))
	if len(hist) != 2 {
		t.Fatalf("history: %d runs", len(hist))
	}

	// Alerts and incidents: the ransomware story's three alerts share a device.
	alerts := decode[[]detection.Alert](t, mustRun(t, append([]string{"alerts", "list", "--json"}, data...)...))
	if len(alerts) != 4 {
		t.Fatalf("%d alerts, want 4 (one dump, two shadow-copy deletions, one encryption)", len(alerts))
	}
	incidents := decode[[]detection.Incident](t, mustRun(t, append([]string{"incidents", "list", "--json"}, data...)...))
	if len(incidents) != 2 {
		t.Fatalf("%d incidents, want 2: %+v", len(incidents), incidents)
	}
	if len(incidents[0].Alerts) != 3 || incidents[0].Severity != "high" {
		t.Fatalf("the ransomware incident: %+v", incidents[0])
	}
	upd := decode[[]detection.Alert](t, mustRun(t, append([]string{"alerts", "update", a.ID, "--status", "resolved", "--classification", "true-positive", "--json"}, data...)...))
	if upd[0].Status != "resolved" || upd[0].Classification != "true-positive" {
		t.Fatalf("update: %+v", upd)
	}

	// Actions: without an integration an approved action is not delivered;
	// with a webhook it is.
	actions := decode[[]detection.Action](t, mustRun(t, append([]string{"actions", "list", "--json", "--status", "pending"}, data...)...))
	if len(actions) < 4 {
		t.Fatalf("%d pending actions", len(actions))
	}
	out, _, code := spoorCmd(t, append([]string{"actions", "approve", actions[0].ID, "--json"}, data...)...)
	if d := decode[[]detection.Action](t, out); code != 1 || d[0].Delivered || !strings.Contains(d[0].Outcome, "no integration") {
		t.Fatalf("approved without an integration: %d %s", code, out)
	}
	var mu sync.Mutex
	var got []detection.Action
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var act detection.Action
		if r.Method != http.MethodPost || json.Unmarshal(b, &act) != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		mu.Lock()
		got = append(got, act)
		mu.Unlock()
		w.Write([]byte("queued"))
	}))
	defer srv.Close()
	mustRun(t, append([]string{"actions", "config", "--webhook", srv.URL}, data...)...)
	mustRun(t, append([]string{"actions", "retry"}, data...)...)
	decided := decode[[]detection.Action](t, mustRun(t, append([]string{"actions", "approve", "--all", "--json"}, data...)...))
	if len(got) != len(decided)+1 || len(got) != len(actions) {
		t.Fatalf("the webhook got %d actions; %d were approved", len(got), len(decided)+1)
	}
	for _, d := range decided {
		if !d.Delivered || !strings.Contains(d.Outcome, "200 OK: queued") {
			t.Fatalf("not delivered: %+v", d)
		}
	}

	// Tracked queries: counted at once for the past week, shown with a trend.
	mustRun(t, append([]string{"saved", "track", "rundll32", "--backfill", "7"}, data...)...)
	trends := decode[[]detection.Trend](t, mustRun(t, append([]string{"track", "--json"}, data...)...))
	if len(trends) != 1 || len(trends[0].History) != 8 || trends[0].Today == nil || trends[0].PriorWeek == nil {
		t.Fatalf("track: %+v", trends)
	}
	total := 0
	for _, p := range trends[0].History {
		total += p.Count
	}
	if total == 0 {
		t.Fatal("a week of rundll32 runs counted none")
	}
	if out := mustRun(t, append([]string{"track"}, data...)...); !strings.Contains(out, "rundll32") || !strings.Contains(out, "PRIOR WEEK") {
		t.Fatalf("track table:\n%s", out)
	}

	// The scheduler's first pass runs each rule once; a second pass at once
	// runs nothing but the near-real-time rule.
	mustRun(t, append([]string{"scheduler", "--once"}, data...)...)
	rulesList := decode[[]struct {
		detection.RuleRecord
		Alerts int `json:"alerts"`
	}](t, mustRun(t, append([]string{"rules", "list", "--json"}, data...)...))
	for _, r := range rulesList {
		if r.LastEnd.IsZero() || r.NextRun.IsZero() {
			t.Fatalf("%s has not been scheduled: %+v", r.Rule.Name, r.RuleRecord)
		}
	}

	// Export and import round-trip.
	exp := t.TempDir()
	mustRun(t, append([]string{"rules", "export", exp}, data...)...)
	mustRun(t, append([]string{"rules", "rm", "lsass-comsvcs-minidump"}, data...)...)
	if out := mustRun(t, append([]string{"rules", "import", exp, "--replace"}, data...)...); !strings.Contains(out, "3 of 3 rules imported") {
		t.Fatalf("import: %s", out)
	}
}
