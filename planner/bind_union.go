package planner

import "github.com/spoorhq/spoor/parser"

// union binds union, as a source (in == nil) or after a pipe. Not built yet.
func (b *binder) union(in Node, o *parser.UnionOp) Node {
	b.errs.add(o.Pos, "operator 'union' is not supported yet")
	return nil
}

// rangeOp binds the range source. Not built yet.
func (b *binder) rangeOp(o *parser.RangeOp) Node {
	b.errs.add(o.Pos, "operator 'range' is not supported yet")
	return nil
}
