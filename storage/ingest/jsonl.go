package ingest

import (
	"bufio"
	"encoding/json"
	"io"
	"math"
	"strconv"

	"github.com/spoorhq/spoor/types"
)

// jsonInput reads JSON lines: one object a line, its fields mapped to columns by name.
type jsonInput struct {
	r      *Reader
	lineNo int64
	long   []byte // a line longer than the read buffer, assembled

	fields  []jsonField
	keys    map[string]*keyInfo // by the key's bytes as written
	lastKey []lastKey           // the previous row's keys by position: rows repeat them
	slots   []slot              // per column: the field that fills it in this row
	gen     uint32              // row generation, so slots need no clearing
	extra   []int               // fields with no column, in this row
	keyOf   []*keyInfo          // per field of this row
}

// keyInfo is what an input field name means for the table.
type keyInfo struct {
	name string
	col  int // -1: no column
	rank int
}

type lastKey struct {
	raw  string
	info *keyInfo
}

// slot says which field fills a column in the current row.
type slot struct {
	gen   uint32
	field int32
	rank  int8
}

// maxKeyCache bounds the distinct field names remembered, so input with ever new names
// costs time, not memory.
const maxKeyCache = 4096

func newJSONInput(r *Reader) *jsonInput {
	return &jsonInput{
		r:     r,
		keys:  map[string]*keyInfo{},
		slots: make([]slot, len(r.table.Columns)),
	}
}

// step reads one line and turns it into a row or a reject. It returns io.EOF at the
// end and any read error; blank lines are skipped.
func (j *jsonInput) step() error {
	line, tooLong, err := j.readLine()
	if err != nil {
		return err
	}
	j.lineNo++
	j.r.stats.Lines++
	if tooLong {
		j.r.reject(j.lineNo, "line is longer than 16 MiB", line)
		return nil
	}
	if blank(line) {
		return nil
	}
	if reason := j.row(line); reason != "" {
		j.r.reject(j.lineNo, reason, line)
	}
	return nil
}

// readLine returns the next line without its line ending. The slice is valid until
// the next call. A line above MaxLineBytes is read to its end but only its start is
// kept, and tooLong is set.
func (j *jsonInput) readLine() (line []byte, tooLong bool, err error) {
	src := j.r.src
	line, err = src.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		j.long = append(j.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = src.ReadSlice('\n')
			switch {
			case tooLong:
			case len(j.long)+len(line) > MaxLineBytes+2: // room for "\r\n"
				tooLong = true
				j.long = append(j.long, line[:min(len(line), maxRawBytes)]...)
			default:
				j.long = append(j.long, line...)
			}
		}
		line = j.long
	}
	switch {
	case err == io.EOF && len(line) > 0:
	case err != nil:
		return nil, false, err
	}
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if len(line) > MaxLineBytes {
		tooLong = true
	}
	return line, tooLong, nil
}

// blank reports a line with nothing but JSON white space.
func blank(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}

// key returns what the key of field i means, remembering names by their bytes and by
// their position in the previous row (fast path: same key order as the previous line).
func (j *jsonInput) key(i int, line []byte, f *jsonField) *keyInfo {
	raw := line[f.key.start:f.key.end]
	if i < len(j.lastKey) && j.lastKey[i].raw == string(raw) {
		return j.lastKey[i].info
	}
	k, ok := j.keys[string(raw)]
	if !ok {
		k = &keyInfo{name: text(raw, f.keyRaw)}
		k.col, k.rank = j.r.cols.resolve(k.name)
		if len(j.keys) < maxKeyCache {
			j.keys[string(raw)] = k
		}
	}
	for len(j.lastKey) <= i {
		j.lastKey = append(j.lastKey, lastKey{})
	}
	if f.keyRaw {
		j.lastKey[i] = lastKey{raw: k.name, info: k}
	} else {
		j.lastKey[i] = lastKey{raw: string(raw), info: k}
	}
	return k
}

// row converts one line into a row of the batch, or returns why it cannot.
func (j *jsonInput) row(line []byte) string {
	var err error
	j.fields, err = scanLine(line, j.fields[:0])
	if err != nil {
		if err == errNotObject || err == errArray {
			return err.Error()
		}
		return "invalid JSON: " + err.Error()
	}

	// Assign fields to columns. When two fields land on one column the better name
	// match wins; the loser is handled as a field without a column, unless it is the
	// same name again, where the last one wins as in encoding/json.
	j.gen++
	j.extra = j.extra[:0]
	keyOf := j.keyOf[:0]
	for i := range j.fields {
		k := j.key(i, line, &j.fields[i])
		keyOf = append(keyOf, k)
		if k.col < 0 {
			j.extra = append(j.extra, i)
			continue
		}
		s := &j.slots[k.col]
		switch {
		case s.gen != j.gen:
		case int(s.rank) > k.rank:
			j.extra = append(j.extra, i)
			continue
		case keyOf[s.field].name != k.name:
			j.extra = append(j.extra, int(s.field))
		}
		*s = slot{gen: j.gen, field: int32(i), rank: int8(k.rank)}
	}
	j.keyOf = keyOf
	if j.r.addCol < 0 {
		for _, i := range j.extra {
			j.r.noteUnknown(keyOf[i].name)
		}
	}

	b := &j.r.batch
	arenaLen := len(b.arena)
	row := b.rows
	for c := range b.cols {
		col := &b.cols[c]
		if c == j.r.addCol && len(j.extra) > 0 {
			if reason := j.additional(line, keyOf); reason != "" {
				j.r.abortRow(arenaLen)
				return reason
			}
			continue
		}
		s := j.slots[c]
		if s.gen != j.gen {
			col.appendNull(row)
			continue
		}
		if err := j.convert(col, row, line, &j.fields[s.field]); err != nil {
			j.r.abortRow(arenaLen)
			return "column " + j.r.table.Columns[c].Name + ": " + err.Error()
		}
	}
	return j.r.commitRow(arenaLen)
}

// convert appends field f's value to col. Fast paths cover the common cases whose
// result is plain (a JSON string into a string column, a JSON integer into a long);
// everything else goes through types.FromJSON, or types.Parse where FromJSON would
// (a JSON string or number into a typed column), saving the boxing.
func (j *jsonInput) convert(col *column, row int, line []byte, f *jsonField) error {
	b := &j.r.batch
	v := line[f.val.start:f.val.end]
	switch f.kind {
	case jsonNull:
		col.appendNull(row)
		return nil
	case jsonString:
		switch col.typ {
		case types.String:
			b.reserve(len(v))
			start := len(b.arena)
			switch {
			case f.valStr&strRaw != 0:
				b.arena = append(b.arena, v...)
			case f.valStr&strASCII != 0:
				b.arena = appendUnquotedASCII(b.arena, v)
			default:
				b.arena = appendUnquoted(b.arena, v)
			}
			col.appendArena(start, len(b.arena))
			return nil
		case types.Dynamic:
			return j.convertValue(col, row, text(v, f.valStr&strRaw != 0))
		}
		x, err := types.Parse(col.typ, text(v, f.valStr&strRaw != 0))
		if err != nil {
			return err
		}
		col.appendValue(row, x)
		return nil
	case jsonNumber:
		switch col.typ {
		case types.Long:
			if n, ok := smallInt(v); ok {
				col.appendInt(n)
				return nil
			}
		case types.Int:
			if n, ok := smallInt(v); ok && n >= math.MinInt32 && n <= math.MaxInt32 {
				col.appendInt(n)
				return nil
			}
		case types.Real:
			if x, err := strconv.ParseFloat(string(v), 64); err == nil {
				col.appendReal(x)
				return nil
			}
		case types.String:
			b.reserve(len(v))
			start := len(b.arena)
			b.arena = append(b.arena, v...)
			col.appendArena(start, len(b.arena))
			return nil
		case types.Dynamic:
			return j.convertValue(col, row, json.Number(v))
		}
		x, err := types.Parse(col.typ, string(v))
		if err != nil {
			return err
		}
		col.appendValue(row, x)
		return nil
	case jsonTrue, jsonFalse:
		if col.typ == types.Bool {
			col.appendInt(int64(f.kind - jsonFalse))
			return nil
		}
	}
	return j.convertValue(col, row, fieldValue(line, f))
}

// convertValue appends a decoded JSON value through types.FromJSON.
func (j *jsonInput) convertValue(col *column, row int, v any) error {
	x, err := types.FromJSON(col.typ, v)
	if err != nil {
		return err
	}
	col.appendValue(row, x)
	return nil
}

// smallInt reads a JSON integer of at most 18 digits, which cannot overflow; longer
// ones and fractions go the general way.
func smallInt(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// additional fills the AdditionalFields column of a row that has fields without a
// column: they become members of its property bag, merged into the row's own
// AdditionalFields object when it has one. Fields that cannot go in (the row's value
// is not an object, or has a member of the same name) are counted as unknown.
func (j *jsonInput) additional(line []byte, keyOf []*keyInfo) string {
	r := j.r
	col := &r.batch.cols[r.addCol]
	row := r.batch.rows
	var own types.Value
	if s := j.slots[r.addCol]; s.gen == j.gen {
		var err error
		own, err = types.FromJSON(types.Dynamic, fieldValue(line, &j.fields[s.field]))
		if err != nil {
			return "column " + r.table.Columns[r.addCol].Name + ": " + err.Error()
		}
	} else {
		own = types.NullOf(types.Dynamic)
	}
	existing, isMap := own.D.(map[string]any)
	if !own.Null && !isMap {
		for _, i := range j.extra {
			r.noteUnknown(keyOf[i].name)
		}
		col.appendValue(row, own)
		return ""
	}
	raw := make(map[string]any, len(j.extra))
	for _, i := range j.extra {
		raw[keyOf[i].name] = fieldValue(line, &j.fields[i])
	}
	bag, err := types.FromJSON(types.Dynamic, raw)
	if err != nil {
		return "column " + r.table.Columns[r.addCol].Name + ": " + err.Error()
	}
	extra, _ := bag.D.(map[string]any)
	col.appendValue(row, types.NewDynamic(mergeBag(existing, extra, r.noteUnknown)))
	return ""
}
