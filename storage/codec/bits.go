package codec

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// Bitmap block kinds, the first byte of every AppendBits block.
const (
	bitsZeros  = 0 // no bit set
	bitsOnes   = 1 // every bit set
	bitsRaw    = 2 // ceil(n/8) bytes, bit i in byte i/8 at position i%8
	bitsSparse = 3 // the set bits' positions as an integer block
	bitsHoles  = 4 // the clear bits' positions as an integer block
)

// AppendBits appends the first n bits of words (bit i is bit i%64 of word i/64)
// as one bitmap block. All-clear and all-set bitmaps take a single byte, sparse
// ones list their positions, others are stored bit for bit. The count is not
// stored: the reader passes it to DecodeBits. Bits past n are ignored; words
// holding fewer than n bits is a caller's bug and panics.
func AppendBits(dst []byte, words []uint64, n int) []byte {
	if n < 0 || n > 64*len(words) {
		panic(fmt.Sprintf("BUG: AppendBits of %d bits from %d words", n, len(words)))
	}
	full, rest := n/64, uint(n%64)
	ones := 0
	for _, w := range words[:full] {
		ones += bits.OnesCount64(w)
	}
	if rest > 0 {
		ones += bits.OnesCount64(words[full] & (1<<rest - 1))
	}
	switch ones {
	case 0:
		return append(dst, bitsZeros)
	case n:
		return append(dst, bitsOnes)
	}
	rawLen := (n + 7) / 8
	if few := min(ones, n-ones); few*8 < n {
		// Try listing the rarer bits' positions; keep it if smaller.
		set := ones < n-ones
		sc := scratchPool.Get().(*scratch)
		defer sc.release()
		for i := range (n + 63) / 64 {
			w := words[i]
			if !set {
				w = ^w
			}
			if i == full {
				w &= 1<<rest - 1
			}
			for ; w != 0; w &= w - 1 {
				sc.ints = append(sc.ints, int64(64*i+bits.TrailingZeros64(w)))
			}
		}
		sc.bytes = AppendInts(sc.bytes, sc.ints)
		if len(sc.bytes) < rawLen {
			kind := byte(bitsHoles)
			if set {
				kind = bitsSparse
			}
			return append(append(dst, kind), sc.bytes...)
		}
	}
	dst = append(dst, bitsRaw)
	for _, w := range words[:full] {
		dst = binary.LittleEndian.AppendUint64(dst, w)
	}
	if rest > 0 {
		w := words[full] & (1<<rest - 1)
		for range (rest + 7) / 8 {
			dst = append(dst, byte(w))
			w >>= 8
		}
	}
	return dst
}

// DecodeBits decodes a block written by AppendBits for n bits into
// ceil(n/64) words. Bits past n are clear.
func DecodeBits(src []byte, n int) ([]uint64, error) {
	if n < 0 {
		return nil, corruptf("bits: negative count %d", n)
	}
	if len(src) == 0 {
		return nil, corruptf("bits: empty block")
	}
	kind, body := src[0], src[1:]
	words := make([]uint64, (n+63)/64)
	switch kind {
	case bitsZeros, bitsOnes:
		if len(body) != 0 {
			return nil, corruptf("bits: %d bytes after a constant bitmap", len(body))
		}
		if kind == bitsOnes {
			for i := range words {
				words[i] = ^uint64(0)
			}
			if r := uint(n % 64); r != 0 {
				words[len(words)-1] = 1<<r - 1
			}
		}
		return words, nil
	case bitsRaw:
		if len(body) != (n+7)/8 {
			return nil, corruptf("bits: %d bytes for %d bits", len(body), n)
		}
		i := 0
		for ; len(body) >= 8; i++ {
			words[i] = binary.LittleEndian.Uint64(body)
			body = body[8:]
		}
		for j, b := range body {
			words[i] |= uint64(b) << (8 * j)
		}
		if r := uint(n % 64); r != 0 && words[len(words)-1]>>r != 0 {
			return nil, corruptf("bits: bits set past %d", n)
		}
		return words, nil
	case bitsSparse, bitsHoles:
		sc := scratchPool.Get().(*scratch)
		defer sc.release()
		var err error
		if sc.ints, err = decodeInts(body, sc.ints, uint64(n)); err != nil {
			return nil, fmt.Errorf("bits: positions: %w", err)
		}
		prev := int64(-1)
		for _, p := range sc.ints {
			if p <= prev || p >= int64(n) {
				return nil, corruptf("bits: position %d after %d of %d", p, prev, n)
			}
			words[p/64] |= 1 << (p % 64)
			prev = p
		}
		if kind == bitsHoles {
			for i := range words {
				words[i] = ^words[i]
			}
			if r := uint(n % 64); r != 0 {
				words[len(words)-1] &= 1<<r - 1
			}
		}
		return words, nil
	}
	return nil, corruptf("bits: unknown kind %d", kind)
}
