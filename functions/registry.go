// Package functions is the one catalogue of KQL's scalar and aggregate functions
// and operators: each Spec carries the type rule that the planner checks calls
// against, and the kernel the executor runs. The REPL's completion reads it too.
package functions

import (
	"fmt"
	"sort"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Kind says how a function is called.
type Kind uint8

// Function kinds.
const (
	Scalar    Kind = iota // row by row, in any expression
	Aggregate             // over groups, in summarize (and make-series, top-nested)
)

// Spec describes one function or operator.
//
// Check is called by the planner with the argument types (and, for arguments
// that are constants, their values; nil otherwise) and returns the result type,
// or an error whose text the planner shows at the call's position.
//
// Eval computes a scalar function over a batch: args are vectors of n rows (a
// constant argument is a vector of n equal rows). It returns a new vector of n
// rows of the type Check returned. Eval is called from several goroutines at
// once and must not keep args.
//
// NewAgg returns the empty state of one group of an aggregate. An aggregate
// whose Eval is set is also a scalar function outside summarize (hll_merge of
// several sketches); the planner picks the form by where the call is.
//
// Volatile marks a function whose every call gives a new value (rand, new_guid):
// the planner must not fold a call of it to a constant, even when its arguments
// are constants, so that each row gets its own value.
type Spec struct {
	Name     string
	Kind     Kind
	MinArgs  int
	MaxArgs  int // -1: any number
	Doc      string
	Check    func(args []types.Type, consts []*types.Value) (types.Type, error)
	Eval     func(args []*vector.Vector, n int) (*vector.Vector, error)
	NewAgg   func(args []types.Type) AggState
	Volatile bool
}

// AggState is one group's running aggregate. Add folds in row i of args; Merge
// folds in another state of the same aggregate (partial results from another
// goroutine); Result returns the final value. A state is used by one goroutine
// at a time.
type AggState interface {
	Add(args []*vector.Vector, i int)
	Merge(other AggState)
	Result() types.Value
}

var registry = map[string]*Spec{}

// aliases maps old or alternative names to their canonical function.
var aliases = map[string]string{}

// Register adds a spec; it panics on a duplicate, which is a bug in this package.
func Register(s *Spec) {
	if _, dup := registry[s.Name]; dup {
		panic("BUG: function " + s.Name + " registered twice")
	}
	registry[s.Name] = s
}

// Alias makes alias another name for the function canonical.
func Alias(alias, canonical string) { aliases[alias] = canonical }

// Lookup finds a function by name (or alias).
func Lookup(name string) (*Spec, bool) {
	if c, ok := aliases[name]; ok {
		name = c
	}
	s, ok := registry[name]
	return s, ok
}

// Names lists every function and alias name, sorted.
func Names() []string {
	out := make([]string, 0, len(registry)+len(aliases))
	for n := range registry {
		out = append(out, n)
	}
	for n := range aliases {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// CheckArity returns an error when n arguments do not fit s.
func (s *Spec) CheckArity(n int) error {
	switch {
	case n < s.MinArgs && s.MinArgs == s.MaxArgs:
		return fmt.Errorf("%s() takes %d argument%s, got %d", s.Name, s.MinArgs, plural(s.MinArgs), n)
	case n < s.MinArgs:
		return fmt.Errorf("%s() takes at least %d argument%s, got %d", s.Name, s.MinArgs, plural(s.MinArgs), n)
	case s.MaxArgs >= 0 && n > s.MaxArgs:
		if s.MinArgs == s.MaxArgs {
			return fmt.Errorf("%s() takes %d argument%s, got %d", s.Name, s.MaxArgs, plural(s.MaxArgs), n)
		}
		return fmt.Errorf("%s() takes at most %d argument%s, got %d", s.Name, s.MaxArgs, plural(s.MaxArgs), n)
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
