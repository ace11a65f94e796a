package codec

import (
	"fmt"
	"slices"
	"sync"
	"unsafe"
)

// AppendStrings appends vals as one string block: the byte length of the
// lengths block as a uvarint, the lengths as an integer block (AppendInts), then
// a payload: a form byte and the concatenated bytes compressed with c. The
// bytes are stored raw when compression saves nothing, and with zstd when s2
// would expand them more than its bound allows (see MaxBlockBytes).
func AppendStrings(dst []byte, vals []string, c Compression) []byte {
	sc := scratchPool.Get().(*scratch)
	defer sc.release()
	total := 0
	for _, s := range vals {
		sc.ints = append(sc.ints, int64(len(s)))
		total += len(s)
	}
	sc.bytes = AppendInts(sc.bytes, sc.ints)
	dst = appendUvarint(dst, uint64(len(sc.bytes)))
	dst = append(dst, sc.bytes...)

	sc.raw = slices.Grow(sc.raw, total)
	for _, s := range vals {
		sc.raw = append(sc.raw, s...)
	}
	return appendPayload(dst, sc.raw, c, 0)
}

// scratch holds buffers reused across encode and decode calls.
type scratch struct {
	ints  []int64
	bytes []byte
	raw   []byte
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// maxScratch is the largest buffer returned to the pool; bigger ones are left
// to the collector so one huge block does not pin memory.
const maxScratch = 4 << 20

func (sc *scratch) release() {
	if cap(sc.ints)*8 > maxScratch || cap(sc.bytes) > maxScratch || cap(sc.raw) > maxScratch {
		return
	}
	sc.ints, sc.bytes, sc.raw = sc.ints[:0], sc.bytes[:0], sc.raw[:0]
	scratchPool.Put(sc)
}

// DecodeStrings decodes a block written by AppendStrings, appends the strings to
// dst and returns it. The new strings share one backing allocation and never
// alias src.
func DecodeStrings(src []byte, dst []string) ([]string, error) {
	r := reader{src}
	ilen, ok := r.uvarint()
	if !ok {
		return dst, corruptf("strings: bad lengths size")
	}
	ib, ok := r.next(ilen)
	if !ok {
		return dst, corruptf("strings: lengths block of %d bytes past the end", ilen)
	}
	sc := scratchPool.Get().(*scratch)
	defer sc.release()
	var err error
	sc.ints, err = DecodeInts(ib, sc.ints)
	if err != nil {
		return dst, fmt.Errorf("strings: lengths: %w", err)
	}
	var total uint64
	for _, l := range sc.ints {
		// payloadSize checks the sum exactly; this bound only keeps it from
		// overflowing.
		total += uint64(l)
		if l < 0 || total > MaxBlockBytes+uint64(len(src)) {
			return dst, corruptf("strings: length %d", l)
		}
	}
	if err := payloadSize(r.b, total); err != nil {
		return dst, fmt.Errorf("strings: %w", err)
	}
	body := make([]byte, total)
	if err := readPayload(r.b, body); err != nil {
		return dst, fmt.Errorf("strings: %w", err)
	}
	// body is fresh and never written again, so the strings may view it.
	all := unsafe.String(unsafe.SliceData(body), len(body))
	dst = slices.Grow(dst, len(sc.ints))
	off := 0
	for _, l := range sc.ints {
		dst = append(dst, all[off:off+int(l)])
		off += int(l)
	}
	return dst, nil
}
