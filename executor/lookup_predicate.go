package executor

import (
	"errors"
	"fmt"

	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

func init() { register(&planner.PredicateLookup{}, buildPredicateLookup) }

// maxLookupRows caps the rows of a predicate lookup's table, which is held
// whole and tried against every input row.
const maxLookupRows = 1_000_000

func buildPredicateLookup(r *run, n planner.Node, out operator) (func() error, error) {
	x := n.(*planner.PredicateLookup)
	op := &predicateLookupOp{r: r, node: x, out: out}
	driveLeft, err := r.build(x.Left, op)
	if err != nil {
		return nil, err
	}
	return func() error {
		res, err := r.exec(x.Right, maxLookupRows, 0)
		if err != nil {
			return fmt.Errorf("%s: cannot read the lookup table: %w", x.Plugin, err)
		}
		defer r.release(res.held)
		if res.Truncated {
			return fmt.Errorf("%s: the lookup table has more than %d rows", x.Plugin, maxLookupRows)
		}
		for _, c := range x.Right.Columns() {
			op.right = append(op.right, vector.New(c.Type, 0))
		}
		for _, b := range res.Batches {
			for i, c := range b.Cols {
				if c != nil {
					vector.AppendVector(op.right[i], c)
				} else {
					vector.AppendVector(op.right[i], vector.Repeat(types.NullOf(op.right[i].Type), b.Len))
				}
			}
			op.nright += b.Len
		}
		return driveLeft()
	}, nil
}

// predicateLookupOp pairs each input row with the lookup rows that satisfy
// the predicate. The lookup table is read before the first push and read only
// after; push may run on several goroutines at once.
type predicateLookupOp struct {
	r      *run
	node   *planner.PredicateLookup
	out    operator
	right  []*vector.Vector
	nright int
}

func (p *predicateLookupOp) push(b *vector.Batch) error {
	var li, ri []int // the matching pairs
	var lone []int   // input rows with no match, when they are kept
	matched := make([]bool, b.Len)
	// The cross product is tried a chunk at a time.
	var cl, cr []int
	try := func() error {
		if len(cl) == 0 {
			return nil
		}
		cross := &vector.Batch{Len: len(cl), Cols: make([]*vector.Vector, 0, len(b.Cols)+len(p.right))}
		for _, c := range b.Cols {
			cross.Cols = append(cross.Cols, gatherOrNil(c, cl))
		}
		for _, c := range p.right {
			cross.Cols = append(cross.Cols, vector.Gather(c, cr))
		}
		ok, err := eval(p.node.Pred, cross)
		if err != nil {
			return err
		}
		for k := range cl {
			if !ok.IsNull(k) && ok.Ints[k] != 0 {
				li, ri = append(li, cl[k]), append(ri, cr[k])
				matched[cl[k]] = true
			}
		}
		cl, cr = cl[:0], cr[:0]
		return nil
	}
	for i := 0; i < b.Len; i++ {
		for j := 0; j < p.nright; j++ {
			cl, cr = append(cl, i), append(cr, j)
			if len(cl) == vector.BatchSize {
				if err := try(); err != nil {
					return err
				}
			}
		}
		if err := p.r.ctx.Err(); err != nil {
			return err
		}
	}
	if err := try(); err != nil {
		return err
	}
	if p.node.Unmatched {
		for i, m := range matched {
			if !m {
				lone = append(lone, i)
			}
		}
	}
	if err := p.emit(b, li, ri, false); err != nil {
		return err
	}
	return p.emit(b, lone, nil, true)
}

// emit sends the pairs (li[k], ri[k]), or with nulls the input rows li.
func (p *predicateLookupOp) emit(b *vector.Batch, li, ri []int, nulls bool) error {
	if len(li) == 0 {
		return nil
	}
	out := &vector.Batch{Len: len(li), Cols: make([]*vector.Vector, 0, len(p.node.Out))}
	for _, c := range b.Cols {
		out.Cols = append(out.Cols, gatherOrNil(c, li))
	}
	for _, k := range p.node.Keep {
		if nulls {
			out.Cols = append(out.Cols, vector.Repeat(types.NullOf(p.right[k].Type), len(li)))
		} else {
			out.Cols = append(out.Cols, vector.Gather(p.right[k], ri))
		}
	}
	err := p.out.push(out)
	if errors.Is(err, errStop) {
		return errStop
	}
	return err
}

func (p *predicateLookupOp) finish() error { return p.out.finish() }

func gatherOrNil(v *vector.Vector, idx []int) *vector.Vector {
	if v == nil {
		return nil
	}
	return vector.Gather(v, idx)
}
