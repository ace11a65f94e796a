package detection

import (
	"fmt"
	"strings"
	"time"
)

// IncidentWindow is how close in time two alerts sharing an entity must be to
// join the same incident.
const IncidentWindow = 24 * time.Hour

// Incident groups alerts that share an impacted entity within IncidentWindow.
type Incident struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Severity string    `json:"severity"` // the highest of its alerts'
	Status   string    `json:"status"`   // active or resolved
	Alerts   []string  `json:"alerts"`
	Entities []Entity  `json:"entities"`
	First    time.Time `json:"first"`
	Last     time.Time `json:"last"`
	Created  time.Time `json:"created"`
}

// fileIncident puts an alert into the first active incident that has an alert
// sharing one of its entities within IncidentWindow, or into a new incident.
func (s *State) fileIncident(a *Alert) {
	byID := map[string]*Alert{}
	for _, x := range s.Alerts {
		byID[x.ID] = x
	}
	for _, in := range s.Incidents {
		if in.Status == "resolved" || in.First.Sub(a.Time) > IncidentWindow || a.Time.Sub(in.Last) > IncidentWindow {
			continue
		}
		for _, id := range in.Alerts {
			b := byID[id]
			if b == nil || absDur(b.Time.Sub(a.Time)) > IncidentWindow || !shareEntity(a, b) {
				continue
			}
			s.join(in, a)
			return
		}
	}
	in := &Incident{ID: s.nextID("inc"), Status: "active", Created: a.Created, First: a.Time, Last: a.Time, Severity: a.Severity}
	s.Incidents = append(s.Incidents, in)
	s.join(in, a)
}

func (s *State) join(in *Incident, a *Alert) {
	a.Incident = in.ID
	in.Alerts = append(in.Alerts, a.ID)
	if a.Time.Before(in.First) {
		in.First = a.Time
	}
	if a.Time.After(in.Last) {
		in.Last = a.Time
	}
	if severityRank(a.Severity) > severityRank(in.Severity) {
		in.Severity = a.Severity
	}
	for _, e := range a.Entities {
		if e.Value == "" {
			continue
		}
		dup := false
		for _, f := range in.Entities {
			if f.Type == e.Type && strings.EqualFold(f.Value, e.Value) {
				dup = true
				break
			}
		}
		if !dup {
			in.Entities = append(in.Entities, e)
		}
	}
	if len(in.Alerts) == 1 {
		in.Title = a.Title
	} else {
		first := a.Title
		for _, x := range s.Alerts {
			if x.ID == in.Alerts[0] {
				first = x.Title
				break
			}
		}
		in.Title = fmt.Sprintf("Multi-stage incident: %s, and %d more alert%s", first, len(in.Alerts)-1, map[bool]string{true: "", false: "s"}[len(in.Alerts) == 2])
	}
}

func shareEntity(a, b *Alert) bool {
	for _, e := range a.Entities {
		if e.Value == "" {
			continue
		}
		for _, f := range b.Entities {
			if e.Type == f.Type && strings.EqualFold(e.Value, f.Value) {
				return true
			}
		}
	}
	return false
}

func severityRank(s string) int {
	for i, x := range Severities {
		if x == s {
			return i
		}
	}
	return -1
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
