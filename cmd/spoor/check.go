package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/schema"
)

// Stages of spoor check, in the order a query goes through them. A failure names the
// stage it happened in.
const (
	stageRead   = "read"   // the input could not be read or a corpus line is malformed
	stageParse  = "parse"  // the query is not valid KQL
	stageFormat = "format" // the canonical text does not parse back to the same tree
	stageBind   = "bind"   // a name or type does not resolve against the catalog
	stageRun    = "run"    // the query failed while running against the store
)

// figures are the counts spoor check reports, both in --json output and against a
// --floor file. Their JSON names are the names a floor file uses.
type figures struct {
	Total             int `json:"total"`
	Parsed            int `json:"parsed"`
	Bound             int `json:"bound"`
	Ran               int `json:"ran"`
	Nonempty          int `json:"nonempty"`
	MissingTable      int `json:"missing_table"`
	RoundtripFailures int `json:"roundtrip_failures"`
}

func (f *figures) add(g figures) {
	f.Total += g.Total
	f.Parsed += g.Parsed
	f.Bound += g.Bound
	f.Ran += g.Ran
	f.Nonempty += g.Nonempty
	f.MissingTable += g.MissingTable
	f.RoundtripFailures += g.RoundtripFailures
}

// get returns the figure a floor file calls name.
// summary is the corpus's line in a floor report.
func (f *figures) summary() string {
	pct := 0.0
	if f.Total > 0 {
		pct = 100 * float64(f.Parsed) / float64(f.Total)
	}
	return fmt.Sprintf("total %d, parsed %d (%.1f%%), bound %d, roundtrip_failures %d", f.Total, f.Parsed, pct, f.Bound, f.RoundtripFailures)
}

func (f *figures) get(name string) (int, bool) {
	switch name {
	case "total":
		return f.Total, true
	case "parsed":
		return f.Parsed, true
	case "bound":
		return f.Bound, true
	case "ran":
		return f.Ran, true
	case "nonempty":
		return f.Nonempty, true
	case "missing_table":
		return f.MissingTable, true
	case "roundtrip_failures":
		return f.RoundtripFailures, true
	}
	return 0, false
}

// failure is one query that did not get through.
type failure struct {
	ID    string `json:"id"`
	Stage string `json:"stage"`
	Error string `json:"error"`
	// detail is shown under the failure with -v: the source line and a caret for a
	// syntax error, the canonical text for a round-trip failure.
	detail string
}

// report is the --json output.
type report struct {
	figures
	Failures []failure `json:"failures"`
}

// kqlCase is one query read from an input: a .kql file or one line of a corpus.
type kqlCase struct {
	id   string
	text string
	err  error // the input could not be read; text is empty
}

// syntax is the part of the parser that check uses. It is a parameter so that the
// command's own tests can drive every outcome with a stand-in.
type syntax[T any] struct {
	parse  func(text string) (T, error)
	format func(T) string
	equal  func(a, b T) bool
}

var kql = syntax[*parser.Query]{parse: parser.Parse, format: parser.Format, equal: parser.Equal}

type checkOptions struct {
	data      string
	parseOnly bool
	run       bool
	json      bool
	verbose   bool
	floor     string
}

// semantics binds and runs queries for check; nil when only syntax is checked.
type semantics struct {
	bind func(text string) error
	run  func(text string) (rows int, err error)
	done func()
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	return checkWith(kql, openSemantics, args, stdout, stderr)
}

// openSemantics binds against the store in data (or, without one, an empty
// catalog), and runs queries when run is set.
func openSemantics(data string, run bool) (*semantics, error) {
	if data == "" {
		if run {
			return nil, fmt.Errorf("--run needs --data DIR: a store to run against")
		}
		return &semantics{
			bind: func(text string) error {
				q, err := parser.Parse(text)
				if err != nil {
					return err
				}
				_, err = planner.Bind(q, builtinCatalog{}, planner.Options{})
				return err
			},
			done: func() {},
		}, nil
	}
	eng, err := openEngine(data)
	if err != nil {
		return nil, err
	}
	sem := &semantics{
		bind: func(text string) error { _, err := eng.Plan(text); return err },
		done: func() { eng.Store().Close() },
	}
	if run {
		sem.run = func(text string) (int, error) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res, err := eng.Query(ctx, text, engine.Options{MaxRows: 1000})
			if err != nil {
				return 0, err
			}
			return len(res.Rows), nil
		}
	}
	return sem, nil
}

// builtinCatalog holds the built-in tables only.
type builtinCatalog struct{}

func (builtinCatalog) Table(name string) *schema.Table {
	t, _ := schema.Builtin(name)
	return t
}
func (builtinCatalog) TableNames() []string { return schema.BuiltinNames() }

// onlyMissingTables reports whether a bind error is nothing but unknown tables.
func onlyMissingTables(err error) bool {
	var list planner.ErrorList
	if !errors.As(err, &list) || len(list) == 0 {
		return false
	}
	for _, e := range list {
		if !strings.HasPrefix(e.Msg, "unknown table") {
			return false
		}
	}
	return true
}

// checkWith runs check with a parser and, unless open is nil (the command's own
// tests of its plumbing), binding and running through open.
func checkWith[T any](s syntax[T], open func(data string, run bool) (*semantics, error), args []string, stdout, stderr io.Writer) int {
	var o checkOptions
	fl := flag.NewFlagSet("check", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.StringVar(&o.data, "data", "", "data `dir`ectory whose tables queries bind (and with --run, run) against")
	fl.BoolVar(&o.parseOnly, "parse-only", false, "check syntax and formatting only; do not bind")
	fl.BoolVar(&o.run, "run", false, "also run each query against the store in --data")
	fl.BoolVar(&o.json, "json", false, "print one JSON object with the figures and every failure")
	fl.BoolVar(&o.verbose, "v", false, "show the source line of each syntax error and the canonical text of each round-trip failure")
	fl.StringVar(&o.floor, "floor", "", "compare the figures of each input with the bounds recorded in `file`; the exit status then reflects those bounds, not single failures")
	fl.Usage = func() {
		fmt.Fprint(fl.Output(), `usage: spoor check [flags] FILE|DIR...

Reads .kql files (one query a file) and .jsonl corpora (one JSON object a line, the
query in its "query" field, named by its "id" field or by file:line). A directory stands
for the .kql and .jsonl files under it. Each query is parsed, and its canonical text must
parse back to the same tree. Unless --parse-only is given, it is then bound against the
tables of the store in --data (the built-in tables without it), and with --run executed there.

Prints each failure as "<id>: <stage>: <line>:<col>: <message>", then "N passed, M failed".
Exits 1 if anything failed (with --floor: if a figure misses its bound), 2 on a usage
error.

Flags:
`)
		fl.PrintDefaults()
	}
	paths, err := parseInterspersed(fl, args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	if len(paths) == 0 {
		fmt.Fprintln(stderr, "spoor check: no files given")
		fl.Usage()
		return 2
	}
	files, err := expandInputs(paths)
	if err != nil {
		fmt.Fprintf(stderr, "spoor check: %v\n", err)
		return 2
	}
	var bounds []bound
	if o.floor != "" {
		if bounds, err = readFloor(o.floor, &figures{}); err != nil {
			fmt.Fprintf(stderr, "spoor check: %v\n", err)
			return 2
		}
	}
	var sem *semantics
	if !o.parseOnly && open != nil {
		if sem, err = open(o.data, o.run); err != nil {
			fmt.Fprintf(stderr, "spoor check: %v\n", err)
			return 2
		}
		defer sem.done()
		if o.data == "" {
			fmt.Fprintln(stderr, "spoor check: no --data: binding against the built-in tables only")
		}
	}

	rep := report{Failures: []failure{}}
	perCorpus := map[string]*figures{}
	var corpora []string
	for _, file := range files {
		var fig figures
		for _, c := range readCases(file) {
			fig.Total++
			f, parsed := checkCase(s, c)
			if parsed {
				fig.Parsed++
			}
			if f == nil && sem != nil {
				f = checkSemantics(sem, c, &fig)
			}
			if f == nil {
				continue
			}
			if f.Stage == stageFormat {
				fig.RoundtripFailures++
			}
			rep.Failures = append(rep.Failures, *f)
			if !o.json {
				fmt.Fprintf(stdout, "%s: %s: %s\n", f.ID, f.Stage, f.Error)
				if o.verbose && f.detail != "" {
					fmt.Fprintln(stdout, indent(f.detail, "  "))
				}
			}
		}
		rep.add(fig)
		name := corpusName(file)
		if perCorpus[name] == nil {
			perCorpus[name] = &figures{}
			corpora = append(corpora, name)
		}
		perCorpus[name].add(fig)
	}

	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "spoor check: %v\n", err)
			return 1
		}
	} else {
		fmt.Fprintf(stdout, "%d passed, %d failed\n", rep.Total-len(rep.Failures), len(rep.Failures))
	}

	if o.floor != "" {
		// Per-query failures are expected while a corpus is only partly supported; the
		// floor is what must not regress.
		if !checkFloor(stderr, "check", o.floor, bounds, corpora, perCorpus) {
			return 1
		}
		return 0
	}
	if len(rep.Failures) > 0 {
		return 1
	}
	return 0
}

// parseInterspersed parses flags that may come before, between or after the file names,
// the way people type them. Everything after "--" is a file name.
func parseInterspersed(fl *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fl.Parse(args); err != nil {
			return nil, err
		}
		left := fl.Args()
		if len(left) == 0 {
			return rest, nil
		}
		if n := len(args) - len(left); n > 0 && args[n-1] == "--" {
			return append(rest, left...), nil
		}
		rest = append(rest, left[0])
		args = left[1:]
	}
}

// expandInputs checks that every path is a .kql or .jsonl file or a directory, and
// replaces each directory with the .kql and .jsonl files under it in lexical order.
// A file that does not exist is kept: reading it fails later and is reported like any
// other unreadable input.
func expandInputs(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil || !st.IsDir() {
			if !isInput(p) {
				return nil, fmt.Errorf("%s: not a .kql or .jsonl file", p)
			}
			files = append(files, p)
			continue
		}
		n := len(files)
		err = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && isInput(q) {
				files = append(files, q)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(files) == n {
			return nil, fmt.Errorf("%s: no .kql or .jsonl files in the directory", p)
		}
	}
	return files, nil
}

func isInput(path string) bool {
	ext := filepath.Ext(path)
	return ext == ".kql" || ext == ".jsonl"
}

// corpusName is the name a floor file uses for an input: its file name without the
// extension.
func corpusName(path string) string {
	base := filepath.Base(path)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// readCases returns the queries in one input file. Problems with the file or with a
// line are returned as cases carrying the error, so they are counted and reported in
// order with everything else.
func readCases(path string) []kqlCase {
	data, err := os.ReadFile(path)
	if err != nil {
		return []kqlCase{{id: path, err: err}}
	}
	if filepath.Ext(path) == ".kql" {
		return []kqlCase{{id: path, text: string(bytes.TrimPrefix(data, []byte("\uFEFF")))}}
	}
	var cases []kqlCase
	for n, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		at := fmt.Sprintf("%s:%d", path, n+1)
		if n == 0 {
			line = bytes.TrimPrefix(line, []byte("\uFEFF"))
		}
		cases = append(cases, decodeLine(at, line))
	}
	return cases
}

// decodeLine reads one corpus line: a JSON object whose "query" is a string. Its "id",
// a string or a number, names the case. A line without a usable id, and any line that
// cannot be read, is named at (file:line), so a malformed line can be found.
func decodeLine(at string, line []byte) kqlCase {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(line, &obj); err != nil {
		return kqlCase{id: at, err: fmt.Errorf("not a JSON object: %v", err)}
	}
	raw, ok := obj["query"]
	if !ok {
		return kqlCase{id: at, err: errors.New(`no "query" field`)}
	}
	c := kqlCase{id: at}
	if err := json.Unmarshal(raw, &c.text); err != nil {
		return kqlCase{id: at, err: errors.New(`"query" is not a string`)}
	}
	if raw, ok := obj["id"]; ok {
		var s string
		var n json.Number
		if json.Unmarshal(raw, &s) == nil && s != "" {
			c.id = s
		} else if json.Unmarshal(raw, &n) == nil {
			c.id = n.String()
		}
	}
	return c
}

// checkCase runs one query through the stages. It returns the failure, if any, and
// whether the query parsed. A parser panic is a bug, but it is reported as this query's
// failure so that one bad query does not hide the figures for all the others.
func checkCase[T any](s syntax[T], c kqlCase) (f *failure, parsed bool) {
	if c.err != nil {
		return &failure{ID: c.id, Stage: stageRead, Error: c.err.Error()}, false
	}
	stage := stageParse
	defer func() {
		if r := recover(); r != nil {
			f = &failure{ID: c.id, Stage: stage, Error: fmt.Sprintf("panic: %v", r)}
		}
	}()
	q, err := s.parse(c.text)
	if err != nil {
		return &failure{ID: c.id, Stage: stageParse, Error: positioned(err), detail: errorDetail(err)}, false
	}
	parsed = true
	stage = stageFormat
	canon := s.format(q)
	q2, err := s.parse(canon)
	if err != nil {
		return &failure{ID: c.id, Stage: stageFormat,
			Error:  positioned(err) + " (in the canonical text)",
			detail: canon}, true
	}
	if !s.equal(q, q2) {
		return &failure{ID: c.id, Stage: stageFormat,
			Error:  "the canonical text parses to a different tree",
			detail: canon}, true
	}
	if again := s.format(q2); again != canon {
		return &failure{ID: c.id, Stage: stageFormat,
			Error:  "the canonical text is not stable: formatting it again gives different text",
			detail: canon + "\n---- formatted again:\n" + again}, true
	}
	return nil, true
}

// checkSemantics binds (and runs) a query that parsed, counting the figures. A
// panic is a bug, reported as this query's failure so the figures still come.
func checkSemantics(sem *semantics, c kqlCase, fig *figures) (f *failure) {
	stage := stageBind
	defer func() {
		if r := recover(); r != nil {
			f = &failure{ID: c.id, Stage: stage, Error: fmt.Sprintf("panic: %v", r)}
		}
	}()
	if err := sem.bind(c.text); err != nil {
		if onlyMissingTables(err) {
			fig.MissingTable++
		}
		return &failure{ID: c.id, Stage: stageBind, Error: firstLine(err.Error())}
	}
	fig.Bound++
	if sem.run == nil {
		return nil
	}
	stage = stageRun
	rows, err := sem.run(c.text)
	if err != nil {
		return &failure{ID: c.id, Stage: stageRun, Error: firstLine(err.Error())}
	}
	fig.Ran++
	if rows > 0 {
		fig.Nonempty++
	}
	return nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " (and more)"
	}
	return s
}

// positioned renders an error as "line:col: message" when it is a syntax error.
func positioned(err error) string {
	var pe *parser.Error
	if errors.As(err, &pe) {
		return fmt.Sprintf("%d:%d: %s", pe.Line, pe.Column, pe.Msg)
	}
	return err.Error()
}

// errorDetail is the source line and caret of a syntax error, without the message line
// that positioned already gives.
func errorDetail(err error) string {
	var pe *parser.Error
	if !errors.As(err, &pe) {
		return ""
	}
	d := pe.Detail()
	if i := strings.IndexByte(d, '\n'); i >= 0 {
		return strings.TrimLeft(d[i+1:], "\n")
	}
	return ""
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+prefix)
}
