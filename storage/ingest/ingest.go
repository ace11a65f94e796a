// Package ingest turns input files (JSON lines or CSV, plain, gzip or zstd) into typed
// column batches of a table, ready for the store. A row that cannot be converted is
// rejected with its line number and a reason instead of failing the whole file, so one
// bad line in a day of telemetry costs one line.
//
// Input fields (JSON members, CSV header names) map to columns by exact name, else
// ignoring case; TimeGenerated fills a table's Timestamp when it has no TimeGenerated
// column, and the other way round. A missing field is null. A field without a column
// goes into the table's AdditionalFields column if it has a dynamic one (merged into
// the row's own AdditionalFields object), and is otherwise counted in
// Stats.UnknownFields for the caller to report. Values are converted by
// types.FromJSON (JSON) and types.Parse (CSV cells). Every row needs a value in the
// table's time column, not older than the retention window.
package ingest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Format is the syntax of an input.
type Format int

// The input formats. Auto picks one from the file name and the first bytes.
const (
	Auto Format = iota
	JSONL
	CSV
)

func (f Format) String() string {
	switch f {
	case JSONL:
		return "jsonl"
	case CSV:
		return "csv"
	}
	return "auto"
}

// ParseFormat reads a format name as given on a command line: auto, jsonl (or json,
// ndjson) and csv, in any case.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "auto", "":
		return Auto, nil
	case "jsonl", "json", "ndjson":
		return JSONL, nil
	case "csv":
		return CSV, nil
	}
	return Auto, fmt.Errorf("unknown format %q (auto, jsonl, csv)", s)
}

// Options tune a Reader. The zero value reads any format with no retention check.
type Options struct {
	Format Format

	// Now and Retention reject rows whose time column is older than Now-Retention,
	// which the store would drop at once anyway. Zero Retention disables the check; a
	// zero Now is the wall clock when the reader is made.
	Now       time.Time
	Retention time.Duration

	// BatchRows is the most rows a batch holds (default DefaultBatchRows).
	BatchRows int
}

// DefaultBatchRows is the batch size when Options.BatchRows is zero.
const DefaultBatchRows = 16384

// MaxLineBytes is the longest JSON line or CSV record accepted; a longer one is
// rejected and skipped without holding it in memory.
const MaxLineBytes = 16 << 20

// maxRawBytes bounds Reject.Raw.
const maxRawBytes = 4 << 10

// Limits that end a batch early so that memory stays bounded whatever the input:
// the bytes of string data a batch holds, and the rejects waiting for Rejects.
const (
	maxBatchStringBytes = 64 << 20
	maxPendingRejects   = 4096
)

// Reject is an input row that could not be converted. The caller writes rejects to a
// rejects file and counts them.
type Reject struct {
	// Line is the 1-based line of the row: the JSON line, or the line a CSV record
	// starts on.
	Line int64
	// Reason says what was wrong, naming the column when one was, such as
	// `column Timestamp: cannot convert "yesterday" to datetime`.
	Reason string
	// Raw is the input line (JSON lines) or the CSV record joined again, cut to 4 KiB.
	Raw string
}

// Stats counts what a Reader has read so far.
type Stats struct {
	Lines    int64 // input lines read, blank ones included
	Rows     int64 // rows returned in batches
	Rejected int64 // rows rejected
	Bytes    int64 // input bytes read, before decompression
	// UnknownFields counts, per input field name, the rows that carried a value for a
	// field the table has no column for and that could not go to AdditionalFields.
	// The caller reports them: such values are not stored. A CSV header column that
	// the table lacks is listed from the start, with 0 until a row has a value.
	UnknownFields map[string]int64
}

// Reader reads one input (a file or stdin) and yields batches of a table's columns.
// Next, Rejects and Stats are called from one goroutine at a time; Close from any.
// Next returns batches until io.EOF; after each call the caller collects Rejects.
// Compressed input is decompressed on a goroutine of its own, a few hundred KiB
// ahead; it ends with the input, and Close ends it early.
type Reader struct {
	name   string
	table  *schema.Table
	format Format

	counter  *countingReader
	closeDec func() // stops decompression; safe to call again and from any goroutine
	closed   atomic.Bool
	src      *bufio.Reader

	batch    batch
	timeCol  int   // index of the time column, or -1
	cutoff   int64 // oldest datetime ticks accepted, when checkAge
	checkAge bool
	window   string // the retention window in words, for reasons

	cols    columnMap
	addCol  int // index of the AdditionalFields dynamic column, or -1
	json    *jsonInput
	csv     *csvInput
	rejects []Reject
	stats   Stats

	rowUnknown []string // unknown fields of the row being built
	err        error    // sticky: io.EOF or the error that stopped reading
}

// NewReader prepares to read r, named name (a file name or "-"; it picks the format
// and appears in errors). Gzip and zstd input is recognised by its magic bytes and
// decompressed. With Format Auto, the name's extension (.jsonl, .json, .ndjson, .csv,
// optionally followed by .gz, .zst or .zstd) picks the format; without one, input
// whose first non-space byte is '{' is JSON lines and anything else CSV. For CSV the
// header is read here, and a header without the table's time column is an error.
func NewReader(r io.Reader, name string, t *schema.Table, opts Options) (*Reader, error) {
	if t == nil || len(t.Columns) == 0 {
		return nil, errors.New("ingest: the table has no columns")
	}
	rd := &Reader{name: name, table: t, timeCol: -1, addCol: -1}
	if t.TimeColumn != "" {
		rd.timeCol = t.Index(t.TimeColumn)
		if rd.timeCol < 0 {
			return nil, fmt.Errorf("table %s: time column %s is not a column", t.Name, t.TimeColumn)
		}
		if t.Columns[rd.timeCol].Type != types.Datetime {
			return nil, fmt.Errorf("table %s: time column %s is %s, not datetime", t.Name, t.TimeColumn, t.Columns[rd.timeCol].Type)
		}
	}
	if i := t.Index("AdditionalFields"); i >= 0 && t.Columns[i].Type == types.Dynamic {
		rd.addCol = i
	}
	if opts.Retention > 0 {
		now := opts.Now
		if now.IsZero() {
			now = time.Now()
		}
		rd.checkAge = true
		rd.cutoff = types.TimeToTicks(now) - int64(opts.Retention/100)
		rd.window = describeWindow(opts.Retention)
	}
	rows := opts.BatchRows
	if rows <= 0 {
		rows = DefaultBatchRows
	}
	rd.batch.init(t, rows)
	rd.cols = newColumnMap(t)
	rd.stats.UnknownFields = map[string]int64{}

	if err := rd.open(r, opts.Format); err != nil {
		rd.Close()
		return nil, err
	}
	return rd, nil
}

// readBufferSize is the buffer for decompressed input: large, so most lines are
// parsed where they lie.
const readBufferSize = 1 << 20

// open detects compression and format and, for CSV, reads the header.
func (r *Reader) open(in io.Reader, format Format) error {
	r.counter = &countingReader{r: in}
	raw := bufio.NewReaderSize(r.counter, readBufferSize)
	magic, err := raw.Peek(4)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return fmt.Errorf("read %s: %w", r.name, err)
	}
	switch {
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		zr, err := gzip.NewReader(raw)
		if err != nil {
			return fmt.Errorf("read %s: not a valid gzip stream: %w", r.name, err)
		}
		p := newPrefetcher(zr, func() { zr.Close() })
		r.closeDec = p.stop
		r.src = bufio.NewReaderSize(p, readBufferSize)
	case len(magic) == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd:
		// Synchronous decoding: the prefetcher already gives it a core of its own.
		zr, err := zstd.NewReader(raw, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return fmt.Errorf("read %s: not a valid zstd stream: %w", r.name, err)
		}
		p := newPrefetcher(zr, zr.Close)
		r.closeDec = p.stop
		r.src = bufio.NewReaderSize(p, readBufferSize)
	default:
		r.src = raw
	}

	p, err := r.src.Peek(3)
	switch {
	case err != nil && err != io.EOF:
		return fmt.Errorf("read %s: %w", r.name, err)
	case string(p) == "\xef\xbb\xbf":
		r.src.Discard(3)
	case len(p) >= 2 && (p[0] == 0xff && p[1] == 0xfe || p[0] == 0xfe && p[1] == 0xff):
		return fmt.Errorf("read %s: the input is UTF-16 text; save it as UTF-8", r.name)
	}

	if format == Auto {
		format = formatFromName(r.name)
	}
	if format == Auto {
		format, err = sniffFormat(r.src)
		if err != nil {
			return fmt.Errorf("read %s: %w", r.name, err)
		}
	}
	r.format = format
	switch format {
	case JSONL:
		r.json = newJSONInput(r)
	case CSV:
		c, err := newCSVInput(r)
		if err != nil {
			return err
		}
		r.csv = c
	default:
		return fmt.Errorf("unknown format %d", format)
	}
	return nil
}

// Format is the input's format, as given or detected.
func (r *Reader) Format() Format { return r.format }

// formatFromName reads the format from a file name's extension, Auto if it has none
// that we know.
func formatFromName(name string) Format {
	n := strings.ToLower(name)
	for _, ext := range []string{".gz", ".zst", ".zstd"} {
		if strings.HasSuffix(n, ext) {
			n = n[:len(n)-len(ext)]
			break
		}
	}
	switch {
	case strings.HasSuffix(n, ".jsonl"), strings.HasSuffix(n, ".json"), strings.HasSuffix(n, ".ndjson"):
		return JSONL
	case strings.HasSuffix(n, ".csv"):
		return CSV
	}
	return Auto
}

// sniffFormat looks at the first non-space byte: '{' starts JSON lines, anything else
// is CSV. Input with nothing but space is read as JSON lines, which yields no rows.
func sniffFormat(src *bufio.Reader) (Format, error) {
	c, err := firstByte(src)
	switch {
	case err != nil:
		return Auto, err
	case c == '{' || c == 0:
		return JSONL, nil
	}
	return CSV, nil
}

// firstByte peeks at the first byte that is not JSON white space: 0 if there is none
// within the read buffer.
func firstByte(src *bufio.Reader) (byte, error) {
	for n := 512; ; n *= 2 {
		p, err := src.Peek(min(n, src.Size()))
		for _, c := range p {
			switch c {
			case ' ', '\t', '\r', '\n':
				continue
			}
			return c, nil
		}
		switch {
		case err == io.EOF || err == bufio.ErrBufferFull || len(p) == src.Size():
			return 0, nil
		case err != nil:
			return 0, err
		}
	}
}

// Next returns the next batch: one vector per table column, in table order, each of
// its column's type and rows long. The caller owns the vectors. A batch holds at most
// BatchRows rows and may hold fewer, even none, when the input ends or many rows were
// rejected; only io.EOF means the end. A read or decompression error is returned after
// the rows read before it. Call Rejects after every call, the last one included.
func (r *Reader) Next() (cols []*vector.Vector, rows int, err error) {
	if r.err == nil && r.closed.Load() {
		r.err = errClosed
	}
	if r.err != nil {
		return nil, 0, r.err
	}
	b := &r.batch
	for b.rows < b.capacity && len(b.arena) < maxBatchStringBytes && len(r.rejects) < maxPendingRejects {
		var err error
		if r.json != nil {
			err = r.json.step()
		} else {
			err = r.csv.step()
		}
		if err != nil {
			r.err = err
			if err != io.EOF {
				r.err = fmt.Errorf("read %s: %w", r.name, err)
			}
			r.release()
			break
		}
	}
	if b.rows == 0 && r.err != nil {
		return nil, 0, r.err
	}
	rows = b.rows
	cols = b.finish()
	r.stats.Rows += int64(rows)
	return cols, rows, nil
}

// Rejects returns the rows rejected since the previous call. The caller owns the slice.
func (r *Reader) Rejects() []Reject {
	out := r.rejects
	r.rejects = nil
	return out
}

// Stats returns the counts so far; the map is a copy.
func (r *Reader) Stats() Stats {
	s := r.stats
	s.Bytes = r.counter.n.Load()
	if r.csv != nil {
		s.Lines = r.csv.linesRead()
	}
	s.UnknownFields = maps.Clone(r.stats.UnknownFields)
	return s
}

// errClosed is what Next returns after Close.
var errClosed = errors.New("ingest: reader is closed")

// Close stops reading: it ends the decompressing goroutine, which otherwise waits for
// the next Next, and releases the decompressor. A reader abandoned before Next has
// returned io.EOF or an error must be closed; closing it after that, or twice, is
// harmless. Close may be called from any goroutine, also while Next runs, which then
// returns what it has read or an error; later calls of Next fail. Close never fails,
// and it does not close the io.Reader given to NewReader.
func (r *Reader) Close() error {
	r.closed.Store(true)
	r.release()
	return nil
}

func (r *Reader) release() {
	if r.csv != nil {
		r.csv.close()
	}
	if r.closeDec != nil {
		r.closeDec()
	}
}

// reject records a rejected row; raw is copied and cut to maxRawBytes.
func (r *Reader) reject(line int64, reason string, raw []byte) {
	r.stats.Rejected++
	r.rejects = append(r.rejects, Reject{Line: line, Reason: reason, Raw: string(cutUTF8(raw, maxRawBytes))})
}

// checkTime applies the time-column rules to the row being built; it returns a
// reason for rejecting it, or "".
func (r *Reader) checkTime() string {
	if r.timeCol < 0 {
		return ""
	}
	c := &r.batch.cols[r.timeCol]
	row := r.batch.rows
	if c.isNull(row) {
		return "column " + r.table.TimeColumn + " is empty; every row needs a time"
	}
	if r.checkAge && c.ints[row] < r.cutoff {
		return "older than the retention window (" + r.window + ")"
	}
	return ""
}

// noteUnknown notes a field of the current row that has no column and no place in
// AdditionalFields; it is counted when the row is committed.
func (r *Reader) noteUnknown(name string) {
	r.rowUnknown = append(r.rowUnknown, name)
}

// commitRow checks the time column of the row built so far and keeps the row, or
// drops it and returns why.
func (r *Reader) commitRow(arenaLen int) string {
	if reason := r.checkTime(); reason != "" {
		r.abortRow(arenaLen)
		return reason
	}
	for _, name := range r.rowUnknown {
		r.countUnknown(name)
	}
	r.rowUnknown = r.rowUnknown[:0]
	r.batch.rows++
	return ""
}

// maxUnknownNames bounds the names in Stats.UnknownFields; fields of further names
// are counted together under OtherUnknownFields, so input with ever new names cannot
// exhaust memory.
const maxUnknownNames = 1000

// OtherUnknownFields is the Stats.UnknownFields entry that counts the fields whose
// names came after the first 1000 distinct ones.
const OtherUnknownFields = "(other fields)"

func (r *Reader) countUnknown(name string) {
	m := r.stats.UnknownFields
	if _, ok := m[name]; !ok && len(m) >= maxUnknownNames {
		name = OtherUnknownFields
	}
	m[name]++
}

// abortRow drops the row being built.
func (r *Reader) abortRow(arenaLen int) {
	r.batch.rollback(arenaLen)
	r.rowUnknown = r.rowUnknown[:0]
}

// describeWindow prints a retention window in words: "30 days", "12 hours", or Go's
// duration syntax for anything else.
func describeWindow(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return plural(int64(d/(24*time.Hour)), "day")
	case d%time.Hour == 0:
		return plural(int64(d/time.Hour), "hour")
	}
	return d.String()
}

func plural(n int64, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// cutUTF8 cuts b to at most n bytes without splitting a UTF-8 sequence.
func cutUTF8[T string | []byte](b T, n int) T {
	if len(b) <= n {
		return b
	}
	i := n
	for i > 0 && i > n-4 && b[i]&0xc0 == 0x80 {
		i--
	}
	return b[:i]
}

// countingReader counts the bytes read from the input, for Stats.Bytes. The count is
// atomic because a prefetcher reads on its own goroutine.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// Prefetching: decompression runs on its own goroutine, a chunk or two ahead of the
// parser, so that on two cores a compressed file reads about as fast as a plain one.
const (
	prefetchChunks    = 4
	prefetchChunkSize = 256 << 10
)

// prefetcher reads a decompressor ahead on its own goroutine. The goroutine owns the
// decompressor and closes it when it ends: at the end of the input, on an error, or
// when stop is called (a read it is blocked in finishes first).
type prefetcher struct {
	full     chan *chunk
	free     chan *chunk
	done     chan struct{}
	stopOnce sync.Once
	cur      *chunk
	off      int
}

// chunk is decompressed data and the error that ended it, if any.
type chunk struct {
	b   []byte
	err error
}

func newPrefetcher(dec io.Reader, closeDec func()) *prefetcher {
	p := &prefetcher{
		full: make(chan *chunk, prefetchChunks),
		free: make(chan *chunk, prefetchChunks),
		done: make(chan struct{}),
	}
	for range prefetchChunks {
		p.free <- &chunk{b: make([]byte, prefetchChunkSize)}
	}
	go p.run(dec, closeDec)
	return p
}

func (p *prefetcher) run(dec io.Reader, closeDec func()) {
	defer closeDec()
	for {
		var c *chunk
		select {
		case c = <-p.free:
		case <-p.done:
			return
		}
		c.b = c.b[:cap(c.b)]
		n := 0
		var err error
		for n < len(c.b) && err == nil {
			var m int
			m, err = dec.Read(c.b[n:])
			n += m
		}
		c.b, c.err = c.b[:n], err
		select {
		case p.full <- c:
		case <-p.done:
			return
		}
		if err != nil {
			return
		}
	}
}

// Read is called from the goroutine that calls Next; after stop it fails.
func (p *prefetcher) Read(b []byte) (int, error) {
	for p.cur == nil || p.off == len(p.cur.b) {
		if p.cur != nil {
			if p.cur.err != nil {
				return 0, p.cur.err
			}
			p.free <- p.cur // never blocks: free has room for every chunk
			p.cur = nil
		}
		select {
		case p.cur = <-p.full:
			p.off = 0
		case <-p.done:
			return 0, errClosed
		}
	}
	n := copy(b, p.cur.b[p.off:])
	p.off += n
	return n, nil
}

func (p *prefetcher) stop() {
	p.stopOnce.Do(func() { close(p.done) })
}
