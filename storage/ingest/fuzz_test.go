package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

// decodeStd decodes a line as ingest is specified to: encoding/json with UseNumber.
func decodeStd(t testing.TB, line string) map[string]any {
	t.Helper()
	m, err := decodeStdErr([]byte(line))
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	return m
}

func decodeStdErr(line []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(line))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errNotObject
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errNotObject
	}
	return m, nil
}

// scanToMap decodes a line with our scanner into what encoding/json would give, and
// checks on the way that the fast path a string column takes agrees.
func scanToMap(line []byte) (map[string]any, error) {
	fields, err := scanLine(line, nil)
	if err != nil {
		return nil, err
	}
	m := map[string]any{}
	for i := range fields {
		f := &fields[i]
		v := fieldValue(line, f)
		m[text(line[f.key.start:f.key.end], f.keyRaw)] = v
		if f.kind == jsonString && f.valStr&strASCII != 0 {
			got := appendUnquotedASCII([]byte("p"), line[f.val.start:f.val.end])
			if string(got) != "p"+v.(string) {
				return nil, fmt.Errorf("appendUnquotedASCII gives %q, want %q", got[1:], v)
			}
		}
	}
	return m, nil
}

var jsonSeeds = []string{
	`{}`, ` { } `, `{"a":1}`, `{"a":"b","c":[1,2,{"d":null}],"e":true,"f":false,"g":-0.5e+10}`,
	`{"a":"\u00e9\ud83d\ude00\ud800\udc00\udc00\ud800x\\\/\b\f\n\r\t\""}`, "{\"a\":\"\xff\xfe\xed\xa0\x80\"}",
	"{\"\xff\":1}", `{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":-}`, `{"a":1e}`, `{"a":tru}`, `{"a":nul}`,
	`{"a":1,}`, `{,}`, `[]`, `"x"`, `1`, `null`, `{"a":1}x`, `{"a":[1,]}`, `{"a":{"b":}}`, `{"a" 1}`,
	"{\"a\":\"\x01\"}", `{"a":"\x"}`, `{"a":"\u12"}`, `{"a":"\u12G4"}`, `{"a":1}}`, `{"a":[[[[]]]]}`,
	`{"a":"b"` + strings.Repeat(" ", 20) + `}`, `{"aaaaaaaaaaaaaaaaaaaaaaaaaaa":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"cccccccc\\"}`,
	`{"a":"C:\\Windows\\System32\\cmd.exe /c \"dir\" \/x \u0041\u00e9\ud83d\ude00\t\r\n"}`,
	`{"a":"\\\\\\\\\\\\\\\\\\\\\\\\","b":"12345678\\12345678\u0041"}`,
}

// FuzzJSONScanner holds the scanner to encoding/json: the same lines are objects, and
// they decode to the same values.
func FuzzJSONScanner(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		if bytes.IndexByte(line, '\n') >= 0 {
			return // one line at a time
		}
		want, wantErr := decodeStdErr(line)
		got, gotErr := scanToMap(line)
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("%q: encoding/json: %v; scanner: %v", line, wantErr, gotErr)
		}
		if wantErr == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\nencoding/json %#v\nscanner       %#v", line, want, got)
		}
	})
}

// deepSeeds are at encoding/json's nesting limit; too big to be good fuzz seeds.
var deepSeeds = []string{
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	`{"a":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`,
	`{"a":` + strings.Repeat("[", 9999) + strings.Repeat("]", 9999) + `}`,
	`{"a":` + strings.Repeat(`{"b":`, 9998) + "1" + strings.Repeat("}", 9998) + `}`,
	`{"a":` + strings.Repeat(`{"b":`, 9999) + "1" + strings.Repeat("}", 9999) + `}`,
}

func TestJSONScannerSeeds(t *testing.T) {
	for _, s := range append(jsonSeeds, deepSeeds...) {
		line := []byte(s)
		want, wantErr := decodeStdErr(line)
		got, gotErr := scanToMap(line)
		if (wantErr == nil) != (gotErr == nil) {
			t.Errorf("%.60q: encoding/json: %v; scanner: %v", line, wantErr, gotErr)
		} else if wantErr == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\nencoding/json %#v\nscanner       %#v", line, want, got)
		}
	}
}

// readCounting reads input to the end and checks the invariants that hold for any
// input: no error, batches of the right shape, and Rows + Rejected == the data lines.
func readCounting(t *testing.T, input []byte, format Format, additional bool, dataLines int) {
	tab := testTable(t, additional)
	r, err := NewReader(bytes.NewReader(input), "-", tab, Options{Format: format, BatchRows: 3})
	if err != nil && format == CSV && strings.Contains(err.Error(), "the CSV header has no") {
		untimed := *tab
		untimed.TimeColumn = ""
		tab = &untimed
		r, err = NewReader(bytes.NewReader(input), "-", tab, Options{Format: format, BatchRows: 3})
	}
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var rows, rejected int
	for {
		cols, n, err := r.Next()
		rej := r.Rejects()
		rejected += len(rej)
		for _, x := range rej {
			if x.Line < 1 || len(x.Raw) > maxRawBytes || x.Reason == "" {
				t.Fatalf("bad reject %+v", x)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		checkBatch(t, tab, cols, n)
		for i := range n {
			for _, c := range cols {
				c.Value(i)
			}
		}
		rows += n
	}
	s := r.Stats()
	if int(s.Rows) != rows || int(s.Rejected) != rejected {
		t.Fatalf("stats %+v; saw %d rows, %d rejects", s, rows, rejected)
	}
	if dataLines >= 0 && rows+rejected != dataLines {
		t.Fatalf("%d rows + %d rejects, want %d data lines", rows, rejected, dataLines)
	}
}

// compressed reports input that starts with a gzip or zstd magic number, or with a
// UTF-16 byte order mark, which NewReader refuses.
func compressed(data []byte) bool {
	return len(data) >= 2 && (data[0] == 0x1f && data[1] == 0x8b || data[0] == 0xff && data[1] == 0xfe || data[0] == 0xfe && data[1] == 0xff) ||
		len(data) >= 4 && string(data[:4]) == "\x28\xb5\x2f\xfd"
}

func FuzzReadJSONL(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s), false)
	}
	f.Add([]byte(`{"Timestamp":"2024-01-31T10:00:00Z","Id":1,"Foo":2}`+"\n\n"+`{"Timestamp":1}`+"\r\n"+`x`), true)
	f.Add([]byte(`{"TimeGenerated":"2024-01-31","AdditionalFields":{"a":1},"b":[1],"Extra":"{}"}`), true)
	f.Add([]byte("\xef\xbb\xbf{\"timestamp\":\"2024-01-31\",\"Amount\":1e30,\"Took\":\"1d\",\"Guid\":\"{6F9619FF-8B86-D011-B42D-00C04FC964FF}\"}"), false)
	f.Fuzz(func(t *testing.T, input []byte, additional bool) {
		data := bytes.TrimPrefix(input, []byte("\xef\xbb\xbf"))
		if compressed(data) {
			return // not read as text
		}
		lines := 0
		for line := range bytes.Lines(data) {
			if !blank(bytes.TrimSuffix(line, []byte("\n"))) {
				lines++
			}
		}
		readCounting(t, input, JSONL, additional, lines)
	})
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("Timestamp,Name,Id\n2024-01-31T10:00:00Z,\"a\nb\",1\n\nx,y\n"), false)
	f.Add([]byte("timestamp,Foo,,Bar\r\n2024-01-31,1,,\"\"\"\"\r\n  \r\n2024-01-31,\"unclosed\n"), true)
	f.Add([]byte("\xef\xbb\xbfTimeGenerated,AdditionalFields,Q\n2024-01-31,\"{\"\"a\"\":1}\",x\n2024-01-31,[1],y\n"), true)
	f.Add([]byte("Timestamp,Score,Ok,Amount,Took,Guid,Extra,Count\n2024-01-31,1e999,yes,1e40,1:2:3,abc,{,99999999999\n"), false)
	f.Add([]byte("  \n \nName,Id\nx,1\n"), false)
	f.Fuzz(func(t *testing.T, input []byte, additional bool) {
		data := bytes.TrimPrefix(input, []byte("\xef\xbb\xbf"))
		if compressed(data) {
			return
		}
		// The data lines are the records after the header, as encoding/csv splits
		// them, less those of nothing but spaces.
		cr := csv.NewReader(bufio.NewReader(bytes.NewReader(data)))
		cr.LazyQuotes, cr.FieldsPerRecord = true, -1
		records, header := -1, 0
		for {
			rec, err := cr.Read()
			if err != nil {
				break
			}
			spaces := len(rec) == 1 && strings.TrimSpace(rec[0]) == ""
			switch {
			case records < 0 && spaces:
			case records < 0:
				header, records = len(rec), 0
			case spaces && header > 1:
			default:
				records++
			}
		}
		readCounting(t, input, CSV, additional, max(records, 0))
	})
}
