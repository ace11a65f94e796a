package executor

import (
	"errors"
	"fmt"
	"sync"

	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/vector"
)

func init() {
	register(&planner.Partition{}, buildPartition)
	register(&planner.PartitionRows{}, buildPartitionRows)
}

// partitionKey names the rows a PartitionRows leaf of one subquery run reads.
type partitionKey struct {
	r    *run
	node *planner.PartitionRows
}

// partitionFeeds holds the rows of the partition subquery runs in progress;
// each run of the subquery has a run of its own.
var partitionFeeds sync.Map // partitionKey -> []*vector.Batch

func buildPartitionRows(r *run, n planner.Node, out operator) (func() error, error) {
	x := n.(*planner.PartitionRows)
	return func() error {
		v, ok := partitionFeeds.Load(partitionKey{r, x})
		if !ok {
			return fmt.Errorf("BUG: partition rows read outside their subquery")
		}
		for _, b := range v.([]*vector.Batch) {
			if err := out.push(b); err != nil {
				if errors.Is(err, errStop) {
					break
				}
				return err
			}
		}
		return out.finish()
	}, nil
}

func buildPartition(r *run, n planner.Node, out operator) (func() error, error) {
	x := n.(*planner.Partition)
	return r.build(x.Input, &partitionOp{r: r, node: x, out: out})
}

// partitionOp gathers its whole input, splits it by key at finish and runs
// the subquery over each partition in turn, each with a run of its own that
// shares the query's context and memory budget. push may run on several
// goroutines; the batches it keeps are accounted as 'partition'.
type partitionOp struct {
	r       *run
	node    *planner.Partition
	out     operator
	mu      sync.Mutex
	batches []*vector.Batch
	bytes   int64
}

func (p *partitionOp) push(b *vector.Batch) error {
	if err := p.r.ctx.Err(); err != nil {
		return err
	}
	if b.Len == 0 {
		return nil
	}
	if b.Cols[p.node.Key] == nil {
		return fmt.Errorf("BUG: partition key %s was not read", p.node.Input.Columns()[p.node.Key].Name)
	}
	n := batchBytes(b)
	if err := p.r.reserve(n, "partition"); err != nil {
		return err
	}
	p.mu.Lock()
	p.batches = append(p.batches, b)
	p.bytes += n
	p.mu.Unlock()
	return nil
}

// rowRef is one input row: its batch and its place in it.
type rowRef struct{ batch, row int32 }

func (p *partitionOp) finish() error {
	defer func() {
		p.r.release(p.bytes)
		p.bytes = 0
		p.batches = nil
	}()
	x := p.node
	index := map[string]int{}
	var groups [][]rowRef
	var key []byte
	for bi, b := range p.batches {
		if err := p.r.ctx.Err(); err != nil {
			return err
		}
		col := b.Cols[x.Key]
		for r := 0; r < b.Len; r++ {
			key = appendKey(key[:0], col, r)
			g, ok := index[string(key)]
			if !ok {
				g = len(groups)
				index[string(key)] = g
				groups = append(groups, nil)
				if x.Max > 0 && len(groups) > x.Max {
					return fmt.Errorf("partition: column '%s' has more than %d distinct values, the most the %s strategy allows; use hint.strategy=native or hint.strategy=shuffle",
						x.Input.Columns()[x.Key].Name, x.Max, x.Strategy)
				}
			}
			groups[g] = append(groups[g], rowRef{int32(bi), int32(r)})
		}
	}
	fwd := &partitionForward{out: p.out}
	for _, refs := range groups {
		if err := p.runSub(p.rows(refs), fwd); err != nil {
			return err
		}
		if fwd.done() {
			break
		}
	}
	return p.out.finish()
}

// rows gathers one partition's rows into batches, in input order.
func (p *partitionOp) rows(refs []rowRef) []*vector.Batch {
	var out []*vector.Batch
	for lo := 0; lo < len(refs); {
		bi := refs[lo].batch
		hi := lo
		var sel []int
		for hi < len(refs) && refs[hi].batch == bi {
			sel = append(sel, int(refs[hi].row))
			hi++
		}
		out = append(out, sliceBatch(p.batches[bi], sel))
		lo = hi
	}
	return out
}

// runSub runs the subquery over one partition's rows into fwd.
func (p *partitionOp) runSub(rows []*vector.Batch, fwd *partitionForward) error {
	sub := &run{ctx: p.r.ctx, store: p.r.store, mem: p.r.mem, detail: p.r.detail}
	key := partitionKey{sub, p.node.Rows}
	partitionFeeds.Store(key, rows)
	defer partitionFeeds.Delete(key)
	drive, err := sub.build(p.node.Sub, fwd)
	if err != nil {
		return err
	}
	if err := drive(); err != nil && !errors.Is(err, errStop) {
		return err
	}
	if len(sub.stats.Scans) > 0 {
		p.r.mu.Lock()
		p.r.stats.add(sub.stats)
		p.r.mu.Unlock()
	}
	return nil
}

// partitionForward passes a subquery's rows on to the partition's output,
// and remembers when the output wants no more. Its finish does nothing: the
// partition finishes its output once, after the last partition.
type partitionForward struct {
	out     operator
	mu      sync.Mutex
	stopped bool
}

func (f *partitionForward) push(b *vector.Batch) error {
	err := f.out.push(b)
	if errors.Is(err, errStop) {
		f.mu.Lock()
		f.stopped = true
		f.mu.Unlock()
	}
	return err
}

func (f *partitionForward) finish() error { return nil }

func (f *partitionForward) done() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stopped
}
