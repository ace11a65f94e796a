package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/samples"
)

// sampleResult is one sample's line in spoor samples --run --json.
type sampleResult struct {
	Name       string   `json:"name"`
	Tactic     string   `json:"tactic"`
	Title      string   `json:"title"`
	Techniques []string `json:"mitre"`
	Tables     []string `json:"tables"`
	Ran        bool     `json:"ran"`
	Rows       int      `json:"rows"`
	Error      string   `json:"error,omitempty"`
	ElapsedMs  float64  `json:"elapsed_ms"`
	result     *engine.Result
}

type samplesReport struct {
	Total    int            `json:"total"`
	Ran      int            `json:"ran"`
	Nonempty int            `json:"nonempty"`
	Samples  []sampleResult `json:"samples"`
}

func runSamples(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("samples", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", defaultDataDir(), "the store to run them against, with --run")
	run := fs.Bool("run", false, "run each sample and report its rows")
	jsonOut := fs.Bool("json", false, "print a JSON report")
	show := fs.Bool("show", false, "print the samples' text")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: spoor samples [--run [--data DIR]] [--json] [--show] [NAME...]

Lists the built-in sample hunts, grouped by MITRE tactic. With --run, runs each
against the store and reports its rows; with --json, prints total, ran, nonempty
and each sample's result. Names select samples; --show prints their text.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	all, err := samples.All()
	if err != nil {
		fmt.Fprintf(stderr, "spoor samples: %v\n", err)
		return 1
	}
	chosen := all
	if fs.NArg() > 0 {
		chosen = nil
		for _, name := range fs.Args() {
			s, ok := samples.Lookup(name)
			if !ok {
				fmt.Fprintf(stderr, "spoor samples: no sample named %q\n", name)
				return 2
			}
			chosen = append(chosen, s)
		}
	}
	if *show {
		for _, s := range chosen {
			fmt.Fprintf(stdout, "// %s/%s\n%s\n", s.Tactic, s.Name, strings.TrimRight(s.Query, "\n"))
		}
		return 0
	}
	var eng *engine.Engine
	if *run {
		if eng, err = openEngine(*data); err != nil {
			fmt.Fprintf(stderr, "spoor samples: %v\n", err)
			return 1
		}
		defer eng.Store().Close()
	}
	rep := runSampleSet(eng, chosen)
	if *jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "spoor samples: %v\n", err)
			return 1
		}
	} else {
		tactic := ""
		for _, r := range rep.Samples {
			if r.Tactic != tactic {
				tactic = r.Tactic
				fmt.Fprintf(stdout, "%s\n", tactic)
			}
			line := fmt.Sprintf("  %-40s %-12s %s", r.Name, strings.Join(r.Techniques, ","), r.Title)
			if *run {
				switch {
				case r.Error != "":
					line += "\n      error: " + r.Error
				default:
					line += fmt.Sprintf("\n      %d row%s in %.1f ms", r.Rows, plural(r.Rows), r.ElapsedMs)
				}
			}
			fmt.Fprintln(stdout, line)
		}
		if *run {
			fmt.Fprintf(stdout, "%d samples: %d ran, %d returned rows\n", rep.Total, rep.Ran, rep.Nonempty)
		} else {
			fmt.Fprintf(stdout, "%d samples; run one with: spoor samples --run NAME (or --show NAME to read it)\n", rep.Total)
		}
	}
	if *run && rep.Ran < rep.Total {
		return 1
	}
	return 0
}

// runSampleSet runs samples against an engine (nil: lists them only).
func runSampleSet(eng *engine.Engine, set []samples.Sample) *samplesReport {
	rep := &samplesReport{Total: len(set), Samples: []sampleResult{}}
	for _, s := range set {
		r := sampleResult{Name: s.Name, Tactic: s.Tactic, Title: s.Title, Techniques: s.Techniques, Tables: s.Tables}
		if eng != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			start := time.Now()
			res, err := eng.Query(ctx, s.Query, engine.Options{})
			cancel()
			r.ElapsedMs = float64(time.Since(start).Microseconds()) / 1000
			if err != nil {
				r.Error = strings.ReplaceAll(err.Error(), "\n", " ")
			} else {
				r.Ran, r.Rows, r.result = true, len(res.Rows), res
				rep.Ran++
				if r.Rows > 0 {
					rep.Nonempty++
				}
			}
		}
		rep.Samples = append(rep.Samples, r)
	}
	return rep
}
