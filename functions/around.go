package functions

import (
	"fmt"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// around(value, center, delta): whether value lies in [center - delta,
// center + delta], the ends included. Numbers compare with a numeric delta;
// datetimes and timespans with a timespan delta. Any null gives null.

func init() {
	scalar("around", 3, 3, "Whether a value lies within delta of a center, the ends included; null when any argument is null",
		aroundCheck, aroundEval)
}

func aroundCheck(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
	v, c, d := args[0], args[1], args[2]
	switch {
	case isNumber(v) && isNumber(c):
		if !isNumber(d) {
			return types.Unknown, argErr(name, numArg.as("delta"), d)
		}
	case v == types.Datetime && c == types.Datetime, v == types.Timespan && c == types.Timespan:
		if d != types.Timespan {
			return types.Unknown, argErr(name, spanArg.as("delta"), d)
		}
	default:
		return types.Unknown, fmt.Errorf("%s() expects a value and a center that are both numbers, datetimes or timespans, got %s", name, joinTypes(args[:2]))
	}
	return types.Bool, nil
}

func aroundEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	out := newVec(types.Bool, n)
	ticks := args[0].Type == types.Datetime || args[0].Type == types.Timespan
	for i := 0; i < n; i++ {
		if anyNull(args, i) {
			out.SetNull(i)
			continue
		}
		if ticks {
			// Ticks compare exactly; the ends are clamped rather than let overflow.
			v, c, d := args[0].Ints[i], args[1].Ints[i], args[2].Ints[i]
			if d < 0 {
				d = -d
			}
			lo, hi := c-d, c+d
			if lo > c {
				lo = minTicks
			}
			if hi < c {
				hi = maxTicks
			}
			setBool(out, i, v >= lo && v <= hi)
			continue
		}
		v, ok1 := realAt(args[0], i)
		c, ok2 := realAt(args[1], i)
		d, ok3 := realAt(args[2], i)
		if !ok1 || !ok2 || !ok3 {
			out.SetNull(i)
			continue
		}
		if d < 0 {
			d = -d
		}
		setBool(out, i, v >= c-d && v <= c+d)
	}
	return out, nil
}

// The ends of the tick range, for clamping.
const (
	minTicks = -1 << 63
	maxTicks = 1<<63 - 1
)
