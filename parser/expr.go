package parser

import (
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Expressions are parsed by precedence climbing, the way participle's own
// documentation recommends for operator precedence: participle's grammar covers
// the pieces (literals, dynamic values, pipelines in parentheses and arguments)
// and this file combines them by KQL's precedence, lowest first:
//
//	or
//	and
//	== != < <= > >= =~ !~, the string operators, in/has_any lists, between
//	+ -
//	* / %
//	unary - +
//	postfix: x.name, x[index], f(args)

const (
	precOr = iota + 1
	precAnd
	precCompare
	precAdd
	precMul
)

// binaryKind tells how an operator's right side is parsed.
type binaryKind int

const (
	kindPlain   binaryKind = iota // an expression of higher precedence
	kindList                      // ( item, item, ... ) or a single operand
	kindBetween                   // ( low .. high )
)

var wordBinary = map[string]int{
	"and": precAnd, "or": precOr,
	"has": precCompare, "has_cs": precCompare, "contains": precCompare, "contains_cs": precCompare,
	"startswith": precCompare, "startswith_cs": precCompare, "endswith": precCompare, "endswith_cs": precCompare,
	"hasprefix": precCompare, "hasprefix_cs": precCompare, "hassuffix": precCompare, "hassuffix_cs": precCompare,
	"like": precCompare, "notlike": precCompare, "notcontains": precCompare, "notcontainscs": precCompare,
	"containscs": precCompare, "notbetween": precCompare,
}

var listOps = map[string]bool{
	"in": true, "!in": true, "in~": true, "!in~": true, "has_any": true, "has_all": true,
	"!has_any": true, "!has_all": true,
}

var symbolBinary = map[string]int{
	"==": precCompare, "!=": precCompare, "<>": precCompare, "<": precCompare, "<=": precCompare,
	">": precCompare, ">=": precCompare, "=~": precCompare, "!~": precCompare,
	"+": precAdd, "-": precAdd, "*": precMul, "/": precMul, "%": precMul,
}

// reservedWords cannot start an expression: they are the keywords that end one
// inside operators (summarize ... by, join ... on, range ... from ... to ... step).
var reservedWords = map[string]bool{
	"by": true, "on": true, "and": true, "or": true, "with": true, "from": true, "to": true,
	"step": true, "asc": true, "desc": true, "nulls": true, "of": true,
}

type exprParser struct {
	lex   *lexer.PeekingLexer
	depth int
}

// parseExpr is participle's parser for every grammar field of type Expr. It
// returns participle.NextMatch, consuming nothing, when no expression starts here.
func parseExpr(lex *lexer.PeekingLexer) (Expr, error) {
	p := &exprParser{lex: lex}
	x, err := p.binary(precOr)
	if err != nil {
		return nil, err
	}
	if x == nil {
		return nil, participle.NextMatch
	}
	return x, nil
}

func (p *exprParser) peekBinary() (op string, n int, prec int, kind binaryKind) {
	t := p.lex.Peek()
	switch t.Type {
	case tOp:
		if listOps[t.Value] {
			return t.Value, 1, precCompare, kindList
		}
		if t.Value == "!between" {
			return t.Value, 1, precCompare, kindBetween
		}
		if len(t.Value) > 1 && t.Value[0] == '!' && t.Value != "!=" && t.Value != "!~" {
			return t.Value, 1, precCompare, kindPlain
		}
		if t.Value == ":" && p.searchTermAhead() {
			return ":", 1, precCompare, kindPlain
		}
		if pr, ok := symbolBinary[t.Value]; ok {
			if t.Value == "<>" {
				return "!=", 1, pr, kindPlain
			}
			return t.Value, 1, pr, kindPlain
		}
	case tIdent:
		if listOps[t.Value] {
			return t.Value, 1, precCompare, kindList
		}
		if t.Value == "between" {
			return t.Value, 1, precCompare, kindBetween
		}
		if t.Value == "matches" {
			cp := p.lex.MakeCheckpoint()
			p.lex.Next()
			next := p.lex.Peek()
			p.lex.LoadCheckpoint(cp)
			if next.Type == tIdent && next.Value == "regex" {
				return "matches regex", 2, precCompare, kindPlain
			}
			return "", 0, 0, 0
		}
		if pr, ok := wordBinary[t.Value]; ok {
			switch t.Value {
			case "notcontains":
				return "!contains", 1, pr, kindPlain
			case "notcontainscs":
				return "!contains_cs", 1, pr, kindPlain
			case "containscs":
				return "contains_cs", 1, pr, kindPlain
			case "notbetween":
				return "!between", 1, pr, kindBetween
			}
			return t.Value, 1, pr, kindPlain
		}
	}
	return "", 0, 0, 0
}

// searchTermAhead reports whether ':' is search's Column:"term" form: the colon
// is followed by a string or number literal.
func (p *exprParser) searchTermAhead() bool {
	cp := p.lex.MakeCheckpoint()
	defer p.lex.LoadCheckpoint(cp)
	p.lex.Next()
	switch p.lex.Peek().Type {
	case tString, tInt, tReal:
		return true
	}
	return false
}

func (p *exprParser) binary(minPrec int) (Expr, error) {
	left, err := p.unary()
	if err != nil || left == nil {
		return nil, err
	}
	for {
		op, n, prec, kind := p.peekBinary()
		if op == "" || prec < minPrec {
			return left, nil
		}
		opTok := *p.lex.Peek()
		for i := 0; i < n; i++ {
			p.lex.Next()
		}
		switch kind {
		case kindList:
			list, err := p.list(op, opTok)
			if err != nil {
				return nil, err
			}
			left = &InExpr{Span: Span{left.Start(), p.lex.Peek().Pos}, Op: op, Left: left, List: list}
		case kindBetween:
			lo, hi, err := p.between(op, opTok)
			if err != nil {
				return nil, err
			}
			left = &BetweenExpr{Span: Span{left.Start(), p.lex.Peek().Pos}, Not: op[0] == '!', Left: left, Low: lo, High: hi}
		default:
			right, err := p.binary(prec + 1)
			if err != nil {
				return nil, err
			}
			if right == nil {
				return nil, expectedAfter(p.lex.Peek(), "an expression", op)
			}
			left = &BinaryExpr{Span: Span{left.Start(), right.End()}, Op: op, Left: left, Right: right}
		}
	}
}

// expectedAfter builds the error for a missing piece right after a keyword or operator.
func expectedAfter(got *lexer.Token, what, after string) error {
	return errorf(got.Pos, "expected %s after '%s'%s", what, after, butGot(got))
}

func butGot(t *lexer.Token) string {
	if t.EOF() {
		return ", but the query ends"
	}
	return ", but found " + describeToken(t)
}

func (p *exprParser) list(op string, opTok lexer.Token) ([]Expr, error) {
	if p.lex.Peek().Value != "(" || p.lex.Peek().Type != tOp {
		// A single operand: `x in list_var` or `x has_any (dynamic([...]))`.
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		if x == nil {
			return nil, expectedAfter(p.lex.Peek(), "a parenthesised list", op)
		}
		return []Expr{x}, nil
	}
	open := p.lex.Next()
	items, err := p.items(")")
	if err != nil {
		return nil, err
	}
	if err := p.closing(")", open); err != nil {
		return nil, err
	}
	return items, nil
}

func (p *exprParser) between(op string, opTok lexer.Token) (Expr, Expr, error) {
	if t := p.lex.Peek(); t.Type != tOp || t.Value != "(" {
		return nil, nil, expectedAfter(t, "'(low .. high)'", op)
	}
	open := p.lex.Next()
	lo, err := p.binary(precOr)
	if err != nil {
		return nil, nil, err
	}
	if lo == nil {
		return nil, nil, expectedAfter(p.lex.Peek(), "the lower bound", op+" (")
	}
	if t := p.lex.Peek(); t.Type != tOp || t.Value != ".." {
		return nil, nil, errorf(t.Pos, "expected '..' between the bounds of '%s'%s", op, butGot(t))
	}
	p.lex.Next()
	hi, err := p.binary(precOr)
	if err != nil {
		return nil, nil, err
	}
	if hi == nil {
		return nil, nil, expectedAfter(p.lex.Peek(), "the upper bound", "..")
	}
	if err := p.closing(")", open); err != nil {
		return nil, nil, err
	}
	return lo, hi, nil
}

func (p *exprParser) closing(want string, open *lexer.Token) error {
	t := p.lex.Peek()
	if t.Type == tOp && t.Value == want {
		p.lex.Next()
		return nil
	}
	return errorf(t.Pos, "expected '%s' to close the '%s' at %d:%d%s", want, open.Value, open.Pos.Line, open.Pos.Column, butGot(t))
}

// items parses comma-separated arguments or list elements up to (not including)
// the closing token. Each item may be a whole pipeline or a named argument.
func (p *exprParser) items(closer string) ([]Expr, error) {
	var out []Expr
	for {
		t := p.lex.Peek()
		if t.Type == tOp && t.Value == closer {
			return out, nil
		}
		item, err := p.item()
		if err != nil {
			return nil, err
		}
		if item == nil {
			if len(out) == 0 {
				return nil, errorf(t.Pos, "expected an expression or '%s'%s", closer, butGot(t))
			}
			return nil, errorf(t.Pos, "expected an expression after ','%s", butGot(t))
		}
		out = append(out, item)
		if t := p.lex.Peek(); t.Type == tOp && t.Value == "," {
			p.lex.Next()
			continue
		}
		return out, nil
	}
}

// item parses one argument: `name = value` or a pipeline/expression.
func (p *exprParser) item() (Expr, error) {
	cp := p.lex.MakeCheckpoint()
	if n, err := p.name(); err == nil && n != nil {
		if eq := p.lex.Peek(); eq.Type == tOp && eq.Value == "=" {
			p.lex.Next()
			v, err := p.pipeOrExpr()
			if err != nil {
				return nil, err
			}
			if v == nil {
				return nil, expectedAfter(p.lex.Peek(), "a value", n.Value+" =")
			}
			return &NamedArg{Span: Span{n.Pos, v.End()}, Name: n.Value, Value: v}, nil
		}
	}
	p.lex.LoadCheckpoint(cp)
	return p.pipeOrExpr()
}

// pipeOrExpr parses a pipeline and returns its expression when it has no operators.
func (p *exprParser) pipeOrExpr() (Expr, error) {
	start := p.lex.Peek()
	pe, err := pipeParser.ParseFromLexer(p.lex, participle.AllowTrailing(true))
	if err != nil {
		if p.lex.Peek() == start || p.lex.Peek().Pos == start.Pos {
			if ute, ok := err.(*participle.UnexpectedTokenError); ok && ute.Unexpected.Pos == start.Pos {
				return nil, nil
			}
		}
		return nil, err
	}
	return unwrapPipe(pe), nil
}

// unwrapPipe returns the plain expression of a pipeline with no operators.
func unwrapPipe(pe *PipeExpr) Expr {
	if len(pe.Ops) == 0 {
		if es, ok := pe.Source.(*ExprSource); ok {
			return es.X
		}
	}
	return pe
}

func (p *exprParser) unary() (Expr, error) {
	t := p.lex.Peek()
	if t.Type == tOp && (t.Value == "-" || t.Value == "+") {
		p.depth++
		if p.depth > MaxDepth {
			return nil, errorf(t.Pos, "expression nests deeper than %d levels", MaxDepth)
		}
		p.lex.Next()
		x, err := p.unary()
		p.depth--
		if err != nil {
			return nil, err
		}
		if x == nil {
			return nil, expectedAfter(p.lex.Peek(), "an expression", t.Value)
		}
		return &UnaryExpr{Span: Span{t.Pos, x.End()}, Op: t.Value, X: x}, nil
	}
	x, err := p.primary()
	if err != nil || x == nil {
		return x, err
	}
	return p.postfix(x)
}

func (p *exprParser) postfix(x Expr) (Expr, error) {
	for {
		t := p.lex.Peek()
		if t.Type != tOp {
			return x, nil
		}
		switch t.Value {
		case ".":
			p.lex.Next()
			if b := p.lex.Peek(); b.Type == tOp && b.Value == "[" {
				// x.[0] and x.['key'] mean x[0] and x['key'].
				continue
			}
			if pat, ok := p.memberPattern(); ok {
				x = &MemberExpr{Span: Span{x.Start(), p.lex.Peek().Pos}, X: x, Name: pat}
				continue
			}
			n, err := p.name()
			if err != nil {
				return nil, err
			}
			if n == nil {
				return nil, expectedAfter(p.lex.Peek(), "a property name", ".")
			}
			if o := p.lex.Peek(); o.Type == tOp && o.Value == "(" {
				args, err := p.args()
				if err != nil {
					return nil, err
				}
				x = &CallExpr{Span: Span{x.Start(), p.lex.Peek().Pos}, Receiver: x, Name: n.Value, Args: args}
				continue
			}
			x = &MemberExpr{Span: Span{x.Start(), p.lex.Peek().Pos}, X: x, Name: n.Value}
		case "[":
			open := p.lex.Next()
			idx, err := p.binary(precOr)
			if err != nil {
				return nil, err
			}
			if idx == nil {
				return nil, expectedAfter(p.lex.Peek(), "an index or property name", "[")
			}
			if err := p.closing("]", open); err != nil {
				return nil, err
			}
			x = &IndexExpr{Span: Span{x.Start(), p.lex.Peek().Pos}, X: x, Index: idx}
		default:
			return x, nil
		}
	}
}

// peekIs reports whether the token ahead (0 = next) has the given type and value.
func (p *exprParser) peekIs(ahead int, typ lexer.TokenType, value string) bool {
	cp := p.lex.MakeCheckpoint()
	defer p.lex.LoadCheckpoint(cp)
	for i := 0; i < ahead; i++ {
		p.lex.Next()
	}
	t := p.lex.Peek()
	return t.Type == typ && t.Value == value
}

// memberPattern consumes a trailing-wildcard member name after '.': `*` or
// `Device*` written without spaces and followed by a delimiter, as in
// database("d").Device*. It consumes nothing otherwise.
func (p *exprParser) memberPattern() (string, bool) {
	cp := p.lex.MakeCheckpoint()
	t := p.lex.Peek()
	name := ""
	end := t.Pos.Offset
	if t.Type == tIdent {
		p.lex.Next()
		name, end = t.Value, t.Pos.Offset+len(t.Value)
	}
	star := p.lex.Peek()
	if star.Type != tOp || star.Value != "*" || star.Pos.Offset != end {
		p.lex.LoadCheckpoint(cp)
		return "", false
	}
	p.lex.Next()
	switch after := p.lex.Peek(); {
	case after.EOF(), after.Type == tOp && len(after.Value) == 1 && strings.Contains(",|);", after.Value):
		return name + "*", true
	}
	p.lex.LoadCheckpoint(cp)
	return "", false
}

// name parses an identifier or a bracketed ['name'] without consuming anything
// when neither is next.
func (p *exprParser) name() (*Name, error) {
	var n Name
	if err := n.Parse(p.lex); err != nil {
		if err == participle.NextMatch {
			return nil, nil
		}
		return nil, err
	}
	return &n, nil
}

func (p *exprParser) args() ([]Expr, error) {
	open := p.lex.Next()
	p.depth++
	defer func() { p.depth-- }()
	items, err := p.items(")")
	if err != nil {
		return nil, err
	}
	if err := p.closing(")", open); err != nil {
		return nil, err
	}
	return items, nil
}

func (p *exprParser) primary() (Expr, error) {
	t := p.lex.Peek()
	switch t.Type {
	case tOp:
		switch t.Value {
		case "(":
			open := p.lex.Next()
			items, err := p.items(")")
			if err != nil {
				return nil, err
			}
			if err := p.closing(")", open); err != nil {
				return nil, err
			}
			span := Span{open.Pos, p.lex.Peek().Pos}
			if len(items) == 1 {
				return &ParenExpr{Span: span, X: items[0]}, nil
			}
			return &ListExpr{Span: span, Items: items}, nil
		case "*":
			p.lex.Next()
			return &StarExpr{Span: Span{t.Pos, p.lex.Peek().Pos}}, nil
		case "[":
			n, err := p.name()
			if err != nil || n == nil {
				return nil, err
			}
			return p.nameOrCall(n)
		}
		return nil, nil
	case tIdent:
		if t.Value == "dynamic" {
			d, err := dynamicParser.ParseFromLexer(p.lex, participle.AllowTrailing(true))
			if err != nil {
				return nil, err
			}
			return d, nil
		}
		if t.Value == "true" || t.Value == "false" {
			break
		}
		if p.peekIs(1, tOp, "(") && t.Value == "typeof" {
			return typeofParser.ParseFromLexer(p.lex, participle.AllowTrailing(true))
		}
		if p.peekIs(1, tOp, "[") && t.Value == "entity_group" {
			p.lex.Next()
			open := p.lex.Next()
			items, err := p.items("]")
			if err != nil {
				return nil, err
			}
			if err := p.closing("]", open); err != nil {
				return nil, err
			}
			return &EntityGroupExpr{Span: Span{t.Pos, p.lex.Peek().Pos}, Items: items}, nil
		}
		if reservedWords[t.Value] {
			return nil, nil
		}
		n, err := p.name()
		if err != nil || n == nil {
			return nil, err
		}
		return p.nameOrCall(n)
	}
	var l Literal
	if err := l.Parse(p.lex); err != nil {
		if err == participle.NextMatch {
			return nil, nil
		}
		return nil, err
	}
	return &l, nil
}

func (p *exprParser) nameOrCall(n *Name) (Expr, error) {
	if o := p.lex.Peek(); o.Type == tOp && o.Value == "(" {
		args, err := p.args()
		if err != nil {
			return nil, err
		}
		return &CallExpr{Span: Span{n.Pos, p.lex.Peek().Pos}, Name: n.Value, Args: args}, nil
	}
	return &NameRef{Span: n.Span, Name: n.Value}, nil
}

// Parse reads an identifier or a bracketed name: ['my column'] or ["x"].
func (n *Name) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	n.Pos = t.Pos
	switch {
	case t.Type == tIdent:
		lex.Next()
		n.Value = t.Value
	case t.Type == tOp && t.Value == "[":
		cp := lex.MakeCheckpoint()
		lex.Next()
		s := lex.Peek()
		if s.Type != tString {
			lex.LoadCheckpoint(cp)
			return participle.NextMatch
		}
		lex.Next()
		if c := lex.Peek(); c.Type != tOp || c.Value != "]" {
			lex.LoadCheckpoint(cp)
			return participle.NextMatch
		}
		lex.Next()
		v, _, err := decodeString(s.Value)
		if err != nil {
			return errorf(s.Pos, "%s", err.Error())
		}
		n.Value = v
	default:
		return participle.NextMatch
	}
	n.EndPos = lex.Peek().Pos
	return nil
}
