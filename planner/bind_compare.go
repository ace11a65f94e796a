package planner

import (
	"fmt"

	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// Equality between a string and a number or a bool.
//
// Kusto accepts ==, !=, in and !in between a string and a long, int, real or
// bool (hunting queries write `where ResultType == 0` on the sign-in tables'
// string ResultType, or `where IsLocalAdmin == "True"` on a bool column), but
// rejects the ordering comparisons between them. The binder makes the
// equality explicit: the string side is converted to the other side's type
// as tolong(), toint(), toreal() or tobool() convert it (tobool takes
// "true"/"false" in any case and "1"/"0"), so a string that does not convert
// is null, which is equal to nothing and unequal to every value. The query
// draws a warning that says so. The converted comparison is a call on a
// conversion, which no push-down rule sends to the store as a string match;
// a converted constant is folded, which leaves an ordinary comparison of the
// column's own type.

// stringConversions name the conversion a string takes to compare with a
// value of each type.
var stringConversions = map[types.Type]string{
	types.Int: "toint", types.Long: "tolong", types.Real: "toreal", types.Bool: "tobool",
}

// equalityOps are the operators whose string side is converted.
var equalityOps = map[string]bool{"==": true, "!=": true, "in": true, "!in": true}

// coerceEquality converts the string side of an equality between a string
// and a number or bool; other comparisons are returned as they are.
func (s *scope) coerceEquality(op string, pos parser.Position, l, r Expr) (Expr, Expr) {
	if !equalityOps[op] {
		return l, r
	}
	lt, rt := l.Type(), r.Type()
	switch {
	case lt == types.String && stringConversions[rt] != "":
		s.warnConversion(op, pos, rt)
		return s.convertString(l, rt), r
	case rt == types.String && stringConversions[lt] != "":
		s.warnConversion(op, pos, lt)
		return l, s.convertString(r, lt)
	}
	return l, r
}

// coerceIn converts the strings of `value in (list)` and `value !in (list)`
// when the value is a string and the list holds numbers or bools, or the
// value is a number or bool and the list holds strings. Subqueries and
// dynamic elements are left to the operator's own check. A constant of the
// list that does not convert equals nothing and is left out; when that
// leaves no element, in is false and !in true, whatever the value.
func (s *scope) coerceIn(op string, pos parser.Position, span parser.Span, args []Expr) ([]Expr, Expr) {
	if !equalityOps[op] || len(args) < 2 {
		return args, nil
	}
	target := args[0].Type()
	if target == types.String {
		target = types.Unknown
		for _, a := range args[1:] {
			if _, sub := a.(*Subquery); !sub && stringConversions[a.Type()] != "" {
				target = a.Type()
				break
			}
		}
	}
	if stringConversions[target] == "" {
		return args, nil
	}
	out := make([]Expr, 0, len(args))
	converted := false
	for i, a := range args {
		if _, sub := a.(*Subquery); !sub && a.Type() == types.String {
			a = s.convertString(a, target)
			converted = true
			if c, ok := a.(*Const); ok && c.V.Null && i > 0 {
				continue
			}
		}
		out = append(out, a)
	}
	if !converted {
		return args, nil
	}
	s.warnConversion(op, pos, target)
	if len(out) == 1 {
		return nil, &Const{At: span, V: types.NewBool(op == "!in")}
	}
	return out, nil
}

// convertString converts a string expression to t with t's conversion
// function; a constant is folded.
func (s *scope) convertString(x Expr, t types.Type) Expr {
	if c := s.call(x.Span(), stringConversions[t], []Expr{x}); c != nil {
		return c
	}
	return x
}

// warnConversion notes that a comparison converts a string to t.
func (s *scope) warnConversion(op string, pos parser.Position, t types.Type) {
	article := "a"
	if t == types.Int {
		article = "an"
	}
	s.b.warn(pos, "'%s' compares a string with %s %s: the string is converted with %s(), and one that does not convert equals no %s value",
		op, article, t, stringConversions[t], t)
}

// warn adds a positioned warning to the plan, once however often the text
// that draws it is bound (a let-bound table is bound at each reference).
func (b *binder) warn(pos parser.Position, format string, args ...any) {
	w := fmt.Sprintf("%d:%d: ", pos.Line, pos.Column) + fmt.Sprintf(format, args...)
	for _, have := range b.warnings {
		if have == w {
			return
		}
	}
	b.warnings = append(b.warnings, w)
}
