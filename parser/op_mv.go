package parser

// MvExpandOp turns each element of a dynamic array or bag into its own row.
// `mvexpand` is an old spelling.
// https://learn.microsoft.com/kusto/query/mv-expand-operator
type MvExpandOp struct {
	Span
	Options []*Option       `parser:"( 'mv-expand' | 'mvexpand' ) @@*"`
	Items   []*MvExpandItem `parser:"@@ ( ',' @@ )*"`
	Limit   Expr            `parser:"( 'limit' @@ )?"`
}

// MvExpandItem is one expanded column with an optional `to typeof(type)`.
type MvExpandItem struct {
	Span
	X  *NamedExpr `parser:"@@"`
	To *TypeRef   `parser:"( 'to' @@ )?"`
}

// MvApplyOp applies a subquery to each row's expanded arrays.
type MvApplyOp struct {
	Span
	Options []*Option       `parser:"( 'mv-apply' | 'mvapply' ) @@*"`
	Items   []*MvExpandItem `parser:"@@ ( ',' @@ )*"`
	Limit   Expr            `parser:"( 'limit' @@ )?"`
	On      *SubQuery       `parser:"'on' @@"`
}

func (o *MvExpandOp) format(p *printer) {
	p.s("mv-expand ")
	options(p, o.Options)
	list(p, ", ", o.Items)
	p.opt(" limit ", o.Limit)
}

func (i *MvExpandItem) format(p *printer) {
	p.node(i.X)
	p.opt(" to ", i.To)
}

func (o *MvApplyOp) format(p *printer) {
	p.s("mv-apply ")
	options(p, o.Options)
	list(p, ", ", o.Items)
	p.opt(" limit ", o.Limit)
	p.s(" on ")
	p.node(o.On)
}
