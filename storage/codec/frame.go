package codec

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
)

// FrameOverhead is the number of bytes AppendFrame adds to a payload.
const FrameOverhead = 4

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// AppendFrame appends payload followed by its CRC-32C (Castagnoli) in 4 bytes,
// little-endian. Every block on disk is a frame, so damaged storage is caught
// before any decoder sees the bytes.
func AppendFrame(dst, payload []byte) []byte {
	sum := crc32.Checksum(payload, castagnoli)
	dst = append(dst, payload...)
	return binary.LittleEndian.AppendUint32(dst, sum)
}

// OpenFrame checks a frame written by AppendFrame and returns its payload, which
// aliases frame. A frame shorter than its checksum is ErrCorrupt; a checksum that
// does not match is ErrChecksum. CRC-32C detects every error confined to 32
// consecutive bits, so any single damaged byte is caught.
func OpenFrame(frame []byte) ([]byte, error) {
	if len(frame) < FrameOverhead {
		return nil, corruptf("frame of %d bytes is shorter than its checksum", len(frame))
	}
	n := len(frame) - FrameOverhead
	payload := frame[:n:n]
	if crc32.Checksum(payload, castagnoli) != binary.LittleEndian.Uint32(frame[n:]) {
		return nil, fmt.Errorf("%w: frame of %d bytes", ErrChecksum, len(frame))
	}
	return payload, nil
}
