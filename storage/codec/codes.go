package codec

import "slices"

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
	var tmp [chunkLen]uint64
	for c := 0; c*chunkLen < n; c++ {
		o := out[c*chunkLen : min((c+1)*chunkLen, n)]
		unpackChunk(&tmp, packed, c, w)
		for j := range o {
			o[j] = uint32(tmp[j])
		}
	}
	return dst[:len(dst)+n], nil
}
