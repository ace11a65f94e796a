package detection

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/spoorhq/spoor/storage"
)

// AddRule checks a rule and stores it, enabled unless it says disabled. A
// rule whose name is taken is refused unless replace is set; a replaced rule
// keeps its schedule and the events it has raised alerts for.
func (db *DB) AddRule(r Rule, plan Planner, now time.Time, replace bool) (*RuleRecord, error) {
	if _, err := r.Check(plan); err != nil {
		return nil, err
	}
	var out RuleRecord
	err := db.Update(func(s *State) error {
		old := s.Rule(r.Name)
		switch {
		case old != nil && !replace:
			return fmt.Errorf("a rule named %s exists; remove it first, or import with --replace", r.Name)
		case old != nil:
			old.Rule, old.Updated, old.Enabled = r, now, !r.Disabled
			out = *old
		default:
			rec := &RuleRecord{Rule: r, Enabled: !r.Disabled, Created: now, Updated: now}
			if rec.Enabled {
				rec.NextRun = now
			}
			s.Rules = append(s.Rules, rec)
			out = *rec
		}
		sort.Slice(s.Rules, func(i, j int) bool { return s.Rules[i].Rule.Name < s.Rules[j].Rule.Name })
		return nil
	})
	return &out, err
}

// SetEnabled turns a rule on or off. A rule turned on runs at once over its
// lookback, as a new one does.
func (db *DB) SetEnabled(name string, on bool, now time.Time) error {
	return db.Update(func(s *State) error {
		rec := s.Rule(name)
		if rec == nil {
			return notFound("rule", name, ruleNames(s))
		}
		if rec.Enabled == on {
			return nil
		}
		rec.Enabled, rec.Rule.Disabled = on, !on
		if on {
			rec.LastEnd, rec.NextRun = time.Time{}, now
		} else {
			rec.NextRun = time.Time{}
		}
		return nil
	})
}

// RemoveRule deletes a rule and its runs. Its alerts stay.
func (db *DB) RemoveRule(name string) error {
	return db.Update(func(s *State) error {
		for i, r := range s.Rules {
			if r.Rule.Name == name {
				s.Rules = append(s.Rules[:i], s.Rules[i+1:]...)
				kept := s.Runs[:0]
				for _, run := range s.Runs {
					if !(run.Kind == "rule" && run.Rule == name) {
						kept = append(kept, run)
					}
				}
				s.Runs = kept
				return nil
			}
		}
		return notFound("rule", name, ruleNames(s))
	})
}

// GetRule returns a copy of a rule's record.
func (db *DB) GetRule(name string) (*RuleRecord, error) {
	var out *RuleRecord
	err := db.View(func(s *State) error {
		rec := s.Rule(name)
		if rec == nil {
			return notFound("rule", name, ruleNames(s))
		}
		c := *rec
		out = &c
		return nil
	})
	return out, err
}

// ListRules returns the rules, by name.
func (db *DB) ListRules() ([]RuleRecord, error) {
	var out []RuleRecord
	err := db.View(func(s *State) error {
		for _, r := range s.Rules {
			out = append(out, *r)
		}
		return nil
	})
	return out, err
}

// History returns a rule's runs, oldest first.
func (db *DB) History(name string) ([]Run, error) {
	var out []Run
	err := db.View(func(s *State) error {
		if s.Rule(name) == nil && s.SavedQuery(name) == nil {
			return notFound("rule", name, ruleNames(s))
		}
		for _, r := range s.RunsOf(name) {
			out = append(out, *r)
		}
		return nil
	})
	return out, err
}

// ManualNRTLookback is how far back a near-real-time rule reads when it is
// run by hand.
const ManualNRTLookback = time.Hour

// RunNow runs a rule at once over the lookback ending at now (zero lookback:
// the rule's own; ManualNRTLookback for NRT), outside its schedule. Events it
// has raised alerts for are not raised again.
func (db *DB) RunNow(ctx context.Context, st *storage.Store, name string, now time.Time, lookback time.Duration) (*Run, []Alert, error) {
	rec, err := db.GetRule(name)
	if err != nil {
		return nil, nil, err
	}
	back := lookback
	if back <= 0 {
		back = rec.Rule.lookback()
	}
	if back == 0 {
		back = ManualNRTLookback
	}
	wall := time.Now
	run, err := db.execRule(ctx, st, rec.Rule, now.Add(-back), now, TriggerManual, 0, wall, func(s *State, rec *RuleRecord, run *Run) {
		run.NextRun = rec.NextRun
	})
	if err != nil {
		return nil, nil, err
	}
	var alerts []Alert
	err = db.View(func(s *State) error {
		for _, a := range s.Alerts {
			if a.Run == run.ID {
				alerts = append(alerts, *a)
			}
		}
		return nil
	})
	return run, alerts, err
}

func ruleNames(s *State) []string {
	var out []string
	for _, r := range s.Rules {
		out = append(out, r.Rule.Name)
	}
	return out
}
