// Package engine is the facade everything above it uses: query text in, a
// result out. It parses, binds, optimises and executes queries against a store,
// and runs management commands (.create table, .show tables, ...).
package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/spoorhq/spoor/executor"
	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/storage"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Engine runs queries against one store.
type Engine struct {
	store *storage.Store
	now   func() time.Time
}

// New returns an engine over an open store. now is the clock (nil: time.Now).
func New(store *storage.Store, now func() time.Time) *Engine {
	if now == nil {
		now = time.Now
	}
	return &Engine{store: store, now: now}
}

// Store is the engine's store.
func (e *Engine) Store() *storage.Store { return e.store }

// Options for one query.
type Options struct {
	MaxRows int  // result rows before truncation (default 100,000)
	Explain bool // attach the plan to the result
}

// Result is a query's answer.
type Result struct {
	Columns   []planner.Column
	Rows      [][]types.Value
	Truncated bool
	Render    string // the render operator's chart, a hint for clients
	Plan      string // with Options.Explain
	Stats     executor.Stats
	Elapsed   time.Duration
}

// Error is a query error with the source text, so it can be shown with a caret.
type Error struct {
	Source string
	Err    error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Detail renders the error with the offending source lines and carets.
func (e *Error) Detail() string {
	var pe *parser.Error
	if errors.As(e.Err, &pe) {
		return pe.Detail()
	}
	var pl planner.ErrorList
	if errors.As(e.Err, &pl) {
		return pl.Detail(e.Source)
	}
	return e.Err.Error()
}

// Query runs a query or a management command.
func (e *Engine) Query(ctx context.Context, text string, opts Options) (*Result, error) {
	start := time.Now()
	if IsCommand(text) {
		res, err := e.command(text)
		if res != nil {
			res.Elapsed = time.Since(start)
		}
		return res, err
	}
	plan, err := e.Plan(text)
	if err != nil {
		return nil, err
	}
	out, err := executor.Run(ctx, plan, e.store, executor.Options{MaxRows: opts.MaxRows})
	if err != nil {
		return nil, err
	}
	res := &Result{Columns: out.Columns, Truncated: out.Truncated, Render: plan.Render, Stats: out.Stats}
	for _, b := range out.Batches {
		res.Rows = append(res.Rows, batchRows(b, len(out.Columns))...)
	}
	if opts.Explain {
		res.Plan = planner.Explain(plan.Root)
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// Plan parses and binds a query.
func (e *Engine) Plan(text string) (*planner.Plan, error) {
	q, err := parser.Parse(text)
	if err != nil {
		return nil, &Error{Source: text, Err: err}
	}
	plan, err := planner.Bind(q, catalog{e.store}, planner.Options{Now: e.now()})
	if err != nil {
		return nil, &Error{Source: text, Err: err}
	}
	return plan, nil
}

func batchRows(b *vector.Batch, width int) [][]types.Value {
	rows := make([][]types.Value, b.Len)
	for r := range rows {
		row := make([]types.Value, width)
		for c := 0; c < width; c++ {
			if c < len(b.Cols) && b.Cols[c] != nil {
				row[c] = b.Cols[c].Value(r)
			}
		}
		rows[r] = row
	}
	return rows
}

// catalog resolves tables through the store (created and built-in tables).
type catalog struct{ s *storage.Store }

func (c catalog) Table(name string) *schema.Table { return c.s.Table(name) }

// TableNames lists the store's tables and the built-in tables it resolves.
func (c catalog) TableNames() []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range c.s.Tables() {
		seen[t.Name] = true
		out = append(out, t.Name)
	}
	for _, n := range schema.BuiltinNames() {
		if !seen[n] && c.s.Table(n) != nil {
			out = append(out, n)
		}
	}
	return out
}

// command runs a management command.
func (e *Engine) command(text string) (*Result, error) {
	cmd, err := ParseCommand(text)
	if err != nil {
		return nil, err
	}
	str := func(s string) types.Value { return types.NewString(s) }
	switch cmd.Verb {
	case "create-table":
		if err := e.store.CreateTable(&schema.Table{Name: cmd.Table, Columns: cmd.Columns}); err != nil {
			return nil, err
		}
		return schemaResult(e.store.Table(cmd.Table)), nil
	case "drop-table":
		if e.store.Table(cmd.Table) == nil && cmd.IfExist {
			return &Result{Columns: []planner.Column{{Name: "TableName", Type: types.String}}}, nil
		}
		if err := e.store.DropTable(cmd.Table); err != nil {
			return nil, err
		}
		return &Result{Columns: []planner.Column{{Name: "TableName", Type: types.String}}, Rows: [][]types.Value{{str(cmd.Table)}}}, nil
	case "show-tables":
		res := &Result{Columns: []planner.Column{{Name: "TableName", Type: types.String}, {Name: "Rows", Type: types.Long}}}
		tables := e.store.Tables()
		sort.Slice(tables, func(i, j int) bool { return tables[i].Name < tables[j].Name })
		for _, t := range tables {
			d, _ := e.store.Details(t.Name)
			res.Rows = append(res.Rows, []types.Value{str(t.Name), types.NewLong(d.Rows)})
		}
		return res, nil
	case "show-schema":
		t := e.store.Table(cmd.Table)
		if t == nil {
			return nil, fmt.Errorf("table %s does not exist", cmd.Table)
		}
		return schemaResult(t), nil
	case "show-details":
		d, err := e.store.Details(cmd.Table)
		if err != nil {
			return nil, err
		}
		ratio := types.NullOf(types.Real)
		if d.Bytes > 0 {
			ratio = types.NewReal(float64(d.RawBytes) / float64(d.Bytes))
		}
		tm := func(t int64) types.Value {
			if t == 0 {
				return types.NullOf(types.Datetime)
			}
			return types.NewDatetime(t)
		}
		return &Result{
			Columns: []planner.Column{{Name: "TableName", Type: types.String}, {Name: "Rows", Type: types.Long},
				{Name: "HotRows", Type: types.Long}, {Name: "Segments", Type: types.Long},
				{Name: "BytesOnDisk", Type: types.Long}, {Name: "CompressionRatio", Type: types.Real},
				{Name: "MinTime", Type: types.Datetime}, {Name: "MaxTime", Type: types.Datetime}},
			Rows: [][]types.Value{{str(cmd.Table), types.NewLong(d.Rows), types.NewLong(d.HotRows),
				types.NewLong(int64(d.Segments)), types.NewLong(d.Bytes), ratio, tm(d.MinTime), tm(d.MaxTime)}},
		}, nil
	}
	return nil, fmt.Errorf("BUG: command %q has no handler", cmd.Verb)
}

func schemaResult(t *schema.Table) *Result {
	res := &Result{Columns: []planner.Column{{Name: "ColumnName", Type: types.String}, {Name: "ColumnType", Type: types.String}}}
	for _, c := range t.Columns {
		res.Rows = append(res.Rows, []types.Value{types.NewString(c.Name), types.NewString(c.Type.String())})
	}
	return res
}
