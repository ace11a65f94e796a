package executor

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/spoorhq/spoor/functions"
	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/storage"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

func init() {
	register(&planner.BagUnpack{}, buildBagUnpack)
	register(&planner.BagSlots{}, buildBagSlots)
	register(&planner.Narrow{}, buildNarrow)
	register(&planner.Pivot{}, buildPivot)
	planner.SetConstantRunner(func(n planner.Node, max int) ([][]types.Value, error) {
		return Rows(context.Background(), nil, n, max, Options{})
	})
}

// Rows runs a bound plan and returns its rows, at most max of them: more is
// an error. store may be nil when the plan reads no table. The binder uses it
// (through planner.Host.Rows, and for plans without a table through the
// constant runner) to learn the columns of plugins that depend on the data.
func Rows(ctx context.Context, store *storage.Store, n planner.Node, max int, opts Options) ([][]types.Value, error) {
	r := &run{ctx: ctx, store: store, mem: &budget{limit: opts.MemoryLimit}, detail: opts.Detail}
	res, err := r.exec(n, max, 0)
	if err != nil {
		return nil, err
	}
	defer r.release(res.held)
	if res.Truncated {
		return nil, fmt.Errorf("more than %d distinct values", max)
	}
	var rows [][]types.Value
	for _, b := range res.Batches {
		for i := 0; i < b.Len; i++ {
			row := make([]types.Value, len(b.Cols))
			for c, v := range b.Cols {
				if v != nil {
					row[c] = v.Value(i)
				}
			}
			rows = append(rows, row)
		}
	}
	return rows, nil
}

func buildBagUnpack(r *run, n planner.Node, out operator) (func() error, error) {
	x := n.(*planner.BagUnpack)
	return r.build(x.Input, &bagUnpackOp{node: x, out: out})
}

// bagUnpackOp spreads a bag's properties into columns, batch by batch; push
// may run on several goroutines at once.
type bagUnpackOp struct {
	node *planner.BagUnpack
	out  operator
}

func (u *bagUnpackOp) push(b *vector.Batch) error {
	x := u.node
	bag, err := eval(x.Bag, b)
	if err != nil {
		return err
	}
	nb := &vector.Batch{Len: b.Len, Cols: make([]*vector.Vector, len(x.Out))}
	for i, c := range x.Out {
		if x.From[i] >= 0 {
			nb.Cols[i] = b.Cols[x.From[i]]
			continue
		}
		v := vector.New(c.Type, b.Len)
		for r := 0; r < b.Len; r++ {
			var el any
			if !bag.IsNull(r) {
				if m, ok := bag.Dyn[r].(map[string]any); ok {
					el = m[x.Slots[i]]
				}
			}
			v.Append(castElement(el, c.Type))
		}
		nb.Cols[i] = v
	}
	return u.out.push(nb)
}

func (u *bagUnpackOp) finish() error { return u.out.finish() }

func buildBagSlots(r *run, n planner.Node, out operator) (func() error, error) {
	x := n.(*planner.BagSlots)
	return r.build(x.Input, &bagSlotsOp{node: x, out: out, kinds: map[string]string{}})
}

// bagSlotsOp gathers the property names of a bag column and the type of
// their values; it emits them when its input ends.
type bagSlotsOp struct {
	node  *planner.BagSlots
	out   operator
	mu    sync.Mutex
	order []string
	kinds map[string]string // "" until a non-null value is seen
}

func (s *bagSlotsOp) push(b *vector.Batch) error {
	bag, err := eval(s.node.Bag, b)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for r := 0; r < b.Len; r++ {
		if bag.IsNull(r) {
			continue
		}
		m, ok := bag.Dyn[r].(map[string]any)
		if !ok {
			continue
		}
		for k, v := range m {
			kind, seen := s.kinds[k]
			if !seen {
				if len(s.kinds) >= 100_000 {
					return fmt.Errorf("bag_unpack: the bags have more than %d distinct properties", 100_000)
				}
				s.order = append(s.order, k)
			}
			if v == nil {
				s.kinds[k] = kind
				continue
			}
			switch t := elementType(v); {
			case kind == "":
				s.kinds[k] = t
			case kind != t:
				s.kinds[k] = "dynamic"
			}
		}
	}
	return nil
}

// elementType is the KQL type of a value inside a dynamic.
func elementType(v any) string {
	switch v.(type) {
	case bool:
		return "bool"
	case int64:
		return "long"
	case float64:
		return "real"
	case string:
		return "string"
	}
	return "dynamic"
}

func (s *bagSlotsOp) finish() error {
	names := vector.New(types.String, len(s.order))
	kinds := vector.New(types.String, len(s.order))
	for _, k := range s.order {
		kind := s.kinds[k]
		if kind == "" {
			kind = "dynamic"
		}
		names.Append(types.NewString(k))
		kinds.Append(types.NewString(kind))
	}
	if len(s.order) > 0 {
		if err := s.out.push(&vector.Batch{Len: len(s.order), Cols: []*vector.Vector{names, kinds}}); err != nil && !errors.Is(err, errStop) {
			return err
		}
	}
	return s.out.finish()
}

func buildNarrow(r *run, n planner.Node, out operator) (func() error, error) {
	x := n.(*planner.Narrow)
	fn, ok := functions.Lookup("tostring")
	if !ok || fn.Eval == nil {
		return nil, fmt.Errorf("narrow: tostring is not available")
	}
	return r.build(x.Input, &narrowOp{node: x, out: out, text: fn})
}

// narrowOp numbers the input rows in the order they arrive, under a lock so
// that numbers are unique when batches come from several goroutines.
type narrowOp struct {
	node *planner.Narrow
	out  operator
	text *functions.Spec
	mu   sync.Mutex
	next int64
}

func (o *narrowOp) push(b *vector.Batch) error {
	cols := o.node.Input.Columns()
	texts := make([]*vector.Vector, len(cols))
	for i := range cols {
		if b.Cols[i] == nil {
			return fmt.Errorf("BUG: column %s was not read", cols[i].Name)
		}
		t, err := o.text.Eval([]*vector.Vector{b.Cols[i]}, b.Len)
		if err != nil {
			return err
		}
		texts[i] = t
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	row, name, value := vector.New(types.Long, 0), vector.New(types.String, 0), vector.New(types.String, 0)
	flush := func() error {
		if row.Len == 0 {
			return nil
		}
		err := o.out.push(&vector.Batch{Len: row.Len, Cols: []*vector.Vector{row, name, value}})
		row, name, value = vector.New(types.Long, 0), vector.New(types.String, 0), vector.New(types.String, 0)
		return err
	}
	for r := 0; r < b.Len; r++ {
		for i, c := range cols {
			row.Append(types.NewLong(o.next))
			name.Append(types.NewString(c.Name))
			value.Append(texts[i].Value(r))
			if row.Len >= vector.BatchSize {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		o.next++
	}
	return flush()
}

func (o *narrowOp) finish() error { return o.out.finish() }

func buildPivot(r *run, n planner.Node, out operator) (func() error, error) {
	x := n.(*planner.Pivot)
	p := &pivotOp{r: r, node: x, out: out, groups: map[string]*pivotRow{}, at: map[string]int{}}
	for i, f := range x.From {
		if f < 0 {
			p.at[x.Names[i]] = i
		}
	}
	return r.build(x.Input, p)
}

// pivotOp gathers the aggregated rows by group and spreads each group's
// cells over the pivot columns; it emits the groups, in the order first
// seen, when its input ends.
type pivotOp struct {
	r      *run
	node   *planner.Pivot
	out    operator
	at     map[string]int // pivot column name -> output position
	mu     sync.Mutex
	groups map[string]*pivotRow
	order  []*pivotRow
	held   int64
}

type pivotRow struct {
	keys  []types.Value
	cells []types.Value
	set   []bool
}

func (p *pivotOp) push(b *vector.Batch) error {
	x := p.node
	p.mu.Lock()
	defer p.mu.Unlock()
	var key []byte
	var grown int64
	for r := 0; r < b.Len; r++ {
		name := planner.PivotName(b.Cols[x.Keys].Value(r))
		col, ok := p.at[name]
		if !ok {
			continue
		}
		key = key[:0]
		for k := 0; k < x.Keys; k++ {
			key = appendKey(key, b.Cols[k], r)
		}
		g, ok := p.groups[string(key)]
		if !ok {
			g = &pivotRow{keys: make([]types.Value, x.Keys), cells: make([]types.Value, len(x.Out)), set: make([]bool, len(x.Out))}
			for k := range g.keys {
				g.keys[k] = b.Cols[k].Value(r)
				grown += valueBytes(g.keys[k])
			}
			grown += int64(len(key)) + 64 + valueSize*int64(len(x.Out))
			p.groups[string(key)] = g
			p.order = append(p.order, g)
		}
		g.cells[col] = fitValue(b.Cols[x.Keys+1].Value(r), x.Out[col].Type)
		g.set[col] = true
	}
	if err := p.r.reserve(grown, "pivot"); err != nil {
		return err
	}
	p.held += grown
	return nil
}

func (p *pivotOp) finish() error {
	x := p.node
	defer p.r.release(p.held)
	cols := make([]*vector.Vector, len(x.Out))
	reset := func() {
		for i, c := range x.Out {
			cols[i] = vector.New(c.Type, 0)
		}
	}
	reset()
	emit := func() error {
		if cols[0].Len == 0 {
			return nil
		}
		err := p.out.push(&vector.Batch{Len: cols[0].Len, Cols: cols})
		cols = make([]*vector.Vector, len(x.Out))
		reset()
		return err
	}
	for _, g := range p.order {
		for i, c := range x.Out {
			switch {
			case x.From[i] >= 0:
				cols[i].Append(fitValue(g.keys[x.From[i]], c.Type))
			case g.set[i]:
				cols[i].Append(g.cells[i])
			case x.ZeroEmpty:
				cols[i].Append(zeroOf(c.Type))
			default:
				cols[i].Append(types.NullOf(c.Type))
			}
		}
		if cols[0].Len >= vector.BatchSize {
			if err := emit(); err != nil && !errors.Is(err, errStop) {
				return err
			}
		}
	}
	if len(x.Out) > 0 {
		if err := emit(); err != nil && !errors.Is(err, errStop) {
			return err
		}
	}
	return p.out.finish()
}

// fitValue gives a value a declared column type: numbers convert between
// int, long and real, anything becomes its text in a string column or its
// JSON in a dynamic one; other mismatches are null.
func fitValue(v types.Value, t types.Type) types.Value {
	switch {
	case v.Type == t:
		return v
	case v.Null:
		return types.NullOf(t)
	case t == types.String:
		return types.NewString(planner.PivotName(v))
	case t == types.Dynamic:
		if d, ok := dynamicItem(v); ok {
			return types.NewDynamic(d)
		}
		return types.NullOf(t)
	}
	num := v.Type == types.Int || v.Type == types.Long || v.Type == types.Real
	switch {
	case num && t == types.Real:
		if v.Type == types.Real {
			return v
		}
		return types.NewReal(float64(v.I))
	case num && (t == types.Long || t == types.Int):
		if v.Type == types.Real {
			return types.Value{Type: t, I: int64(v.F)}
		}
		return types.Value{Type: t, I: v.I}
	}
	return types.NullOf(t)
}

// zeroOf is 0 of a numeric type, else null.
func zeroOf(t types.Type) types.Value {
	switch t {
	case types.Int, types.Long:
		return types.Value{Type: t}
	case types.Real:
		return types.NewReal(0)
	case types.Decimal:
		return types.Value{Type: t, S: "0"}
	}
	return types.NullOf(t)
}
