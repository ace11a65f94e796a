package functions

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// String functions. Text arguments may be strings or dynamic values (read as
// tostring() reads them); where Kusto casts any argument to a string (tolower,
// strcat, substring, indexof, reverse, strrep, split), any scalar is accepted and
// converted with tostring(). Positions and lengths count Unicode code points. The
// result string is never null: where Kusto gives a null string, it is "".

func init() {
	scalar("strlen", 1, 1, "The length of a string in Unicode code points", sig(types.Long, textArg),
		strToLong(func(s string) int64 { return int64(utf8.RuneCountInString(s)) }))
	scalar("string_size", 1, 1, "The length of a string in bytes (UTF-8)", sig(types.Long, textArg),
		strToLong(func(s string) int64 { return int64(len(s)) }))
	scalar("tolower", 1, 1, "A string in lower case (a non-string is converted with tostring)", sig(types.String, anyScalar), strToStr(strings.ToLower))
	scalar("toupper", 1, 1, "A string in upper case (a non-string is converted with tostring)", sig(types.String, anyScalar), strToStr(strings.ToUpper))
	scalar("reverse", 1, 1, "A string with its characters in reverse order", sig(types.String, anyScalar), strToStr(reverseString))
	scalar("strcat", 1, 64, "Concatenates its arguments, each converted with tostring", sig(types.String, anyScalar), strcatEval)
	scalar("strcat_delim", 3, 65, "Concatenates its arguments after the first, separated by the first", sig(types.String, anyScalar), strcatDelimEval)
	scalar("strcmp", 2, 2, "Compares two strings ordinally: -1, 0 or 1", sig(types.Long, textArg.as("string1"), textArg.as("string2")),
		rowsTo(types.Long, func(args []*vector.Vector, i int) types.Value {
			return types.NewLong(int64(strings.Compare(textAt(args[0], i), textAt(args[1], i))))
		}))
	scalar("substring", 2, 3, "The substring from a start position (negative counts from the end), of an optional length",
		sig(types.String, anyScalar.as("source"), intArg.as("start"), intArg.as("length")), rowsTo(types.String, substringRow))
	scalar("indexof", 2, 5, "The position of the first (or occurrence-th) match of a string, searching an optional range; -1 when absent",
		sig(types.Long, anyScalar.as("string"), anyScalar.as("match"), intArg.as("start"), intArg.as("length"), intArg.as("occurrence")),
		rowsTo(types.Long, indexofRow))
	scalar("countof", 2, 3, "Counts the matches of a string (overlapping) or of a regex (kind \"regex\", not overlapping)",
		countofCheck, countofEval)
	scalar("replace_string", 3, 3, "Replaces every match of a string with another", sig(types.String, textArg.as("text"), textArg.as("lookup"), textArg.as("rewrite")),
		rowsTo(types.String, func(args []*vector.Vector, i int) types.Value {
			s, old := textAt(args[0], i), textAt(args[1], i)
			if old == "" {
				return types.NewString(s)
			}
			return types.NewString(strings.ReplaceAll(s, old, textAt(args[2], i)))
		}))
	scalar("replace_regex", 3, 3, `Replaces every match of a regex; the rewrite refers to groups as \0, \1, ...`,
		regexCheck(1, 0, sig(types.String, textArg.as("source"), textArg.as("regex"), textArg.as("rewrite"))), replaceRegexEval)
	for _, t := range []struct {
		name, doc  string
		start, end bool
	}{{"trim", "leading and trailing", true, true}, {"trim_start", "leading", true, false}, {"trim_end", "trailing", false, true}} {
		t := t
		scalar(t.name, 2, 2, "Removes "+t.doc+" matches of a regex", regexCheck(0, 0, sig(types.String, textArg.as("regex"), textArg.as("source"))),
			trimEval(t.start, t.end))
	}
	scalar("split", 2, 3, "Splits a string by a delimiter into a dynamic array of strings, or an array of the part at an index",
		sig(types.Dynamic, anyScalar.as("source"), textArg.as("delimiter"), intArg.as("index")), rowsTo(types.Dynamic, splitRow))
	scalar("extract", 3, 3, "The text a regex capture group (0 for the whole match) matches in a string; empty when there is no match",
		extractCheck, extractEval)
	scalar("extract_all", 2, 3, "Every match of a regex's capture groups, as a dynamic array (of arrays, for several groups); null when none",
		extractAllCheck, extractAllEval)
	scalar("strrep", 2, 3, "A string repeated a number of times (at most 1024), with an optional delimiter",
		sig(types.String, anyScalar.as("value"), intArg.as("multiplier"), anyScalar.as("delimiter")), rowsTo(types.String, strrepRow))
	scalar("base64_encode_tostring", 1, 1, "The base64 encoding of a string's UTF-8 bytes", sig(types.String, textArg),
		strToStr(func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }))
	Alias("base64_encodestring", "base64_encode_tostring")
	scalar("base64_decode_tostring", 1, 1, "Decodes base64 to a UTF-8 string; empty when the input or the decoded bytes are invalid", sig(types.String, textArg),
		strToStr(base64Decode))
	Alias("base64_decodestring", "base64_decode_tostring")
	scalar("url_encode", 1, 1, "Percent-encodes a string for a URL, with spaces as '+'", sig(types.String, textArg),
		strToStr(func(s string) string { return urlEncode(s, "+") }))
	scalar("url_encode_component", 1, 1, "Percent-encodes a string for a URL, with spaces as '%20'", sig(types.String, textArg),
		strToStr(func(s string) string { return urlEncode(s, "%20") }))
	scalar("url_decode", 1, 1, "Decodes a percent-encoded URL", sig(types.String, textArg), strToStr(urlDecode))
}

// runes returns s as code points, or nil when s is ASCII (where bytes are code points).
func runes(s string) []rune {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return []rune(s)
		}
	}
	return nil
}

// codePoints is a string addressed by code point.
type codePoints struct {
	s string
	r []rune // nil for ASCII
}

func newCodePoints(s string) codePoints { return codePoints{s, runes(s)} }

func (c codePoints) len() int {
	if c.r == nil {
		return len(c.s)
	}
	return len(c.r)
}

func (c codePoints) slice(from, to int) string {
	if c.r == nil {
		return c.s[from:to]
	}
	return string(c.r[from:to])
}

func reverseString(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

func strcatEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	out := newVec(types.String, n)
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.Reset()
		for _, a := range args {
			b.WriteString(textAt(a, i))
		}
		out.Strs[i] = b.String()
	}
	return out, nil
}

func strcatDelimEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	out := newVec(types.String, n)
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.Reset()
		delim := textAt(args[0], i)
		for k, a := range args[1:] {
			if k > 0 {
				b.WriteString(delim)
			}
			b.WriteString(textAt(a, i))
		}
		out.Strs[i] = b.String()
	}
	return out, nil
}

func substringRow(args []*vector.Vector, i int) types.Value {
	c := newCodePoints(textAt(args[0], i))
	start, ok := longAt(args[1], i)
	if !ok {
		return types.NewString("")
	}
	l := int64(c.len())
	if start < 0 {
		start = max(start+l, 0)
	}
	if start >= l {
		return types.NewString("")
	}
	end := l
	if len(args) > 2 {
		length, ok := longAt(args[2], i)
		if !ok || length < 0 {
			return types.NewString("")
		}
		end = min(l, start+length)
	}
	return types.NewString(c.slice(int(start), int(end)))
}

// indexofRow follows the docs' examples: a negative start counts from the end, the
// searched range is start..start+length inclusive (length -1 is the rest), and the
// result is null for length < -1 or a negative occurrence.
func indexofRow(args []*vector.Vector, i int) types.Value {
	null := types.NullOf(types.Long)
	c := newCodePoints(textAt(args[0], i))
	lookup := textAt(args[1], i)
	start, length, occurrence := int64(0), int64(-1), int64(1)
	for k, p := range []*int64{&start, &length, &occurrence} {
		if len(args) > k+2 {
			x, ok := longAt(args[k+2], i)
			if !ok {
				return null
			}
			*p = x
		}
	}
	if length < -1 || occurrence < 0 {
		return null
	}
	l := int64(c.len())
	if start < 0 {
		start = max(l+start, 0)
	}
	if start > l || occurrence == 0 {
		return types.NewLong(-1)
	}
	end := l
	if length >= 0 {
		end = min(l, start+length+1)
	}
	hay := c.slice(int(start), int(end))
	pos := 0 // in bytes of hay
	for {
		j := strings.Index(hay[pos:], lookup)
		if j < 0 {
			return types.NewLong(-1)
		}
		occurrence--
		if occurrence == 0 {
			return types.NewLong(start + int64(utf8.RuneCountInString(hay[:pos+j])))
		}
		if pos+j >= len(hay) {
			return types.NewLong(-1)
		}
		_, size := utf8.DecodeRuneInString(hay[pos+j:])
		pos += j + size
	}
}

func countofCheck(name string, args []types.Type, consts []*types.Value) (types.Type, error) {
	if _, err := sig(types.Long, textArg.as("source"), textArg.as("search"), textArg.as("kind"))(name, args, consts); err != nil {
		return types.Unknown, err
	}
	if len(args) == 3 {
		kind, ok := constString(consts, 2)
		if !ok || (kind != "normal" && kind != "regex") {
			return types.Unknown, fmt.Errorf(`%s() expects the kind "normal" or "regex"`, name)
		}
		if kind == "regex" {
			if err := checkConstRegex(name, consts, 1); err != nil {
				return types.Unknown, err
			}
		}
	}
	return types.Long, nil
}

func countofEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	src, search := texts(args[0], n), texts(args[1], n)
	out := newVec(types.Long, n)
	var c regexCursor
	for i, s := range src {
		needle := search[i]
		if len(args) > 2 && textAt(args[2], i) == "regex" {
			re, err := c.get(needle)
			if err != nil {
				return nil, err
			}
			out.Ints[i] = int64(len(re.FindAllStringIndex(s, -1)))
			continue
		}
		if needle == "" {
			continue
		}
		var k int64
		for pos := 0; ; {
			j := strings.Index(s[pos:], needle)
			if j < 0 {
				break
			}
			k++
			_, size := utf8.DecodeRuneInString(s[pos+j:])
			pos += j + size
		}
		out.Ints[i] = k
	}
	return out, nil
}

// regexCheck wraps a signature with a planning-time check of constant regex argument
// re (and, when groupArg > 0, that the constant group number is not negative; a
// group the regex does not have matches nothing, as in Kusto, so it is no error).
func regexCheck(re, groupArg int, inner checkFn) checkFn {
	return func(name string, args []types.Type, consts []*types.Value) (types.Type, error) {
		t, err := inner(name, args, consts)
		if err != nil {
			return t, err
		}
		if err := checkConstRegex(name, consts, re); err != nil {
			return types.Unknown, err
		}
		if groupArg > 0 {
			if g, ok := constInt(consts, groupArg); ok && g < 0 {
				return types.Unknown, fmt.Errorf("%s(): the capture group must be 0 (the whole match) or more, got %d", name, g)
			}
		}
		return t, nil
	}
}

// rewriteTemplate turns a Kusto rewrite (\1 for a group, \\ for a backslash) into a
// Go regexp template.
func rewriteTemplate(rw string) string {
	var b strings.Builder
	for i := 0; i < len(rw); i++ {
		c := rw[i]
		switch {
		case c == '$':
			b.WriteString("$$")
		case c == '\\' && i+1 < len(rw) && rw[i+1] >= '0' && rw[i+1] <= '9':
			j := i + 1
			for j < len(rw) && rw[j] >= '0' && rw[j] <= '9' {
				j++
			}
			b.WriteString("${" + rw[i+1:j] + "}")
			i = j - 1
		case c == '\\' && i+1 < len(rw) && rw[i+1] == '\\':
			b.WriteByte('\\')
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func replaceRegexEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	src, pat, rw := texts(args[0], n), texts(args[1], n), texts(args[2], n)
	out := newVec(types.String, n)
	var c regexCursor
	lastRw, tmpl := "", ""
	for i, s := range src {
		re, err := c.get(pat[i])
		if err != nil {
			return nil, err
		}
		if i == 0 || rw[i] != lastRw {
			lastRw, tmpl = rw[i], rewriteTemplate(rw[i])
		}
		out.Strs[i] = re.ReplaceAllString(s, tmpl)
	}
	return out, nil
}

func trimEval(start, end bool) evalFn {
	return func(args []*vector.Vector, n int) (*vector.Vector, error) {
		pat, src := texts(args[0], n), texts(args[1], n)
		out := newVec(types.String, n)
		var cs, ce regexCursor
		for i, s := range src {
			p := pat[i]
			if start {
				re, err := cs.get("^(?:" + p + ")+")
				if err != nil {
					return nil, err
				}
				if loc := re.FindStringIndex(s); loc != nil {
					s = s[loc[1]:]
				}
			}
			if end {
				re, err := ce.get("(?:" + p + ")+$")
				if err != nil {
					return nil, err
				}
				if loc := re.FindStringIndex(s); loc != nil {
					s = s[:loc[0]]
				}
			}
			out.Strs[i] = s
		}
		return out, nil
	}
}

func splitRow(args []*vector.Vector, i int) types.Value {
	s, delim := textAt(args[0], i), textAt(args[1], i)
	var parts []string
	if delim == "" {
		parts = []string{s}
	} else {
		parts = strings.Split(s, delim)
	}
	if len(args) > 2 {
		k, ok := longAt(args[2], i)
		if !ok {
			return types.NullOf(types.Dynamic)
		}
		if k < 0 || k >= int64(len(parts)) {
			return types.NewDynamic([]any{})
		}
		return types.NewDynamic([]any{parts[k]})
	}
	arr := make([]any, len(parts))
	for k, p := range parts {
		arr[k] = p
	}
	return types.NewDynamic(arr)
}

var extractCheck = regexCheck(0, 1, sig(types.String, textArg.as("regex"), intArg.as("captureGroup"), textArg.as("source")))

func extractEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	pat, src := texts(args[0], n), texts(args[2], n)
	out := newVec(types.String, n)
	var c regexCursor
	for i, s := range src {
		re, err := c.get(pat[i])
		if err != nil {
			return nil, err
		}
		g, ok := longAt(args[1], i)
		if !ok || g < 0 || g > int64(re.NumSubexp()) {
			continue
		}
		if m := re.FindStringSubmatchIndex(s); m != nil && m[2*g] >= 0 {
			out.Strs[i] = s[m[2*g]:m[2*g+1]]
		}
	}
	return out, nil
}

func extractAllCheck(name string, args []types.Type, consts []*types.Value) (types.Type, error) {
	params := []param{textArg.as("regex"), textArg.as("source")}
	if len(args) == 3 {
		params = []param{textArg.as("regex"), dynArg.as("captureGroups"), textArg.as("source")}
	}
	if err := checkParams(name, args, params); err != nil {
		return types.Unknown, err
	}
	if err := checkConstRegex(name, consts, 0); err != nil {
		return types.Unknown, err
	}
	if p, ok := constString(consts, 0); ok {
		if re, _ := compileRegex(p); re.NumSubexp() == 0 {
			return types.Unknown, fmt.Errorf("%s() expects a regex with at least one capture group", name)
		}
	}
	return types.Dynamic, nil
}

// captureGroups resolves a captureGroups array (numbers and group names) against re;
// nil groups means all of them.
func captureGroups(re *regexp.Regexp, spec any) ([]int, bool) {
	if spec == nil {
		if re.NumSubexp() == 0 {
			return []int{0}, true
		}
		g := make([]int, re.NumSubexp())
		for k := range g {
			g[k] = k + 1
		}
		return g, true
	}
	arr, ok := spec.([]any)
	if !ok || len(arr) == 0 {
		return nil, false
	}
	g := make([]int, 0, len(arr))
	for _, x := range arr {
		switch v := x.(type) {
		case int64:
			if v < 1 || v > int64(re.NumSubexp()) {
				return nil, false
			}
			g = append(g, int(v))
		case string:
			k := re.SubexpIndex(v)
			if k < 0 {
				return nil, false
			}
			g = append(g, k)
		default:
			return nil, false
		}
	}
	return g, true
}

func extractAllEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	pat, src := texts(args[0], n), texts(args[len(args)-1], n)
	out := newVec(types.Dynamic, n)
	var c regexCursor
	for i, s := range src {
		re, err := c.get(pat[i])
		if err != nil {
			return nil, err
		}
		var spec any
		if len(args) == 3 {
			spec = args[1].Dyn[i]
		}
		groups, ok := captureGroups(re, spec)
		if !ok {
			out.SetNull(i)
			continue
		}
		matches := re.FindAllStringSubmatchIndex(s, -1)
		if len(matches) == 0 {
			out.SetNull(i)
			continue
		}
		res := make([]any, len(matches))
		for k, m := range matches {
			vals := make([]any, len(groups))
			for j, g := range groups {
				if m[2*g] >= 0 {
					vals[j] = s[m[2*g]:m[2*g+1]]
				} else {
					vals[j] = ""
				}
			}
			if len(groups) == 1 {
				res[k] = vals[0]
			} else {
				res[k] = vals
			}
		}
		out.Dyn[i] = res
	}
	return out, nil
}

// strrepMax is the most repetitions strrep makes, as the docs give it.
const strrepMax = 1024

func strrepRow(args []*vector.Vector, i int) types.Value {
	s := textAt(args[0], i)
	k, ok := longAt(args[1], i)
	if !ok || k < 1 {
		return types.NewString("")
	}
	k = min(k, strrepMax)
	delim := ""
	if len(args) > 2 {
		delim = textAt(args[2], i)
	}
	var b strings.Builder
	b.Grow(int(k) * (len(s) + len(delim)))
	for j := int64(0); j < k; j++ {
		if j > 0 {
			b.WriteString(delim)
		}
		b.WriteString(s)
	}
	return types.NewString(b.String())
}

func base64Decode(s string) string {
	b, ok := decodeBase64(s)
	if !ok || !utf8.Valid(b) {
		return ""
	}
	return string(b)
}

// urlEncode percent-encodes every byte but letters, digits and -_.!*() (as .NET's
// HttpUtility.UrlEncode, which Kusto's output matches: lower-case hex digits).
func urlEncode(s, space string) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isAlnum[c] || strings.IndexByte("-_.!*()", c) >= 0:
			b.WriteByte(c)
		case c == ' ':
			b.WriteString(space)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// urlDecode decodes %XX escapes, %uXXXX escapes and '+' as a space; a malformed escape
// is kept as it is.
func urlDecode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '+':
			b.WriteByte(' ')
		case c == '%' && i+5 < len(s) && (s[i+1] == 'u' || s[i+1] == 'U'):
			if r, err := strconv.ParseUint(s[i+2:i+6], 16, 32); err == nil {
				b.WriteRune(rune(r))
				i += 5
				continue
			}
			b.WriteByte(c)
		case c == '%' && i+2 < len(s):
			if x, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(x))
				i += 2
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
