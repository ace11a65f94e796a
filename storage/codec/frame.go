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

// AppendChecksum appends only the checksum AppendFrame puts after payload,
// for writers that write the payload where it already is.
func AppendChecksum(dst, payload []byte) []byte {
	return binary.LittleEndian.AppendUint32(dst, crc32.Checksum(payload, castagnoli))
}

// OpenFrame checks a frame written by AppendFrame and returns its payload, which
// aliases frame. A frame shorter than its checksum is ErrCorrupt; a checksum that
// does not match is ErrChecksum, and also ErrCorrupt for readers that only ask
// whether the data is bad. CRC-32C detects every error confined to 32
// consecutive bits, so any single damaged byte is caught.
func OpenFrame(frame []byte) ([]byte, error) {
	if len(frame) < FrameOverhead {
		return nil, corruptf("frame of %d bytes is shorter than its checksum", len(frame))
	}
	n := len(frame) - FrameOverhead
	payload := frame[:n:n]
	if crc32.Checksum(payload, castagnoli) != binary.LittleEndian.Uint32(frame[n:]) {
		return nil, checksumError(len(frame))
	}
	return payload, nil
}

// checksumError is a CRC mismatch in a frame of that many bytes.
type checksumError int

func (e checksumError) Error() string {
	return fmt.Sprintf("codec: checksum mismatch in a frame of %d bytes", int(e))
}

func (e checksumError) Is(target error) bool {
	return target == ErrChecksum || target == ErrCorrupt
}
