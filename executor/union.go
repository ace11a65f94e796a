package executor

import (
	"errors"
	"sync/atomic"

	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

func init() { register(&planner.Union{}, buildUnion) }

// buildUnion drives the legs of a union one after the other, each into its
// own remapping step, and finishes out once, after the last leg (or as soon as
// out stops wanting rows).
func buildUnion(r *run, n planner.Node, out operator) (func() error, error) {
	u := n.(*planner.Union)
	var stopped atomic.Bool
	drives := make([]func() error, len(u.Legs))
	for i, leg := range u.Legs {
		op := &remapOp{node: u, leg: i, out: out, stopped: &stopped}
		d, err := r.build(leg, op)
		if err != nil {
			return nil, err
		}
		drives[i] = d
	}
	return func() error {
		for _, d := range drives {
			if stopped.Load() {
				break
			}
			if err := d(); err != nil && !errors.Is(err, errStop) {
				return err
			}
		}
		return out.finish()
	}, nil
}

// remapOp moves one leg's columns to their union positions and fills the
// columns the leg lacks with nulls. push runs on the leg's scan goroutines and
// keeps no state but the shared stop flag; finish does nothing, since the
// union finishes out itself.
type remapOp struct {
	node    *planner.Union
	leg     int
	out     operator
	stopped *atomic.Bool
}

func (m *remapOp) push(b *vector.Batch) error {
	if m.stopped.Load() {
		return errStop
	}
	u := m.node
	nb := &vector.Batch{Len: b.Len, Cols: make([]*vector.Vector, len(u.Out))}
	for i, p := range u.Maps[m.leg] {
		if p >= 0 && b.Cols[i] != nil {
			nb.Cols[p] = b.Cols[i]
		}
	}
	if u.SourceColumn {
		nb.Cols[0] = broadcast(types.NewString(u.SourceNames[m.leg]), b.Len)
	}
	for i, c := range nb.Cols {
		if c == nil {
			nb.Cols[i] = broadcast(types.NullOf(u.Out[i].Type), b.Len)
		}
	}
	err := m.out.push(nb)
	if errors.Is(err, errStop) {
		m.stopped.Store(true)
	}
	return err
}

func (m *remapOp) finish() error { return nil }
