package planner

// pruneJoinInputs narrows what the inputs of a join read to what the plan
// uses: the join's key columns and the columns of its output that something
// above reads. prune-columns keeps every column of a join's inputs; this rule,
// which runs after it, redoes that marking below each join with what the join
// needs, so that a scan under a join decodes no column only carried along
// (`project DeviceId, RemoteIP | join ... | summarize count() by DeviceId`).
// The executor leaves a column nothing reads unread (nil) through the join.
//
// The usage above a join is worked out through the core nodes; below any other
// node every column counts as used. A join whose inputs share a node with
// another part of the plan is left as it is.
func pruneJoinInputs(root Node) Node {
	refsTo := map[Node]int{}
	countRefs(root, refsTo)
	pruneJoinsUnder(root, allUsed(len(root.Columns())), refsTo)
	return root
}

// pruneJoinsUnder finds the joins below n, whose used output columns are used.
func pruneJoinsUnder(n Node, used []bool, refsTo map[Node]int) {
	switch x := n.(type) {
	case *Join:
		left, right := joinInputsUsed(x, used)
		if onlyHere(x.Left, refsTo) && onlyHere(x.Right, refsTo) {
			forgetNeeds(x.Left)
			forgetNeeds(x.Right)
			need(x.Left, left)
			need(x.Right, right)
		}
		pruneJoinsUnder(x.Left, left, refsTo)
		pruneJoinsUnder(x.Right, right, refsTo)
	case *Filter:
		in := append([]bool(nil), used...)
		refs(x.Pred, in)
		pruneJoinsUnder(x.Input, in, refsTo)
	case *Project:
		in := make([]bool, len(x.Input.Columns()))
		for i, u := range used {
			if u {
				refs(x.Exprs[i], in)
			}
		}
		pruneJoinsUnder(x.Input, in, refsTo)
	case *Aggregate:
		in := make([]bool, len(x.Input.Columns()))
		for _, k := range x.Keys {
			refs(k, in)
		}
		for _, a := range x.Aggs {
			for _, e := range a.Args {
				refs(e, in)
			}
		}
		pruneJoinsUnder(x.Input, in, refsTo)
	case *Sort:
		in := append([]bool(nil), used...)
		for _, k := range x.Keys {
			refs(k.X, in)
		}
		pruneJoinsUnder(x.Input, in, refsTo)
	case *TopN:
		in := append([]bool(nil), used...)
		for _, k := range x.Keys {
			refs(k.X, in)
		}
		pruneJoinsUnder(x.Input, in, refsTo)
	case *Limit:
		pruneJoinsUnder(x.Input, used, refsTo)
	default:
		for _, in := range n.Inputs() {
			pruneJoinsUnder(in, allUsed(len(in.Columns())), refsTo)
		}
	}
}

// joinInputsUsed returns the columns of a join's left and right inputs that
// its used output columns and its keys read.
func joinInputsUsed(j *Join, used []bool) (left, right []bool) {
	left = make([]bool, len(j.Left.Columns()))
	right = make([]bool, len(j.Right.Columns()))
	at := 0
	if j.EmitsLeft() {
		copy(left, used[:len(left)])
		at = len(left)
	}
	if j.EmitsRight() {
		copy(right, used[at:at+len(right)])
	}
	for _, k := range j.LeftKeys {
		refs(k, left)
	}
	for _, k := range j.RightKeys {
		refs(k, right)
	}
	return left, right
}

// forgetNeeds clears what prune-columns marked below n, for need to mark anew.
func forgetNeeds(n Node) {
	switch x := n.(type) {
	case *Scan:
		clear(x.Needed)
	case *Project:
		x.Used = nil
	}
	for _, in := range n.Inputs() {
		forgetNeeds(in)
	}
}

// countRefs counts how often each node is an input in the plan under n.
func countRefs(n Node, refsTo map[Node]int) {
	refsTo[n]++
	if refsTo[n] > 1 {
		return
	}
	for _, in := range n.Inputs() {
		countRefs(in, refsTo)
	}
}

// onlyHere reports whether n and every node below it appear once in the plan.
func onlyHere(n Node, refsTo map[Node]int) bool {
	if refsTo[n] != 1 {
		return false
	}
	for _, in := range n.Inputs() {
		if !onlyHere(in, refsTo) {
			return false
		}
	}
	return true
}

func allUsed(n int) []bool {
	used := make([]bool, n)
	for i := range used {
		used[i] = true
	}
	return used
}
