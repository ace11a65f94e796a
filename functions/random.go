package functions

import (
	"crypto/rand"
	"encoding/hex"
	"math"
	mrand "math/rand/v2"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// The functions whose value is new at every call: rand() and new_guid(). They are
// Volatile, so the planner leaves each call to run per row rather than folding it
// to one constant. Tests can only check their ranges and shapes.

func init() {
	s := scalar("rand", 0, 1, "A random real: uniform in [0, 1), or with N one of 0.0, 1.0, ..., N-1 (null when N is below 1)",
		sig(types.Real, numArg.as("N")), randEval)
	s.Volatile = true
	s = scalar("new_guid", 0, 0, "A new random guid (version 4)", sig(types.Guid), newGUIDEval)
	s.Volatile = true
}

// randEval draws from the shared generator of math/rand/v2, which is safe for the
// goroutines that call Eval at once.
func randEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	out := newVec(types.Real, n)
	if len(args) == 0 {
		for i := range out.Reals {
			out.Reals[i] = mrand.Float64()
		}
		return out, nil
	}
	for i := 0; i < n; i++ {
		x, ok := realAt(args[0], i)
		if !ok || math.IsNaN(x) || x < 1 {
			out.SetNull(i)
			continue
		}
		if x >= 1<<62 {
			x = 1 << 62
		}
		out.Reals[i] = float64(mrand.Int64N(int64(x)))
	}
	return out, nil
}

// newGUIDEval makes random version 4 guids in the canonical 8-4-4-4-12 form that
// guid vectors hold.
func newGUIDEval(_ []*vector.Vector, n int) (*vector.Vector, error) {
	out := newVec(types.Guid, n)
	buf := make([]byte, 16*n)
	if _, err := rand.Read(buf); err != nil {
		return nil, err
	}
	for i := range out.Strs {
		b := buf[16*i : 16*i+16]
		b[6] = b[6]&0x0f | 0x40 // version 4
		b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
		var s [36]byte
		hex.Encode(s[0:8], b[0:4])
		s[8] = '-'
		hex.Encode(s[9:13], b[4:6])
		s[13] = '-'
		hex.Encode(s[14:18], b[6:8])
		s[18] = '-'
		hex.Encode(s[19:23], b[8:10])
		s[23] = '-'
		hex.Encode(s[24:36], b[10:16])
		out.Strs[i] = string(s[:])
	}
	return out, nil
}
