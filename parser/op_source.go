package parser

// Operators that produce rows by themselves and can start a pipeline.

// DatatableOp is an inline table: `datatable(a:string, b:long) ["x", 1, "y", 2]`.
type DatatableOp struct {
	Span
	Columns []*ColumnDecl `parser:"'datatable' '(' @@ ( ',' @@ )* ','? ')'"`
	Values  []Expr        `parser:"'[' ( @@ ( ',' @@ )* ','? )? ']'"`
}

// RangeOp generates a single-column table of values: `range x from 1 to 10 step 1`.
type RangeOp struct {
	Span
	Column *Name `parser:"'range' @@"`
	From   Expr  `parser:"'from' @@"`
	To     Expr  `parser:"'to' @@"`
	Step   Expr  `parser:"'step' @@"`
}

// PrintOp outputs one row of computed columns.
type PrintOp struct {
	Span
	Columns []*NamedExpr `parser:"'print' ( @@ ( ',' @@ )* )?"`
}

// ExternalDataOp reads a table from external storage. The parser accepts it; the
// engine refuses sources that an allow-list does not permit.
type ExternalDataOp struct {
	Span
	Columns []*ColumnDecl `parser:"( 'externaldata' | 'external_data' ) '(' @@ ( ',' @@ )* ','? ')'"`
	URIs    []Expr        `parser:"'[' ( @@ ( ',' @@ )* ','? )? ']'"`
	With    []*Setting    `parser:"( 'with' '(' ( @@ ( ',' @@ )* ','? )? ')' )?"`
}

// SearchOp finds rows where any column matches: `search "x"`, `search in (T*) x has "y"`.
type SearchOp struct {
	Span
	Options []*Option    `parser:"'search' @@*"`
	In      []*TableItem `parser:"( 'in' '(' @@ ( ',' @@ )* ')' )?"`
	Pred    Expr         `parser:"@@"`
}

// FindOp finds rows across tables: `find in (T1, T2) where x project a, b`.
type FindOp struct {
	Span
	Options      []*Option     `parser:"'find' @@*"`
	In           []*TableItem  `parser:"( 'in' '(' @@ ( ',' @@ )* ')' )?"`
	Pred         Expr          `parser:"'where'? @@"`
	ProjectSmart bool          `parser:"( @'project-smart'"`
	Project      []*FindColumn `parser:"| 'project' @@ ( ',' @@ )* )?"`
}

// FindColumn is a column of find's project list, with an optional type.
type FindColumn struct {
	Span
	Item *TableItem `parser:"@@"`
	Type *Name      `parser:"( ':' @@ )?"`
}

func (c *FindColumn) format(p *printer) {
	p.node(c.Item)
	p.opt(":", c.Type)
}

func (*DatatableOp) sourceNode()    {}
func (*RangeOp) sourceNode()        {}
func (*PrintOp) sourceNode()        {}
func (*ExternalDataOp) sourceNode() {}
func (*SearchOp) sourceNode()       {}
func (*FindOp) sourceNode()         {}
func (*UnionOp) sourceNode()        {}
func (*EvaluateOp) sourceNode()     {}
func (*MacroExpandOp) sourceNode()  {}

func (o *DatatableOp) format(p *printer) {
	p.s("datatable(")
	list(p, ", ", o.Columns)
	p.s(") [")
	list(p, ", ", o.Values)
	p.s("]")
}

func (o *RangeOp) format(p *printer) {
	p.s("range ")
	p.node(o.Column)
	p.s(" from ")
	p.node(o.From)
	p.s(" to ")
	p.node(o.To)
	p.s(" step ")
	p.node(o.Step)
}

func (o *PrintOp) format(p *printer) {
	p.s("print")
	if len(o.Columns) > 0 {
		p.s(" ")
	}
	list(p, ", ", o.Columns)
}

func (o *ExternalDataOp) format(p *printer) {
	p.s("externaldata(")
	list(p, ", ", o.Columns)
	p.s(") [")
	list(p, ", ", o.URIs)
	p.s("]")
	if o.With != nil {
		p.s(" with (")
		list(p, ", ", o.With)
		p.s(")")
	}
}

func (o *SearchOp) format(p *printer) {
	p.s("search ")
	options(p, o.Options)
	if len(o.In) > 0 {
		p.s("in (")
		list(p, ", ", o.In)
		p.s(") ")
	}
	p.node(o.Pred)
}

func (o *FindOp) format(p *printer) {
	p.s("find ")
	options(p, o.Options)
	if len(o.In) > 0 {
		p.s("in (")
		list(p, ", ", o.In)
		p.s(") ")
	}
	p.s("where ")
	p.node(o.Pred)
	if o.ProjectSmart {
		p.s(" project-smart")
	} else if len(o.Project) > 0 {
		p.s(" project ")
		list(p, ", ", o.Project)
	}
}

// InlineExternalTableOp defines an external table inline, with its partitioning,
// path format, data format and storage URIs. The engine refuses to read it unless
// an allow-list permits the source.
type InlineExternalTableOp struct {
	Span
	Columns    []*ColumnDecl `parser:"'inline_external_table' ( '(' @@ ( ',' @@ )* ','? ')' )?"`
	Kind       string        `parser:"( 'kind' '=' @Ident )?"`
	Partitions []*Param      `parser:"( 'partition' 'by' '(' @@ ( ',' @@ )* ')' )?"`
	PathFormat []Expr        `parser:"( 'pathformat' '=' '(' @@* ')' )?"`
	DataFormat string        `parser:"( 'dataformat' '=' @Ident )?"`
	URIs       []Expr        `parser:"'(' @@ ( ',' @@ )* ','? ')'"`
	With       []*Setting    `parser:"( 'with' '(' ( @@ ( ',' @@ )* ','? )? ')' )?"`
}

func (*InlineExternalTableOp) sourceNode() {}

func (o *InlineExternalTableOp) format(p *printer) {
	p.s("inline_external_table")
	if len(o.Columns) > 0 {
		p.s("(")
		list(p, ", ", o.Columns)
		p.s(")")
	}
	if o.Kind != "" {
		p.s(" kind=", o.Kind)
	}
	if len(o.Partitions) > 0 {
		p.s(" partition by (")
		list(p, ", ", o.Partitions)
		p.s(")")
	}
	if len(o.PathFormat) > 0 {
		p.s(" pathformat=(")
		list(p, " ", o.PathFormat)
		p.s(")")
	}
	if o.DataFormat != "" {
		p.s(" dataformat=", o.DataFormat)
	}
	p.s(" (")
	list(p, ", ", o.URIs)
	p.s(")")
	if o.With != nil {
		p.s(" with (")
		list(p, ", ", o.With)
		p.s(")")
	}
}
