package codec

import (
	"errors"
	"testing"
)

// checkDamage feeds every strict prefix of a valid block (a sample of them for
// large blocks), and the block with a byte appended, to decode: each must fail
// with ErrCorrupt. It then flips each of the first 64 bytes to a few values;
// decode may accept those but must return only ErrCorrupt errors.
func checkDamage(t *testing.T, block []byte, decode func([]byte) error) {
	t.Helper()
	for n := range len(block) {
		if len(block) > 1024 && n > 256 && n < len(block)-256 && n%97 != 0 {
			continue // a sample of the middle of large blocks
		}
		if err := decode(block[:n:n]); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("block cut to %d of %d bytes: err %v, want ErrCorrupt", n, len(block), err)
		}
	}
	long := append(block[:len(block):len(block)], 0)
	if err := decode(long); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("block with a byte appended: err %v, want ErrCorrupt", err)
	}
	for i := range min(len(block), 64) {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			b := append([]byte(nil), block...)
			b[i] ^= x
			if err := decode(b); err != nil && !errors.Is(err, ErrCorrupt) {
				t.Fatalf("flip %#x at %d: err %v does not wrap ErrCorrupt", x, i, err)
			}
		}
	}
}

// rng is a small deterministic generator for test data.
type rng uint64

func (r *rng) next() uint64 {
	*r += 0x9e3779b97f4a7c15
	z := uint64(*r)
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }
