package parser

// ParseOp extracts columns from a string by a pattern of literals, '*' and typed
// column names. Options: kind=simple|regex|relaxed, flags=...
// https://learn.microsoft.com/kusto/query/parse-operator
type ParseOp struct {
	Span
	Options []*Option    `parser:"'parse' @@*"`
	X       Expr         `parser:"@@"`
	Pattern []*ParseItem `parser:"'with' @@+"`
}

// ParseWhereOp is parse that drops the rows the pattern does not match.
type ParseWhereOp struct {
	Span
	Options []*Option    `parser:"'parse-where' @@*"`
	X       Expr         `parser:"@@"`
	Pattern []*ParseItem `parser:"'with' @@+"`
}

// ParseItem is one element of a parse pattern: '*', a string, or Column[:type].
type ParseItem struct {
	Span
	Star   bool     `parser:"  @'*'"`
	Text   *Literal `parser:"| @@"`
	Column *Name    `parser:"| @@"`
	Type   *Name    `parser:"  ( ':' @@ )?"`
}

// ParseKvOp extracts key=value pairs into typed columns.
type ParseKvOp struct {
	Span
	X       Expr          `parser:"'parse-kv' @@"`
	Columns []*ColumnDecl `parser:"'as' '(' @@ ( ',' @@ )* ','? ')'"`
	With    []*Setting    `parser:"( 'with' '(' @@ ( ',' @@ )* ')' )?"`
}

// Setting is `name = value` in a `with (...)` property list.
type Setting struct {
	Span
	Name  *Name `parser:"@@ '='"`
	Value Expr  `parser:"@@"`
}

func (o *ParseOp) format(p *printer) {
	p.s("parse ")
	options(p, o.Options)
	p.node(o.X)
	p.s(" with ")
	list(p, " ", o.Pattern)
}

func (o *ParseWhereOp) format(p *printer) {
	p.s("parse-where ")
	options(p, o.Options)
	p.node(o.X)
	p.s(" with ")
	list(p, " ", o.Pattern)
}

func (i *ParseItem) format(p *printer) {
	switch {
	case i.Star:
		p.s("*")
	case i.Text != nil:
		p.node(i.Text)
	default:
		p.node(i.Column)
		p.opt(":", i.Type)
	}
}

func (o *ParseKvOp) format(p *printer) {
	p.s("parse-kv ")
	p.node(o.X)
	p.s(" as (")
	list(p, ", ", o.Columns)
	p.s(")")
	if len(o.With) > 0 {
		p.s(" with (")
		list(p, ", ", o.With)
		p.s(")")
	}
}

func (s *Setting) format(p *printer) {
	p.node(s.Name)
	p.s("=")
	p.node(s.Value)
}
