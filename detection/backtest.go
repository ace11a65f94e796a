package detection

import (
	"context"
	"time"

	"github.com/spoorhq/spoor/storage"
)

// BackTestRun is one run of a back-test and the alerts it would have raised.
type BackTestRun struct {
	Run    Run     `json:"run"`
	Alerts []Alert `json:"alerts"`
}

// backTestNRTEvery is the window a back-test gives a near-real-time rule,
// which reads each row once whatever the window.
const backTestNRTEvery = time.Hour

// BackTest runs a rule over stored data as the scheduler would have from
// now-since to now, window by window, and returns each run with the alerts it
// would have raised. Nothing is saved. The rule is checked first.
func BackTest(ctx context.Context, st *storage.Store, r Rule, since time.Duration, now time.Time) ([]BackTestRun, error) {
	if _, err := r.Check(StorePlanner(st)); err != nil {
		return nil, err
	}
	every, back := r.every(), r.lookback()
	if r.Frequency == "nrt" {
		every, back = backTestNRTEvery, backTestNRTEvery
	}
	s := &State{Seen: map[string]SeenEvent{}, Seq: map[string]int64{}}
	var out []BackTestRun
	start := now.Add(-since)
	for to := start.Add(every); !to.After(now); to = to.Add(every) {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		from := to.Add(-back)
		if from.Before(start) {
			from = start
		}
		wall := time.Now()
		ev := evaluate(ctx, st, r.Query, from, to, timeoutFor(&r), MaxRowsPerRun)
		run := &Run{ID: s.nextID("run"), Rule: r.Name, Kind: "rule", Trigger: TriggerScheduled, From: from, To: to,
			Started: to, Elapsed: time.Since(wall), Status: ev.status, Reasons: ev.reasons, Rows: len(ev.rows), NextRun: to.Add(every)}
		var alerts []Alert
		if ev.err == nil {
			for _, a := range s.raise(&r, &ev, run, to) {
				alerts = append(alerts, *a)
			}
		}
		out = append(out, BackTestRun{Run: *run, Alerts: alerts})
	}
	return out, nil
}
