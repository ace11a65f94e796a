package functions

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// More string functions: several replacements at once, joins, code points,
// parsers of URLs, paths, command lines, CSV and versions, and the base64 and
// compression helpers that decode attack payloads.

func init() {
	scalar("replace_strings", 3, 3, "Replaces each lookup string with its rewrite at once: the first lookups win, replaced text is not searched again, and a rewrite that is not a string keeps its lookup's matches",
		sig(types.String, textArg.as("text"), dynArg.as("lookups"), dynArg.as("rewrites")), rowsTo(types.String, replaceStringsRow))
	scalar("strcat_array", 2, 2, "Joins the elements of a dynamic array, each as tostring gives it, with a delimiter",
		sig(types.String, dynArg.as("array"), textArg.as("delimiter")), rowsTo(types.String, func(args []*vector.Vector, i int) types.Value {
			arr, _ := args[0].Dyn[i].([]any)
			parts := make([]string, len(arr))
			for k, d := range arr {
				parts[k] = dynText(d)
			}
			return types.NewString(strings.Join(parts, textAt(args[1], i)))
		}))
	scalar("translate", 3, 3, "Replaces each character of the search list in a string with the character at its position in the replacement list (the last one past its end; none when it is empty)",
		sig(types.String, textArg.as("searchList"), textArg.as("replacementList"), textArg.as("source")), rowsTo(types.String, translateRow))
	scalar("has_any_index", 2, 2, "The index of the first lookup of a dynamic array that the text has as a term (as 'has' matches); -1 when none",
		sig(types.Long, textArg.as("source"), dynArg.as("lookups")), rowsTo(types.Long, func(args []*vector.Vector, i int) types.Value {
			arr, ok := args[1].Dyn[i].([]any)
			if !ok {
				return types.NullOf(types.Long)
			}
			text := textAt(args[0], i)
			for k, d := range arr {
				if d == nil {
					continue
				}
				m := newTermMatcher(dynText(d), termWhole, true)
				if m.match(text) {
					return types.NewLong(int64(k))
				}
			}
			return types.NewLong(-1)
		}))
	scalar("indexof_regex", 2, 5, "The position of the first (or occurrence-th) match of a regex, searching an optional range; -1 when absent",
		regexCheck(1, 0, sig(types.Long, textArg.as("string"), textArg.as("regex"), intArg.as("start"), intArg.as("length"), intArg.as("occurrence"))),
		rowsTo(types.Long, indexofRegexRow))
	scalar("isascii", 1, 1, "Whether every character of a string is ASCII", sig(types.Bool, textArg),
		rowsTo(types.Bool, func(args []*vector.Vector, i int) types.Value {
			s := textAt(args[0], i)
			for k := 0; k < len(s); k++ {
				if s[k] >= utf8.RuneSelf {
					return types.NewBool(false)
				}
			}
			return types.NewBool(true)
		}))
	scalar("isutf8", 1, 1, "Whether a string is valid UTF-8", sig(types.Bool, textArg),
		rowsTo(types.Bool, func(args []*vector.Vector, i int) types.Value {
			return types.NewBool(utf8.ValidString(textAt(args[0], i)))
		}))
	scalar("regex_quote", 1, 1, "A string with the regex metacharacters escaped, to match it literally", sig(types.String, textArg),
		strToStr(regexp.QuoteMeta))
	scalar("unicode_codepoints_from_string", 1, 1, "The Unicode code points of a string, as a dynamic array of longs", sig(types.Dynamic, textArg),
		rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			if nullAt(args[0], i) {
				return types.NullOf(types.Dynamic)
			}
			out := []any{}
			for _, r := range textAt(args[0], i) {
				out = append(out, int64(r))
			}
			return types.NewDynamic(out)
		}))
	scalar("unicode_codepoints_to_string", 1, -1, "The string of Unicode code points given as numbers or dynamic arrays of numbers",
		sig(types.String, param{desc: "an integer or a dynamic array", ok: func(t types.Type) bool { return isInteger(t) || t == types.Dynamic }}),
		rowsTo(types.String, func(args []*vector.Vector, i int) types.Value {
			var b strings.Builder
			put := func(d any) bool {
				x, ok := dynLong(d)
				if !ok || x < 0 || x > utf8.MaxRune {
					return false
				}
				b.WriteRune(rune(x))
				return true
			}
			for _, a := range args {
				if arr, isArr := dynAt(a, i).([]any); isArr {
					for _, d := range arr {
						if !put(d) {
							return types.NewString("")
						}
					}
					continue
				}
				if !put(dynAt(a, i)) {
					return types.NewString("")
				}
			}
			return types.NewString(b.String())
		}))
	scalar("parse_url", 1, 1, "The parts of a URL as a dynamic bag: Scheme, Host, Port, Path, Username, Password, Query Parameters, Fragment",
		sig(types.Dynamic, textArg), rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			return types.NewDynamic(parseURL(textAt(args[0], i)))
		}))
	scalar("parse_urlquery", 1, 1, "The parameters of a URL query as a dynamic bag {\"Query Parameters\": {...}}, values decoded",
		sig(types.Dynamic, textArg), rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			return types.NewDynamic(map[string]any{"Query Parameters": queryParams(strings.TrimPrefix(textAt(args[0], i), "?"))})
		}))
	scalar("parse_path", 1, 1, "The parts of a file path as a dynamic bag: Scheme, RootPath, DirectoryPath, DirectoryName, Filename, Extension, AlternateDataStreamName",
		sig(types.Dynamic, textArg), rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			return types.NewDynamic(parsePath(textAt(args[0], i)))
		}))
	scalar("parse_command_line", 2, 2, "The arguments of a command line as a dynamic array of strings, split as Windows does (parser \"windows\")",
		sig(types.Dynamic, textArg.as("command_line"), textArg.as("parser")), rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			if !strings.EqualFold(textAt(args[1], i), "windows") {
				return types.NullOf(types.Dynamic)
			}
			return types.NewDynamic(windowsArgs(textAt(args[0], i)))
		}))
	scalar("parse_csv", 1, 1, "The fields of the first record of CSV text, as a dynamic array of strings", sig(types.Dynamic, textArg),
		rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			r := csv.NewReader(strings.NewReader(textAt(args[0], i)))
			r.FieldsPerRecord, r.LazyQuotes = -1, true
			rec, err := r.Read()
			if err != nil {
				return types.NewDynamic([]any{""})
			}
			out := make([]any, len(rec))
			for k, f := range rec {
				out[k] = f
			}
			return types.NewDynamic(out)
		}))
	scalar("parse_version", 1, 1, "A version of one to four numeric parts (of at most 8 digits) as a comparable decimal; null when it is not one",
		sig(types.Decimal, textArg), rowsTo(types.Decimal, func(args []*vector.Vector, i int) types.Value {
			d, ok := parseVersion(textAt(args[0], i))
			if !ok {
				return types.NullOf(types.Decimal)
			}
			return types.Value{Type: types.Decimal, S: d}
		}))
	scalar("format_bytes", 1, 4, "A size in bytes as text with a unit: format_bytes(size [, precision [, units [, base]]]), base 2 by default",
		sig(types.String, numArg.as("size"), intArg.as("precision"), textArg.as("units"), intArg.as("base")), rowsTo(types.String, formatBytesRow))
	scalar("tohex", 1, 2, "An integer in lower-case hex (two's complement when negative), padded with zeros to an optional length",
		sig(types.String, intArg.as("value"), intArg.as("minLength")), rowsTo(types.String, func(args []*vector.Vector, i int) types.Value {
			x, ok := longAt(args[0], i)
			if !ok {
				return types.NewString("")
			}
			var s string
			if args[0].Type == types.Int {
				s = strconv.FormatUint(uint64(uint32(x)), 16)
			} else {
				s = strconv.FormatUint(uint64(x), 16)
			}
			if len(args) > 1 {
				if w, ok := longAt(args[1], i); ok && int(w) > len(s) && w <= 64 {
					s = strings.Repeat("0", int(w)-len(s)) + s
				}
			}
			return types.NewString(s)
		}))

	scalar("base64_decode_toarray", 1, 1, "Decodes base64 to a dynamic array of the bytes; null when the text is not base64", sig(types.Dynamic, textArg),
		rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			b, ok := decodeBase64(textAt(args[0], i))
			if !ok {
				return types.NullOf(types.Dynamic)
			}
			out := make([]any, len(b))
			for k, c := range b {
				out[k] = int64(c)
			}
			return types.NewDynamic(out)
		}))
	scalar("base64_encode_fromarray", 1, 1, "The base64 encoding of a dynamic array of bytes", sig(types.String, dynArg),
		rowsTo(types.String, func(args []*vector.Vector, i int) types.Value {
			arr, ok := args[0].Dyn[i].([]any)
			if !ok {
				return types.NewString("")
			}
			b := make([]byte, len(arr))
			for k, d := range arr {
				x, ok := dynLong(d)
				if !ok || x < 0 || x > 255 {
					return types.NewString("")
				}
				b[k] = byte(x)
			}
			return types.NewString(base64.StdEncoding.EncodeToString(b))
		}))
	scalar("base64_decode_toguid", 1, 1, "Decodes base64 of a GUID's 16 bytes (in .NET's order) to a guid", sig(types.Guid, textArg),
		rowsTo(types.Guid, func(args []*vector.Vector, i int) types.Value {
			b, ok := decodeBase64(textAt(args[0], i))
			if !ok || len(b) != 16 {
				return types.NullOf(types.Guid)
			}
			g := fmt.Sprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%x-%x", b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8:10], b[10:])
			return types.Value{Type: types.Guid, S: g}
		}))
	scalar("base64_encode_fromguid", 1, 1, "The base64 encoding of a guid's 16 bytes, in .NET's order", sig(types.String, param{desc: "a guid", ok: func(t types.Type) bool {
		return t == types.Guid || isTextual(t)
	}}), rowsTo(types.String, func(args []*vector.Vector, i int) types.Value {
		g, ok := guidAt(args[0], i)
		if !ok {
			return types.NewString("")
		}
		h := strings.ReplaceAll(g, "-", "")
		raw := make([]byte, 16)
		for k := range raw {
			x, _ := strconv.ParseUint(h[2*k:2*k+2], 16, 8)
			raw[k] = byte(x)
		}
		raw[0], raw[1], raw[2], raw[3] = raw[3], raw[2], raw[1], raw[0]
		raw[4], raw[5], raw[6], raw[7] = raw[5], raw[4], raw[7], raw[6]
		return types.NewString(base64.StdEncoding.EncodeToString(raw))
	}))
	for _, z := range []struct {
		name, doc string
		reader    func(io.Reader) (io.Reader, error)
	}{
		{"zlib_decompress_from_base64_string", "Decodes base64 and decompresses zlib data to a UTF-8 string; empty when it is neither",
			func(r io.Reader) (io.Reader, error) { return zlib.NewReader(r) }},
		{"gzip_decompress_from_base64_string", "Decodes base64 and decompresses gzip data to a UTF-8 string; empty when it is neither",
			func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
	} {
		z := z
		scalar(z.name, 1, 1, z.doc, sig(types.String, textArg), strToStr(func(s string) string {
			b, ok := decodeBase64(s)
			if !ok {
				return ""
			}
			r, err := z.reader(bytes.NewReader(b))
			if err != nil {
				return ""
			}
			out, err := io.ReadAll(io.LimitReader(r, 64<<20))
			if err != nil || !utf8.Valid(out) {
				return ""
			}
			return string(out)
		}))
	}
	scalar("zlib_compress_to_base64_string", 1, 1, "Compresses a string with zlib and encodes it in base64", sig(types.String, textArg),
		strToStr(func(s string) string {
			var b bytes.Buffer
			w := zlib.NewWriter(&b)
			w.Write([]byte(s))
			w.Close()
			return base64.StdEncoding.EncodeToString(b.Bytes())
		}))
	scalar("gzip_compress_to_base64_string", 1, 1, "Compresses a string with gzip and encodes it in base64", sig(types.String, textArg),
		strToStr(func(s string) string {
			var b bytes.Buffer
			w := gzip.NewWriter(&b)
			w.Write([]byte(s))
			w.Close()
			return base64.StdEncoding.EncodeToString(b.Bytes())
		}))
}

// decodeBase64 decodes standard base64 as .NET's Convert.FromBase64String does,
// which Kusto uses: white space is ignored, and the padding is required, so text
// whose length is not a multiple of 4 is not base64.
func decodeBase64(s string) ([]byte, bool) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, s)
	b, err := base64.StdEncoding.DecodeString(s)
	return b, err == nil
}

func replaceStringsRow(args []*vector.Vector, i int) types.Value {
	text := textAt(args[0], i)
	lookups, ok1 := args[1].Dyn[i].([]any)
	rewrites, ok2 := args[2].Dyn[i].([]any)
	if !ok1 || !ok2 {
		return types.NewString(text)
	}
	type piece struct {
		s    string
		done bool // replaced text, not searched again
	}
	pieces := []piece{{s: text}}
	for k, l := range lookups {
		old := dynText(l)
		if old == "" {
			continue
		}
		rw := ""
		if k < len(rewrites) {
			r, ok := rewrites[k].(string)
			if !ok {
				r = old // a rewrite that is not a string keeps the matches as they are
			}
			rw = r
		}
		var next []piece
		for _, p := range pieces {
			if p.done || !strings.Contains(p.s, old) {
				next = append(next, p)
				continue
			}
			parts := strings.Split(p.s, old)
			for j, part := range parts {
				if j > 0 {
					next = append(next, piece{s: rw, done: true})
				}
				if part != "" {
					next = append(next, piece{s: part})
				}
			}
		}
		pieces = next
	}
	var b strings.Builder
	for _, p := range pieces {
		b.WriteString(p.s)
	}
	return types.NewString(b.String())
}

func translateRow(args []*vector.Vector, i int) types.Value {
	search, repl, src := []rune(textAt(args[0], i)), []rune(textAt(args[1], i)), textAt(args[2], i)
	var b strings.Builder
	for _, r := range src {
		k := -1
		for j, s := range search {
			if s == r {
				k = j
				break
			}
		}
		switch {
		case k < 0:
			b.WriteRune(r)
		case len(repl) == 0:
		case k < len(repl):
			b.WriteRune(repl[k])
		default:
			b.WriteRune(repl[len(repl)-1])
		}
	}
	return types.NewString(b.String())
}

// indexofRegexRow follows indexof: a negative start counts from the end, the
// searched range is start..start+length (length -1 is the rest), and it gives
// the code-point position of the occurrence-th match.
func indexofRegexRow(args []*vector.Vector, i int) types.Value {
	null := types.NullOf(types.Long)
	c := newCodePoints(textAt(args[0], i))
	re, err := compileRegex(textAt(args[1], i))
	if err != nil {
		return null
	}
	l := int64(c.len())
	start, length, occ := int64(0), int64(-1), int64(1)
	var ok bool
	if len(args) > 2 {
		if start, ok = longAt(args[2], i); !ok {
			return null
		}
	}
	if len(args) > 3 {
		if length, ok = longAt(args[3], i); !ok || length < -1 {
			return null
		}
	}
	if len(args) > 4 {
		if occ, ok = longAt(args[4], i); !ok || occ <= 0 {
			return null
		}
	}
	if start < 0 {
		start = max(start+l, 0)
	}
	if start > l {
		return types.NewLong(-1)
	}
	end := l
	if length >= 0 {
		end = min(l, start+length)
	}
	sub := c.slice(int(start), int(end))
	locs := re.FindAllStringIndex(sub, int(occ))
	if int64(len(locs)) < occ {
		return types.NewLong(-1)
	}
	return types.NewLong(start + int64(utf8.RuneCountInString(sub[:locs[occ-1][0]])))
}

// parseURL splits scheme://user:password@host:port/path?query#fragment. Its
// Path has no leading slash, as in the docs' example.
func parseURL(s string) map[string]any {
	out := map[string]any{"Scheme": "", "Host": "", "Port": "", "Path": "", "Username": "", "Password": "",
		"Query Parameters": map[string]any{}, "Fragment": ""}
	k := strings.Index(s, "://")
	if k <= 0 {
		return map[string]any{}
	}
	out["Scheme"], s = s[:k], s[k+3:]
	if k := strings.IndexByte(s, '#'); k >= 0 {
		out["Fragment"], s = s[k+1:], s[:k]
	}
	if k := strings.IndexByte(s, '?'); k >= 0 {
		out["Query Parameters"], s = queryParams(s[k+1:]), s[:k]
	}
	if k := strings.IndexByte(s, '/'); k >= 0 {
		out["Path"], s = s[k+1:], s[:k]
	}
	if k := strings.LastIndexByte(s, '@'); k >= 0 {
		user := s[:k]
		s = s[k+1:]
		if j := strings.IndexByte(user, ':'); j >= 0 {
			out["Password"], user = user[j+1:], user[:j]
		}
		out["Username"] = user
	}
	host := s
	if strings.HasPrefix(s, "[") {
		if j := strings.IndexByte(s, ']'); j >= 0 {
			host = s[:j+1]
			if rest := s[j+1:]; strings.HasPrefix(rest, ":") {
				out["Port"] = rest[1:]
			}
		}
	} else if j := strings.LastIndexByte(s, ':'); j >= 0 {
		host, out["Port"] = s[:j], s[j+1:]
	}
	out["Host"] = host
	return out
}

// queryParams decodes a URL query into a bag; a repeated key keeps its last value.
func queryParams(q string) map[string]any {
	out := map[string]any{}
	for _, kv := range strings.Split(q, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		if dv, err := url.QueryUnescape(v); err == nil {
			v = dv
		}
		out[k] = v
	}
	return out
}

// parsePath splits a Windows or Unix file path as the docs' examples show.
func parsePath(p string) map[string]any {
	out := map[string]any{"Scheme": "", "RootPath": "", "DirectoryPath": "", "DirectoryName": "", "Filename": "",
		"Extension": "", "AlternateDataStreamName": ""}
	if k := strings.Index(p, "://"); k > 0 {
		out["Scheme"], p = p[:k], p[k+3:]
	}
	sep := func(c byte) bool { return c == '/' || c == '\\' }
	last := -1
	for k := len(p) - 1; k >= 0; k-- {
		if sep(p[k]) {
			last = k
			break
		}
	}
	dir, file := "", p
	if last >= 0 {
		dir, file = p[:last], p[last+1:]
	}
	if k := strings.IndexByte(file, ':'); k >= 0 {
		out["AlternateDataStreamName"], file = file[k+1:], file[:k]
	}
	out["Filename"] = file
	if k := strings.LastIndexByte(file, '.'); k >= 0 {
		out["Extension"] = file[k+1:]
	}
	out["DirectoryPath"] = dir
	name := dir
	for k := len(dir) - 1; k >= 0; k-- {
		if sep(dir[k]) {
			name = dir[k+1:]
			break
		}
	}
	out["DirectoryName"] = name
	root := dir
	if strings.HasPrefix(root, `\\?\`) {
		root = root[4:]
	}
	if len(root) >= 2 && root[1] == ':' {
		out["RootPath"] = root[:2]
	}
	return out
}

// windowsArgs splits a command line as CommandLineToArgvW does: spaces and tabs
// separate arguments outside quotes, 2n backslashes before a quote are n
// backslashes and the quote toggles quoting, 2n+1 are n and a literal quote, and
// "" inside quotes is a literal quote.
func windowsArgs(s string) []any {
	out := []any{}
	var cur strings.Builder
	inArg, quoted := false, false
	for k := 0; k < len(s); k++ {
		c := s[k]
		switch {
		case c == '\\':
			n := 0
			for k < len(s) && s[k] == '\\' {
				n++
				k++
			}
			if k < len(s) && s[k] == '"' {
				cur.WriteString(strings.Repeat(`\`, n/2))
				if n%2 == 1 {
					cur.WriteByte('"')
				} else {
					quoted = !quoted
				}
			} else {
				cur.WriteString(strings.Repeat(`\`, n))
				k--
			}
			inArg = true
		case c == '"':
			if quoted && k+1 < len(s) && s[k+1] == '"' {
				cur.WriteByte('"')
				k++
			} else {
				quoted = !quoted
			}
			inArg = true
		case (c == ' ' || c == '\t') && !quoted:
			if inArg {
				out = append(out, cur.String())
				cur.Reset()
				inArg = false
			}
		default:
			cur.WriteByte(c)
			inArg = true
		}
	}
	if inArg {
		out = append(out, cur.String())
	}
	return out
}

// parseVersion reads 1 to 4 dot-separated parts of up to 8 digits into a
// decimal where each part fills 8 digits, so that versions compare as numbers.
func parseVersion(s string) (string, bool) {
	parts := strings.Split(strings.TrimSpace(s), ".")
	if len(parts) > 4 {
		return "", false
	}
	var b strings.Builder
	for k := 0; k < 4; k++ {
		p := "0"
		if k < len(parts) {
			p = parts[k]
		}
		if p == "" || len(p) > 8 {
			return "", false
		}
		for j := 0; j < len(p); j++ {
			if p[j] < '0' || p[j] > '9' {
				return "", false
			}
		}
		if k == 0 {
			b.WriteString(p)
		} else {
			fmt.Fprintf(&b, "%08s", p)
		}
	}
	return parseTyped(types.Decimal, b.String())
}

var byteUnits = []string{"Bytes", "KB", "MB", "GB", "TB", "PB", "EB"}

func formatBytesRow(args []*vector.Vector, i int) types.Value {
	size, ok := realAt(args[0], i)
	if !ok {
		return types.NewString("")
	}
	precision, unit, base := int64(0), "", 1024.0
	if len(args) > 1 {
		if precision, ok = longAt(args[1], i); !ok || precision < 0 {
			precision = 0
		}
	}
	if len(args) > 2 {
		unit = textAt(args[2], i)
	}
	if len(args) > 3 {
		if b, ok := longAt(args[3], i); ok && b == 10 {
			base = 1000
		} else if ok && b != 2 {
			return types.NewString("")
		}
	}
	k := -1
	for j, u := range byteUnits {
		if strings.EqualFold(u, unit) || unit == "" && j == 0 {
			k = j
		}
	}
	if unit == "" {
		k = 0
		for k < len(byteUnits)-1 && math.Abs(size) >= math.Pow(base, float64(k+1)) {
			k++
		}
	}
	if k < 0 {
		return types.NewString("")
	}
	v := size / math.Pow(base, float64(k))
	text := strconv.FormatFloat(roundReal(v, precision), 'f', -1, 64)
	return types.NewString(text + " " + byteUnits[k])
}
