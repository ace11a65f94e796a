package planner

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/spoorhq/spoor/functions"
	"github.com/spoorhq/spoor/types"
)

// Rule is a named plan rewrite. Rules run in order; each can be switched off
// (tests compare plans with and without a rule to check it changes no answer).
type Rule struct {
	Name  string
	Apply func(Node) Node
}

// Rules is the ordered list of rewrites Optimize applies.
var Rules = []Rule{
	{"join-key-filters", joinKeyFilters},
	{"pushdown-filter", pushdownFilter},
	{"sort-take-to-topn", sortTakeToTopN},
	{"count-join-pairs", countJoinPairs},
	{"prune-columns", pruneColumns},
	{"prune-join-inputs", pruneJoinInputs},
	{"count-by-store", countByStore},
	{"top-by-time", topByTime},
}

// Optimize applies the rules in order, except those named in disabled (see
// Options.DisabledRules): tests run a query with and without rules and expect
// the same answer. A name that is not a rule's is a bug of the caller.
func Optimize(n Node, disabled ...string) Node {
	off := map[string]bool{}
	for _, name := range disabled {
		if !isRule(name) {
			panic(fmt.Sprintf("BUG: no optimizer rule is named %q", name))
		}
		off[name] = true
	}
	for _, r := range Rules {
		if !off[r.Name] {
			n = r.Apply(n)
		}
	}
	if off["prune-columns"] {
		markAllNeeded(n)
	}
	return n
}

// RuleNames lists the names of Rules in order, for switching them all off.
func RuleNames() []string {
	names := make([]string, len(Rules))
	for i, r := range Rules {
		names[i] = r.Name
	}
	return names
}

func isRule(name string) bool {
	for _, r := range Rules {
		if r.Name == name {
			return true
		}
	}
	return false
}

// mapChildren rebuilds n with f applied to its inputs.
func mapChildren(n Node, f func(Node) Node) Node {
	switch x := n.(type) {
	case *Filter:
		x.Input = f(x.Input)
	case *Project:
		x.Input = f(x.Input)
	case *Aggregate:
		x.Input = f(x.Input)
	case *Sort:
		x.Input = f(x.Input)
	case *TopN:
		x.Input = f(x.Input)
	case *Limit:
		x.Input = f(x.Input)
	default:
		if s, ok := n.(InputSetter); ok {
			for i, in := range n.Inputs() {
				s.SetInput(i, f(in))
			}
		}
	}
	return n
}

// InputSetter is implemented by plan nodes outside the core set (joins, unions,
// expansions...) so that rules can rewrite their inputs.
type InputSetter interface {
	SetInput(i int, n Node)
}

// pushdownFilter moves what a filter directly over a scan can hand to the
// store: bounds on the time column and index predicates on string columns.
// Conjuncts the store answers exactly leave the filter.
func pushdownFilter(n Node) Node {
	n = mapChildren(n, pushdownFilter)
	f, ok := n.(*Filter)
	if !ok {
		return n
	}
	// Filters stacked on a filter over a scan merge first.
	if inner, ok := f.Input.(*Filter); ok {
		if _, overScan := inner.Input.(*Scan); overScan {
			f = &Filter{Input: inner.Input, Pred: and(inner.Pred, f.Pred)}
		}
	}
	scan, ok := f.Input.(*Scan)
	if !ok {
		return f
	}
	var rest []Expr
	for _, c := range conjuncts(f.Pred) {
		if folded := foldOrEquals(c); pushIndex(scan, folded) {
			continue
		}
		if !pushTime(scan, c) && !pushIndex(scan, c) && !pushInts(scan, c) {
			rest = append(rest, c)
		}
	}
	if len(rest) == 0 {
		return scan
	}
	pred := rest[0]
	for _, c := range rest[1:] {
		pred = and(pred, c)
	}
	return &Filter{Input: scan, Pred: pred}
}

func and(a, b Expr) Expr {
	c := &Call{At: a.Span(), Args: []Expr{a, b}, T: types.Bool}
	c.Fn = andSpec()
	return c
}

func conjuncts(x Expr) []Expr {
	if c, ok := x.(*Call); ok && c.Fn != nil && c.Fn.Name == "and" {
		return append(conjuncts(c.Args[0]), conjuncts(c.Args[1])...)
	}
	return []Expr{x}
}

// pushTime turns `Time op constant` (and between) into scan bounds.
func pushTime(s *Scan, x Expr) bool {
	c, ok := x.(*Call)
	if !ok || c.Fn == nil || s.TimeColumn == "" {
		return false
	}
	isTime := func(e Expr) bool {
		r, ok := e.(*ColumnRef)
		return ok && r.Name == s.TimeColumn && s.Cols[r.Index].Name == s.TimeColumn
	}
	constTime := func(e Expr) (int64, bool) {
		k, ok := e.(*Const)
		if !ok || k.V.Type != types.Datetime || k.V.Null {
			return 0, false
		}
		return k.V.I, true
	}
	op := c.Fn.Name
	if op == "between" && len(c.Args) == 3 && isTime(c.Args[0]) {
		lo, ok1 := constTime(c.Args[1])
		hi, ok2 := constTime(c.Args[2])
		if ok1 && ok2 {
			s.narrow(lo, hi)
			return true
		}
		return false
	}
	if len(c.Args) != 2 {
		return false
	}
	l, r := c.Args[0], c.Args[1]
	if !isTime(l) {
		// constant op Time: mirror the operator.
		mirror := map[string]string{">": "<", ">=": "<=", "<": ">", "<=": ">="}
		if m, ok := mirror[op]; ok && isTime(r) {
			op, l, r = m, r, l
		} else {
			return false
		}
	}
	t, ok := constTime(r)
	if !ok {
		return false
	}
	switch op {
	case ">":
		s.narrow(t+1, math.MaxInt64)
	case ">=":
		s.narrow(t, math.MaxInt64)
	case "<":
		s.narrow(math.MinInt64, t-1)
	case "<=":
		s.narrow(math.MinInt64, t)
	case "==":
		s.narrow(t, t)
	default:
		return false
	}
	return true
}

// narrow intersects the scan's time range with [lo, hi].
func (s *Scan) narrow(lo, hi int64) {
	if lo != math.MinInt64 && (s.MinTime == 0 || lo > s.MinTime) {
		s.MinTime = lo
	}
	if hi != math.MaxInt64 && (s.MaxTime == 0 || hi < s.MaxTime) {
		s.MaxTime = hi
	}
	if s.MinTime != 0 && s.MaxTime != 0 && s.MinTime > s.MaxTime {
		// An empty range: keep it empty but non-zero so it is not read as open.
		s.MaxTime = s.MinTime - 1
		if s.MaxTime == 0 {
			s.MinTime, s.MaxTime = 2, 1
		}
	}
}

// pushIndex turns string predicates with constants into index predicates.
func pushIndex(s *Scan, x Expr) bool {
	c, ok := x.(*Call)
	if !ok || c.Fn == nil || len(c.Args) < 2 {
		return false
	}
	col, ok := c.Args[0].(*ColumnRef)
	if !ok || (col.T != types.String && col.T != types.Dynamic) {
		return false
	}
	var vals []string
	for _, a := range c.Args[1:] {
		k, ok := a.(*Const)
		if !ok || k.V.Type != types.String {
			return false
		}
		vals = append(vals, k.V.S)
	}
	p := IndexPred{Column: s.Cols[col.Index].Name, Values: vals}
	switch c.Fn.Name {
	case "has", "hasprefix":
		switch {
		case len(vals) != 1:
			return false
		case isTerm(vals[0]):
			p.Op = c.Fn.Name
		case col.T == types.String:
			p.Op = c.Fn.Name + " phrase" // by the function, not the term index
		default:
			return false
		}
	case "==", "in":
		if col.T != types.String {
			return false
		}
		p.Op = "=="
	case "=~", "in~":
		if col.T != types.String {
			return false
		}
		p.Op, p.CaseInsensitive = "==", true
	default:
		if !storeFuncs[c.Fn.Name] || col.T != types.String {
			return false
		}
		if c.Fn.Name == "matches regex" {
			if _, err := regexp.Compile(vals[0]); err != nil {
				return false
			}
		}
		p.Op = c.Fn.Name
	}
	if (c.Fn.Name == "==" || c.Fn.Name == "=~") && len(vals) != 1 {
		return false
	}
	s.Preds = append(s.Preds, p)
	return true
}

// pushInts turns comparisons of a column stored as integers (int, long,
// datetime, timespan) with constants of its kind into a range or a set the
// store checks on the column's integers, skipping blocks by their zone maps
// before it decodes any other column. `c op Col` is mirrored. Kusto's
// comparisons of a null are null or false for these operators, so a null
// value matches none, as in the store.
func pushInts(s *Scan, x Expr) bool {
	c, ok := x.(*Call)
	if !ok || c.Fn == nil || len(c.Args) < 2 {
		return false
	}
	op, args := c.Fn.Name, c.Args
	if _, isCol := args[0].(*ColumnRef); !isCol && len(args) == 2 {
		mirror := map[string]string{">": "<", ">=": "<=", "<": ">", "<=": ">=", "==": "=="}
		m, ok := mirror[op]
		if !ok {
			return false
		}
		op, args = m, []Expr{args[1], args[0]}
	}
	col, ok := args[0].(*ColumnRef)
	if !ok || !intStored(col.T) {
		return false
	}
	var vals []int64
	for _, a := range args[1:] {
		k, ok := a.(*Const)
		if !ok || k.V.Null || !sameIntKind(col.T, k.V.Type) {
			return false
		}
		vals = append(vals, k.V.I)
	}
	p := IndexPred{Column: s.Cols[col.Index].Name, T: col.T, Op: "range", Lo: math.MinInt64, Hi: math.MaxInt64}
	switch {
	case op == "in":
		p.Op, p.Ints = "in ints", vals
	case len(vals) == 2 && op == "between":
		p.Lo, p.Hi = vals[0], vals[1]
	case len(vals) != 1:
		return false
	case op == "==":
		p.Lo, p.Hi = vals[0], vals[0]
	case op == ">=":
		p.Lo = vals[0]
	case op == "<=":
		p.Hi = vals[0]
	case op == ">" && vals[0] != math.MaxInt64:
		p.Lo = vals[0] + 1
	case op == "<" && vals[0] != math.MinInt64:
		p.Hi = vals[0] - 1
	default:
		return false
	}
	s.Preds = append(s.Preds, p)
	return true
}

// intText prints a bound or value of an integer predicate as a constant.
func (p IndexPred) intText(v int64) string {
	return ExprString(&Const{V: types.Value{Type: p.T, I: v}})
}

// intStored says a column of type t is held as integers and compared as such.
func intStored(t types.Type) bool {
	switch t {
	case types.Int, types.Long, types.Datetime, types.Timespan:
		return true
	}
	return false
}

// sameIntKind says a constant of type k compares with a column of type t by
// its integer value: int with long, and otherwise the same type.
func sameIntKind(t, k types.Type) bool {
	if t == types.Int || t == types.Long {
		return k == types.Int || k == types.Long
	}
	return t == k
}

// storeFuncs are the string operators on a string column and constant
// strings that the store evaluates with the function's own kernel (once per
// distinct value of a dictionary column); an IndexPred names them by Op.
var storeFuncs = map[string]bool{
	"contains": true, "!contains": true, "contains_cs": true, "!contains_cs": true,
	"startswith": true, "!startswith": true, "startswith_cs": true, "!startswith_cs": true,
	"endswith": true, "!endswith": true, "endswith_cs": true, "!endswith_cs": true,
	"has_cs": true, "!has": true, "!has_cs": true,
	"hasprefix_cs": true, "!hasprefix": true, "!hasprefix_cs": true,
	"hassuffix": true, "!hassuffix": true, "hassuffix_cs": true, "!hassuffix_cs": true,
	"!=": true, "!~": true, "!in": true, "!in~": true,
	"matches regex": true, "has_any": true, "has_all": true,
}

func isTerm(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// sortTakeToTopN turns a take directly over a sort into a top-N.
func sortTakeToTopN(n Node) Node {
	n = mapChildren(n, sortTakeToTopN)
	if l, ok := n.(*Limit); ok {
		if s, ok := l.Input.(*Sort); ok {
			return &TopN{Input: s.Input, Keys: s.Keys, N: l.N}
		}
	}
	return n
}

// pruneColumns marks the scan columns the plan uses, so only those are decoded.
func pruneColumns(n Node) Node {
	all := make([]bool, len(n.Columns()))
	for i := range all {
		all[i] = true
	}
	need(n, all)
	return n
}

// need records that the given output columns of n are used and propagates what
// that requires of n's input.
func need(n Node, used []bool) {
	switch x := n.(type) {
	case *Scan:
		for i, u := range used {
			if u {
				x.Needed[i] = true
			}
		}
	case *Filter:
		in := append([]bool(nil), used...)
		refs(x.Pred, in)
		need(x.Input, in)
	case *Project:
		if x.Used == nil {
			x.Used = make([]bool, len(used))
		}
		for i, u := range used {
			x.Used[i] = x.Used[i] || u
		}
		in := make([]bool, len(x.Input.Columns()))
		for i, u := range x.Used {
			if u {
				refs(x.Exprs[i], in)
			}
		}
		need(x.Input, in)
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
		need(x.Input, in)
	case *Sort:
		in := append([]bool(nil), used...)
		for _, k := range x.Keys {
			refs(k.X, in)
		}
		need(x.Input, in)
	case *TopN:
		in := append([]bool(nil), used...)
		for _, k := range x.Keys {
			refs(k.X, in)
		}
		need(x.Input, in)
	case *Limit:
		need(x.Input, used)
	default:
		// Nodes without their own rule keep every column of their inputs.
		for _, in := range n.Inputs() {
			all := make([]bool, len(in.Columns()))
			for i := range all {
				all[i] = true
			}
			need(in, all)
		}
	}
}

// markAllNeeded undoes pruning where prune-columns is off: every scan reads
// every column and every project computes every output, even where a probe
// of the binder optimized a shared part of the plan before.
func markAllNeeded(n Node) {
	switch x := n.(type) {
	case *Scan:
		for i := range x.Needed {
			x.Needed[i] = true
		}
	case *Project:
		x.Used = nil
	}
	for _, in := range n.Inputs() {
		markAllNeeded(in)
	}
}

// refs marks the input columns an expression reads.
func refs(x Expr, used []bool) {
	switch e := x.(type) {
	case *ColumnRef:
		used[e.Index] = true
	case *Call:
		for _, a := range e.Args {
			refs(a, used)
		}
	}
}

func (p IndexPred) String() string {
	switch p.Op {
	case "range":
		lo, hi := p.intText(p.Lo), p.intText(p.Hi)
		switch {
		case p.Lo == p.Hi:
			return fmt.Sprintf("%s == %s", p.Column, lo)
		case p.Hi == math.MaxInt64:
			return fmt.Sprintf("%s >= %s", p.Column, lo)
		case p.Lo == math.MinInt64:
			return fmt.Sprintf("%s <= %s", p.Column, hi)
		}
		return fmt.Sprintf("%s between (%s .. %s)", p.Column, lo, hi)
	case "in ints":
		parts := make([]string, len(p.Ints))
		for i, v := range p.Ints {
			parts[i] = p.intText(v)
		}
		return fmt.Sprintf("%s in (%s)", p.Column, strings.Join(parts, ", "))
	}
	op := strings.TrimSuffix(p.Op, " phrase")
	if p.CaseInsensitive {
		op = "=~"
	}
	if len(p.Values) == 1 {
		return fmt.Sprintf("%s %s %q", p.Column, op, p.Values[0])
	}
	switch op {
	case "==":
		op = "in"
	case "=~":
		op = "in~"
	}
	return fmt.Sprintf("%s %s %q", p.Column, op, p.Values)
}

func andSpec() *functions.Spec {
	s, ok := functions.Lookup("and")
	if !ok {
		panic("BUG: the function catalogue has no 'and'")
	}
	return s
}
