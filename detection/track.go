package detection

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/spoorhq/spoor/storage"
)

// TrackEvery is how often a tracked query is counted, and the window each
// count covers.
const TrackEvery = 24 * time.Hour

// trackMaxRows bounds the rows a tracked query's count reads.
const trackMaxRows = 1_000_000

// TrackPoint is one count of a tracked query: the rows it returned over a day.
type TrackPoint struct {
	Query  string    `json:"query"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	Count  int       `json:"count"`
	Status string    `json:"status"`
	Reason string    `json:"reason,omitempty"`
}

// countDay counts a tracked query over [from, to) and records the count and
// the run.
func (db *DB) countDay(ctx context.Context, st *storage.Store, q SavedQuery, from, to time.Time, trigger string, missed int,
	wall func() time.Time, advance bool) (*Run, error) {
	started := wall()
	ev := evaluate(ctx, st, q.Query, from, to, 10*time.Minute, trackMaxRows)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	run := &Run{Rule: q.Name, Kind: "tracked", Trigger: trigger, From: from, To: to, Started: started,
		Elapsed: wall().Sub(started), Status: ev.status, Reasons: ev.reasons, Rows: len(ev.rows), Missed: missed}
	err := db.Update(func(s *State) error {
		cur := s.SavedQuery(q.Name)
		if cur == nil {
			return nil // removed while it ran
		}
		run.ID = s.nextID("run")
		p := &TrackPoint{Query: q.Name, From: from, To: to, Count: len(ev.rows), Status: ev.status, Reason: strings.Join(ev.reasons, "; ")}
		replaced := false
		for i, old := range s.Tracked {
			if old.Query == q.Name && old.To.Equal(to) {
				s.Tracked[i], replaced = p, true
			}
		}
		if !replaced {
			s.Tracked = append(s.Tracked, p)
		}
		sort.SliceStable(s.Tracked, func(i, j int) bool {
			if s.Tracked[i].Query != s.Tracked[j].Query {
				return s.Tracked[i].Query < s.Tracked[j].Query
			}
			return s.Tracked[i].To.Before(s.Tracked[j].To)
		})
		if advance {
			if cur.TrackEnd.Before(to) {
				cur.TrackEnd = to
			}
			if cur.Tracked {
				cur.TrackNext = cur.TrackEnd.Add(TrackEvery)
			}
			run.NextRun = cur.TrackNext
		}
		s.recordRun(run)
		return nil
	})
	return run, err
}

// trackDue counts a tracked query for each day window due at now: the first
// at once, then one a day; after a gap each missed day is counted once.
func (db *DB) trackDue(ctx context.Context, st *storage.Store, name string, now time.Time, wall func() time.Time) ([]*Run, error) {
	q, err := db.GetSaved(name)
	if err != nil || !q.Tracked {
		return nil, nil
	}
	if q.TrackEnd.IsZero() {
		r, err := db.countDay(ctx, st, *q, now.Add(-TrackEvery), now, TriggerFirst, 0, wall, true)
		return []*Run{r}, err
	}
	var runs []*Run
	end := q.TrackEnd
	n := int(now.Sub(end) / TrackEvery)
	if n > 30 {
		end = end.Add(time.Duration(n-30) * TrackEvery)
		n = 30
	}
	for i := 1; i <= n; i++ {
		to := end.Add(time.Duration(i) * TrackEvery)
		trigger := TriggerScheduled
		if n > 1 {
			trigger = TriggerCatchUp
		}
		r, err := db.countDay(ctx, st, *q, to.Add(-TrackEvery), to, trigger, 0, wall, true)
		if err != nil {
			return runs, err
		}
		runs = append(runs, r)
	}
	return runs, nil
}

// Track marks a saved query tracked and counts it at once over the last day
// and the backfill days before it, so that its trend shows from the start.
// The scheduler counts it daily from then on.
func (db *DB) Track(ctx context.Context, st *storage.Store, name string, backfill int, now time.Time) error {
	if err := db.SetTracked(name, true); err != nil {
		return err
	}
	q, err := db.GetSaved(name)
	if err != nil {
		return err
	}
	for i := backfill; i >= 1; i-- {
		to := now.Add(-time.Duration(i) * TrackEvery)
		if _, err := db.countDay(ctx, st, *q, to.Add(-TrackEvery), to, TriggerBackfill, 0, time.Now, false); err != nil {
			return err
		}
	}
	if q.TrackEnd.IsZero() {
		_, err = db.countDay(ctx, st, *q, now.Add(-TrackEvery), now, TriggerFirst, 0, time.Now, true)
	}
	return err
}

// Trend is a tracked query's counts, as spoor track shows them.
type Trend struct {
	Query string `json:"query"`
	// Today is the latest day's count, PriorDay the one before; PriorWeek is
	// the average of the up to seven days before the latest.
	Today     *int     `json:"today"`
	PriorDay  *int     `json:"prior_day"`
	PriorWeek *float64 `json:"prior_week_average"`
	// Change is Today against PriorWeek in percent (nil without both).
	Change  *float64     `json:"change_percent"`
	History []TrackPoint `json:"history"`
	LastRun time.Time    `json:"last_run,omitzero"`
	NextRun time.Time    `json:"next_run,omitzero"`
}

// Trends returns the trend of each tracked query.
func (db *DB) Trends() ([]Trend, error) {
	var out []Trend
	err := db.View(func(s *State) error {
		for _, q := range s.Saved {
			if !q.Tracked {
				continue
			}
			t := Trend{Query: q.Name, NextRun: q.TrackNext, LastRun: q.TrackEnd}
			for _, p := range s.Tracked {
				if p.Query == q.Name {
					t.History = append(t.History, *p)
				}
			}
			h := t.History
			if n := len(h); n > 0 {
				t.Today = &h[n-1].Count
				if n > 1 {
					t.PriorDay = &h[n-2].Count
					week := h[max(0, n-8) : n-1]
					sum := 0
					for _, p := range week {
						sum += p.Count
					}
					avg := float64(sum) / float64(len(week))
					t.PriorWeek = &avg
					if avg > 0 {
						c := (float64(*t.Today) - avg) / avg * 100
						c = math.Round(c*10) / 10
						t.Change = &c
					}
				}
			}
			out = append(out, t)
		}
		return nil
	})
	return out, err
}

// Sparkline draws counts as a line of block characters, low to high.
func Sparkline(counts []int) string {
	const bars = "▁▂▃▄▅▆▇█"
	runes := []rune(bars)
	lo, hi := math.MaxInt, math.MinInt
	for _, c := range counts {
		lo, hi = min(lo, c), max(hi, c)
	}
	var b strings.Builder
	for _, c := range counts {
		i := 0
		if hi > lo {
			i = (c - lo) * (len(runes) - 1) / (hi - lo)
		}
		b.WriteRune(runes[i])
	}
	return b.String()
}

// FormatTrend is the trend in words: "+12.5% against the prior week", "flat".
func (t Trend) FormatTrend() string {
	switch {
	case t.Change == nil && t.PriorWeek != nil && *t.PriorWeek == 0 && t.Today != nil && *t.Today > 0:
		return "new: none in the prior week"
	case t.Change == nil:
		return "-"
	case *t.Change == 0:
		return "flat against the prior week"
	}
	return fmt.Sprintf("%+.1f%% against the prior week", *t.Change)
}
