package parser

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

func newPeeker(toks []lexer.Token) *lexer.PeekingLexer {
	pl, err := lexer.Upgrade(&tokenStream{toks: toks})
	if err != nil {
		panic("BUG: upgrading a token slice cannot fail: " + err.Error())
	}
	return pl
}

// describeToken names a token the way an error message should show it.
func describeToken(t *lexer.Token) string {
	switch t.Type {
	case tEOF:
		return "the end of the query"
	case tString:
		v := t.Value
		if len(v) > 40 {
			v = v[:37] + "..."
		}
		return "string " + v
	case tInt, tReal, tTimespan:
		return "number " + t.Value
	case tTyped:
		return "literal " + t.Value
	}
	return "'" + t.Value + "'"
}

// expectations says what must follow each keyword, in KQL's terms.
var expectations = map[string]string{
	"where": "a predicate expression", "filter": "a predicate expression",
	"project": "a column name or expression", "extend": "a column assignment such as Name = expression",
	"project-away": "a column name", "project-keep": "a column name", "project-rename": "NewName = OldName",
	"project-reorder": "a column name", "summarize": "an aggregation such as count() or 'by'",
	"by": "an expression", "sort": "'by'", "order": "'by'", "take": "a row count", "limit": "a row count",
	"top": "a row count", "join": "a table or a subquery in parentheses", "lookup": "a table or a subquery in parentheses",
	"on": "a join condition", "union": "a table name", "mv-expand": "a dynamic column", "mv-apply": "a dynamic column",
	"parse": "a string expression", "parse-where": "a string expression", "with": "a pattern or '('",
	"let": "a name", "=": "an expression", "distinct": "a column name or '*'", "count": "'|' or the end of the query",
	"render": "a chart type such as timechart", "invoke": "a function call", "evaluate": "a plugin call",
	"make-series": "an aggregation", "range": "a column name", "print": "an expression", "datatable": "'(' and column declarations",
	"search": "a search predicate", "find": "'where' or 'in'", "as": "a name", "sample": "a row count",
	"serialize": "a column assignment or '|'", "|": "an operator such as where, project or summarize",
	",": "another item", "(": "an expression", "from": "an expression", "to": "an expression", "step": "an expression",
	"declare": "query_parameters", "set": "an option name", "top-nested": "a count or 'of'", "of": "an expression",
}

// errMark prefixes messages this package writes itself, so that participle's
// decoration ("WhereOp: Pred: ...") can be stripped off again.
const errMark = "\u2063"

// explain converts a participle error into an *Error with a message in KQL's
// terms: what was expected after which keyword, or the nearest operator name.
func explain(err error, src string, toks []lexer.Token) error {
	var own *Error
	if errors.As(err, &own) {
		return own
	}
	perr, ok := err.(participle.Error)
	if !ok {
		return &Error{Line: 1, Column: 1, Msg: err.Error(), Source: src}
	}
	pos := perr.Position()
	mk := func(msg string) *Error {
		return &Error{Offset: pos.Offset, Line: pos.Line, Column: pos.Column, Msg: msg, Source: src}
	}
	msg := perr.Message()
	if i := strings.Index(msg, errMark); i >= 0 {
		return mk(msg[i+len(errMark):])
	}
	// Find the offending token and the one before it.
	idx := len(toks) - 1
	for i, t := range toks {
		if t.Pos.Offset >= pos.Offset {
			idx = i
			break
		}
	}
	tok := &toks[idx]
	var prev *lexer.Token
	if idx > 0 {
		prev = &toks[idx-1]
	}
	if prev != nil && prev.Type == tOp && prev.Value == "|" {
		if tok.Type == tIdent && !isOperatorName(tok.Value) {
			word := tok.Value
			// A misspelled dashed name lexes as words and dashes: mv-expnd.
			for j := idx + 1; j+1 < len(toks) && toks[j].Value == "-" && toks[j+1].Type == tIdent &&
				toks[j].Pos.Offset == toks[j-1].Pos.Offset+len(toks[j-1].Value) &&
				toks[j+1].Pos.Offset == toks[j].Pos.Offset+1; j += 2 {
				word += "-" + toks[j+1].Value
			}
			m := fmt.Sprintf("unknown operator '%s'", word)
			if s := Nearest(word, operatorNames); s != "" {
				m += fmt.Sprintf("; did you mean '%s'?", s)
			}
			return mk(m)
		}
	}
	if prev != nil {
		if want, ok := expectations[prev.Value]; ok && (prev.Type == tIdent || prev.Type == tOp) {
			return mk(fmt.Sprintf("expected %s after '%s'%s", want, prev.Value, butGot(tok)))
		}
		// After an operator's options (join kind=inner), say what the operator needs.
		if kw := optionsOnlySince(toks, idx); kw != "" {
			if want, ok := expectations[kw]; ok {
				return mk(fmt.Sprintf("expected %s after '%s' and its options%s", want, kw, butGot(tok)))
			}
		}
	}
	m := "unexpected " + describeToken(tok)
	if tok.EOF() {
		m = "unexpected end of the query"
	}
	if op := enclosingOperator(toks, idx); op != "" {
		m += " in '" + op + "'"
	}
	if ute, ok := err.(*participle.UnexpectedTokenError); ok {
		if exp := simpleExpectation(ute.Message()); exp != "" {
			m += "; expected " + exp
		}
	}
	if tok.Type == tOp && tok.Value == "=" {
		m += " (use == to compare)"
	}
	return mk(m)
}

// errorf makes a parse error whose message survives participle's decoration.
func errorf(pos lexer.Position, format string, args ...any) error {
	return participle.Errorf(pos, "%s", errMark+fmt.Sprintf(format, args...))
}

func isOperatorName(s string) bool {
	for _, n := range operatorNames {
		if n == s {
			return true
		}
	}
	return false
}

// optionsOnlySince returns the operator keyword before idx when only options
// (name=value, hint.name=value) stand between it and idx.
func optionsOnlySince(toks []lexer.Token, idx int) string {
	i := idx - 1
	for i >= 2 && toks[i-1].Value == "=" && toks[i-1].Type == tOp {
		i -= 2 // value and '='
		for i >= 2 && toks[i-1].Value == "." && toks[i-1].Type == tOp {
			i -= 2 // dotted option name
		}
		if toks[i].Type != tIdent {
			return ""
		}
		i-- // the option name
		if i >= 0 && toks[i].Type == tIdent && i > 0 && toks[i-1].Value == "|" {
			return toks[i].Value
		}
	}
	return ""
}

// enclosingOperator finds the keyword of the operator the token at idx belongs to.
func enclosingOperator(toks []lexer.Token, idx int) string {
	depth := 0
	for i := idx - 1; i >= 0; i-- {
		t := toks[i]
		if t.Type == tOp {
			switch t.Value {
			case ")", "]", "}":
				depth++
			case "(", "[", "{":
				depth--
			}
		}
		if depth <= 0 && t.Type == tOp && t.Value == ";" {
			return "" // the previous statement
		}
		if depth <= 0 && i > 0 && toks[i-1].Type == tOp && toks[i-1].Value == "|" && t.Type == tIdent {
			return t.Value
		}
		if depth <= 0 && t.Type == tIdent && (t.Value == "let" || t.Value == "datatable") {
			return t.Value
		}
	}
	return ""
}

// simpleExpectation extracts a short "expected" hint from participle's message,
// keeping it only when it names plain tokens rather than grammar internals.
func simpleExpectation(msg string) string {
	i := strings.Index(msg, "(expected ")
	if i < 0 {
		return ""
	}
	exp := strings.TrimSuffix(msg[i+len("(expected "):], ")")
	// A sequence that starts with a keyword: name the keyword.
	if strings.HasPrefix(exp, `"`) {
		if j := strings.Index(exp[1:], `"`); j >= 0 {
			return "'" + exp[1:j+1] + "'"
		}
	}
	return ""
}

// Nearest returns the candidate closest to word by edit distance (ignoring
// case) when it is close enough to be a typo, else "". The parser uses it for
// misspelled operators; the planner for tables, columns and functions.
func Nearest(word string, candidates []string) string {
	best, bestD := "", math.MaxInt
	lw := strings.ToLower(word)
	for _, c := range candidates {
		d := editDistance(lw, strings.ToLower(c))
		if d < bestD || d == bestD && c < best {
			best, bestD = c, d
		}
	}
	limit := 1
	switch {
	case len(word) > 8:
		limit = 3
	case len(word) > 4:
		limit = 2
	}
	if bestD <= limit {
		return best
	}
	return ""
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

var spanType = reflect.TypeOf(Span{})

// Equal reports whether two trees are the same, ignoring positions.
func Equal(a, b *Query) bool {
	return equalValues(reflect.ValueOf(a), reflect.ValueOf(b))
}

func equalValues(a, b reflect.Value) bool {
	if a.IsValid() != b.IsValid() {
		return false
	}
	if !a.IsValid() {
		return true
	}
	if a.Type() != b.Type() {
		return false
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return equalValues(a.Elem(), b.Elem())
	case reflect.Struct:
		if a.Type() == spanType {
			return true
		}
		for i := 0; i < a.NumField(); i++ {
			if !equalValues(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if a.Len() != b.Len() {
			return false
		}
		for i := 0; i < a.Len(); i++ {
			if !equalValues(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Float64, reflect.Float32:
		return math.Float64bits(a.Float()) == math.Float64bits(b.Float())
	default:
		return a.Interface() == b.Interface()
	}
}
