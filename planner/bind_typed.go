package planner

import (
	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// typedResultArg is, for the functions whose last argument may be typeof(T)
// to give the type of their result, the position of that argument:
// extract(regex, captureGroup, text, typeof(T)) and extractjson(path, json,
// typeof(T)). The text they extract is converted to T as the conversion
// functions convert it, so text that does not convert is null.
var typedResultArg = map[string]int{"extract": 3, "extractjson": 2, "extract_json": 2}

// resultConversions name the conversion of extracted text to each type.
var resultConversions = map[types.Type]string{
	types.Bool: "tobool", types.Int: "toint", types.Long: "tolong", types.Real: "toreal",
	types.Decimal: "todecimal", types.String: "tostring", types.Datetime: "todatetime",
	types.Timespan: "totimespan", types.Guid: "toguid", types.Dynamic: "todynamic",
}

// typedResult binds a call of one of typedResultArg's functions whose last
// argument is typeof(T): the call without it, converted to T. ok is false
// when the call has no such argument.
func (s *scope) typedResult(e *parser.CallExpr, span parser.Span) (x Expr, ok bool) {
	at, known := typedResultArg[e.Name]
	if !known || len(e.Args) != at+1 {
		return nil, false
	}
	to, isType := e.Args[at].(*parser.TypeofExpr)
	if !isType {
		return nil, false
	}
	t := types.Unknown
	if len(to.Items) == 1 && to.Items[0].Type != nil {
		t, _ = types.ParseType(to.Items[0].Type.Value)
	}
	conv, found := resultConversions[t]
	if !found {
		s.b.errs.add(to.Pos, "%s(): expected a scalar type such as typeof(string) or typeof(long) as the result type", e.Name)
		return nil, true
	}
	args := make([]Expr, 0, at)
	for _, a := range e.Args[:at] {
		if _, named := a.(*parser.NamedArg); named {
			s.b.errs.add(a.Start(), "%s(): named arguments are not supported yet", e.Name)
			return nil, true
		}
		b := s.bindExpr(a)
		if b == nil {
			return nil, true
		}
		args = append(args, b)
	}
	call := s.callAt(span, e.Pos, e.Name, args)
	if call == nil {
		return nil, true
	}
	if call.Type() == t {
		return call, true
	}
	return s.call(span, conv, []Expr{call}), true
}
