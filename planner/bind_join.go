package planner

import "github.com/spoorhq/spoor/parser"

// join binds the join operator. Not built yet.
func (b *binder) join(in Node, o *parser.JoinOp) Node {
	b.errs.add(o.Pos, "operator 'join' is not supported yet")
	return nil
}

// lookup binds the lookup operator. Not built yet.
func (b *binder) lookup(in Node, o *parser.LookupOp) Node {
	b.errs.add(o.Pos, "operator 'lookup' is not supported yet")
	return nil
}
