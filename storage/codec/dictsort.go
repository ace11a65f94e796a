package codec

import (
	"encoding/binary"
	"slices"
	"strings"
)

// keyed is a dictionary value's position and an 8-byte big-endian key of
// its bytes from some depth on, zero-padded.
type keyed struct {
	key uint64
	i   uint32
}

// radixMin is the fewest values sortOrder sorts by key; fewer are compared.
const radixMin = 64

// maxKeyDepth bounds the bytes sortOrder keys on; values alike beyond it
// are compared.
const maxKeyDepth = 32

// sortOrder sets order to the positions of vals in ascending order of the
// values. It radix-sorts an 8-byte key of each value, whose order is the
// values' order wherever keys differ, and sorts each run of equal keys by
// the next 8 bytes, or by comparing, in the same way. Dictionaries of ids,
// numbers and addresses (short, mostly distinct) sort several times faster
// than by comparing, and values that share long prefixes (paths) no slower.
func sortOrder(vals []string, order []uint32, scratch []keyed) ([]uint32, []keyed) {
	n := len(vals)
	order = slices.Grow(order[:0], n)[:n]
	for i := range order {
		order[i] = uint32(i)
	}
	if n < radixMin {
		slices.SortFunc(order, func(a, b uint32) int { return strings.Compare(vals[a], vals[b]) })
		return order, scratch
	}
	scratch = slices.Grow(scratch[:0], 2*n)[:2*n]
	sortRun(vals, order, scratch, 0)
	return order, scratch
}

// sortRun sorts order (positions of vals that agree on their first depth
// bytes) by the values' bytes from depth on.
func sortRun(vals []string, order []uint32, scratch []keyed, depth int) {
	n := len(order)
	if n < radixMin || depth >= maxKeyDepth {
		slices.SortFunc(order, func(a, b uint32) int { return strings.Compare(vals[a], vals[b]) })
		return
	}
	a, b := scratch[:n], scratch[n:2*n]
	longer := false // some value goes on past the key's bytes
	for k, i := range order {
		a[k] = keyed{keyOf(vals[i], depth), i}
		longer = longer || len(vals[i]) > depth+8
	}
	// Least significant byte first; a byte that all keys share is skipped.
	var counts [256]int
	for shift := uint(0); shift < 64; shift += 8 {
		clear(counts[:])
		for _, x := range a {
			counts[byte(x.key>>shift)]++
		}
		if counts[byte(a[0].key>>shift)] == n {
			continue
		}
		at := 0
		for d, c := range counts {
			counts[d] = at
			at += c
		}
		for _, x := range a {
			d := byte(x.key >> shift)
			b[counts[d]] = x
			counts[d]++
		}
		a, b = b, a
	}
	for k := range a {
		order[k] = a[k].i
	}
	if !longer {
		// Values no longer than the key: equal keys are equal values, but
		// for trailing zero bytes, which padding hides.
		for lo := 0; lo < n; {
			hi := lo + 1
			for hi < n && a[hi].key == a[lo].key {
				hi++
			}
			if hi-lo > 1 {
				run := order[lo:hi]
				slices.SortFunc(run, func(x, y uint32) int { return strings.Compare(vals[x], vals[y]) })
			}
			lo = hi
		}
		return
	}
	// Runs of equal keys are sorted on the next bytes. They are all found
	// before the recursion reuses the scratch that holds the keys.
	var runs []int
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && a[hi].key == a[lo].key {
			hi++
		}
		if hi-lo > 1 {
			runs = append(runs, lo, hi)
		}
		lo = hi
	}
	for r := 0; r < len(runs); r += 2 {
		lo, hi := runs[r], runs[r+1]
		sortRun(vals, order[lo:hi], scratch, depth+8)
	}
}

// keyOf is the 8 bytes of s from depth on, big-endian, zero-padded.
func keyOf(s string, depth int) uint64 {
	if len(s) >= depth+8 {
		return binary.BigEndian.Uint64([]byte(s[depth : depth+8]))
	}
	var k uint64
	for j := 0; j < 8; j++ {
		k <<= 8
		if depth+j < len(s) {
			k |= uint64(s[depth+j])
		}
	}
	return k
}
