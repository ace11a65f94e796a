// Command spoor is the Spoor binary. Each subcommand wires packages together; the work
// itself lives in the packages.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/spoorhq/spoor/engine"
)

// command is one subcommand. run gets the arguments after the subcommand's name and
// returns the exit status: 0 for success, 1 for failure, 2 for a usage error.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

var commands = []command{
	{"actions", "the action centre: approve or reject the response actions rules propose", runActions},
	{"alerts", "list, show and triage the alerts detection rules raised", runAlerts},
	{"check", "parse query files and corpora and report what fails", runCheck},
	{"conformance", "run KQL conformance cases and compare results by value", runConformance},
	{"demo", "generate a demo store of synthetic telemetry and open the REPL", runDemo},
	{"gen", "generate synthetic Defender telemetry with hidden attack stories", runGen},
	{"incidents", "list and show incidents: alerts grouped by shared entities", runIncidents},
	{"ingest", "load JSON lines or CSV files into a table", runIngest},
	{"query", "run a query or management command against a store", runQuery},
	{"repl", "open the interactive hunting terminal", runREPL},
	{"rules", "custom detection rules: add, run, back-test, import and export", runRules},
	{"samples", "list the built-in sample hunts, or run them against a store", runSamples},
	{"saved", "saved queries: add, list, show, run, track", runSaved},
	{"scheduler", "run detection rules and tracked queries on schedule, in the foreground", runScheduler},
	{"track", "tracked queries: today's count, the prior day's and the trend against the prior week", runTrack},
}

func main() {
	tuneGC()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// tuneGC trades memory for CPU: scans and aggregations allocate short-lived
// column data, and at Go's default GOGC the collector roughly doubles their CPU.
// A soft limit at twice the per-query memory budget (half the machine) makes the
// collector run earlier when memory is short. GOGC and GOMEMLIMIT override both.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(2 * engine.DefaultMemoryLimit())
	}
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		return help(args[1:], stdout, stderr)
	}
	if c := lookup(name); c != nil {
		return c.run(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "spoor: unknown command %q\n\n", name)
	usage(stderr)
	return 2
}

func lookup(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

// help prints the overview, or with a command name that command's flags, to stdout.
func help(args []string, stdout, stderr io.Writer) int {
	switch len(args) {
	case 0:
		usage(stdout)
		return 0
	case 1:
		if c := lookup(args[0]); c != nil {
			// Every command prints its usage for -h and returns 0.
			return c.run([]string{"-h"}, stdout, stdout)
		}
		fmt.Fprintf(stderr, "spoor help: unknown command %q\n\n", args[0])
	}
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprint(w, "Spoor is a KQL threat-hunting engine.\n\nUsage:\n\n  spoor <command> [arguments]\n\nCommands:\n\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\nRun 'spoor help <command>' for a command's flags.\n")
}
