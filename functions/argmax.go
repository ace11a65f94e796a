package functions

import (
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// arg_max and arg_min keep, per group, the row where the first argument is
// largest (smallest) and return the values of all their arguments as a dynamic
// array: [extreme, arg2, arg3, ...]. The planner spreads that array back into
// typed columns, which is how summarize arg_max(Timestamp, *) returns whole rows.
// Rows whose first argument is null lose to any other row, but a group whose
// first argument is null in every row still returns the first of its rows;
// among equal extremes the first row seen is kept.

func init() {
	for _, m := range []struct {
		name string
		sign int8
	}{{"arg_max", 1}, {"arg_min", -1}} {
		m := m
		aggregate(m.name, 2, -1, "The values of the arguments in the row where the first one is "+map[int8]string{1: "largest", -1: "smallest"}[m.sign],
			func(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
				return types.Dynamic, nil
			},
			func(args []types.Type) AggState { return &argState{sign: m.sign, t: args[0]} })
	}
	Alias("argmax", "arg_max")
	Alias("argmin", "arg_min")
}

type argState struct {
	sign int8
	t    types.Type
	key  *vector.Vector // the extreme so far, one row; nil before the first row
	vals []types.Value
}

func (s *argState) Add(args []*vector.Vector, i int) {
	if nullAt(args[0], i) {
		if s.key == nil && s.vals == nil {
			s.vals = rowValues(args, i)
		}
		return
	}
	if s.key != nil {
		row := newVec(s.t, 1)
		copyRow(row, 0, args[0], i)
		if cmpSame(row, s.key, 0) != s.sign {
			return
		}
		s.key = row
	} else {
		s.key = newVec(s.t, 1)
		copyRow(s.key, 0, args[0], i)
	}
	s.vals = rowValues(args, i)
}

// rowValues is row i of every argument.
func rowValues(args []*vector.Vector, i int) []types.Value {
	vals := make([]types.Value, len(args))
	for j, a := range args {
		vals[j] = a.Value(i)
	}
	return vals
}

func (s *argState) Merge(other AggState) {
	o := other.(*argState)
	if o.key == nil {
		if s.key == nil && s.vals == nil {
			s.vals = o.vals
		}
		return
	}
	if s.key == nil || cmpSame(o.key, s.key, 0) == s.sign {
		s.key, s.vals = o.key, o.vals
	}
}

func (s *argState) Result() types.Value {
	if s.vals == nil {
		return types.NullOf(types.Dynamic)
	}
	items := make([]any, len(s.vals))
	for j, v := range s.vals {
		items[j] = dynamicOf(v)
	}
	return types.NewDynamic(items)
}

// dynamicOf converts a value to its dynamic form: datetimes and timespans as
// their text, which the typed conversions read back exactly.
func dynamicOf(v types.Value) any {
	if v.Null && v.Type != types.String {
		return nil
	}
	switch v.Type {
	case types.String, types.Guid, types.Decimal:
		return v.S
	case types.Bool:
		return v.I != 0
	case types.Int, types.Long:
		return v.I
	case types.Real:
		return v.F
	case types.Dynamic:
		return v.D
	}
	return types.Format(v)
}
