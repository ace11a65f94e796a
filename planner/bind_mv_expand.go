package planner

import "github.com/spoorhq/spoor/parser"

// mvExpand binds mv-expand. Not built yet.
func (b *binder) mvExpand(in Node, o *parser.MvExpandOp) Node {
	b.errs.add(o.Pos, "operator 'mv-expand' is not supported yet")
	return nil
}
