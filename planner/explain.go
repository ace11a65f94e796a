package planner

import (
	"fmt"
	"strings"

	"github.com/spoorhq/spoor/types"
)

// Explain prints a plan as a deterministic indented tree.
func Explain(n Node) string {
	var b strings.Builder
	explain(&b, n, 0)
	return b.String()
}

// Explainer is implemented by plan nodes outside the core set so that Explain
// can print them: one line, without indentation or newline.
type Explainer interface {
	Explain() string
}

func explain(b *strings.Builder, n Node, depth int) {
	b.WriteString(strings.Repeat("  ", depth))
	switch x := n.(type) {
	case *Scan:
		var cols []string
		for i, c := range x.Cols {
			if x.Needed[i] {
				cols = append(cols, c.Name)
			}
		}
		fmt.Fprintf(b, "Scan %s columns=[%s]", x.Table, strings.Join(cols, ", "))
		if x.MinTime != 0 || x.MaxTime != 0 {
			fmt.Fprintf(b, " time=[%s .. %s]", bound(x.MinTime), bound(x.MaxTime))
		}
		for _, p := range x.Preds {
			fmt.Fprintf(b, " index(%s)", p)
		}
		switch {
		case x.Latest > 0 && x.Earliest:
			fmt.Fprintf(b, " earliest=%d", x.Latest)
		case x.Latest > 0:
			fmt.Fprintf(b, " latest=%d", x.Latest)
		}
	case *Filter:
		fmt.Fprintf(b, "Filter %s", ExprString(x.Pred))
	case *Project:
		parts := make([]string, len(x.Exprs))
		for i, e := range x.Exprs {
			s := ExprString(e)
			if s != x.Out[i].Name {
				s = x.Out[i].Name + "=" + s
			}
			parts[i] = s
		}
		fmt.Fprintf(b, "Project %s", strings.Join(parts, ", "))
	case *Aggregate:
		var keys, aggs []string
		for i, k := range x.Keys {
			keys = append(keys, x.Out[i].Name+"="+ExprString(k))
		}
		for i, a := range x.Aggs {
			args := make([]string, len(a.Args))
			for j, e := range a.Args {
				args[j] = ExprString(e)
			}
			aggs = append(aggs, fmt.Sprintf("%s=%s(%s)", x.Out[len(x.Keys)+i].Name, a.Fn.Name, strings.Join(args, ", ")))
		}
		fmt.Fprintf(b, "Aggregate [%s] by [%s]", strings.Join(aggs, ", "), strings.Join(keys, ", "))
		if x.StoreCounts {
			b.WriteString(" counts=store")
		}
		if x.Partial {
			b.WriteString(" partial")
		}
	case *Sort:
		fmt.Fprintf(b, "Sort %s", sortKeys(x.Keys))
	case *TopN:
		fmt.Fprintf(b, "TopN %d by %s", x.N, sortKeys(x.Keys))
	case *Limit:
		fmt.Fprintf(b, "Limit %d", x.N)
	case *Values:
		fmt.Fprintf(b, "Values %d rows", len(x.Rows))
	case *Union:
		fmt.Fprintf(b, "Union kind=%s", x.Kind)
		if x.SourceColumn {
			fmt.Fprintf(b, " withsource=%s", x.Out[0].Name)
		}
	case *Range:
		fmt.Fprintf(b, "Range %s from %s step %s, %d rows", x.Out[0].Name, types.Format(x.From), types.Format(x.Step), x.Count)
	case *MvExpand:
		parts := make([]string, len(x.Exprs))
		for i, e := range x.Exprs {
			parts[i] = x.Out[x.Targets[i]].Name + "=" + ExprString(e)
		}
		fmt.Fprintf(b, "MvExpand %s", strings.Join(parts, ", "))
		if x.Limit > 0 {
			fmt.Fprintf(b, " limit %d", x.Limit)
		}
	case *Parse:
		op := "Parse"
		if x.Where {
			op = "ParseWhere"
		}
		fmt.Fprintf(b, "%s kind=%s %s regex=%q", op, x.Kind, ExprString(x.Source), x.Regex.String())
	case *Join:
		keys := make([]string, len(x.LeftKeys))
		for i := range x.LeftKeys {
			keys[i] = ExprString(x.LeftKeys[i]) + " == " + ExprString(x.RightKeys[i])
		}
		fmt.Fprintf(b, "Join kind=%s on %s", x.Kind, strings.Join(keys, ", "))
	case Explainer:
		b.WriteString(x.Explain())
	default:
		fmt.Fprintf(b, "%T", n)
	}
	b.WriteByte('\n')
	for _, in := range n.Inputs() {
		explain(b, in, depth+1)
	}
}

func bound(t int64) string {
	if t == 0 {
		return "*"
	}
	return types.Format(types.NewDatetime(t))
}

func sortKeys(keys []SortKey) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		dir := "asc"
		if k.Desc {
			dir = "desc"
		}
		nulls := "last"
		if k.NullsFirst {
			nulls = "first"
		}
		parts[i] = fmt.Sprintf("%s %s nulls %s", ExprString(k.X), dir, nulls)
	}
	return strings.Join(parts, ", ")
}

// ExprString prints a bound expression compactly, for explain and errors.
func ExprString(x Expr) string {
	switch e := x.(type) {
	case *ColumnRef:
		return e.Name
	case *Const:
		if e.V.Type == types.String {
			return fmt.Sprintf("%q", e.V.S)
		}
		if e.V.Null {
			return e.V.Type.String() + "(null)"
		}
		return e.V.Type.String() + "(" + types.Format(e.V) + ")"
	case *Subquery:
		if e.Scalar {
			return "toscalar(subquery)"
		}
		return "(subquery)"
	case *Call:
		args := make([]string, len(e.Args))
		for i, a := range e.Args {
			args[i] = ExprString(a)
		}
		if len(args) == 2 && !isWordFunc(e.Fn.Name) {
			return "(" + args[0] + " " + e.Fn.Name + " " + args[1] + ")"
		}
		return e.Fn.Name + "(" + strings.Join(args, ", ") + ")"
	}
	return "?"
}

// isWordFunc reports whether a catalogue name is a function rather than an operator.
func isWordFunc(name string) bool {
	switch name {
	case "and", "or", "has", "!has", "has_cs", "!has_cs", "contains", "!contains", "contains_cs",
		"!contains_cs", "startswith", "!startswith", "endswith", "!endswith", "hasprefix", "hassuffix",
		"matches regex", "in", "!in", "in~", "!in~":
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}
