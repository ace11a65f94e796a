package parser

// SummarizeOp groups rows and aggregates them.
// https://learn.microsoft.com/kusto/query/summarize-operator
type SummarizeOp struct {
	Span
	Options []*Hint      `parser:"'summarize' @@*"`
	Aggs    []*NamedExpr `parser:"( @@ ( ',' @@ )* )?"`
	By      []*NamedExpr `parser:"( 'by' @@ ( ',' @@ )* )?"`
}

// MakeSeriesOp builds arrays of aggregated values over a range of an axis.
// The old form `on Timestamp in range(start, stop, step)` parses as an InExpr in On.
type MakeSeriesOp struct {
	Span
	Options []*Option    `parser:"'make-series' @@*"`
	Aggs    []*SeriesAgg `parser:"@@ ( ',' @@ )*"`
	On      Expr         `parser:"'on' @@"`
	From    Expr         `parser:"( 'from' @@ )?"`
	To      Expr         `parser:"( 'to' @@ )?"`
	Step    Expr         `parser:"( 'step' @@ )?"`
	By      []*NamedExpr `parser:"( 'by' @@ ( ',' @@ )* )?"`
}

// SeriesAgg is one make-series aggregation with its default for empty bins.
type SeriesAgg struct {
	Span
	Agg     *NamedExpr `parser:"@@"`
	Default Expr       `parser:"( 'default' '=' @@ )?"`
}

// TopNestedOp produces hierarchical top results, one level per clause.
type TopNestedOp struct {
	Span
	Levels []*TopNestedLevel `parser:"'top-nested' @@ ( ',' 'top-nested' @@ )*"`
}

// TopNestedLevel is `[N] of Expr [with others = Expr] by Agg [asc|desc]`.
type TopNestedLevel struct {
	Span
	Count  Expr       `parser:"@@?"`
	Of     *NamedExpr `parser:"'of' @@"`
	Others Expr       `parser:"( 'with' 'others' '=' @@ )?"`
	By     *NamedExpr `parser:"'by' @@"`
	Order  string     `parser:"@( 'asc' | 'desc' )?"`
}

// TopHittersOp approximates the N most frequent values: `top-hitters N of X [by W]`.
type TopHittersOp struct {
	Span
	Count Expr `parser:"'top-hitters' @@"`
	Of    Expr `parser:"'of' @@"`
	By    Expr `parser:"( 'by' @@ )?"`
}

func (o *SummarizeOp) format(p *printer) {
	p.s("summarize")
	for _, opt := range o.Options {
		p.s(" ")
		p.node(opt)
	}
	if len(o.Aggs) > 0 {
		p.s(" ")
		list(p, ", ", o.Aggs)
	}
	if len(o.By) > 0 {
		p.s(" by ")
		list(p, ", ", o.By)
	}
}

func (o *MakeSeriesOp) format(p *printer) {
	p.s("make-series ")
	options(p, o.Options)
	list(p, ", ", o.Aggs)
	p.s(" on ")
	p.node(o.On)
	p.opt(" from ", o.From)
	p.opt(" to ", o.To)
	p.opt(" step ", o.Step)
	if len(o.By) > 0 {
		p.s(" by ")
		list(p, ", ", o.By)
	}
}

func (a *SeriesAgg) format(p *printer) {
	p.node(a.Agg)
	p.opt(" default = ", a.Default)
}

func (o *TopNestedOp) format(p *printer) {
	for i, l := range o.Levels {
		if i > 0 {
			p.s(", ")
		}
		p.s("top-nested ")
		p.node(l)
	}
}

func (l *TopNestedLevel) format(p *printer) {
	if l.Count != nil {
		p.node(l.Count)
		p.s(" ")
	}
	p.s("of ")
	p.node(l.Of)
	p.opt(" with others = ", l.Others)
	p.s(" by ")
	p.node(l.By)
	if l.Order != "" {
		p.s(" ", l.Order)
	}
}

func (o *TopHittersOp) format(p *printer) {
	p.s("top-hitters ")
	p.node(o.Count)
	p.s(" of ")
	p.node(o.Of)
	p.opt(" by ", o.By)
}
