package parser

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// RenderOp asks the client to draw the result: `render timechart with (title="x")`.
// The engine keeps it as a visualisation hint on the result.
type RenderOp struct {
	Span
	Chart *Name         `parser:"'render' @@"`
	Props []*RenderProp `parser:"( 'with' '(' ( @@ ( ',' @@ )* )? ')' )?"`
}

// RenderProp is one render property; ycolumns and similar take several names.
type RenderProp struct {
	Span
	Name   *Name
	Values []Expr
}

// Parse reads `name = value[, value...]`, where a further value is a comma followed
// by anything but another `name =`.
func (r *RenderProp) Parse(lex *lexer.PeekingLexer) error {
	cp := lex.MakeCheckpoint()
	r.Pos = lex.Peek().Pos
	var n Name
	if err := n.Parse(lex); err != nil {
		return err
	}
	if t := lex.Peek(); t.Type != tOp || t.Value != "=" {
		lex.LoadCheckpoint(cp)
		return participle.NextMatch
	}
	lex.Next()
	r.Name = &n
	for {
		v, err := parseExpr(lex)
		if err == participle.NextMatch {
			return expectedAfter(lex.Peek(), "a value", n.Value+"=")
		}
		if err != nil {
			return err
		}
		r.Values = append(r.Values, v)
		if t := lex.Peek(); t.Type != tOp || t.Value != "," {
			break
		}
		next := lex.MakeCheckpoint()
		lex.Next()
		if names, _ := assignTarget(lex); names != nil {
			lex.LoadCheckpoint(next)
			break
		}
	}
	r.EndPos = lex.Peek().Pos
	return nil
}

// FacetOp returns one table per faceted column, plus the input (optionally
// transformed by `with (...)`).
type FacetOp struct {
	Span
	Columns []*Name   `parser:"'facet' 'by' @@ ( ',' @@ )*"`
	With    *SubQuery `parser:"( 'with' @@ )?"`
}

// PartitionOp runs a subquery on each partition of the input.
type PartitionOp struct {
	Span
	Options []*Option `parser:"'partition' @@*"`
	By      *Name     `parser:"'by' @@"`
	Sub     *SubQuery `parser:"( @@"`
	Body    *PipeExpr `parser:"| '{' @@ '}' )"`
}

// ForkOp runs several subqueries over the same input.
type ForkOp struct {
	Span
	Branches []*ForkBranch `parser:"'fork' @@+"`
}

// ForkBranch is one `[name =] (subquery)` of fork.
type ForkBranch struct {
	Span
	Name *Name     `parser:"( @@ '=' )?"`
	Sub  *SubQuery `parser:"@@"`
}

// ReduceOp groups strings by similarity: `reduce by Col with threshold=0.1`.
type ReduceOp struct {
	Span
	Options []*Option  `parser:"'reduce' @@*"`
	By      Expr       `parser:"'by' @@"`
	With    []*Setting `parser:"( 'with' @@ ( ',' @@ )* )?"`
}

// ScanOp runs a state machine over ordered rows.
type ScanOp struct {
	Span
	Options []*Option   `parser:"'scan' @@*"`
	Declare []*Param    `parser:"( 'declare' '(' @@ ( ',' @@ )* ')' )?"`
	Steps   []*ScanStep `parser:"'with' '(' @@+ ')'"`
}

// ScanStep is `step Name [optional]: condition [=> assignments];`.
type ScanStep struct {
	Span
	Name     *Name      `parser:"'step' @@"`
	Optional bool       `parser:"@'optional'?"`
	Options  []*Option  `parser:"@@* ':'"`
	Cond     Expr       `parser:"@@"`
	Assign   []*Setting `parser:"( '=>' ( @@ ( ',' @@ )* )? )? ';'"`
}

// MacroExpandOp expands a query over an entity group.
type MacroExpandOp struct {
	Span
	Options []*Option   `parser:"'macro-expand' @@*"`
	Group   Expr        `parser:"@@"`
	As      *Name       `parser:"'as' @@"`
	Body    []Statement `parser:"'(' ';'* @@ ( ';'+ @@ )* ';'* ')'"`
}

func (o *RenderOp) format(p *printer) {
	p.s("render ")
	p.node(o.Chart)
	if o.Props != nil {
		p.s(" with (")
		list(p, ", ", o.Props)
		p.s(")")
	}
}

func (r *RenderProp) format(p *printer) {
	p.node(r.Name)
	p.s("=")
	list(p, ", ", r.Values)
}

func (o *FacetOp) format(p *printer) {
	p.s("facet by ")
	list(p, ", ", o.Columns)
	p.opt(" with ", o.With)
}

func (o *PartitionOp) format(p *printer) {
	p.s("partition ")
	options(p, o.Options)
	p.s("by ")
	p.node(o.By)
	if o.Sub != nil {
		p.s(" ")
		p.node(o.Sub)
		return
	}
	p.s(" { ")
	p.node(o.Body)
	p.s(" }")
}

func (o *ForkOp) format(p *printer) {
	p.s("fork")
	for _, b := range o.Branches {
		p.s(" ")
		p.node(b)
	}
}

func (b *ForkBranch) format(p *printer) {
	if b.Name != nil {
		p.node(b.Name)
		p.s(" = ")
	}
	p.node(b.Sub)
}

func (o *ReduceOp) format(p *printer) {
	p.s("reduce ")
	options(p, o.Options)
	p.s("by ")
	p.node(o.By)
	if len(o.With) > 0 {
		p.s(" with ")
		list(p, ", ", o.With)
	}
}

func (o *ScanOp) format(p *printer) {
	p.s("scan ")
	options(p, o.Options)
	if len(o.Declare) > 0 {
		p.s("declare (")
		list(p, ", ", o.Declare)
		p.s(") ")
	}
	p.s("with (")
	for _, s := range o.Steps {
		p.s(" ")
		p.node(s)
	}
	p.s(" )")
}

func (s *ScanStep) format(p *printer) {
	p.s("step ")
	p.node(s.Name)
	if s.Optional {
		p.s(" optional")
	}
	for _, o := range s.Options {
		p.s(" ")
		p.node(o)
	}
	p.s(": ")
	p.node(s.Cond)
	if s.Assign != nil {
		p.s(" => ")
		list(p, ", ", s.Assign)
	}
	p.s(";")
}

func (o *MacroExpandOp) format(p *printer) {
	p.s("macro-expand ")
	options(p, o.Options)
	p.node(o.Group)
	p.s(" as ")
	p.node(o.As)
	p.s(" (")
	list(p, "; ", o.Body)
	p.s(")")
}
