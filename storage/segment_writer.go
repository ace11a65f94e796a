package storage

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/storage/codec"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// dictMaxDistinct and dictMaxRatio decide when a string column is stored as a
// dictionary: few distinct values, or distinct values that are a small share of
// the rows (device names, action types, file names).
//
// Columns of short values (ids, numbers, addresses) are stored as a dictionary
// however many distinct values they have: their term index would take
// several times the bytes of the values, the sorted dictionary compresses
// well, and a predicate on it needs no more than a pass over the distinct
// values, or a binary search for equality.
const (
	dictMaxDistinct = 1 << 16
	dictMaxRatio    = 0.5
	shortValueBytes = 16 // the largest average length of "short values"
)

// segmentWriter writes one segment file. Its columns must all have the same
// length and be sorted by the time column.
type segmentWriter struct {
	f   *os.File
	w   *bufio.Writer
	off int64
	buf []byte

	// Scratch reused from column to column and, through writerPool, from
	// segment to segment.
	payload []byte
	dicts   codec.DictBuilder
	terms   *codec.TermIndexBuilder
	nulls   []uint64
}

// writerPool keeps segment writers with their buffers: a seal writes a segment
// per day, and a column's scratch is as large as its rows.
var writerPool = sync.Pool{New: func() any {
	return &segmentWriter{w: bufio.NewWriterSize(nil, 256<<10), terms: codec.NewTermIndexBuilder()}
}}

// colSource yields a segment's columns in table column order: the vector and,
// for a dynamic column, optionally its rows as JSON text (then only the
// vector's null bitmap is read). What it returns is only read until the next
// call.
type colSource func(ci int) (*vector.Vector, []string)

// vectorSource serves columns that are already whole vectors.
func vectorSource(cols []*vector.Vector) colSource {
	return func(ci int) (*vector.Vector, []string) { return cols[ci], nil }
}

func (sw *segmentWriter) write(b []byte) error {
	n, err := sw.w.Write(b)
	sw.off += int64(n)
	return err
}

// frame writes payload as a checksummed frame and returns its region.
func (sw *segmentWriter) frame(payload []byte) (region, error) {
	r := region{Off: sw.off, Len: int64(len(payload) + codec.FrameOverhead)}
	if err := sw.write(payload); err != nil {
		return r, err
	}
	sw.buf = codec.AppendChecksum(sw.buf[:0], payload)
	return r, sw.write(sw.buf)
}

// writeSegment writes cols (in table column order) to path via a temporary file,
// fsyncs it (when durable) and renames it into place. The caller fsyncs the
// directory (once for all the segments it writes there). It returns the file's size and the columns'
// uncompressed size.
func writeSegment(path string, t *schema.Table, cols colSource, rows int, durable bool) (size, raw int64, err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, 0, err
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return 0, 0, err
	}
	sw := writerPool.Get().(*segmentWriter)
	sw.f, sw.off = f, 0
	sw.w.Reset(f)
	size, raw, err = sw.writeAll(t, cols, rows)
	if err == nil {
		err = sw.w.Flush()
	}
	sw.f = nil
	sw.w.Reset(nil)
	sw.release()
	if err == nil {
		if durable {
			err = f.Sync()
		} else {
			startWriteback(f)
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return 0, 0, fmt.Errorf("write segment %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return 0, 0, err
	}
	return size, raw, nil
}

// release returns the writer to the pool unless its scratch grew huge.
func (sw *segmentWriter) release() {
	const maxKeep = 64 << 20
	if cap(sw.payload) > maxKeep || cap(sw.buf) > maxKeep {
		return
	}
	sw.terms.Reset()
	writerPool.Put(sw)
}

// syncDir makes a rename or removal in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func (sw *segmentWriter) writeAll(t *schema.Table, cols colSource, rows int) (size, raw int64, err error) {
	header := append([]byte(segMagic), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(header[8:], segVersion)
	if err := sw.write(header); err != nil {
		return 0, 0, err
	}
	footer := segmentFooter{Table: t.Name, Rows: rows, TimeCol: t.TimeColumn}
	ti := t.Index(t.TimeColumn)
	for i, c := range t.Columns {
		v, texts := cols(i)
		if i == ti && rows > 0 {
			footer.MinTime, footer.MaxTime = v.Ints[0], v.Ints[rows-1]
		}
		meta, err := sw.writeColumn(c, v, texts, rows)
		if err != nil {
			return 0, 0, fmt.Errorf("column %s: %w", c.Name, err)
		}
		footer.Columns = append(footer.Columns, meta)
		raw += meta.RawBytes
	}
	js, err := json.Marshal(&footer)
	if err != nil {
		return 0, 0, err
	}
	fr, err := sw.frame(js)
	if err != nil {
		return 0, 0, err
	}
	if err := sw.write(encodeTrailer(fr.Off, int(fr.Len))); err != nil {
		return 0, 0, err
	}
	return sw.off, raw, nil
}

func (sw *segmentWriter) writeColumn(c schema.Column, v *vector.Vector, texts []string, rows int) (columnMeta, error) {
	meta := columnMeta{Name: c.Name, Type: c.Type.String()}
	start := sw.off
	var err error
	switch vector.Storage(c.Type) {
	case vector.StoreInts:
		meta.Enc = encInts
		meta.RawBytes = int64(rows) * 8
		err = sw.writeNumericBlocks(&meta, v, rows)
	case vector.StoreReals:
		meta.Enc = encReals
		meta.RawBytes = int64(rows) * 8
		err = sw.writeNumericBlocks(&meta, v, rows)
	case vector.StoreStrs:
		err = sw.writeStrings(&meta, v.Strs[:rows])
	case vector.StoreDyn:
		meta.Enc = encDynamic
		if texts == nil {
			texts = make([]string, rows)
			for i := 0; i < rows; i++ {
				if !v.IsNull(i) {
					texts[i] = types.DynamicToJSON(v.Dyn[i])
				}
			}
		}
		texts = texts[:rows]
		for _, s := range texts {
			meta.RawBytes += int64(len(s)) + 4
		}
		err = sw.writeFreeText(&meta, texts, v)
	}
	meta.Bytes = sw.off - start
	return meta, err
}

func blockBounds(rows, b int) (int, int) {
	lo := b * blockRows
	return lo, min(lo+blockRows, rows)
}

// writeNumericBlocks writes ints or reals in blocks, each with its zone map and
// null bitmap.
func (sw *segmentWriter) writeNumericBlocks(meta *columnMeta, v *vector.Vector, rows int) error {
	payload := sw.payload
	defer func() { sw.payload = payload }()
	for b := 0; b*blockRows < rows; b++ {
		lo, hi := blockBounds(rows, b)
		bm := blockMeta{Rows: hi - lo}
		if meta.Enc == encInts {
			payload = codec.AppendInts(payload[:0], v.Ints[lo:hi])
		} else {
			payload = codec.AppendReals(payload[:0], v.Reals[lo:hi])
		}
		r, err := sw.frame(payload)
		if err != nil {
			return err
		}
		bm.Data = r
		var nulls []uint64
		minI, maxI := int64(math.MaxInt64), int64(math.MinInt64)
		minF, maxF := math.Inf(1), math.Inf(-1)
		for i := lo; i < hi; i++ {
			if v.IsNull(i) {
				if nulls == nil {
					nulls = make([]uint64, (hi-lo+63)/64)
				}
				nulls[(i-lo)>>6] |= 1 << (uint(i-lo) & 63)
				bm.NullCnt++
				continue
			}
			bm.HasZone = true
			if meta.Enc == encInts {
				minI, maxI = min(minI, v.Ints[i]), max(maxI, v.Ints[i])
			} else if x := v.Reals[i]; !math.IsNaN(x) {
				minF, maxF = math.Min(minF, x), math.Max(maxF, x)
			}
		}
		if bm.HasZone {
			if meta.Enc == encInts {
				bm.MinI, bm.MaxI = minI, maxI
			} else if !math.IsInf(minF, 0) && !math.IsInf(maxF, 0) {
				bm.MinF, bm.MaxF = minF, maxF
			} else {
				// Only NaNs, or an infinity, which the JSON footer cannot hold:
				// the block has no zone map and is always read.
				bm.HasZone = false
			}
		}
		if nulls != nil {
			payload = codec.AppendBits(payload[:0], nulls, hi-lo)
			if bm.Nulls, err = sw.frame(payload); err != nil {
				return err
			}
		}
		meta.Blocks = append(meta.Blocks, bm)
	}
	return nil
}

// writeStrings stores a string column as a dictionary when it has few distinct
// values, else as compressed free text with a term index.
func (sw *segmentWriter) writeStrings(meta *columnMeta, vals []string) error {
	for _, s := range vals {
		meta.RawBytes += int64(len(s)) + 4
	}
	// The first rows decide cheaply against high-cardinality columns (command
	// lines, hashes): more than dictMaxRatio of them distinct, and more than 64.
	// The dictionary's size then decides on the rest.
	limit := min(dictMaxDistinct, int(float64(len(vals))*dictMaxRatio)+16)
	const sampleRows = 4096
	sampleMax := max(64, int(float64(min(len(vals), sampleRows))*dictMaxRatio))
	if meta.RawBytes <= int64(len(vals))*(shortValueBytes+4) {
		limit, sampleMax = len(vals), sampleRows
	}
	dict, codes, ok := sw.dicts.Build(vals, limit, sampleRows, sampleMax)
	if !ok {
		return sw.writeFreeText(meta, vals, nil)
	}
	meta.Enc = encDict
	var err error
	sw.payload = codec.AppendDict(sw.payload[:0], dict, codec.Zstd)
	if meta.Dict, err = sw.frame(sw.payload); err != nil {
		return err
	}
	// The code blocks follow a small header and precede a checksum of both,
	// so that one region spans them as a frame: the code index, which a
	// reader derives from the codes (see bitmapList) instead of storing it.
	nb := (len(vals) + blockRows - 1) / blockRows
	head := sw.buf[:0]
	head = binary.LittleEndian.AppendUint32(head, derivedIndexMark)
	head = binary.LittleEndian.AppendUint32(head, uint32(len(dict)))
	head = binary.LittleEndian.AppendUint32(head, uint32(nb))
	lens := len(head)
	head = append(head, make([]byte, 4*nb)...)
	// The header's block lengths are known once the blocks are encoded.
	payload := sw.payload[:0]
	for b := 0; b < nb; b++ {
		lo, hi := blockBounds(len(vals), b)
		at := len(payload)
		payload = codec.AppendCodes(payload, codes[lo:hi])
		payload = codec.AppendChecksum(payload, payload[at:])
		binary.LittleEndian.PutUint32(head[lens+4*b:], uint32(len(payload)-at))
	}
	sw.payload = payload
	start := sw.off
	crc := crc32.Update(0, castagnoli, head)
	if err := sw.write(head); err != nil {
		return err
	}
	at := 0
	for b := 0; b < nb; b++ {
		lo, hi := blockBounds(len(vals), b)
		n := int(binary.LittleEndian.Uint32(head[lens+4*b:]))
		r := region{Off: sw.off, Len: int64(n)}
		if err := sw.write(payload[at : at+n]); err != nil {
			return err
		}
		meta.Blocks = append(meta.Blocks, blockMeta{Data: r, Rows: hi - lo})
		at += n
	}
	crc = crc32.Update(crc, castagnoli, payload)
	sw.buf = binary.LittleEndian.AppendUint32(head[:0], crc)
	if err := sw.write(sw.buf); err != nil {
		return err
	}
	meta.Codes = region{Off: start, Len: sw.off - start}
	// The rows of each code, for counting by the column from metadata.
	counts := make([]uint64, len(dict))
	for _, c := range codes {
		counts[c]++
	}
	payload = binary.AppendUvarint(sw.payload[:0], uint64(len(counts)))
	for _, n := range counts {
		payload = binary.AppendUvarint(payload, n)
	}
	sw.payload = payload
	meta.Counts, err = sw.frame(payload)
	return err
}

// derivedIndexMark opens a code index derived from the code blocks it spans
// where the count of an index of bitmaps would be: no such index can hold
// that many codes.
const derivedIndexMark = math.MaxUint32

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// writeFreeText writes compressed text blocks and a term index. v, when set,
// carries the null bitmap (for dynamic columns).
func (sw *segmentWriter) writeFreeText(meta *columnMeta, vals []string, v *vector.Vector) error {
	if meta.Enc == "" {
		meta.Enc = encStrings
	}
	tib := sw.terms
	tib.Reset()
	payload := sw.payload
	defer func() { sw.payload = payload }()
	for b := 0; b*blockRows < len(vals); b++ {
		lo, hi := blockBounds(len(vals), b)
		bm := blockMeta{Rows: hi - lo}
		payload = codec.AppendStrings(payload[:0], vals[lo:hi], codec.Zstd)
		r, err := sw.frame(payload)
		if err != nil {
			return err
		}
		bm.Data = r
		if v != nil {
			var nulls []uint64
			for i := lo; i < hi; i++ {
				if v.IsNull(i) {
					if nulls == nil {
						nulls = make([]uint64, (hi-lo+63)/64)
					}
					nulls[(i-lo)>>6] |= 1 << (uint(i-lo) & 63)
					bm.NullCnt++
				}
			}
			if nulls != nil {
				payload = codec.AppendBits(payload[:0], nulls, hi-lo)
				if bm.Nulls, err = sw.frame(payload); err != nil {
					return err
				}
			}
		}
		// vals outlive the builder's use below, so terms may view them.
		for i := lo; i < hi; i++ {
			tib.AddView(uint32(i), vals[i])
		}
		meta.Blocks = append(meta.Blocks, bm)
	}
	var err error
	payload = tib.AppendTo(payload[:0])
	meta.Terms, err = sw.frame(payload)
	tib.Reset()
	return err
}

// bitmapList is a read-only view of a code index: the rows of each
// dictionary code. Segments of format version 1 store it as a count, an
// offsets table and one roaring bitmap per code in portable format. Newer
// segments store nothing of their own: the region spans the column's code
// blocks behind a header (derivedIndexMark, the dictionary size, the block
// count and each block frame's length), and the rows of each code are worked
// out from the codes when the index is opened.
type bitmapList struct {
	n int
	// Stored bitmaps.
	offs []byte
	data []byte
	// Derived: the rows of code c are rows[starts[c]:starts[c+1]], ascending.
	starts []uint32
	rows   []uint32
}

func openBitmapList(b []byte) (*bitmapList, error) {
	if len(b) < 4 {
		return nil, fmt.Errorf("bitmap list: %w: short header", codec.ErrCorrupt)
	}
	if binary.LittleEndian.Uint32(b) == derivedIndexMark {
		return deriveBitmapList(b[4:])
	}
	n := int(binary.LittleEndian.Uint32(b))
	if n < 0 || 4+4*(n+1) > len(b) {
		return nil, fmt.Errorf("bitmap list: %w: %d entries in %d bytes", codec.ErrCorrupt, n, len(b))
	}
	l := &bitmapList{offs: b[4 : 4+4*(n+1)], data: b[4+4*(n+1):], n: n}
	if int(binary.LittleEndian.Uint32(l.offs[4*n:])) != len(l.data) {
		return nil, fmt.Errorf("bitmap list: %w: length mismatch", codec.ErrCorrupt)
	}
	return l, nil
}

// deriveBitmapList decodes the code blocks of a derived index (after its mark)
// and groups the rows by code with a counting sort.
func deriveBitmapList(b []byte) (*bitmapList, error) {
	bad := func(what string) error { return fmt.Errorf("code index: %w: %s", codec.ErrCorrupt, what) }
	if len(b) < 8 {
		return nil, bad("short header")
	}
	n, nb := uint64(binary.LittleEndian.Uint32(b)), uint64(binary.LittleEndian.Uint32(b[4:]))
	b = b[8:]
	if nb > uint64(len(b))/4 || n > uint64(len(b))*8 {
		return nil, bad("bad counts")
	}
	lens, body := b[:4*nb], b[4*nb:]
	var codes []uint32
	for i := range int(nb) {
		m := uint64(binary.LittleEndian.Uint32(lens[4*i:]))
		if m > uint64(len(body)) {
			return nil, bad("block past the end")
		}
		payload, err := codec.OpenFrame(body[:m])
		if err != nil {
			return nil, err
		}
		if codes, err = codec.DecodeCodes(payload, codes); err != nil {
			return nil, err
		}
		body = body[m:]
	}
	if len(body) != 0 {
		return nil, bad("bytes after the blocks")
	}
	starts := make([]uint32, n+1)
	for _, c := range codes {
		if uint64(c) >= n {
			return nil, bad(fmt.Sprintf("code %d outside a dictionary of %d", c, n))
		}
		starts[c+1]++
	}
	for i := uint64(1); i <= n; i++ {
		starts[i] += starts[i-1]
	}
	rows := make([]uint32, len(codes))
	next := append([]uint32(nil), starts[:n]...)
	for r, c := range codes {
		rows[next[c]] = uint32(r)
		next[c]++
	}
	return &bitmapList{n: int(n), starts: starts, rows: rows}, nil
}

// union returns the rows of the given codes as one bitmap the caller owns.
// A derived list sets them in a dense bitmap turned into a roaring one at
// once, several times faster than adding its rows one by one.
func (l *bitmapList) union(codes []int) (*roaring.Bitmap, error) {
	for _, i := range codes {
		if i < 0 || i >= l.n {
			return nil, fmt.Errorf("bitmap list: %w: index %d of %d", codec.ErrCorrupt, i, l.n)
		}
	}
	if l.starts != nil {
		dense := make([]uint64, (len(l.rows)+63)/64)
		for _, i := range codes {
			for _, r := range l.rows[l.starts[i]:l.starts[i+1]] {
				dense[r>>6] |= 1 << (r & 63)
			}
		}
		return roaring.FromDense(dense, false), nil
	}
	out := roaring.New()
	for _, i := range codes {
		lo := int(binary.LittleEndian.Uint32(l.offs[4*i:]))
		hi := int(binary.LittleEndian.Uint32(l.offs[4*i+4:]))
		if lo > hi || hi > len(l.data) {
			return nil, fmt.Errorf("bitmap list: %w: bad offsets", codec.ErrCorrupt)
		}
		bm := roaring.New()
		if _, err := bm.FromUnsafeBytes(l.data[lo:hi]); err != nil {
			return nil, fmt.Errorf("bitmap list: %w: %v", codec.ErrCorrupt, err)
		}
		out.Or(bm)
	}
	return out, nil
}
