package functions

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"unsafe"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Distinct counts. dcount, dcountif and hll() estimate with HyperLogLog as Kusto
// does; the accuracy argument (0 to 4) picks the number of registers, 2^12,
// 2^14 (the default), 2^16, 2^17 or 2^18, for the errors the docs list (1.6%,
// 0.8%, 0.4%, 0.28%, 0.2%). A sketch keeps the hashes of its values exactly
// while it holds at most a quarter as many as it has registers, so small groups
// count exactly; then it turns into registers. Values are hashed with xxHash64,
// as hash() does. count_distinct and count_distinctif count exactly.
//
// hll() returns the sketch as a dynamic value, [1, p, hashes] or [1, p,
// "base64 registers"], which hll_merge and dcount_hll read.

// hllPrecision maps dcount's accuracy argument to the register-index bits.
var hllPrecision = [...]uint8{12, 14, 16, 17, 18}

const hllDefaultAccuracy = 1

func init() {
	hllParams := func(cond bool) []param {
		ps := []param{anyScalar.as("expr")}
		if cond {
			ps = append(ps, predArg.as("predicate"))
		}
		return append(ps, intArg.as("accuracy"))
	}
	dcount := func(name, doc string, cond, sketch bool) {
		ps := hllParams(cond)
		ret := types.Long
		if sketch {
			ret = types.Dynamic
		}
		aggregate(name, len(ps)-1, len(ps), doc, accuracyCheck(ret, ps), func([]types.Type) AggState {
			var st AggState = &hllState{accArg: len(ps) - 1, sketch: sketch}
			if cond {
				st = &ifState{inner: st, pred: 1}
			}
			return st
		})
	}
	dcount("dcount", "The estimated number of distinct values (HyperLogLog; accuracy 0 to 4, default 1)", false, false)
	dcount("dcountif", "The estimated number of distinct values where the predicate is true", true, false)
	dcount("hll", "A HyperLogLog sketch of the values, for dcount_hll and hll_merge", false, true)
	dcount("hll_if", "A HyperLogLog sketch of the values where the predicate is true", true, true)
	s := aggregate("hll_merge", 1, -1, "Merges HyperLogLog sketches made by hll(): over a group in summarize, or of its arguments elsewhere",
		sig(types.Dynamic, dynArg), func([]types.Type) AggState { return &hllState{merging: true, sketch: true} })
	s.Eval = rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
		var h hllSketch
		for _, a := range args {
			o, ok := hllOf(a.Dyn[i])
			if !ok {
				return types.NullOf(types.Dynamic)
			}
			h.merge(&o)
		}
		return types.NewDynamic(h.toDynamic())
	})
	scalar("dcount_hll", 1, 1, "The distinct count a HyperLogLog sketch made by hll() estimates", sig(types.Long, dynArg),
		rowsTo(types.Long, func(args []*vector.Vector, i int) types.Value {
			h, ok := hllOf(args[0].Dyn[i])
			if !ok {
				return types.NullOf(types.Long)
			}
			return types.NewLong(h.count())
		}))

	exact := func(name, doc string, cond bool) {
		ps := []param{anyScalar.as("expr")}
		if cond {
			ps = append(ps, predArg.as("predicate"))
		}
		aggregate(name, len(ps), len(ps), doc, sig(types.Long, ps...), func([]types.Type) AggState {
			var st AggState = newDcount()
			if cond {
				st = &ifState{inner: st, pred: 1}
			}
			return st
		})
	}
	exact("count_distinct", "The exact number of distinct values", false)
	exact("count_distinctif", "The exact number of distinct values where the predicate is true", true)
}

// accuracyCheck is sig, and a constant accuracy must be 0 to 4.
func accuracyCheck(ret types.Type, ps []param) checkFn {
	inner := sig(ret, ps...)
	return func(name string, args []types.Type, consts []*types.Value) (types.Type, error) {
		t, err := inner(name, args, consts)
		if err != nil || len(args) < len(ps) {
			return t, err
		}
		if a, ok := constInt(consts, len(ps)-1); ok && (a < 0 || a >= int64(len(hllPrecision))) {
			return types.Unknown, fmt.Errorf("%s() expects an accuracy from 0 to 4, got %d", name, a)
		}
		return t, nil
	}
}

// hllSketch is a HyperLogLog sketch: exact hashes while small, then 2^p registers.
type hllSketch struct {
	p      uint8 // 0 until the first value sets it
	sparse map[uint64]struct{}
	regs   []uint8
}

func (h *hllSketch) init(p uint8) {
	if h.p == 0 {
		h.p = p
	}
}

func (h *hllSketch) add(x uint64) {
	if h.regs != nil {
		h.set(x)
		return
	}
	if h.sparse == nil {
		h.sparse = map[uint64]struct{}{}
	}
	h.sparse[x] = struct{}{}
	if len(h.sparse) > (1<<h.p)/4 {
		h.densify()
	}
}

func (h *hllSketch) set(x uint64) {
	idx := x >> (64 - h.p)
	rank := uint8(bits.LeadingZeros64(x<<h.p|1<<(h.p-1))) + 1
	if rank > h.regs[idx] {
		h.regs[idx] = rank
	}
}

func (h *hllSketch) densify() {
	h.regs = make([]uint8, 1<<h.p)
	for x := range h.sparse {
		h.set(x)
	}
	h.sparse = nil
}

// fold lowers a dense sketch to precision p, as if its values had been added
// to a sketch of p bits.
func (h *hllSketch) fold(p uint8) {
	if h.regs == nil || p >= h.p {
		h.p = min(h.p, p)
		return
	}
	shift := h.p - p
	out := make([]uint8, 1<<p)
	for idx, r := range h.regs {
		if r == 0 {
			continue
		}
		low := uint64(idx) & (1<<shift - 1)
		rank := shift + r
		if low != 0 {
			rank = shift - uint8(bits.Len64(low)) + 1
		}
		if k := idx >> shift; rank > out[k] {
			out[k] = rank
		}
	}
	h.p, h.regs = p, out
}

func (h *hllSketch) merge(o *hllSketch) {
	if o.p == 0 {
		return
	}
	if h.p == 0 {
		h.p = o.p
	}
	if o.p < h.p {
		h.fold(o.p)
	}
	if o.regs == nil {
		for x := range o.sparse {
			h.add(x)
		}
		return
	}
	src := o.regs
	if o.p > h.p {
		c := hllSketch{p: o.p, regs: o.regs}
		c.fold(h.p)
		src = c.regs
	}
	if h.regs == nil {
		h.densify()
	}
	for k, r := range src {
		if r > h.regs[k] {
			h.regs[k] = r
		}
	}
}

// count estimates the distinct count: exact while sparse, else with Ertl's
// improved estimator over the register histogram, which needs no bias tables
// and no switch to linear counting.
func (h *hllSketch) count() int64 {
	if h.regs == nil {
		return int64(len(h.sparse))
	}
	q := 64 - int(h.p)
	hist := make([]float64, q+2)
	for _, r := range h.regs {
		hist[min(int(r), q+1)]++
	}
	m := float64(len(h.regs))
	z := m * hllTau(1-hist[q+1]/m)
	for k := q; k >= 1; k-- {
		z = 0.5 * (z + hist[k])
	}
	z += m * hllSigma(hist[0]/m)
	return int64(math.Round(m * m / (2 * math.Ln2) / z))
}

func hllSigma(x float64) float64 {
	if x == 1 {
		return math.Inf(1)
	}
	y, z := 1.0, x
	for {
		x *= x
		prev := z
		z += x * y
		y += y
		if z == prev {
			return z
		}
	}
}

func hllTau(x float64) float64 {
	if x == 0 || x == 1 {
		return 0
	}
	y, z := 1.0, 1-x
	for {
		x = math.Sqrt(x)
		prev := z
		y *= 0.5
		z -= (1 - x) * (1 - x) * y
		if z == prev {
			return z / 3
		}
	}
}

func (h *hllSketch) toDynamic() any {
	if h.p == 0 {
		return nil
	}
	if h.regs != nil {
		return []any{int64(1), int64(h.p), base64.StdEncoding.EncodeToString(h.regs)}
	}
	hs := make([]any, 0, len(h.sparse))
	for x := range h.sparse {
		hs = append(hs, int64(x))
	}
	return []any{int64(1), int64(h.p), hs}
}

// hllOf reads a sketch made by toDynamic.
func hllOf(x any) (hllSketch, bool) {
	arr, ok := x.([]any)
	if !ok || len(arr) != 3 {
		return hllSketch{}, false
	}
	p, ok := arr[1].(int64)
	if !ok || p < 4 || p > 18 {
		return hllSketch{}, false
	}
	h := hllSketch{p: uint8(p)}
	switch data := arr[2].(type) {
	case string:
		regs, err := base64.StdEncoding.DecodeString(data)
		if err != nil || len(regs) != 1<<p {
			return hllSketch{}, false
		}
		h.regs = regs
	case []any:
		h.sparse = make(map[uint64]struct{}, len(data))
		for _, d := range data {
			x, ok := d.(int64)
			if !ok {
				return hllSketch{}, false
			}
			h.sparse[uint64(x)] = struct{}{}
		}
	default:
		return hllSketch{}, false
	}
	return h, true
}

// hllState is the state of dcount, dcountif, hll and hll_merge.
type hllState struct {
	h       hllSketch
	accArg  int
	sketch  bool // the result is the sketch, not its count
	merging bool // hll_merge: argument 0 is a sketch
}

func (s *hllState) Add(args []*vector.Vector, i int) {
	if s.merging {
		if o, ok := hllOf(args[0].Dyn[i]); ok {
			s.h.merge(&o)
		}
		return
	}
	x, ok := hashValue(args[0], i)
	if !ok {
		return
	}
	if s.h.p == 0 {
		acc := int64(hllDefaultAccuracy)
		if len(args) > s.accArg {
			if a, ok := longAt(args[s.accArg], i); ok && a >= 0 && a < int64(len(hllPrecision)) {
				acc = a
			}
		}
		s.h.init(hllPrecision[acc])
	}
	s.h.add(x)
}

func (s *hllState) Merge(other AggState) { s.h.merge(&other.(*hllState).h) }

func (s *hllState) Result() types.Value {
	if s.sketch {
		return types.NewDynamic(s.h.toDynamic())
	}
	return types.NewLong(s.h.count())
}

// hashValue is the xxHash64 of row i's bytes (hashBytes), without allocating for
// the common types; false for a null.
func hashValue(v *vector.Vector, i int) (uint64, bool) {
	if nullAt(v, i) {
		return 0, false
	}
	switch v.Type {
	case types.String, types.Guid, types.Decimal:
		s := v.Str(i)
		return xxhash64(unsafe.Slice(unsafe.StringData(s), len(s))), true
	case types.Int, types.Long, types.Datetime, types.Timespan:
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], uint64(v.Ints[i]))
		return xxhash64(b[:]), true
	}
	b, ok := hashBytes(v, i)
	return xxhash64(b), ok
}
