package codec

import (
	"math"
	"math/bits"
	"slices"
)

// Integer block kinds, the first byte of every AppendInts block. After the
// kind comes the value count n as a uvarint, then:
//
//	intsConst: the value as a zig-zag varint (absent when n is 0)
//	intsFOR:   base varint, scale uvarint, width byte, then n values packed;
//	           value i is base + scale*packed[i]
//	intsDelta: first varint, min delta varint, scale uvarint, width byte, then
//	           n-1 values packed; value i is value i-1 + min + scale*packed[i-1]
//
// The scale is the greatest common divisor of the packed quantities, so
// datetimes at millisecond precision (multiples of 10,000 ticks) or round
// numbers pack without their trailing factor. All arithmetic wraps.
const (
	intsConst = 0
	intsFOR   = 1
	intsDelta = 2
)

// AppendInts appends vals as one integer block. It picks the smallest of a
// constant run, frame-of-reference bit-packing of the values, and bit-packing of
// their successive differences, which shrinks sorted timestamps to a few bits
// each. Any int64 values round-trip exactly, including jumps between
// math.MinInt64 and math.MaxInt64.
func AppendInts(dst []byte, vals []int64) []byte {
	n := len(vals)
	if n == 0 {
		return append(dst, intsConst, 0)
	}
	lo, hi := vals[0], vals[0]
	dlo, dhi := int64(0), int64(0)
	if n > 1 {
		dlo = vals[1] - vals[0]
		dhi = dlo
	}
	prev := vals[0]
	for _, v := range vals[1:] {
		lo, hi = min(lo, v), max(hi, v)
		d := v - prev
		dlo, dhi = min(dlo, d), max(dhi, d)
		prev = v
	}
	if lo == hi && n <= MaxRunLen {
		dst = append(dst, intsConst)
		dst = appendUvarint(dst, uint64(n))
		return appendVarint(dst, lo)
	}
	sf := scaleFOR(vals, lo)
	wf := runWidth((uint64(hi)-uint64(lo))/sf, n)
	costFOR := varintLen(lo) + uvarintLen(sf) + packedLen(n, wf)
	if n > 1 {
		sd := scaleDelta(vals, dlo)
		wd := runWidth((uint64(dhi)-uint64(dlo))/sd, n-1)
		costDelta := varintLen(vals[0]) + varintLen(dlo) + uvarintLen(sd) + packedLen(n-1, wd)
		if costDelta < costFOR {
			return appendDeltaInts(dst, vals, dlo, sd, wd)
		}
	}
	dst = append(dst, intsFOR)
	dst = appendUvarint(dst, uint64(n))
	dst = appendVarint(dst, lo)
	dst = appendUvarint(dst, sf)
	dst = append(dst, byte(wf))
	dst = slices.Grow(dst, packedLen(n, wf))
	div := newDivisor(sf)
	var tmp [chunkLen]uint64
	for i := 0; i < n; i += chunkLen {
		c := vals[i:min(i+chunkLen, n)]
		for j, v := range c {
			tmp[j] = div.div(uint64(v) - uint64(lo))
		}
		dst = pack(dst, tmp[:len(c)], wf)
	}
	return dst
}

func appendDeltaInts(dst []byte, vals []int64, dlo int64, scale uint64, w uint) []byte {
	n := len(vals)
	dst = append(dst, intsDelta)
	dst = appendUvarint(dst, uint64(n))
	dst = appendVarint(dst, vals[0])
	dst = appendVarint(dst, dlo)
	dst = appendUvarint(dst, scale)
	dst = append(dst, byte(w))
	dst = slices.Grow(dst, packedLen(n-1, w))
	div := newDivisor(scale)
	var tmp [chunkLen]uint64
	for i := 1; i < n; i += chunkLen {
		c := vals[i:min(i+chunkLen, n)]
		prev := uint64(vals[i-1])
		for j, v := range c {
			tmp[j] = div.div(uint64(v) - prev - uint64(dlo))
			prev = uint64(v)
		}
		dst = pack(dst, tmp[:len(c)], w)
	}
	return dst
}

// runWidth is the packing width for n values up to span: the bit length of
// span, but at least 1 for runs longer than MaxRunLen.
func runWidth(span uint64, n int) uint {
	w := uint(bits.Len64(span))
	if w == 0 && n > MaxRunLen {
		w = 1
	}
	return w
}

// DecodeInts decodes a block written by AppendInts, appends the values to dst
// and returns it.
func DecodeInts(src []byte, dst []int64) ([]int64, error) {
	return decodeInts(src, dst, math.MaxUint64)
}

// decodeInts is DecodeInts for a block that must hold at most maxN values.
func decodeInts(src []byte, dst []int64, maxN uint64) ([]int64, error) {
	r := reader{src}
	kind, ok := r.byte()
	if !ok {
		return dst, corruptf("ints: empty block")
	}
	n64, ok := r.uvarint()
	if !ok || n64 > maxN {
		return dst, corruptf("ints: bad count")
	}
	switch kind {
	case intsConst:
		if n64 == 0 {
			if len(r.b) != 0 {
				return dst, corruptf("ints: %d bytes after an empty block", len(r.b))
			}
			return dst, nil
		}
		v, ok := r.varint()
		if !ok || n64 > MaxRunLen || len(r.b) != 0 {
			return dst, corruptf("ints: bad constant run of %d", n64)
		}
		n := int(n64)
		dst = slices.Grow(dst, n)
		out := dst[len(dst) : len(dst)+n]
		for i := range out {
			out[i] = v
		}
		return dst[:len(dst)+n], nil
	case intsFOR:
		base, ok1 := r.varint()
		scale, ok2 := r.uvarint()
		if !ok1 || !ok2 || scale == 0 {
			return dst, corruptf("ints: bad frame of reference")
		}
		w, packed, err := readPacked(&r, n64, 64)
		if err != nil {
			return dst, err
		}
		n := int(n64)
		dst = slices.Grow(dst, n)
		decodeFOR(dst[len(dst):len(dst)+n], packed, w, base, scale)
		return dst[:len(dst)+n], nil
	case intsDelta:
		first, ok1 := r.varint()
		dlo, ok2 := r.varint()
		scale, ok3 := r.uvarint()
		if !ok1 || !ok2 || !ok3 || scale == 0 || n64 < 2 {
			return dst, corruptf("ints: bad delta header")
		}
		w, packed, err := readPacked(&r, n64-1, 64)
		if err != nil {
			return dst, err
		}
		n := int(n64)
		dst = slices.Grow(dst, n)
		decodeDelta(dst[len(dst):len(dst)+n], packed, w, first, dlo, scale)
		return dst[:len(dst)+n], nil
	}
	return dst, corruptf("ints: unknown kind %d", kind)
}

// readPacked reads a width byte and the packed bytes of n values, which must be
// the rest of the block. It bounds n by the input, or by MaxRunLen at width 0.
func readPacked(r *reader, n uint64, maxWidth uint) (uint, []byte, error) {
	wb, ok := r.byte()
	if !ok || uint(wb) > maxWidth {
		return 0, nil, corruptf("bad width %d for %d values", wb, n)
	}
	w := uint(wb)
	if w == 0 && n > MaxRunLen {
		return 0, nil, corruptf("run of %d values at width 0", n)
	}
	size, ok := packedLenOK(n, w)
	if !ok || size != len(r.b) {
		return 0, nil, corruptf("%d values at width %d in %d bytes", n, w, len(r.b))
	}
	packed := r.b
	r.b = nil
	return w, packed, nil
}

// decodeFOR fills out with base plus scale times the values packed in src at
// width w.
func decodeFOR(out []int64, src []byte, w uint, base int64, scale uint64) {
	var tmp [chunkLen]uint64
	for c := 0; c*chunkLen < len(out); c++ {
		o := out[c*chunkLen : min((c+1)*chunkLen, len(out))]
		unpackChunk(&tmp, src, c, w)
		if scale == 1 {
			for j := range o {
				o[j] = base + int64(tmp[j])
			}
		} else {
			for j := range o {
				o[j] = base + int64(tmp[j]*scale)
			}
		}
	}
}

// decodeDelta fills out with first and the running sum of dlo plus scale
// times the deltas packed in src at width w.
func decodeDelta(out []int64, src []byte, w uint, first, dlo int64, scale uint64) {
	out[0] = first
	acc := first
	rest := out[1:]
	var tmp [chunkLen]uint64
	for c := 0; c*chunkLen < len(rest); c++ {
		o := rest[c*chunkLen : min((c+1)*chunkLen, len(rest))]
		unpackChunk(&tmp, src, c, w)
		for j := range o {
			acc += dlo + int64(tmp[j]*scale)
			o[j] = acc
		}
	}
}

// scaleFOR is the greatest common divisor of vals minus lo, or 1.
func scaleFOR(vals []int64, lo int64) uint64 {
	var g gcd
	for _, v := range vals {
		if !g.add(uint64(v) - uint64(lo)) {
			return 1
		}
	}
	return g.scale()
}

// scaleDelta is the greatest common divisor of the deltas of vals minus dlo,
// or 1.
func scaleDelta(vals []int64, dlo int64) uint64 {
	var g gcd
	for i := 1; i < len(vals); i++ {
		if !g.add(uint64(vals[i]) - uint64(vals[i-1]) - uint64(dlo)) {
			return 1
		}
	}
	return g.scale()
}

// gcd accumulates the greatest common divisor of a stream of values. Most
// values are multiples of the current divisor, and that test costs a
// multiplication instead of a division.
type gcd struct {
	g   uint64
	div divisor
}

// add folds x in and reports whether the divisor is still above 1.
func (a *gcd) add(x uint64) bool {
	if a.g != 0 && a.div.divides(x) {
		return true
	}
	g, y := a.g, x
	for y != 0 {
		g, y = y, g%y
	}
	a.g = g
	a.div = newDivisor(g)
	return g != 1
}

func (a *gcd) scale() uint64 { return max(a.g, 1) }

// divisor tests divisibility by and divides by a fixed d = odd << shift,
// using the multiplicative inverse of the odd part modulo 2^64.
type divisor struct {
	shift uint
	inv   uint64 // odd * inv == 1 (mod 2^64)
	limit uint64 // MaxUint64 / odd
}

func newDivisor(d uint64) divisor {
	if d == 0 {
		return divisor{}
	}
	shift := uint(bits.TrailingZeros64(d))
	odd := d >> shift
	inv := odd // correct to 3 bits; each Newton step doubles that
	for range 5 {
		inv *= 2 - odd*inv
	}
	return divisor{shift: shift, inv: inv, limit: math.MaxUint64 / odd}
}

func (d divisor) divides(x uint64) bool {
	return uint(bits.TrailingZeros64(x)) >= d.shift && (x>>d.shift)*d.inv <= d.limit
}

// div returns x / d for an x that d divides.
func (d divisor) div(x uint64) uint64 { return (x >> d.shift) * d.inv }

func appendUvarint(dst []byte, v uint64) []byte {
	for v >= 0x80 {
		dst = append(dst, byte(v)|0x80)
		v >>= 7
	}
	return append(dst, byte(v))
}

func appendVarint(dst []byte, v int64) []byte {
	return appendUvarint(dst, uint64(v<<1)^uint64(v>>63))
}
