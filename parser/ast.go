package parser

import "github.com/alecthomas/participle/v2/lexer"

// Position is a place in the query text: byte offset, 1-based line and column.
type Position = lexer.Position

// Span records where a node starts and where the text after it begins. Every node
// embeds one, so any later stage can point an error at the query text.
type Span struct {
	Pos    Position
	EndPos Position
}

// Start is the position of the node's first character.
func (s Span) Start() Position { return s.Pos }

// End is the position just after the node (the start of the next token).
func (s Span) End() Position { return s.EndPos }

// Node is any element of the syntax tree.
type Node interface {
	Start() Position
	End() Position
	format(p *printer)
}

// Expr is a scalar expression, or a tabular one where KQL allows a query in an
// expression's place (a parenthesised pipeline, a function argument, an in-list).
type Expr interface {
	Node
	exprNode()
}

// Name is an identifier: a plain word, $left/$right, or a bracketed ['any text'].
type Name struct {
	Span
	Value string
}

// NameRef is a bare name used as an expression: a column, a let-bound value or a table.
type NameRef struct {
	Span
	Name string
}

// StarExpr is '*' where an expression stands for "all columns", as in arg_max(T, *)
// or `where * has "x"`.
type StarExpr struct{ Span }

// BinaryExpr is a binary operation. Op is the operator as written in canonical form:
// arithmetic (+ - * / %), comparison (== != < <= > >= =~ !~), the string operators
// (has, !has, contains_cs, startswith, "matches regex", ...) and the logical and/or.
type BinaryExpr struct {
	Span
	Op          string
	Left, Right Expr
}

// UnaryExpr is a prefix '-' or '+'.
type UnaryExpr struct {
	Span
	Op string
	X  Expr
}

// InExpr is one of the set-membership operators whose right side is a list or a
// subquery: in, !in, in~, !in~, has_any, has_all, and their negations.
type InExpr struct {
	Span
	Op   string
	Left Expr
	List []Expr
}

// BetweenExpr is `X between (Low .. High)` or its negation.
type BetweenExpr struct {
	Span
	Not       bool
	Left      Expr
	Low, High Expr
}

// CallExpr calls a function. Receiver is set for the dotted form used by
// cluster("c").database("d").
type CallExpr struct {
	Span
	Receiver Expr
	Name     string
	Args     []Expr
}

// NamedArg is `name = value` inside a call's argument list.
type NamedArg struct {
	Span
	Name  string
	Value Expr
}

// MemberExpr is `X.Name`: a dynamic property, $left.Col, or database("d").Table.
type MemberExpr struct {
	Span
	X    Expr
	Name string
}

// IndexExpr is `X[Index]`: an array element or a dynamic property by name.
type IndexExpr struct {
	Span
	X     Expr
	Index Expr
}

// ParenExpr keeps the parentheses the author wrote, so printing keeps grouping.
type ParenExpr struct {
	Span
	X Expr
}

// ListExpr is a parenthesised list of several expressions, the right side of `in`.
type ListExpr struct {
	Span
	Items []Expr
}

// PipeExpr is a tabular expression: a source followed by piped operators.
type PipeExpr struct {
	Span
	Source Source     `parser:"@@"`
	Ops    []Operator `parser:"( '|' @@ )*"`
}

func (*NameRef) exprNode()     {}
func (*StarExpr) exprNode()    {}
func (*BinaryExpr) exprNode()  {}
func (*UnaryExpr) exprNode()   {}
func (*InExpr) exprNode()      {}
func (*BetweenExpr) exprNode() {}
func (*CallExpr) exprNode()    {}
func (*NamedArg) exprNode()    {}
func (*MemberExpr) exprNode()  {}
func (*IndexExpr) exprNode()   {}
func (*ParenExpr) exprNode()   {}
func (*ListExpr) exprNode()    {}
func (*PipeExpr) exprNode()    {}
func (*Literal) exprNode()     {}
func (*DynamicLit) exprNode()  {}

// Source is what a pipeline starts with: an expression (usually a table name) or
// one of the operators that produce rows by themselves (union, datatable, range,
// print, search, find, externaldata, evaluate).
type Source interface {
	Node
	sourceNode()
}

// ExprSource is a pipeline source that is an expression: T, T(), view(), database("d").T.
type ExprSource struct {
	Span
	X Expr `parser:"@@"`
}

func (*ExprSource) sourceNode() {}

// Operator is one tabular operator after a pipe.
type Operator interface {
	Node
	opNode()
}

// EntityGroupExpr is `entity_group [e1, e2, ...]`, the entities macro-expand runs over.
type EntityGroupExpr struct {
	Span
	Items []Expr
}

// TypeofExpr is `typeof(type)` or a schema `typeof(*, Col:type, ...)` as plugins
// take for their output.
type TypeofExpr struct {
	Span
	Items []*SchemaItem `parser:"'typeof' '(' @@ ( ',' @@ )* ')'"`
}

func (*EntityGroupExpr) exprNode() {}
func (*TypeofExpr) exprNode()      {}
