package detection

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"time"

	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/types"
)

// Action statuses.
const (
	ActionPending  = "pending"
	ActionApproved = "approved"
	ActionRejected = "rejected"
)

// Action is a response action a rule proposed, waiting for an analyst or
// decided.
type Action struct {
	ID      string            `json:"id"`
	Action  string            `json:"action"`
	Entity  string            `json:"entity"` // device, user, file or email
	Column  string            `json:"column"`
	Target  string            `json:"target"`
	Options map[string]string `json:"options,omitempty"`
	Rule    string            `json:"rule"`
	Alerts  []string          `json:"alerts"`
	Status  string            `json:"status"`
	Created time.Time         `json:"created"`
	Decided time.Time         `json:"decided,omitzero"`
	// Delivered says the integration accepted the approved action; Outcome
	// says what it answered, or why it was not delivered.
	Delivered   bool      `json:"delivered"`
	DeliveredAt time.Time `json:"delivered_at,omitzero"`
	Outcome     string    `json:"outcome,omitempty"`
}

// proposeActions adds the rule's actions for an alert, one pending action per
// action and target: a later alert on the same target joins the pending one.
func (s *State) proposeActions(rule *Rule, a *Alert, row []types.Value, cols []planner.Column, now time.Time) {
	for _, spec := range rule.Actions {
		target := formatCell(row, cols, spec.Column)
		if target == "" {
			continue
		}
		var found *Action
		for _, x := range s.Actions {
			if x.Status == ActionPending && x.Action == spec.Action && x.Target == target {
				found = x
				break
			}
		}
		if found != nil {
			found.Alerts = append(found.Alerts, a.ID)
			continue
		}
		s.Actions = append(s.Actions, &Action{ID: s.nextID("act"), Action: spec.Action, Entity: actionTargets[spec.Action],
			Column: spec.Column, Target: target, Options: spec.Options, Rule: rule.Name, Alerts: []string{a.ID},
			Status: ActionPending, Created: now})
	}
}

// Decide approves or rejects pending actions (all of them with ids empty and
// all set) and delivers the approved ones to the configured integration. It
// returns the actions it decided.
func (db *DB) Decide(ctx context.Context, ids []string, all, approve bool, now time.Time) ([]Action, error) {
	var chosen []Action
	var cfg Config
	err := db.Update(func(s *State) error {
		cfg = s.Config
		want := map[string]bool{}
		for _, id := range ids {
			want[id] = true
		}
		for _, a := range s.Actions {
			if !all && !want[a.ID] {
				continue
			}
			if want[a.ID] && a.Status != ActionPending {
				return fmt.Errorf("action %s is %s already", a.ID, a.Status)
			}
			if a.Status != ActionPending {
				continue
			}
			delete(want, a.ID)
			a.Decided = now
			if approve {
				a.Status = ActionApproved
			} else {
				a.Status = ActionRejected
			}
			chosen = append(chosen, *a)
		}
		for id := range want {
			return fmt.Errorf("no action %s; spoor actions list shows them", id)
		}
		return nil
	})
	if err != nil || !approve {
		return chosen, err
	}
	for i := range chosen {
		deliver(ctx, cfg, &chosen[i], now)
	}
	err = db.Update(func(s *State) error {
		for _, c := range chosen {
			for _, a := range s.Actions {
				if a.ID == c.ID {
					a.Delivered, a.DeliveredAt, a.Outcome = c.Delivered, c.DeliveredAt, c.Outcome
				}
			}
		}
		return nil
	})
	return chosen, err
}

// Redeliver tries again to deliver approved actions that were not delivered.
func (db *DB) Redeliver(ctx context.Context, now time.Time) ([]Action, error) {
	var todo []Action
	var cfg Config
	if err := db.View(func(s *State) error {
		cfg = s.Config
		for _, a := range s.Actions {
			if a.Status == ActionApproved && !a.Delivered {
				todo = append(todo, *a)
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	for i := range todo {
		deliver(ctx, cfg, &todo[i], now)
	}
	err := db.Update(func(s *State) error {
		for _, c := range todo {
			for _, a := range s.Actions {
				if a.ID == c.ID {
					a.Delivered, a.DeliveredAt, a.Outcome = c.Delivered, c.DeliveredAt, c.Outcome
				}
			}
		}
		return nil
	})
	return todo, err
}

// deliver sends one approved action to the integration and records the
// outcome. Without an integration the action stays undelivered.
func deliver(ctx context.Context, cfg Config, a *Action, now time.Time) {
	body, _ := json.Marshal(a)
	switch {
	case cfg.Webhook != "":
		ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.Webhook, bytes.NewReader(body))
		if err != nil {
			a.Outcome = "not delivered: " + err.Error()
			return
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			a.Outcome = "not delivered: " + err.Error()
			return
		}
		defer resp.Body.Close()
		reply, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		a.Outcome = fmt.Sprintf("webhook answered %s", resp.Status)
		if r := strings.TrimSpace(string(reply)); r != "" {
			a.Outcome += ": " + r
		}
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			a.Delivered, a.DeliveredAt = true, now
		}
	case cfg.Command != "":
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "sh", "-c", cfg.Command)
		cmd.Stdin = bytes.NewReader(body)
		out, err := cmd.CombinedOutput()
		reply := strings.TrimSpace(string(out))
		if len(reply) > 512 {
			reply = reply[:512]
		}
		if err != nil {
			a.Outcome = fmt.Sprintf("command failed: %v", err)
		} else {
			a.Outcome = "command succeeded"
			a.Delivered, a.DeliveredAt = true, now
		}
		if reply != "" {
			a.Outcome += ": " + reply
		}
	default:
		a.Outcome = "not delivered: no integration is configured (spoor actions config --webhook URL or --command CMD)"
	}
}

// SetConfig changes the action centre's integration.
func (db *DB) SetConfig(fn func(c *Config)) (Config, error) {
	var out Config
	err := db.Update(func(s *State) error {
		fn(&s.Config)
		out = s.Config
		return nil
	})
	return out, err
}
