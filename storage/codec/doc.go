// Package codec holds the byte formats of sealed segments: checksummed frames,
// bit-packed integers and dictionary codes, reals, compressed strings, bitmaps,
// the Kusto term tokenizer and the term index.
//
// Every Append function appends one self-describing block to dst and returns
// the extended slice. Every Decode and Open function checks its whole input:
// truncated, oversized or inconsistent bytes give an error that wraps
// ErrCorrupt, never a panic. Allocation on decode is bounded by the input size,
// by an explicit count from the caller, or by the limits below, so corrupt input
// cannot make a reader allocate without bound. A block must be decoded on its
// own: trailing bytes after a block are corruption.
//
// The package imports nothing of ours, so the segment writer and reader, tools
// and tests can all share it.
package codec

import (
	"errors"
	"fmt"
)

// ErrCorrupt is wrapped by every error about malformed input: the bytes were
// damaged, truncated or not written by this package.
var ErrCorrupt = errors.New("codec: corrupt data")

// ErrChecksum is returned by OpenFrame when a frame's CRC does not match its
// payload, so readers can tell damaged storage from a format mismatch. Such
// errors also match ErrCorrupt.
var ErrChecksum = errors.New("codec: checksum mismatch")

// Limits that keep decoding of corrupt input cheap. Encoders never produce a
// block that breaks them: they fall back to a larger form instead.
const (
	// MaxRunLen is the longest run of values that a block may describe without
	// spending at least one bit per value (a constant run or a width-0
	// packing): a segment block of 64Ki rows. Longer constant runs are packed
	// at width 1, so a decoder allocates at most MaxRunLen values or eight
	// values per input byte.
	MaxRunLen = 1 << 16

	// MaxBlockBytes caps the decompressed size of one compressed string or
	// real block. Larger blocks are stored uncompressed, where the input
	// itself bounds the size. Compressed payloads are also bounded by their
	// own size: zstd by its format (at most 32768 times), s2 by the writer,
	// which switches to zstd when s2 would expand more than 256 times.
	MaxBlockBytes = 1 << 28
)

// corruptf returns an error that wraps ErrCorrupt with a formatted detail.
func corruptf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrCorrupt}, args...)...)
}
