package detection

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/storage"
	"github.com/spoorhq/spoor/types"
)

// Planner binds a query without running it, returning its plan or a
// positioned error (an *engine.Error).
type Planner func(text string) (*planner.Plan, error)

// StorePlanner binds queries against an open store's tables.
func StorePlanner(st *storage.Store) Planner {
	return engine.New(st, nil).Plan
}

// BuiltinPlanner binds queries against the built-in tables only, for when the
// store cannot be opened (the scheduler holds it).
func BuiltinPlanner() Planner {
	return func(text string) (*planner.Plan, error) {
		q, err := parser.Parse(text)
		if err != nil {
			return nil, &engine.Error{Source: text, Err: err}
		}
		plan, err := planner.Bind(q, builtinCatalog{}, planner.Options{Now: time.Now()})
		if err != nil {
			return nil, &engine.Error{Source: text, Err: err}
		}
		return plan, nil
	}
}

type builtinCatalog struct{}

func (builtinCatalog) Table(name string) *schema.Table {
	t, _ := schema.Builtin(name)
	return t
}

func (builtinCatalog) TableNames() []string { return schema.BuiltinNames() }

// QueryError is a query that does not parse or bind, with the source shown
// and a caret under the place.
type QueryError struct {
	What string // what the query belongs to, such as "rule lsass-dump"
	Err  error
}

func (e *QueryError) Error() string {
	var qe *engine.Error
	if errors.As(e.Err, &qe) {
		return fmt.Sprintf("%s: the query does not compile:\n%s", e.What, qe.Detail())
	}
	return fmt.Sprintf("%s: the query does not compile: %v", e.What, e.Err)
}

func (e *QueryError) Unwrap() error { return e.Err }

// scans lists a plan's table scans, in the order a depth-first walk meets them.
func scans(n planner.Node) []*planner.Scan {
	var out []*planner.Scan
	var walk func(n planner.Node)
	walk = func(n planner.Node) {
		if s, ok := n.(*planner.Scan); ok {
			out = append(out, s)
		}
		for _, in := range n.Inputs() {
			walk(in)
		}
	}
	walk(n)
	return out
}

// hasNode says whether the plan holds a node whose Go type name contains one
// of names (Join, Union, ...).
func hasNode(n planner.Node, names ...string) string {
	tn := fmt.Sprintf("%T", n)
	for _, name := range names {
		if strings.Contains(tn, name) {
			return name
		}
	}
	for _, in := range n.Inputs() {
		if f := hasNode(in, names...); f != "" {
			return f
		}
	}
	return ""
}

var externaldataRe = regexp.MustCompile(`(?i)\b(externaldata|external_data)\b`)

// eventKey is the columns that identify one event of a table: Defender's rule
// for custom detections.
func eventKey(table string) []string {
	switch {
	case strings.HasPrefix(table, "Device"):
		return []string{"DeviceId", "ReportId"}
	case strings.HasPrefix(table, "Email"):
		return []string{"NetworkMessageId", "RecipientEmailAddress"}
	}
	return []string{"ReportId"}
}

// runQuery runs text with the clock at now and returns the result.
func runQuery(ctx context.Context, st *storage.Store, text string, now time.Time, opts engine.Options) (*engine.Result, error) {
	return engine.New(st, func() time.Time { return now }).Query(ctx, text, opts)
}

// jsonValue is a value as JSON.
func jsonValue(v types.Value) []byte { return types.AppendJSON(nil, v) }
