package codec

import "encoding/binary"

// Bit packing: value i of a packed run occupies bits [i*w, (i+1)*w) of a
// little-endian bit stream, so the run takes ceil(n*w/8) bytes. Runs are
// processed in chunks of chunkLen values; a full chunk is exactly 32*w bytes and
// starts on a byte (indeed a word) boundary, which lets the decoder jump to any
// chunk and use a fixed-width kernel for it.

const chunkLen = 256

// packedLen is the byte size of n values packed at width w.
func packedLen(n int, w uint) int {
	return int((uint64(n)*uint64(w) + 7) / 8)
}

// packedLenOK reports the byte size of n values at width w, or false when it
// would not fit in an int; decoders use it on untrusted counts.
func packedLenOK(n uint64, w uint) (int, bool) {
	if w == 0 {
		return 0, true
	}
	if n > (1<<62)/uint64(w) {
		return 0, false
	}
	return int((n*uint64(w) + 7) / 8), true
}

// pack appends vals packed at width w. Each value must be below 1<<w.
func pack(dst []byte, vals []uint64, w uint) []byte {
	if w == 0 {
		return dst
	}
	var acc uint64
	var nb uint
	for _, v := range vals {
		acc |= v << nb
		nb += w
		if nb >= 64 {
			dst = binary.LittleEndian.AppendUint64(dst, acc)
			nb -= 64
			// The top nb bits of v did not fit; a shift by 64 yields 0.
			acc = v >> (w - nb)
		}
	}
	for ; nb > 0; nb -= min(nb, 8) {
		dst = append(dst, byte(acc))
		acc >>= 8
	}
	return dst
}

//go:generate go run gen_unpack.go

// unpackChunk unpacks chunk c of src, a run of values packed at width w whose
// length the caller has checked, into out. The last chunk may be partial; the
// values past its end come out as zeros. Fast path: a chunk with 8 spare bytes
// after it is read in place by the kernel for its width; the last chunk goes
// through a zero-padded copy.
func unpackChunk(out *[chunkLen]uint64, src []byte, c int, w uint) {
	if w == 0 {
		clear(out[:])
		return
	}
	off := c * chunkLen / 8 * int(w)
	if off+32*int(w)+8 <= len(src) {
		unpackWidth(out, src[off:], w)
		return
	}
	var buf [32*64 + 8]byte
	copy(buf[:], src[off:])
	unpackWidth(out, buf[:], w)
}

// unpackWide unpacks chunkLen values of width 57 to 64, which can straddle
// nine bytes, from src as unpackWidth does.
func unpackWide(out *[chunkLen]uint64, src []byte, w uint) {
	_ = src[32*w+7]
	if w == 64 {
		for j := range out {
			out[j] = binary.LittleEndian.Uint64(src[8*j:])
		}
		return
	}
	mask := uint64(1)<<w - 1
	var bit uint
	for j := range out {
		i := bit >> 3
		s := bit & 7
		v := binary.LittleEndian.Uint64(src[i:]) >> s
		v |= uint64(src[i+8]) << (64 - s) // a shift by 64 yields 0
		out[j] = v & mask
		bit += w
	}
}

// unpackAt returns value r of a run packed at width w (at most 57, so that
// a value and its offset within a byte fit one 64-bit read), whose length
// the caller has checked.
func unpackAt(src []byte, r int, w uint) uint64 {
	bit := uint64(r) * uint64(w)
	at := int(bit >> 3)
	var x uint64
	if at+8 <= len(src) {
		x = binary.LittleEndian.Uint64(src[at:])
	} else {
		var b [8]byte
		copy(b[:], src[at:])
		x = binary.LittleEndian.Uint64(b[:])
	}
	return x >> (bit & 7) & (1<<w - 1)
}
