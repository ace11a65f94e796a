// Package engine is the facade everything above it uses: query text in, a
// result out. It parses, binds, optimises and executes queries against a store,
// and runs management commands (.create table, .show tables, ...).
package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
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

// Result is a query's answer.
type Result struct {
	Columns []planner.Column
	Rows    [][]types.Value
	// Truncated says the result was cut at its row or size limit; Warnings
	// then says how to lift the limit.
	Truncated bool
	// Warnings are remarks for the user that did not stop the query, such as
	// a truncated result or an unknown set option.
	Warnings []string
	Render   string // the render operator's chart, a hint for clients
	Plan     string // with Options.Explain
	// Profile is, with Options.Explain, the plan with each scan annotated with
	// what it read, then the elapsed time and peak memory.
	Profile string
	Stats   executor.Stats
	Elapsed time.Duration
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

// Query runs a query or a management command. A query stops with an error
// wrapping context.DeadlineExceeded when it runs past its timeout, one
// wrapping ctx's error when ctx is cancelled, and one wrapping
// executor.ErrMemoryBudget when it needs more memory than its budget.
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
	lim, warnings := opts.resolve(plan.Options)
	maxRows, byTake := lim.maxRows, false
	if lim.takeMax > 0 && (maxRows < 0 || lim.takeMax <= int64(maxRows)) {
		maxRows, byTake = int(min(lim.takeMax, int64(^uint(0)>>1))), true
	}
	qctx, cancel := context.WithTimeout(ctx, lim.timeout)
	defer cancel()
	out, err := executor.Run(qctx, plan, e.store, executor.Options{
		MaxRows: maxRows, MaxBytes: lim.maxBytes, MemoryLimit: lim.memoryLimit, Detail: opts.Explain})
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return nil, fmt.Errorf("the query was cancelled: %w", err)
		case errors.Is(err, context.DeadlineExceeded):
			return nil, fmt.Errorf("the query ran past its timeout of %s; narrow it with a shorter time range, where or take: %w", lim.timeout, err)
		}
		var el planner.ErrorList
		if errors.As(err, &el) {
			return nil, &Error{Source: text, Err: err} // positioned: shown with a caret
		}
		return nil, err
	}
	res := &Result{Columns: out.Columns, Render: plan.Render, Stats: out.Stats}
	res.Warnings = append(append(res.Warnings, plan.Warnings...), warnings...)
	if out.Truncated && !byTake {
		res.Truncated = true
		res.Warnings = append(res.Warnings, truncationWarning(out))
	}
	for _, b := range out.Batches {
		res.Rows = append(res.Rows, BatchRows(b, len(out.Columns))...)
	}
	res.Elapsed = time.Since(start)
	if opts.Explain {
		res.Plan = planner.Explain(plan.Root)
		res.Profile = profile(plan.Root, out.Stats, res.Elapsed)
	}
	return res, nil
}

// truncationWarning says where a result was cut and how to get all of it.
func truncationWarning(out *executor.Result) string {
	if out.TruncatedBySize {
		return fmt.Sprintf("the result was truncated to %d rows by its size limit (set truncationmaxsize); "+
			"narrow it with project or summarize, or add 'set notruncation;' before the query", out.Rows())
	}
	return fmt.Sprintf("the result was truncated to %d rows; narrow it with where, take or summarize, "+
		"or add 'set notruncation;' or 'set truncationmaxrecords = N;' before the query", out.Rows())
}

// Explain runs a query and describes how it ran: the plan with its pushed-down
// time ranges and index predicates, each scan annotated with the rows it read
// and the segments it skipped, then the elapsed time and peak memory. The
// result is returned too.
func (e *Engine) Explain(ctx context.Context, text string, opts Options) (string, *Result, error) {
	if IsCommand(text) {
		return "", nil, fmt.Errorf("a management command has no plan to explain")
	}
	opts.Explain = true
	res, err := e.Query(ctx, text, opts)
	if err != nil {
		return "", nil, err
	}
	return res.Profile, res, nil
}

// profile prints a plan with the statistics of its run: a line under each
// scan, and a last line with the elapsed time and peak memory.
func profile(root planner.Node, st executor.Stats, elapsed time.Duration) string {
	byScan := map[*planner.Scan][]executor.ScanStat{}
	for _, s := range st.Scans {
		byScan[s.Scan] = append(byScan[s.Scan], s)
	}
	// Explain prints one line per node, in depth-first order, each indented
	// two spaces per level: walk the plan the same way beside its lines.
	lines := strings.Split(strings.TrimSuffix(planner.Explain(root), "\n"), "\n")
	var b strings.Builder
	i := 0
	var walk func(n planner.Node, depth int)
	walk = func(n planner.Node, depth int) {
		if i < len(lines) {
			b.WriteString(lines[i])
			b.WriteByte('\n')
			i++
		}
		if s, ok := n.(*planner.Scan); ok {
			b.WriteString(strings.Repeat("  ", depth+1))
			b.WriteString(scanLine(byScan[s]))
			b.WriteByte('\n')
		}
		for _, in := range n.Inputs() {
			walk(in, depth+1)
		}
	}
	walk(root, 0)
	for ; i < len(lines); i++ {
		b.WriteString(lines[i] + "\n")
	}
	fmt.Fprintf(&b, "elapsed %s, peak memory %s", elapsed.Round(10*time.Microsecond), executor.FormatBytes(st.PeakMemory))
	if st.Segments > 0 || st.RowsScanned > 0 || st.HotRows > 0 {
		fmt.Fprintf(&b, "; scans read %d rows, pruned %d of %d segments", st.RowsScanned, st.SegmentsPruned, st.Segments)
	}
	b.WriteByte('\n')
	return b.String()
}

// scanLine sums up what the runs of one scan read.
func scanLine(runs []executor.ScanStat) string {
	if len(runs) == 0 {
		return "-> not run"
	}
	var t executor.ScanStat
	for _, s := range runs {
		t.Segments += s.Segments
		t.SegmentsPruned += s.SegmentsPruned
		t.PrunedByTime += s.PrunedByTime
		t.PrunedByIndex += s.PrunedByIndex
		t.BlocksRead += s.BlocksRead
		t.HotRows += s.HotRows
		t.RowsScanned += s.RowsScanned
	}
	out := fmt.Sprintf("-> rows %d; segments %d: pruned %d by time, %d by index, %d read; blocks read %d; hot rows %d",
		t.RowsScanned, t.Segments, t.PrunedByTime, t.PrunedByIndex, t.SegmentsRead(), t.BlocksRead, t.HotRows)
	if n := t.SegmentsPruned - t.PrunedByTime - t.PrunedByIndex; n > 0 {
		out += fmt.Sprintf(" (%d more pruned)", n)
	}
	if len(runs) > 1 {
		out += fmt.Sprintf(" (%d runs)", len(runs))
	}
	return out
}

// Plan parses and binds a query.
func (e *Engine) Plan(text string) (*planner.Plan, error) {
	q, err := parser.Parse(text)
	if err != nil {
		return nil, &Error{Source: text, Err: err}
	}
	host := &planner.Host{Rows: func(n planner.Node, max int) ([][]types.Value, error) {
		// The binder's probes (bag_unpack and pivot over a table find their
		// columns in the data): bounded like a query, with the default budget.
		ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
		defer cancel()
		return executor.Rows(ctx, e.store, n, max, executor.Options{MemoryLimit: DefaultMemoryLimit()})
	}}
	plan, err := planner.Bind(q, Catalog(e.store), planner.Options{Now: e.now(), Host: host})
	if err != nil {
		return nil, &Error{Source: text, Err: err}
	}
	return plan, nil
}

// BatchRows turns a batch into rows of width values (a missing column is the
// zero value), for callers that run plans themselves, such as kqltest.
func BatchRows(b *vector.Batch, width int) [][]types.Value {
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

// Catalog is the planner's view of a store: its created tables and the
// built-in tables it resolves. Callers that bind plans themselves use it too.
func Catalog(s *storage.Store) planner.Catalog { return catalog{s} }

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
