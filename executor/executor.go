// Package executor runs plans over column batches. Operators form a push
// pipeline: a scan drives batches through filters and projections on the
// store's scan goroutines (so they run in parallel across segments) into
// pipeline breakers (aggregate, sort, top-N), which emit when their input ends.
package executor

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/storage"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Options limit a run.
type Options struct {
	// MaxRows truncates the result: 0 means 100,000, a negative value means no
	// limit. Result.Truncated says the result was cut.
	MaxRows int
	// MaxBytes truncates the result once its rows hold this many bytes (0: no
	// limit); Result.Truncated and Result.TruncatedBySize say so.
	MaxBytes int64
	// MemoryLimit is the bytes the run's stateful operators may hold at once
	// (0: no limit). A run that needs more fails with an error wrapping
	// ErrMemoryBudget.
	MemoryLimit int64
	// Detail asks for statistics that cost extra work, such as how many of
	// the segments a scan skipped were skipped by time and how many by index.
	Detail bool
}

// Stats sum up the scans of a run, its subqueries' included.
type Stats struct {
	Segments       int
	SegmentsPruned int
	BlocksRead     int
	HotRows        int64
	RowsScanned    int64 // rows the scans returned to the plan
	IndexOnly      bool
	// Scans has one entry per scan run, in the order the scans ended.
	Scans []ScanStat
	// PeakMemory is the most memory the run's stateful operators held at once.
	PeakMemory int64
}

// ScanStat is what one scan read, for explain.
type ScanStat struct {
	Scan           *planner.Scan
	Segments       int // sealed segments of the table
	SegmentsPruned int // segments skipped without decoding a block
	// PrunedByTime and PrunedByIndex split SegmentsPruned. The split is known
	// with Options.Detail, or when the scan had only one of a time range and
	// index predicates; otherwise both are zero.
	PrunedByTime  int
	PrunedByIndex int
	BlocksRead    int
	HotRows       int64 // unsealed rows checked
	RowsScanned   int64 // rows the scan returned
}

// SegmentsRead is the number of segments the scan read blocks of.
func (s ScanStat) SegmentsRead() int { return s.Segments - s.SegmentsPruned }

// Result is a finished run: the output schema and its rows in batches.
type Result struct {
	Columns []planner.Column
	Batches []*vector.Batch
	// Truncated says rows were cut by Options.MaxRows or Options.MaxBytes;
	// TruncatedBySize says by MaxBytes.
	Truncated       bool
	TruncatedBySize bool
	Stats           Stats
	held            int64 // bytes the batches hold in the run's budget
}

// Rows returns the number of result rows.
func (r *Result) Rows() int {
	n := 0
	for _, b := range r.Batches {
		n += b.Len
	}
	return n
}

// errStop tells a scan that nothing downstream wants more rows.
var errStop = errors.New("stop")

// operator is one step of a push pipeline. push may be called from several
// goroutines at once; it owns the batch it is given. finish is called once,
// after the last push. Operators that hold memory across batches account it
// with run.reserve; long loops inside push or finish check run.ctx.
type operator interface {
	push(b *vector.Batch) error
	finish() error
}

// Run executes a plan against a store. It stops with ctx's error when ctx is
// done, checking it at least once per batch.
func Run(ctx context.Context, plan *planner.Plan, store *storage.Store, opts Options) (*Result, error) {
	r := &run{ctx: ctx, store: store, mem: &budget{limit: opts.MemoryLimit}, detail: opts.Detail}
	res, err := r.exec(plan.Root, opts.MaxRows, opts.MaxBytes)
	if err != nil {
		return nil, err
	}
	res.Stats.PeakMemory = r.mem.peak.Load()
	return res, nil
}

// run is the state of one query's execution, shared by its operators.
type run struct {
	ctx    context.Context
	store  *storage.Store
	mem    *budget
	detail bool
	mu     sync.Mutex
	stats  Stats
}

// exec runs the subqueries of a plan, then the plan itself into a collector.
func (r *run) exec(root planner.Node, maxRows int, maxBytes int64) (*Result, error) {
	if maxRows == 0 {
		maxRows = 100_000
	}
	if err := r.runSubqueries(root); err != nil {
		return nil, err
	}
	res := &Result{Columns: root.Columns()}
	sink := &collector{r: r, res: res, max: maxRows, maxBytes: maxBytes}
	drive, err := r.build(root, sink)
	if err != nil {
		return nil, err
	}
	if err := drive(); err != nil && !errors.Is(err, errStop) {
		r.release(sink.bytes)
		return nil, err
	}
	res.held = sink.bytes
	r.mu.Lock()
	res.Stats = r.stats
	r.mu.Unlock()
	return res, nil
}

// build wires node's pipeline into out and returns the function that drives it.
func (r *run) build(n planner.Node, out operator) (func() error, error) {
	switch x := n.(type) {
	case *planner.Scan:
		return r.scan(x, out), nil
	case *planner.Values:
		return func() error {
			b := valuesBatch(x)
			if b.Len > 0 {
				if err := out.push(b); err != nil && !errors.Is(err, errStop) {
					return err
				}
			}
			return out.finish()
		}, nil
	case *planner.Filter:
		return r.build(x.Input, &filterOp{pred: x.Pred, out: out})
	case *planner.Project:
		return r.build(x.Input, &projectOp{exprs: x.Exprs, used: x.Used, out: out})
	case *planner.Aggregate:
		if _, ok := x.Input.(*planner.Scan); ok && x.StoreCounts {
			return r.countBy(x, out), nil
		}
		return r.build(x.Input, newAggregateOp(r, x, out))
	case *planner.Sort:
		return r.build(x.Input, &sortOp{r: r, where: "sort", keys: x.Keys, n: -1, out: out, width: len(x.Columns())})
	case *planner.TopN:
		return r.build(x.Input, &sortOp{r: r, where: "top", keys: x.Keys, n: x.N, out: out, width: len(x.Columns())})
	case *planner.Limit:
		return r.build(x.Input, &limitOp{n: x.N, out: out})
	}
	if b, ok := builders[reflect.TypeOf(n)]; ok {
		return b(r, n, out)
	}
	return nil, fmt.Errorf("BUG: no executor for %T", n)
}

// builder wires a plan node outside the core set into a pipeline; each lives in
// its own file and registers itself in an init function.
type builder func(r *run, n planner.Node, out operator) (func() error, error)

var builders = map[reflect.Type]builder{}

// register adds the builder for plan nodes of n's type.
func register(n planner.Node, b builder) { builders[reflect.TypeOf(n)] = b }

// scan drives a table scan: the store calls back from its worker goroutines.
func (r *run) scan(s *planner.Scan, out operator) func() error {
	return func() error {
		req := storage.ScanRequest{Table: s.Table, MinTime: s.MinTime, MaxTime: s.MaxTime, Columns: []string{},
			Latest: s.Latest, Earliest: s.Earliest}
		var pos []int
		for i, c := range s.Cols {
			if s.Needed[i] {
				req.Columns = append(req.Columns, c.Name)
				pos = append(pos, i)
			}
		}
		req.Preds = storePreds(s.Preds)
		if a, ok := out.(*aggregateOp); ok {
			req.Codes = a.codeColumns(s.Cols)
		}
		ctx, cancel := context.WithCancel(r.ctx)
		defer cancel()
		var stopped sync.Once
		st, err := r.store.Scan(ctx, req, func(b *vector.Batch) error {
			if err := r.ctx.Err(); err != nil {
				return err
			}
			full := &vector.Batch{Len: b.Len, Cols: make([]*vector.Vector, len(s.Cols))}
			for i, p := range pos {
				full.Cols[p] = b.Cols[i]
			}
			if err := out.push(full); err != nil {
				if errors.Is(err, errStop) {
					stopped.Do(cancel)
				}
				return err
			}
			return nil
		})
		r.addScan(s, st)
		if err != nil && !errors.Is(err, errStop) && !(errors.Is(err, context.Canceled) && r.ctx.Err() == nil) {
			return err
		}
		return out.finish()
	}
}

// storePreds are a scan's pushed-down predicates as the store takes them.
func storePreds(preds []planner.IndexPred) []storage.Pred {
	var out []storage.Pred
	for _, p := range preds {
		sp := storage.Pred{Column: p.Column, Op: storage.Func, Func: strings.TrimSuffix(p.Op, " phrase"), Values: p.Values, CaseInsensitive: p.CaseInsensitive}
		switch p.Op {
		case "has":
			sp.Op = storage.HasTerm
		case "hasprefix":
			sp.Op = storage.TermPrefix
		case "==":
			sp.Op = storage.Equals
		case "range":
			sp.Op, sp.Func, sp.Lo, sp.Hi = storage.IntRange, "", p.Lo, p.Hi
		case "in ints":
			sp.Op, sp.Func, sp.Ints = storage.IntIn, "", p.Ints
		}
		out = append(out, sp)
	}
	return out
}

// addScan records a finished scan's statistics.
func (r *run) addScan(s *planner.Scan, st storage.ScanStats) {
	ss := ScanStat{Scan: s, Segments: st.Segments, SegmentsPruned: st.SegmentsPruned, BlocksRead: st.BlocksRead,
		HotRows: st.HotRows, RowsScanned: st.RowsMatched}
	timed := s.MinTime != 0 || s.MaxTime != 0
	switch {
	case len(s.Preds) == 0:
		ss.PrunedByTime = ss.SegmentsPruned
	case !timed:
		ss.PrunedByIndex = ss.SegmentsPruned
	case r.detail && ss.SegmentsPruned > 0 && r.ctx.Err() == nil:
		// Both kinds applied: a scan by time alone tells them apart.
		_, tst, err := r.store.Count(r.ctx, storage.ScanRequest{Table: s.Table, MinTime: s.MinTime, MaxTime: s.MaxTime})
		if err == nil {
			ss.PrunedByTime = min(tst.SegmentsPruned, ss.SegmentsPruned)
			ss.PrunedByIndex = ss.SegmentsPruned - ss.PrunedByTime
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stats.Segments += st.Segments
	r.stats.SegmentsPruned += st.SegmentsPruned
	r.stats.BlocksRead += st.BlocksRead
	r.stats.HotRows += st.HotRows
	r.stats.RowsScanned += st.RowsMatched
	r.stats.Scans = append(r.stats.Scans, ss)
}

func valuesBatch(v *planner.Values) *vector.Batch {
	b := &vector.Batch{Len: len(v.Rows)}
	for ci, c := range v.Out {
		vec := vector.New(c.Type, len(v.Rows))
		for _, row := range v.Rows {
			vec.Append(row[ci])
		}
		b.Cols = append(b.Cols, vec)
	}
	return b
}

// collector gathers the result, up to max rows and maxBytes bytes, and
// accounts what it holds as the 'result' in the run's budget.
type collector struct {
	r        *run
	mu       sync.Mutex
	res      *Result
	max      int   // rows; negative: no limit
	maxBytes int64 // 0: no limit
	rows     int
	bytes    int64 // reserved for the batches kept
	full     bool  // maxBytes was reached
}

func (c *collector) push(b *vector.Batch) error {
	if err := c.r.ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.full || c.max >= 0 && c.rows >= c.max {
		c.res.Truncated = true
		return errStop
	}
	if c.max >= 0 && c.rows+b.Len > c.max {
		b = sliceBatch(b, selRange(0, c.max-c.rows))
		c.res.Truncated = true
	}
	n := batchBytes(b)
	if c.maxBytes > 0 && c.bytes+n > c.maxBytes {
		// Keep the rows that fit, by the batch's average row size.
		keep := int(float64(b.Len) * float64(c.maxBytes-c.bytes) / float64(n))
		b = sliceBatch(b, selRange(0, keep))
		n = batchBytes(b)
		c.res.Truncated, c.res.TruncatedBySize, c.full = true, true, true
	}
	if err := c.r.reserve(n, "result"); err != nil {
		return err
	}
	c.bytes += n
	c.res.Batches = append(c.res.Batches, b)
	c.rows += b.Len
	return nil
}

func (c *collector) finish() error { return nil }

func selRange(lo, hi int) []int {
	s := make([]int, hi-lo)
	for i := range s {
		s[i] = lo + i
	}
	return s
}

// sliceBatch keeps the selected rows of a batch (nil columns stay nil).
func sliceBatch(b *vector.Batch, sel []int) *vector.Batch {
	out := &vector.Batch{Len: len(sel), Cols: make([]*vector.Vector, len(b.Cols))}
	for i, c := range b.Cols {
		if c != nil {
			out.Cols[i] = vector.Gather(c, sel)
		}
	}
	return out
}

// eval computes an expression over a batch.
func eval(x planner.Expr, b *vector.Batch) (*vector.Vector, error) {
	switch e := x.(type) {
	case *planner.ColumnRef:
		c := b.Cols[e.Index]
		if c == nil {
			return nil, fmt.Errorf("BUG: column %s was not read", e.Name)
		}
		return c, nil
	case *planner.Const:
		return broadcast(e.V, b.Len), nil
	case *planner.Subquery:
		if e.Value == nil {
			return nil, fmt.Errorf("BUG: subquery was not run before the query")
		}
		return broadcast(*e.Value, b.Len), nil
	case *planner.Call:
		if e.Fn.Eval == nil {
			return nil, fmt.Errorf("%s() cannot be evaluated here", e.Fn.Name)
		}
		args := make([]*vector.Vector, len(e.Args))
		for i, a := range e.Args {
			if c, ok := a.(*planner.Const); ok {
				// Fast path: a constant argument's column is built once per
				// batch length and shared (kernels never modify their inputs).
				args[i] = constArg(c, b.Len)
				continue
			}
			v, err := eval(a, b)
			if err != nil {
				return nil, err
			}
			args[i] = v
		}
		return e.Fn.Eval(args, b.Len)
	}
	return nil, fmt.Errorf("BUG: cannot evaluate %T", x)
}

// constArgs caches the columns of constant function arguments by node and
// length; it is bounded by clearing it when it grows past constArgsMax.
var (
	constArgsMu sync.Mutex
	constArgs   = map[constArgKey]*vector.Vector{}
)

const constArgsMax = 4096

type constArgKey struct {
	c *planner.Const
	n int
}

func constArg(c *planner.Const, n int) *vector.Vector {
	k := constArgKey{c, n}
	constArgsMu.Lock()
	v, ok := constArgs[k]
	constArgsMu.Unlock()
	if ok {
		return v
	}
	v = vector.Repeat(c.V, n)
	constArgsMu.Lock()
	if len(constArgs) >= constArgsMax {
		clear(constArgs)
	}
	constArgs[k] = v
	constArgsMu.Unlock()
	return v
}

// broadcast makes a vector of n copies of v.
func broadcast(v types.Value, n int) *vector.Vector { return vector.Repeat(v, n) }
