package planner

import (
	"regexp"

	"github.com/spoorhq/spoor/types"
)

// Parse kinds, as KQL spells them after `kind=`.
const (
	ParseSimple  = "simple"
	ParseRegex   = "regex"
	ParseRelaxed = "relaxed"
)

// ParseColumn is one column a Parse node extracts: the text of capture group
// Group of the node's Regex, converted to Type, written to output column Slot.
type ParseColumn struct {
	Name  string
	Type  types.Type
	Group int
	Slot  int
}

// Parse matches a string expression against a pattern and extracts columns
// from it (the parse and parse-where operators). Every kind is compiled, once
// per query, into Regex, which is anchored at the start of the text; the
// executor only matches and converts.
//
// A row matches when Regex matches and, unless Kind is relaxed, every typed
// capture converts to its type. On a row that does not match, parse yields
// nulls ("" for strings) in every extracted column and parse-where (Where)
// drops the row. Relaxed turns a failed conversion into a null instead.
//
// Out is the input's columns, with extracted columns of the same name replaced
// in place, followed by the other extracted columns in pattern order.
type Parse struct {
	Input   Node
	Source  Expr // a string
	Kind    string
	Regex   *regexp.Regexp
	Extract []ParseColumn
	Out     []Column
	Where   bool
}

func (n *Parse) Columns() []Column { return n.Out }
func (n *Parse) Inputs() []Node    { return []Node{n.Input} }

// SetInput replaces the node's only input.
func (n *Parse) SetInput(i int, in Node) {
	if i != 0 {
		panic("BUG: parse has one input")
	}
	n.Input = in
}
