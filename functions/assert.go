package functions

import (
	"fmt"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// assert(condition, message): true, or a planning error carrying the message when
// the condition is false. Both arguments must be constants when the query is
// planned, so the check happens in the type rule and the kernel only returns true.

func init() {
	scalar("assert", 2, 2, "true when a constant condition holds; otherwise the query fails with the message", assertCheck,
		func(_ []*vector.Vector, n int) (*vector.Vector, error) {
			out := newVec(types.Bool, n)
			for i := range out.Ints {
				out.Ints[i] = 1
			}
			return out, nil
		})
}

func assertCheck(name string, args []types.Type, consts []*types.Value) (types.Type, error) {
	if args[0] != types.Bool {
		return types.Unknown, argErr(name, boolArg.as("condition"), args[0])
	}
	if args[1] != types.String {
		return types.Unknown, argErr(name, textArg.as("message"), args[1])
	}
	msg, ok := constString(consts, 1)
	if !ok {
		return types.Unknown, fmt.Errorf("%s() needs a string literal for message", name)
	}
	c := consts[0]
	if c == nil {
		return types.Unknown, fmt.Errorf("%s() needs a condition that is constant when the query is planned, not one that depends on the row", name)
	}
	if c.Null || c.I == 0 {
		return types.Unknown, fmt.Errorf("%s() has failed with message: '%s'", name, msg)
	}
	return types.Bool, nil
}
