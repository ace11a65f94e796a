package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spoorhq/spoor/conformance"
	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/storage"
)

// conformanceFigures are one file's counts, for --json and floors.
type conformanceFigures struct {
	Total   int `json:"total"`
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
}

func (f *conformanceFigures) get(name string) (int, bool) {
	switch name {
	case "total":
		return f.Total, true
	case "passed":
		return f.Passed, true
	case "failed":
		return f.Failed, true
	case "skipped":
		return f.Skipped, true
	}
	return 0, false
}

func (f *conformanceFigures) summary() string {
	pct := 0.0
	if run := f.Total - f.Skipped; run > 0 {
		pct = 100 * float64(f.Passed) / float64(run)
	}
	return fmt.Sprintf("total %d, passed %d (%.1f%% of those run), failed %d, skipped %d", f.Total, f.Passed, pct, f.Failed, f.Skipped)
}

func (f *conformanceFigures) add(o conformance.Outcome) {
	f.Total++
	switch o.Status {
	case conformance.Passed:
		f.Passed++
	case conformance.Failed:
		f.Failed++
	case conformance.Skipped:
		f.Skipped++
	}
}

// conformanceReport is the --json output.
type conformanceReport struct {
	conformanceFigures
	Files    map[string]*conformanceFigures `json:"files"`
	Failures []conformance.Outcome          `json:"failures"`
	Skips    []conformance.Outcome          `json:"skips"`
}

func runConformance(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("conformance", flag.ContinueOnError)
	fl.SetOutput(stderr)
	jsonOut := fl.Bool("json", false, "print a JSON report instead of the failures")
	floor := fl.String("floor", "", "hold each file's figures to the floors in this `file`; the exit status reflects them")
	overrides := fl.String("overrides", "", "JSON-lines `file` of reviewed corrections to expectations found wrong")
	only := fl.String("id", "", "run only the case with this `id`")
	timeout := fl.Duration("timeout", 20*time.Second, "time allowed for each case")
	fl.Usage = func() {
		fmt.Fprint(stderr, `usage: spoor conformance [flags] FILE...

Runs KQL conformance cases (JSON lines with a query and its expected table) and
compares the results by value. Prints each failure with its id and a diff, then
"N passed, M failed". Cases are skipped only when they have no single right answer
(they read the clock or random numbers), need the python or r plugins, or need
tables they do not define.

Flags:
`)
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	files := fl.Args()
	if len(files) == 0 {
		fmt.Fprintln(stderr, "spoor conformance: no files given")
		fl.Usage()
		return 2
	}
	var bounds []bound
	if *floor != "" {
		var err error
		if bounds, err = readFloor(*floor, &conformanceFigures{}); err != nil {
			fmt.Fprintf(stderr, "spoor conformance: %v\n", err)
			return 2
		}
	}
	runner := &conformance.Runner{Timeout: *timeout}
	if *overrides != "" {
		o, err := conformance.ReadOverrides(*overrides)
		if err != nil {
			fmt.Fprintf(stderr, "spoor conformance: %v\n", err)
			return 2
		}
		runner.Overrides = o
	}
	// The cases define their own tables; the store only hosts the engine.
	dir, err := os.MkdirTemp("", "spoor-conformance-")
	if err != nil {
		fmt.Fprintf(stderr, "spoor conformance: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	st, err := storage.Open(dir, storage.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "spoor conformance: %v\n", err)
		return 1
	}
	defer st.Close()
	runner.Engine = engine.New(st, nil)

	rep := conformanceReport{Files: map[string]*conformanceFigures{}, Failures: []conformance.Outcome{}, Skips: []conformance.Outcome{}}
	var stems []string
	for _, file := range files {
		cases, err := conformance.ReadFile(file)
		if err != nil {
			fmt.Fprintf(stderr, "spoor conformance: %v\n", err)
			return 2
		}
		stem := conformance.Stem(file)
		fig := rep.Files[stem]
		if fig == nil {
			fig = &conformanceFigures{}
			rep.Files[stem] = fig
			stems = append(stems, stem)
		}
		for _, c := range cases {
			if *only != "" && c.ID != *only {
				continue
			}
			o := runner.Run(c)
			fig.add(o)
			rep.add(o)
			switch o.Status {
			case conformance.Failed:
				rep.Failures = append(rep.Failures, o)
				if !*jsonOut {
					fmt.Fprintf(stdout, "FAIL %s: %s\n%s\n", o.ID, o.Reason, indent(o.Query, "  | "))
					if o.Diff != "" {
						fmt.Fprintln(stdout, o.Diff)
					}
				}
			case conformance.Skipped:
				rep.Skips = append(rep.Skips, o)
			}
		}
	}
	if *jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "spoor conformance: %v\n", err)
			return 1
		}
	} else {
		for _, s := range stems {
			fmt.Fprintf(stdout, "%s: %s\n", s, rep.Files[s].summary())
		}
		fmt.Fprintf(stdout, "%d passed, %d failed, %d skipped\n", rep.Passed, rep.Failed, rep.Skipped)
	}
	if *floor != "" {
		if !checkFloor(stderr, "conformance", *floor, bounds, stems, rep.Files) {
			return 1
		}
		return 0
	}
	if rep.Failed > 0 {
		return 1
	}
	return 0
}
