package detection

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/types"
)

// Rule is a custom detection rule as written in YAML.
type Rule struct {
	Name      string `yaml:"name" json:"name"`
	Query     string `yaml:"query" json:"query"`
	Frequency string `yaml:"frequency" json:"frequency"` // nrt, 1h, 3h, 12h or 24h
	// Severity is informational, low, medium or high.
	Severity string   `yaml:"severity" json:"severity"`
	Category string   `yaml:"category" json:"category"`
	Mitre    []string `yaml:"mitre,omitempty" json:"mitre,omitempty"`
	// Title and Description may hold up to three {{Column}} placeholders each,
	// filled from the alert's first evidence row.
	Title              string   `yaml:"title" json:"title"`
	Description        string   `yaml:"description,omitempty" json:"description,omitempty"`
	RecommendedActions string   `yaml:"recommended_actions,omitempty" json:"recommended_actions,omitempty"`
	Entities           Entities `yaml:"entities" json:"entities"`
	// Actions are the response actions each alert proposes.
	Actions []ActionSpec `yaml:"actions,omitempty" json:"actions,omitempty"`
	// Disabled keeps an added rule from running on schedule.
	Disabled bool `yaml:"disabled,omitempty" json:"disabled,omitempty"`
}

// Entities names the columns that hold the impacted device, user and mailbox.
// At least one is set.
type Entities struct {
	Device  string `yaml:"device,omitempty" json:"device,omitempty"`
	User    string `yaml:"user,omitempty" json:"user,omitempty"`
	Mailbox string `yaml:"mailbox,omitempty" json:"mailbox,omitempty"`
}

// list gives the entity kinds and columns that are set, in a fixed order.
func (e Entities) list() [][2]string {
	var out [][2]string
	for _, p := range [][2]string{{"device", e.Device}, {"user", e.User}, {"mailbox", e.Mailbox}} {
		if p[1] != "" {
			out = append(out, p)
		}
	}
	return out
}

// ActionSpec is one response action and the column holding what it acts on.
type ActionSpec struct {
	Action string `yaml:"action" json:"action"`
	Column string `yaml:"column" json:"column"`
	// Options qualify the action: isolation (full or selective) for
	// isolate_device, folder (Inbox, JunkEmail or DeletedItems) for move_email,
	// type (soft or hard) for delete_email.
	Options map[string]string `yaml:"options,omitempty" json:"options,omitempty"`
}

// actionTargets says which entity each action acts on.
var actionTargets = map[string]string{
	"isolate_device":                "device",
	"collect_investigation_package": "device",
	"run_antivirus_scan":            "device",
	"restrict_app_execution":        "device",
	"quarantine_file":               "file",
	"disable_user":                  "user",
	"mark_user_compromised":         "user",
	"move_email":                    "email",
	"delete_email":                  "email",
}

// ActionNames lists the response actions a rule may take, sorted.
func ActionNames() []string {
	var out []string
	for k := range actionTargets {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Frequency is how often a rule runs and how far back each run reads.
type Frequency struct {
	Name     string
	Every    time.Duration // 0 for NRT
	Lookback time.Duration // 0 for NRT: the rows since the last run
}

// Frequencies are the schedules a rule may have, with Defender's lookbacks.
var Frequencies = []Frequency{
	{"nrt", 0, 0},
	{"1h", time.Hour, 4 * time.Hour},
	{"3h", 3 * time.Hour, 12 * time.Hour},
	{"12h", 12 * time.Hour, 48 * time.Hour},
	{"24h", 24 * time.Hour, 30 * 24 * time.Hour},
}

// NRTEvery is how often the scheduler runs near-real-time rules.
const NRTEvery = time.Minute

// ParseFrequency reads a frequency: nrt (or 0), 1h, 3h, 12h or 24h (or 1d).
func ParseFrequency(s string) (Frequency, error) {
	k := strings.ToLower(strings.TrimSpace(s))
	switch k {
	case "0", "continuous":
		k = "nrt"
	case "1d":
		k = "24h"
	}
	for _, f := range Frequencies {
		if f.Name == k {
			return f, nil
		}
	}
	return Frequency{}, fmt.Errorf("frequency %q is not valid: use nrt, 1h, 3h, 12h or 24h", s)
}

// Severities are the alert severities, lowest first.
var Severities = []string{"informational", "low", "medium", "high"}

// Categories are the alert categories, as Defender names them.
var Categories = []string{"Collection", "CommandAndControl", "CredentialAccess", "DefenseEvasion", "Discovery",
	"Execution", "Exfiltration", "Exploit", "InitialAccess", "LateralMovement", "Malware", "Persistence",
	"PrivilegeEscalation", "Ransomware", "SuspiciousActivity", "UnwantedSoftware"}

var (
	mitreRe       = regexp.MustCompile(`^T[0-9]{4}(\.[0-9]{3})?$`)
	placeholderRe = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)
)

// ParseRule reads one rule from YAML, refusing unknown fields.
func ParseRule(data []byte) (*Rule, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var r Rule
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("cannot read the rule: %v", err)
	}
	return &r, nil
}

// MarshalRule writes a rule as YAML.
func MarshalRule(r *Rule) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	enc.Close()
	return b.Bytes(), nil
}

// RuleError lists everything wrong with a rule.
type RuleError struct {
	Rule     string
	Problems []string
}

func (e *RuleError) Error() string {
	if len(e.Problems) == 1 {
		return fmt.Sprintf("rule %s: %s", e.Rule, e.Problems[0])
	}
	return fmt.Sprintf("rule %s:\n  - %s", e.Rule, strings.Join(e.Problems, "\n  - "))
}

// Check normalises a rule and checks it against its query's plan: its fields,
// and that the query returns Timestamp, the event key of its table, the entity
// columns, the columns its placeholders and actions name. It returns the
// columns the query returns.
func (r *Rule) Check(plan Planner) ([]planner.Column, error) {
	r.Name = strings.TrimSpace(r.Name)
	what := r.Name
	if what == "" {
		what = "(no name)"
	}
	var probs []string
	add := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }
	if err := CheckName("rule", r.Name); err != nil {
		add("%v", err)
	}
	freq, err := ParseFrequency(r.Frequency)
	if err != nil {
		add("%v", err)
	} else {
		r.Frequency = freq.Name
	}
	r.Severity = strings.ToLower(strings.TrimSpace(r.Severity))
	if !contains(Severities, r.Severity) {
		add("severity %q is not valid: use informational, low, medium or high", r.Severity)
	}
	if c, ok := lookupFold(Categories, r.Category); ok {
		r.Category = c
	} else {
		add("category %q is not valid: use one of %s", r.Category, strings.Join(Categories, ", "))
	}
	for i, m := range r.Mitre {
		m = strings.ToUpper(strings.TrimSpace(m))
		r.Mitre[i] = m
		if !mitreRe.MatchString(m) {
			add("MITRE technique %q is not valid: write it as T1234 or T1234.001", m)
		}
	}
	if strings.TrimSpace(r.Title) == "" {
		add("the alert needs a title")
	}
	if len(r.Entities.list()) == 0 {
		add("the rule names no impacted entity: set entities.device, entities.user or entities.mailbox to a column of the result")
	}
	for _, f := range []struct{ field, text string }{{"title", r.Title}, {"description", r.Description}} {
		if n := len(placeholderRe.FindAllString(f.text, -1)); n > 3 {
			add("the %s has %d placeholders; at most three {{Column}} placeholders are allowed", f.field, n)
		}
	}
	if strings.TrimSpace(r.Query) == "" {
		add("the rule has no query")
		return nil, &RuleError{what, probs}
	}
	p, err := plan(r.Query)
	if err != nil {
		qe := &QueryError{What: "rule " + what, Err: err}
		if len(probs) == 0 {
			return nil, qe
		}
		return nil, errors.Join(&RuleError{what, probs}, qe)
	}
	cols := p.Root.Columns()
	byName := map[string]planner.Column{}
	var names []string
	for _, c := range cols {
		byName[c.Name] = c
		names = append(names, c.Name)
	}
	returned := fmt.Sprintf("(it returns %s)", strings.Join(names, ", "))
	need := func(col, why string) {
		if _, ok := byName[col]; !ok {
			add("the query does not return %s, %s; add it to the query's output %s", col, why, returned)
		}
	}
	if c, ok := byName["Timestamp"]; !ok {
		need("Timestamp", "which every detection needs to place its events in time")
	} else if c.Type != types.Datetime {
		add("the query's Timestamp is %s; it must be a datetime", c.Type)
	}
	table := ""
	if sc := scans(p.Root); len(sc) > 0 {
		table = sc[0].Table
	}
	for _, k := range eventKey(table) {
		why := "which identifies each event"
		if table != "" {
			why = fmt.Sprintf("which with %s identifies each %s event", strings.Join(eventKey(table), " and "), table)
		}
		need(k, why)
	}
	for _, e := range r.Entities.list() {
		need(e[1], fmt.Sprintf("which the rule names as its impacted %s", e[0]))
	}
	for _, f := range []struct{ field, text string }{{"title", r.Title}, {"description", r.Description}} {
		for _, m := range placeholderRe.FindAllStringSubmatch(f.text, -1) {
			need(m[1], fmt.Sprintf("which the %s's placeholder {{%s}} names", f.field, m[1]))
		}
	}
	for _, a := range r.Actions {
		if _, ok := actionTargets[a.Action]; !ok {
			add("response action %q is not known: use one of %s", a.Action, strings.Join(ActionNames(), ", "))
			continue
		}
		if a.Column == "" {
			add("response action %s names no column to act on", a.Action)
			continue
		}
		need(a.Column, fmt.Sprintf("which response action %s acts on", a.Action))
	}
	if freq.Name == "nrt" {
		tables := map[string]bool{}
		for _, s := range scans(p.Root) {
			tables[s.Table] = true
		}
		switch {
		case len(tables) > 1:
			add("a near-real-time rule reads one table; this query reads %d", len(tables))
		case hasNode(p.Root, "Join", "Union") != "":
			add("a near-real-time rule cannot use %s", strings.ToLower(hasNode(p.Root, "Join", "Union")))
		case externaldataRe.MatchString(r.Query):
			add("a near-real-time rule cannot use externaldata")
		}
	}
	if len(probs) > 0 {
		return cols, &RuleError{what, probs}
	}
	return cols, nil
}

// Lookback is how far back a run of the rule reads.
func (r *Rule) lookback() time.Duration {
	f, _ := ParseFrequency(r.Frequency)
	return f.Lookback
}

// every is the rule's interval (NRTEvery for NRT).
func (r *Rule) every() time.Duration {
	f, _ := ParseFrequency(r.Frequency)
	if f.Every == 0 {
		return NRTEvery
	}
	return f.Every
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func lookupFold(list []string, s string) (string, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return x, true
		}
	}
	return "", false
}
