package executor

import (
	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

func init() { register(&planner.Parse{}, buildParse) }

// buildParse streams the input through a parse: the regular expression was
// compiled by the planner and is safe to share between scan goroutines.
func buildParse(r *run, n planner.Node, out operator) (func() error, error) {
	p := n.(*planner.Parse)
	return r.build(p.Input, &parseOp{node: p, out: out})
}

// parseOp extracts columns row by row. It keeps no state between batches, so
// push runs concurrently without a lock.
type parseOp struct {
	node *planner.Parse
	out  operator
}

func (p *parseOp) push(b *vector.Batch) error {
	n := p.node
	src, err := eval(n.Source, b)
	if err != nil {
		return err
	}
	vals := make([]*vector.Vector, len(n.Extract))
	for i, c := range n.Extract {
		vals[i] = vector.New(c.Type, b.Len)
	}
	var sel []int
	if n.Where {
		sel = make([]int, 0, b.Len)
	}
	row := make([]types.Value, len(n.Extract))
	for r := 0; r < b.Len; r++ {
		if p.match(src.Strs[r], row) {
			for i, v := range row {
				vals[i].Append(v)
			}
			if n.Where {
				sel = append(sel, r)
			}
			continue
		}
		for i, c := range n.Extract {
			vals[i].Append(types.NullOf(c.Type))
		}
	}
	if n.Where && len(sel) == 0 {
		return nil
	}
	nb := &vector.Batch{Len: b.Len, Cols: make([]*vector.Vector, len(n.Out))}
	copy(nb.Cols, b.Cols)
	for i, c := range n.Extract {
		nb.Cols[c.Slot] = vals[i]
	}
	if n.Where && len(sel) < b.Len {
		nb = sliceBatch(nb, sel)
	}
	return p.out.push(nb)
}

// match fills row with the extracted values of s and reports whether s
// matches the pattern. Outside kind=relaxed a typed capture that does not
// convert (or is empty) fails the match; relaxed makes it a null.
func (p *parseOp) match(s string, row []types.Value) bool {
	n := p.node
	loc := n.Regex.FindStringSubmatchIndex(s)
	if loc == nil {
		return false
	}
	for i, c := range n.Extract {
		text := ""
		if lo := loc[2*c.Group]; lo >= 0 {
			text = s[lo:loc[2*c.Group+1]]
		}
		v, err := types.Parse(c.Type, text)
		switch {
		case err == nil && (!v.Null || c.Type == types.String):
			row[i] = v
		case n.Kind == planner.ParseRelaxed:
			row[i] = types.NullOf(c.Type)
		default:
			return false
		}
	}
	return true
}

func (p *parseOp) finish() error { return p.out.finish() }
