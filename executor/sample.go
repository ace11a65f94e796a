package executor

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

func init() { register(&planner.Sample{}, buildSample) }

// buildSample reads the sample's size (subqueries have run by now) and wires
// a reservoir over the input.
func buildSample(r *run, n planner.Node, out operator) (func() error, error) {
	x := n.(*planner.Sample)
	size, err := sampleSize(x.Count)
	if err != nil {
		return nil, err
	}
	s := &sampleOp{r: r, n: size, width: len(x.Columns()), out: out, types: x.Columns()}
	return r.build(x.Input, s)
}

// sampleSize reads a sample's row count: a constant or a toscalar() value,
// any numeric type; null or negative is an error, a real is truncated.
func sampleSize(x planner.Expr) (int, error) {
	var v types.Value
	switch e := x.(type) {
	case *planner.Const:
		v = e.V
	case *planner.Subquery:
		if e.Value == nil {
			return 0, fmt.Errorf("BUG: sample size subquery was not run")
		}
		v = *e.Value
	default:
		return 0, fmt.Errorf("BUG: sample size is %T", x)
	}
	bad := fmt.Errorf("sample needs a non-negative number of rows, got %s", types.Format(v))
	if v.Null {
		return 0, bad
	}
	var n float64
	switch v.Type {
	case types.Int, types.Long:
		n = float64(v.I)
	case types.Real:
		n = v.F
	default:
		return 0, bad
	}
	if math.IsNaN(n) || n < 0 {
		return 0, bad
	}
	// No result holds more rows than an int counts.
	return int(min(n, float64(math.MaxInt32))), nil
}

// sampleOp keeps a uniform random sample of n rows of everything pushed
// (reservoir sampling), and sends it on at finish. push may run on several
// goroutines; the reservoir is guarded by mu. The rows kept are accounted as
// 'sample' in the run's budget.
type sampleOp struct {
	r     *run
	n     int
	width int
	types []planner.Column
	out   operator
	mu    sync.Mutex
	seen  int64
	rows  [][]types.Value
	sizes []int64 // the reserved size of each kept row
	bytes int64
	read  []bool // the columns the input carries (unread ones stay empty)
	rng   *rand.Rand
}

func (s *sampleOp) push(b *vector.Batch) error {
	if err := s.r.ctx.Err(); err != nil {
		return err
	}
	if s.n == 0 {
		return errStop
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rng == nil {
		s.rng = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
		s.read = make([]bool, s.width)
		for i, c := range b.Cols {
			s.read[i] = c != nil
		}
	}
	for r := 0; r < b.Len; r++ {
		s.seen++
		slot := len(s.rows)
		if slot >= s.n {
			j := s.rng.Int64N(s.seen)
			if j >= int64(s.n) {
				continue
			}
			slot = int(j)
		}
		row := make([]types.Value, s.width)
		size := sortRowSize + valueSize*int64(s.width)
		for i, c := range b.Cols {
			if c != nil {
				row[i] = c.Value(r)
				size += int64(len(row[i].S)) + dynamicBytes(row[i].D)
			}
		}
		if err := s.r.reserve(size, "sample"); err != nil {
			return err
		}
		s.bytes += size
		if slot == len(s.rows) {
			s.rows = append(s.rows, row)
			s.sizes = append(s.sizes, size)
			continue
		}
		s.r.release(s.sizes[slot])
		s.bytes -= s.sizes[slot]
		s.rows[slot], s.sizes[slot] = row, size
	}
	return nil
}

func (s *sampleOp) finish() error {
	defer func() {
		s.r.release(s.bytes)
		s.bytes = 0
	}()
	s.mu.Lock()
	rows := s.rows
	s.rows = nil
	s.mu.Unlock()
	for lo := 0; lo < len(rows); lo += vector.BatchSize {
		if err := s.r.ctx.Err(); err != nil {
			return err
		}
		part := rows[lo:min(lo+vector.BatchSize, len(rows))]
		b := &vector.Batch{Len: len(part), Cols: make([]*vector.Vector, s.width)}
		for ci := 0; ci < s.width; ci++ {
			if !s.read[ci] {
				continue
			}
			v := vector.New(s.types[ci].Type, len(part))
			for _, r := range part {
				v.Append(r[ci])
			}
			b.Cols[ci] = v
		}
		if err := s.out.push(b); err != nil {
			if errors.Is(err, errStop) {
				break
			}
			return err
		}
	}
	return s.out.finish()
}
