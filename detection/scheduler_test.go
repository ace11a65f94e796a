package detection

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/spoorhq/spoor/samples"
	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/storage"
	"github.com/spoorhq/spoor/vector"
)

// simClock is a clock tests move by hand; Sleep moves it.
type simClock struct{ t time.Time }

func (c *simClock) Now() time.Time                           { return c.t }
func (c *simClock) Sleep(_ context.Context, d time.Duration) { c.t = c.t.Add(d) }

var (
	storeOnce sync.Once
	storeDir  string
	storeEnd  time.Time
	storeErr  error
)

// testStore generates 30 days of telemetry for a few devices, with the
// attack stories, once per test binary.
func testStore(t *testing.T) (*storage.Store, time.Time) {
	t.Helper()
	storeOnce.Do(func() {
		storeDir, storeErr = os.MkdirTemp("", "spoor-detection-")
		if storeErr != nil {
			return
		}
		storeEnd = time.Now().UTC().Truncate(time.Hour)
		var st *storage.Store
		st, storeErr = storage.Open(storeDir, storage.Options{Builtin: schema.Builtin})
		if storeErr != nil {
			return
		}
		defer st.Close()
		_, storeErr = samples.Generate(samples.GenOptions{Devices: 5, Days: 30, Seed: 3, Now: storeEnd, ProcessEventsPerDeviceDay: 20,
			Tables: []string{"DeviceProcessEvents", "DeviceFileEvents", "EmailEvents"}},
			func(table string, cols []*vector.Vector, rows int) error { return st.Append(table, cols, rows) })
	})
	if storeErr != nil {
		t.Fatal(storeErr)
	}
	st, err := storage.Open(storeDir, storage.Options{Builtin: schema.Builtin})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, storeEnd
}

func TestMain(m *testing.M) {
	code := m.Run()
	if storeDir != "" {
		os.RemoveAll(storeDir)
	}
	os.Exit(code)
}

// simRules are the rules of testdata/rules, each at every scheduled
// frequency, and the NRT one as it is.
func simRules(t *testing.T) []Rule {
	t.Helper()
	files, _ := filepath.Glob("../testdata/rules/*.yaml")
	if len(files) < 5 {
		t.Fatalf("found %d rule files in testdata/rules", len(files))
	}
	var out []Rule
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r, err := ParseRule(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		switch r.Name {
		case "shadow-copy-deletion":
			out = append(out, *r)
		case "lsass-comsvcs-minidump", "ransomware-file-renames", "phishing-url-clicked":
			for _, fr := range []string{"1h", "3h", "12h", "24h"} {
				c := *r
				c.Name, c.Frequency = r.Name+"-"+fr, fr
				out = append(out, c)
			}
		}
	}
	return out
}

// TestSchedulerMonth runs a month of schedules on a simulated clock, with
// restarts and outages, and checks that no window was missed or run twice and
// that each event raised exactly one alert.
func TestSchedulerMonth(t *testing.T) {
	if testing.Short() {
		t.Skip("a month of schedules")
	}
	st, end := testStore(t)
	db, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	db.noSync = true
	start := end.Add(-30 * 24 * time.Hour).Add(7 * time.Minute)
	clock := &simClock{t: start}
	rules := simRules(t)
	for _, r := range rules {
		if _, err := db.AddRule(r, StorePlanner(st), clock.t, false); err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	ctx := context.Background()
	newScheduler := func() *Scheduler { return &Scheduler{DB: db, Store: st, Clock: clock} }
	sc := newScheduler()
	restarts, outages := 0, 0
	for clock.t.Before(end) {
		if _, err := sc.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		switch n := rng.IntN(100); {
		case n < 4: // down for hours, then restarted
			clock.t = clock.t.Add(time.Duration(3+rng.IntN(30)) * time.Hour)
			sc = newScheduler()
			outages++
		case n < 10: // restarted at once
			sc = newScheduler()
			restarts++
		default:
			clock.t = clock.t.Add(time.Duration(20+rng.IntN(70)) * time.Minute)
		}
	}
	clock.t = end
	if _, err := sc.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if outages == 0 || restarts == 0 {
		t.Fatalf("the simulation had %d outages and %d restarts; it must have both", outages, restarts)
	}
	var state *State
	db.View(func(s *State) error { state = s; return nil })
	catchUps := 0
	for _, r := range rules {
		every, back := r.every(), r.lookback()
		var runs []*Run
		for _, run := range state.RunsOf(r.Name) {
			if run.Trigger != TriggerManual {
				runs = append(runs, run)
			}
		}
		if len(runs) == 0 || runs[0].Trigger != TriggerFirst || !runs[0].To.Equal(start) {
			t.Fatalf("%s: the first run must be at once, at %s; runs: %d", r.Name, start, len(runs))
		}
		for i := 1; i < len(runs); i++ {
			prev, cur := runs[i-1], runs[i]
			if !cur.To.After(prev.To) {
				t.Fatalf("%s: window ending %s ran after the one ending %s (doubled)", r.Name, cur.To, prev.To)
			}
			if cur.From.After(prev.To) {
				t.Fatalf("%s: the data from %s to %s was never read (missed)", r.Name, prev.To, cur.From)
			}
			steps := cur.To.Sub(prev.To) / every
			if cur.To.Sub(prev.To)%every != 0 {
				t.Fatalf("%s: window end %s is off the schedule", r.Name, cur.To)
			}
			if cur.Missed != int(steps)-1 {
				t.Fatalf("%s: run %s stands for %d missed runs, want %d", r.Name, cur.ID, cur.Missed, steps-1)
			}
			if cur.Missed > 0 {
				catchUps++
				if cur.Trigger != TriggerCatchUp {
					t.Fatalf("%s: run %s after a gap is %s, want catch-up", r.Name, cur.ID, cur.Trigger)
				}
			}
			if back > 0 && cur.Missed == 0 && cur.To.Sub(cur.From) != back {
				t.Fatalf("%s: window %s..%s is not the lookback %s", r.Name, cur.From, cur.To, back)
			}
		}
		if last := runs[len(runs)-1]; end.Sub(last.To) >= every {
			t.Fatalf("%s: the last run ended %s; a run was due before %s", r.Name, last.To, end)
		}
		// Each event the query finds in the covered span raised one alert.
		ev := evaluate(ctx, st, r.Query, runs[0].From, runs[len(runs)-1].To, time.Minute, MaxRowsPerRun)
		if ev.err != nil {
			t.Fatal(ev.err)
		}
		want := map[string]bool{}
		for _, row := range ev.rows {
			want[rowKey(row, ev.cols, eventKeyColumns(ev.cols))] = true
		}
		got := map[string]int{}
		for _, a := range state.Alerts {
			if a.Rule == r.Name {
				got[a.EventKey]++
			}
		}
		for k, n := range got {
			if n > 1 {
				t.Errorf("%s: %d alerts for event %s", r.Name, n, k)
			}
			if !want[k] {
				t.Errorf("%s: an alert for %s, which the query does not return", r.Name, k)
			}
		}
		for k := range want {
			if got[k] == 0 {
				t.Errorf("%s: no alert for event %s", r.Name, k)
			}
		}
		if len(want) == 0 {
			t.Errorf("%s: the rule found nothing in a month with the attack stories", r.Name)
		}
	}
	if catchUps == 0 {
		t.Error("no catch-up run happened")
	}
	t.Logf("%d rules, %d runs, %d alerts, %d incidents, %d actions; %d restarts, %d outages, %d catch-up runs",
		len(rules), len(state.Runs), len(state.Alerts), len(state.Incidents), len(state.Actions), restarts, outages, catchUps)
}

// TestNextWindow checks the schedule arithmetic on its own.
func TestNextWindow(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	rec := &RuleRecord{Rule: Rule{Frequency: "1h"}, Enabled: true}
	tests := []struct {
		lastEnd  time.Time
		now      time.Time
		ok       bool
		from, to time.Time
		trigger  string
		missed   int
	}{
		{time.Time{}, t0, true, t0.Add(-4 * time.Hour), t0, TriggerFirst, 0},
		{t0, t0.Add(59 * time.Minute), false, time.Time{}, time.Time{}, "", 0},
		{t0, t0.Add(time.Hour), true, t0.Add(-3 * time.Hour), t0.Add(time.Hour), TriggerScheduled, 0},
		{t0, t0.Add(3*time.Hour + 5*time.Minute), true, t0.Add(-time.Hour), t0.Add(3 * time.Hour), TriggerCatchUp, 2},
		// a gap longer than the lookback reads from the last window's end
		{t0, t0.Add(10 * time.Hour), true, t0, t0.Add(10 * time.Hour), TriggerCatchUp, 9},
	}
	for i, tt := range tests {
		rec.LastEnd = tt.lastEnd
		w, ok := nextWindow(rec, tt.now)
		if ok != tt.ok || !w.from.Equal(tt.from) || !w.to.Equal(tt.to) || w.trigger != tt.trigger || w.missed != tt.missed {
			t.Errorf("%d: got %v %+v", i, ok, w)
		}
	}
}

// TestAlertCap checks that a run raises at most MaxAlertsPerRun alerts, is
// partially failed, and that a later run raises the rest.
func TestAlertCap(t *testing.T) {
	st, end := testStore(t)
	db, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r := Rule{Name: "every-process", Frequency: "24h", Severity: "informational", Category: "SuspiciousActivity",
		Title: "{{FileName}} ran", Query: "DeviceProcessEvents | project Timestamp, DeviceId, ReportId, FileName",
		Entities: Entities{Device: "DeviceId"}}
	if _, err := db.AddRule(r, StorePlanner(st), end, false); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	run, alerts, err := db.RunNow(ctx, st, r.Name, end.Add(-10*24*time.Hour), 5*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if run.Rows <= MaxAlertsPerRun || len(alerts) != MaxAlertsPerRun || run.Status != StatusPartiallyFailed {
		t.Fatalf("rows %d, alerts %d, status %s; want more than %d rows, %d alerts, partially failed",
			run.Rows, len(alerts), run.Status, MaxAlertsPerRun, MaxAlertsPerRun)
	}
	total := len(alerts)
	for i := 0; i < 100 && total < run.Rows; i++ {
		_, more, err := db.RunNow(ctx, st, r.Name, end.Add(-10*24*time.Hour), 5*24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if len(more) == 0 {
			t.Fatalf("a later run raised nothing, with %d of %d events raised", total, run.Rows)
		}
		total += len(more)
	}
	if total != run.Rows {
		t.Fatalf("raised %d alerts for %d events", total, run.Rows)
	}
	_, more, _ := db.RunNow(ctx, st, r.Name, end.Add(-10*24*time.Hour), 5*24*time.Hour)
	if len(more) != 0 {
		t.Fatalf("a run over the same window raised %d alerts again", len(more))
	}
}

func TestTrackedDaily(t *testing.T) {
	st, end := testStore(t)
	db, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	q := SavedQuery{Name: "rundll32", Query: `DeviceProcessEvents | where FileName =~ "rundll32.exe" | project Timestamp, DeviceId`}
	start := end.Add(-20 * 24 * time.Hour)
	if err := db.AddSaved(q, StorePlanner(st), start, false); err != nil {
		t.Fatal(err)
	}
	if err := db.Track(context.Background(), st, q.Name, 7, start); err != nil {
		t.Fatal(err)
	}
	clock := &simClock{t: start}
	sc := &Scheduler{DB: db, Store: st, Clock: clock}
	for clock.t.Before(end) {
		if _, err := sc.Tick(context.Background()); err != nil {
			t.Fatal(err)
		}
		clock.t = clock.t.Add(5 * time.Hour)
		if clock.t.Sub(start) > 9*24*time.Hour && clock.t.Sub(start) < 12*24*time.Hour {
			clock.t = clock.t.Add(2 * 24 * time.Hour) // an outage of two days
			sc = &Scheduler{DB: db, Store: st, Clock: clock}
		}
	}
	trends, err := db.Trends()
	if err != nil || len(trends) != 1 {
		t.Fatalf("%v %v", trends, err)
	}
	h := trends[0].History
	for i := 1; i < len(h); i++ {
		if h[i].To.Sub(h[i-1].To) != TrackEvery || h[i].From.Sub(h[i-1].From) != TrackEvery {
			t.Fatalf("day %d: %s..%s after %s..%s: days must follow each other once", i, h[i].From, h[i].To, h[i-1].From, h[i-1].To)
		}
	}
	if len(h) < 25 {
		t.Fatalf("%d days counted, want at least 25 (7 back-filled and about 20 run)", len(h))
	}
	for _, p := range h {
		ev := evaluate(context.Background(), st, q.Query, p.From, p.To, time.Minute, trackMaxRows)
		if len(ev.rows) != p.Count {
			t.Fatalf("%s: counted %d, the query returns %d", p.To, p.Count, len(ev.rows))
		}
	}
	tr := trends[0]
	if tr.Today == nil || *tr.Today != h[len(h)-1].Count || tr.PriorDay == nil || *tr.PriorDay != h[len(h)-2].Count || tr.PriorWeek == nil {
		t.Fatalf("trend %+v", tr)
	}
	var sum int
	for _, p := range h[len(h)-8 : len(h)-1] {
		sum += p.Count
	}
	if got := *tr.PriorWeek; fmt.Sprintf("%.4f", got) != fmt.Sprintf("%.4f", float64(sum)/7) {
		t.Fatalf("prior week %v, want %v", got, float64(sum)/7)
	}
}
