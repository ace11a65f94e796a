package parser

import (
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Pieces shared by several operators: named expressions, sort keys, options,
// name patterns and operator-only subqueries.

// NamedExpr is an expression with an optional name: `Count = count()`, `(a, b) = f(x)`,
// or just `DeviceName`.
type NamedExpr struct {
	Span
	Names []*Name
	Value Expr
}

// Parse reads `[name = | (n1, n2) =] expr`.
func (n *NamedExpr) Parse(lex *lexer.PeekingLexer) error {
	start := lex.Peek()
	n.Pos = start.Pos
	names, err := assignTarget(lex)
	if err != nil {
		return err
	}
	n.Names = names
	x, err := parseExpr(lex)
	if err == participle.NextMatch {
		if names != nil {
			return expectedAfter(lex.Peek(), "an expression", "=")
		}
		return participle.NextMatch
	}
	if err != nil {
		return err
	}
	n.Value = x
	n.EndPos = lex.Peek().Pos
	return nil
}

// assignTarget consumes `name =` or `(n1, n2, ...) =` and returns the names, or
// consumes nothing and returns nil when the next tokens are not an assignment.
func assignTarget(lex *lexer.PeekingLexer) ([]*Name, error) {
	cp := lex.MakeCheckpoint()
	isEq := func() bool {
		t := lex.Peek()
		return t.Type == tOp && t.Value == "="
	}
	if t := lex.Peek(); t.Type == tOp && t.Value == "(" {
		lex.Next()
		var names []*Name
		for {
			var nm Name
			if nm.Parse(lex) != nil {
				lex.LoadCheckpoint(cp)
				return nil, nil
			}
			names = append(names, &nm)
			t := lex.Peek()
			if t.Type == tOp && t.Value == "," {
				lex.Next()
				continue
			}
			if t.Type == tOp && t.Value == ")" {
				lex.Next()
				break
			}
			lex.LoadCheckpoint(cp)
			return nil, nil
		}
		if !isEq() {
			lex.LoadCheckpoint(cp)
			return nil, nil
		}
		lex.Next()
		return names, nil
	}
	var nm Name
	if nm.Parse(lex) != nil || !isEq() {
		lex.LoadCheckpoint(cp)
		return nil, nil
	}
	lex.Next()
	return []*Name{&nm}, nil
}

func (n *NamedExpr) format(p *printer) {
	switch len(n.Names) {
	case 0:
	case 1:
		p.node(n.Names[0])
		p.s(" = ")
	default:
		p.s("(")
		list(p, ", ", n.Names)
		p.s(") = ")
	}
	p.node(n.Value)
}

// SortKey is one key of sort/top: an expression, a direction and a nulls placement.
// Empty Order and Nulls mean the operator's default.
type SortKey struct {
	Span
	X     Expr   `parser:"@@"`
	Order string `parser:"@( 'asc' | 'desc' | 'granny-asc' | 'granny-desc' )?"`
	Nulls string `parser:"( 'nulls' @( 'first' | 'last' ) )?"`
}

func (k *SortKey) format(p *printer) {
	p.node(k.X)
	if k.Order != "" {
		p.s(" ", k.Order)
	}
	if k.Nulls != "" {
		p.s(" nulls ", k.Nulls)
	}
}

// optionWords are the plain (undotted) option names operators accept before their
// arguments; dotted names such as hint.strategy are always options.
var optionWords = map[string]bool{
	"kind": true, "withsource": true, "with_source": true, "isfuzzy": true, "bagexpansion": true,
	"with_itemindex": true, "flags": true, "decodepercent": true, "with_match_id": true,
	"partitioning": true, "datascope": true, "pairs": true, "format": true, "output": true,
	"pathformat": true, "decodeblocks": true, "hint": false, "dataformat": true, "cycles": true,
}

// Option is `name=value` before an operator's arguments: kind=inner,
// hint.strategy=shuffle, withsource=TableName, bagexpansion=array.
type Option struct {
	Span
	Name  string
	Value *OptionValue
}

// OptionValue is an option's value: a word or a literal.
type OptionValue struct {
	Span
	Word string
	Lit  *Literal
}

// Parse reads an option, consuming nothing unless the whole `name = value` is there
// and the value is not the start of a longer expression.
func (o *Option) Parse(lex *lexer.PeekingLexer) error {
	cp := lex.MakeCheckpoint()
	fail := func() error { lex.LoadCheckpoint(cp); return participle.NextMatch }
	t := lex.Peek()
	if t.Type != tIdent {
		return participle.NextMatch
	}
	o.Pos = t.Pos
	parts := []string{lex.Next().Value}
	for {
		d := lex.Peek()
		if d.Type != tOp || d.Value != "." {
			break
		}
		lex.Next()
		w := lex.Peek()
		if w.Type != tIdent {
			return fail()
		}
		parts = append(parts, lex.Next().Value)
	}
	name := strings.Join(parts, ".")
	if len(parts) == 1 && !optionWords[name] {
		return fail()
	}
	if eq := lex.Peek(); eq.Type != tOp || eq.Value != "=" {
		return fail()
	}
	lex.Next()
	v := &OptionValue{}
	v.Pos = lex.Peek().Pos
	if w := lex.Peek(); w.Type == tIdent && w.Value != "true" && w.Value != "false" {
		v.Word = lex.Next().Value
	} else {
		var l Literal
		if err := l.Parse(lex); err != nil {
			return fail()
		}
		v.Lit = &l
	}
	v.EndPos = lex.Peek().Pos
	o.Name, o.Value = name, v
	o.EndPos = lex.Peek().Pos
	return nil
}

// Hint is an option whose name is dotted (hint.strategy=shuffle): the only kind
// summarize accepts, since `summarize kind = count()` names a column.
type Hint struct{ Option }

// Parse reads a dotted option only.
func (h *Hint) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	if t.Type != tIdent || optionWords[t.Value] {
		return participle.NextMatch
	}
	return h.Option.Parse(lex)
}

func (o *Option) format(p *printer) {
	p.s(o.Name, "=")
	p.node(o.Value)
}

func (v *OptionValue) format(p *printer) {
	if v.Lit != nil {
		p.node(v.Lit)
		return
	}
	p.s(v.Word)
}

// options prints options each followed by a space.
func options(p *printer, opts []*Option) {
	for _, o := range opts {
		p.node(o)
		p.s(" ")
	}
}

// NamePattern is a column or table name that may contain '*' wildcards written
// without spaces: Device*, *Name, Initiating*Sha1, or a bracketed ['name'].
type NamePattern struct {
	Span
	Pattern string
}

// Parse reads adjacent identifier and '*' tokens. It consumes nothing if the
// result would be the start of a larger expression (a call, a member access).
func (n *NamePattern) Parse(lex *lexer.PeekingLexer) error {
	cp := lex.MakeCheckpoint()
	t := lex.Peek()
	n.Pos = t.Pos
	if t.Type == tOp && t.Value == "[" {
		var nm Name
		if err := nm.Parse(lex); err != nil {
			return err
		}
		if !patternEnds(lex.Peek()) {
			lex.LoadCheckpoint(cp)
			return participle.NextMatch
		}
		n.Pattern = nm.Value
		n.EndPos = lex.Peek().Pos
		return nil
	}
	var b strings.Builder
	end := -1
	for {
		t := lex.Peek()
		isWord := t.Type == tIdent || t.Type == tInt
		isStar := t.Type == tOp && t.Value == "*"
		if !isWord && !isStar {
			break
		}
		if end >= 0 && t.Pos.Offset != end {
			break // a space ends the pattern
		}
		if end < 0 && t.Type == tInt {
			break
		}
		if end < 0 && t.Type == tIdent && reservedWords[t.Value] {
			break
		}
		b.WriteString(t.Value)
		end = t.Pos.Offset + len(t.Value)
		lex.Next()
	}
	if b.Len() == 0 {
		lex.LoadCheckpoint(cp)
		return participle.NextMatch
	}
	// A pattern ends at a delimiter; anything else (x*2, f(...), a.b) makes the
	// text an expression instead.
	if !patternEnds(lex.Peek()) {
		lex.LoadCheckpoint(cp)
		return participle.NextMatch
	}
	n.Pattern = b.String()
	n.EndPos = lex.Peek().Pos
	return nil
}

// patternEnds reports whether a name pattern may end before t: at a delimiter
// or a word; anything else (x*2, f(...), a.b) makes the text an expression.
func patternEnds(t *lexer.Token) bool {
	switch {
	case t.EOF():
		return true
	case t.Type == tIdent:
		// A word ends a pattern (asc, where, on...) unless it is a binary operator,
		// which makes the pattern the left side of an expression.
		_, op := wordBinary[t.Value]
		return !op && !listOps[t.Value] && t.Value != "between" && t.Value != "matches"
	case t.Type == tOp && len(t.Value) == 1 && strings.Contains(",|);}]", t.Value):
		return true
	}
	return false
}

func (n *NamePattern) format(p *printer) {
	if strings.Contains(n.Pattern, "*") {
		ok := true
		for _, part := range strings.Split(n.Pattern, "*") {
			if part != "" && !identOK(part) && !isDigits(part) {
				ok = false
			}
		}
		if ok {
			p.s(n.Pattern)
			return
		}
	}
	p.s(formatName(n.Pattern))
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// DottedName is a name with dots, as in `set query_results_cache_max_age` or
// `hint.strategy`.
type DottedName struct {
	Span
	Parts []string `parser:"@Ident ( '.' @Ident )*"`
}

func (d *DottedName) format(p *printer) { p.s(strings.Join(d.Parts, ".")) }

// SubQuery is a pipeline that starts with an operator, not a table: the body of
// mv-apply ... on (...), partition ... (...), facet ... with (...) and fork (...).
type SubQuery struct {
	Span
	Ops []Operator `parser:"'(' @@ ( '|' @@ )* ')'"`
}

func (s *SubQuery) format(p *printer) {
	p.s("(")
	list(p, " | ", s.Ops)
	p.s(")")
}

// TypeRef is `typeof(type)` in mv-expand ... to typeof(...).
type TypeRef struct {
	Span
	Type *Name `parser:"'typeof' '(' @@ ')'"`
}

func (t *TypeRef) format(p *printer) {
	p.s("typeof(")
	p.node(t.Type)
	p.s(")")
}
