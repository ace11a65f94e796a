package planner

import (
	"fmt"
	"strings"

	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// ScanSteps is the scan operator: a state machine that goes over its input's
// rows in order and matches them against steps, each step's condition able
// to read the rows earlier steps matched (`s1.Ts`).
//
// The expressions of the steps are bound over an environment of
// EnvWidth() columns: the input's, then the declared ones (which hold their
// defaults in the current row), then, for each step j, the input's and the
// declared columns again as step j's part of the state (StateIndex); an empty
// part holds nulls and the declared defaults.
//
// Out is the input's columns, the declared ones and, with MatchID, a long
// match id. Output is serialized.
// https://learn.microsoft.com/kusto/query/scan-operator
type ScanSteps struct {
	Input    Node
	Declared []Column
	Defaults []types.Value
	Steps    []ScanStep
	MatchID  bool
	Out      []Column
}

// ScanStep is one step: rows that meet Cond (true) match, are extended by
// Assign and are output as Output says: "all" every match, "last" only the
// last of a run of matches of the step, "none" none.
type ScanStep struct {
	Name   string
	Output string
	Cond   Expr
	Assign []ScanAssign
}

// ScanAssign sets declared column Slot (0 is the first declared column) of a
// matched row to X, of the column's type.
type ScanAssign struct {
	Slot int
	X    Expr
}

func (n *ScanSteps) Columns() []Column { return n.Out }
func (n *ScanSteps) Inputs() []Node    { return []Node{n.Input} }

// SetInput replaces the input.
func (n *ScanSteps) SetInput(i int, in Node) {
	if i != 0 {
		panic("BUG: scan has one input")
	}
	n.Input = in
}

// RowWidth is the number of columns of a row the steps match: the input's
// and the declared ones.
func (n *ScanSteps) RowWidth() int { return len(n.Input.Columns()) + len(n.Declared) }

// EnvWidth is the number of columns the steps' expressions are bound over.
func (n *ScanSteps) EnvWidth() int { return n.RowWidth() * (1 + len(n.Steps)) }

// StateIndex is the environment column of row column col in step's part of
// the state.
func (n *ScanSteps) StateIndex(step, col int) int { return n.RowWidth()*(1+step) + col }

// Explain prints the steps on one line.
func (n *ScanSteps) Explain() string {
	var b strings.Builder
	b.WriteString("ScanSteps")
	if n.MatchID {
		fmt.Fprintf(&b, " with_match_id=%s", n.Out[len(n.Out)-1].Name)
	}
	for i, s := range n.Steps {
		if i > 0 {
			b.WriteString(";")
		}
		fmt.Fprintf(&b, " %s", s.Name)
		if s.Output != "all" {
			fmt.Fprintf(&b, " output=%s", s.Output)
		}
		fmt.Fprintf(&b, ": %s", ExprString(s.Cond))
		for j, a := range s.Assign {
			sep := ", "
			if j == 0 {
				sep = " => "
			}
			fmt.Fprintf(&b, "%s%s=%s", sep, n.Declared[a.Slot].Name, ExprString(a.X))
		}
	}
	return b.String()
}

// scanOp binds the scan operator.
func (b *binder) scanOp(in Node, o *parser.ScanOp) Node {
	n := &ScanSteps{Input: in, Out: append([]Column(nil), in.Columns()...)}
	ok := true
	matchID := ""
	for _, opt := range o.Options {
		if opt.Name != "with_match_id" {
			b.errs.add(opt.Pos, "unknown scan option '%s': expected with_match_id", opt.Name)
			ok = false
			continue
		}
		matchID = opt.Value.Word
		if opt.Value.Lit != nil && opt.Value.Lit.Type == "string" {
			matchID = opt.Value.Lit.Str
		}
		if matchID == "" {
			b.errs.add(opt.Value.Pos, "with_match_id needs a column name")
			ok = false
		}
	}
	for _, d := range o.Declare {
		if !b.scanDeclare(n, d) {
			ok = false
		}
	}
	n.Out = append(n.Out, n.Declared...)
	if matchID != "" {
		if indexOf(n.Out, matchID) >= 0 {
			b.errs.add(o.Pos, "with_match_id: column '%s' already exists", matchID)
			ok = false
		}
		n.MatchID = true
		n.Out = append(n.Out, Column{Name: matchID, Type: types.Long})
	}
	steps := map[string]int{}
	for i, s := range o.Steps {
		if _, dup := steps[s.Name.Value]; dup {
			b.errs.add(s.Name.Pos, "step '%s' is defined twice: step names must be unique", s.Name.Value)
			ok = false
		}
		steps[s.Name.Value] = i
	}
	if !ok {
		return nil
	}
	// The environment: the row, then every step's part of the state.
	row := n.Out[:n.RowWidth()]
	env := append([]Column(nil), row...)
	for _, s := range o.Steps {
		for _, c := range row {
			env = append(env, Column{Name: s.Name.Value + "." + c.Name, Type: c.Type})
		}
	}
	sc := &scope{cols: env, b: b}
	for k, s := range o.Steps {
		st, good := b.scanStep(n, sc, steps, k, s)
		ok = ok && good
		n.Steps = append(n.Steps, st)
	}
	if !ok {
		return nil
	}
	return n
}

// scanDeclare binds one declared column: a name, a type and a constant default.
func (b *binder) scanDeclare(n *ScanSteps, d *parser.Param) bool {
	if d.Type == nil {
		b.errs.add(d.Pos, "scan declare needs a scalar type for '%s'", d.Name.Value)
		return false
	}
	t, ok := types.ParseType(d.Type.Value)
	if !ok {
		b.errs.add(d.Type.Pos, "unknown type '%s'", d.Type.Value)
		return false
	}
	name := d.Name.Value
	if indexOf(n.Out, name) >= 0 || indexOf(n.Declared, name) >= 0 {
		b.errs.add(d.Name.Pos, "scan declare: column '%s' already exists", name)
		return false
	}
	def := types.NullOf(t)
	if d.Default != nil {
		x := (&scope{b: b}).bindExpr(d.Default)
		if x == nil {
			return false
		}
		c, isConst := x.(*Const)
		if !isConst {
			b.errs.add(d.Default.Start(), "the default of '%s' must be a constant", name)
			return false
		}
		v, err := convertConst(c.V, t)
		if err != nil {
			b.errs.add(d.Default.Start(), "the default of '%s': %v", name, err)
			return false
		}
		def = v
	}
	n.Declared = append(n.Declared, Column{Name: name, Type: t})
	n.Defaults = append(n.Defaults, def)
	return true
}

// scanStep binds step k: its options, condition and assignments.
func (b *binder) scanStep(n *ScanSteps, sc *scope, steps map[string]int, k int, s *parser.ScanStep) (ScanStep, bool) {
	st := ScanStep{Name: s.Name.Value, Output: "all"}
	ok := true
	if s.Optional {
		b.errs.add(s.Name.Pos, "optional steps are not supported")
		ok = false
	}
	for _, opt := range s.Options {
		word := strings.ToLower(opt.Value.Word)
		if opt.Name != "output" || (word != "all" && word != "last" && word != "none") {
			b.errs.add(opt.Pos, "unknown step option '%s=%s': expected output=all, output=last or output=none", opt.Name, opt.Value.Word)
			ok = false
			continue
		}
		st.Output = word
	}
	ref := &stateRefs{b: b, n: n, steps: steps, k: k, name: st.Name, ok: true}
	st.Cond = sc.bindExpr(ref.rewrite(s.Cond))
	switch {
	case st.Cond == nil:
		ok = false
	case st.Cond.Type() != types.Bool && st.Cond.Type() != types.Unknown:
		b.errs.add(s.Cond.Start(), "the condition of step '%s' must be a bool, got %s", st.Name, st.Cond.Type())
		ok = false
	}
	seen := map[int]bool{}
	for _, a := range s.Assign {
		slot := indexOf(n.Declared, a.Name.Value)
		if slot < 0 {
			b.errs.add(a.Name.Pos, "'%s' is not a declared column: a step assigns only the columns of 'declare (...)'", a.Name.Value)
			ok = false
			continue
		}
		if seen[slot] {
			b.errs.add(a.Name.Pos, "step '%s' assigns '%s' twice", st.Name, a.Name.Value)
			ok = false
			continue
		}
		seen[slot] = true
		x := sc.bindExpr(ref.rewrite(a.Value))
		if x == nil {
			ok = false
			continue
		}
		if x = b.fitColumn(sc, x, n.Declared[slot], a.Value); x == nil {
			ok = false
			continue
		}
		st.Assign = append(st.Assign, ScanAssign{Slot: slot, X: x})
	}
	for _, x := range append([]Expr{st.Cond}, assignExprs(st.Assign)...) {
		if x == nil {
			continue
		}
		if c, found := hasWindow(x); found {
			b.errs.add(c.At.Pos, "%s() cannot be used in a scan step", c.Fn.Name)
			ok = false
		}
	}
	return st, ok && ref.ok
}

func assignExprs(as []ScanAssign) []Expr {
	out := make([]Expr, len(as))
	for i, a := range as {
		out[i] = a.X
	}
	return out
}

// convertFuncs name the function that converts a value to each type.
var convertFuncs = map[types.Type]string{
	types.Int: "toint", types.Long: "tolong", types.Real: "toreal", types.Decimal: "todecimal",
	types.Datetime: "todatetime", types.Timespan: "totimespan", types.String: "tostring",
	types.Bool: "tobool", types.Guid: "toguid",
}

// fitColumn converts an assigned value to its column's type: numbers to
// another number type, dynamic to any type. Other types are an error.
func (b *binder) fitColumn(sc *scope, x Expr, col Column, at parser.Expr) Expr {
	t := x.Type()
	if t == col.Type || t == types.Unknown {
		return x
	}
	fn := convertFuncs[col.Type]
	if fn != "" && (t.Numeric() && col.Type.Numeric() || t == types.Dynamic) {
		return sc.call(x.Span(), fn, []Expr{x})
	}
	b.errs.add(at.Start(), "cannot assign a %s value to '%s', a %s column", t, col.Name, col.Type)
	return nil
}

// stateRefs rewrites `Step.Column` in a step's expressions into a reference
// to the environment column "Step.Column".
type stateRefs struct {
	b     *binder
	n     *ScanSteps
	steps map[string]int
	k     int    // the step whose expressions these are
	name  string // and its name
	ok    bool
}

func (r *stateRefs) rewrite(x parser.Expr) parser.Expr {
	return mapExpr(x, func(x parser.Expr) (parser.Expr, bool) {
		m, isMember := x.(*parser.MemberExpr)
		if !isMember {
			return nil, false
		}
		base, isName := m.X.(*parser.NameRef)
		if !isName {
			return nil, false
		}
		j, isStep := r.steps[base.Name]
		if !isStep {
			return nil, false
		}
		if j > r.k {
			r.b.errs.add(m.Pos, "step '%s' cannot refer to the later step '%s'", r.name, base.Name)
			r.ok = false
		} else if indexOf(r.n.Out[:r.n.RowWidth()], m.Name) < 0 {
			r.b.errs.add(m.Pos, "step '%s' has no column '%s'", base.Name, m.Name)
			r.ok = false
		}
		return &parser.NameRef{Span: m.Span, Name: base.Name + "." + m.Name}, true
	})
}

// mapExpr copies a parsed expression, replacing each node for which f says
// so; the original is left as it is, since a pipeline may be bound again.
func mapExpr(x parser.Expr, f func(parser.Expr) (parser.Expr, bool)) parser.Expr {
	if x == nil {
		return nil
	}
	if y, ok := f(x); ok {
		return y
	}
	list := func(xs []parser.Expr) []parser.Expr {
		if xs == nil {
			return nil
		}
		out := make([]parser.Expr, len(xs))
		for i, e := range xs {
			out[i] = mapExpr(e, f)
		}
		return out
	}
	switch e := x.(type) {
	case *parser.BinaryExpr:
		c := *e
		c.Left, c.Right = mapExpr(e.Left, f), mapExpr(e.Right, f)
		return &c
	case *parser.UnaryExpr:
		c := *e
		c.X = mapExpr(e.X, f)
		return &c
	case *parser.InExpr:
		c := *e
		c.Left, c.List = mapExpr(e.Left, f), list(e.List)
		return &c
	case *parser.BetweenExpr:
		c := *e
		c.Left, c.Low, c.High = mapExpr(e.Left, f), mapExpr(e.Low, f), mapExpr(e.High, f)
		return &c
	case *parser.CallExpr:
		c := *e
		c.Receiver, c.Args = mapExpr(e.Receiver, f), list(e.Args)
		return &c
	case *parser.NamedArg:
		c := *e
		c.Value = mapExpr(e.Value, f)
		return &c
	case *parser.MemberExpr:
		c := *e
		c.X = mapExpr(e.X, f)
		return &c
	case *parser.IndexExpr:
		c := *e
		c.X, c.Index = mapExpr(e.X, f), mapExpr(e.Index, f)
		return &c
	case *parser.ParenExpr:
		c := *e
		c.X = mapExpr(e.X, f)
		return &c
	case *parser.ListExpr:
		c := *e
		c.Items = list(e.Items)
		return &c
	}
	return x
}
