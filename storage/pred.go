package storage

import (
	"fmt"
	"strings"
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
)

func (op PredOp) String() string {
	switch op {
	case HasTerm:
		return "has"
	case Equals:
		return "=="
	case TermPrefix:
		return "hasprefix"
	}
	return "?"
}

// Pred is one index predicate. A request's predicates are combined with "and".
type Pred struct {
	Column          string
	Op              PredOp
	Values          []string
	CaseInsensitive bool
}

func (p Pred) String() string {
	op := p.Op.String()
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
	if len(p.Values) == 0 {
		return fmt.Errorf("predicate on %s has no values", p.Column)
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
