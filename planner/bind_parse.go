package planner

import "github.com/spoorhq/spoor/parser"

// parse binds parse and parse-where (where drops rows the pattern does not
// match). Not built yet.
func (b *binder) parse(in Node, opts []*parser.Option, x parser.Expr, pattern []*parser.ParseItem, where bool, pos parser.Position) Node {
	name := "parse"
	if where {
		name = "parse-where"
	}
	b.errs.add(pos, "operator '%s' is not supported yet", name)
	return nil
}
