package storage

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/spoorhq/spoor/storage/codec"
)

// A segment file holds the sealed rows of one table for one UTC day, sorted by the
// table's time column:
//
//	"SPOORSEG" (8 bytes), format version (uint32)
//	column blocks, dictionaries, null bitmaps, term and code indexes: each a
//	    checksummed frame at an offset recorded in the footer
//	footer: a frame holding the JSON segmentFooter
//	trailer: footer offset (uint64), footer length (uint32), "SPOORSEG"
//
// Every region is read with its own checksum, so a flipped byte fails the read
// that touches it, with an error naming the segment.

const (
	segMagic      = "SPOORSEG"
	segVersion    = 1
	segHeaderLen  = 12
	segTrailerLen = 8 + 4 + 8
	// blockRows is the number of rows per column block: the unit of zone maps,
	// decoding and skipping.
	blockRows = 1 << 16
)

// Column encodings.
const (
	encInts    = "ints"    // bool, int, long, datetime, timespan: frame-of-reference/delta
	encReals   = "reals"   // real
	encStrings = "strings" // free text: lengths + s2/zstd bytes
	encDict    = "dict"    // low-cardinality strings: sorted dictionary + bit-packed codes
	encDynamic = "dynamic" // dynamic: compact JSON text, compressed
)

// region is where a frame sits in the file.
type region struct {
	Off int64 `json:"o"`
	Len int64 `json:"l"`
}

func (r region) empty() bool { return r.Len == 0 }

// blockMeta describes one column block: its frame, its null bitmap (if any row
// is null) and its zone map (min/max of non-null integer or real values).
type blockMeta struct {
	Data    region  `json:"d"`
	Nulls   region  `json:"n,omitempty"`
	Rows    int     `json:"r"`
	NullCnt int     `json:"nc,omitempty"`
	MinI    int64   `json:"mi,omitempty"`
	MaxI    int64   `json:"xi,omitempty"`
	MinF    float64 `json:"mf,omitempty"`
	MaxF    float64 `json:"xf,omitempty"`
	HasZone bool    `json:"z,omitempty"`
}

// columnMeta describes one column of a segment.
type columnMeta struct {
	Name   string      `json:"name"`
	Type   string      `json:"type"`
	Enc    string      `json:"enc"`
	Blocks []blockMeta `json:"blocks"`
	// Dict holds the sorted dictionary of an encDict column; Codes the code →
	// rows index (one roaring bitmap per code).
	Dict  region `json:"dict,omitempty"`
	Codes region `json:"codes,omitempty"`
	// Counts holds the number of rows of each dictionary code (uvarints, in
	// code order), so that counting rows by the column reads no block.
	// Segments written before it was added have none.
	Counts region `json:"cnt,omitempty"`
	// Terms is the term index of a string column (term → rows).
	Terms region `json:"terms,omitempty"`
	// Bytes is the column's size on disk, RawBytes its size uncompressed.
	Bytes    int64 `json:"bytes"`
	RawBytes int64 `json:"raw"`
}

// segmentFooter is the segment's table of contents.
type segmentFooter struct {
	Table   string       `json:"table"`
	Rows    int          `json:"rows"`
	MinTime int64        `json:"min_time"`
	MaxTime int64        `json:"max_time"`
	TimeCol string       `json:"time_col,omitempty"`
	Columns []columnMeta `json:"columns"`
}

func encodeTrailer(footerOff int64, footerLen int) []byte {
	b := make([]byte, 0, segTrailerLen)
	b = binary.LittleEndian.AppendUint64(b, uint64(footerOff))
	b = binary.LittleEndian.AppendUint32(b, uint32(footerLen))
	return append(b, segMagic...)
}

func decodeFooter(frame []byte) (*segmentFooter, error) {
	payload, err := codec.OpenFrame(frame)
	if err != nil {
		return nil, fmt.Errorf("footer: %w", err)
	}
	var f segmentFooter
	if err := json.Unmarshal(payload, &f); err != nil {
		return nil, fmt.Errorf("footer: %w: %v", codec.ErrCorrupt, err)
	}
	return &f, nil
}
