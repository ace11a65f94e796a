package planner

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// ParseKv extracts the values of listed keys from a string into columns
// appended to the input's. Keys[i] goes to output column
// len(Input.Columns())+i; a key that does not appear is null ("" for a
// string), a value that does not convert to its column's type is null, and
// only a key's first appearance counts.
//
// Three modes: with Regex, each match gives a key (group 1) and a value
// (group 2). With PairDelim and KvDelim, the text is a list of pairs split
// by PairDelim, each a key and a value split by KvDelim; with Greedy a piece
// without KvDelim belongs to the value before it. Without either, any
// character that is not a letter, digit or '_' separates words, and the word
// after a key is its value. In both delimiter modes a key or value may be
// quoted (Quotes are open/close pairs) and, inside quotes, a character
// after one of Escapes stands for itself. Keys and unquoted values are
// trimmed of spaces.
type ParseKv struct {
	Input     Node
	Source    Expr
	Keys      []string
	PairDelim string
	KvDelim   string
	Quotes    [][2]rune
	Escapes   []rune
	Greedy    bool
	Regex     *regexp.Regexp
	Out       []Column
}

func (n *ParseKv) Columns() []Column { return n.Out }
func (n *ParseKv) Inputs() []Node    { return []Node{n.Input} }

// SetInput replaces the input.
func (n *ParseKv) SetInput(_ int, in Node) { n.Input = in }

// Explain prints the node on one line.
func (n *ParseKv) Explain() string {
	mode := "words"
	switch {
	case n.Regex != nil:
		mode = fmt.Sprintf("regex=%q", n.Regex.String())
	case n.KvDelim != "":
		mode = fmt.Sprintf("pair=%q kv=%q", n.PairDelim, n.KvDelim)
		if n.Greedy {
			mode += " greedy"
		}
	}
	return fmt.Sprintf("ParseKv %s %s keys=[%s]", ExprString(n.Source), mode, strings.Join(n.Keys, ", "))
}

var parseKvSettings = []string{"pair_delimiter", "kv_delimiter", "quote", "escape", "greedy", "regex"}

// parseKv binds `parse-kv Expr as (Key:type, ...) [with (setting=value, ...)]`.
// https://learn.microsoft.com/kusto/query/parse-kv-operator
func (b *binder) parseKv(in Node, o *parser.ParseKvOp) Node {
	sc := &scope{cols: in.Columns(), b: b}
	src := sc.bindExpr(o.X)
	if src == nil {
		return nil
	}
	if src.Type() != types.String {
		b.errs.add(o.X.Start(), "parse-kv needs a string expression, got %s; convert it with tostring()", src.Type())
		return nil
	}
	n := &ParseKv{Input: in, Source: src, Out: append([]Column(nil), in.Columns()...)}
	for _, c := range o.Columns {
		t, ok := types.ParseType(c.Type.Value)
		if !ok {
			b.errs.add(c.Type.Pos, "unknown type '%s'", c.Type.Value)
			return nil
		}
		if indexOf(n.Out, c.Name.Value) >= 0 {
			b.errs.add(c.Name.Pos, "column '%s' already exists", c.Name.Value)
			return nil
		}
		n.Keys = append(n.Keys, c.Name.Value)
		n.Out = append(n.Out, Column{Name: c.Name.Value, Type: t})
	}
	given := map[string]parser.Position{}
	for _, s := range o.With {
		name := s.Name.Value
		known := false
		for _, k := range parseKvSettings {
			known = known || k == name
		}
		if !known {
			b.errs.add(s.Name.Pos, "unknown parse-kv setting '%s'%s", name, didYouMean(name, parseKvSettings))
			return nil
		}
		if _, dup := given[name]; dup && name != "quote" && name != "escape" {
			b.errs.add(s.Name.Pos, "'%s' is given twice", name)
			return nil
		}
		given[name] = s.Name.Pos
		e := sc.bindExpr(s.Value)
		if e == nil {
			return nil
		}
		c, isConst := e.(*Const)
		if name == "greedy" {
			if !isConst || c.V.Type != types.Bool || c.V.Null {
				b.errs.add(s.Value.Start(), "'greedy' needs true or false")
				return nil
			}
			n.Greedy = c.V.I != 0
			continue
		}
		if !isConst || c.V.Type != types.String {
			b.errs.add(s.Value.Start(), "'%s' needs a constant string", name)
			return nil
		}
		v := c.V.S
		switch name {
		case "pair_delimiter", "kv_delimiter":
			if v == "" {
				b.errs.add(s.Value.Start(), "'%s' cannot be empty", name)
				return nil
			}
			if name == "pair_delimiter" {
				n.PairDelim = v
			} else {
				n.KvDelim = v
			}
		case "quote":
			r := []rune(v)
			switch len(r) {
			case 1:
				n.Quotes = append(n.Quotes, [2]rune{r[0], r[0]})
			case 2:
				n.Quotes = append(n.Quotes, [2]rune{r[0], r[1]})
			default:
				b.errs.add(s.Value.Start(), "'quote' needs one character, or two: the opening and the closing quote")
				return nil
			}
		case "escape":
			if utf8.RuneCountInString(v) != 1 {
				b.errs.add(s.Value.Start(), "'escape' needs one character")
				return nil
			}
			r, _ := utf8.DecodeRuneInString(v)
			n.Escapes = append(n.Escapes, r)
		case "regex":
			re, err := regexp.Compile(v)
			if err != nil {
				b.errs.add(s.Value.Start(), "invalid regex: %v", err)
				return nil
			}
			if re.NumSubexp() != 2 {
				b.errs.add(s.Value.Start(), "the regex of parse-kv needs exactly two capture groups, the key and the value; it has %d", re.NumSubexp())
				return nil
			}
			n.Regex = re
		}
	}
	_, pair := given["pair_delimiter"]
	_, kv := given["kv_delimiter"]
	switch {
	case n.Regex != nil && len(given) > 1:
		b.errs.add(given["regex"], "'regex' cannot be combined with other parse-kv settings")
		return nil
	case pair != kv:
		at, missing := given["pair_delimiter"], "kv_delimiter"
		if kv {
			at, missing = given["kv_delimiter"], "pair_delimiter"
		}
		b.errs.add(at, "parse-kv needs '%s' too", missing)
		return nil
	case n.Greedy && !pair:
		b.errs.add(given["greedy"], "'greedy' needs pair_delimiter and kv_delimiter")
		return nil
	case len(n.Escapes) > 0 && len(n.Quotes) == 0:
		b.errs.add(given["escape"], "'escape' applies inside quotes; give 'quote' too")
		return nil
	}
	return n
}
