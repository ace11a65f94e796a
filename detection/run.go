package detection

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/storage"
	"github.com/spoorhq/spoor/types"
)

// Run statuses.
const (
	StatusCompleted       = "completed"
	StatusFailed          = "failed"
	StatusPartiallyFailed = "partially failed"
)

// Run triggers.
const (
	TriggerFirst     = "first"     // a new rule's run over its lookback
	TriggerScheduled = "scheduled" // on time
	TriggerCatchUp   = "catch-up"  // the one run that stands for runs missed while the scheduler was down
	TriggerManual    = "manual"    // spoor rules run
	TriggerBackfill  = "backfill"  // a tracked query's past days, counted when it is tracked
)

// MaxAlertsPerRun is how many alerts one run raises at most; the events past it
// are left for a later run.
const MaxAlertsPerRun = 150

// MaxRowsPerRun is how many rows a run reads; a larger result is cut, and the
// run is partially failed.
const MaxRowsPerRun = 10_000

// RuleRecord is a rule as the state keeps it: the rule and its schedule.
type RuleRecord struct {
	Rule    Rule      `json:"rule"`
	Enabled bool      `json:"enabled"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	// LastEnd is the end of the last window the scheduler ran (zero: none yet);
	// the next scheduled window ends Every after it.
	LastEnd time.Time `json:"last_end,omitzero"`
	NextRun time.Time `json:"next_run,omitzero"`
	// LastStatus is the status of the rule's last run.
	LastStatus string `json:"last_status,omitempty"`
}

// Run is one run of a rule or of a tracked query.
type Run struct {
	ID      string        `json:"id"`
	Rule    string        `json:"rule"`
	Kind    string        `json:"kind"` // rule or tracked
	Trigger string        `json:"trigger"`
	From    time.Time     `json:"from"`
	To      time.Time     `json:"to"`
	Started time.Time     `json:"started"`
	Elapsed time.Duration `json:"duration_ns"`
	Status  string        `json:"status"`
	Reasons []string      `json:"reasons,omitempty"`
	Rows    int           `json:"rows"`
	Alerts  int           `json:"alerts"`
	// Missed is how many scheduled runs a catch-up run stands for.
	Missed  int       `json:"missed,omitempty"`
	NextRun time.Time `json:"next_run,omitzero"`
}

// Entity is an impacted device, user or mailbox.
type Entity struct {
	Type   string `json:"type"`
	Column string `json:"column"`
	Value  string `json:"value"`
}

// Evidence is the rows an alert was raised on.
type Evidence struct {
	Columns []string            `json:"columns"`
	Rows    [][]json.RawMessage `json:"rows"`
}

// Alert statuses and classifications.
var (
	AlertStatuses   = []string{"new", "in-progress", "resolved"}
	Classifications = []string{"", "true-positive", "informational-expected", "false-positive"}
)

// Alert is what a rule raises for one event and one combination of entities.
type Alert struct {
	ID                 string    `json:"id"`
	Rule               string    `json:"rule"`
	Title              string    `json:"title"`
	Description        string    `json:"description,omitempty"`
	Severity           string    `json:"severity"`
	Category           string    `json:"category"`
	Mitre              []string  `json:"mitre,omitempty"`
	RecommendedActions string    `json:"recommended_actions,omitempty"`
	Entities           []Entity  `json:"entities"`
	EventKey           string    `json:"event_key"`
	Time               time.Time `json:"time"` // the first evidence row's Timestamp
	Created            time.Time `json:"created"`
	Run                string    `json:"run"`
	Evidence           Evidence  `json:"evidence"`
	Status             string    `json:"status"`
	Classification     string    `json:"classification,omitempty"`
	Incident           string    `json:"incident"`
}

// evaluation is a query's answer over one window.
type evaluation struct {
	cols    []planner.Column
	rows    [][]types.Value
	status  string
	reasons []string
	err     error
}

// evaluate runs query with the clock at to and keeps the rows whose Timestamp
// lies in [from, to). A query without a Timestamp column keeps all its rows.
func evaluate(ctx context.Context, st *storage.Store, query string, from, to time.Time, timeout time.Duration, maxRows int) evaluation {
	res, err := runQuery(ctx, st, query, to, engine.Options{MaxRows: maxRows, Timeout: timeout})
	if err != nil {
		ev := evaluation{status: StatusFailed, err: err}
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			ev.reasons = []string{fmt.Sprintf("timeout: the query ran past %s", timeout)}
		default:
			var qe *engine.Error
			if errors.As(err, &qe) {
				ev.reasons = []string{"query error: " + strings.ReplaceAll(qe.Error(), "\n", " ")}
			} else {
				ev.reasons = []string{"error: " + err.Error()}
			}
		}
		return ev
	}
	ev := evaluation{cols: res.Columns, status: StatusCompleted}
	ts := columnIndex(res.Columns, "Timestamp")
	lo, hi := types.TimeToTicks(from), types.TimeToTicks(to)
	for _, row := range res.Rows {
		if ts >= 0 {
			v := row[ts]
			if v.Null || v.Type != types.Datetime || v.I < lo || v.I >= hi {
				continue
			}
		}
		ev.rows = append(ev.rows, row)
	}
	if res.Truncated {
		ev.status = StatusPartiallyFailed
		ev.reasons = append(ev.reasons, fmt.Sprintf("result too large: the query returned more than %d rows; the rows past them were not read", maxRows))
	}
	return ev
}

func columnIndex(cols []planner.Column, name string) int {
	for i, c := range cols {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// timeoutFor is how long one run of a rule may take.
func timeoutFor(r *Rule) time.Duration {
	if r.Frequency == "nrt" {
		return 30 * time.Second
	}
	return 10 * time.Minute
}

// raise turns a run's rows into alerts: one per event and combination of
// entities, skipping the events the rule has raised already, at most
// MaxAlertsPerRun. It files them into incidents and proposes their actions.
func (s *State) raise(rule *Rule, ev *evaluation, run *Run, now time.Time) []*Alert {
	cols := ev.cols
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	keyCols := eventKeyColumns(cols)
	ents := rule.Entities.list()
	type group struct {
		alert *Alert
		key   string
		rows  [][]types.Value
	}
	var groups []*group
	byID := map[string]*group{}
	over := 0
	for _, row := range ev.rows {
		key := rowKey(row, cols, keyCols)
		if _, seen := s.Seen[rule.Name+"\x00"+key]; seen {
			continue
		}
		var entVals []Entity
		var b strings.Builder
		b.WriteString(key)
		for _, e := range ents {
			v := formatCell(row, cols, e[1])
			entVals = append(entVals, Entity{Type: e[0], Column: e[1], Value: v})
			b.WriteString("\x00" + v)
		}
		gid := b.String()
		if g := byID[gid]; g != nil {
			g.rows = append(g.rows, row)
			continue
		}
		if len(groups) >= MaxAlertsPerRun {
			over++
			continue
		}
		g := &group{key: key, rows: [][]types.Value{row}, alert: &Alert{Entities: entVals}}
		byID[gid] = g
		groups = append(groups, g)
	}
	if over > 0 {
		run.Status = StatusPartiallyFailed
		run.Reasons = append(run.Reasons, fmt.Sprintf("too many alerts: the run raised the first %d; %d more wait for a later run", MaxAlertsPerRun, over))
	}
	var out []*Alert
	for _, g := range groups {
		a := g.alert
		first := g.rows[0]
		a.ID = s.nextID("al")
		a.Rule = rule.Name
		a.Title = render(rule.Title, first, cols)
		a.Description = render(rule.Description, first, cols)
		a.Severity, a.Category = rule.Severity, rule.Category
		a.Mitre = append([]string(nil), rule.Mitre...)
		a.RecommendedActions = rule.RecommendedActions
		a.EventKey = g.key
		a.Created = now
		a.Run = run.ID
		a.Status = "new"
		if i := columnIndex(cols, "Timestamp"); i >= 0 && !first[i].Null {
			a.Time = types.TicksToTime(first[i].I).UTC()
		} else {
			a.Time = now
		}
		a.Evidence.Columns = names
		for _, row := range g.rows {
			jr := make([]json.RawMessage, len(row))
			for i, v := range row {
				jr[i] = jsonValue(v)
			}
			a.Evidence.Rows = append(a.Evidence.Rows, jr)
		}
		s.Seen[rule.Name+"\x00"+g.key] = SeenEvent{Alert: a.ID, Time: a.Time}
		s.Alerts = append(s.Alerts, a)
		s.fileIncident(a)
		s.proposeActions(rule, a, first, cols, now)
		out = append(out, a)
	}
	run.Alerts = len(out)
	return out
}

// eventKeyColumns picks the event key columns the result has: the Device
// tables' DeviceId and ReportId, email's NetworkMessageId and
// RecipientEmailAddress, or ReportId.
func eventKeyColumns(cols []planner.Column) []string {
	has := func(n string) bool { return columnIndex(cols, n) >= 0 }
	switch {
	case has("DeviceId") && has("ReportId"):
		return []string{"DeviceId", "ReportId"}
	case has("NetworkMessageId") && has("RecipientEmailAddress"):
		return []string{"NetworkMessageId", "RecipientEmailAddress"}
	case has("ReportId"):
		return []string{"ReportId"}
	}
	return []string{"Timestamp"}
}

func rowKey(row []types.Value, cols []planner.Column, keyCols []string) string {
	parts := make([]string, len(keyCols))
	for i, k := range keyCols {
		parts[i] = k + "=" + formatCell(row, cols, k)
	}
	return strings.Join(parts, ";")
}

func formatCell(row []types.Value, cols []planner.Column, name string) string {
	i := columnIndex(cols, name)
	if i < 0 || row[i].Null {
		return ""
	}
	return types.Format(row[i])
}

// render fills a title's or description's {{Column}} placeholders from a row.
func render(text string, row []types.Value, cols []planner.Column) string {
	return placeholderRe.ReplaceAllStringFunc(text, func(m string) string {
		name := placeholderRe.FindStringSubmatch(m)[1]
		if columnIndex(cols, name) < 0 {
			return m
		}
		return formatCell(row, cols, name)
	})
}

// recordRun keeps a run, forgetting a rule's oldest runs past keepRuns.
func (s *State) recordRun(run *Run) {
	s.Runs = append(s.Runs, run)
	n := 0
	for _, r := range s.Runs {
		if r.Rule == run.Rule && r.Kind == run.Kind {
			n++
		}
	}
	if n <= keepRuns {
		return
	}
	drop := n - keepRuns
	kept := s.Runs[:0]
	for _, r := range s.Runs {
		if drop > 0 && r.Rule == run.Rule && r.Kind == run.Kind {
			drop--
			continue
		}
		kept = append(kept, r)
	}
	s.Runs = kept
}

// keepRuns is how many runs of each rule the state remembers.
const keepRuns = 1000

// forgetSeen drops the events older than any lookback can reach.
func (s *State) forgetSeen(now time.Time) {
	cut := now.Add(-31 * 24 * time.Hour)
	for k, v := range s.Seen {
		if v.Time.Before(cut) {
			delete(s.Seen, k)
		}
	}
}

// execRule runs a rule over [from, to) and records the run and its alerts.
// The query runs outside the state's lock.
func (db *DB) execRule(ctx context.Context, st *storage.Store, rule Rule, from, to time.Time, trigger string, missed int,
	wall func() time.Time, update func(s *State, rec *RuleRecord, run *Run)) (*Run, error) {
	started := wall()
	ev := evaluate(ctx, st, rule.Query, from, to, timeoutFor(&rule), MaxRowsPerRun)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	run := &Run{Rule: rule.Name, Kind: "rule", Trigger: trigger, From: from, To: to, Started: started,
		Elapsed: wall().Sub(started), Status: ev.status, Reasons: ev.reasons, Rows: len(ev.rows), Missed: missed}
	err := db.Update(func(s *State) error {
		rec := s.Rule(rule.Name)
		if rec == nil {
			return fmt.Errorf("rule %s was removed while it ran", rule.Name)
		}
		run.ID = s.nextID("run")
		if ev.err == nil {
			s.raise(&rec.Rule, &ev, run, to)
		}
		if update != nil {
			update(s, rec, run)
		}
		rec.LastStatus = run.Status
		s.recordRun(run)
		s.forgetSeen(to)
		return nil
	})
	return run, err
}
