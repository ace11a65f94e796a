package detection

import (
	"context"
	"time"

	"github.com/spoorhq/spoor/storage"
)

// Clock is the scheduler's time: the real one, or a simulated one in tests.
type Clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx ends.
	Sleep(ctx context.Context, d time.Duration)
}

// RealClock is the wall clock.
type RealClock struct{}

// Now is time.Now.
func (RealClock) Now() time.Time { return time.Now() }

// Sleep waits for d or until ctx ends.
func (RealClock) Sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// MaxCatchUp is how far back a catch-up run reads at most.
const MaxCatchUp = 30 * 24 * time.Hour

// Scheduler runs the enabled rules and the tracked queries on time.
//
// A rule's first run happens at once, over its lookback. Each later window
// ends Every after the one before. A window whose time has come runs once:
// its end is recorded when it has run, and no window ending at or before it
// runs again. When the scheduler was down past one or more windows, one
// catch-up run stands for all of them, reading from the end of the last run
// window (or the lookback, when that reaches further back) to the latest
// window's end; the schedule then goes on from there.
type Scheduler struct {
	DB    *DB
	Store *storage.Store
	Clock Clock
	// Wall measures how long runs take (nil: the Clock).
	Wall func() time.Time
	// OnRun, when set, is called after each run.
	OnRun func(run *Run)
}

// Tick runs everything due at the clock's time and returns the runs.
func (sc *Scheduler) Tick(ctx context.Context) ([]*Run, error) {
	now := sc.Clock.Now().UTC()
	type due struct {
		rule     Rule
		from, to time.Time
		trigger  string
		missed   int
	}
	var todo []due
	var tracked []SavedQuery
	if err := sc.DB.View(func(s *State) error {
		for _, rec := range s.Rules {
			if !rec.Enabled {
				continue
			}
			if d, ok := nextWindow(rec, now); ok {
				todo = append(todo, due{rec.Rule, d.from, d.to, d.trigger, d.missed})
			}
		}
		for _, q := range s.Saved {
			if q.Tracked {
				tracked = append(tracked, *q)
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	wall := sc.Wall
	if wall == nil {
		wall = sc.Clock.Now
	}
	var runs []*Run
	for _, d := range todo {
		if ctx.Err() != nil {
			return runs, ctx.Err()
		}
		every := d.rule.every()
		run, err := sc.DB.execRule(ctx, sc.Store, d.rule, d.from, d.to, d.trigger, d.missed, wall, func(s *State, rec *RuleRecord, run *Run) {
			// The rule may have been turned off or replaced while it ran: the
			// window still counts as run.
			if rec.LastEnd.Before(d.to) {
				rec.LastEnd = d.to
			}
			if rec.Enabled {
				rec.NextRun = rec.LastEnd.Add(every)
			}
			run.NextRun = rec.NextRun
		})
		if err != nil {
			return runs, err
		}
		runs = append(runs, run)
		if sc.OnRun != nil {
			sc.OnRun(run)
		}
	}
	for _, q := range tracked {
		trs, err := sc.DB.trackDue(ctx, sc.Store, q.Name, now, wall)
		if err != nil {
			return runs, err
		}
		for _, r := range trs {
			runs = append(runs, r)
			if sc.OnRun != nil {
				sc.OnRun(r)
			}
		}
	}
	return runs, nil
}

// window is one run the scheduler owes a rule.
type window struct {
	from, to time.Time
	trigger  string
	missed   int
}

// nextWindow says whether a rule has a window due at now, and which.
func nextWindow(rec *RuleRecord, now time.Time) (window, bool) {
	every := rec.Rule.every()
	back := rec.Rule.lookback()
	if rec.LastEnd.IsZero() {
		if back == 0 {
			back = every
		}
		return window{from: now.Add(-back), to: now, trigger: TriggerFirst}, true
	}
	next := rec.LastEnd.Add(every)
	if now.Before(next) {
		return window{}, false
	}
	n := int(now.Sub(rec.LastEnd) / every) // windows due: 1 on time, more after a gap
	to := rec.LastEnd.Add(time.Duration(n) * every)
	from := rec.LastEnd
	if back > 0 && to.Add(-back).Before(from) {
		from = to.Add(-back)
	}
	if to.Sub(from) > MaxCatchUp {
		from = to.Add(-MaxCatchUp)
	}
	w := window{from: from, to: to, trigger: TriggerScheduled}
	if n > 1 {
		w.trigger, w.missed = TriggerCatchUp, n-1
	}
	return w, true
}

// Next is when the scheduler has something to do next, at the latest after
// NRTEvery.
func (sc *Scheduler) Next() time.Time {
	now := sc.Clock.Now().UTC()
	next := now.Add(NRTEvery)
	sc.DB.View(func(s *State) error {
		for _, rec := range s.Rules {
			if rec.Enabled && !rec.NextRun.IsZero() && rec.NextRun.Before(next) {
				next = rec.NextRun
			}
		}
		for _, q := range s.Saved {
			if q.Tracked && !q.TrackNext.IsZero() && q.TrackNext.Before(next) {
				next = q.TrackNext
			}
		}
		return nil
	})
	if next.Before(now) {
		next = now
	}
	return next
}

// Run ticks until ctx ends, sleeping between ticks until the next thing is
// due. A failed tick is reported to onErr and retried after NRTEvery.
func (sc *Scheduler) Run(ctx context.Context, onErr func(error)) error {
	for ctx.Err() == nil {
		if _, err := sc.Tick(ctx); err != nil && ctx.Err() == nil {
			if onErr != nil {
				onErr(err)
			}
			sc.Clock.Sleep(ctx, NRTEvery)
			continue
		}
		d := sc.Next().Sub(sc.Clock.Now())
		if d <= 0 {
			d = time.Second
		}
		sc.Clock.Sleep(ctx, d)
	}
	return nil
}
