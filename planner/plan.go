// Package planner binds parsed queries against table schemas and turns them into
// plans: it resolves names, infers the type of every expression, reports every
// semantic error with its position, lowers KQL's operators to a small algebra
// and applies named rewrite rules (push-down into scans, pruning, top-N).
//
// The plan's Scan is storage-agnostic: it names a table, the columns needed, a
// time range and index predicates; the executor hands those to the store.
package planner

import (
	"github.com/spoorhq/spoor/functions"
	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// Column is one output column of a plan node.
type Column struct {
	Name string
	Type types.Type
}

// Node is a plan operator. Columns is its output schema.
type Node interface {
	Columns() []Column
	Inputs() []Node
}

// Expr is a bound, typed scalar expression over the columns of a node's input.
type Expr interface {
	Type() types.Type
	Span() parser.Span
}

// ColumnRef is input column Index.
type ColumnRef struct {
	At    parser.Span
	Index int
	Name  string
	T     types.Type
}

// Const is a constant value.
type Const struct {
	At parser.Span
	V  types.Value
}

// Call applies a function or operator from the catalogue.
type Call struct {
	At   parser.Span
	Fn   *functions.Spec
	Args []Expr
	T    types.Type
}

// Subquery is a tabular expression used as a value: the right side of `in`
// (Scalar false: a dynamic array of its first column) or toscalar() (Scalar
// true: its first row's first value). The executor runs it before the query.
type Subquery struct {
	At     parser.Span
	Plan   Node
	Scalar bool
	// Value is set by the executor once the subquery has run.
	Value *types.Value
}

// Type is dynamic for a list, else the first column's type.
func (q *Subquery) Type() types.Type {
	if q.Scalar && len(q.Plan.Columns()) > 0 {
		return q.Plan.Columns()[0].Type
	}
	return types.Dynamic
}

// Span is where the subquery is written.
func (q *Subquery) Span() parser.Span { return q.At }

func (c *ColumnRef) Type() types.Type  { return c.T }
func (c *Const) Type() types.Type      { return c.V.Type }
func (c *Call) Type() types.Type       { return c.T }
func (c *ColumnRef) Span() parser.Span { return c.At }
func (c *Const) Span() parser.Span     { return c.At }
func (c *Call) Span() parser.Span      { return c.At }

// Scan reads a table. Needed marks the table columns the rest of the plan uses;
// MinTime/MaxTime (datetime ticks, 0 = open) bound the time column; Preds are
// exact index predicates on string columns. The output has every table column,
// in table order; columns not needed are left empty by the executor.
type Scan struct {
	Table      string
	Cols       []Column
	TimeColumn string
	Needed     []bool
	MinTime    int64
	MaxTime    int64
	Preds      []IndexPred
	// Latest, when positive, says only the Latest rows with the latest
	// times are used (Earliest: the earliest), so the scan may stop early
	// (see topByTime).
	Latest   int
	Earliest bool
}

// IndexPred is a predicate the store answers with its indexes, exactly.
//
// Op is "has", "hasprefix" or "==" for the term and dictionary indexes; "has
// phrase" or "hasprefix phrase" for a needle of several terms; the name of a
// string operator the store evaluates with the function's kernel (contains,
// !startswith_cs, matches regex...); or, on a column stored as integers (int,
// long, datetime, timespan), "range" (Lo <= value <= Hi) and "in ints" (value
// is one of Ints), where a null value never matches.
type IndexPred struct {
	Column          string
	Op              string
	Values          []string
	CaseInsensitive bool
	// T is the column's type, Lo, Hi and Ints the bounds and values of an
	// integer predicate.
	T      types.Type
	Lo, Hi int64
	Ints   []int64
}

// Filter keeps the rows whose predicate is true (null and false rows go).
type Filter struct {
	Input Node
	Pred  Expr
}

// Project computes new columns from each input row (project, extend, rename...).
type Project struct {
	Input Node
	Exprs []Expr
	Out   []Column
	// Used marks the outputs the rest of the plan reads (set by pruning; nil
	// means all). The executor leaves the others empty.
	Used []bool
}

// AggCall is one aggregate of an Aggregate node.
type AggCall struct {
	Fn   *functions.Spec
	Args []Expr
	T    types.Type
}

// Aggregate groups rows by Keys and computes Aggs per group; the output is the
// keys followed by the aggregates.
type Aggregate struct {
	Input Node
	Keys  []Expr
	Aggs  []AggCall
	Out   []Column
	// StoreCounts says the store counts the rows by the key for it (see
	// countByStore).
	StoreCounts bool
	// Partial allows the output to hold a group more than once, each time
	// with the aggregates of part of its rows, so that the groups held at
	// once stay few; only for a consumer that adds the parts up (see
	// countJoinPairs).
	Partial bool
}

// SortKey orders rows by an expression.
type SortKey struct {
	X          Expr
	Desc       bool
	NullsFirst bool
}

// Sort orders all rows.
type Sort struct {
	Input Node
	Keys  []SortKey
}

// TopN keeps the first N rows by Keys (sort followed by take).
type TopN struct {
	Input Node
	Keys  []SortKey
	N     int64
}

// Limit keeps the first N rows that arrive.
type Limit struct {
	Input Node
	N     int64
}

// Values is a constant table (print, datatable).
type Values struct {
	Out  []Column
	Rows [][]types.Value
}

func (n *Scan) Columns() []Column      { return n.Cols }
func (n *Filter) Columns() []Column    { return n.Input.Columns() }
func (n *Project) Columns() []Column   { return n.Out }
func (n *Aggregate) Columns() []Column { return n.Out }
func (n *Sort) Columns() []Column      { return n.Input.Columns() }
func (n *TopN) Columns() []Column      { return n.Input.Columns() }
func (n *Limit) Columns() []Column     { return n.Input.Columns() }
func (n *Values) Columns() []Column    { return n.Out }

func (n *Scan) Inputs() []Node      { return nil }
func (n *Filter) Inputs() []Node    { return []Node{n.Input} }
func (n *Project) Inputs() []Node   { return []Node{n.Input} }
func (n *Aggregate) Inputs() []Node { return []Node{n.Input} }
func (n *Sort) Inputs() []Node      { return []Node{n.Input} }
func (n *TopN) Inputs() []Node      { return []Node{n.Input} }
func (n *Limit) Inputs() []Node     { return []Node{n.Input} }
func (n *Values) Inputs() []Node    { return nil }
