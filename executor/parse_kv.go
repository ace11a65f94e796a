package executor

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

func init() { register(&planner.ParseKv{}, buildParseKv) }

func buildParseKv(r *run, n planner.Node, out operator) (func() error, error) {
	x := n.(*planner.ParseKv)
	return r.build(x.Input, &parseKvOp{node: x, out: out})
}

// parseKvOp adds the extracted columns to each batch; push may run on
// several goroutines at once.
type parseKvOp struct {
	node *planner.ParseKv
	out  operator
}

func (p *parseKvOp) push(b *vector.Batch) error {
	x := p.node
	src, err := eval(x.Source, b)
	if err != nil {
		return err
	}
	base := len(x.Input.Columns())
	nb := &vector.Batch{Len: b.Len, Cols: make([]*vector.Vector, len(x.Out))}
	copy(nb.Cols, b.Cols[:base])
	for i := range x.Keys {
		nb.Cols[base+i] = vector.New(x.Out[base+i].Type, b.Len)
	}
	want := make(map[string]int, len(x.Keys))
	for i, k := range x.Keys {
		want[k] = i
	}
	found := make([]string, len(x.Keys))
	has := make([]bool, len(x.Keys))
	for r := 0; r < b.Len; r++ {
		clear(has)
		if !src.IsNull(r) {
			extractKv(x, src.Strs[r], func(k, v string) bool {
				i, ok := want[k]
				if ok && !has[i] {
					found[i], has[i] = v, true
				}
				return ok
			})
		}
		for i := range x.Keys {
			col := nb.Cols[base+i]
			if !has[i] {
				col.Append(types.NullOf(col.Type))
				continue
			}
			v, err := types.Parse(col.Type, found[i])
			if err != nil {
				v = types.NullOf(col.Type)
			}
			col.Append(v)
		}
	}
	return p.out.push(nb)
}

func (p *parseKvOp) finish() error { return p.out.finish() }

// extractKv calls emit with each key and value of s, in order. emit reports
// whether the key is one wanted; in the word mode a wanted key's value word
// is then not read as a key.
func extractKv(x *planner.ParseKv, s string, emit func(k, v string) bool) {
	switch {
	case x.Regex != nil:
		for _, m := range x.Regex.FindAllStringSubmatch(s, -1) {
			emit(strings.TrimSpace(m[1]), strings.TrimSpace(m[2]))
		}
	case x.KvDelim != "":
		kvPairs(x, s, emit)
	default:
		kvWords(x, s, emit)
	}
}

// kvScanner reads quoted and unquoted pieces of a string.
type kvScanner struct {
	x   *planner.ParseKv
	s   string
	pos int
}

// quoted reads a quoted piece at the scanner's position, if one starts there,
// and returns its text with escapes resolved.
func (sc *kvScanner) quoted() (string, bool) {
	if sc.pos >= len(sc.s) {
		return "", false
	}
	open, size := utf8.DecodeRuneInString(sc.s[sc.pos:])
	for _, q := range sc.x.Quotes {
		if q[0] != open {
			continue
		}
		var b strings.Builder
		i := sc.pos + size
		for i < len(sc.s) {
			r, n := utf8.DecodeRuneInString(sc.s[i:])
			if isKvEscape(sc.x, r) && i+n < len(sc.s) {
				next, m := utf8.DecodeRuneInString(sc.s[i+n:])
				b.WriteRune(next)
				i += n + m
				continue
			}
			if r == q[1] {
				sc.pos = i + n
				return b.String(), true
			}
			b.WriteRune(r)
			i += n
		}
		// No closing quote: the rest of the text is the piece.
		sc.pos = len(sc.s)
		return b.String(), true
	}
	return "", false
}

func isKvEscape(x *planner.ParseKv, r rune) bool {
	for _, e := range x.Escapes {
		if e == r {
			return true
		}
	}
	return false
}

// until reads up to the first of the stops (or the end) and returns the
// piece, trimmed, leaving the position at the stop.
func (sc *kvScanner) until(stops ...string) string {
	end := len(sc.s)
	for _, st := range stops {
		if i := strings.Index(sc.s[sc.pos:], st); i >= 0 && sc.pos+i < end {
			end = sc.pos + i
		}
	}
	piece := strings.TrimSpace(sc.s[sc.pos:end])
	sc.pos = end
	return piece
}

func (sc *kvScanner) skipSpace() {
	for sc.pos < len(sc.s) && (sc.s[sc.pos] == ' ' || sc.s[sc.pos] == '\t') {
		sc.pos++
	}
}

func (sc *kvScanner) at(delim string) bool { return strings.HasPrefix(sc.s[sc.pos:], delim) }

// kvPairs reads `key<kv>value<pair>key<kv>value...`. A piece without the kv
// delimiter is skipped, or in greedy mode joins the value before it.
func kvPairs(x *planner.ParseKv, s string, emit func(k, v string) bool) {
	sc := &kvScanner{x: x, s: s}
	for sc.pos < len(s) {
		if sc.at(x.PairDelim) {
			sc.pos += len(x.PairDelim)
			continue
		}
		sc.skipSpace()
		key, ok := sc.quoted()
		if ok {
			sc.skipSpace()
		} else {
			key = sc.until(x.KvDelim, x.PairDelim)
		}
		if !sc.at(x.KvDelim) {
			sc.until(x.PairDelim) // a piece without a value
			continue
		}
		sc.pos += len(x.KvDelim)
		sc.skipSpace()
		value, ok := sc.quoted()
		if ok {
			sc.until(x.PairDelim)
		} else {
			value = sc.until(x.PairDelim)
			for x.Greedy && sc.at(x.PairDelim) && !startsPair(x, s[sc.pos+len(x.PairDelim):]) {
				sc.pos += len(x.PairDelim)
				if more := sc.until(x.PairDelim); more != "" {
					value += x.PairDelim + more
				}
			}
		}
		emit(key, value)
	}
}

// startsPair reports whether rest begins with a key and the kv delimiter
// before the next pair delimiter.
func startsPair(x *planner.ParseKv, rest string) bool {
	kv := strings.Index(rest, x.KvDelim)
	if kv < 0 {
		return false
	}
	pd := strings.Index(rest, x.PairDelim)
	return pd < 0 || kv < pd
}

// kvWords reads words, and quoted pieces, separated by any other
// characters; a key's value is the word after it.
func kvWords(x *planner.ParseKv, s string, emit func(k, v string) bool) {
	sc := &kvScanner{x: x, s: s}
	var words []string
	for sc.pos < len(s) {
		if w, ok := sc.quoted(); ok {
			words = append(words, w)
			continue
		}
		r, n := utf8.DecodeRuneInString(s[sc.pos:])
		if !isWordRune(r) {
			sc.pos += n
			continue
		}
		start := sc.pos
		for sc.pos < len(s) {
			r, n := utf8.DecodeRuneInString(s[sc.pos:])
			if !isWordRune(r) {
				break
			}
			sc.pos += n
		}
		words = append(words, s[start:sc.pos])
	}
	for i := 0; i+1 < len(words); i++ {
		if emit(words[i], words[i+1]) {
			i++
		}
	}
}

func isWordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }
