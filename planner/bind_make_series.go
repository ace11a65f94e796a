package planner

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// MakeSeries groups rows by Keys and, per group, turns each aggregation into
// a dynamic array with one element per bin of the axis, followed by the array
// of the bins themselves. Aggs are the aggregate calls, folded per group and
// bin; Values[i] computes output aggregation i from a row of their results
// (result j at index j), and a bin without rows holds Defaults[i] instead.
//
// The bins are Step wide. With From, they are aligned to it (bin_at); without
// it, to zero (bin), starting at the first bin with data. Bins start before To
// when it is given, else run to the last bin with data. InRange is the
// alternate syntax `on Axis in range(From, To, Step)`: bins aligned to zero,
// from the bin of From to the bin of To inclusive. From, To and Step read no
// column; the executor evaluates them once. Every series of one result has the
// same bins. Rows with a null axis, or outside the bins, are left out.
//
// The output is the keys, then one dynamic column per aggregation, then the
// dynamic axis column. Without rows the result is empty, unless NonEmpty
// (kind=nonempty) asks for one row of defaults with null keys.
type MakeSeries struct {
	Input    Node
	Keys     []Expr
	Aggs     []AggCall
	Values   []Expr
	Defaults []types.Value
	Axis     Expr
	From     Expr // nil: from the data
	To       Expr // nil: from the data
	Step     Expr
	InRange  bool
	NonEmpty bool
	Out      []Column
}

// Columns is the output schema.
func (n *MakeSeries) Columns() []Column { return n.Out }

// Inputs is the one input.
func (n *MakeSeries) Inputs() []Node { return []Node{n.Input} }

// SetInput replaces the input.
func (n *MakeSeries) SetInput(i int, in Node) {
	if i != 0 {
		panic("BUG: make-series has one input")
	}
	n.Input = in
}

// Explain prints the node on one line.
func (n *MakeSeries) Explain() string {
	var b strings.Builder
	b.WriteString("MakeSeries")
	if n.NonEmpty {
		b.WriteString(" kind=nonempty")
	}
	nk := len(n.Keys)
	aggs := make([]string, len(n.Values))
	for i, v := range n.Values {
		aggs[i] = n.Out[nk+i].Name + "=" + ExprString(v)
	}
	fmt.Fprintf(&b, " [%s] on %s", strings.Join(aggs, ", "), ExprString(n.Axis))
	if n.InRange {
		fmt.Fprintf(&b, " in range(%s, %s, %s)", ExprString(n.From), ExprString(n.To), ExprString(n.Step))
	} else {
		if n.From != nil {
			b.WriteString(" from " + ExprString(n.From))
		}
		if n.To != nil {
			b.WriteString(" to " + ExprString(n.To))
		}
		b.WriteString(" step " + ExprString(n.Step))
	}
	keys := make([]string, nk)
	for i, k := range n.Keys {
		keys[i] = n.Out[i].Name + "=" + ExprString(k)
	}
	fmt.Fprintf(&b, " by [%s]", strings.Join(keys, ", "))
	return b.String()
}

// makeSeries binds make-series.
// https://learn.microsoft.com/kusto/query/make-series-operator
func (b *binder) makeSeries(in Node, o *parser.MakeSeriesOp) Node {
	sc := &scope{cols: in.Columns(), b: b}
	n := &MakeSeries{Input: in}
	ok := true
	for _, opt := range o.Options {
		switch {
		case opt.Name == "kind":
			word := opt.Value.Word
			if opt.Value.Lit != nil {
				word = opt.Value.Lit.Str
			}
			if !strings.EqualFold(word, "nonempty") {
				b.errs.add(opt.Value.Pos, "unknown make-series kind '%s'; expected nonempty", word)
				ok = false
			}
			n.NonEmpty = true
		case strings.HasPrefix(opt.Name, "hint."):
		default:
			b.errs.add(opt.Pos, "unknown make-series option '%s'; expected kind or hint.shufflekey", opt.Name)
			ok = false
		}
	}
	used := map[string]bool{}
	nm := newNamer(func(s string) bool { return used[s] })
	for _, k := range o.By {
		x := sc.bindExpr(k.Value)
		if x == nil {
			ok = false
			continue
		}
		if x.Type() == types.Dynamic {
			b.errs.add(k.Value.Start(), "'make-series' cannot group by a dynamic value; convert it first, for example with tostring()")
			ok = false
			continue
		}
		n.Keys = append(n.Keys, x)
		n.Out = append(n.Out, Column{Name: uniqueName(nm.name(k), used), Type: x.Type()})
	}
	var aggNames []string
	for _, a := range o.Aggs {
		if len(a.Agg.Names) > 1 {
			b.errs.add(a.Agg.Pos, "make-series names one column per aggregation")
			ok = false
			continue
		}
		v := b.aggregationExpr(sc, a.Agg.Value, "make-series", true, &n.Aggs)
		if v == nil {
			ok = false
			continue
		}
		t := v.Type()
		if t == types.Dynamic {
			b.errs.add(a.Agg.Value.Start(), "make-series needs an aggregation with a scalar result, not dynamic")
			ok = false
			continue
		}
		def, defOK := b.seriesDefault(sc, a.Default, t)
		if !defOK {
			ok = false
			continue
		}
		name := ""
		switch {
		case len(a.Agg.Names) == 1:
			name = a.Agg.Names[0].Value
		default:
			name = defaultName(a.Agg.Value)
		}
		aggNames = append(aggNames, name)
		n.Values = append(n.Values, v)
		n.Defaults = append(n.Defaults, def)
	}
	for _, name := range aggNames {
		if name == "" {
			name = nm.column()
		}
		n.Out = append(n.Out, Column{Name: uniqueName(name, used), Type: types.Dynamic})
	}
	if !b.seriesAxis(sc, o, n) {
		ok = false
	}
	if !ok {
		return nil
	}
	axisName := defaultName(n.axisSyntax(o))
	if axisName == "" {
		axisName = nm.column()
	}
	n.Out = append(n.Out, Column{Name: uniqueName(axisName, used), Type: types.Dynamic})
	if pred := seriesRangeFilter(sc, n); pred != nil {
		in = &Filter{Input: in, Pred: pred}
	}
	targets := []*Expr{&n.Axis}
	for i := range n.Keys {
		targets = append(targets, &n.Keys[i])
	}
	for i := range n.Aggs {
		for j := range n.Aggs[i].Args {
			targets = append(targets, &n.Aggs[i].Args[j])
		}
	}
	n.Input = narrowInput(in, targets)
	nameAggRefs(n.Values, n.Aggs)
	return n
}

// seriesRangeFilter is a filter on the axis equivalent to the range's
// constant bounds, which keeps the rows make-series keeps anyway: under it,
// the optimizer can narrow a scan to the range's time. It is nil when no
// bound is a non-null constant.
func seriesRangeFilter(sc *scope, n *MakeSeries) Expr {
	var pred Expr
	add := func(op string, bound Expr) {
		c, ok := bound.(*Const)
		if !ok || c.V.Null {
			return
		}
		x := sc.call(n.Axis.Span(), op, []Expr{n.Axis, c})
		switch {
		case x == nil:
		case pred == nil:
			pred = x
		default:
			pred = sc.call(n.Axis.Span(), "and", []Expr{pred, x})
		}
	}
	add(">=", n.From)
	if n.InRange {
		add("<=", n.To)
	} else {
		add("<", n.To)
	}
	return pred
}

// axisSyntax is the axis expression as written, without `in range(...)`.
func (n *MakeSeries) axisSyntax(o *parser.MakeSeriesOp) parser.Expr {
	if in, ok := o.On.(*parser.InExpr); ok && n.InRange {
		return in.Left
	}
	return o.On
}

// seriesAxis binds the axis and its range: `on X [from A] [to B] step S` or
// `on X in range(A, B, S)`.
func (b *binder) seriesAxis(sc *scope, o *parser.MakeSeriesOp, n *MakeSeries) bool {
	axis, from, to, step := o.On, o.From, o.To, o.Step
	if in, ok := o.On.(*parser.InExpr); ok && in.Op == "in" && len(in.List) == 1 {
		if call, ok := in.List[0].(*parser.CallExpr); ok && strings.EqualFold(call.Name, "range") && call.Receiver == nil {
			if len(call.Args) != 3 {
				b.errs.add(call.Pos, "range() takes the start, stop and step of the series, got %d arguments", len(call.Args))
				return false
			}
			if from != nil || to != nil || step != nil {
				pos := o.Pos
				for _, x := range []parser.Expr{step, to, from} {
					if x != nil {
						pos = x.Start()
					}
				}
				b.errs.add(pos, "make-series takes either 'in range(...)' or 'from', 'to' and 'step', not both")
				return false
			}
			n.InRange = true
			axis, from, to, step = in.Left, call.Args[0], call.Args[1], call.Args[2]
		}
	}
	x := sc.bindExpr(axis)
	if x == nil {
		return false
	}
	t := x.Type()
	switch {
	case t == types.Datetime, t == types.Timespan, t.Numeric():
	default:
		b.errs.add(axis.Start(), "the make-series axis must be a datetime, timespan or number, got %s", t)
		return false
	}
	n.Axis = x
	if step == nil {
		b.errs.add(axis.End(), "make-series needs 'step' after the axis, for example: on Timestamp step 1h")
		return false
	}
	ok := true
	bound := func(e parser.Expr, what string) Expr {
		if e == nil {
			return nil
		}
		v := b.seriesConst(sc, e, what)
		if v == nil {
			ok = false
			return nil
		}
		vt := v.Type()
		if vt != t && !(t.Numeric() && vt.Numeric()) {
			b.errs.add(e.Start(), "make-series '%s' must be a %s like the axis, got %s", what, seriesAxisKind(t), vt)
			ok = false
			return nil
		}
		return v
	}
	n.From, n.To = bound(from, "from"), bound(to, "to")
	if s := b.seriesConst(sc, step, "step"); s == nil {
		ok = false
	} else {
		st := s.Type()
		want := types.Timespan
		fits := st == types.Timespan
		if t.Numeric() {
			fits = st.Numeric()
			want = types.Real
		}
		if !fits {
			b.errs.add(step.Start(), "make-series 'step' must be a %s, got %s", seriesAxisKind(want), st)
			ok = false
		} else if c, isConst := s.(*Const); isConst && !seriesStepPositive(c.V) {
			b.errs.add(step.Start(), "make-series 'step' must be greater than zero")
			ok = false
		}
		n.Step = s
	}
	return ok
}

// seriesAxisKind names what an axis of type t is, for errors.
func seriesAxisKind(t types.Type) string {
	if t.Numeric() {
		return "number"
	}
	return t.String()
}

// seriesStepPositive reports whether a numeric or timespan constant is above zero.
func seriesStepPositive(v types.Value) bool {
	if v.Null {
		return false
	}
	switch v.Type {
	case types.Real:
		return v.F > 0
	case types.Decimal:
		f, err := strconv.ParseFloat(v.S, 64)
		return err == nil && f > 0
	}
	return v.I > 0
}

// seriesConst binds an expression that must not read any column: a bound of
// the axis, or its step.
func (b *binder) seriesConst(sc *scope, x parser.Expr, what string) Expr {
	e := sc.bindExpr(x)
	if e == nil {
		return nil
	}
	if readsInputColumns(e) {
		b.errs.add(x.Start(), "make-series '%s' must be a constant, not computed from columns", what)
		return nil
	}
	return e
}

// readsInputColumns reports whether an expression reads a column of its input.
func readsInputColumns(x Expr) bool {
	switch e := x.(type) {
	case *ColumnRef:
		return true
	case *Call:
		for _, a := range e.Args {
			if readsInputColumns(a) {
				return true
			}
		}
	}
	return false
}

// seriesDefault binds the value of an empty bin: the literal after default=,
// fitted to the aggregation's type t; without one, zero for a number or a
// timespan and null for other types.
func (b *binder) seriesDefault(sc *scope, x parser.Expr, t types.Type) (types.Value, bool) {
	if x == nil {
		switch {
		case t == types.Int, t == types.Long, t == types.Timespan:
			return types.Value{Type: t}, true
		case t == types.Real:
			return types.NewReal(0), true
		case t == types.Decimal:
			return types.Value{Type: t, S: "0"}, true
		}
		return types.NullOf(t), true
	}
	e := sc.bindExpr(x)
	if e == nil {
		return types.Value{}, false
	}
	c, ok := e.(*Const)
	if !ok {
		b.errs.add(x.Start(), "make-series 'default' must be a constant such as 0 or real(null)")
		return types.Value{}, false
	}
	v, ok := fitSeriesDefault(c.V, t)
	if !ok {
		b.errs.add(x.Start(), "make-series 'default' of type %s does not fit the aggregation's %s result", c.V.Type, t)
		return types.Value{}, false
	}
	return v, true
}

// fitSeriesDefault converts a default value to the aggregation's type where Kusto
// promotes it: any null, and an integer to a wider number.
func fitSeriesDefault(v types.Value, t types.Type) (types.Value, bool) {
	switch {
	case v.Null:
		return types.NullOf(t), true
	case v.Type == t:
		return v, true
	case v.Type == types.Int || v.Type == types.Long:
		switch t {
		case types.Int, types.Long:
			return types.Value{Type: t, I: v.I}, true
		case types.Real:
			return types.NewReal(float64(v.I)), true
		case types.Decimal:
			return types.Value{Type: t, S: strconv.FormatInt(v.I, 10)}, true
		}
	case v.Type == types.Real && t == types.Decimal:
		return types.Value{Type: t, S: strconv.FormatFloat(v.F, 'f', -1, 64)}, true
	}
	return types.Value{}, false
}

// aggregationExpr binds an aggregation of make-series or top-nested: an
// aggregate call, or a scalar expression over aggregate calls. The calls are
// appended to calls; the expression returned reads their results as a row,
// the result of (*calls)[i] at index i. With constOK a constant that uses no
// aggregate is accepted too, as make-series accepts `other = -1`.
func (b *binder) aggregationExpr(sc *scope, x parser.Expr, op string, constOK bool, calls *[]AggCall) Expr {
	c := &aggCollector{in: sc, agg: &Aggregate{Aggs: *calls}}
	outer := &scope{b: b, aggs: c}
	saved := b.errs.list
	b.errs.list = nil
	v := outer.bindExpr(x)
	inner := b.errs.list
	b.errs.list = saved
	if c.seen == 0 {
		if _, isConst := v.(*Const); isConst && constOK && len(inner) == 0 {
			return v
		}
		b.errs.add(x.Start(), "'%s' needs an aggregation such as count() or sum(x), or an expression over them", op)
		return nil
	}
	b.errs.list = append(b.errs.list, inner...)
	if v == nil {
		return nil
	}
	*calls = c.agg.Aggs
	return v
}

// nameAggRefs names the references to aggregate results after the calls, for
// explain.
func nameAggRefs(values []Expr, calls []AggCall) {
	cols := make([]Column, len(calls))
	for i, c := range calls {
		args := make([]string, len(c.Args))
		for j, a := range c.Args {
			args[j] = ExprString(a)
		}
		cols[i] = Column{Name: c.Fn.Name + "(" + strings.Join(args, ", ") + ")", Type: c.T}
	}
	for _, v := range values {
		nameRefs(v, cols)
	}
}

// narrowInput puts a Project under an operator whose expressions the
// optimizer does not look into, so that a scan below decodes only the columns
// those expressions read. Each expression in targets that reads a column is
// computed by the Project and replaced by a reference to its output.
func narrowInput(in Node, targets []*Expr) Node {
	p := &Project{Input: in}
	names := map[string]bool{}
	for _, t := range targets {
		x := *t
		if !readsInputColumns(x) {
			continue
		}
		if r, ok := x.(*ColumnRef); ok {
			if at := sameInputRef(p.Exprs, r); at >= 0 {
				*t = &ColumnRef{At: r.At, Index: at, Name: p.Out[at].Name, T: r.T}
				continue
			}
		}
		name := "__expr" + strconv.Itoa(len(p.Out)+1)
		if r, ok := x.(*ColumnRef); ok && !names[r.Name] {
			name = r.Name
		}
		names[name] = true
		p.Exprs = append(p.Exprs, x)
		p.Out = append(p.Out, Column{Name: name, Type: x.Type()})
		*t = &ColumnRef{At: x.Span(), Index: len(p.Out) - 1, Name: name, T: x.Type()}
	}
	return p
}

// sameInputRef finds a reference to the same input column among exprs, or -1.
func sameInputRef(exprs []Expr, r *ColumnRef) int {
	for i, x := range exprs {
		if o, ok := x.(*ColumnRef); ok && o.Index == r.Index {
			return i
		}
	}
	return -1
}
