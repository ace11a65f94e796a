package codec

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"unsafe"
)

// AppendReals appends vals as one real block: a count as a uvarint, then the
// raw little-endian float64 bits as a payload, zstd-compressed when that saves
// more than a tenth. Every bit pattern, NaN payloads included, round-trips.
func AppendReals(dst []byte, vals []float64) []byte {
	dst = appendUvarint(dst, uint64(len(vals)))
	sc := scratchPool.Get().(*scratch)
	defer sc.release()
	sc.raw = slices.Grow(sc.raw, 8*len(vals))
	for _, v := range vals {
		sc.raw = binary.LittleEndian.AppendUint64(sc.raw, math.Float64bits(v))
	}
	return appendPayload(dst, sc.raw, Zstd, 0.1)
}

// DecodeReals decodes a block written by AppendReals, appends the values to dst
// and returns it.
func DecodeReals(src []byte, dst []float64) ([]float64, error) {
	r := reader{src}
	n, ok := r.uvarint()
	if !ok || n > math.MaxInt64/8 {
		return dst, corruptf("reals: bad count")
	}
	if err := payloadSize(r.b, 8*n); err != nil {
		return dst, fmt.Errorf("reals: %w", err)
	}
	dst = slices.Grow(dst, int(n))
	out := dst[len(dst) : len(dst)+int(n)]
	if n == 0 {
		return dst, nil
	}
	if littleEndian {
		// Fast path: the payload's bytes are the values' memory.
		b := unsafe.Slice((*byte)(unsafe.Pointer(&out[0])), 8*len(out))
		if err := readPayload(r.b, b); err != nil {
			return dst, fmt.Errorf("reals: %w", err)
		}
		return dst[:len(dst)+int(n)], nil
	}
	b := make([]byte, 8*n)
	if err := readPayload(r.b, b); err != nil {
		return dst, fmt.Errorf("reals: %w", err)
	}
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return dst[:len(dst)+int(n)], nil
}

// littleEndian reports whether float64s are stored in memory as the real
// block layout has them.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1
