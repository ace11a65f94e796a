package storage

import (
	"encoding/binary"
	"fmt"
	"sync"
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
	bytes int64     // estimated memory, for Options.HotBytes
	// texts holds, for each dynamic column, its rows as the JSON text sealing
	// stores (nil for other columns or when not kept), so that it is made once.
	texts [][]string
}

// hotBatchBytes estimates the memory a batch's vectors take: each row's cell
// (a string is a 16-byte header) plus, for the bytes behind strings, the size
// of the encoded batch, a fair proxy when strings are shared or compressible.
func hotBatchBytes(cols []*vector.Vector, rows, encoded int) int64 {
	n := int64(encoded)
	for _, c := range cols {
		switch vector.Storage(c.Type) {
		case vector.StoreStrs, vector.StoreDyn:
			n += 16 * int64(rows)
		default:
			n += 8 * int64(rows)
		}
	}
	return n
}

const hotMagic = "SPH1"

// hotBufPool holds encoded hot batches for reuse once badger has committed
// them: badger copies a value into its log before a commit returns.
var hotBufPool sync.Pool

// encodeHotBatch encodes a batch into a buffer from hotBufPool; the caller
// puts it back with putHotBuf once the value is committed. It also returns the
// JSON texts of the dynamic columns (see hotBatch.texts).
func encodeHotBatch(t *schema.Table, cols []*vector.Vector, rows int) ([]byte, [][]string) {
	var out []byte
	if b, ok := hotBufPool.Get().(*[]byte); ok {
		out = (*b)[:0]
	}
	out = append(out, hotMagic...)
	out = binary.LittleEndian.AppendUint32(out, uint32(rows))
	out = binary.LittleEndian.AppendUint32(out, uint32(len(cols)))
	var all [][]string
	for i, v := range cols {
		typ := t.Columns[i].Type
		out = append(out, byte(typ))
		// The data chunk: its length, then a frame written in place.
		at := len(out)
		out = append(out, 0, 0, 0, 0)
		start := len(out)
		switch vector.Storage(typ) {
		case vector.StoreInts:
			out = codec.AppendInts(out, v.Ints[:rows])
		case vector.StoreReals:
			out = codec.AppendReals(out, v.Reals[:rows])
		case vector.StoreStrs:
			out = codec.AppendStrings(out, v.Strs[:rows], codec.S2)
		case vector.StoreDyn:
			texts := make([]string, rows)
			for r := 0; r < rows; r++ {
				if !v.IsNull(r) {
					texts[r] = types.DynamicToJSON(v.Dyn[r])
				}
			}
			if all == nil {
				all = make([][]string, len(cols))
			}
			all[i] = texts
			out = codec.AppendStrings(out, texts, codec.S2)
		}
		out = codec.AppendChecksum(out, out[start:])
		binary.LittleEndian.PutUint32(out[at:], uint32(len(out)-start))
		if hasNulls(v, rows) {
			at = len(out)
			out = append(out, 0, 0, 0, 0)
			start = len(out)
			out = codec.AppendBits(out, fullBits(v.Nulls, rows), rows)
			out = codec.AppendChecksum(out, out[start:])
			binary.LittleEndian.PutUint32(out[at:], uint32(len(out)-start))
		} else {
			out = appendChunk(out, nil)
		}
	}
	return out, all
}

// putHotBuf returns an encoded batch's buffer to hotBufPool.
func putHotBuf(b []byte) {
	if cap(b) <= 64<<20 {
		hotBufPool.Put(&b)
	}
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
func decodeHotBatch(t *schema.Table, b []byte) (cols []*vector.Vector, texts [][]string, rows int, err error) {
	if len(b) < 12 || string(b[:4]) != hotMagic {
		return nil, nil, 0, fmt.Errorf("%w: bad hot batch header", codec.ErrCorrupt)
	}
	rows = int(binary.LittleEndian.Uint32(b[4:]))
	n := int(binary.LittleEndian.Uint32(b[8:]))
	if n != len(t.Columns) {
		return nil, nil, 0, fmt.Errorf("%w: hot batch has %d columns, table %s has %d", codec.ErrCorrupt, n, t.Name, len(t.Columns))
	}
	b = b[12:]
	for i := 0; i < n; i++ {
		if len(b) < 1 || types.Type(b[0]) != t.Columns[i].Type {
			return nil, nil, 0, fmt.Errorf("%w: hot batch column %d has the wrong type", codec.ErrCorrupt, i)
		}
		typ := types.Type(b[0])
		var data, nulls []byte
		if data, b, err = readChunk(b[1:]); err != nil {
			return nil, nil, 0, err
		}
		if nulls, b, err = readChunk(b); err != nil {
			return nil, nil, 0, err
		}
		payload, err := codec.OpenFrame(data)
		if err != nil {
			return nil, nil, 0, err
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
			var dyn []string
			dyn, err = codec.DecodeStrings(payload, make([]string, 0, rows))
			if err == nil && len(dyn) != rows {
				err = codec.ErrCorrupt
			}
			if err == nil {
				if texts == nil {
					texts = make([][]string, n)
				}
				texts[i] = dyn
				v.Dyn = make([]any, rows)
				for r, tx := range dyn {
					if tx != "" {
						if v.Dyn[r], err = types.ParseDynamic(tx); err != nil {
							break
						}
					}
				}
			}
		}
		if err != nil {
			return nil, nil, 0, fmt.Errorf("hot batch column %s: %w", t.Columns[i].Name, err)
		}
		if len(nulls) > 0 {
			nb, err := codec.OpenFrame(nulls)
			if err != nil {
				return nil, nil, 0, err
			}
			if v.Nulls, err = codec.DecodeBits(nb, rows); err != nil {
				return nil, nil, 0, err
			}
		}
		cols = append(cols, v)
	}
	return cols, texts, rows, nil
}
