package codec

import (
	"slices"
	"sync"

	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/zstd"
)

// Compression chooses how AppendStrings and AppendDict compress bytes.
type Compression uint8

const (
	// S2 is fast to write and read; for hot data and short-lived segments.
	S2 Compression = iota
	// Zstd is smaller and slower to write; for sealed segments kept for weeks.
	Zstd
)

// Payload forms, stored in a block's first byte. A payload is stored raw when
// compressing it saves nothing or it is larger than MaxBlockBytes.
const (
	formRaw  = 0
	formS2   = 1
	formZstd = 2
)

// Expansion bounds that let a reader reject a payload's claimed size before
// allocating it. zstdBound follows from the format: each block of up to 128 KiB
// takes at least 4 bytes. s2 repeat codes can expand far more, so the writer
// enforces s2Bound by using zstd for anything that compresses better.
const (
	zstdBound = 128 << 10 / 4
	s2Bound   = 256
)

// The zstd encoder and decoder are safe for concurrent use and keep their own
// pools, so one of each serves the whole process. They are built on first use.
var (
	zstdEncoder = sync.OnceValue(func() *zstd.Encoder {
		e, err := zstd.NewWriter(nil,
			zstd.WithEncoderLevel(zstd.SpeedDefault),
			zstd.WithEncoderCRC(false),
			zstd.WithZeroFrames(true))
		if err != nil {
			panic("BUG: zstd encoder: " + err.Error())
		}
		return e
	})
	zstdDecoder = sync.OnceValue(func() *zstd.Decoder {
		d, err := zstd.NewReader(nil,
			zstd.WithDecoderConcurrency(0),
			zstd.WithDecodeAllCapLimit(true),
			zstd.WithDecoderMaxMemory(MaxBlockBytes))
		if err != nil {
			panic("BUG: zstd decoder: " + err.Error())
		}
		return d
	})
)

// appendPayload appends a form byte and raw, compressed with c when that saves
// more than minSaving of raw's size. Raw is stored as is when it is empty,
// incompressible or larger than MaxBlockBytes.
func appendPayload(dst, raw []byte, c Compression, minSaving float64) []byte {
	if len(raw) == 0 || len(raw) > MaxBlockBytes {
		return append(append(dst, formRaw), raw...)
	}
	start := len(dst)
	limit := len(raw) - int(float64(len(raw))*minSaving) - 1
	if c == S2 {
		need := s2.MaxEncodedLen(len(raw))
		dst = slices.Grow(dst, 1+need)
		dst = append(dst, formS2)
		enc := s2.Encode(dst[len(dst):len(dst)+need], raw)
		dst = dst[:len(dst)+len(enc)]
		if len(raw) > s2Bound*len(enc) {
			c, dst = Zstd, dst[:start]
		}
	}
	if c == Zstd {
		dst = append(dst, formZstd)
		dst = zstdEncoder().EncodeAll(raw, dst)
	}
	if len(dst)-start-1 > limit {
		dst = append(dst[:start], formRaw)
		dst = append(dst, raw...)
	}
	return dst
}

// payloadSize checks a payload written by appendPayload that must decode to
// want bytes, before anything is allocated for it.
func payloadSize(p []byte, want uint64) error {
	if len(p) == 0 {
		return corruptf("missing payload")
	}
	form, body := p[0], p[1:]
	switch form {
	case formRaw:
		if uint64(len(body)) != want {
			return corruptf("raw payload of %d bytes, want %d", len(body), want)
		}
	case formS2:
		n, err := s2.DecodedLen(body)
		if err != nil || uint64(n) != want || want == 0 || want > MaxBlockBytes || want > s2Bound*uint64(len(body)) {
			return corruptf("s2 payload of %d bytes for %d, want %d", len(body), n, want)
		}
	case formZstd:
		if want == 0 || want > MaxBlockBytes || want > zstdBound*uint64(len(body)) {
			return corruptf("zstd payload of %d bytes cannot hold %d", len(body), want)
		}
	default:
		return corruptf("unknown payload form %d", form)
	}
	return nil
}

// readPayload decodes a payload that payloadSize accepted for len(out) bytes
// into out. Only raw payloads may be empty.
func readPayload(p []byte, out []byte) error {
	form, body := p[0], p[1:]
	if len(out) == 0 && form != formRaw {
		return corruptf("empty compressed payload")
	}
	switch form {
	case formS2:
		got, err := s2.Decode(out, body)
		if err != nil || len(got) != len(out) || &got[0] != &out[0] {
			return corruptf("s2 payload: %v", err)
		}
	case formZstd:
		got, err := zstdDecoder().DecodeAll(body, out[:0])
		if err != nil || len(got) != len(out) || &got[0] != &out[0] {
			return corruptf("zstd payload of %d bytes, want %d: %v", len(got), len(out), err)
		}
	default:
		copy(out, body)
	}
	return nil
}
