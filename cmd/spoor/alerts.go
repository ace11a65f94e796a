package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spoorhq/spoor/detection"
)

func runAlerts(args []string, stdout, stderr io.Writer) int {
	return runVerbs("alerts", "Alerts raised by detection rules.",
		[]subcommand{
			{"list", "", "list alerts, newest first", alertsList},
			{"show", "ID", "an alert with its evidence", alertsShow},
			{"update", "ID [--status S] [--classification C]", "set an alert's status and classification", alertsUpdate},
		}, args, stdout, stderr)
}

func alertsList(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("alerts list", "alerts list [--json] [--rule NAME] [--status S]", stderr)
	jsonOut := fs.Bool("json", false, "print JSON")
	rule := fs.String("rule", "", "only this rule's alerts")
	status := fs.String("status", "", "only alerts with this status (new, in-progress, resolved)")
	if _, st, ok := parseInterleaved(fs, args); !ok {
		return st
	}
	db, err := detection.Open(*data)
	if err != nil {
		return fail(stderr, "alerts list", err)
	}
	all, err := db.ListAlerts()
	if err != nil {
		return fail(stderr, "alerts list", err)
	}
	out := []detection.Alert{}
	for _, a := range all {
		if (*rule == "" || a.Rule == *rule) && (*status == "" || a.Status == *status) {
			out = append(out, a)
		}
	}
	if *jsonOut {
		return printJSON(stdout, out)
	}
	if len(out) == 0 {
		fmt.Fprintln(stderr, "no alerts")
		return 0
	}
	tw := newTable(stdout)
	fmt.Fprintln(tw, "ID\tTIME\tSEVERITY\tSTATUS\tINCIDENT\tRULE\tTITLE\tENTITIES")
	for _, a := range out {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", a.ID, timeOrDash(a.Time), a.Severity, a.Status, a.Incident, a.Rule, a.Title, entityText(a.Entities))
	}
	tw.Flush()
	return 0
}

func alertsShow(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("alerts show", "alerts show ID [--json]", stderr)
	jsonOut := fs.Bool("json", false, "print JSON")
	pos, db, st, ok := parseOpen(fs, data, args, 1, "alerts show", stderr)
	if !ok {
		return st
	}
	a, err := db.GetAlert(pos[0])
	if err != nil {
		return fail(stderr, "alerts show", err)
	}
	if *jsonOut {
		return printJSON(stdout, a)
	}
	fmt.Fprintf(stdout, "%s  %s\n\nseverity:       %s\ncategory:       %s\nMITRE:          %s\nstatus:         %s\nclassification: %s\nrule:           %s\nincident:       %s\ntime:           %s\nentities:       %s\n",
		a.ID, a.Title, a.Severity, a.Category, strings.Join(a.Mitre, ", "), a.Status, orDash(a.Classification), a.Rule, a.Incident,
		a.Time.Format(time.RFC3339), entityText(a.Entities))
	if a.Description != "" {
		fmt.Fprintf(stdout, "\n%s\n", a.Description)
	}
	if a.RecommendedActions != "" {
		fmt.Fprintf(stdout, "\nRecommended actions: %s\n", a.RecommendedActions)
	}
	fmt.Fprintf(stdout, "\nEvidence (%d row%s):\n", len(a.Evidence.Rows), plural(len(a.Evidence.Rows)))
	for i, row := range a.Evidence.Rows {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		for j, v := range row {
			if j < len(a.Evidence.Columns) {
				fmt.Fprintf(stdout, "  %-28s %s\n", a.Evidence.Columns[j], rawText(v))
			}
		}
	}
	return 0
}

// rawText shows a JSON value: strings without their quotes.
func rawText(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	return string(v)
}

func alertsUpdate(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("alerts update", "alerts update ID... [--status new|in-progress|resolved] [--classification true-positive|informational-expected|false-positive] [--json]", stderr)
	status := fs.String("status", "", "new, in-progress or resolved")
	class := fs.String("classification", "", "true-positive, informational-expected or false-positive")
	jsonOut := fs.Bool("json", false, "print the updated alerts as JSON")
	pos, st, ok := parseInterleaved(fs, args)
	if !ok {
		return st
	}
	if len(pos) == 0 || (*status == "" && *class == "") {
		fs.Usage()
		return 2
	}
	db, err := detection.Open(*data)
	if err != nil {
		return fail(stderr, "alerts update", err)
	}
	var out []*detection.Alert
	for _, id := range pos {
		a, err := db.UpdateAlert(id, *status, *class)
		if err != nil {
			return fail(stderr, "alerts update", err)
		}
		out = append(out, a)
	}
	if *jsonOut {
		return printJSON(stdout, out)
	}
	for _, a := range out {
		fmt.Fprintf(stdout, "%s: %s, %s\n", a.ID, a.Status, orDash(a.Classification))
	}
	return 0
}

func runIncidents(args []string, stdout, stderr io.Writer) int {
	return runVerbs("incidents", "Incidents: alerts that share an impacted entity within 24 hours.",
		[]subcommand{
			{"list", "", "list incidents, newest first", incidentsList},
			{"show", "ID", "an incident and its alerts", incidentsShow},
		}, args, stdout, stderr)
}

func incidentsList(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("incidents list", "incidents list [--json]", stderr)
	jsonOut := fs.Bool("json", false, "print JSON")
	if _, st, ok := parseInterleaved(fs, args); !ok {
		return st
	}
	db, err := detection.Open(*data)
	if err != nil {
		return fail(stderr, "incidents list", err)
	}
	out, err := db.ListIncidents()
	if err != nil {
		return fail(stderr, "incidents list", err)
	}
	if out == nil {
		out = []detection.Incident{}
	}
	if *jsonOut {
		return printJSON(stdout, out)
	}
	if len(out) == 0 {
		fmt.Fprintln(stderr, "no incidents")
		return 0
	}
	tw := newTable(stdout)
	fmt.Fprintln(tw, "ID\tSEVERITY\tSTATUS\tALERTS\tFIRST\tLAST\tTITLE")
	for _, in := range out {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", in.ID, in.Severity, in.Status, len(in.Alerts), timeOrDash(in.First), timeOrDash(in.Last), in.Title)
	}
	tw.Flush()
	return 0
}

func incidentsShow(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("incidents show", "incidents show ID [--json]", stderr)
	jsonOut := fs.Bool("json", false, "print JSON")
	pos, db, st, ok := parseOpen(fs, data, args, 1, "incidents show", stderr)
	if !ok {
		return st
	}
	in, alerts, err := db.GetIncident(pos[0])
	if err != nil {
		return fail(stderr, "incidents show", err)
	}
	if *jsonOut {
		return printJSON(stdout, struct {
			*detection.Incident
			AlertDetails []detection.Alert `json:"alert_details"`
		}{in, alerts})
	}
	fmt.Fprintf(stdout, "%s  %s\n\nseverity: %s\nstatus:   %s\nfirst:    %s\nlast:     %s\nentities: %s\n\nAlerts:\n",
		in.ID, in.Title, in.Severity, in.Status, in.First.Format(time.RFC3339), in.Last.Format(time.RFC3339), entityText(in.Entities))
	for _, a := range alerts {
		fmt.Fprintf(stdout, "  %s  %s  %-13s %s  [%s]\n", a.ID, a.Time.Format(time.RFC3339), a.Severity, a.Title, entityText(a.Entities))
	}
	return 0
}

func runActions(args []string, stdout, stderr io.Writer) int {
	return runVerbs("actions", "The action centre: response actions that rules propose, approved or rejected by an analyst,\nand delivered to the configured integration.",
		[]subcommand{
			{"list", "", "list pending and past actions", actionsList},
			{"approve", "ID...|--all", "approve actions and deliver them", actionsApprove},
			{"reject", "ID...|--all", "reject actions", actionsReject},
			{"retry", "", "deliver again the approved actions not delivered", actionsRetry},
			{"config", "[--webhook URL] [--command CMD]", "show or set the integration", actionsConfig},
		}, args, stdout, stderr)
}

func actionsList(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("actions list", "actions list [--json] [--status pending|approved|rejected]", stderr)
	jsonOut := fs.Bool("json", false, "print JSON")
	status := fs.String("status", "", "only actions with this status")
	if _, st, ok := parseInterleaved(fs, args); !ok {
		return st
	}
	db, err := detection.Open(*data)
	if err != nil {
		return fail(stderr, "actions list", err)
	}
	all, err := db.ListActions()
	if err != nil {
		return fail(stderr, "actions list", err)
	}
	out := []detection.Action{}
	for _, a := range all {
		if *status == "" || a.Status == *status {
			out = append(out, a)
		}
	}
	if *jsonOut {
		return printJSON(stdout, out)
	}
	if len(out) == 0 {
		fmt.Fprintln(stderr, "no actions")
		return 0
	}
	tw := newTable(stdout)
	fmt.Fprintln(tw, "ID\tSTATUS\tACTION\tTARGET\tRULE\tALERTS\tDELIVERED\tOUTCOME")
	for _, a := range out {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s %s\t%s\t%s\t%v\t%s\n", a.ID, a.Status, a.Action, a.Entity, a.Target, a.Rule, strings.Join(a.Alerts, ","), a.Delivered, a.Outcome)
	}
	tw.Flush()
	return 0
}

func actionsApprove(args []string, stdout, stderr io.Writer) int {
	return actionsDecide(args, true, stdout, stderr)
}
func actionsReject(args []string, stdout, stderr io.Writer) int {
	return actionsDecide(args, false, stdout, stderr)
}

func actionsDecide(args []string, approve bool, stdout, stderr io.Writer) int {
	verb := "reject"
	if approve {
		verb = "approve"
	}
	fs, data := newFlags("actions "+verb, "actions "+verb+" (ID...|--all) [--json]", stderr)
	all := fs.Bool("all", false, "every pending action")
	jsonOut := fs.Bool("json", false, "print the decided actions as JSON")
	pos, st, ok := parseInterleaved(fs, args)
	if !ok {
		return st
	}
	if (len(pos) == 0) == !*all {
		fs.Usage()
		return 2
	}
	db, err := detection.Open(*data)
	if err != nil {
		return fail(stderr, "actions "+verb, err)
	}
	ctx, stop := signalContext()
	defer stop()
	decided, err := db.Decide(ctx, pos, *all, approve, time.Now().UTC())
	if err != nil {
		return fail(stderr, "actions "+verb, err)
	}
	// An approved action that was not delivered makes the exit status 1.
	status := 0
	for _, a := range decided {
		if approve && !a.Delivered {
			status = 1
		}
	}
	if *jsonOut {
		if decided == nil {
			decided = []detection.Action{}
		}
		return max(status, printJSON(stdout, decided))
	}
	if len(decided) == 0 {
		fmt.Fprintln(stderr, "no pending actions")
	}
	for _, a := range decided {
		fmt.Fprintf(stdout, "%s %s %s %s: %s\n", a.ID, a.Status, a.Action, a.Target, orDash(a.Outcome))
	}
	return status
}

func actionsRetry(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("actions retry", "actions retry", stderr)
	if _, st, ok := parseInterleaved(fs, args); !ok {
		return st
	}
	db, err := detection.Open(*data)
	if err != nil {
		return fail(stderr, "actions retry", err)
	}
	ctx, stop := signalContext()
	defer stop()
	done, err := db.Redeliver(ctx, time.Now().UTC())
	if err != nil {
		return fail(stderr, "actions retry", err)
	}
	status := 0
	for _, a := range done {
		fmt.Fprintf(stdout, "%s %s %s: %s\n", a.ID, a.Action, a.Target, a.Outcome)
		if !a.Delivered {
			status = 1
		}
	}
	if len(done) == 0 {
		fmt.Fprintln(stderr, "no approved action waits for delivery")
	}
	return status
}

func actionsConfig(args []string, stdout, stderr io.Writer) int {
	fs, data := newFlags("actions config", "actions config [--webhook URL] [--command CMD] [--clear] [--json]", stderr)
	webhook := fs.String("webhook", "", "POST each approved action as JSON to this URL")
	command := fs.String("command", "", "run this command (sh -c) with each approved action as JSON on its standard input")
	clear := fs.Bool("clear", false, "remove the integration")
	jsonOut := fs.Bool("json", false, "print JSON")
	if _, st, ok := parseInterleaved(fs, args); !ok {
		return st
	}
	if *webhook != "" && !strings.HasPrefix(*webhook, "http://") && !strings.HasPrefix(*webhook, "https://") {
		return fail(stderr, "actions config", fmt.Errorf("--webhook %q is not an http or https URL", *webhook))
	}
	db, err := detection.Open(*data)
	if err != nil {
		return fail(stderr, "actions config", err)
	}
	cfg, err := db.SetConfig(func(c *detection.Config) {
		if *clear {
			*c = detection.Config{}
		}
		if *webhook != "" {
			c.Webhook, c.Command = *webhook, ""
		}
		if *command != "" {
			c.Command, c.Webhook = *command, ""
		}
	})
	if err != nil {
		return fail(stderr, "actions config", err)
	}
	if *jsonOut {
		return printJSON(stdout, cfg)
	}
	switch {
	case cfg.Webhook != "":
		fmt.Fprintf(stdout, "approved actions are posted to %s\n", cfg.Webhook)
	case cfg.Command != "":
		fmt.Fprintf(stdout, "approved actions are given to the command %q\n", cfg.Command)
	default:
		fmt.Fprintln(stdout, "no integration: approved actions are recorded as not delivered")
	}
	return 0
}
