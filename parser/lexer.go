package parser

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// Token types produced by the KQL lexer. The grammar matches keywords by value
// against Ident tokens, so words like "kind" or "type" stay usable as names.
const (
	tEOF                      = lexer.EOF
	tIdent    lexer.TokenType = -(iota + 2)
	tInt                      // 42, 0x2A
	tReal                     // 1.5, 1e-3
	tTimespan                 // 1d, 30m, 100ms
	tString                   // any string literal, raw text kept for decoding
	tTyped                    // datetime(...), guid(...), long(...): raw text
	tOp                       // punctuation and operators, including "!has" and "in~"
)

var symbols = map[string]lexer.TokenType{
	"EOF": tEOF, "Ident": tIdent, "Int": tInt, "Real": tReal, "Timespan": tTimespan,
	"String": tString, "Typed": tTyped, "Op": tOp,
}

// kqlLexer is the participle lexer definition: a hand-written scanner, because KQL's
// lexical rules (typed literals with free-form bodies, timespan suffixes, dashed
// operator names, negated word operators) are context-sensitive in ways a regular
// lexer cannot express, and because it is on the hot path of every query.
type kqlLexer struct{}

func (kqlLexer) Symbols() map[string]lexer.TokenType { return symbols }

func (kqlLexer) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return kqlLexer{}.LexString(filename, string(b))
}

func (kqlLexer) LexString(filename string, s string) (lexer.Lexer, error) {
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	return &tokenStream{toks: toks}, nil
}

type tokenStream struct {
	toks []lexer.Token
	i    int
}

func (t *tokenStream) Next() (lexer.Token, error) {
	if t.i >= len(t.toks) {
		return t.toks[len(t.toks)-1], nil
	}
	tok := t.toks[t.i]
	t.i++
	return tok, nil
}

// dashedWords are operator names spelled with a dash; the lexer joins "project",
// "-", "away" into one token so that the grammar need not reason about spacing.
var dashedWords = map[string]bool{
	"project-away": true, "project-keep": true, "project-rename": true, "project-reorder": true,
	"project-by-names": true, "mv-expand": true, "mv-apply": true, "make-series": true,
	"top-nested": true, "top-hitters": true, "parse-where": true, "parse-kv": true,
	"sample-distinct": true, "macro-expand": true, "make-graph": true, "graph-match": true,
	"graph-to-table": true, "graph-shortest-paths": true, "graph-mark-components": true,
	"granny-asc": true, "granny-desc": true,
}

// negatable word operators: "!" directly before one of these forms one operator token.
var negatableWords = map[string]bool{
	"has": true, "has_cs": true, "contains": true, "contains_cs": true, "startswith": true,
	"startswith_cs": true, "endswith": true, "endswith_cs": true, "hasprefix": true,
	"hasprefix_cs": true, "hassuffix": true, "hassuffix_cs": true, "in": true, "between": true,
	"has_any": true, "has_all": true,
}

// typedLiteralWords introduce literals whose parenthesised body is free-form text
// (datetime(2024-01-01 10:00), time(1.02:00:00), guid(...)); the body is kept raw.
var typedLiteralWords = map[string]bool{
	"datetime": true, "date": true, "time": true, "timespan": true, "guid": true, "uuid": true,
	"uniqueid": true, "int": true, "long": true, "real": true, "double": true, "decimal": true,
	"bool": true, "boolean": true,
}

// timespanUnits maps every accepted timespan suffix to its length in ticks (100 ns).
var timespanUnits = map[string]int64{
	"d": dayTicks, "day": dayTicks, "days": dayTicks,
	"h": hourTicks, "hr": hourTicks, "hrs": hourTicks, "hour": hourTicks, "hours": hourTicks,
	"m": minuteTicks, "min": minuteTicks, "mins": minuteTicks, "minute": minuteTicks, "minutes": minuteTicks,
	"s": secondTicks, "sec": secondTicks, "secs": secondTicks, "second": secondTicks, "seconds": secondTicks,
	"ms": msTicks, "milli": msTicks, "millis": msTicks, "millisec": msTicks, "millisecond": msTicks, "milliseconds": msTicks,
	"microsec": 10, "microsecond": 10, "microseconds": 10,
	"nanosec": 0, "nanosecond": 0, "nanoseconds": 0,
	"tick": 1, "ticks": 1,
}

const (
	msTicks     = 10_000
	secondTicks = 1000 * msTicks
	minuteTicks = 60 * secondTicks
	hourTicks   = 60 * minuteTicks
	dayTicks    = 24 * hourTicks
)

// isSpace reports whether r separates tokens: every Unicode space, plus the
// zero-width characters that pasted queries often carry.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '\u2060' || r == '\u200c' || r == '\u200d'
}

func isIdentStart(r rune) bool { return r == '_' || r == '$' || unicode.IsLetter(r) }
func isIdentPart(r rune) bool  { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// scanner walks the text keeping a line/column position.
type scanner struct {
	src   string
	off   int
	line  int
	col   int
	toks  []lexer.Token
	depth int
}

func (s *scanner) pos() lexer.Position {
	return lexer.Position{Offset: s.off, Line: s.line, Column: s.col}
}

func (s *scanner) peek(ahead int) rune {
	o := s.off
	for i := 0; ; i++ {
		if o >= len(s.src) {
			return -1
		}
		r, n := utf8.DecodeRuneInString(s.src[o:])
		if i == ahead {
			return r
		}
		o += n
	}
}

func (s *scanner) advance() rune {
	r, n := utf8.DecodeRuneInString(s.src[s.off:])
	s.off += n
	if r == '\n' {
		s.line++
		s.col = 1
	} else {
		s.col++
	}
	return r
}

func (s *scanner) errorf(p lexer.Position, format string, args ...any) error {
	return &Error{Offset: p.Offset, Line: p.Line, Column: p.Column, Msg: fmt.Sprintf(format, args...), Source: s.src}
}

func (s *scanner) emit(t lexer.TokenType, start lexer.Position) {
	s.toks = append(s.toks, lexer.Token{Type: t, Value: s.src[start.Offset:s.off], Pos: start})
}

// tokenize splits query text into tokens, dropping spaces and comments.
func tokenize(src string) ([]lexer.Token, error) {
	s := &scanner{src: src, line: 1, col: 1, toks: make([]lexer.Token, 0, len(src)/4+1)}
	if len(src) > MaxQueryBytes {
		return nil, s.errorf(s.pos(), "query text is %d KiB; the limit is %d KiB", len(src)>>10, MaxQueryBytes>>10)
	}
	if !utf8.ValidString(src) {
		i := 0
		for i < len(src) {
			r, n := utf8.DecodeRuneInString(src[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		for s.off < i {
			s.advance()
		}
		return nil, s.errorf(s.pos(), "query text is not valid UTF-8")
	}
	for {
		if err := s.next(); err != nil {
			return nil, err
		}
		if len(s.toks) > 0 && s.toks[len(s.toks)-1].Type == tEOF {
			return s.toks, nil
		}
	}
}

func (s *scanner) next() error {
	// Skip spaces and comments.
	for s.off < len(s.src) {
		r := s.peek(0)
		if isSpace(r) {
			s.advance()
			continue
		}
		if r == '/' && s.peek(1) == '/' {
			for s.off < len(s.src) && s.peek(0) != '\n' {
				s.advance()
			}
			continue
		}
		break
	}
	start := s.pos()
	if s.off >= len(s.src) {
		s.toks = append(s.toks, lexer.EOFToken(start))
		return nil
	}
	r := s.peek(0)
	switch {
	case r == '\'' || r == '"':
		return s.quoted(start, tString)
	case r == '`' && strings.HasPrefix(s.src[s.off:], "```"):
		return s.multiline(start)
	case r == '@' && (s.peek(1) == '\'' || s.peek(1) == '"'):
		s.advance()
		return s.verbatim(start)
	case (r == 'h' || r == 'H') && (s.peek(1) == '\'' || s.peek(1) == '"'):
		s.advance()
		return s.quoted(start, tString)
	case (r == 'h' || r == 'H') && s.peek(1) == '@' && (s.peek(2) == '\'' || s.peek(2) == '"'):
		s.advance()
		s.advance()
		return s.verbatim(start)
	case r >= '0' && r <= '9':
		return s.number(start)
	case isIdentStart(r) && (r != '$' || isIdentPart(s.peek(1))):
		return s.word(start)
	}
	return s.punct(start)
}

func (s *scanner) quoted(start lexer.Position, t lexer.TokenType) error {
	q := s.advance()
	for {
		if s.off >= len(s.src) {
			return s.errorf(start, "string literal is not terminated")
		}
		r := s.advance()
		switch r {
		case '\\':
			if s.off >= len(s.src) {
				return s.errorf(start, "string literal is not terminated")
			}
			s.advance()
		case '\n':
			return s.errorf(start, "string literal is not terminated before the end of the line (use ``` for multi-line text)")
		case q:
			s.emit(t, start)
			return nil
		}
	}
}

func (s *scanner) verbatim(start lexer.Position) error {
	q := s.advance()
	for {
		if s.off >= len(s.src) {
			return s.errorf(start, "string literal is not terminated")
		}
		r := s.advance()
		if r == '\n' {
			return s.errorf(start, "string literal is not terminated before the end of the line (use ``` for multi-line text)")
		}
		if r == q {
			if s.peek(0) == q { // a doubled quote stands for one quote
				s.advance()
				continue
			}
			s.emit(tString, start)
			return nil
		}
	}
}

func (s *scanner) multiline(start lexer.Position) error {
	for i := 0; i < 3; i++ {
		s.advance()
	}
	end := strings.Index(s.src[s.off:], "```")
	if end < 0 {
		return s.errorf(start, "multi-line string literal is not terminated (expected ```)")
	}
	stop := s.off + end + 3
	for s.off < stop {
		s.advance()
	}
	s.emit(tString, start)
	return nil
}

func (s *scanner) digits() {
	for r := s.peek(0); r >= '0' && r <= '9'; r = s.peek(0) {
		s.advance()
	}
}

func (s *scanner) number(start lexer.Position) error {
	t := tInt
	if s.peek(0) == '0' && (s.peek(1) == 'x' || s.peek(1) == 'X') && isHex(s.peek(2)) {
		s.advance()
		s.advance()
		for isHex(s.peek(0)) {
			s.advance()
		}
		s.emit(tInt, start)
		return nil
	}
	s.digits()
	if s.peek(0) == '.' && s.peek(1) >= '0' && s.peek(1) <= '9' {
		t = tReal
		s.advance()
		s.digits()
	} else if s.peek(0) == '.' && s.peek(1) != '.' && !isIdentStart(s.peek(1)) {
		// "1." is a real in KQL.
		t = tReal
		s.advance()
	}
	if r := s.peek(0); r == 'e' || r == 'E' {
		r1 := s.peek(1)
		if r1 >= '0' && r1 <= '9' || (r1 == '+' || r1 == '-') && s.peek(2) >= '0' && s.peek(2) <= '9' {
			t = tReal
			s.advance()
			if r1 == '+' || r1 == '-' {
				s.advance()
			}
			s.digits()
		}
	}
	if r := s.peek(0); isIdentStart(r) && r != '$' {
		unitStart := s.off
		for isIdentPart(s.peek(0)) {
			s.advance()
		}
		unit := s.src[unitStart:s.off]
		if _, ok := timespanUnits[strings.ToLower(unit)]; ok {
			s.emit(tTimespan, start)
			return nil
		}
		if t == tInt {
			// Kusto reads digits followed by letters (2022Report) as a name.
			s.emit(tIdent, start)
			return nil
		}
		return s.errorf(start, "invalid number %q: %q is not a timespan unit (d, h, m, s, ms, microsecond, tick)", s.src[start.Offset:s.off], unit)
	}
	s.emit(t, start)
	return nil
}

func isHex(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F'
}

func (s *scanner) word(start lexer.Position) error {
	s.advance()
	for isIdentPart(s.peek(0)) {
		s.advance()
	}
	w := s.src[start.Offset:s.off]
	// Dashed operator names: project-away, mv-expand, ...
	for s.peek(0) == '-' && isIdentStart(s.peek(1)) {
		save := *s
		s.advance()
		for isIdentPart(s.peek(0)) {
			s.advance()
		}
		cand := s.src[start.Offset:s.off]
		if dashedWords[cand] || isDashedPrefix(cand) {
			w = cand
			continue
		}
		*s = save
		break
	}
	if w == "in" && s.peek(0) == '~' {
		s.advance()
		s.emit(tOp, start)
		return nil
	}
	if typedLiteralWords[w] {
		// A typed literal: the word, optional spaces, then a parenthesised body.
		save := *s
		for s.off < len(s.src) && isSpace(s.peek(0)) {
			s.advance()
		}
		if s.peek(0) == '(' {
			return s.typedBody(start)
		}
		*s = save
	}
	s.emit(tIdent, start)
	return nil
}

// isDashedPrefix reports whether w could grow into a dashed operator name
// (for "project-by" on the way to "project-by-names", or "graph-shortest").
func isDashedPrefix(w string) bool {
	for k, ok := range dashedWords {
		if ok && strings.HasPrefix(k, w+"-") {
			return true
		}
	}
	return false
}

func (s *scanner) typedBody(start lexer.Position) error {
	open := s.pos()
	depth := 0
	for s.off < len(s.src) {
		r := s.advance()
		switch r {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				raw := s.src[start.Offset:s.off]
				// Keep the token compact: drop spaces around the word and the parentheses.
				word := strings.TrimRightFunc(raw[:open.Offset-start.Offset], isSpace)
				body := strings.TrimFunc(raw[open.Offset-start.Offset+1:len(raw)-1], isSpace)
				s.toks = append(s.toks, lexer.Token{Type: tTyped, Value: word + "(" + body + ")", Pos: start})
				return nil
			}
		case '\n':
			return s.errorf(open, "missing ')' to close %s(", s.src[start.Offset:open.Offset])
		}
	}
	return s.errorf(open, "missing ')' to close %s(", strings.TrimRightFunc(s.src[start.Offset:open.Offset], isSpace))
}

// multiPunct lists the operators of more than one character, longest first.
var multiPunct = []string{"!between", "!contains_cs", "!contains", "!startswith_cs", "!startswith",
	"!endswith_cs", "!endswith", "!hasprefix_cs", "!hasprefix", "!hassuffix_cs", "!hassuffix",
	"!has_cs", "!has_any", "!has_all", "!has", "!in~", "!in", "==", "!=", "<>", "<=", ">=", "=~", "!~", "..", "=>"}

func (s *scanner) punct(start lexer.Position) error {
	rest := s.src[s.off:]
	for _, p := range multiPunct {
		if strings.HasPrefix(rest, p) {
			if p[0] == '!' && len(p) > 2 && p != "!in~" {
				// A word operator must end at a word boundary: "!hasx" is not "!has".
				if len(rest) > len(p) {
					if r, _ := utf8.DecodeRuneInString(rest[len(p):]); isIdentPart(r) {
						continue
					}
				}
			}
			for range p {
				s.advance()
			}
			s.emit(tOp, start)
			return nil
		}
	}
	r := s.advance()
	switch r {
	case '(', '[', '{':
		s.depth++
		if s.depth > MaxDepth {
			return s.errorf(start, "query nests brackets deeper than %d levels", MaxDepth)
		}
	case ')', ']', '}':
		s.depth--
	case '|', ',', ';', '=', '<', '>', '+', '-', '*', '/', '%', '.', ':', '!', '~':
	default:
		return s.errorf(start, "unexpected character %q", r)
	}
	s.emit(tOp, start)
	return nil
}
