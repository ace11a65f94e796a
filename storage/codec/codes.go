package codec

import (
	"fmt"
	"math"
	"slices"
)

// AppendCodes appends dictionary codes bit-packed at the width of the largest
// code: a count as a uvarint, a width byte, then the packed codes. A column of
// ten distinct values costs half a byte per row.
func AppendCodes(dst []byte, codes []uint32) []byte {
	var hi uint32
	for _, c := range codes {
		hi = max(hi, c)
	}
	n := len(codes)
	w := runWidth(uint64(hi), n)
	dst = appendUvarint(dst, uint64(n))
	dst = append(dst, byte(w))
	dst = slices.Grow(dst, packedLen(n, w))
	var tmp [chunkLen]uint64
	for i := 0; i < n; i += chunkLen {
		c := codes[i:min(i+chunkLen, n)]
		for j, v := range c {
			tmp[j] = uint64(v)
		}
		dst = pack(dst, tmp[:len(c)], w)
	}
	return dst
}

// DecodeCodes decodes a block written by AppendCodes, appends the codes to dst
// and returns it.
func DecodeCodes(src []byte, dst []uint32) ([]uint32, error) {
	return DecodeCodesAt(src, dst, math.MaxUint32, nil)
}

// DecodeCodesAt is DecodeCodes for a dictionary of limit values, and for
// some rows of the block. A code of limit or more is corrupt (checked as the
// codes are unpacked, not in a second pass); math.MaxUint32 checks nothing.
// Rows, when not nil, are the positions wanted, in ascending order (at least
// from chunk to chunk of chunkLen codes): only their codes are unpacked and
// checked, a chunk with sparseRows of them or more whole, the others' codes
// one by one. Other codes are zero, or theirs. Reaching a few selected rows
// of a 64K-row block costs a few reads instead of the whole block.
func DecodeCodesAt(src []byte, dst []uint32, limit uint32, rows []int) ([]uint32, error) {
	r := reader{src}
	n64, ok := r.uvarint()
	if !ok {
		return dst, corruptf("codes: bad count")
	}
	w, packed, err := readPacked(&r, n64, 32)
	if err != nil {
		return dst, err
	}
	n := int(n64)
	dst = slices.Grow(dst, n)
	out := dst[len(dst) : len(dst)+n]
	// over gets its low bit set by a code of limit or more (last-x wraps
	// around): no branch per code. Without a limit, last is out of reach.
	var tmp [chunkLen]uint64
	var over uint64
	last := uint64(limit) - 1
	if limit == math.MaxUint32 {
		last = 1 << 62
	}
	chunk := func(c int) {
		o := out[c*chunkLen : min((c+1)*chunkLen, n)]
		unpackChunk(&tmp, packed, c, w)
		t := tmp[:len(o)]
		for j, x := range t {
			o[j] = uint32(x)
			over |= (last - x) >> 63
		}
	}
	if rows == nil {
		for c := 0; c*chunkLen < n; c++ {
			chunk(c)
		}
	} else {
		// Only the chunks that hold a wanted row: unpacked whole when they
		// hold many, else their wanted codes one by one. The other codes
		// are zero.
		next := 0 // the first chunk not yet decoded or cleared
		for i := 0; i < len(rows); {
			r := rows[i]
			if r < 0 || r >= n || r/chunkLen < next {
				return dst, fmt.Errorf("codec: row %d of a block of %d, out of order or range", r, n)
			}
			c := r / chunkLen
			j := i + 1
			for j < len(rows) && rows[j] >= c*chunkLen && rows[j] < min((c+1)*chunkLen, n) {
				j++
			}
			clear(out[next*chunkLen : c*chunkLen])
			if j-i >= sparseRows {
				chunk(c)
			} else {
				clear(out[c*chunkLen : min((c+1)*chunkLen, n)])
				for _, r := range rows[i:j] {
					x := unpackAt(packed, r, w)
					out[r] = uint32(x)
					over |= (last - x) >> 63
				}
			}
			next, i = c+1, j
		}
		clear(out[min(next*chunkLen, n):])
	}
	if over != 0 {
		return dst, corruptf("codes: a code outside a dictionary of %d", limit)
	}
	return dst[:len(dst)+n], nil
}

// sparseRows is the fewest wanted rows of a chunk for which DecodeCodesAt
// unpacks the whole chunk rather than each row's code alone.
const sparseRows = 24
