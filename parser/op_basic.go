package parser

// WhereOp filters rows: `where Predicate`. `filter` is an old spelling.
// https://learn.microsoft.com/kusto/query/where-operator
type WhereOp struct {
	Span
	Pred Expr `parser:"( 'where' | 'filter' ) @@"`
}

// ProjectOp selects, renames and computes columns.
// https://learn.microsoft.com/kusto/query/project-operator
type ProjectOp struct {
	Span
	Columns []*NamedExpr `parser:"'project' ( @@ ( ',' @@ )* )?"`
}

// ProjectAwayOp removes columns; names may contain wildcards.
type ProjectAwayOp struct {
	Span
	Columns []*NamePattern `parser:"'project-away' @@ ( ',' @@ )*"`
}

// ProjectKeepOp keeps only the matching columns, in their current order.
type ProjectKeepOp struct {
	Span
	Columns []*NamePattern `parser:"'project-keep' @@ ( ',' @@ )*"`
}

// ProjectRenameOp renames columns: `project-rename New = Old, ...`.
type ProjectRenameOp struct {
	Span
	Renames []*Rename `parser:"'project-rename' @@ ( ',' @@ )*"`
}

// Rename is one `New = Old` pair.
type Rename struct {
	Span
	New *Name `parser:"@@ '='"`
	Old *Name `parser:"@@"`
}

// ProjectReorderOp moves the matching columns to the front, optionally sorted.
type ProjectReorderOp struct {
	Span
	Columns []*ReorderKey `parser:"'project-reorder' @@ ( ',' @@ )*"`
}

// ReorderKey is a column pattern with an optional ordering of the matches.
type ReorderKey struct {
	Span
	Pattern *NamePattern `parser:"@@"`
	Order   string       `parser:"@( 'asc' | 'desc' | 'granny-asc' | 'granny-desc' )?"`
}

// ProjectByNamesOp projects the columns whose names the expressions give.
type ProjectByNamesOp struct {
	Span
	Columns []*NamedExpr `parser:"'project-by-names' ( @@ ( ',' @@ )* )?"`
}

// ExtendOp adds computed columns.
// https://learn.microsoft.com/kusto/query/extend-operator
type ExtendOp struct {
	Span
	Columns []*NamedExpr `parser:"'extend' @@ ( ',' @@ )*"`
}

// CountOp returns the number of input rows as a single Count column.
type CountOp struct {
	Span
	Keyword bool  `parser:"@'count'"`
	As      *Name `parser:"( 'as' @@ )?"`
}

// TakeOp returns up to N rows. `limit` is an old spelling.
type TakeOp struct {
	Span
	Options []*Option `parser:"( 'take' | 'limit' ) @@*"`
	Count   Expr      `parser:"@@"`
}

// SortOp orders rows. `order by` is an old spelling.
type SortOp struct {
	Span
	Options []*Option  `parser:"( 'sort' | 'order' ) @@* 'by'"`
	Keys    []*SortKey `parser:"@@ ( ',' @@ )*"`
}

// TopOp returns the first N rows by the given keys.
type TopOp struct {
	Span
	Count Expr       `parser:"'top' @@"`
	Keys  []*SortKey `parser:"'by' @@ ( ',' @@ )*"`
}

// SampleOp returns up to N rows picked at random.
type SampleOp struct {
	Span
	Options []*Option `parser:"'sample' @@*"`
	Count   Expr      `parser:"@@"`
}

// SampleDistinctOp returns up to N distinct values of a column.
type SampleDistinctOp struct {
	Span
	Options []*Option `parser:"'sample-distinct' @@*"`
	Count   Expr      `parser:"@@"`
	Of      Expr      `parser:"'of' @@"`
}

// SerializeOp marks the row order as fixed so row functions may run, optionally
// adding columns.
type SerializeOp struct {
	Span
	Columns []*NamedExpr `parser:"'serialize' ( @@ ( ',' @@ )* )?"`
}

// DistinctOp returns the distinct combinations of the given columns (or all with *).
type DistinctOp struct {
	Span
	Options []*Option    `parser:"'distinct' @@*"`
	Star    bool         `parser:"( @'*'"`
	Columns []*NamedExpr `parser:"| @@ ( ',' @@ )* )"`
}

// AsOp names its input for later reference (e.g. by search or find).
type AsOp struct {
	Span
	Options []*Option `parser:"'as' @@*"`
	Name    *Name     `parser:"@@"`
}

// GetSchemaOp returns the input's schema as rows.
type GetSchemaOp struct {
	Span
	Keyword bool `parser:"@'getschema'"`
}

// ConsumeOp reads its input and returns nothing.
type ConsumeOp struct {
	Span
	Options []*Option `parser:"'consume' @@*"`
}

// InvokeOp calls a tabular function with the input as its first argument.
type InvokeOp struct {
	Span
	Call Expr `parser:"'invoke' @@"`
}

// EvaluateOp runs a plugin: `evaluate bag_unpack(Col)`.
type EvaluateOp struct {
	Span
	Options []*Option `parser:"'evaluate' @@*"`
	Call    Expr      `parser:"@@"`
	Schema  *Schema   `parser:"( ':' @@ )?"`
}

func (o *WhereOp) format(p *printer) { p.s("where "); p.node(o.Pred) }
func (o *ProjectOp) format(p *printer) {
	p.s("project")
	if len(o.Columns) > 0 {
		p.s(" ")
	}
	list(p, ", ", o.Columns)
}
func (o *ProjectAwayOp) format(p *printer) { p.s("project-away "); list(p, ", ", o.Columns) }
func (o *ProjectKeepOp) format(p *printer) { p.s("project-keep "); list(p, ", ", o.Columns) }
func (o *ProjectRenameOp) format(p *printer) {
	p.s("project-rename ")
	list(p, ", ", o.Renames)
}
func (r *Rename) format(p *printer) { p.node(r.New); p.s(" = "); p.node(r.Old) }
func (o *ProjectReorderOp) format(p *printer) {
	p.s("project-reorder ")
	list(p, ", ", o.Columns)
}
func (k *ReorderKey) format(p *printer) {
	p.node(k.Pattern)
	if k.Order != "" {
		p.s(" ", k.Order)
	}
}
func (o *ProjectByNamesOp) format(p *printer) {
	p.s("project-by-names")
	if len(o.Columns) > 0 {
		p.s(" ")
	}
	list(p, ", ", o.Columns)
}
func (o *ExtendOp) format(p *printer) { p.s("extend "); list(p, ", ", o.Columns) }
func (o *CountOp) format(p *printer) {
	p.s("count")
	p.opt(" as ", o.As)
}
func (o *TakeOp) format(p *printer) {
	p.s("take ")
	options(p, o.Options)
	p.node(o.Count)
}
func (o *SortOp) format(p *printer) {
	p.s("sort ")
	options(p, o.Options)
	p.s("by ")
	list(p, ", ", o.Keys)
}
func (o *TopOp) format(p *printer) {
	p.s("top ")
	p.node(o.Count)
	p.s(" by ")
	list(p, ", ", o.Keys)
}
func (o *SampleOp) format(p *printer) {
	p.s("sample ")
	options(p, o.Options)
	p.node(o.Count)
}
func (o *SampleDistinctOp) format(p *printer) {
	p.s("sample-distinct ")
	options(p, o.Options)
	p.node(o.Count)
	p.s(" of ")
	p.node(o.Of)
}
func (o *SerializeOp) format(p *printer) {
	p.s("serialize")
	if len(o.Columns) > 0 {
		p.s(" ")
	}
	list(p, ", ", o.Columns)
}
func (o *DistinctOp) format(p *printer) {
	p.s("distinct ")
	options(p, o.Options)
	if o.Star {
		p.s("*")
		return
	}
	list(p, ", ", o.Columns)
}
func (o *AsOp) format(p *printer) {
	p.s("as ")
	options(p, o.Options)
	p.node(o.Name)
}
func (o *GetSchemaOp) format(p *printer) { p.s("getschema") }
func (o *ConsumeOp) format(p *printer) {
	p.s("consume")
	for _, opt := range o.Options {
		p.s(" ")
		p.node(opt)
	}
}
func (o *InvokeOp) format(p *printer) { p.s("invoke "); p.node(o.Call) }
func (o *EvaluateOp) format(p *printer) {
	p.s("evaluate ")
	options(p, o.Options)
	p.node(o.Call)
	p.opt(" : ", o.Schema)
}
