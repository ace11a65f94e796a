package parser

import (
	"github.com/alecthomas/participle/v2"
)

var (
	queryParser   *participle.Parser[Query]
	pipeParser    *participle.Parser[PipeExpr]
	dynamicParser *participle.Parser[DynamicLit]
	typeofParser  *participle.Parser[TypeofExpr]
)

func init() {
	queryParser = participle.MustBuild[Query](
		participle.Lexer(kqlLexer{}),
		participle.Union[Statement](&LetStmt{}, &SetStmt{}, &DeclareStmt{}, &PatternStmt{}, &AliasStmt{}, &RestrictStmt{}, &QueryStmt{}),
		participle.Union[Operator](operators...),
		participle.Union[Source](sources...),
		participle.ParseTypeWith(parseExpr),
		participle.UseLookahead(4),
	)
	var err error
	if pipeParser, err = participle.ParserForProduction[PipeExpr](queryParser); err != nil {
		panic("BUG: " + err.Error())
	}
	dynamicParser = participle.MustBuild[DynamicLit](participle.Lexer(kqlLexer{}), participle.UseLookahead(4))
	typeofParser = participle.MustBuild[TypeofExpr](participle.Lexer(kqlLexer{}), participle.UseLookahead(4))
}

// Parse parses query text: one or more statements separated by ';'. A syntax error
// is returned as *Error with its line, column and a message in KQL's terms.
func Parse(text string) (*Query, error) {
	toks, err := tokenize(text)
	if err != nil {
		return nil, err
	}
	q, err := queryParser.ParseFromLexer(newPeeker(toks))
	if err != nil {
		return nil, explain(err, text, toks)
	}
	if len(q.Statements) == 0 {
		end := toks[len(toks)-1].Pos
		return nil, &Error{Offset: end.Offset, Line: end.Line, Column: end.Column, Msg: "expected a query, but the text is empty or only comments", Source: text}
	}
	return q, nil
}
