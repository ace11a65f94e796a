// Package parser turns KQL text into an abstract syntax tree whose every node records
// where it starts and ends, and prints trees back as canonical KQL text.
//
// The grammar is written with participle; this file is the package's public surface.
package parser

import (
	"fmt"
	"strings"
)

// Limits on input, so that hostile or accidental input fails with a clear message
// instead of exhausting memory or the stack.
const (
	MaxQueryBytes = 256 << 10
	MaxDepth      = 128
)

// Error is a syntax error at a position in the query text. Line and Column are
// 1-based; Column counts characters (runes), not bytes.
type Error struct {
	Offset int
	Line   int
	Column int
	Msg    string
	// Source is the whole query text, kept so Detail can show the offending line.
	Source string
}

func (e *Error) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg) }

// Detail renders the error with the source line it points at and a caret under the
// column, the way a terminal user wants to see it.
func (e *Error) Detail() string {
	lines := strings.Split(e.Source, "\n")
	if e.Line < 1 || e.Line > len(lines) {
		return e.Error()
	}
	line := strings.TrimRight(lines[e.Line-1], "\r")
	var caret strings.Builder
	col := 0
	for _, r := range line {
		col++
		if col >= e.Column {
			break
		}
		if r == '\t' {
			caret.WriteByte('\t')
		} else {
			caret.WriteByte(' ')
		}
	}
	return fmt.Sprintf("%s\n  %s\n  %s^", e.Error(), line, caret.String())
}
