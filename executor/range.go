package executor

import (
	"errors"

	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

func init() { register(&planner.Range{}, buildRange) }

// buildRange generates a range's values batch by batch on the calling
// goroutine, stopping early when out wants no more rows.
func buildRange(r *run, n planner.Node, out operator) (func() error, error) {
	g := n.(*planner.Range)
	t := g.Out[0].Type
	return func() error {
		for lo := int64(0); lo < g.Count; lo += vector.BatchSize {
			if err := r.ctx.Err(); err != nil {
				return err
			}
			hi := min(lo+vector.BatchSize, g.Count)
			v := vector.New(t, int(hi-lo))
			for i := lo; i < hi; i++ {
				if t == types.Real {
					v.Append(types.NewReal(g.From.F + float64(i)*g.Step.F))
				} else {
					v.Append(types.Value{Type: t, I: g.From.I + i*g.Step.I})
				}
			}
			err := out.push(&vector.Batch{Len: v.Len, Cols: []*vector.Vector{v}})
			if errors.Is(err, errStop) {
				break
			}
			if err != nil {
				return err
			}
		}
		return out.finish()
	}, nil
}
