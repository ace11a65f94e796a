package codec

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"
	"unsafe"

	"github.com/RoaringBitmap/roaring/v2"
)

// Term index layout, all offsets little-endian uint32:
//
//	version byte (termIndexVersion)
//	term count n as a uvarint
//	n term end offsets into the terms blob
//	n bitmap end offsets into the bitmaps blob
//	terms blob: the terms sorted ascending, concatenated
//	bitmaps blob: each term's rows in roaring's portable format
//
// Term i spans from the end of term i-1 (0 for the first) to its own end, and
// likewise for bitmaps, so a lookup binary-searches the terms through the
// fixed-width table and decodes a single bitmap.
const termIndexVersion = 1

// TermIndexBuilder collects the rows of each term of a segment's free-text
// column. It is used by one goroutine, the segment writer.
type TermIndexBuilder struct {
	index map[string]int32 // term -> position in terms and rows
	terms []string         // views of arena
	rows  [][]uint32       // ascending unless rows were added out of order
	arena []byte           // holds term bytes; a full arena is replaced, never grown
	slab  []uint32         // first rows of new terms, sliced with capacity 1
	lower []byte           // scratch for lower-casing
	bw    RowBitmapWriter
	same  *[1 << sameBits]sameTerm
	gen   uint32 // entries of same from before the last Reset differ
}

// NewTermIndexBuilder returns an empty builder.
func NewTermIndexBuilder() *TermIndexBuilder {
	return &TermIndexBuilder{index: map[string]int32{}, same: new([1 << sameBits]sameTerm), gen: 1}
}

// Add records row under every indexed term of s (see Terms). Rows are best
// added in ascending order, as a writer does; any order works.
func (b *TermIndexBuilder) Add(row uint32, s string) {
	b.add(row, s, false)
}

// AddView is Add for a caller that keeps s alive and unchanged until the
// builder is serialized or reset: terms that are substrings of s are then
// kept as views instead of copies.
func (b *TermIndexBuilder) AddView(row uint32, s string) {
	b.add(row, s, true)
}

func (b *TermIndexBuilder) add(row uint32, s string, view bool) {
	base := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	// Fast path: a value whose bytes were seen before, holding one term (ids
	// and hashes handed out again), skips splitting and hashing.
	var e *sameTerm
	if view && len(s) >= MinTermLen {
		e = &b.same[(uint64(base)*0x9e3779b97f4a7c15)>>(64-sameBits)]
		if e.ptr == base && e.n == len(s) && e.gen == b.gen {
			if rows := b.rows[e.term]; rows[len(rows)-1] != row {
				b.rows[e.term] = append(rows, row)
			}
			return
		}
	}
	terms, last := 0, int32(-1)
	b.lower = eachTerm(s, b.lower, func(t string) {
		terms++
		i, ok := b.index[t]
		if ok {
			last = i
		} else {
			last = int32(len(b.terms))
		}
		if !ok {
			// A term lies inside s unless it came from the lower-cased copy.
			if p := uintptr(unsafe.Pointer(unsafe.StringData(t))); view && p >= base && p < base+uintptr(len(s)) {
				b.index[t] = int32(len(b.terms))
				b.terms = append(b.terms, t)
				b.rows = append(b.rows, b.rowSlot(row))
				return
			}
			b.addTerm(t, row)
			return
		}
		rows := b.rows[i]
		if rows[len(rows)-1] != row { // else the term repeats within the row
			b.rows[i] = append(rows, row)
		}
	})
	if e != nil && terms == 1 {
		*e = sameTerm{ptr: base, n: len(s), gen: b.gen, term: last}
	}
}

// sameTerm remembers a value of one term by the address and length of its
// bytes; see DictBuilder's sameCache.
type sameTerm struct {
	ptr  uintptr
	n    int
	gen  uint32
	term int32
}

// rowSlot starts a row list of one row in the shared slab.
func (b *TermIndexBuilder) rowSlot(row uint32) []uint32 {
	if len(b.slab) == 0 {
		b.slab = make([]uint32, 4096)
	}
	b.slab[0] = row
	r := b.slab[:1:1]
	b.slab = b.slab[1:]
	return r
}

// addTerm copies a new term into the arena and starts its row list. Most terms
// of high-cardinality text (ids, hashes, paths) occur once, so both come from
// shared blocks instead of allocations of their own.
func (b *TermIndexBuilder) addTerm(t string, row uint32) {
	if len(t) > cap(b.arena)-len(b.arena) {
		b.arena = make([]byte, 0, max(64<<10, len(t)))
	}
	start := len(b.arena)
	b.arena = append(b.arena, t...)
	// The arena's bytes up to its length are never written again.
	t = unsafe.String(&b.arena[start], len(t))
	b.index[t] = int32(len(b.terms))
	b.terms = append(b.terms, t)
	b.rows = append(b.rows, b.rowSlot(row))
}

// Reset empties the builder for the next column, keeping its memory.
func (b *TermIndexBuilder) Reset() {
	clear(b.index)
	clear(b.terms)
	b.terms = b.terms[:0]
	clear(b.rows)
	b.rows = b.rows[:0]
	// The current arena block is reused from its start: the terms that viewed
	// it are gone.
	b.arena = b.arena[:0]
	b.forgetValues()
}

// forgetValues empties the cache of values by address: after a Reset or
// AppendTo, the values AddView saw may be gone and their memory reused.
func (b *TermIndexBuilder) forgetValues() {
	if b.gen++; b.gen == 0 {
		*b.same = [1 << sameBits]sameTerm{}
		b.gen = 1
	}
}

// Len is the number of distinct terms added so far.
func (b *TermIndexBuilder) Len() int { return len(b.terms) }

// AppendTo appends the serialized index. The builder is unchanged and may be
// added to and serialized again.
func (b *TermIndexBuilder) AppendTo(dst []byte) []byte {
	b.forgetValues()
	type entry struct {
		term string
		i    int32
	}
	n := len(b.terms)
	order := make([]entry, n)
	blob := 0
	for i, t := range b.terms {
		order[i] = entry{t, int32(i)}
		blob += len(t)
	}
	slices.SortFunc(order, func(x, y entry) int { return strings.Compare(x.term, y.term) })
	dst = append(dst, termIndexVersion)
	dst = appendUvarint(dst, uint64(n))
	table := len(dst)
	dst = slices.Grow(dst, 8*n+blob+11*n)
	dst = dst[:table+8*n]
	end := 0
	for i, e := range order {
		dst = append(dst, e.term...)
		end += len(e.term)
		putEnd(dst[table+4*i:], end)
	}
	bitmaps := len(dst)
	for i, e := range order {
		dst = b.bw.Append(dst, b.rows[e.i])
		putEnd(dst[table+4*(n+i):], len(dst)-bitmaps)
	}
	return dst
}

// appendSmallBitmap writes up to three ascending rows that share their upper
// 16 bits in roaring's portable format, as roaring would read them, without
// building a bitmap: most terms of ids, hashes and paths occur in one or two
// rows. It uses the layout with a run flag per container, which needs no
// offset table for so few containers: 9 bytes plus 2 per row.
func appendSmallBitmap(dst []byte, rows []uint32) ([]byte, bool) {
	if len(rows) == 0 || len(rows) > 3 {
		return dst, false
	}
	for i := 1; i < len(rows); i++ {
		if rows[i] <= rows[i-1] || rows[i]>>16 != rows[0]>>16 {
			return dst, false
		}
	}
	const runCookie = 12347 // one container: (1-1)<<16 | 12347
	dst = binary.LittleEndian.AppendUint32(dst, runCookie)
	dst = append(dst, 0) // no run containers
	dst = binary.LittleEndian.AppendUint16(dst, uint16(rows[0]>>16))
	dst = binary.LittleEndian.AppendUint16(dst, uint16(len(rows)-1))
	for _, r := range rows {
		dst = binary.LittleEndian.AppendUint16(dst, uint16(r))
	}
	return dst, true
}

func putEnd(b []byte, end int) {
	if end > math.MaxUint32 {
		panic(fmt.Sprintf("BUG: term index blob of %d bytes", end))
	}
	binary.LittleEndian.PutUint32(b, uint32(end))
}

// appender is an io.Writer that appends to a byte slice.
type appender struct{ b []byte }

func (a *appender) Write(p []byte) (int, error) {
	a.b = append(a.b, p...)
	return len(p), nil
}

// TermIndex is a read-only view over a serialized term index. Opening it reads
// only the header; each lookup decodes just the bitmaps it returns. The bytes
// must stay unchanged while the index is used. Methods are safe for
// concurrent use.
type TermIndex struct {
	n       int
	ends    []byte // n term ends, then n bitmap ends
	terms   []byte
	bitmaps []byte
}

// OpenTermIndex opens bytes written by TermIndexBuilder.AppendTo. It checks the
// header and the table's final offsets against the input size; other damage
// is reported by the lookup that meets it, or by Check.
func OpenTermIndex(b []byte) (*TermIndex, error) {
	r := reader{b}
	v, ok := r.byte()
	if !ok || v != termIndexVersion {
		return nil, corruptf("term index: bad version")
	}
	n, ok := r.uvarint()
	if !ok || n > uint64(len(r.b))/8 {
		return nil, corruptf("term index: bad term count")
	}
	x := &TermIndex{n: int(n)}
	x.ends, _ = r.next(8 * n)
	termsLen, bitmapsLen := 0, 0
	if n > 0 {
		termsLen = x.end(x.n - 1)
		bitmapsLen = x.end(2*x.n - 1)
	}
	if uint64(termsLen)+uint64(bitmapsLen) != uint64(len(r.b)) {
		return nil, corruptf("term index: blobs of %d and %d bytes in %d", termsLen, bitmapsLen, len(r.b))
	}
	x.terms = r.b[:termsLen:termsLen]
	x.bitmaps = r.b[termsLen:]
	return x, nil
}

// Len is the number of terms.
func (x *TermIndex) Len() int { return x.n }

// end reads entry i of the offsets table.
func (x *TermIndex) end(i int) int {
	return int(binary.LittleEndian.Uint32(x.ends[4*i:]))
}

// span returns entry i's part of blob, whose table entries start at entry base.
func (x *TermIndex) span(blob []byte, base, i int) ([]byte, error) {
	lo := 0
	if i > 0 {
		lo = x.end(base + i - 1)
	}
	hi := x.end(base + i)
	if lo > hi || hi > len(blob) {
		return nil, corruptf("term index: entry %d spans %d..%d of %d", i, lo, hi, len(blob))
	}
	return blob[lo:hi], nil
}

func (x *TermIndex) term(i int) ([]byte, error) { return x.span(x.terms, 0, i) }

// search returns the index of the first term not below t.
func (x *TermIndex) search(t string) (int, error) {
	lo, hi := 0, x.n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		m, err := x.term(mid)
		if err != nil {
			return 0, err
		}
		if string(m) < t {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, nil
}

// rows decodes the bitmap of term i.
func (x *TermIndex) rows(i int) (*roaring.Bitmap, error) {
	b, err := x.span(x.bitmaps, x.n, i)
	if err != nil {
		return nil, err
	}
	return readBitmap(b)
}

// Lookup returns the rows containing term, or nil and no error when the term
// is not indexed. The term must be lower-case, as Terms produces. The caller
// owns the bitmap.
func (x *TermIndex) Lookup(term string) (*roaring.Bitmap, error) {
	i, err := x.search(term)
	if err != nil || i == x.n {
		return nil, err
	}
	t, err := x.term(i)
	if err != nil || string(t) != term {
		return nil, err
	}
	return x.rows(i)
}

// Prefix returns the union of the rows of every term that starts with prefix,
// or nil and no error when no term does. The prefix must be lower-case. The
// caller owns the bitmap.
func (x *TermIndex) Prefix(prefix string) (*roaring.Bitmap, error) {
	i, err := x.search(prefix)
	if err != nil {
		return nil, err
	}
	var bms []*roaring.Bitmap
	for ; i < x.n; i++ {
		t, err := x.term(i)
		if err != nil {
			return nil, err
		}
		if len(t) < len(prefix) || string(t[:len(prefix)]) != prefix {
			break
		}
		bm, err := x.rows(i)
		if err != nil {
			return nil, err
		}
		bms = append(bms, bm)
	}
	switch len(bms) {
	case 0:
		return nil, nil
	case 1:
		return bms[0], nil
	}
	return roaring.FastOr(bms...), nil
}

// Check reads the whole index: offsets, term order and every bitmap. Lookups
// do not need it; it is for tools and tests that want all damage reported up
// front.
func (x *TermIndex) Check() error {
	var prev []byte
	for i := range x.n {
		t, err := x.term(i)
		if err != nil {
			return err
		}
		if i > 0 && bytes.Compare(prev, t) >= 0 {
			return corruptf("term index: term %d %q not after %q", i, t, prev)
		}
		prev = t
		if _, err := x.rows(i); err != nil {
			return err
		}
	}
	return nil
}

// readBitmap decodes a roaring bitmap in portable format that must fill b,
// into memory of its own. The roaring reader checks lengths but not contents,
// so the result is validated; a panic inside the library on hostile input is
// turned into an error too.
func readBitmap(b []byte) (bm *roaring.Bitmap, err error) {
	defer func() {
		if p := recover(); p != nil {
			bm, err = nil, corruptf("bitmap: %v", p)
		}
	}()
	bm = roaring.New()
	n, err := bm.ReadFrom(bytes.NewReader(b))
	if err != nil {
		return nil, corruptf("bitmap: %v", err)
	}
	if n != int64(len(b)) {
		return nil, corruptf("bitmap of %d bytes in %d", n, len(b))
	}
	if err := bm.Validate(); err != nil {
		return nil, corruptf("bitmap: %v", err)
	}
	return bm, nil
}
