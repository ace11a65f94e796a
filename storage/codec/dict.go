package codec

import (
	"fmt"
	"slices"
	"strings"
)

// BuildDict returns the distinct values of vals sorted ascending, and each
// value's code: its index in dict. Sorted dictionaries let range and prefix
// predicates become code ranges.
func BuildDict(vals []string) (dict []string, codes []uint32) {
	index := make(map[string]uint32)
	codes = make([]uint32, len(vals))
	for i, v := range vals {
		c, ok := index[v]
		if !ok {
			c = uint32(len(dict))
			index[v] = c
			dict = append(dict, v)
		}
		codes[i] = c
	}
	// Codes were given in first-seen order; renumber them in sorted order.
	order := make([]uint32, len(dict))
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(a, b uint32) int { return strings.Compare(dict[a], dict[b]) })
	remap := make([]uint32, len(dict))
	sorted := make([]string, len(dict))
	for to, from := range order {
		remap[from] = uint32(to)
		sorted[to] = dict[from]
	}
	for i, c := range codes {
		codes[i] = remap[c]
	}
	return sorted, codes
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
