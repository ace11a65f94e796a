package codec

import (
	"math"
	"slices"
	"testing"
)

func TestPackWidths(t *testing.T) {
	r := rng(1)
	for w := uint(0); w <= 64; w++ {
		for _, n := range []int{0, 1, 2, 7, 8, 63, 255, 256, 257, 511, 512, 513, 1000} {
			vals := make([]uint64, n)
			for i := range vals {
				vals[i] = r.next()
				if w < 64 {
					vals[i] &= 1<<w - 1
				}
			}
			if n > 1 && w > 0 {
				vals[0] = math.MaxUint64 >> (64 - w) // the widest value
			}
			packed := pack(nil, vals, w)
			if len(packed) != packedLen(n, w) {
				t.Fatalf("w=%d n=%d: %d bytes, want %d", w, n, len(packed), packedLen(n, w))
			}
			got := make([]uint64, n)
			var tmp [chunkLen]uint64
			for c := 0; c*chunkLen < n; c++ {
				m := min(chunkLen, n-c*chunkLen)
				unpackChunk(&tmp, packed, c, w)
				copy(got[c*chunkLen:], tmp[:m])
			}
			if !slices.Equal(got, vals) {
				t.Fatalf("w=%d n=%d: unpacked values differ", w, n)
			}
		}
	}
}

// intsCase builds the test inputs shared by the round-trip tests.
func intsCases() []struct {
	name string
	vals []int64
	kind byte
} {
	r := rng(7)
	sorted := make([]int64, 5000)
	ts := int64(638_000_000_000_000_000) // datetime ticks
	for i := range sorted {
		ts += int64(r.intn(20_000_000))
		sorted[i] = ts
	}
	random := make([]int64, 3000)
	for i := range random {
		random[i] = int64(r.next())
	}
	small := make([]int64, 777)
	for i := range small {
		small[i] = int64(r.intn(11)) - 5
	}
	bools := make([]int64, 1000)
	for i := range bools {
		bools[i] = int64(r.intn(2))
	}
	step := make([]int64, 1000)
	for i := range step {
		step[i] = 1_000 + int64(i)*10_000_000
	}
	return []struct {
		name string
		vals []int64
		kind byte
	}{
		{"empty", nil, intsConst},
		{"single zero", []int64{0}, intsConst},
		{"single min", []int64{math.MinInt64}, intsConst},
		{"single max", []int64{math.MaxInt64}, intsConst},
		{"constant", slices.Repeat([]int64{-42}, 1000), intsConst},
		{"min then max", []int64{math.MinInt64, math.MaxInt64}, intsDelta},
		{"max then min", []int64{math.MaxInt64, math.MinInt64}, intsDelta},
		{"extremes alternate", []int64{math.MinInt64, math.MaxInt64, math.MinInt64, 0, math.MaxInt64, -1, 1}, intsFOR},
		{"extremes ascending", []int64{math.MinInt64, -1 << 62, 0, 1 << 62, math.MaxInt64}, intsDelta},
		{"two", []int64{5, 9}, intsFOR},
		{"bools", bools, intsFOR},
		{"small signed", small, intsFOR},
		{"random", random, intsFOR},
		{"sorted timestamps", sorted, intsDelta},
		{"regular steps", step, intsDelta},
		{"descending", []int64{100, 90, 80, 70, 60, 50, 40, 30, 20, 10, 0, -10}, intsDelta},
	}
}

func TestIntsRoundTrip(t *testing.T) {
	for _, tt := range intsCases() {
		t.Run(tt.name, func(t *testing.T) {
			block := AppendInts([]byte{0xAA}, tt.vals)
			if block[0] != 0xAA {
				t.Fatal("dst prefix overwritten")
			}
			block = block[1:]
			if block[0] != tt.kind {
				t.Errorf("kind %d, want %d", block[0], tt.kind)
			}
			got, err := DecodeInts(block, []int64{123})
			if err != nil {
				t.Fatal(err)
			}
			if got[0] != 123 || !slices.Equal(got[1:], tt.vals) {
				t.Fatalf("decoded %v, want %v", got[1:min(len(got), 10)], tt.vals[:min(len(tt.vals), 9)])
			}
			checkDamage(t, block, func(b []byte) error {
				_, err := DecodeInts(b, nil)
				return err
			})
		})
	}
}

func TestIntsAllWidths(t *testing.T) {
	r := rng(3)
	for w := 0; w <= 64; w++ {
		for _, n := range []int{1, 3, 256, 300, 1025} {
			vals := make([]int64, n)
			base := int64(r.next())
			for i := range vals {
				v := r.next()
				if w < 64 {
					v &= 1<<w - 1
				}
				vals[i] = base + int64(v) // wraps on purpose
			}
			got, err := DecodeInts(AppendInts(nil, vals), nil)
			if err != nil {
				t.Fatalf("w=%d n=%d: %v", w, n, err)
			}
			if !slices.Equal(got, vals) {
				t.Fatalf("w=%d n=%d: values differ", w, n)
			}
		}
	}
}

func TestIntsSortedTimestampsAreSmall(t *testing.T) {
	// One event every 0 to 1.6 ms: deltas need at most 14 bits.
	r := rng(11)
	vals := make([]int64, 1<<16)
	ts := int64(638_000_000_000_000_000)
	for i := range vals {
		ts += int64(r.intn(1 << 14))
		vals[i] = ts
	}
	block := AppendInts(nil, vals)
	if block[0] != intsDelta {
		t.Fatalf("kind %d, want delta", block[0])
	}
	if perValue := float64(len(block)) / float64(len(vals)); perValue > 1.76 {
		t.Fatalf("%.2f bytes per timestamp, want at most 1.76", perValue)
	}
}

func TestIntsScale(t *testing.T) {
	r := rng(19)
	ms := make([]int64, 1000) // ascending datetimes at millisecond precision
	round := make([]int64, 1000)
	mixed := make([]int64, 1000)
	ts := int64(638_000_000_000_000_000)
	for i := range ms {
		ts += int64(r.intn(50)) * 10_000
		ms[i] = ts
		round[i] = int64(r.intn(1000))*1000 - 7
		mixed[i] = int64(r.intn(1000)) * 6
	}
	mixed[500] = 9 // the divisor falls from 6 to 3
	tests := []struct {
		name  string
		vals  []int64
		kind  byte
		scale uint64
	}{
		{"millisecond datetimes", ms, intsDelta, 10_000},
		{"round numbers", round, intsFOR, 1000},
		{"divisor shrinks", mixed, intsFOR, 3},
		{"powers of two", []int64{0, 1 << 40, 3 << 40, -1 << 41}, intsFOR, 1 << 40},
		{"extremes", []int64{math.MinInt64, 0, math.MinInt64, 0}, intsFOR, 1 << 63},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			block := AppendInts(nil, tt.vals)
			if block[0] != tt.kind {
				t.Fatalf("kind %d, want %d", block[0], tt.kind)
			}
			r := reader{block[1:]}
			r.uvarint()
			r.varint()
			if tt.kind == intsDelta {
				r.varint()
			}
			if s, _ := r.uvarint(); s != tt.scale {
				t.Errorf("scale %d, want %d", s, tt.scale)
			}
			got, err := DecodeInts(block, nil)
			if err != nil || !slices.Equal(got, tt.vals) {
				t.Fatalf("round trip: %v", err)
			}
		})
	}
}

func TestDivisor(t *testing.T) {
	r := rng(29)
	for _, d := range []uint64{1, 2, 3, 6, 10_000, 1 << 63, math.MaxUint64, math.MaxUint64 - 2, 1e18 + 9} {
		dv := newDivisor(d)
		for range 1000 {
			x := r.next()
			if x%3 == 0 {
				x = (x / d) * d
			}
			if want := x%d == 0; dv.divides(x) != want {
				t.Fatalf("%d divides %d: %v, want %v", d, x, dv.divides(x), want)
			}
			if x%d == 0 && dv.div(x) != x/d {
				t.Fatalf("%d / %d = %d, want %d", x, d, dv.div(x), x/d)
			}
		}
	}
}

func TestIntsLongRuns(t *testing.T) {
	for _, tt := range []struct {
		name string
		vals []int64
	}{
		{"constant past the run limit", slices.Repeat([]int64{7}, MaxRunLen+1)},
		{"steps past the run limit", func() []int64 {
			v := make([]int64, MaxRunLen+2)
			for i := range v {
				v[i] = int64(3 * i)
			}
			return v
		}()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			block := AppendInts(nil, tt.vals)
			got, err := DecodeInts(block, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.vals) {
				t.Fatal("values differ")
			}
		})
	}
}

func TestIntsCorrupt(t *testing.T) {
	tests := []struct {
		name  string
		block []byte
	}{
		{"empty", nil},
		{"unknown kind", []byte{9, 1, 0}},
		{"huge constant run", append([]byte{intsConst}, appendVarint(appendUvarint(nil, MaxRunLen+1), 5)...)},
		{"huge count", append([]byte{intsFOR}, appendUvarint(nil, 1<<62)...)},
		{"count overflow", []byte{intsFOR, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
		{"width 65", []byte{intsFOR, 1, 0, 1, 65, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
		{"zero scale", []byte{intsFOR, 2, 0, 0, 1, 0}},
		{"zero delta scale", []byte{intsDelta, 2, 0, 0, 0, 1, 0}},
		{"width 0 past the run limit", append(append([]byte{intsFOR}, appendUvarint(nil, MaxRunLen+1)...), 0, 1, 0)},
		{"delta of one value", []byte{intsDelta, 1, 0, 0, 1, 0}},
		{"delta without header", []byte{intsDelta, 3, 0}},
		{"short packing", []byte{intsFOR, 9, 0, 1, 8, 1, 2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := DecodeInts(tt.block, nil); err == nil {
				t.Fatalf("decoded %d values, want an error", len(got))
			}
		})
	}
}

func TestCodesRoundTrip(t *testing.T) {
	r := rng(5)
	lowCard := make([]uint32, 5000)
	for i := range lowCard {
		lowCard[i] = uint32(r.intn(10))
	}
	tests := []struct {
		name  string
		codes []uint32
		width byte
	}{
		{"empty", nil, 0},
		{"single zero", []uint32{0}, 0},
		{"zeros", make([]uint32, 1000), 0},
		{"single max", []uint32{math.MaxUint32}, 32},
		{"low cardinality", lowCard, 4},
		{"max", []uint32{0, math.MaxUint32, 1, math.MaxUint32 - 1}, 32},
	}
	for w := 1; w <= 32; w++ {
		c := make([]uint32, 300)
		for i := range c {
			c[i] = uint32(r.next()) & (math.MaxUint32 >> (32 - w))
		}
		c[7] = math.MaxUint32 >> (32 - w)
		tests = append(tests, struct {
			name  string
			codes []uint32
			width byte
		}{"width " + string(rune('0'+w/10)) + string(rune('0'+w%10)), c, byte(w)})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			block := AppendCodes(nil, tt.codes)
			if w := block[uvarintLen(uint64(len(tt.codes)))]; w != tt.width {
				t.Errorf("width %d, want %d", w, tt.width)
			}
			got, err := DecodeCodes(block, []uint32{9})
			if err != nil {
				t.Fatal(err)
			}
			if got[0] != 9 || !slices.Equal(got[1:], tt.codes) {
				t.Fatal("codes differ")
			}
			checkDamage(t, block, func(b []byte) error {
				_, err := DecodeCodes(b, nil)
				return err
			})
		})
	}
}

func TestCodesCorrupt(t *testing.T) {
	for _, b := range [][]byte{nil, {1}, {1, 33, 0, 0, 0, 0, 0}, {2, 8, 1}, append(appendUvarint(nil, MaxRunLen+1), 0)} {
		if _, err := DecodeCodes(b, nil); err == nil {
			t.Errorf("% x decoded, want an error", b)
		}
	}
}
