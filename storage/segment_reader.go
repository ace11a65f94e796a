package storage

import (
	"encoding/binary"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/spoorhq/spoor/storage/codec"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// segment is an open, immutable segment file. Its footer is read at open; column
// regions are read on demand and the small ones (dictionaries, indexes) cached.
// A segment is safe for concurrent use.
type segment struct {
	path   string
	f      *os.File
	size   int64
	footer *segmentFooter
	cols   map[string]int

	mu    sync.Mutex
	dicts map[int]*vector.Dict
	codes map[int]*bitmapList
	terms map[int]*codec.TermIndex
	// counts caches valueCounts.
	counts map[int][]int64
}

// openSegment opens a segment file and checks its header, trailer and footer.
func openSegment(path string) (*segment, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	s, err := readSegmentMeta(f, path)
	if err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

func readSegmentMeta(f *os.File, path string) (*segment, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	bad := func(what string) error {
		return fmt.Errorf("segment %s: %w: %s", path, codec.ErrCorrupt, what)
	}
	if size < segHeaderLen+segTrailerLen {
		return nil, bad("file too short")
	}
	head := make([]byte, segHeaderLen)
	if _, err := f.ReadAt(head, 0); err != nil {
		return nil, fmt.Errorf("segment %s: %w", path, err)
	}
	if string(head[:8]) != segMagic {
		return nil, bad("not a segment file")
	}
	if v := binary.LittleEndian.Uint32(head[8:]); v != segVersion {
		return nil, fmt.Errorf("segment %s: format version %d is not supported", path, v)
	}
	trailer := make([]byte, segTrailerLen)
	if _, err := f.ReadAt(trailer, size-segTrailerLen); err != nil {
		return nil, fmt.Errorf("segment %s: %w", path, err)
	}
	if string(trailer[12:]) != segMagic {
		return nil, bad("trailer is damaged")
	}
	off := int64(binary.LittleEndian.Uint64(trailer))
	n := int64(binary.LittleEndian.Uint32(trailer[8:]))
	if off < segHeaderLen || n <= 0 || off+n > size-segTrailerLen {
		return nil, bad("footer position is out of range")
	}
	frame := make([]byte, n)
	if _, err := f.ReadAt(frame, off); err != nil {
		return nil, fmt.Errorf("segment %s: %w", path, err)
	}
	footer, err := decodeFooter(frame)
	if err != nil {
		return nil, fmt.Errorf("segment %s: %w", path, err)
	}
	s := &segment{path: path, f: f, size: size, footer: footer, cols: map[string]int{},
		dicts: map[int]*vector.Dict{}, codes: map[int]*bitmapList{}, terms: map[int]*codec.TermIndex{}, counts: map[int][]int64{}}
	for i, c := range footer.Columns {
		s.cols[c.Name] = i
		if err := s.checkColumn(&c); err != nil {
			return nil, bad(err.Error())
		}
	}
	return s, nil
}

// checkColumn validates a column's regions and block counts against the file so
// that later reads cannot go out of range.
func (s *segment) checkColumn(c *columnMeta) error {
	in := func(r region) bool { return r.empty() || r.Off >= segHeaderLen && r.Len > 0 && r.Off+r.Len <= s.size }
	rows := 0
	for i, b := range c.Blocks {
		if !in(b.Data) || !in(b.Nulls) || b.Rows <= 0 || b.Rows > blockRows {
			return fmt.Errorf("column %s block %d is out of range", c.Name, i)
		}
		rows += b.Rows
	}
	if rows != s.footer.Rows || !in(c.Dict) || !in(c.Codes) || !in(c.Terms) || !in(c.Counts) {
		return fmt.Errorf("column %s does not match the segment's %d rows", c.Name, s.footer.Rows)
	}
	if _, ok := types.ParseType(c.Type); !ok {
		return fmt.Errorf("column %s has unknown type %q", c.Name, c.Type)
	}
	return nil
}

func (s *segment) close() error { return s.f.Close() }

// read reads and verifies a frame.
func (s *segment) read(r region, what string) ([]byte, error) {
	buf := make([]byte, r.Len)
	if _, err := s.f.ReadAt(buf, r.Off); err != nil {
		return nil, fmt.Errorf("segment %s: %s: %w", s.path, what, err)
	}
	payload, err := codec.OpenFrame(buf)
	if err != nil {
		return nil, fmt.Errorf("segment %s: %s: %w", s.path, what, err)
	}
	return payload, nil
}

// readInto is read into the memory of *buf (grown as needed); the payload is
// valid until *buf is reused.
func (s *segment) readInto(r region, what string, buf *[]byte) ([]byte, error) {
	if int64(cap(*buf)) < r.Len {
		*buf = make([]byte, r.Len)
	}
	b := (*buf)[:r.Len]
	if _, err := s.f.ReadAt(b, r.Off); err != nil {
		return nil, fmt.Errorf("segment %s: %s: %w", s.path, what, err)
	}
	payload, err := codec.OpenFrame(b)
	if err != nil {
		return nil, fmt.Errorf("segment %s: %s: %w", s.path, what, err)
	}
	return payload, nil
}

// framePool holds the buffers blocks are read into.
var framePool = sync.Pool{New: func() any { return new([]byte) }}

// dict returns the dictionary of column ci, read once and shared by every
// vector decoded from the column.
func (s *segment) dict(ci int) (*vector.Dict, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.dicts[ci]; ok {
		return d, nil
	}
	c := &s.footer.Columns[ci]
	b, err := s.read(c.Dict, "dictionary of "+c.Name)
	if err != nil {
		return nil, err
	}
	d, err := codec.DecodeDict(b)
	if err != nil {
		return nil, fmt.Errorf("segment %s: dictionary of %s: %w", s.path, c.Name, err)
	}
	vd := &vector.Dict{Values: d}
	s.dicts[ci] = vd
	return vd, nil
}

func (s *segment) codeIndex(ci int) (*bitmapList, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, ok := s.codes[ci]; ok {
		return l, nil
	}
	c := &s.footer.Columns[ci]
	b, err := s.read(c.Codes, "code index of "+c.Name)
	if err != nil {
		return nil, err
	}
	l, err := openBitmapList(b)
	if err != nil {
		return nil, fmt.Errorf("segment %s: code index of %s: %w", s.path, c.Name, err)
	}
	s.codes[ci] = l
	return l, nil
}

func (s *segment) termIndex(ci int) (*codec.TermIndex, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if x, ok := s.terms[ci]; ok {
		return x, nil
	}
	c := &s.footer.Columns[ci]
	b, err := s.read(c.Terms, "term index of "+c.Name)
	if err != nil {
		return nil, err
	}
	x, err := codec.OpenTermIndex(b)
	if err != nil {
		return nil, fmt.Errorf("segment %s: term index of %s: %w", s.path, c.Name, err)
	}
	s.terms[ci] = x
	return x, nil
}

// candidates returns the rows that may satisfy p, and whether they satisfy it
// exactly (no check of the values needed). ok is false when no index applies.
func (s *segment) candidates(p Pred) (bm *roaring.Bitmap, exact, ok bool, err error) {
	ci, found := s.cols[p.Column]
	if !found {
		// A column the segment lacks is empty: every row or none matches.
		bm := roaring.New()
		if p.matchOne("") {
			bm.AddRange(0, uint64(s.footer.Rows))
		}
		return bm, true, true, nil
	}
	c := &s.footer.Columns[ci]
	switch c.Enc {
	case encDict:
		bm, err := s.dictCandidates(ci, p)
		return bm, true, err == nil, err
	case encStrings, encDynamic:
		x, err := s.termIndex(ci)
		if err != nil {
			return nil, false, false, err
		}
		return termCandidates(x, p, c.Enc == encDynamic)
	}
	return nil, false, false, nil
}

// dictCandidates answers any predicate on a dictionary column exactly: the
// predicate is evaluated once per distinct value and the matching codes' row
// bitmaps are united.
func (s *segment) dictCandidates(ci int, p Pred) (*roaring.Bitmap, error) {
	vd, err := s.dict(ci)
	if err != nil {
		return nil, err
	}
	dict := vd.Values
	idx, err := s.codeIndex(ci)
	if err != nil {
		return nil, err
	}
	var codes []int
	if p.Op == Equals && !p.CaseInsensitive {
		for _, v := range p.Values {
			if i := sort.SearchStrings(dict, v); i < len(dict) && dict[i] == v {
				codes = append(codes, i)
			}
		}
	} else {
		if codes, err = p.filter(dict, nil); err != nil {
			return nil, fmt.Errorf("segment %s: %w", s.path, err)
		}
	}
	out, err := idx.union(codes)
	if err != nil {
		return nil, fmt.Errorf("segment %s: code index: %w", s.path, err)
	}
	return out, nil
}

// termCandidates narrows a predicate on a free-text column with its term index.
func termCandidates(x *codec.TermIndex, p Pred, dynamic bool) (*roaring.Bitmap, bool, bool, error) {
	switch p.Op {
	case HasTerm:
		t := strings.ToLower(p.Values[0])
		if len(t) < codec.MinTermLen {
			return nil, false, false, nil
		}
		bm, err := x.Lookup(t)
		if bm == nil {
			bm = roaring.New()
		}
		// Dynamic values are indexed as JSON text, whose escapes can split or join
		// terms, so candidates are checked.
		return bm, !dynamic, err == nil, err
	case TermPrefix:
		t := strings.ToLower(p.Values[0])
		if len(t) < codec.MinTermLen {
			return nil, false, false, nil
		}
		bm, err := x.Prefix(t)
		if bm == nil {
			bm = roaring.New()
		}
		return bm, !dynamic, err == nil, err
	case Equals:
		// A value's indexed terms must all be present; values without any indexed
		// term cannot be narrowed.
		out := roaring.New()
		for _, v := range p.Values {
			var terms []string
			codec.Terms(v, func(t string) { terms = append(terms, t) })
			if len(terms) == 0 {
				return nil, false, false, nil
			}
			var acc *roaring.Bitmap
			for _, t := range terms {
				bm, err := x.Lookup(t)
				if err != nil {
					return nil, false, false, err
				}
				if bm == nil {
					acc = roaring.New()
					break
				}
				if acc == nil {
					acc = bm.Clone()
				} else {
					acc.And(bm)
				}
			}
			out.Or(acc)
		}
		return out, false, true, nil
	}
	return nil, false, false, nil
}

// decodeBlock decodes block b of column ci into a vector of the block's rows.
func (s *segment) decodeBlock(ci, b int, typ types.Type) (*vector.Vector, error) {
	return s.decodeBlockAs(ci, b, typ, decodeOpts{})
}

// decodeOpts says how decodeBlockAs decodes a block.
type decodeOpts struct {
	// codesOnly leaves a dictionary column as Codes and Dict, without Strs.
	codesOnly bool
	// rows, when set (ascending), are the only rows that will be read: a
	// dictionary column's other codes may be left zero.
	rows []int
	// codes and ints are memory to decode into, used when large enough.
	codes []uint32
	ints  []int64
}

// decodeBlockAs is decodeBlock as o says.
func (s *segment) decodeBlockAs(ci, b int, typ types.Type, o decodeOpts) (*vector.Vector, error) {
	c := &s.footer.Columns[ci]
	bm := &c.Blocks[b]
	what := fmt.Sprintf("column %s block %d", c.Name, b)
	// Every decoder copies out of the block's bytes, so their buffer is
	// reused once the block is decoded.
	raw := framePool.Get().(*[]byte)
	defer framePool.Put(raw)
	data, err := s.readInto(bm.Data, what, raw)
	if err != nil {
		return nil, err
	}
	v := &vector.Vector{Type: typ, Len: bm.Rows}
	fail := func(err error) error { return fmt.Errorf("segment %s: %s: %w", s.path, what, err) }
	switch c.Enc {
	case encInts:
		ibuf := o.ints
		if cap(ibuf) < bm.Rows {
			ibuf = make([]int64, 0, bm.Rows)
		}
		if v.Ints, err = codec.DecodeInts(data, ibuf[:0]); err != nil {
			return nil, fail(err)
		}
		if len(v.Ints) != bm.Rows {
			return nil, fail(codec.ErrCorrupt)
		}
	case encReals:
		if v.Reals, err = codec.DecodeReals(data, make([]float64, 0, bm.Rows)); err != nil {
			return nil, fail(err)
		}
		if len(v.Reals) != bm.Rows {
			return nil, fail(codec.ErrCorrupt)
		}
	case encStrings:
		if v.Strs, err = codec.DecodeStrings(data, make([]string, 0, bm.Rows)); err != nil {
			return nil, fail(err)
		}
		if len(v.Strs) != bm.Rows {
			return nil, fail(codec.ErrCorrupt)
		}
	case encDict:
		dict, err := s.dict(ci)
		if err != nil {
			return nil, err
		}
		buf := o.codes
		if cap(buf) < bm.Rows {
			buf = make([]uint32, 0, bm.Rows)
		}
		rows := o.rows
		if rows != nil && !o.codesOnly {
			rows = nil // every string is made below
		}
		codes, err := codec.DecodeCodesAt(data, buf[:0], uint32(len(dict.Values)), rows)
		if err != nil {
			return nil, fail(err)
		}
		if len(codes) != bm.Rows {
			return nil, fail(codec.ErrCorrupt)
		}
		v.Codes, v.Dict = codes, dict
		if !o.codesOnly {
			v.Materialize()
		}
	case encDynamic:
		texts, err := codec.DecodeStrings(data, make([]string, 0, bm.Rows))
		if err != nil {
			return nil, fail(err)
		}
		if len(texts) != bm.Rows {
			return nil, fail(codec.ErrCorrupt)
		}
		v.Dyn = make([]any, bm.Rows)
		for i, t := range texts {
			if t == "" {
				continue
			}
			if v.Dyn[i], err = types.ParseDynamic(t); err != nil {
				return nil, fail(fmt.Errorf("%w: %v", codec.ErrCorrupt, err))
			}
		}
	default:
		return nil, fail(fmt.Errorf("%w: unknown encoding %q", codec.ErrCorrupt, c.Enc))
	}
	if !bm.Nulls.empty() {
		nb, err := s.read(bm.Nulls, what+" nulls")
		if err != nil {
			return nil, err
		}
		if v.Nulls, err = codec.DecodeBits(nb, bm.Rows); err != nil {
			return nil, fail(err)
		}
	}
	return v, nil
}
