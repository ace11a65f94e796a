package planner

import (
	"fmt"

	"github.com/spoorhq/spoor/parser"
)

// Refused is a source the plan may not read, such as externaldata from a
// source the allow-list does not permit. It binds (its columns are declared in
// the query, so the rest of the query is checked), and running it fails with
// Err, positioned at the source.
type Refused struct {
	Out []Column
	Err *Error
}

// Columns is the declared schema.
func (r *Refused) Columns() []Column { return r.Out }

// Inputs: none.
func (r *Refused) Inputs() []Node { return nil }

// Explain prints the refusal.
func (r *Refused) Explain() string { return fmt.Sprintf("Refused %s", r.Err.Msg) }

// Error is the error running the node returns.
func (r *Refused) Error() error { return ErrorList{r.Err} }

func refuse(out []Column, pos parser.Position, format string, args ...any) *Refused {
	return &Refused{Out: out, Err: &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}}
}
