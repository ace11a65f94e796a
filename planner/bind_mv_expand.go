package planner

import (
	"strings"

	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// MvExpand turns each element of dynamic arrays and property bags into its own
// row. Each input row yields as many rows as its longest expanded value; the
// values expand side by side and a shorter one is padded with null. A null
// value yields one row with null, an empty array or bag none, and any other
// scalar one row holding itself. Exprs are bound over the input; the value of
// Exprs[i] goes to output column Targets[i], cast to Out[Targets[i]].Type.
// Every other output column below len(Input.Columns()) copies the input
// column at the same position.
type MvExpand struct {
	Input   Node
	Exprs   []Expr
	Targets []int
	// BagArray expands a property bag to [key, value] arrays instead of
	// single-property bags.
	BagArray bool
	// IndexAt is the output position of the with_itemindex column, or -1.
	IndexAt int
	// Limit caps the rows of one input row; -1 means no cap.
	Limit int64
	Out   []Column
}

func (n *MvExpand) Columns() []Column { return n.Out }
func (n *MvExpand) Inputs() []Node    { return []Node{n.Input} }

// SetInput replaces the input.
func (n *MvExpand) SetInput(i int, in Node) {
	if i != 0 {
		panic("BUG: mv-expand has one input")
	}
	n.Input = in
}

// mvExpand binds mv-expand (and its old spelling mvexpand). An expanded
// column keeps its place; `Name = expr` with a new name appends a column.
// https://learn.microsoft.com/kusto/query/mv-expand-operator
func (b *binder) mvExpand(in Node, o *parser.MvExpandOp) Node {
	sc := &scope{cols: in.Columns(), b: b}
	n := &MvExpand{Input: in, IndexAt: -1, Limit: -1, Out: append([]Column(nil), in.Columns()...)}
	ok := true
	index := ""
	var indexPos parser.Position
	for _, opt := range o.Options {
		word := opt.Value.Word
		if opt.Value.Lit != nil {
			word = opt.Value.Lit.Str
		}
		switch {
		case opt.Name == "kind" || opt.Name == "bagexpansion":
			switch strings.ToLower(word) {
			case "bag":
				n.BagArray = false
			case "array":
				n.BagArray = true
			default:
				b.errs.add(opt.Value.Pos, "unknown %s '%s'; expected bag or array", opt.Name, word)
				ok = false
			}
		case opt.Name == "with_itemindex":
			if opt.Value.Word == "" {
				b.errs.add(opt.Value.Pos, "'with_itemindex' needs a column name")
				ok = false
				continue
			}
			index, indexPos = opt.Value.Word, opt.Value.Pos
		case strings.HasPrefix(opt.Name, "hint."):
		default:
			b.errs.add(opt.Pos, "unknown mv-expand option '%s'", opt.Name)
			ok = false
		}
	}
	seen := map[string]bool{}
	for i, item := range o.Items {
		if len(item.X.Names) > 1 {
			b.errs.add(item.X.Pos, "mv-expand assigns one name per expression")
			ok = false
			continue
		}
		x := sc.bindExpr(item.X.Value)
		if x == nil {
			ok = false
			continue
		}
		if x.Type() != types.Dynamic {
			if x.Type() == types.Unknown {
				ok = false // its error is reported
				continue
			}
			b.errs.add(item.X.Value.Start(), "mv-expand needs a dynamic array or property bag, got %s", x.Type())
			ok = false
			continue
		}
		t := types.Dynamic
		if item.To != nil {
			tt, known := types.ParseType(item.To.Type.Value)
			if !known {
				b.errs.add(item.To.Type.Pos, "unknown type '%s'", item.To.Type.Value)
				ok = false
				continue
			}
			t = tt
		}
		name := columnName(item.X, i)
		if seen[name] {
			b.errs.add(item.X.Pos, "column '%s' is expanded twice", name)
			ok = false
			continue
		}
		seen[name] = true
		at := indexOf(n.Out, name)
		if at < 0 {
			at = len(n.Out)
			n.Out = append(n.Out, Column{})
		}
		n.Out[at] = Column{Name: name, Type: t}
		n.Exprs = append(n.Exprs, x)
		n.Targets = append(n.Targets, at)
	}
	if index != "" {
		if indexOf(n.Out, index) >= 0 {
			b.errs.add(indexPos, "column '%s' already exists", index)
			ok = false
		}
		n.IndexAt = len(n.Out)
		n.Out = append(n.Out, Column{Name: index, Type: types.Long})
	}
	if o.Limit != nil {
		lim, limOK := b.constCount(sc, o.Limit)
		if !limOK {
			ok = false
		}
		n.Limit = lim
	}
	if !ok {
		return nil
	}
	return n
}
