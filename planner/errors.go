package planner

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spoorhq/spoor/parser"
)

// Error is a semantic error at a position in the query text.
type Error struct {
	Pos parser.Position
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Column, e.Msg) }

// ErrorList is every semantic error of a query, sorted by position, at most one
// per line.
type ErrorList []*Error

func (l ErrorList) Error() string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Detail renders each error with its source line and a caret.
func (l ErrorList) Detail(src string) string {
	parts := make([]string, len(l))
	for i, e := range l {
		pe := &parser.Error{Offset: e.Pos.Offset, Line: e.Pos.Line, Column: e.Pos.Column, Msg: e.Msg, Source: src}
		parts[i] = pe.Detail()
	}
	return strings.Join(parts, "\n")
}

// errs collects errors while binding.
type errs struct {
	list ErrorList
}

func (e *errs) add(pos parser.Position, format string, args ...any) {
	e.list = append(e.list, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// result returns the errors sorted by position, keeping the first on each line.
func (e *errs) result() error {
	if len(e.list) == 0 {
		return nil
	}
	sort.SliceStable(e.list, func(i, j int) bool { return e.list[i].Pos.Offset < e.list[j].Pos.Offset })
	var out ErrorList
	line := -1
	for _, x := range e.list {
		if x.Pos.Line != line {
			out = append(out, x)
			line = x.Pos.Line
		}
	}
	return out
}

func didYouMean(word string, candidates []string) string {
	if s := parser.Nearest(word, candidates); s != "" && s != word {
		return fmt.Sprintf("; did you mean '%s'?", s)
	}
	return ""
}
