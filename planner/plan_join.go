package planner

// Join kinds, as KQL spells them after `kind=`. Aliases (anti, leftantisemi,
// rightantisemi) are resolved by the binder to these names.
const (
	JoinInnerUnique = "innerunique"
	JoinInner       = "inner"
	JoinLeftOuter   = "leftouter"
	JoinRightOuter  = "rightouter"
	JoinFullOuter   = "fullouter"
	JoinLeftAnti    = "leftanti"
	JoinRightAnti   = "rightanti"
	JoinLeftSemi    = "leftsemi"
	JoinRightSemi   = "rightsemi"
)

// Join matches rows of Left and Right on equal keys. LeftKeys are bound against
// Left's columns and RightKeys against Right's, pairwise; a null key matches
// nothing. Out is the output schema, which depends on Kind: the left columns
// then the right ones for inner and outer kinds, only the left columns for
// leftsemi/leftanti, only the right columns for rightsemi/rightanti.
//
// lookup is lowered to a Join followed by a Project that drops the right keys.
type Join struct {
	Left, Right         Node
	Kind                string
	LeftKeys, RightKeys []Expr
	Out                 []Column
}

func (n *Join) Columns() []Column { return n.Out }
func (n *Join) Inputs() []Node    { return []Node{n.Left, n.Right} }

// SetInput replaces input i (0 is the left side, 1 the right).
func (n *Join) SetInput(i int, in Node) {
	switch i {
	case 0:
		n.Left = in
	case 1:
		n.Right = in
	default:
		panic("BUG: a join has two inputs")
	}
}

// EmitsLeft reports whether the join's output starts with the left columns.
func (n *Join) EmitsLeft() bool {
	return n.Kind != JoinRightSemi && n.Kind != JoinRightAnti
}

// EmitsRight reports whether the join's output includes the right columns.
func (n *Join) EmitsRight() bool {
	return n.Kind != JoinLeftSemi && n.Kind != JoinLeftAnti
}
