package codec

import (
	"math"
	"testing"
)

// anyForm marks a case whose payload form depends on the compressor.
const anyForm = 0xff

func TestRealsRoundTrip(t *testing.T) {
	r := rng(9)
	random := make([]float64, 2000)
	for i := range random {
		random[i] = math.Float64frombits(r.next())
	}
	prices := make([]float64, 4096)
	for i := range prices {
		prices[i] = float64(r.intn(100)) / 4
	}
	tests := []struct {
		name string
		vals []float64
		form byte
	}{
		{"empty", nil, formRaw},
		{"single", []float64{1.5}, formRaw},
		{"specials", []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 0,
			math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, 5e-324 * 3,
			math.Float64frombits(0x7ff8_0000_dead_beef), math.Float64frombits(0xfff0_0000_0000_0001)}, anyForm},
		{"random bits", random, formRaw},
		{"constant", make([]float64, 10000), formZstd},
		{"quarters", prices, formZstd},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			block := AppendReals(nil, tt.vals)
			if f := block[uvarintLen(uint64(len(tt.vals)))]; f != tt.form && tt.form != anyForm {
				t.Errorf("form %d, want %d", f, tt.form)
			}
			got, err := DecodeReals(block, []float64{-1})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.vals)+1 || got[0] != -1 {
				t.Fatalf("decoded %d values, want %d", len(got)-1, len(tt.vals))
			}
			for i, v := range tt.vals {
				if math.Float64bits(got[i+1]) != math.Float64bits(v) {
					t.Fatalf("value %d is %v (%#x), want %v (%#x)", i, got[i+1], math.Float64bits(got[i+1]), v, math.Float64bits(v))
				}
			}
			checkDamage(t, block, func(b []byte) error {
				_, err := DecodeReals(b, nil)
				return err
			})
		})
	}
}

func TestRealsCorrupt(t *testing.T) {
	huge := append(appendUvarint(nil, 1<<40), formZstd, 0x28, 0xb5, 0x2f, 0xfd)
	for _, b := range [][]byte{nil, {1}, {1, formRaw, 0, 0}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, formRaw}, huge, {2, 9, 1, 2, 3}} {
		if _, err := DecodeReals(b, nil); err == nil {
			t.Errorf("% x decoded, want an error", b)
		}
	}
}
