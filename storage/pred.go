package storage

import (
	"fmt"
	"strings"

	"github.com/spoorhq/spoor/functions"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// PredOp is the kind of an index predicate.
type PredOp uint8

// Index predicates on string columns. Each is an exact filter: the store returns
// exactly the rows that satisfy it, using indexes where it can and checking the
// decoded values where it cannot.
const (
	// HasTerm: the column has Values[0] as a whole term (KQL `has`), compared
	// case-insensitively. Values[0] must be a single run of ASCII letters and digits.
	HasTerm PredOp = iota + 1
	// Equals: the column equals one of Values (KQL `==` and `in`); with
	// CaseInsensitive, `=~` and `in~`.
	Equals
	// TermPrefix: some term of the column starts with Values[0] (KQL `hasprefix`),
	// case-insensitively; Values[0] must be letters and digits.
	TermPrefix
	// Func: the KQL string operator or function named Func (contains,
	// !startswith_cs, matches regex...), applied to the column and the constant
	// strings Values, is true. The function's own kernel decides, so the answer
	// is the executor's: on a dictionary column it runs once per distinct value,
	// elsewhere on each candidate row.
	Func
	// IntRange: the column, stored as integers (int, long, datetime,
	// timespan), holds a value in [Lo, Hi]. A null matches no integer
	// predicate. Zone maps skip the blocks that cannot match.
	IntRange
	// IntIn: the column, stored as integers, holds one of Ints.
	IntIn
)

func (op PredOp) String() string {
	switch op {
	case HasTerm:
		return "has"
	case Equals:
		return "=="
	case TermPrefix:
		return "hasprefix"
	case Func:
		return "func"
	case IntRange:
		return "between"
	case IntIn:
		return "in"
	}
	return "?"
}

// Pred is one index predicate. A request's predicates are combined with "and".
type Pred struct {
	Column          string
	Op              PredOp
	Values          []string
	CaseInsensitive bool
	// Func names the function of a Func predicate.
	Func string
	// Lo and Hi bound an IntRange predicate; Ints are an IntIn's values.
	Lo, Hi int64
	Ints   []int64
}

// isInt says the predicate is on a column's integers.
func (p Pred) isInt() bool { return p.Op == IntRange || p.Op == IntIn }

// matchInt checks one non-null integer against an integer predicate.
func (p Pred) matchInt(x int64) bool {
	if p.Op == IntRange {
		return x >= p.Lo && x <= p.Hi
	}
	for _, v := range p.Ints {
		if x == v {
			return true
		}
	}
	return false
}

// zoneExcludes says no value in [lo, hi] can satisfy an integer predicate.
func (p Pred) zoneExcludes(lo, hi int64) bool {
	if p.Op == IntRange {
		return hi < p.Lo || lo > p.Hi
	}
	for _, v := range p.Ints {
		if v >= lo && v <= hi {
			return false
		}
	}
	return true
}

// filterInts keeps the rows of sel whose value in v, a vector of integers,
// is not null and satisfies the predicate. The result reuses sel's memory.
func (p Pred) filterInts(v *vector.Vector, sel []int) []int {
	out := sel[:0]
	if len(v.Nulls) > 0 {
		for _, r := range sel {
			if !v.IsNull(r) && p.matchInt(v.Ints[r]) {
				out = append(out, r)
			}
		}
		return out
	}
	// No nulls: the common shapes get loops of their own, which run several
	// times faster than a call per row (a port, a range of times).
	ints := v.Ints
	switch {
	case p.Op == IntRange:
		lo, hi := p.Lo, p.Hi
		for _, r := range sel {
			if x := ints[r]; x >= lo && x <= hi {
				out = append(out, r)
			}
		}
	case p.Op == IntIn && len(p.Ints) == 1:
		want := p.Ints[0]
		for _, r := range sel {
			if ints[r] == want {
				out = append(out, r)
			}
		}
	default:
		for _, r := range sel {
			if p.matchInt(ints[r]) {
				out = append(out, r)
			}
		}
	}
	return out
}

// filterIntsAll is filterInts over the rows 0 to n-1 of v, appending those
// kept to out.
func (p Pred) filterIntsAll(v *vector.Vector, n int, out []int) []int {
	if len(v.Nulls) > 0 {
		for r := 0; r < n; r++ {
			if !v.IsNull(r) && p.matchInt(v.Ints[r]) {
				out = append(out, r)
			}
		}
		return out
	}
	ints := v.Ints[:n]
	switch {
	case p.Op == IntRange:
		lo, hi := p.Lo, p.Hi
		for r, x := range ints {
			if x >= lo && x <= hi {
				out = append(out, r)
			}
		}
	case p.Op == IntIn && len(p.Ints) == 1:
		want := p.Ints[0]
		for r, x := range ints {
			if x == want {
				out = append(out, r)
			}
		}
	default:
		for r, x := range ints {
			if p.matchInt(x) {
				out = append(out, r)
			}
		}
	}
	return out
}

func (p Pred) String() string {
	switch p.Op {
	case IntRange:
		return fmt.Sprintf("%s between (%d .. %d)", p.Column, p.Lo, p.Hi)
	case IntIn:
		return fmt.Sprintf("%s in %v", p.Column, p.Ints)
	}
	op := p.Op.String()
	if p.Op == Func {
		op = p.Func
	}
	if p.Op == Equals && p.CaseInsensitive {
		op = "=~"
	}
	if len(p.Values) == 1 {
		return fmt.Sprintf("%s %s %q", p.Column, op, p.Values[0])
	}
	return fmt.Sprintf("%s %s %q", p.Column, strings.Replace(op, "==", "in", 1), p.Values)
}

// validate checks what the index code relies on.
func (p Pred) validate() error {
	if p.isInt() {
		if p.Op == IntIn && len(p.Ints) == 0 {
			return fmt.Errorf("predicate on %s has no values", p.Column)
		}
		return nil
	}
	if len(p.Values) == 0 {
		return fmt.Errorf("predicate on %s has no values", p.Column)
	}
	if p.Op == Func {
		spec, ok := functions.Lookup(p.Func)
		if !ok || spec.Eval == nil || len(p.Values)+1 < spec.MinArgs || spec.MaxArgs >= 0 && len(p.Values)+1 > spec.MaxArgs {
			return fmt.Errorf("predicate %s: no function %s of %d arguments", p, p.Func, len(p.Values)+1)
		}
	}
	if p.Op == HasTerm || p.Op == TermPrefix {
		if len(p.Values) != 1 || !isTerm(p.Values[0]) {
			return fmt.Errorf("predicate %s: %q is not a single term of letters and digits", p, p.Values)
		}
	}
	return nil
}

func isTermByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isTerm(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTermByte(s[i]) {
			return false
		}
	}
	return true
}

// match checks one value against the predicate: the slow path used on hot rows
// and to verify candidates an index could only narrow.
func (p Pred) match(s string) bool {
	switch p.Op {
	case HasTerm:
		return hasTerm(s, p.Values[0], false)
	case TermPrefix:
		return hasTerm(s, p.Values[0], true)
	case Equals:
		for _, v := range p.Values {
			if s == v || p.CaseInsensitive && strings.EqualFold(s, v) {
				return true
			}
		}
	}
	return false
}

// matchOne checks one value, as filter does.
func (p Pred) matchOne(s string) bool {
	if p.Op != Func {
		return p.match(s)
	}
	keep, err := p.filter([]string{s}, nil)
	return err == nil && len(keep) == 1
}

// filter returns the positions i of strs whose string satisfies the
// predicate, appended to dst; a Func predicate's kernel sees them all at once.
func (p Pred) filter(strs []string, dst []int) ([]int, error) {
	if p.Op != Func {
		for i, s := range strs {
			if p.match(s) {
				dst = append(dst, i)
			}
		}
		return dst, nil
	}
	n := len(strs)
	if n == 0 {
		return dst, nil
	}
	spec, ok := functions.Lookup(p.Func)
	if !ok || spec.Eval == nil {
		return dst, fmt.Errorf("predicate %s: no function %s", p, p.Func)
	}
	args := make([]*vector.Vector, 0, 1+len(p.Values))
	args = append(args, &vector.Vector{Type: types.String, Len: n, Strs: strs})
	for _, v := range p.Values {
		args = append(args, vector.Repeat(types.NewString(v), n))
	}
	out, err := spec.Eval(args, n)
	if err != nil {
		return dst, fmt.Errorf("predicate %s: %w", p, err)
	}
	if out.Type != types.Bool || out.Len != n {
		return dst, fmt.Errorf("BUG: predicate %s gave %d values of %s", p, out.Len, out.Type)
	}
	for i := 0; i < n; i++ {
		if out.Ints[i] != 0 && !out.IsNull(i) {
			dst = append(dst, i)
		}
	}
	return dst, nil
}

// hasTerm reports whether s contains term as a whole run of ASCII letters and
// digits (or, with prefix, a run starting with term), ignoring case.
func hasTerm(s, term string, prefix bool) bool {
	for i := 0; i < len(s); {
		if !isTermByte(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isTermByte(s[j]) {
			j++
		}
		run := s[i:j]
		if len(run) == len(term) || prefix && len(run) > len(term) {
			if strings.EqualFold(run[:len(term)], term) {
				return true
			}
		}
		i = j
	}
	return false
}
