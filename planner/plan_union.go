package planner

// Union kinds, as KQL spells them after `kind=`.
const (
	UnionOuter = "outer"
	UnionInner = "inner"
)

// Union concatenates the rows of its legs. Out is the output schema; Maps[i]
// gives, for each column of leg i, its output position (-1 when kind=inner
// drops it). Output columns a leg lacks are null ("" for strings). When
// SourceColumn is set, output column 0 is a string naming each row's leg,
// taken from SourceNames.
//
// The legs run one after the other; the order of rows across legs is not part
// of the contract.
type Union struct {
	Legs         []Node
	Kind         string
	Maps         [][]int
	SourceColumn bool
	SourceNames  []string
	Out          []Column
}

func (n *Union) Columns() []Column { return n.Out }
func (n *Union) Inputs() []Node    { return n.Legs }

// SetInput replaces leg i.
func (n *Union) SetInput(i int, in Node) {
	if i < 0 || i >= len(n.Legs) {
		panic("BUG: union leg out of range")
	}
	n.Legs[i] = in
}
