package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/spoorhq/spoor/types"
)

// csvInput reads CSV: the first record names the columns, each later record is a row.
type csvInput struct {
	r        *Reader
	feed     *csvFeed
	cr       *csv.Reader
	eof      bool     // the input had no header at all
	names    []string // header names, trimmed; an empty one is ColumnN
	colField []int    // per table column: the header field that fills it, or -1
	extra    []int    // header fields with no column
	lastLine int64    // the line the previous record started on
	joinRec  []string
	joinBuf  bytes.Buffer
	interns  []interner // per table column, for string columns

	// Records are read on a goroutine of their own (see produce), a few
	// chunks ahead of the conversion into rows, which runs in Next.
	chunks  chan *csvChunk
	free    chan *csvChunk
	stop    chan struct{}
	stopped sync.Once
	cur     *csvChunk
	pos     int   // the next record of cur
	lines   int64 // Stats.Lines as of the chunks taken so far
	endErr  error // what ended the input, once cur is used up
	started bool
}

// csvChunk is a run of records read ahead, with the line each starts on and
// whether it was cut short (errRecordTooLong). fields holds the records'
// fields one after the other; ends[i] is where record i's end.
type csvChunk struct {
	fields []string
	ends   []int
	lines  []int64
	long   []bool
	total  int64 // input lines read at the end of the chunk
	err    error // what ended the input after these records, if anything
}

// Read-ahead: records per chunk and chunks in flight.
const (
	csvChunkRecords = 256
	csvChunksAhead  = 4
)

// interner shares the strings of a column's repeated values (device names,
// paths, hashes). encoding/csv returns a record's fields as views of one
// string, so a kept field would keep its whole record alive; and sealing
// recognises shared strings by address without reading their bytes again,
// which for values spread over a large heap costs a cache miss each. A
// column whose values are mostly new stops interning and copies its values
// into the batch's arena instead.
type interner struct {
	m            map[string]string
	off          bool
	hits, misses int
}

// Interning gives up on a column when more than half of a window of lookups
// miss, and forgets its values when it holds too many.
const (
	internWindow = 4096
	internMax    = 1 << 16
)

// str appends a string cell of column ci.
func (c *csvInput) str(ci int, col *column, s string) {
	if s == "" {
		col.appendStr("")
		return
	}
	in := &c.interns[ci]
	if !in.off {
		if v, ok := in.m[s]; ok {
			in.hits++
			col.appendStr(v)
			return
		}
		in.misses++
		if in.hits+in.misses >= internWindow {
			if in.misses > in.hits {
				in.off, in.m = true, nil
			}
			in.hits, in.misses = 0, 0
		}
		if !in.off {
			if in.m == nil || len(in.m) >= internMax {
				in.m = make(map[string]string, 256)
			}
			v := strings.Clone(s)
			in.m[v] = v
			col.appendStr(v)
			return
		}
	}
	b := &c.r.batch
	b.reserve(len(s))
	start := len(b.arena)
	b.arena = append(b.arena, s...)
	col.appendArena(start, len(b.arena))
}

// errRecordTooLong is how csvFeed stops encoding/csv, which would otherwise hold a
// record of any size in memory (an unclosed quote makes the rest of a file one field).
var errRecordTooLong = errors.New("record is longer than 16 MiB")

func newCSVInput(r *Reader) (*csvInput, error) {
	c := &csvInput{r: r, feed: &csvFeed{src: r.src}, interns: make([]interner, len(r.table.Columns)),
		stop: make(chan struct{})}
	c.cr = csv.NewReader(c.feed)
	c.cr.LazyQuotes = true
	c.cr.FieldsPerRecord = -1
	c.cr.ReuseRecord = true
	header, err := c.cr.Read()
	for err == nil && len(header) == 1 && strings.TrimSpace(header[0]) == "" {
		header, err = c.cr.Read() // a line of spaces before the header
	}
	c.feed.recStart = c.cr.InputOffset()
	switch {
	case err == io.EOF:
		c.eof = true
		return c, nil
	case errors.Is(err, errRecordTooLong):
		return nil, fmt.Errorf("read %s: the CSV header is longer than 16 MiB", r.name)
	case err != nil:
		return nil, fmt.Errorf("read %s: %w", r.name, err)
	}
	c.setHeader(header)
	if r.timeCol >= 0 && c.colField[r.timeCol] < 0 {
		shown := c.names
		if len(shown) > 8 {
			shown = append(shown[:8:8], "...")
		}
		return nil, fmt.Errorf("read %s: the CSV header has no %s column; the first line must name the columns (it has %s)",
			r.name, r.table.TimeColumn, strings.Join(shown, ", "))
	}
	return c, nil
}

// setHeader maps header fields to columns. When two fields name one column the better
// name match wins, or the later of equals; the other is a field without a column.
func (c *csvInput) setHeader(header []string) {
	r := c.r
	c.names = make([]string, len(header))
	c.colField = make([]int, len(r.table.Columns))
	for i := range c.colField {
		c.colField[i] = -1
	}
	ranks := make([]int, len(r.table.Columns))
	for i, h := range header {
		h = strings.TrimSpace(h)
		if h == "" {
			h = fmt.Sprintf("Column%d", i+1)
		}
		c.names[i] = h
		col, rank := r.cols.resolve(h)
		if col < 0 {
			c.extra = append(c.extra, i)
			continue
		}
		if prev := c.colField[col]; prev >= 0 {
			if ranks[col] > rank {
				c.extra = append(c.extra, i)
				continue
			}
			c.extra = append(c.extra, prev)
		}
		c.colField[col], ranks[col] = i, rank
	}
	if r.addCol < 0 {
		for _, i := range c.extra {
			if len(r.stats.UnknownFields) < maxUnknownNames {
				r.stats.UnknownFields[c.names[i]] += 0
			}
		}
	}
}

// step takes one record and turns it into a row or a reject. It returns io.EOF
// at the end and any read error.
func (c *csvInput) step() error {
	if c.eof {
		return io.EOF
	}
	if !c.started {
		c.started = true
		c.chunks = make(chan *csvChunk, csvChunksAhead)
		c.free = make(chan *csvChunk, csvChunksAhead+2)
		go c.produce()
	}
	for c.cur == nil || c.pos == len(c.cur.ends) {
		if c.cur != nil {
			c.free <- c.cur // never blocks: free has room for every chunk
			c.cur = nil
		}
		if c.endErr != nil {
			return c.endErr
		}
		ch, ok := <-c.chunks
		if !ok {
			return errClosed
		}
		c.cur, c.pos, c.lines, c.endErr = ch, 0, ch.total, ch.err
	}
	ch, i := c.cur, c.pos
	c.pos++
	lo := 0
	if i > 0 {
		lo = ch.ends[i-1]
	}
	rec, line := ch.fields[lo:ch.ends[i]], ch.lines[i]
	switch {
	case ch.long[i]:
		c.r.reject(line, errRecordTooLong.Error(), c.join(rec))
		return nil
	case len(rec) == 1 && len(c.names) > 1 && strings.TrimSpace(rec[0]) == "":
		return nil // a line of spaces
	case len(rec) != len(c.names):
		c.r.reject(line, fmt.Sprintf("%s, the header has %d", plural(int64(len(rec)), "field"), len(c.names)), c.join(rec))
		return nil
	}
	if reason := c.row(rec); reason != "" {
		c.r.reject(line, reason, c.join(rec))
	}
	return nil
}

// produce reads records into chunks until the input ends, a read fails or
// the reader is closed. It owns the csv reader and the feed.
func (c *csvInput) produce() {
	defer close(c.chunks)
	for {
		var ch *csvChunk
		select {
		case ch = <-c.free:
		default:
			ch = new(csvChunk)
		}
		clear(ch.fields)
		ch.fields, ch.ends, ch.lines, ch.long, ch.err = ch.fields[:0], ch.ends[:0], ch.lines[:0], ch.long[:0], nil
		for len(ch.ends) < csvChunkRecords && ch.err == nil {
			rec, err := c.cr.Read()
			c.feed.recStart = c.cr.InputOffset()
			long := errors.Is(err, errRecordTooLong)
			if err != nil && !long {
				ch.err = err
				break
			}
			ch.lines = append(ch.lines, c.startLine(rec))
			ch.fields = append(ch.fields, rec...)
			ch.ends = append(ch.ends, len(ch.fields))
			ch.long = append(ch.long, long)
		}
		ch.total = c.feed.lines()
		select {
		case c.chunks <- ch:
		case <-c.stop:
			return
		}
		if ch.err != nil {
			return
		}
	}
}

// close stops the read-ahead goroutine.
func (c *csvInput) close() {
	c.stopped.Do(func() { close(c.stop) })
}

// linesRead is Stats.Lines.
func (c *csvInput) linesRead() int64 {
	if c.started {
		return c.lines
	}
	return c.feed.lines()
}

// startLine is the line a record starts on.
func (c *csvInput) startLine(rec []string) int64 {
	if len(rec) == 0 {
		return c.lastLine + 1
	}
	line, _ := c.cr.FieldPos(0)
	c.lastLine = int64(line)
	return c.lastLine
}

func (c *csvInput) row(rec []string) string {
	r := c.r
	b := &r.batch
	arenaLen := len(b.arena)
	row := b.rows
	for ci := range b.cols {
		col := &b.cols[ci]
		if ci == r.addCol && len(c.extra) > 0 {
			if reason := c.additional(rec); reason != "" {
				r.abortRow(arenaLen)
				return reason
			}
			continue
		}
		fi := c.colField[ci]
		switch {
		case fi < 0:
			col.appendNull(row)
		case col.typ == types.String:
			c.str(ci, col, rec[fi])
		default:
			v, err := types.Parse(col.typ, rec[fi])
			if err != nil {
				r.abortRow(arenaLen)
				return "column " + r.table.Columns[ci].Name + ": " + err.Error()
			}
			col.appendValue(row, v)
		}
	}
	if r.addCol < 0 {
		for _, i := range c.extra {
			if rec[i] != "" {
				r.noteUnknown(c.names[i])
			}
		}
	}
	return r.commitRow(arenaLen)
}

// additional fills AdditionalFields from the cells of header fields without a column,
// as strings, merged into the record's own AdditionalFields object if it has one.
// Empty cells are left out: CSV cannot tell them from missing values.
func (c *csvInput) additional(rec []string) string {
	r := c.r
	col := &r.batch.cols[r.addCol]
	row := r.batch.rows
	own := types.NullOf(types.Dynamic)
	if fi := c.colField[r.addCol]; fi >= 0 {
		var err error
		if own, err = types.Parse(types.Dynamic, rec[fi]); err != nil {
			return "column " + r.table.Columns[r.addCol].Name + ": " + err.Error()
		}
	}
	var bag map[string]any
	for _, i := range c.extra {
		if rec[i] == "" {
			continue
		}
		if bag == nil {
			bag = make(map[string]any, len(c.extra))
		}
		bag[c.names[i]] = rec[i]
	}
	existing, isMap := own.D.(map[string]any)
	switch {
	case bag == nil:
		col.appendValue(row, own)
	case !own.Null && !isMap:
		for name := range bag {
			r.noteUnknown(name)
		}
		col.appendValue(row, own)
	default:
		col.appendValue(row, types.NewDynamic(mergeBag(existing, bag, r.noteUnknown)))
	}
	return ""
}

// join writes a record back as a CSV line, for Reject.Raw: only as much of it as can
// show in maxRawBytes.
func (c *csvInput) join(rec []string) []byte {
	part := c.joinRec[:0]
	budget := maxRawBytes
	for _, f := range rec {
		if budget < 0 {
			break
		}
		part = append(part, cutUTF8(f, budget))
		budget -= len(f) + 1
	}
	c.joinRec = part
	c.joinBuf.Reset()
	w := csv.NewWriter(&c.joinBuf)
	w.Write(part)
	w.Flush()
	return bytes.TrimSuffix(c.joinBuf.Bytes(), []byte("\n"))
}

// csvFeed passes the decompressed input to encoding/csv, counting lines and stopping
// a record that grows beyond MaxLineBytes: it fails the read with errRecordTooLong,
// skips the rest of the physical line and goes on, so the next Read starts afresh on
// the next line. Line numbers stay right: encoding/csv counts the cut line once,
// as it is.
//
// encoding/csv asks for more input only while the record it is reading has not ended,
// so at that moment every byte delivered since the previous record belongs to this
// one; that makes the limit exact.
type csvFeed struct {
	src       *bufio.Reader
	delivered int64 // bytes handed to encoding/csv
	recStart  int64 // its input offset at the end of the previous record
	newlines  int64
	last      byte // the last byte read, to count an unterminated last line
	seen      bool // any byte was read
	skipping  bool
}

func (f *csvFeed) Read(p []byte) (int, error) {
	if f.skipping {
		for {
			b, err := f.src.ReadSlice('\n')
			f.count(b)
			if err == nil {
				break
			}
			if err != bufio.ErrBufferFull {
				return 0, err
			}
		}
		f.skipping = false
	}
	// The record may take MaxLineBytes and its '\n', or its "\r\n".
	room := MaxLineBytes + 1 - (f.delivered - f.recStart)
	if room == 0 && f.last == '\r' {
		room = 1
	}
	if room <= 0 {
		f.skipping = true
		return 0, errRecordTooLong
	}
	if int64(len(p)) > room {
		p = p[:room]
	}
	n, err := f.src.Read(p)
	f.count(p[:n])
	f.delivered += int64(n)
	return n, err
}

func (f *csvFeed) count(b []byte) {
	if len(b) > 0 {
		f.newlines += int64(bytes.Count(b, []byte{'\n'}))
		f.last, f.seen = b[len(b)-1], true
	}
}

// lines is the number of lines read so far.
func (f *csvFeed) lines() int64 {
	if f.seen && f.last != '\n' {
		return f.newlines + 1
	}
	return f.newlines
}
