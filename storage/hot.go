package storage

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/storage/codec"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// A hot batch is a group of acknowledged rows not yet sealed into segments. It
// is stored in badger as one value and kept in memory, column by column, so that
// queries see it at once.
//
// Encoding: "SPH1", rows (uint32), columns (uint32), then per column its type
// (byte), a length-prefixed data frame and a length-prefixed null-bitmap frame
// (length 0 when no row is null).

type hotBatch struct {
	seq   uint64
	rows  int
	cols  []*vector.Vector
	added time.Time // when it was appended; zero for batches found at open
}

const hotMagic = "SPH1"

func encodeHotBatch(t *schema.Table, cols []*vector.Vector, rows int) []byte {
	out := append([]byte(hotMagic), 0, 0, 0, 0, 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(out[4:], uint32(rows))
	binary.LittleEndian.PutUint32(out[8:], uint32(len(cols)))
	var payload []byte
	for i, v := range cols {
		typ := t.Columns[i].Type
		switch vector.Storage(typ) {
		case vector.StoreInts:
			payload = codec.AppendInts(payload[:0], v.Ints[:rows])
		case vector.StoreReals:
			payload = codec.AppendReals(payload[:0], v.Reals[:rows])
		case vector.StoreStrs:
			payload = codec.AppendStrings(payload[:0], v.Strs[:rows], codec.S2)
		case vector.StoreDyn:
			texts := make([]string, rows)
			for r := 0; r < rows; r++ {
				if !v.IsNull(r) {
					texts[r] = types.DynamicToJSON(v.Dyn[r])
				}
			}
			payload = codec.AppendStrings(payload[:0], texts, codec.S2)
		}
		out = append(out, byte(typ))
		out = appendChunk(out, codec.AppendFrame(nil, payload))
		if hasNulls(v, rows) {
			out = appendChunk(out, codec.AppendFrame(nil, codec.AppendBits(nil, fullBits(v.Nulls, rows), rows)))
		} else {
			out = appendChunk(out, nil)
		}
	}
	return out
}

// fullBits returns a bitmap of exactly enough words for n bits: vectors keep
// their null bitmaps only as long as the last null needs.
func fullBits(w []uint64, n int) []uint64 {
	words := (n + 63) / 64
	if len(w) >= words {
		return w[:words]
	}
	out := make([]uint64, words)
	copy(out, w)
	return out
}

func hasNulls(v *vector.Vector, rows int) bool {
	for i, w := range v.Nulls {
		if w != 0 && i*64 < rows {
			return true
		}
	}
	return false
}

func appendChunk(dst, b []byte) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(b)))
	return append(dst, b...)
}

func readChunk(b []byte) (chunk, rest []byte, err error) {
	if len(b) < 4 {
		return nil, nil, codec.ErrCorrupt
	}
	n := binary.LittleEndian.Uint32(b)
	if uint64(n) > uint64(len(b)-4) {
		return nil, nil, codec.ErrCorrupt
	}
	return b[4 : 4+n], b[4+n:], nil
}

// decodeHotBatch reverses encodeHotBatch, checking the column types against t.
func decodeHotBatch(t *schema.Table, b []byte) (cols []*vector.Vector, rows int, err error) {
	if len(b) < 12 || string(b[:4]) != hotMagic {
		return nil, 0, fmt.Errorf("%w: bad hot batch header", codec.ErrCorrupt)
	}
	rows = int(binary.LittleEndian.Uint32(b[4:]))
	n := int(binary.LittleEndian.Uint32(b[8:]))
	if n != len(t.Columns) {
		return nil, 0, fmt.Errorf("%w: hot batch has %d columns, table %s has %d", codec.ErrCorrupt, n, t.Name, len(t.Columns))
	}
	b = b[12:]
	for i := 0; i < n; i++ {
		if len(b) < 1 || types.Type(b[0]) != t.Columns[i].Type {
			return nil, 0, fmt.Errorf("%w: hot batch column %d has the wrong type", codec.ErrCorrupt, i)
		}
		typ := types.Type(b[0])
		var data, nulls []byte
		if data, b, err = readChunk(b[1:]); err != nil {
			return nil, 0, err
		}
		if nulls, b, err = readChunk(b); err != nil {
			return nil, 0, err
		}
		payload, err := codec.OpenFrame(data)
		if err != nil {
			return nil, 0, err
		}
		v := &vector.Vector{Type: typ, Len: rows}
		switch vector.Storage(typ) {
		case vector.StoreInts:
			v.Ints, err = codec.DecodeInts(payload, make([]int64, 0, rows))
			if err == nil && len(v.Ints) != rows {
				err = codec.ErrCorrupt
			}
		case vector.StoreReals:
			v.Reals, err = codec.DecodeReals(payload, make([]float64, 0, rows))
			if err == nil && len(v.Reals) != rows {
				err = codec.ErrCorrupt
			}
		case vector.StoreStrs:
			v.Strs, err = codec.DecodeStrings(payload, make([]string, 0, rows))
			if err == nil && len(v.Strs) != rows {
				err = codec.ErrCorrupt
			}
		case vector.StoreDyn:
			var texts []string
			texts, err = codec.DecodeStrings(payload, make([]string, 0, rows))
			if err == nil && len(texts) != rows {
				err = codec.ErrCorrupt
			}
			if err == nil {
				v.Dyn = make([]any, rows)
				for r, tx := range texts {
					if tx != "" {
						if v.Dyn[r], err = types.ParseDynamic(tx); err != nil {
							break
						}
					}
				}
			}
		}
		if err != nil {
			return nil, 0, fmt.Errorf("hot batch column %s: %w", t.Columns[i].Name, err)
		}
		if len(nulls) > 0 {
			nb, err := codec.OpenFrame(nulls)
			if err != nil {
				return nil, 0, err
			}
			if v.Nulls, err = codec.DecodeBits(nb, rows); err != nil {
				return nil, 0, err
			}
		}
		cols = append(cols, v)
	}
	return cols, rows, nil
}
