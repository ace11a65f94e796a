package codec

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"testing"
)

// Each fuzz target checks two things: arbitrary bytes decode to a value or an
// error wrapping ErrCorrupt, never a panic; and values derived from the input
// survive an encode and decode unchanged. Run one with, for example,
// go test ./storage/codec -fuzz FuzzDecodeInts -fuzztime 30s.

func wantCorrupt(t *testing.T, err error) {
	t.Helper()
	if err != nil && !errors.Is(err, ErrCorrupt) {
		t.Fatalf("error %v does not wrap ErrCorrupt", err)
	}
}

// intsFrom reads data as little-endian int64s, zero-padding the tail.
func intsFrom(data []byte) []int64 {
	out := make([]int64, 0, (len(data)+7)/8)
	for len(data) > 0 {
		var b [8]byte
		n := copy(b[:], data)
		out = append(out, int64(binary.LittleEndian.Uint64(b[:])))
		data = data[n:]
	}
	return out
}

func FuzzOpenFrame(f *testing.F) {
	f.Add([]byte{})
	f.Add(AppendFrame(nil, []byte("payload")))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := OpenFrame(data)
		if err != nil && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrChecksum) {
			t.Fatal(err)
		}
		if err == nil && len(p) != len(data)-FrameOverhead {
			t.Fatal("payload size")
		}
		got, err := OpenFrame(AppendFrame(nil, data))
		if err != nil || !slices.Equal(got, data) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func FuzzDecodeInts(f *testing.F) {
	for _, c := range intsCases() {
		f.Add(AppendInts(nil, c.vals))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		vals, err := DecodeInts(data, nil)
		wantCorrupt(t, err)
		if err == nil {
			roundTripInts(t, vals)
		}
		raw := intsFrom(data)
		roundTripInts(t, raw)
		// Small sorted deltas and narrow ranges pick the other kinds.
		acc := int64(0)
		for i, v := range raw {
			acc += v & 0xfff
			raw[i] = acc
		}
		roundTripInts(t, raw)
		for i := range raw {
			raw[i] *= 10_000
		}
		roundTripInts(t, raw)
	})
}

func roundTripInts(t *testing.T, vals []int64) {
	t.Helper()
	got, err := DecodeInts(AppendInts(nil, vals), nil)
	if err != nil || !slices.Equal(got, vals) {
		t.Fatalf("round trip of %d values: %v", len(vals), err)
	}
}

func FuzzDecodeCodes(f *testing.F) {
	f.Add(AppendCodes(nil, nil))
	f.Add(AppendCodes(nil, []uint32{1, 2, 3, 0, 7}))
	f.Add(AppendCodes(nil, []uint32{math.MaxUint32}))
	f.Fuzz(func(t *testing.T, data []byte) {
		codes, err := DecodeCodes(data, nil)
		wantCorrupt(t, err)
		if err == nil {
			got, err := DecodeCodes(AppendCodes(nil, codes), nil)
			if err != nil || !slices.Equal(got, codes) {
				t.Fatalf("round trip: %v", err)
			}
		}
		codes = codes[:0]
		for i := 0; i+4 <= len(data); i += 4 {
			codes = append(codes, binary.LittleEndian.Uint32(data[i:])>>(data[0]&31))
		}
		got, err := DecodeCodes(AppendCodes(nil, codes), nil)
		if err != nil || !slices.Equal(got, codes) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func FuzzDecodeReals(f *testing.F) {
	f.Add(AppendReals(nil, nil))
	f.Add(AppendReals(nil, []float64{1, math.NaN(), math.Inf(-1)}))
	f.Add(AppendReals(nil, make([]float64, 100)))
	f.Fuzz(func(t *testing.T, data []byte) {
		vals, err := DecodeReals(data, nil)
		wantCorrupt(t, err)
		if err == nil {
			roundTripReals(t, vals)
		}
		raw := intsFrom(data)
		vals = vals[:0]
		for _, v := range raw {
			vals = append(vals, math.Float64frombits(uint64(v)))
		}
		roundTripReals(t, vals)
	})
}

func roundTripReals(t *testing.T, vals []float64) {
	t.Helper()
	got, err := DecodeReals(AppendReals(nil, vals), nil)
	if err != nil || len(got) != len(vals) {
		t.Fatalf("round trip: %v", err)
	}
	for i := range got {
		if math.Float64bits(got[i]) != math.Float64bits(vals[i]) {
			t.Fatalf("value %d differs", i)
		}
	}
}

func FuzzDecodeStrings(f *testing.F) {
	for _, c := range stringCases() {
		for _, comp := range []Compression{S2, Zstd} {
			if b := AppendStrings(nil, c.vals, comp); len(b) < 4096 {
				f.Add(b) // larger seeds slow every run down
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		vals, err := DecodeStrings(data, nil)
		wantCorrupt(t, err)
		if err == nil {
			roundTripStrings(t, vals)
		}
		// Split the input at its zero bytes.
		var parts []string
		start := 0
		for i, c := range data {
			if c == 0 {
				parts = append(parts, string(data[start:i]))
				start = i + 1
			}
		}
		roundTripStrings(t, append(parts, string(data[start:])))
	})
}

func roundTripStrings(t *testing.T, vals []string) {
	t.Helper()
	for _, c := range []Compression{S2, Zstd} {
		got, err := DecodeStrings(AppendStrings(nil, vals, c), nil)
		if err != nil || !slices.Equal(got, vals) {
			t.Fatalf("round trip with %d: %v", c, err)
		}
	}
}

func FuzzDecodeDict(f *testing.F) {
	f.Add(AppendDict(nil, []string{"", "a", "b"}, S2))
	f.Add(AppendDict(nil, []string{"alpha", "beta"}, Zstd))
	f.Fuzz(func(t *testing.T, data []byte) {
		dict, err := DecodeDict(data)
		wantCorrupt(t, err)
		if err == nil {
			got, err := DecodeDict(AppendDict(nil, dict, Zstd))
			if err != nil || !slices.Equal(got, dict) {
				t.Fatalf("round trip: %v", err)
			}
		}
		vals := make([]string, 0, len(data))
		for _, c := range data {
			vals = append(vals, string(rune('a'+c%7)))
		}
		dict, codes := BuildDict(vals)
		for i, c := range codes {
			if dict[c] != vals[i] {
				t.Fatalf("code %d", i)
			}
		}
		got, err := DecodeDict(AppendDict(nil, dict, S2))
		if err != nil || !slices.Equal(got, dict) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func FuzzDecodeBits(f *testing.F) {
	f.Add([]byte{bitsZeros}, 10)
	f.Add(AppendBits(nil, []uint64{0x5555}, 16), 16)
	f.Add(AppendBits(nil, []uint64{1 << 40, 0}, 128), 128)
	f.Fuzz(func(t *testing.T, data []byte, n int) {
		n = n % (1 << 16)
		words, err := DecodeBits(data, n)
		wantCorrupt(t, err)
		if err == nil {
			roundTripBits(t, words, n)
		}
		raw := intsFrom(data)
		words = words[:0]
		for _, v := range raw {
			words = append(words, uint64(v))
		}
		// Sparse and dense forms: the bits as given, and as given with most
		// words cleared.
		roundTripBits(t, words, 64*len(words))
		for i := range words {
			if i%8 != 0 {
				words[i] = 0
			}
		}
		roundTripBits(t, words, 64*len(words)-int(n&63))
	})
}

func roundTripBits(t *testing.T, words []uint64, n int) {
	t.Helper()
	if n < 0 || n > 64*len(words) {
		return
	}
	got, err := DecodeBits(AppendBits(nil, words, n), n)
	if err != nil {
		t.Fatalf("round trip: %v", err)
	}
	for i := range n {
		if got[i/64]>>(i%64)&1 != words[i/64]>>(i%64)&1 {
			t.Fatalf("bit %d differs", i)
		}
	}
	if r := n % 64; r != 0 && got[len(got)-1]>>r != 0 {
		t.Fatal("bits set past n")
	}
}

func FuzzTerms(f *testing.F) {
	f.Add(`C:\Windows\System32\cmd.exe`)
	f.Add("naïve ÜBER a1b2")
	f.Fuzz(func(t *testing.T, s string) {
		Terms(s, func(term string) {
			if len(term) < MinTermLen {
				t.Fatalf("term %q too short", term)
			}
			for i := 0; i < len(term); i++ {
				if termByte[term[i]] != 1 {
					t.Fatalf("term %q has byte %q", term, term[i])
				}
			}
		})
	})
}

func FuzzOpenTermIndex(f *testing.F) {
	data, _ := buildIndex([]string{"alpha beta", "beta gamma", "Gamma delta 123", ""})
	f.Add(data, "beta")
	f.Add(NewTermIndexBuilder().AppendTo(nil), "abc")
	f.Fuzz(func(t *testing.T, data []byte, term string) {
		x, err := OpenTermIndex(data)
		wantCorrupt(t, err)
		if err == nil {
			_, err = x.Lookup(term)
			wantCorrupt(t, err)
			_, err = x.Prefix(term)
			wantCorrupt(t, err)
			wantCorrupt(t, x.Check())
		}
		// Index the input as text and look every term up again.
		rows := []string{string(data), term, term + " " + string(data)}
		idx, want := buildIndex(rows)
		x, err = OpenTermIndex(idx)
		if err != nil || x.Len() != len(want) {
			t.Fatalf("open: %v", err)
		}
		for term, rows := range want {
			bm, err := x.Lookup(term)
			if err != nil || bm == nil || !slices.Equal(bm.ToArray(), rows) {
				t.Fatalf("term %q: %v", term, err)
			}
		}
	})
}
