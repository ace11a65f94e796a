package functions

import (
	"math"
	"math/bits"
	"time"
	_ "time/tzdata" // IANA zones for datetime_local_to_utc on machines without them

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Bitwise functions over longs, the gamma and error functions, and the time
// zone conversions.

func init() {
	for _, b := range []struct {
		name, doc string
		op        func(a, b int64) int64
	}{
		{"binary_and", "The bitwise AND of two integers", func(a, b int64) int64 { return a & b }},
		{"binary_or", "The bitwise OR of two integers", func(a, b int64) int64 { return a | b }},
		{"binary_xor", "The bitwise XOR of two integers", func(a, b int64) int64 { return a ^ b }},
		{"binary_shift_left", "An integer shifted left by a number of bits (null for a negative shift; 64 or more gives 0)", shiftLeft},
		{"binary_shift_right", "An integer shifted right (arithmetically) by a number of bits (null for a negative shift)", shiftRight},
	} {
		b := b
		scalar(b.name, 2, 2, b.doc, sig(types.Long, intArg), rowsTo(types.Long, func(args []*vector.Vector, i int) types.Value {
			x, ok1 := longAt(args[0], i)
			y, ok2 := longAt(args[1], i)
			if !ok1 || !ok2 || (y < 0 && (b.name == "binary_shift_left" || b.name == "binary_shift_right")) {
				return types.NullOf(types.Long)
			}
			return types.NewLong(b.op(x, y))
		}))
	}
	scalar("binary_not", 1, 1, "The bitwise NOT of an integer", sig(types.Long, intArg), rowsTo(types.Long, func(args []*vector.Vector, i int) types.Value {
		x, ok := longAt(args[0], i)
		if !ok {
			return types.NullOf(types.Long)
		}
		return types.NewLong(^x)
	}))
	scalar("bitset_count_ones", 1, 1, "The number of set bits of an integer", sig(types.Long, intArg), rowsTo(types.Long, func(args []*vector.Vector, i int) types.Value {
		x, ok := longAt(args[0], i)
		if !ok {
			return types.NullOf(types.Long)
		}
		return types.NewLong(int64(bits.OnesCount64(uint64(x))))
	}))
	real1 := func(name, doc string, f func(float64) (float64, bool)) {
		scalar(name, 1, 1, doc, sig(types.Real, numArg), realToReal(f))
	}
	real1("gamma", "The gamma function", func(x float64) (float64, bool) { return math.Gamma(x), true })
	real1("loggamma", "The natural logarithm of the absolute value of the gamma function", func(x float64) (float64, bool) {
		l, _ := math.Lgamma(x)
		return l, true
	})
	real1("erf", "The error function", func(x float64) (float64, bool) { return math.Erf(x), true })
	real1("erfc", "The complementary error function", func(x float64) (float64, bool) { return math.Erfc(x), true })

	tz := func(name, doc string, toUTC bool) {
		scalar(name, 2, 2, doc, sig(types.Datetime, dateArg.as("datetime"), textArg.as("timezone")),
			rowsTo(types.Datetime, func(args []*vector.Vector, i int) types.Value {
				if nullAt(args[0], i) {
					return types.NullOf(types.Datetime)
				}
				loc, err := loadZone(textAt(args[1], i))
				if err != nil {
					return types.NullOf(types.Datetime)
				}
				ticks := args[0].Ints[i]
				if toUTC {
					return types.NewDatetime(localToUTC(ticks, loc))
				}
				_, off := types.TicksToTime(ticks).In(loc).Zone()
				return types.NewDatetime(ticks + int64(off)*types.TicksPerSecond)
			}))
	}
	tz("datetime_local_to_utc", "A datetime read as the wall-clock time of an IANA time zone, converted to UTC", true)
	tz("datetime_utc_to_local", "A UTC datetime converted to the wall-clock time of an IANA time zone", false)
}

func shiftLeft(a, b int64) int64 {
	if b >= 64 {
		return 0
	}
	return a << uint(b)
}

func shiftRight(a, b int64) int64 {
	if b >= 64 {
		b = 63
	}
	return a >> uint(b)
}

// loadZone finds an IANA zone; UTC is always there.
func loadZone(name string) (*time.Location, error) {
	if name == "" {
		return nil, errNoZone
	}
	return time.LoadLocation(name)
}

var errNoZone = &time.ParseError{Message: "no time zone"}

// localToUTC converts a wall-clock time of loc to UTC ticks. A time in the gap
// of a forward change is read with the offset before it, as time.Date does.
func localToUTC(ticks int64, loc *time.Location) int64 {
	t := types.TicksToTime(ticks).UTC()
	local := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
	return types.TimeToTicks(local)
}
