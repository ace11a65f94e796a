package functions

import (
	"fmt"
	"strings"
	"sync"
	"unsafe"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// String operators: the has family (term matching), contains, startswith, endswith,
// =~, !~, matches regex, has_any and has_all. The left operand is a string or a
// dynamic value read as tostring() reads it. Strings are never null, so these never
// give null. Operators without _cs ignore case.
//
// Terms, as Kusto defines them: a string is broken into maximal runs of ASCII letters
// and digits. has finds the needle as a whole term; a needle holding other characters
// ("-abc", "a.b c") is a phrase, found as a substring whose alphanumeric ends sit at
// term boundaries: where the needle starts with a letter or digit, the text before
// the match must not be one, and likewise at its end. hasprefix checks only the start
// boundary, hassuffix only the end one.

func init() {
	for _, ci := range []bool{true, false} {
		suffix := ""
		if !ci {
			suffix = "_cs"
		}
		for _, m := range []termMode{termWhole, termPrefix, termSuffix} {
			name := m.String() + suffix
			doc := fmt.Sprintf("Whether the right-hand string is %s in the left-hand one (term match%s)", m.doc(), caseDoc(ci))
			scalar(name, 2, 2, doc, strOpCheck(false), termEval(m, ci, false))
			scalar("!"+name, 2, 2, "Negation of "+name, strOpCheck(false), termEval(m, ci, true))
		}
		for _, op := range []substrOp{opContains, opStartsWith, opEndsWith} {
			name := op.String() + suffix
			doc := fmt.Sprintf("Whether the left-hand string %s the right-hand one%s", op.doc(), caseDoc(ci))
			scalar(name, 2, 2, doc, strOpCheck(true), substrEval(op, ci, false))
			scalar("!"+name, 2, 2, "Negation of "+name, strOpCheck(true), substrEval(op, ci, true))
		}
	}
	scalar("=~", 2, 2, "String equality ignoring case", strOpCheck(true), foldEqEval(false))
	scalar("!~", 2, 2, "String inequality ignoring case", strOpCheck(true), foldEqEval(true))
	scalar("matches regex", 2, 2, "Whether the left-hand string contains a match of the RE2 regex on the right", regexOpCheck, matchesEval)
	scalar("has_any", 2, -1, "Whether the left-hand string has any of the listed terms (has semantics, ignoring case)", hasListCheck, hasListEval(false))
	scalar("has_all", 2, -1, "Whether the left-hand string has all of the listed terms (has semantics, ignoring case)", hasListCheck, hasListEval(true))
}

func caseDoc(ci bool) string {
	if ci {
		return ", ignoring case"
	}
	return ", case-sensitive"
}

// strOpCheck is the rule of a binary string operator: text on both sides (dynamicRight
// allows a dynamic right-hand side too, as Kusto does for all but the has family).
func strOpCheck(dynamicRight bool) checkFn {
	return func(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
		if !isTextual(args[0]) {
			return types.Unknown, fmt.Errorf("'%s' expects a string on its left, got %s", name, args[0])
		}
		if args[1] != types.String && !(dynamicRight && args[1] == types.Dynamic) {
			return types.Unknown, fmt.Errorf("'%s' expects a string on its right, got %s", name, args[1])
		}
		return types.Bool, nil
	}
}

// isAlnum marks the ASCII letters and digits, the characters of terms.
var isAlnum = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-32] = true, true
	}
	return t
}()

type termMode uint8

const (
	termWhole termMode = iota
	termPrefix
	termSuffix
)

func (m termMode) String() string {
	return [...]string{"has", "hasprefix", "hassuffix"}[m]
}

func (m termMode) doc() string {
	return [...]string{"a whole term", "a term prefix", "a term suffix"}[m]
}

// termMatcher finds one needle in texts with term semantics.
type termMatcher struct {
	needle     string // lower case when folding
	mode       termMode
	fold       bool // ASCII case folding of the text
	lowerText  bool // the needle is not ASCII: lower the whole text instead
	single     bool // the needle is one run of letters and digits
	leftBound  bool // the match must start at a term start
	rightBound bool // the match must end at a term end
}

func newTermMatcher(needle string, mode termMode, ci bool) termMatcher {
	m := termMatcher{needle: needle, mode: mode}
	if ci {
		lower, ascii := lowerASCII(needle)
		if !ascii {
			lower = strings.ToLower(needle)
		}
		m.needle, m.fold, m.lowerText = lower, ascii, !ascii
	}
	if m.needle == "" {
		return m
	}
	m.single = true
	for i := 0; i < len(m.needle); i++ {
		if !isAlnum[m.needle[i]] {
			m.single = false
			break
		}
	}
	m.leftBound = mode != termSuffix && isAlnum[m.needle[0]]
	m.rightBound = mode != termPrefix && isAlnum[m.needle[len(m.needle)-1]]
	return m
}

// match reports whether the needle occurs in text.
func (m *termMatcher) match(text string) bool {
	if m.needle == "" {
		return true
	}
	fold := m.fold
	if m.lowerText {
		text, fold = strings.ToLower(text), false
	}
	if m.single {
		return m.matchTerm(text, fold)
	}
	return m.matchPhrase(text, fold)
}

// matchTerm is the fast path for a needle that is one term: one pass over the text's
// terms, comparing those long enough.
func (m *termMatcher) matchTerm(text string, fold bool) bool {
	k := len(m.needle)
	i, n := 0, len(text)
	for i < n {
		for i < n && !isAlnum[text[i]] {
			i++
		}
		start := i
		for i < n && isAlnum[text[i]] {
			i++
		}
		l := i - start
		if l < k {
			continue
		}
		var part string
		switch m.mode {
		case termWhole:
			if l != k {
				continue
			}
			part = text[start:i]
		case termPrefix:
			part = text[start : start+k]
		default:
			part = text[i-k : i]
		}
		if equalText(part, m.needle, fold) {
			return true
		}
	}
	return false
}

// matchPhrase finds each occurrence of the needle and checks its boundaries.
func (m *termMatcher) matchPhrase(text string, fold bool) bool {
	k := len(m.needle)
	for from := 0; from+k <= len(text); {
		j := indexText(text[from:], m.needle, fold)
		if j < 0 {
			return false
		}
		start := from + j
		end := start + k
		if (!m.leftBound || start == 0 || !isAlnum[text[start-1]]) &&
			(!m.rightBound || end == len(text) || !isAlnum[text[end]]) {
			return true
		}
		from = start + 1
	}
	return false
}

// equalText compares s with a needle that is already lower case when fold is set.
func equalText(s, needle string, fold bool) bool {
	if !fold {
		return s == needle
	}
	if len(s) != len(needle) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != needle[i] {
			return false
		}
	}
	return true
}

// indexText finds a needle (lower case when fold is set) in s: the first
// occurrence, ignoring ASCII case when fold is set.
func indexText(s, needle string, fold bool) int {
	if !fold {
		return strings.Index(s, needle)
	}
	k := len(needle)
	if k == 0 {
		return 0
	}
	// Candidates come from the needle's rarest byte (its anchor, at offset
	// a), found in either case with IndexByte; the next position of each case
	// is kept, so no stretch of s is scanned twice.
	a := anchorOf(needle)
	lc := needle[a]
	uc := lc
	if lc >= 'a' && lc <= 'z' {
		uc = lc - ('a' - 'A')
	}
	last := len(s) - k + a // the last place the anchor can be
	nextL, nextU := -1, -1 // known next places of each case, or -1
	doneL, doneU := false, uc == lc
	for from := a; from <= last; {
		if !doneL && nextL < from {
			if j := strings.IndexByte(s[from:last+1], lc); j >= 0 {
				nextL = from + j
			} else {
				doneL = true
			}
		}
		if !doneU && nextU < from {
			if j := strings.IndexByte(s[from:last+1], uc); j >= 0 {
				nextU = from + j
			} else {
				doneU = true
			}
		}
		p := -1
		if !doneL {
			p = nextL
		}
		if !doneU && (p < 0 || nextU < p) {
			p = nextU
		}
		if p < 0 {
			return -1
		}
		if equalText(s[p-a:p-a+k], needle, true) {
			return p - a
		}
		from = p + 1
	}
	return -1
}

// anchorOf picks the byte of a lower-case needle that is likely rarest in
// text, by a rough rank of how common bytes are in command lines and paths.
func anchorOf(needle string) int {
	best, rank := 0, 256
	for i := 0; i < len(needle); i++ {
		if r := byteRank[needle[i]]; r < rank {
			best, rank = i, r
		}
	}
	return best
}

// byteRank ranks bytes by how common they are in text (higher is more
// common); bytes not listed rank lowest, as rare.
var byteRank = func() (t [256]int) {
	const common = " etaoinsrlcdhmpxu\\/.-_:\"=0123456789fgwybvkjqz"
	for i := 0; i < len(common); i++ {
		if t[common[i]] == 0 {
			t[common[i]] = 200 - i
		}
	}
	return t
}()

func termEval(mode termMode, ci, negate bool) evalFn {
	return strPredEval(
		func(needle string) *termMatcher { m := newTermMatcher(needle, mode, ci); return &m },
		func(m *termMatcher, text string) bool { return m.match(text) != negate },
	)
}

type substrOp uint8

const (
	opContains substrOp = iota
	opStartsWith
	opEndsWith
)

func (op substrOp) String() string {
	return [...]string{"contains", "startswith", "endswith"}[op]
}

func (op substrOp) doc() string {
	return [...]string{"contains", "starts with", "ends with"}[op]
}

// substrMatcher is a prepared needle of contains, startswith or endswith.
type substrMatcher struct {
	needle    string
	fold      bool
	lowerText bool
}

func newSubstrMatcher(needle string, ci bool) substrMatcher {
	if !ci {
		return substrMatcher{needle: needle}
	}
	if lower, ascii := lowerASCII(needle); ascii {
		return substrMatcher{needle: lower, fold: true}
	}
	return substrMatcher{needle: strings.ToLower(needle), lowerText: true}
}

func (m *substrMatcher) match(op substrOp, text string) bool {
	fold := m.fold
	if m.lowerText {
		text = strings.ToLower(text)
	}
	k := len(m.needle)
	switch op {
	case opStartsWith:
		return len(text) >= k && equalText(text[:k], m.needle, fold)
	case opEndsWith:
		return len(text) >= k && equalText(text[len(text)-k:], m.needle, fold)
	}
	return indexText(text, m.needle, fold) >= 0
}

func substrEval(op substrOp, ci, negate bool) evalFn {
	return strPredEval(
		func(needle string) *substrMatcher { m := newSubstrMatcher(needle, ci); return &m },
		func(m *substrMatcher, text string) bool { return m.match(op, text) != negate },
	)
}

func foldEqEval(negate bool) evalFn {
	return strPredEval(
		func(needle string) string { return needle },
		func(needle, text string) bool { return strings.EqualFold(text, needle) != negate },
	)
}

// strPredEval builds the kernel of a string predicate, such as contains: prep
// turns the right-hand side into a matcher, match tries it on a text. With a
// constant needle over a string column, the kernel remembers the answer for
// each text it has seen, by the text's memory: the store decodes a column from
// a dictionary per segment, so each of its values is one string shared by all
// its rows, and the predicate runs once per value rather than once per row.
// The memory is in a predMemo, kept between batches in a pool of the kernel's.
func strPredEval[M any](prep func(needle string) M, match func(m M, text string) bool) evalFn {
	plain := strStrToBool(prep, match)
	var pool sync.Pool
	return func(args []*vector.Vector, n int) (*vector.Vector, error) {
		left, right := args[0], args[1]
		if left.Type != types.String || right.Type != types.String || n < predMemoMinRows || !isConst(right, n) {
			return plain(args, n)
		}
		needle := right.Strs[0]
		c, _ := pool.Get().(*predMemo)
		if c == nil {
			c = &predMemo{}
		}
		if !c.reset(needle) {
			pool.Put(c)
			return plain(args, n)
		}
		m := prep(needle)
		out := newVec(types.Bool, n)
		misses := 0
		for i, s := range left.Strs[:n] {
			slot := predSlot(s)
			if r := c.res[slot]; r != 0 && len(c.strs[slot]) == len(s) && unsafe.StringData(c.strs[slot]) == unsafe.StringData(s) {
				out.Ints[i] = int64(r - 1)
				continue
			}
			misses++
			r := uint8(1)
			if match(m, s) {
				r = 2
			}
			c.strs[slot], c.res[slot] = s, r
			out.Ints[i] = int64(r - 1)
		}
		c.tally(misses, n)
		pool.Put(c)
		return out, nil
	}
}

// predMemoBits sizes a predMemo: 2^predMemoBits slots.
const predMemoBits = 13

// predMemoMinRows is the fewest rows worth a memo.
const predMemoMinRows = 64

// predMemo remembers a predicate's answers for one needle, by the memory of
// the text: a direct-mapped table, where a slot keeps the last text that
// hashed to it. It holds its texts, so their memory is not reused for other
// text while they are in it. After predMemoGiveUp batches in a row whose texts
// were nearly all new, it is not used until the pool drops it.
type predMemo struct {
	needle string
	strs   [1 << predMemoBits]string
	res    [1 << predMemoBits]uint8 // 0: empty; 1: false; 2: true
	poor   int
	off    bool
}

// predMemoGiveUp is the number of batches in a row that mostly miss the memo
// after which it is not used.
const predMemoGiveUp = 4

// reset readies the memo for a needle, emptying it if it served another one,
// and reports whether it is to be used.
func (c *predMemo) reset(needle string) bool {
	if c.needle != needle {
		clear(c.res[:])
		clear(c.strs[:])
		c.needle, c.poor, c.off = needle, 0, false
	}
	return !c.off
}

// tally stops the memo after predMemoGiveUp batches in a row of mostly misses.
func (c *predMemo) tally(misses, n int) {
	if misses*8 < n*7 {
		c.poor = 0
		return
	}
	if c.poor++; c.poor >= predMemoGiveUp {
		c.off = true
		clear(c.strs[:])
	}
}

// predSlot is the memo slot of a text, from its memory and length.
func predSlot(s string) uint64 {
	h := (uint64(uintptr(unsafe.Pointer(unsafe.StringData(s)))) ^ uint64(len(s))<<48) * 0x9e3779b97f4a7c15
	return h >> (64 - predMemoBits)
}

func regexOpCheck(name string, args []types.Type, consts []*types.Value) (types.Type, error) {
	if _, err := strOpCheck(true)(name, args, consts); err != nil {
		return types.Unknown, err
	}
	if p, ok := constString(consts, 1); ok {
		if _, err := compileRegex(p); err != nil {
			return types.Unknown, fmt.Errorf("'matches regex': %v", err)
		}
	}
	return types.Bool, nil
}

func matchesEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	text, pat := texts(args[0], n), texts(args[1], n)
	out := newVec(types.Bool, n)
	var c regexCursor
	for i, s := range text {
		re, err := c.get(pat[i])
		if err != nil {
			return nil, err
		}
		setBool(out, i, re.MatchString(s))
	}
	return out, nil
}

// has_any and has_all: args[0] is the text, every further argument a needle; a
// dynamic array needle stands for its elements. Needles are matched as has matches
// them, ignoring case.

func hasListCheck(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
	if !isTextual(args[0]) {
		return types.Unknown, fmt.Errorf("'%s' expects a string on its left, got %s", name, args[0])
	}
	return types.Bool, nil
}

// termSet is a prepared list of needles: single-term needles in a map from their
// lower-case text to their number (0, 1, ...), phrases as matchers.
type termSet struct {
	single  map[string]int
	phrases []termMatcher
	empty   bool // an empty needle, which every text has
}

func newTermSet(needles []string) *termSet {
	ts := &termSet{single: make(map[string]int, len(needles))}
	seen := make(map[string]bool, len(needles))
	for _, s := range needles {
		m := newTermMatcher(s, termWhole, true)
		if seen[m.needle] {
			continue
		}
		seen[m.needle] = true
		switch {
		case m.needle == "":
			ts.empty = true
			continue
		case m.single && m.fold:
			ts.single[m.needle] = len(ts.single)
		default:
			ts.phrases = append(ts.phrases, m)
		}
	}
	return ts
}

// matchAny reports whether text has any needle of the set.
func (ts *termSet) matchAny(text string) bool {
	if ts.empty {
		return true
	}
	if len(ts.single) > 0 {
		var buf [64]byte
		found := false
		forEachTerm(text, buf[:0], func(term []byte) bool {
			_, found = ts.single[string(term)]
			return found
		})
		if found {
			return true
		}
	}
	for i := range ts.phrases {
		if ts.phrases[i].match(text) {
			return true
		}
	}
	return false
}

// matchAll reports whether text has every needle of the set.
func (ts *termSet) matchAll(text string, seen []bool) bool {
	clear(seen)
	left := len(ts.single)
	if left > 0 {
		var buf [64]byte
		forEachTerm(text, buf[:0], func(term []byte) bool {
			if k, ok := ts.single[string(term)]; ok && !seen[k] {
				seen[k] = true
				left--
			}
			return left == 0
		})
		if left > 0 {
			return false
		}
	}
	for i := range ts.phrases {
		if !ts.phrases[i].match(text) {
			return false
		}
	}
	return true
}

// forEachTerm calls f with each term of text in lower case until f returns true. The
// slice is reused between calls.
func forEachTerm(text string, buf []byte, f func(term []byte) bool) {
	i, n := 0, len(text)
	for i < n {
		for i < n && !isAlnum[text[i]] {
			i++
		}
		buf = buf[:0]
		for i < n && isAlnum[text[i]] {
			c := text[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf = append(buf, c)
			i++
		}
		if len(buf) > 0 && f(buf) {
			return
		}
	}
}

// needlesAt collects the needles of row i.
func needlesAt(elems []*vector.Vector, i int) []string {
	var out []string
	for _, e := range elems {
		if e.Type == types.Dynamic {
			if arr, ok := e.Dyn[i].([]any); ok {
				for _, d := range arr {
					if d != nil {
						out = append(out, dynText(d))
					}
				}
				continue
			}
			if nullAt(e, i) {
				continue
			}
		}
		out = append(out, textAt(e, i))
	}
	return out
}

func hasListEval(all bool) evalFn {
	return func(args []*vector.Vector, n int) (*vector.Vector, error) {
		text, elems := texts(args[0], n), args[1:]
		out := newVec(types.Bool, n)
		allConst := true
		for _, e := range elems {
			if !isConst(e, n) {
				allConst = false
				break
			}
		}
		var ts *termSet
		var seen []bool
		for i, s := range text {
			if ts == nil || !allConst {
				ts = newTermSet(needlesAt(elems, i))
				seen = make([]bool, len(ts.single))
			}
			if all {
				setBool(out, i, ts.matchAll(s, seen))
			} else {
				setBool(out, i, ts.matchAny(s))
			}
		}
		return out, nil
	}
}
