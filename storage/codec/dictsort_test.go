package codec

import (
	"math/rand"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestSortOrder checks the dictionary's key sort against a plain sort on
// distinct values of many shapes: short ids, paths sharing long prefixes,
// values that differ only past the keyed depth, zero bytes that padding
// hides, bytes mostly alike, the empty string, and sets below and above
// radixMin.
func TestSortOrder(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	shapes := map[string]func() string{
		"ids": func() string { return strconv.Itoa(rng.Intn(10_000_000)) },
		"paths": func() string {
			return `C:\Windows\System32\` + strings.Repeat("x", rng.Intn(3)) + strconv.Itoa(rng.Intn(5000)) + ".dll"
		},
		"deep": func() string { return strings.Repeat("p", 40) + strconv.Itoa(rng.Intn(1000)) },
		"zeros": func() string {
			return "a" + strings.Repeat("\x00", rng.Intn(12)) + string(rune('a' + rng.Intn(3)))[:rng.Intn(2)]
		},
		"skewed": func() string { // most bytes alike, some zero
			b := make([]byte, rng.Intn(13))
			for i := range b {
				b[i] = 'a'
				if rng.Intn(10) == 0 {
					b[i] = []byte{0, 'b', 0xff}[rng.Intn(3)]
				}
			}
			return string(b)
		},
		"bytes": func() string {
			b := make([]byte, rng.Intn(20))
			for i := range b {
				b[i] = byte(rng.Intn(4)) * 85
			}
			return string(b)
		},
	}
	for name, draw := range shapes {
		for _, n := range []int{1, 10, radixMin, 500, 5000} {
			seen := map[string]bool{}
			var vals []string
			for tries := 0; len(vals) < n && tries < 50*n; tries++ {
				if v := draw(); !seen[v] {
					seen[v] = true
					vals = append(vals, v)
				}
			}
			order, _ := sortOrder(vals, nil, nil)
			got := make([]string, len(order))
			for k, i := range order {
				got[k] = vals[i]
			}
			want := slices.Clone(vals)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("%s, %d values: sorted wrongly", name, len(vals))
			}
		}
	}
}
