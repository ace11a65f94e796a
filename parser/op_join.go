package parser

// JoinOp merges rows of two tables on matching keys. The default kind is
// innerunique. `on` takes column names or $left.A == $right.B conditions.
// https://learn.microsoft.com/kusto/query/join-operator
type JoinOp struct {
	Span
	Options []*Option `parser:"'join' @@*"`
	Right   Expr      `parser:"@@"`
	On      []Expr    `parser:"( 'on' @@ ( ',' @@ )* )?"`
}

// LookupOp extends the input with columns looked up in a dimension table.
type LookupOp struct {
	Span
	Options []*Option `parser:"'lookup' @@*"`
	Right   Expr      `parser:"@@"`
	On      []Expr    `parser:"'on' @@ ( ',' @@ )*"`
}

// UnionOp concatenates tables; names may contain wildcards (union Device*).
type UnionOp struct {
	Span
	Options []*Option    `parser:"'union' @@*"`
	Tables  []*TableItem `parser:"@@ ( ',' @@ )*"`
}

// TableItem is a name pattern or an expression: a table in union, find or search
// (T*, a subquery in parentheses, a function call, database("d").T), or a column
// in find's project list (Name, pack_all()).
type TableItem struct {
	Span
	Pattern *NamePattern `parser:"  @@"`
	X       Expr         `parser:"| @@"`
}

func (o *JoinOp) format(p *printer) {
	p.s("join ")
	options(p, o.Options)
	p.node(o.Right)
	if len(o.On) > 0 {
		p.s(" on ")
		list(p, ", ", o.On)
	}
}

func (o *LookupOp) format(p *printer) {
	p.s("lookup ")
	options(p, o.Options)
	p.node(o.Right)
	p.s(" on ")
	list(p, ", ", o.On)
}

func (o *UnionOp) format(p *printer) {
	p.s("union ")
	options(p, o.Options)
	list(p, ", ", o.Tables)
}

func (t *TableItem) format(p *printer) {
	if t.Pattern != nil {
		p.node(t.Pattern)
		return
	}
	p.node(t.X)
}
