package codec

import (
	"fmt"
	"slices"
	"unsafe"
)

// BuildDict returns the distinct values of vals sorted ascending, and each
// value's code: its index in dict. Sorted dictionaries let range and prefix
// predicates become code ranges.
func BuildDict(vals []string) (dict []string, codes []uint32) {
	var b DictBuilder
	dict, codes, _ = b.Build(vals, len(vals), len(vals), len(vals))
	return dict, codes
}

// DictBuilder builds dictionaries like BuildDict, reusing its map and slices
// from one call to the next. It is used by one goroutine at a time.
type DictBuilder struct {
	index map[string]uint32
	dict  []string
	codes []uint32
	order []uint32
	keys  []keyed
	remap []uint32
	same  *sameCache
}

// sameCache remembers the codes of recently seen strings by the address and
// length of their bytes. Values that share their bytes (the same string
// handed out again, as generators and interning readers do) are equal, so
// they skip hashing their contents.
type sameCache struct {
	gen     uint32
	entries [1 << sameBits]sameEntry
}

const sameBits = 12

type sameEntry struct {
	ptr  uintptr
	n    int
	gen  uint32
	code uint32
}

// Build returns the sorted distinct values of vals and each value's code, or
// ok false as soon as the values turn out too varied for a dictionary: more
// than limit distinct values, or more than sampleMax among the first
// sampleRows. The results are valid until the next call.
func (b *DictBuilder) Build(vals []string, limit, sampleRows, sampleMax int) (dict []string, codes []uint32, ok bool) {
	if b.index == nil {
		b.index = make(map[string]uint32, 256)
	} else {
		clear(b.index)
	}
	clear(b.dict)
	dict = b.dict[:0]
	codes = slices.Grow(b.codes[:0], len(vals))[:len(vals)]
	b.codes = codes
	sampleRows = min(sampleRows, len(vals))
	prev, prevCode := "", uint32(0)
	if b.same == nil {
		b.same = new(sameCache)
	}
	same := b.same
	if same.gen++; same.gen == 0 { // wrapped: old entries could match again
		*same = sameCache{gen: 1}
	}
	useSame, hits := true, 0
	for i, v := range vals {
		if i == sampleRows {
			if len(dict) > sampleMax {
				b.dict = dict
				return nil, nil, false
			}
			// Few values sharing bytes: the cache costs more than it saves.
			useSame = hits >= sampleRows/8
		}
		// Fast paths: runs of one value, and bytes seen before. Comparing
		// addresses, not contents, keeps a miss cheap.
		if i > 0 && len(v) == len(prev) && unsafe.StringData(v) == unsafe.StringData(prev) {
			codes[i] = prevCode
			continue
		}
		var e *sameEntry
		if useSame && len(v) > 0 {
			p := uintptr(unsafe.Pointer(unsafe.StringData(v)))
			e = &same.entries[(uint64(p)*0x9e3779b97f4a7c15)>>(64-sameBits)]
			if e.ptr == p && e.n == len(v) && e.gen == same.gen {
				codes[i] = e.code
				prev, prevCode = v, e.code
				hits++
				continue
			}
		}
		c, found := b.index[v]
		if !found {
			c = uint32(len(dict))
			if len(dict) == limit {
				b.dict = dict
				return nil, nil, false
			}
			b.index[v] = c
			dict = append(dict, v)
		}
		if e != nil {
			*e = sameEntry{ptr: uintptr(unsafe.Pointer(unsafe.StringData(v))), n: len(v), gen: same.gen, code: c}
		}
		codes[i] = c
		prev, prevCode = v, c
	}
	b.dict = dict
	if sampleRows == len(vals) && len(dict) > sampleMax {
		return nil, nil, false
	}
	// Codes were given in first-seen order; renumber them in sorted order.
	n := len(dict)
	order, keys := sortOrder(dict, b.order, b.keys)
	b.keys = keys
	remap := slices.Grow(b.remap[:0], n)[:n]
	sorted := make([]string, n)
	for to, from := range order {
		remap[from] = uint32(to)
		sorted[to] = dict[from]
	}
	b.order, b.remap = order, remap
	for i, c := range codes {
		codes[i] = remap[c]
	}
	return sorted, codes, true
}

// AppendDict appends a dictionary, sorted ascending as BuildDict returns it, in
// the layout of AppendStrings.
func AppendDict(dst []byte, dict []string, c Compression) []byte {
	return AppendStrings(dst, dict, c)
}

// DecodeDict decodes a block written by AppendDict and checks that its values
// are distinct and ascending, as the codes depend on.
func DecodeDict(src []byte) ([]string, error) {
	dict, err := DecodeStrings(src, nil)
	if err != nil {
		return nil, fmt.Errorf("dict: %w", err)
	}
	for i := 1; i < len(dict); i++ {
		if dict[i-1] >= dict[i] {
			return nil, corruptf("dict: value %d not after value %d", i, i-1)
		}
	}
	return dict, nil
}
