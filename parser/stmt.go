package parser

// Query is the root of a parsed query: its statements in order, separated by ';'.
type Query struct {
	Span
	Statements []Statement `parser:"';'* ( @@ ( ';'+ @@ )* ';'* )?"`
}

// Statement is one statement of a query: let, set, declare, alias, restrict, or a
// tabular expression.
type Statement interface {
	Node
	stmtNode()
}

// LetStmt binds a name to a scalar, a tabular expression or a function:
//
//	let n = 10;  let T = DeviceEvents | where ...;  let f = (a:string, n:long = 5) { ... };
type LetStmt struct {
	Span
	Name  *Name     `parser:"'let' @@ '='"`
	Func  *FuncDef  `parser:"( @@"`
	Value *PipeExpr `parser:"| @@ )"`
}

// FuncDef is a user-defined function: parameters and a body of statements. View
// marks `view (...) { ... }`, a function that union * includes.
type FuncDef struct {
	Span
	View   bool        `parser:"@'view'?"`
	Params []*Param    `parser:"'(' ( @@ ( ',' @@ )* )? ')'"`
	Body   []Statement `parser:"'{' ';'* ( @@ ( ';'+ @@ )* ';'* )? '}'"`
}

// Param is a function or query parameter: a scalar `name:type [= default]` or a
// tabular `T:(Col:type, ..., *)`.
type Param struct {
	Span
	Name    *Name         `parser:"@@ ':'"`
	Tabular bool          `parser:"( @'('"`
	AnyCols bool          `parser:"  ( @'*'"`
	Columns []*ColumnDecl `parser:"  | @@ ( ',' @@ )* ) ')'"`
	Type    *Name         `parser:"| @@ )"`
	Default Expr          `parser:"( '=' @@ )?"`
}

// ColumnDecl is `Name:type`, used by datatable, externaldata, parse-kv and schemas.
type ColumnDecl struct {
	Span
	Name *Name `parser:"@@ ':'"`
	Type *Name `parser:"@@"`
}

// Schema is a parenthesised column list that may include '*' for "the input's
// other columns", as in evaluate bag_unpack(d) : (*, Name:string).
type Schema struct {
	Span
	Items []*SchemaItem `parser:"'(' ( @@ ( ',' @@ )* ','? )? ')'"`
}

// SchemaItem is a column declaration or '*'.
type SchemaItem struct {
	Span
	Star   bool        `parser:"  @'*'"`
	Column *ColumnDecl `parser:"| @@"`
	Type   *Name       `parser:"| @@"`
}

func (s *Schema) format(p *printer) {
	p.s("(")
	list(p, ", ", s.Items)
	p.s(")")
}

func (s *SchemaItem) format(p *printer) {
	switch {
	case s.Star:
		p.s("*")
	case s.Column != nil:
		p.node(s.Column)
	default:
		p.node(s.Type)
	}
}

// SetStmt sets a request option: `set notruncation;`, `set query_now = datetime(...)`.
type SetStmt struct {
	Span
	Name  *DottedName `parser:"'set' @@"`
	Value Expr        `parser:"( '=' @@ )?"`
}

// DeclareStmt declares query parameters: `declare query_parameters(n:long = 10);`.
type DeclareStmt struct {
	Span
	Params []*Param `parser:"'declare' 'query_parameters' '(' ( @@ ( ',' @@ )* )? ')'"`
}

// PatternStmt declares a pattern: `declare pattern p;` or with a definition.
type PatternStmt struct {
	Span
	Name       *Name          `parser:"'declare' 'pattern' @@"`
	Params     []*Param       `parser:"( '=' '(' ( @@ ( ',' @@ )* )? ')'"`
	PathParams []*Param       `parser:"  ( '[' @@ ( ',' @@ )* ']' )?"`
	Rules      []*PatternRule `parser:"  '{' ( @@ ';'* )* '}' )?"`
}

// PatternRule is one `(args) { body }` entry of a pattern declaration.
type PatternRule struct {
	Span
	Args []Expr    `parser:"'(' ( @@ ( ',' @@ )* )? ')'"`
	Path *Name     `parser:"( '.' @@ )?"`
	Body *PipeExpr `parser:"'=' '{' @@ '}'"`
}

// AliasStmt is `alias database Name = cluster("c").database("d")`.
type AliasStmt struct {
	Span
	Name  *Name `parser:"'alias' 'database' @@ '='"`
	Value Expr  `parser:"@@"`
}

// RestrictStmt is `restrict access to (T1, T2, ...)`.
type RestrictStmt struct {
	Span
	Names []*TableItem `parser:"'restrict' 'access' 'to' '(' ( @@ ( ',' @@ )* )? ')'"`
}

// QueryStmt is a tabular (or scalar) expression statement.
type QueryStmt struct {
	Span
	Body *PipeExpr `parser:"@@"`
}

func (*LetStmt) stmtNode()      {}
func (*SetStmt) stmtNode()      {}
func (*DeclareStmt) stmtNode()  {}
func (*PatternStmt) stmtNode()  {}
func (*AliasStmt) stmtNode()    {}
func (*RestrictStmt) stmtNode() {}
func (*QueryStmt) stmtNode()    {}

func (q *Query) format(p *printer) {
	for i, s := range q.Statements {
		if i > 0 {
			p.s(";\n")
		}
		if qs, ok := s.(*QueryStmt); ok {
			// Top-level pipelines get one operator per line.
			p.node(qs.Body.Source)
			for _, op := range qs.Body.Ops {
				p.s("\n| ")
				p.node(op)
			}
			continue
		}
		p.node(s)
	}
}

func (s *LetStmt) format(p *printer) {
	p.s("let ")
	p.node(s.Name)
	p.s(" = ")
	if s.Func != nil {
		p.node(s.Func)
	} else {
		p.node(s.Value)
	}
}

func (f *FuncDef) format(p *printer) {
	if f.View {
		p.s("view ")
	}
	p.s("(")
	list(p, ", ", f.Params)
	p.s(") { ")
	list(p, "; ", f.Body)
	p.s(" }")
}

func (pr *Param) format(p *printer) {
	p.node(pr.Name)
	p.s(":")
	if pr.Tabular {
		p.s("(")
		if pr.AnyCols {
			p.s("*")
		}
		list(p, ", ", pr.Columns)
		p.s(")")
	} else {
		p.node(pr.Type)
	}
	if pr.Default != nil {
		p.s(" = ")
		p.node(pr.Default)
	}
}

func (c *ColumnDecl) format(p *printer) {
	p.node(c.Name)
	p.s(":")
	p.node(c.Type)
}

func (s *SetStmt) format(p *printer) {
	p.s("set ")
	p.node(s.Name)
	p.opt(" = ", s.Value)
}

func (s *DeclareStmt) format(p *printer) {
	p.s("declare query_parameters(")
	list(p, ", ", s.Params)
	p.s(")")
}

func (s *PatternStmt) format(p *printer) {
	p.s("declare pattern ")
	p.node(s.Name)
	if s.Params != nil || s.Rules != nil {
		p.s(" = (")
		list(p, ", ", s.Params)
		p.s(")")
		if len(s.PathParams) > 0 {
			p.s("[")
			list(p, ", ", s.PathParams)
			p.s("]")
		}
		p.s(" { ")
		for _, r := range s.Rules {
			p.node(r)
			p.s("; ")
		}
		p.s("}")
	}
}

func (r *PatternRule) format(p *printer) {
	p.s("(")
	list(p, ", ", r.Args)
	p.s(")")
	p.opt(".", r.Path)
	p.s(" = { ")
	p.node(r.Body)
	p.s(" }")
}

func (s *AliasStmt) format(p *printer) {
	p.s("alias database ")
	p.node(s.Name)
	p.s(" = ")
	p.node(s.Value)
}

func (s *RestrictStmt) format(p *printer) {
	p.s("restrict access to (")
	list(p, ", ", s.Names)
	p.s(")")
}

func (s *QueryStmt) format(p *printer) { p.node(s.Body) }
