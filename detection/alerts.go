package detection

import (
	"fmt"
	"strings"
)

// ListAlerts returns the alerts, newest first.
func (db *DB) ListAlerts() ([]Alert, error) {
	var out []Alert
	err := db.View(func(s *State) error {
		for i := len(s.Alerts) - 1; i >= 0; i-- {
			out = append(out, *s.Alerts[i])
		}
		return nil
	})
	return out, err
}

// GetAlert returns an alert.
func (db *DB) GetAlert(id string) (*Alert, error) {
	var out *Alert
	err := db.View(func(s *State) error {
		a := s.Alert(id)
		if a == nil {
			return fmt.Errorf("no alert %s; spoor alerts list shows them", id)
		}
		c := *a
		out = &c
		return nil
	})
	return out, err
}

// UpdateAlert sets an alert's status and classification (empty leaves one as
// it is). Resolving every alert of an incident resolves the incident.
func (db *DB) UpdateAlert(id, status, classification string) (*Alert, error) {
	status = normalise(status)
	classification = normalise(classification)
	if status != "" && !contains(AlertStatuses, status) {
		return nil, fmt.Errorf("status %q is not valid: use new, in-progress or resolved", status)
	}
	if classification != "" && !contains(Classifications, classification) {
		return nil, fmt.Errorf("classification %q is not valid: use true-positive, informational-expected or false-positive", classification)
	}
	var out *Alert
	err := db.Update(func(s *State) error {
		a := s.Alert(id)
		if a == nil {
			return fmt.Errorf("no alert %s; spoor alerts list shows them", id)
		}
		if status != "" {
			a.Status = status
		}
		if classification != "" {
			a.Classification = classification
		}
		if in := s.Incident(a.Incident); in != nil {
			resolved := true
			for _, aid := range in.Alerts {
				if x := s.Alert(aid); x != nil && x.Status != "resolved" {
					resolved = false
				}
			}
			if resolved {
				in.Status = "resolved"
			} else {
				in.Status = "active"
			}
		}
		c := *a
		out = &c
		return nil
	})
	return out, err
}

// normalise lower-cases a status or classification and accepts spaces or
// underscores for its dashes.
func normalise(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.NewReplacer(" ", "-", "_", "-").Replace(s)
}

// ListIncidents returns the incidents, newest first.
func (db *DB) ListIncidents() ([]Incident, error) {
	var out []Incident
	err := db.View(func(s *State) error {
		for i := len(s.Incidents) - 1; i >= 0; i-- {
			out = append(out, *s.Incidents[i])
		}
		return nil
	})
	return out, err
}

// GetIncident returns an incident and its alerts.
func (db *DB) GetIncident(id string) (*Incident, []Alert, error) {
	var in *Incident
	var alerts []Alert
	err := db.View(func(s *State) error {
		x := s.Incident(id)
		if x == nil {
			return fmt.Errorf("no incident %s; spoor incidents list shows them", id)
		}
		c := *x
		in = &c
		for _, aid := range x.Alerts {
			if a := s.Alert(aid); a != nil {
				alerts = append(alerts, *a)
			}
		}
		return nil
	})
	return in, alerts, err
}

// ListActions returns the actions, newest first.
func (db *DB) ListActions() ([]Action, error) {
	var out []Action
	err := db.View(func(s *State) error {
		for i := len(s.Actions) - 1; i >= 0; i-- {
			out = append(out, *s.Actions[i])
		}
		return nil
	})
	return out, err
}

// Config returns the action centre's integration.
func (db *DB) Config() (Config, error) {
	var out Config
	err := db.View(func(s *State) error { out = s.Config; return nil })
	return out, err
}
