package ingest

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"unicode/utf16"
	"unicode/utf8"
)

// A JSON line is checked and split by a scanner of our own rather than by
// encoding/json, which builds a map and a boxed value for every field and reads JSON
// lines several times slower than the rest of ingest runs. The scanner accepts exactly
// the lines encoding/json accepts and decodes strings exactly as it does (invalid
// UTF-8 and lone surrogates become U+FFFD); FuzzJSONScanner holds it to that. Nested
// objects and arrays are only checked, and built as Go values (maps, slices and
// json.Number, as encoding/json with UseNumber would) only when a column needs them.

// maxJSONDepth is encoding/json's nesting limit, so the two agree on deep input.
const maxJSONDepth = 10000

// jsonKind is the kind of a JSON value.
type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonFalse
	jsonTrue
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

// jsonField is one member of a line's top-level object, as ranges of the line.
type jsonField struct {
	key    span // the key's bytes between its quotes
	val    span // a string's bytes between its quotes; any other value whole
	kind   jsonKind
	keyRaw bool  // the key's bytes are its text: no escapes, valid UTF-8
	valStr uint8 // a string value's strRaw and strASCII flags
}

// errNotObject is the reason for a line that does not start with '{', and
// errArray for one that starts with '[' (the line of a JSON array file, most likely).
var (
	errNotObject = errors.New("not a JSON object")
	errArray     = errors.New("not a JSON object but an array; JSON lines have one object a line")
)

// jsonScanner checks and splits one line.
type jsonScanner struct {
	b     []byte
	depth int
}

// scanLine checks that b is one JSON object, with only white space around it, and
// appends its members to fields.
func scanLine(b []byte, fields []jsonField) ([]jsonField, error) {
	s := jsonScanner{b: b}
	i := s.space(0)
	if i < len(b) && b[i] == '[' {
		return fields, errArray
	}
	if i >= len(b) || b[i] != '{' {
		return fields, errNotObject
	}
	s.depth = 1
	i = s.space(i + 1)
	if i < len(b) && b[i] == '}' {
		i++
	} else {
		for {
			if i >= len(b) || b[i] != '"' {
				return fields, s.errAt(i, "where a field name should start")
			}
			var f jsonField
			end, raw, err := s.str(i)
			if err != nil {
				return fields, err
			}
			f.key, f.keyRaw = span{i + 1, end - 1}, raw
			i = s.space(end)
			if i >= len(b) || b[i] != ':' {
				return fields, s.errAt(i, "after a field name")
			}
			i = s.space(i + 1)
			if i < len(b) && b[i] == '"' {
				f.kind = jsonString
				end, f.valStr, err = s.strFlags(i)
				f.val = span{i + 1, end - 1}
			} else {
				f.kind, end, _, err = s.value(i)
				f.val = span{i, end}
			}
			if err != nil {
				return fields, err
			}
			fields = append(fields, f)
			i = s.space(end)
			if i < len(b) && b[i] == ',' {
				i = s.space(i + 1)
				continue
			}
			if i < len(b) && b[i] == '}' {
				i++
				break
			}
			return fields, s.errAt(i, "after a field value")
		}
	}
	if i = s.space(i); i < len(b) {
		return fields, s.errAt(i, "after the object")
	}
	return fields, nil
}

func (s *jsonScanner) space(i int) int {
	for i < len(s.b) {
		switch s.b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// errAt describes a syntax error at byte i.
func (s *jsonScanner) errAt(i int, where string) error {
	if i >= len(s.b) {
		return errors.New("unexpected end of line")
	}
	c := s.b[i]
	var what string
	switch {
	case c == '\'':
		what = `"'"`
	case c >= 0x20 && c < 0x7f:
		what = fmt.Sprintf("'%c'", c)
	default:
		what = fmt.Sprintf("byte 0x%02x", c)
	}
	return fmt.Errorf("unexpected %s at column %d %s", what, i+1, where)
}

// value checks the value starting at i and returns its kind and the index past it.
// For a string, raw reports that its bytes are its text.
func (s *jsonScanner) value(i int) (kind jsonKind, end int, raw bool, err error) {
	if i >= len(s.b) {
		return 0, 0, false, s.errAt(i, "")
	}
	switch c := s.b[i]; {
	case c == '"':
		end, raw, err = s.str(i)
		return jsonString, end, raw, err
	case c == '{':
		end, err = s.object(i)
		return jsonObject, end, false, err
	case c == '[':
		end, err = s.array(i)
		return jsonArray, end, false, err
	case c == 't':
		end, err = s.literal(i, "true")
		return jsonTrue, end, false, err
	case c == 'f':
		end, err = s.literal(i, "false")
		return jsonFalse, end, false, err
	case c == 'n':
		end, err = s.literal(i, "null")
		return jsonNull, end, false, err
	case c == '-' || c >= '0' && c <= '9':
		end, err = s.number(i)
		return jsonNumber, end, false, err
	}
	return 0, 0, false, s.errAt(i, "where a value should start")
}

func (s *jsonScanner) literal(i int, lit string) (int, error) {
	for j := 0; j < len(lit); j++ {
		if i+j >= len(s.b) || s.b[i+j] != lit[j] {
			return 0, s.errAt(i+j, "in a literal")
		}
	}
	return i + len(lit), nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (s *jsonScanner) number(i int) (int, error) {
	b := s.b
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i++; i < len(b) && isDigit(b[i]); i++ {
		}
	default:
		return 0, s.errAt(i, "in a number")
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || !isDigit(b[i]) {
			return 0, s.errAt(i, "in a number")
		}
		for ; i < len(b) && isDigit(b[i]); i++ {
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigit(b[i]) {
			return 0, s.errAt(i, "in a number")
		}
		for ; i < len(b) && isDigit(b[i]); i++ {
		}
	}
	return i, nil
}

func (s *jsonScanner) object(i int) (int, error) {
	if s.depth++; s.depth > maxJSONDepth {
		return 0, fmt.Errorf("nested deeper than %d", maxJSONDepth)
	}
	b := s.b
	i = s.space(i + 1)
	if i < len(b) && b[i] == '}' {
		s.depth--
		return i + 1, nil
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return 0, s.errAt(i, "where a field name should start")
		}
		end, _, err := s.str(i)
		if err != nil {
			return 0, err
		}
		i = s.space(end)
		if i >= len(b) || b[i] != ':' {
			return 0, s.errAt(i, "after a field name")
		}
		if _, end, _, err = s.value(s.space(i + 1)); err != nil {
			return 0, err
		}
		i = s.space(end)
		if i < len(b) && b[i] == ',' {
			i = s.space(i + 1)
			continue
		}
		if i < len(b) && b[i] == '}' {
			s.depth--
			return i + 1, nil
		}
		return 0, s.errAt(i, "after a field value")
	}
}

func (s *jsonScanner) array(i int) (int, error) {
	if s.depth++; s.depth > maxJSONDepth {
		return 0, fmt.Errorf("nested deeper than %d", maxJSONDepth)
	}
	b := s.b
	i = s.space(i + 1)
	if i < len(b) && b[i] == ']' {
		s.depth--
		return i + 1, nil
	}
	for {
		_, end, _, err := s.value(i)
		if err != nil {
			return 0, err
		}
		i = s.space(end)
		if i < len(b) && b[i] == ',' {
			i = s.space(i + 1)
			continue
		}
		if i < len(b) && b[i] == ']' {
			s.depth--
			return i + 1, nil
		}
		return 0, s.errAt(i, "after an array element")
	}
}

// Bytes of eight equal values, for looking at eight bytes at a time.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// Flags of a scanned string.
const (
	strRaw   = 1 << iota // its bytes are its text: no escapes, valid UTF-8
	strASCII             // its bytes are all ASCII
)

// str checks the string whose opening quote is at i and returns the index past its
// closing quote, and whether its bytes are its text (no escapes, valid UTF-8).
func (s *jsonScanner) str(i int) (end int, raw bool, err error) {
	end, flags, err := s.strFlags(i)
	return end, flags&strRaw != 0, err
}

// strFlags is str with the strRaw and strASCII flags.
func (s *jsonScanner) strFlags(i int) (end int, flags uint8, err error) {
	b := s.b
	start := i + 1
	i = start
	var high uint64 // or of the bytes seen, to tell whether any is not ASCII
	escaped := false
	for {
		// Fast path: skip eight bytes at a time while none is a quote, a backslash or
		// a control character. The lowest flagged byte is exact; borrows can only
		// flag bytes above it.
		for i+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[i:])
			high |= x
			q := x ^ (lsb * '"')
			e := x ^ (lsb * '\\')
			m := ((q - lsb) &^ q) | ((e - lsb) &^ e) | ((x - lsb*0x20) &^ x)
			if m &= msb; m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		if i >= len(b) {
			return 0, 0, s.errAt(i, "")
		}
		switch c := b[i]; {
		case c == '"':
			ascii := high&msb == 0 || isASCII(b[start:i])
			if ascii {
				flags = strASCII
			}
			if !escaped && (ascii || utf8.Valid(b[start:i])) {
				flags |= strRaw
			}
			return i + 1, flags, nil
		case c == '\\':
			escaped = true
			if i+1 >= len(b) {
				return 0, 0, s.errAt(i+1, "")
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				for j := i + 2; j < i+6; j++ {
					if j >= len(b) || !isHex(b[j]) {
						return 0, 0, s.errAt(j, "in a \\u escape")
					}
				}
				i += 6
			default:
				return 0, 0, s.errAt(i+1, "after a backslash in a string")
			}
		case c < 0x20:
			return 0, 0, s.errAt(i, "in a string")
		default:
			high |= uint64(c)
			i++
		}
	}
}

// isASCII reports whether b has only ASCII bytes.
func isASCII(b []byte) bool {
	var high uint64
	for len(b) >= 8 {
		high |= binary.LittleEndian.Uint64(b)
		b = b[8:]
	}
	for _, c := range b {
		high |= uint64(c)
	}
	return high&msb == 0
}

func isHex(c byte) bool {
	return isDigit(c) || c|0x20 >= 'a' && c|0x20 <= 'f'
}

func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case isDigit(c):
			c -= '0'
		case c|0x20 >= 'a' && c|0x20 <= 'f':
			c = c | 0x20 - 'a' + 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// appendUnquotedASCII is appendUnquoted for a string of ASCII bytes, whose text is
// never longer than its bytes. Fast path: runs without a backslash are copied eight
// bytes at a time.
func appendUnquotedASCII(dst, src []byte) []byte {
	n := len(dst)
	dst = slices.Grow(dst, len(src))[:n+len(src)]
	w := n
	for i := 0; i < len(src); {
		// Eight bytes are copied at a time, also when a backslash is among them: the
		// bytes from it on are written again. There is room, as w <= n+i.
		for i+8 <= len(src) {
			x := binary.LittleEndian.Uint64(src[i:])
			binary.LittleEndian.PutUint64(dst[w:], x)
			if e := x ^ (lsb * '\\'); (e-lsb)&^e&msb != 0 {
				k := bits.TrailingZeros64((e-lsb)&^e&msb) >> 3
				i, w = i+k, w+k
				break
			}
			i, w = i+8, w+8
		}
		if i >= len(src) {
			break
		}
		c := src[i]
		if c != '\\' {
			dst[w] = c
			i, w = i+1, w+1
			continue
		}
		switch c = src[i+1]; c {
		case 'b':
			c = '\b'
		case 'f':
			c = '\f'
		case 'n':
			c = '\n'
		case 'r':
			c = '\r'
		case 't':
			c = '\t'
		case 'u':
			// Rare: finish with the general decoder, which may write more.
			return appendUnquoted(dst[:w], src[i:])
		}
		dst[w] = c
		i, w = i+2, w+1
	}
	return dst[:w]
}

// appendUnquoted appends the text of a checked JSON string's bytes (between the
// quotes) to dst, as encoding/json decodes it.
func appendUnquoted(dst, src []byte) []byte {
	for len(src) > 0 {
		j := bytes.IndexByte(src, '\\')
		if j < 0 {
			j = len(src)
		}
		dst = appendUTF8(dst, src[:j])
		src = src[j:]
		if len(src) == 0 {
			break
		}
		switch c := src[1]; c {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := hex4(src[2:])
			src = src[6:]
			if utf16.IsSurrogate(r) {
				low := rune(-1)
				if len(src) >= 6 && src[0] == '\\' && src[1] == 'u' {
					low = hex4(src[2:])
				}
				if d := utf16.DecodeRune(r, low); d != utf8.RuneError {
					r = d
					src = src[6:]
				} else {
					r = utf8.RuneError
				}
			}
			dst = utf8.AppendRune(dst, r)
			continue
		default: // '"', '\\', '/'
			dst = append(dst, c)
		}
		src = src[2:]
	}
	return dst
}

// appendUTF8 appends b with every byte that is not part of valid UTF-8 replaced by
// U+FFFD.
func appendUTF8(dst, b []byte) []byte {
	if utf8.Valid(b) {
		return append(dst, b...)
	}
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			dst = utf8.AppendRune(dst, utf8.RuneError)
		} else {
			dst = append(dst, b[:n]...)
		}
		b = b[n:]
	}
	return dst
}

// text returns a string's text from its bytes between the quotes.
func text(b []byte, raw bool) string {
	if raw {
		return string(b)
	}
	return string(appendUnquoted(nil, b))
}

// build returns the Go value of the checked JSON value at i, as encoding/json with
// UseNumber decodes it, and the index past it.
func (s *jsonScanner) build(i int) (any, int) {
	b := s.b
	switch b[i] {
	case '"':
		end, raw, _ := s.str(i)
		return text(b[i+1:end-1], raw), end
	case '{':
		m := map[string]any{}
		i = s.space(i + 1)
		if b[i] == '}' {
			return m, i + 1
		}
		for {
			end, raw, _ := s.str(i)
			k := text(b[i+1:end-1], raw)
			v, n := s.build(s.space(s.space(end) + 1))
			m[k] = v
			i = s.space(n)
			if b[i] == '}' {
				return m, i + 1
			}
			i = s.space(i + 1)
		}
	case '[':
		a := []any{}
		i = s.space(i + 1)
		if b[i] == ']' {
			return a, i + 1
		}
		for {
			v, n := s.build(i)
			a = append(a, v)
			i = s.space(n)
			if b[i] == ']' {
				return a, i + 1
			}
			i = s.space(i + 1)
		}
	case 't':
		return true, i + 4
	case 'f':
		return false, i + 5
	case 'n':
		return nil, i + 4
	}
	end, _ := s.number(i)
	return json.Number(b[i:end]), end
}

// fieldValue returns a field's value as encoding/json with UseNumber decodes it.
func fieldValue(line []byte, f *jsonField) any {
	switch f.kind {
	case jsonString:
		return text(line[f.val.start:f.val.end], f.valStr&strRaw != 0)
	case jsonNull:
		return nil
	case jsonTrue:
		return true
	case jsonFalse:
		return false
	}
	s := jsonScanner{b: line[:f.val.end]}
	v, _ := s.build(f.val.start)
	return v
}
