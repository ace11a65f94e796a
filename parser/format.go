package parser

import (
	"math"
	"reflect"
	"strconv"
	"strings"
)

// The canonical printer. Format(Parse(q)) is KQL that parses back to the same tree:
// keywords in their current spelling (order → sort, limit → take, mvexpand →
// mv-expand), one space around binary operators, each top-level pipe on its own
// line, and names bracketed only when they must be.

type printer struct {
	b strings.Builder
}

func (p *printer) s(parts ...string) {
	for _, s := range parts {
		p.b.WriteString(s)
	}
}

func (p *printer) node(n Node) { n.format(p) }

// opt prints a keyword-introduced clause only when its node is present.
func (p *printer) opt(prefix string, n Node) {
	if n == nil || reflect.ValueOf(n).IsNil() {
		return
	}
	p.s(prefix)
	n.format(p)
}

// list prints nodes separated by sep.
func list[T Node](p *printer, sep string, items []T) {
	for i, it := range items {
		if i > 0 {
			p.s(sep)
		}
		it.format(p)
	}
}

// Format prints a parsed query as canonical KQL text.
func Format(q *Query) string {
	var p printer
	q.format(&p)
	return p.b.String()
}

// FormatNode prints any node (an expression, an operator, a statement).
func FormatNode(n Node) string {
	var p printer
	n.format(&p)
	return p.b.String()
}

// identOK reports whether a name can be printed bare.
func identOK(s string) bool {
	if s == "" || reservedWords[s] || s == "true" || s == "false" {
		return false
	}
	if s[0] >= '0' && s[0] <= '9' {
		// Digits then letters lex as a name (2022Report), unless they form a
		// number or timespan (1d, 0x1F, 1e5).
		toks, err := tokenize(s)
		return err == nil && len(toks) == 2 && toks[0].Type == tIdent && toks[0].Value == s
	}
	for i, r := range s {
		if i == 0 {
			if !isIdentStart(r) || (r == '$' && len(s) == 1) {
				return false
			}
			continue
		}
		if !isIdentPart(r) {
			return false
		}
	}
	if _, isOp := wordBinary[s]; isOp || listOps[s] || s == "between" || s == "matches" {
		return false
	}
	return !dashedWords[s]
}

// memberNameOK reports whether a property name can follow a dot bare: any text
// that lexes back as one identifier, keywords included (x.by is a property).
func memberNameOK(s string) bool {
	toks, err := tokenize(s)
	return err == nil && len(toks) == 2 && toks[0].Type == tIdent && toks[0].Value == s
}

// isMemberPattern reports whether a member name is a trailing wildcard such as
// Device* or *, as in union database("d").Device*.
func isMemberPattern(s string) bool {
	base, ok := strings.CutSuffix(s, "*")
	return ok && (base == "" || memberNameOK(base))
}

func formatName(s string) string {
	if identOK(s) {
		return s
	}
	return "[" + quoteString(s) + "]"
}

func (n *Name) format(p *printer)    { p.s(formatName(n.Value)) }
func (n *NameRef) format(p *printer) { p.s(formatName(n.Name)) }
func (*StarExpr) format(p *printer)  { p.s("*") }

func (b *BinaryExpr) format(p *printer) {
	p.node(b.Left)
	p.s(" ", b.Op, " ")
	p.node(b.Right)
}

func (u *UnaryExpr) format(p *printer) {
	p.s(u.Op)
	if _, nested := u.X.(*UnaryExpr); nested {
		p.s(" ")
	}
	p.node(u.X)
}

func (e *InExpr) format(p *printer) {
	p.node(e.Left)
	p.s(" ", e.Op, " (")
	list(p, ", ", e.List)
	p.s(")")
}

func (e *BetweenExpr) format(p *printer) {
	p.node(e.Left)
	if e.Not {
		p.s(" !between (")
	} else {
		p.s(" between (")
	}
	p.node(e.Low)
	p.s(" .. ")
	p.node(e.High)
	p.s(")")
}

func (c *CallExpr) format(p *printer) {
	switch {
	case c.Receiver != nil:
		// After a dot any identifier, keywords included, names the method.
		p.node(c.Receiver)
		dot(p, c.Receiver)
		p.s(c.Name)
	case typedLiteralWords[c.Name] || c.Name == "dynamic":
		// A bare typed-literal word before '(' would lex as a literal.
		p.s("[", quoteString(c.Name), "]")
	default:
		p.s(formatName(c.Name))
	}
	p.s("(")
	list(p, ", ", c.Args)
	p.s(")")
}

func (a *NamedArg) format(p *printer) {
	p.s(formatName(a.Name), "=")
	p.node(a.Value)
}

// dot prints the '.' after a receiver; after a number it needs a space, or
// "0.x" would lex as a number.
func dot(p *printer, x Expr) {
	if _, lit := x.(*Literal); lit {
		p.s(" ")
	}
	p.s(".")
}

func (m *MemberExpr) format(p *printer) {
	p.node(m.X)
	if memberNameOK(m.Name) || isMemberPattern(m.Name) {
		dot(p, m.X)
		p.s(m.Name)
	} else {
		p.s("[", quoteString(m.Name), "]")
	}
}

func (e *IndexExpr) format(p *printer) {
	p.node(e.X)
	p.s("[")
	p.node(e.Index)
	p.s("]")
}

func (e *ParenExpr) format(p *printer) {
	p.s("(")
	p.node(e.X)
	p.s(")")
}

func (e *ListExpr) format(p *printer) {
	p.s("(")
	list(p, ", ", e.Items)
	p.s(")")
}

func (e *PipeExpr) format(p *printer) {
	p.node(e.Source)
	for _, op := range e.Ops {
		p.s(" | ")
		p.node(op)
	}
}

func (e *ExprSource) format(p *printer) { p.node(e.X) }

func (l *Literal) format(p *printer) {
	if l.Null {
		p.s(l.Type, "(null)")
		return
	}
	switch l.Type {
	case "string":
		if l.Obfuscated {
			p.s("h")
		}
		p.s(quoteString(l.Str))
	case "bool":
		if l.Int != 0 {
			p.s("true")
		} else {
			p.s("false")
		}
	case "long":
		if l.Int < 0 {
			p.s("long(", strconv.FormatInt(l.Int, 10), ")")
		} else {
			p.s(strconv.FormatInt(l.Int, 10))
		}
	case "int":
		p.s("int(", strconv.FormatInt(l.Int, 10), ")")
	case "real":
		p.s(formatReal(l.Real))
	case "decimal":
		p.s("decimal(", l.Str, ")")
	case "guid":
		p.s("guid(", l.Str, ")")
	case "datetime":
		switch l.Relative {
		case RelNow:
			p.s("datetime()")
		case RelToday:
			p.s("datetime(", TicksToTime(unixEpochTicks+l.Int).Format("15:04:05.9999999"), ")")
		default:
			p.s("datetime(", FormatDatetime(l.Int), ")")
		}
	case "timespan":
		if l.Int < 0 {
			p.s("timespan(-", FormatTimespan(-l.Int), ")")
		} else {
			p.s(FormatTimespan(l.Int))
		}
	}
}

func formatReal(v float64) string {
	switch {
	case math.IsNaN(v):
		return "real(nan)"
	case math.IsInf(v, 1):
		return "real(+inf)"
	case math.IsInf(v, -1):
		return "real(-inf)"
	case v < 0 || (v == 0 && math.Signbit(v)):
		return "real(" + strconv.FormatFloat(v, 'g', -1, 64) + ")"
	}
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}

// FormatDatetime prints datetime ticks as ISO 8601 UTC with as many fraction digits
// as needed.
func FormatDatetime(ticks int64) string {
	return TicksToTime(ticks).Format("2006-01-02T15:04:05.9999999Z")
}

// FormatTimespan prints non-negative ticks in the largest unit that divides them.
func FormatTimespan(ticks int64) string {
	units := []struct {
		name  string
		ticks int64
	}{{"d", dayTicks}, {"h", hourTicks}, {"m", minuteTicks}, {"s", secondTicks}, {"ms", msTicks}, {"microsecond", 10}}
	for _, u := range units {
		if ticks != 0 && ticks%u.ticks == 0 {
			return strconv.FormatInt(ticks/u.ticks, 10) + u.name
		}
	}
	if ticks == 0 {
		return "0s"
	}
	return strconv.FormatInt(ticks, 10) + "tick"
}

func (e *EntityGroupExpr) format(p *printer) {
	p.s("entity_group [")
	list(p, ", ", e.Items)
	p.s("]")
}

func (e *TypeofExpr) format(p *printer) {
	p.s("typeof(")
	list(p, ", ", e.Items)
	p.s(")")
}

func (d *DynamicLit) format(p *printer) {
	p.s("dynamic(")
	p.node(d.Value)
	p.s(")")
}

func (v *JSONValue) format(p *printer) {
	switch {
	case v.Null:
		p.s("null")
	case v.IsArray:
		p.s("[")
		list(p, ", ", v.Array)
		p.s("]")
	case v.IsObject:
		p.s("{")
		list(p, ", ", v.Object)
		p.s("}")
	default:
		if v.Neg {
			p.s("-")
		}
		p.node(v.Scalar)
	}
}

func (m *JSONMember) format(p *printer) {
	p.node(m.Key)
	p.s(": ")
	p.node(m.Value)
}
