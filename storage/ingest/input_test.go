package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/spoorhq/spoor/schema"
)

// gzipped and zstded compress test input.
func gzipped(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zstded(t testing.TB, b []byte) []byte {
	w, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	return w.EncodeAll(b, nil)
}

func TestInputs(t *testing.T) {
	jsonl := []byte("{\"Timestamp\":\"2024-01-31T10:00:00Z\",\"Id\":1}\n{\"Timestamp\":\"2024-01-31T11:00:00Z\",\"Id\":2}\n")
	csvText := []byte("Timestamp,Id\n2024-01-31T10:00:00Z,1\n2024-01-31T11:00:00Z,2\n")
	want := "2024-01-31T10:00:00Z||1|∅|∅|∅|∅|∅|∅|∅,2024-01-31T11:00:00Z||2|∅|∅|∅|∅|∅|∅|∅"
	tests := []struct {
		name   string
		file   string
		format Format
		input  []byte
		want   Format
	}{
		{"jsonl sniffed", "-", Auto, jsonl, JSONL},
		{"csv sniffed", "-", Auto, csvText, CSV},
		{"jsonl by name", "a.ndjson", Auto, jsonl, JSONL},
		{"csv by name", "a.CSV", Auto, csvText, CSV},
		{"format beats name", "a.csv", JSONL, jsonl, JSONL},
		{"gzip", "a.jsonl.gz", Auto, gzipped(t, jsonl), JSONL},
		{"gzip sniffed", "-", Auto, gzipped(t, csvText), CSV},
		{"two gzip members", "a.gz", Auto, append(gzipped(t, jsonl[:45]), gzipped(t, jsonl[45:])...), JSONL},
		{"zstd", "a.csv.zst", Auto, zstded(t, csvText), CSV},
		{"zstd sniffed", "-", Auto, zstded(t, jsonl), JSONL},
		{"BOM jsonl", "-", Auto, append([]byte("\xef\xbb\xbf"), jsonl...), JSONL},
		{"BOM csv", "-", Auto, append([]byte("\xef\xbb\xbf"), csvText...), CSV},
		{"BOM gzip", "-", Auto, gzipped(t, append([]byte("\xef\xbb\xbf"), csvText...)), CSV},
		{"CRLF jsonl", "-", Auto, bytes.ReplaceAll(jsonl, []byte("\n"), []byte("\r\n")), JSONL},
		{"CRLF csv", "-", Auto, bytes.ReplaceAll(csvText, []byte("\n"), []byte("\r\n")), CSV},
		{"no final newline jsonl", "-", Auto, bytes.TrimSuffix(jsonl, []byte("\n")), JSONL},
		{"no final newline csv", "-", Auto, bytes.TrimSuffix(csvText, []byte("\n")), CSV},
		{"leading blank lines jsonl", "-", Auto, append([]byte("\n  \n\t\n"), jsonl...), JSONL},
	}
	tab := testTable(t, false)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(bytes.NewReader(tt.input), tt.file, tab, Options{Format: tt.format})
			if err != nil {
				t.Fatal(err)
			}
			if r.Format() != tt.want {
				t.Errorf("format %s, want %s", r.Format(), tt.want)
			}
			res := readAll(t, tt.input, tt.file, tab, Options{Format: tt.format})
			if res.err != nil || len(res.rejects) > 0 {
				t.Fatalf("err %v, rejects %v", res.err, res.rejects)
			}
			if got := strings.Join(res.rows, ","); got != want {
				t.Errorf("rows\n%s\nwant\n%s", got, want)
			}
			if res.stats.Bytes != int64(len(tt.input)) {
				t.Errorf("Bytes %d, want %d", res.stats.Bytes, len(tt.input))
			}
			if res.stats.Rows != 2 {
				t.Errorf("Rows %d", res.stats.Rows)
			}
		})
	}
}

func TestEmptyInputs(t *testing.T) {
	tab := testTable(t, false)
	for _, in := range []string{"", "\n\n", "  \r\n", "\xef\xbb\xbf", "Timestamp,Id\n", "Timestamp,Id", "Timestamp,Id\r\n\r\n"} {
		for _, name := range []string{"-", "a.csv", "a.jsonl"} {
			res := readAll(t, []byte(in), name, tab, Options{})
			if res.err != nil {
				t.Errorf("%q as %s: %v", in, name, res.err)
			}
			if len(res.rows) > 0 || len(res.rejects) > 0 && name != "a.jsonl" {
				t.Errorf("%q as %s: rows %q rejects %v", in, name, res.rows, res.rejects)
			}
		}
		res := readAll(t, gzipped(t, []byte(in)), "-", tab, Options{})
		if res.err != nil || len(res.rows) > 0 {
			t.Errorf("%q gzipped: rows %q err %v", in, res.rows, res.err)
		}
	}
}

func TestLongLines(t *testing.T) {
	tab := testTable(t, false)
	big := strings.Repeat("x", MaxLineBytes-100)
	tooBig := strings.Repeat("y", MaxLineBytes+1)
	okLine := `{"Timestamp":"2024-01-31T10:00:00Z","Name":"` + big + `"}`
	in := okLine + "\n" + `{"Name":"` + tooBig + `"}` + "\n" + `{"Timestamp":"2024-01-31T10:00:00Z","Id":3}` + "\n"
	res := readAll(t, []byte(in), "-", tab, Options{})
	if len(res.rows) != 2 || rejectLines(res.rejects) != "2: line is longer than 16 MiB" {
		t.Fatalf("rows %d rejects %s", len(res.rows), rejectLines(res.rejects))
	}
	if got := strings.Split(res.rows[0], "|")[1]; got != big {
		t.Errorf("long value cut to %d bytes", len(got))
	}
	if n := len(res.rejects[0].Raw); n != maxRawBytes {
		t.Errorf("raw is %d bytes", n)
	}

	t.Run("csv", func(t *testing.T) {
		in := "Timestamp,Name\n" +
			"2024-01-31T10:00:00Z," + big + "\n" + // 2
			"2024-01-31T10:00:00Z," + tooBig + "\n" + // 3
			"2024-01-31T10:00:00Z,after\n" + // 4
			"2024-01-31T10:00:00Z,\"" + strings.Repeat("z\n", MaxLineBytes/2+1000) + "\n" + // 5: an unclosed quote
			"2024-01-31T10:00:00Z,end\n"
		res := readAll(t, []byte(in), "-", tab, Options{})
		if res.err != nil {
			t.Fatal(res.err)
		}
		var names []string
		for _, row := range res.rows {
			names = append(names, strings.Split(row, "|")[1][:min(5, len(strings.Split(row, "|")[1]))])
		}
		// What follows the unclosed quote's cut is read afresh, line by line: the rest
		// of its lines are one-field records.
		if len(res.rejects) < 3 || rejectLines(res.rejects[:2]) != "3: record is longer than 16 MiB\n5: record is longer than 16 MiB" {
			t.Fatalf("rejects %s", rejectLines(res.rejects[:min(3, len(res.rejects))]))
		}
		for i, x := range res.rejects[2:] {
			if x.Reason != "1 field, the header has 2" || x.Raw != "z" || i > 0 && x.Line != res.rejects[i+1].Line+1 {
				t.Fatalf("reject %+v", x)
			}
		}
		if fmt.Sprint(names) != "[xxxxx after end]" {
			t.Errorf("rows %q", names)
		}
	})
}

func TestTruncatedInput(t *testing.T) {
	tab := testTable(t, false)
	var in strings.Builder
	for range 2000 {
		in.WriteString(`{"Timestamp":"2024-01-31T10:00:00Z","Id":1,"Name":"some text to make it longer"}` + "\n")
	}
	z := gzipped(t, []byte(in.String()))
	res := readAll(t, z[:len(z)-10], "-", tab, Options{})
	if res.err == nil || !errors.Is(res.err, io.ErrUnexpectedEOF) {
		t.Errorf("err %v", res.err)
	}
	if len(res.rows) == 0 || len(res.rejects) != 0 {
		t.Errorf("%d rows, rejects %v", len(res.rows), res.rejects)
	}
	if _, err := NewReader(bytes.NewReader([]byte{0x1f, 0x8b, 0}), "-", tab, Options{}); err == nil {
		t.Error("a broken gzip header must fail")
	}
}

func TestFormatDetection(t *testing.T) {
	for name, want := range map[string]Format{"a.jsonl": JSONL, "A.JSON.GZ": JSONL, "x/a.ndjson.zst": JSONL, "a.csv.zstd": CSV,
		"a.csv": CSV, "a.txt": Auto, "-": Auto, "a.gz": Auto, "csv": Auto} {
		if got := formatFromName(name); got != want {
			t.Errorf("formatFromName(%q) = %s, want %s", name, got, want)
		}
	}
	for in, want := range map[string]Format{"": JSONL, " \n\t": JSONL, "\n {": JSONL, "a,b": CSV, " [1]": CSV,
		strings.Repeat(" ", 5000) + "{": JSONL, strings.Repeat("\n", readBufferSize+1): JSONL, "[{}]": CSV} {
		r, err := NewReader(strings.NewReader(in), "-", testTable(t, false), Options{})
		if err != nil && want != CSV {
			t.Errorf("%.20q: %v", in, err)
		}
		if err == nil && r.Format() != want {
			t.Errorf("%.20q: %s, want %s", in, r.Format(), want)
		}
	}
	for _, in := range []string{"\xff\xfe{\x00", "\xfe\xff\x00{"} {
		if _, err := NewReader(strings.NewReader(in), "-", testTable(t, false), Options{}); err == nil {
			t.Errorf("%q must fail", in)
		}
	}
	// The name wins over the content.
	r, err := NewReader(strings.NewReader("{\"Timestamp\":1}"), "a.csv", testTable(t, false), Options{})
	if err == nil || r != nil {
		t.Errorf("JSON named .csv: %v", err)
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"auto": Auto, "JSONL": JSONL, "json": JSONL, "ndjson": JSONL, "csv": CSV} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("xml must fail")
	}
}

func TestLineLimitIsExact(t *testing.T) {
	cols, _ := schema.ParseColumns("Name:string, N:long")
	tab := &schema.Table{Name: "T", Columns: cols}
	for _, eol := range []string{"\n", "\r\n"} {
		jsonLine := func(size int) string {
			const frame = `{"Name":"","N":1}`
			return `{"Name":"` + strings.Repeat("a", size-len(frame)) + `","N":1}` + eol
		}
		in := jsonLine(MaxLineBytes) + jsonLine(MaxLineBytes+1) + jsonLine(100)
		res := readAll(t, []byte(in), "-", tab, Options{})
		if len(res.rows) != 2 || rejectLines(res.rejects) != "2: line is longer than 16 MiB" {
			t.Errorf("jsonl %q: %d rows, rejects %s", eol, len(res.rows), rejectLines(res.rejects))
		}

		csvRecord := func(size int) string {
			return strings.Repeat("b", size-2) + ",1" + eol
		}
		in = "Name,N" + eol + csvRecord(MaxLineBytes) + csvRecord(MaxLineBytes+1) + csvRecord(100)
		res = readAll(t, []byte(in), "-", tab, Options{})
		if len(res.rows) != 2 || rejectLines(res.rejects) != "3: record is longer than 16 MiB" {
			t.Errorf("csv %q: %d rows, rejects %s", eol, len(res.rows), rejectLines(res.rejects))
		}
		if res.stats.Lines != 4 {
			t.Errorf("csv %q: %d lines", eol, res.stats.Lines)
		}
	}
}

func TestCloseStopsDecompression(t *testing.T) {
	tab := testTable(t, false)
	var in strings.Builder
	for range 50_000 {
		in.WriteString(`{"Timestamp":"2024-01-31T10:00:00Z","Id":1,"Name":"some text"}` + "\n")
	}
	before := runtime.NumGoroutine()
	for _, z := range [][]byte{gzipped(t, []byte(in.String())), zstded(t, []byte(in.String()))} {
		r, err := NewReader(bytes.NewReader(z), "-", tab, Options{BatchRows: 100})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
		r.Close()
		if _, _, err := r.Next(); err == nil || err == io.EOF {
			t.Errorf("Next after Close: %v", err)
		}
	}
	// Close from another goroutine while Next runs.
	for range 20 {
		r, err := NewReader(bytes.NewReader(gzipped(t, []byte(in.String()))), "-", tab, Options{BatchRows: 1000})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error)
		go func() {
			for {
				if _, _, err := r.Next(); err != nil {
					done <- err
					return
				}
			}
		}()
		time.Sleep(time.Millisecond)
		r.Close()
		if err := <-done; err == nil {
			t.Error("Next after a concurrent Close must fail or end")
		}
	}
	for i := 0; runtime.NumGoroutine() > before; i++ {
		if i == 100 {
			t.Fatalf("%d goroutines, %d before", runtime.NumGoroutine(), before)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRawIsCut(t *testing.T) {
	tab := testTable(t, false)
	long := "x" + strings.Repeat("é", 3000)
	res := readAll(t, []byte(`{"Timestamp":"`+long+`"}`+"\n"), "-", tab, Options{})
	csvRes := readAll(t, []byte("Timestamp,Name,Id\n2024-01-31T10:00:00Z,"+long+",x\n"), "-", tab, Options{})
	for _, r := range append(res.rejects, csvRes.rejects...) {
		if len(r.Raw) > maxRawBytes || len(r.Raw) < maxRawBytes-3 || !utf8.ValidString(r.Raw) {
			t.Errorf("raw of %d bytes, valid %v: %.40q", len(r.Raw), utf8.ValidString(r.Raw), r.Raw)
		}
	}
	if len(res.rejects) != 1 || len(csvRes.rejects) != 1 {
		t.Errorf("rejects %v %v", res.rejects, csvRes.rejects)
	}
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{{"abc", 5, "abc"}, {"abc", 2, "ab"}, {"aé", 2, "a"}, {"aé", 3, "aé"}, {"€", 2, ""}, {"a€", 3, "a"}} {
		if got := cutUTF8(tt.in, tt.n); got != tt.want {
			t.Errorf("cutUTF8(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
