package storage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/storage/codec"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// A hot batch is a group of acknowledged rows not yet sealed into segments. It
// is stored in badger (see batchKey) and kept in memory, column by column, so
// that queries see it at once.
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
	// encoded is the size of the batch's encoding, as badger holds it.
	encoded int
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

// hotBufPool holds encoded hot batches for reuse once they are written.
var hotBufPool sync.Pool

// newHotBuf returns an empty buffer from hotBufPool.
func newHotBuf() []byte {
	if b, ok := hotBufPool.Get().(*[]byte); ok {
		return (*b)[:0]
	}
	return nil
}

// encodeHotBatch appends the encoding of a batch to out, a buffer from
// newHotBuf that the caller puts back with putHotBuf once badger has
// committed it (a commit copies its values). It also returns the JSON texts
// of the dynamic columns (see hotBatch.texts).
func encodeHotBatch(out []byte, t *schema.Table, cols []*vector.Vector, rows int) ([]byte, [][]string) {
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

// Hot batches in badger. An encoded batch is split into chunks of at most
// hotChunkBytes, each the value of one key
//
//	b/<table>/<gen><seq><chunks><chunk>
//
// (gen and seq big-endian uint64, chunks and chunk big-endian uint16), so
// that every value stays below badger's value threshold: hot data lives in
// the LSM tree only, never in the value log, whose space badger reclaims
// late if ever. The generation is a per-table number that every seal
// advances: the batches of a generation are sealed together, and once the
// seal has committed its segments and watermark, dropping the generation's
// key prefix (DB.DropPrefix) removes the tables holding them whole.
//
// The chunks of a batch are committed in one transaction when they fit in
// one (badger bounds a transaction by the memtable size), else in several; a
// batch found with chunks missing was never acknowledged (its append failed
// or the process died in it) and is skipped.
//
// Stores of earlier versions kept a batch as one value under
// h/<table>/<seq> (see keyHot); those are still read, and the first seal
// drops them.

const (
	// hotValueThreshold is badger's ValueThreshold: values shorter than it
	// stay in the LSM tree. It is the largest badger accepts.
	hotValueThreshold = 1 << 20
	// hotChunkBytes is the largest chunk of an encoded batch.
	hotChunkBytes = hotValueThreshold - 1<<10
	// batchKeyTail is the length of a batch key after its table name and
	// slash: gen, seq, chunks, chunk.
	batchKeyTail = 8 + 8 + 2 + 2
)

// batchTablePrefix is the prefix of every hot batch key of a table.
func batchTablePrefix(table string) []byte {
	return []byte(keyBatch + table + "/")
}

// batchGenPrefix is the prefix of the hot batch keys of one generation.
func batchGenPrefix(table string, gen uint64) []byte {
	return binary.BigEndian.AppendUint64(batchTablePrefix(table), gen)
}

// batchKey is the key of chunk i of the n chunks of batch seq.
func batchKey(table string, gen, seq uint64, n, i int) []byte {
	k := binary.BigEndian.AppendUint64(batchGenPrefix(table, gen), seq)
	k = binary.BigEndian.AppendUint16(k, uint16(n))
	return binary.BigEndian.AppendUint16(k, uint16(i))
}

// parseBatchKey reverses batchKey.
func parseBatchKey(k []byte) (table string, gen, seq uint64, n, i int, ok bool) {
	rest, ok := bytes.CutPrefix(k, []byte(keyBatch))
	if !ok {
		return "", 0, 0, 0, 0, false
	}
	slash := bytes.IndexByte(rest, '/')
	if slash <= 0 || len(rest)-slash-1 != batchKeyTail {
		return "", 0, 0, 0, 0, false
	}
	table, tail := string(rest[:slash]), rest[slash+1:]
	gen = binary.BigEndian.Uint64(tail)
	seq = binary.BigEndian.Uint64(tail[8:])
	n = int(binary.BigEndian.Uint16(tail[16:]))
	i = int(binary.BigEndian.Uint16(tail[18:]))
	if n == 0 || i >= n {
		return "", 0, 0, 0, 0, false
	}
	return table, gen, seq, n, i, true
}

// writeHotBatch stores an encoded batch as its chunks: in one transaction
// when they fit, else in as few as they fit in. It returns once every
// transaction is committed (and, without SyncBatch, synced).
func (s *Store) writeHotBatch(table string, gen, seq uint64, val []byte) error {
	n := max(1, (len(val)+hotChunkBytes-1)/hotChunkBytes)
	if n > 1<<16-1 {
		return fmt.Errorf("a batch of %d bytes is too large", len(val))
	}
	txn := s.db.NewTransaction(true)
	defer func() { txn.Discard() }()
	for i := 0; i < n; i++ {
		chunk := val[i*hotChunkBytes : min(len(val), (i+1)*hotChunkBytes)]
		k := batchKey(table, gen, seq, n, i)
		err := txn.Set(k, chunk)
		if errors.Is(err, badger.ErrTxnTooBig) {
			if err = txn.Commit(); err != nil {
				return err
			}
			txn = s.db.NewTransaction(true)
			err = txn.Set(k, chunk)
		}
		if err != nil {
			return err
		}
	}
	return txn.Commit()
}

// loadedBatch gathers the chunks of one batch read at open.
type loadedBatch struct {
	t    *tableState
	seq  uint64
	n    int    // chunks the batch has
	next int    // the chunk expected next; -1 once one is missing
	buf  []byte // the chunks so far
}
