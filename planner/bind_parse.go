package planner

import (
	"errors"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"

	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// parse binds parse and parse-where (where drops rows the pattern does not
// match). The pattern becomes one regular expression, compiled here so that a
// bad one is reported with its position and the executor never compiles.
func (b *binder) parse(in Node, opts []*parser.Option, x parser.Expr, pattern []*parser.ParseItem, where bool, pos parser.Position) Node {
	op := "parse"
	if where {
		op = "parse-where"
	}
	kind, flags, ok := b.parseOptions(op, opts)
	sc := &scope{cols: in.Columns(), b: b}
	src := sc.bindExpr(x)
	if src != nil && src.Type() != types.String {
		span := parser.Span{Pos: x.Start(), EndPos: x.End()}
		src = sc.call(span, "tostring", []Expr{src})
	}
	re, extract, patOK := b.parsePattern(op, kind, flags, pattern, pos)
	if !ok || src == nil || !patOK {
		return nil
	}
	n := &Parse{Input: in, Source: src, Kind: kind, Regex: re, Where: where}
	n.Out = append(n.Out, in.Columns()...)
	for _, c := range extract {
		c.Slot = indexOf(n.Out, c.Name)
		if c.Slot >= 0 {
			n.Out[c.Slot] = Column{Name: c.Name, Type: c.Type}
		} else {
			c.Slot = len(n.Out)
			n.Out = append(n.Out, Column{Name: c.Name, Type: c.Type})
		}
		n.Extract = append(n.Extract, c)
	}
	return n
}

// parseOptions reads kind= and flags=. Flags are only for kind=regex.
func (b *binder) parseOptions(op string, opts []*parser.Option) (kind, flags string, ok bool) {
	kind, ok = ParseSimple, true
	var flagsAt *parser.Option
	seen := map[string]bool{}
	for _, o := range opts {
		name := strings.ToLower(o.Name)
		if seen[name] {
			b.errs.add(o.Pos, "option '%s' is given twice", o.Name)
			ok = false
			continue
		}
		seen[name] = true
		val := o.Value.Word
		if o.Value.Lit != nil {
			val = o.Value.Lit.Str
		}
		switch name {
		case "kind":
			switch strings.ToLower(val) {
			case ParseSimple, ParseRegex, ParseRelaxed:
				kind = strings.ToLower(val)
			default:
				b.errs.add(o.Value.Pos, "unknown %s kind '%s'; expected simple, regex or relaxed", op, val)
				ok = false
			}
		case "flags":
			flagsAt = o
			if r := firstBadFlag(val); r != 0 {
				b.errs.add(o.Value.Pos, "unknown regex flag '%c'; expected U, i, m or s", r)
				ok = false
				continue
			}
			flags = val
		default:
			b.errs.add(o.Pos, "unknown option '%s' for %s; expected kind or flags", o.Name, op)
			ok = false
		}
	}
	if flagsAt != nil && kind != ParseRegex && ok {
		b.errs.add(flagsAt.Pos, "flags= needs kind=regex")
		ok = false
	}
	return kind, flags, ok
}

// firstBadFlag is the first character of flags that is no regex flag, or 0.
func firstBadFlag(flags string) rune {
	for _, r := range flags {
		if !strings.ContainsRune("Uims", r) {
			return r
		}
	}
	return 0
}

// parsePattern translates the pattern into a regular expression anchored at
// the start of the text. Literals are matched as text (as regular expressions
// for kind=regex); '*' skips as little as it can; a column is a capture group
// that matches its type where a regular expression can say so (numbers, bool)
// and as little text as it can otherwise. A pattern that ends with a column
// is anchored at the end too, so the last column takes the rest of the text.
//
// Typed groups stay greedy under flags=U; relaxed lets each typed group fall
// back to any text, so a value of the wrong type becomes a null instead of
// failing the row.
func (b *binder) parsePattern(op, kind, flags string, pattern []*parser.ParseItem, pos parser.Position) (*regexp.Regexp, []ParseColumn, bool) {
	var re strings.Builder
	re.WriteString(`\A`)
	if kind == ParseRegex {
		if flags != "" {
			re.WriteString("(?" + flags + ")")
		}
	} else {
		// Literal text: a column reaches across line breaks.
		re.WriteString("(?s)")
	}
	var cols []ParseColumn
	ok := true
	seen := map[string]bool{}
	for i, it := range pattern {
		switch {
		case it.Star:
			if i > 0 {
				if prev := pattern[i-1]; prev.Column != nil && columnType(prev) == types.String {
					b.errs.add(it.Pos, "'*' cannot follow string column '%s'; put a string between them", prev.Column.Value)
					ok = false
				}
			}
			re.WriteString(`.*?`)
		case it.Text != nil:
			if it.Text.Type != "string" {
				b.errs.add(it.Pos, "expected a string, '*' or a column in the %s pattern", op)
				ok = false
				continue
			}
			if kind != ParseRegex {
				re.WriteString(regexp.QuoteMeta(it.Text.Str))
				continue
			}
			if _, err := syntax.Parse(it.Text.Str, syntax.Perl); err != nil {
				b.errs.add(it.Pos, "invalid regular expression %s: %s", strconv.Quote(it.Text.Str), regexError(err))
				ok = false
				continue
			}
			re.WriteString("(?:" + it.Text.Str + ")")
		default:
			name := it.Column.Value
			t := types.String
			if it.Type != nil {
				var known bool
				if t, known = types.ParseType(it.Type.Value); !known {
					b.errs.add(it.Type.Pos, "unknown type '%s'", it.Type.Value)
					ok = false
					continue
				}
			}
			if seen[name] {
				b.errs.add(it.Column.Pos, "column '%s' is extracted twice", name)
				ok = false
				continue
			}
			seen[name] = true
			group := "p" + strconv.Itoa(len(cols))
			re.WriteString("(?P<" + group + ">" + typeGroup(t, kind) + ")")
			cols = append(cols, ParseColumn{Name: name, Type: t, Group: -1})
		}
	}
	if len(cols) == 0 && ok {
		b.errs.add(pos, "the %s pattern extracts no column", op)
		ok = false
	}
	if !ok {
		return nil, nil, false
	}
	if pattern[len(pattern)-1].Column != nil {
		re.WriteString(`\z`)
	}
	compiled, err := regexp.Compile(re.String())
	if err != nil {
		b.errs.add(pos, "the %s pattern is not a valid regular expression: %s", op, regexError(err))
		return nil, nil, false
	}
	for i := range cols {
		cols[i].Group = compiled.SubexpIndex("p" + strconv.Itoa(i))
	}
	return compiled, cols, true
}

// columnType is the declared type of a pattern column, string when absent or unknown.
func columnType(it *parser.ParseItem) types.Type {
	if it.Type == nil {
		return types.String
	}
	if t, ok := types.ParseType(it.Type.Value); ok {
		return t
	}
	return types.String
}

// typeGroup is the regular expression a column of type t captures. Numbers and
// bools have a shape; other types take as little text as the rest of the
// pattern allows and are checked when converted.
func typeGroup(t types.Type, kind string) string {
	var shape string
	switch t {
	case types.Int, types.Long:
		shape = `[-+]?\d+`
	case types.Real:
		shape = `[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`
	case types.Bool:
		shape = `(?i:true|false)|1|0`
	default:
		return `.*?`
	}
	shape = `(?-U:` + shape + `)`
	if kind == ParseRelaxed {
		return shape + `|.*?`
	}
	return shape
}

// regexError is the plain reason a regular expression does not compile.
func regexError(err error) string {
	var se *syntax.Error
	if errors.As(err, &se) {
		if se.Expr != "" {
			return se.Code.String() + ": " + se.Expr
		}
		return se.Code.String()
	}
	return err.Error()
}
