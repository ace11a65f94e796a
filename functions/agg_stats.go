package functions

import (
	"fmt"
	"math"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Statistical aggregates: variance and standard deviation (of a sample, with
// Bessel's correction, or of a population, the *p forms) and covariance. They
// keep sums of powers, so partial states merge by adding. A group with fewer than
// two values has a sample variance of 0, as Kusto gives (the docs' summarize of
// an empty table shows stdev_x 0); nulls are skipped.

func init() {
	for _, m := range []struct {
		name, doc string
		pop, root bool
	}{
		{"variance", "The variance of a sample (Bessel's correction)", false, false},
		{"variancep", "The variance of a population", true, false},
		{"stdev", "The standard deviation of a sample (Bessel's correction)", false, true},
		{"stdevp", "The standard deviation of a population", true, true},
	} {
		m := m
		aggregate(m.name, 1, 1, m.doc, statCheck(false, 1), func([]types.Type) AggState {
			return &momentState{pop: m.pop, root: m.root}
		})
		aggregate(m.name+"if", 2, 2, m.doc+", of the rows where the predicate is true", statCheck(true, 1), func([]types.Type) AggState {
			return &ifState{inner: &momentState{pop: m.pop, root: m.root}, pred: 1}
		})
	}
	for _, c := range []struct {
		name, doc string
		pop       bool
	}{
		{"covariance", "The covariance of two expressions over a sample (Bessel's correction)", false},
		{"covariancep", "The covariance of two expressions over a population", true},
	} {
		c := c
		aggregate(c.name, 2, 2, c.doc, statCheck(false, 2), func([]types.Type) AggState { return &coState{pop: c.pop} })
		aggregate(c.name+"if", 3, 3, c.doc+", of the rows where the predicate is true", statCheck(true, 2), func([]types.Type) AggState {
			return &ifState{inner: &coState{pop: c.pop}, pred: 2}
		})
	}
}

// statCheck accepts nvals numbers, then a predicate when cond.
func statCheck(cond bool, nvals int) checkFn {
	return func(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
		for k := 0; k < nvals; k++ {
			if !args[k].Numeric() {
				return types.Unknown, fmt.Errorf("%s() expects a number, got %s", name, args[k])
			}
		}
		if cond && !predArg.ok(args[nvals]) {
			return types.Unknown, argErr(name, predArg.as("predicate"), args[nvals])
		}
		return types.Real, nil
	}
}

// momentState keeps the count, sum and sum of squares of the values.
type momentState struct {
	pop, root   bool
	n, s, sumSq float64
}

func (s *momentState) Add(args []*vector.Vector, i int) {
	x, ok := realAt(args[0], i)
	if !ok {
		return
	}
	s.n++
	s.s += x
	s.sumSq += x * x
}

func (s *momentState) Merge(other AggState) {
	o := other.(*momentState)
	s.n += o.n
	s.s += o.s
	s.sumSq += o.sumSq
}

func (s *momentState) Result() types.Value {
	div := s.n - 1
	if s.pop {
		div = s.n
	}
	if div <= 0 {
		return types.NewReal(0)
	}
	v := (s.sumSq - s.s*s.s/s.n) / div
	if v < 0 { // rounding of nearly equal values
		v = 0
	}
	if s.root {
		v = math.Sqrt(v)
	}
	return types.NewReal(v)
}

// coState keeps the sums of x, y and x*y over the rows where both are numbers.
type coState struct {
	pop            bool
	n, sx, sy, sxy float64
}

func (s *coState) Add(args []*vector.Vector, i int) {
	x, ok1 := realAt(args[0], i)
	y, ok2 := realAt(args[1], i)
	if !ok1 || !ok2 {
		return
	}
	s.n++
	s.sx += x
	s.sy += y
	s.sxy += x * y
}

func (s *coState) Merge(other AggState) {
	o := other.(*coState)
	s.n += o.n
	s.sx += o.sx
	s.sy += o.sy
	s.sxy += o.sxy
}

func (s *coState) Result() types.Value {
	div := s.n - 1
	if s.pop {
		div = s.n
	}
	if div <= 0 {
		return types.NewReal(0)
	}
	return types.NewReal((s.sxy - s.sx*s.sy/s.n) / div)
}
