package codec

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

func TestBitsRoundTrip(t *testing.T) {
	r := rng(17)
	words := func(n int, density int) []uint64 {
		w := make([]uint64, (n+63)/64)
		for i := range n {
			if r.intn(1000) < density {
				w[i/64] |= 1 << (i % 64)
			}
		}
		return w
	}
	ones := func(n int) []uint64 {
		w := make([]uint64, (n+63)/64)
		for i := range w {
			w[i] = ^uint64(0)
		}
		return w
	}
	tests := []struct {
		name  string
		words []uint64
		n     int
		kind  byte
	}{
		{"empty", nil, 0, bitsZeros},
		{"one clear", []uint64{0}, 1, bitsZeros},
		{"one set", []uint64{1}, 1, bitsOnes},
		{"zeros", make([]uint64, 1024), 65536, bitsZeros},
		{"ones 63", ones(63), 63, bitsOnes},
		{"ones 64", ones(64), 64, bitsOnes},
		{"ones 65", ones(65), 65, bitsOnes},
		{"ones with garbage past n", []uint64{^uint64(0), ^uint64(0)}, 70, bitsOnes},
		{"zeros with garbage past n", []uint64{0, 0xffff_ffff_ffff_ffc0}, 70, bitsZeros},
		{"half", words(1000, 500), 1000, bitsRaw},
		{"dense tail", words(77, 500), 77, bitsRaw},
		{"sparse", words(65536, 3), 65536, bitsSparse},
		{"holes", words(65536, 997), 65536, bitsHoles},
		{"single set among many", func() []uint64 { w := make([]uint64, 1024); w[500] = 1 << 3; return w }(), 65536, bitsSparse},
		{"more words than bits", words(128, 500), 100, bitsRaw},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			block := AppendBits([]byte{1}, tt.words, tt.n)[1:]
			if block[0] != tt.kind {
				t.Errorf("kind %d, want %d", block[0], tt.kind)
			}
			got, err := DecodeBits(block, tt.n)
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Clone(tt.words[:(tt.n+63)/64])
			if r := tt.n % 64; r != 0 {
				want[len(want)-1] &= 1<<r - 1
			}
			if !slices.Equal(got, want) {
				t.Fatalf("decoded %x, want %x", got[:min(4, len(got))], want[:min(4, len(want))])
			}
			if tt.kind == bitsZeros || tt.kind == bitsOnes {
				return // a one-byte block has no strict prefix to damage but the empty one
			}
			checkDamage(t, block, func(b []byte) error {
				_, err := DecodeBits(b, tt.n)
				return err
			})
		})
	}
}

func TestBitsCorrupt(t *testing.T) {
	tests := []struct {
		block []byte
		n     int
	}{
		{nil, 5},
		{[]byte{bitsZeros}, -1},
		{[]byte{bitsZeros, 0}, 5},
		{[]byte{bitsOnes, 1}, 5},
		{[]byte{bitsRaw, 0xff}, 5}, // bits set past n
		{[]byte{bitsRaw, 0xff}, 9}, // short
		{append([]byte{bitsSparse}, AppendInts(nil, []int64{3, 2})...), 9}, // not ascending
		{append([]byte{bitsSparse}, AppendInts(nil, []int64{3, 9})...), 9}, // past n
		{append([]byte{bitsHoles}, AppendInts(nil, []int64{-1, 2})...), 9}, // negative
		{append([]byte{bitsSparse}, AppendInts(nil, []int64{1, 1})...), 9}, // repeated
		{[]byte{9}, 5},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("% x/%d", tt.block, tt.n), func(t *testing.T) {
			if _, err := DecodeBits(tt.block, tt.n); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err %v, want ErrCorrupt", err)
			}
		})
	}
}
