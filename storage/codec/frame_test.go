package codec

import (
	"bytes"
	"errors"
	"testing"
)

func TestFrameRoundTrip(t *testing.T) {
	tests := []struct {
		name    string
		payload []byte
	}{
		{"empty", nil},
		{"one byte", []byte{0}},
		{"text", []byte("hello, frames")},
		{"binary", bytes.Repeat([]byte{0xff, 0x00, 0x7f}, 1000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := []byte("prefix")
			f := AppendFrame(bytes.Clone(prefix), tt.payload)
			if !bytes.Equal(f[:len(prefix)], prefix) {
				t.Fatalf("prefix overwritten")
			}
			f = f[len(prefix):]
			if len(f) != len(tt.payload)+FrameOverhead {
				t.Fatalf("frame of %d bytes for a %d-byte payload", len(f), len(tt.payload))
			}
			got, err := OpenFrame(f)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.payload) {
				t.Fatalf("payload %q, want %q", got, tt.payload)
			}
		})
	}
}

func TestFrameDetectsEveryByteFlip(t *testing.T) {
	for _, payload := range [][]byte{nil, []byte("x"), []byte("a longer payload of text"), AppendInts(nil, []int64{1, 2, 3, 1 << 40})} {
		f := AppendFrame(nil, payload)
		for i := range f {
			for x := 1; x < 256; x++ {
				g := bytes.Clone(f)
				g[i] ^= byte(x)
				if _, err := OpenFrame(g); !errors.Is(err, ErrChecksum) || !errors.Is(err, ErrCorrupt) {
					t.Fatalf("payload %q: flip %#x at byte %d: err %v, want ErrChecksum", payload, x, i, err)
				}
			}
		}
	}
}

func TestFrameTruncated(t *testing.T) {
	f := AppendFrame(nil, []byte("payload"))
	for n := range len(f) {
		_, err := OpenFrame(f[:n])
		if n < FrameOverhead && !errors.Is(err, ErrCorrupt) {
			t.Errorf("frame cut to %d bytes: err %v, want ErrCorrupt", n, err)
		}
		if n >= FrameOverhead && !errors.Is(err, ErrChecksum) {
			t.Errorf("frame cut to %d bytes: err %v, want ErrChecksum", n, err)
		}
	}
}
