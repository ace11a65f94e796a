package ingest

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// testTable has one column of every type and AdditionalFields.
func testTable(t testing.TB, withAdditional bool) *schema.Table {
	spec := "Timestamp:datetime, Name:string, Id:long, Count:int, Score:real, Ok:bool, " +
		"Amount:decimal, Took:timespan, Guid:guid, Extra:dynamic"
	if withAdditional {
		spec += ", AdditionalFields:dynamic"
	}
	cols, err := schema.ParseColumns(spec)
	if err != nil {
		t.Fatal(err)
	}
	return &schema.Table{Name: "T", Columns: cols, TimeColumn: "Timestamp"}
}

// result is everything a reader produced, with rows printed one string each.
type result struct {
	rows    []string
	rejects []Reject
	stats   Stats
	err     error
}

// cell prints a value for comparison: Format's text, a null as ∅.
func cell(v types.Value) string {
	if v.Null {
		return "∅"
	}
	return types.Format(v)
}

func readAll(t testing.TB, input []byte, name string, tab *schema.Table, opts Options) result {
	t.Helper()
	var res result
	r, err := NewReader(bytes.NewReader(input), name, tab, opts)
	if err != nil {
		res.err = err
		return res
	}
	defer r.Close()
	for {
		cols, n, err := r.Next()
		res.rejects = append(res.rejects, r.Rejects()...)
		if err != nil {
			if err != io.EOF {
				res.err = err
			}
			break
		}
		checkBatch(t, tab, cols, n)
		for i := 0; i < n; i++ {
			var cells []string
			for _, c := range cols {
				cells = append(cells, cell(c.Value(i)))
			}
			res.rows = append(res.rows, strings.Join(cells, "|"))
		}
	}
	res.stats = r.Stats()
	return res
}

// checkBatch checks the shape of a batch: one vector per column, each of the column's
// type, n long, with the payload slice its type uses.
func checkBatch(t testing.TB, tab *schema.Table, cols []*vector.Vector, n int) {
	t.Helper()
	if len(cols) != len(tab.Columns) {
		t.Fatalf("batch has %d columns, want %d", len(cols), len(tab.Columns))
	}
	for i, c := range cols {
		if c.Type != tab.Columns[i].Type || c.Len != n {
			t.Fatalf("column %s: %s of %d rows, want %s of %d", tab.Columns[i].Name, c.Type, c.Len, tab.Columns[i].Type, n)
		}
		var got int
		switch vector.Storage(c.Type) {
		case vector.StoreInts:
			got = len(c.Ints)
		case vector.StoreReals:
			got = len(c.Reals)
		case vector.StoreStrs:
			got = len(c.Strs)
		case vector.StoreDyn:
			got = len(c.Dyn)
		}
		if got != n || c.Nulls != nil && len(c.Nulls) < (n+63)/64 {
			t.Fatalf("column %s: payload %d, nulls %d words for %d rows", tab.Columns[i].Name, got, len(c.Nulls), n)
		}
		if c.Type == types.String && c.Nulls != nil {
			for j := 0; j < n; j++ {
				if c.IsNull(j) {
					t.Fatalf("column %s: string null at row %d", tab.Columns[i].Name, j)
				}
			}
		}
	}
}

func rejectLines(rs []Reject) string {
	var parts []string
	for _, r := range rs {
		parts = append(parts, fmt.Sprintf("%d: %s", r.Line, r.Reason))
	}
	return strings.Join(parts, "\n")
}

// The empty row of testTable: only the time set.
const ts = "2024-01-31T10:00:00Z"

func TestJSONConversions(t *testing.T) {
	tests := []struct {
		name, line string
		want       string // the row, or "reject: reason"
	}{
		{"all types", `{"Timestamp":"2024-01-31T10:00:00Z","Name":"cmd.exe","Id":42,"Count":-7,"Score":1.5,"Ok":true,` +
			`"Amount":"12.50","Took":"00:10:00","Guid":"6F9619FF-8B86-D011-B42D-00C04FC964FF","Extra":{"a":[1,2.5,"x"]}}`,
			`2024-01-31T10:00:00Z|cmd.exe|42|-7|1.5|true|12.50|00:10:00|6f9619ff-8b86-d011-b42d-00c04fc964ff|{"a":[1,2.5,"x"]}`},
		{"missing fields are null", `{"Timestamp":"2024-01-31T10:00:00Z"}`,
			`2024-01-31T10:00:00Z||∅|∅|∅|∅|∅|∅|∅|∅`},
		{"JSON nulls", `{"Timestamp":"2024-01-31T10:00:00Z","Name":null,"Id":null,"Score":null,"Ok":null,"Guid":null,"Extra":null}`,
			`2024-01-31T10:00:00Z||∅|∅|∅|∅|∅|∅|∅|∅`},
		{"strings into typed columns", `{"Timestamp":"2024-01-31 10:00:00","Id":"42","Count":"7","Score":"NaN","Ok":"false","Amount":1.5e2,"Took":"1.00:00:00"}`,
			`2024-01-31T10:00:00Z||42|7|NaN|false|150|1.00:00:00|∅|∅`},
		{"numbers into a string column", `{"Timestamp":"2024-01-31T10:00:00Z","Name":-1.5e3}`,
			`2024-01-31T10:00:00Z|-1.5e3|∅|∅|∅|∅|∅|∅|∅|∅`},
		{"other JSON into a string column", `{"Timestamp":"2024-01-31T10:00:00Z","Name":{"b":1,"a":[true,null]}}`,
			`2024-01-31T10:00:00Z|{"a":[true,null],"b":1}|∅|∅|∅|∅|∅|∅|∅|∅`},
		{"bool into numbers", `{"Timestamp":"2024-01-31T10:00:00Z","Id":true,"Score":false}`,
			`2024-01-31T10:00:00Z||1|∅|0|∅|∅|∅|∅|∅`},
		{"integral fraction into a long", `{"Timestamp":"2024-01-31T10:00:00Z","Id":42.0,"Count":-0}`,
			`2024-01-31T10:00:00Z||42|0|∅|∅|∅|∅|∅|∅`},
		{"big integers", `{"Timestamp":"2024-01-31T10:00:00Z","Id":-9223372036854775808,"Count":2147483647}`,
			`2024-01-31T10:00:00Z||-9223372036854775808|2147483647|∅|∅|∅|∅|∅|∅`},
		{"escapes", `{"Timestamp":"2024-01-31T10:00:00Z","Name":"C:\\Windows\\cmd.exe \"a\" \u00e9\ud83d\ude00\ud800 \t"}`,
			"2024-01-31T10:00:00Z|C:\\Windows\\cmd.exe \"a\" é😀\uFFFD \t|∅|∅|∅|∅|∅|∅|∅|∅"},
		{"invalid UTF-8 becomes U+FFFD", "{\"Timestamp\":\"2024-01-31T10:00:00Z\",\"Name\":\"a\xffb\"}",
			"2024-01-31T10:00:00Z|a\uFFFDb|∅|∅|∅|∅|∅|∅|∅|∅"},
		{"dynamic string stays a string", `{"Timestamp":"2024-01-31T10:00:00Z","Extra":"{\"a\":1}"}`,
			`2024-01-31T10:00:00Z||∅|∅|∅|∅|∅|∅|∅|"{\"a\":1}"`},
		{"dynamic number", `{"Timestamp":"2024-01-31T10:00:00Z","Extra":2}`,
			`2024-01-31T10:00:00Z||∅|∅|∅|∅|∅|∅|∅|2`},
		{"case-insensitive names", `{"timestamp":"2024-01-31T10:00:00Z","NAME":"x","id":3}`,
			`2024-01-31T10:00:00Z|x|3|∅|∅|∅|∅|∅|∅|∅`},
		{"exact name beats case-insensitive", `{"name":"lower","Timestamp":"2024-01-31T10:00:00Z","Name":"exact","NAME":"upper"}`,
			`2024-01-31T10:00:00Z|exact|∅|∅|∅|∅|∅|∅|∅|∅`},
		{"TimeGenerated fills Timestamp", `{"TimeGenerated":"2024-01-31T10:00:00Z"}`,
			`2024-01-31T10:00:00Z||∅|∅|∅|∅|∅|∅|∅|∅`},
		{"Timestamp beats TimeGenerated", `{"Timestamp":"2024-01-31T10:00:00Z","TimeGenerated":"2020-01-01T00:00:00Z"}`,
			`2024-01-31T10:00:00Z||∅|∅|∅|∅|∅|∅|∅|∅`},
		{"repeated key: the last wins", `{"Timestamp":"2024-01-31T10:00:00Z","Id":1,"Id":2}`,
			`2024-01-31T10:00:00Z||2|∅|∅|∅|∅|∅|∅|∅`},
		{"white space", " \t{ \"Timestamp\" : \"2024-01-31T10:00:00Z\" , \"Id\" : 5 } \t",
			`2024-01-31T10:00:00Z||5|∅|∅|∅|∅|∅|∅|∅`},

		{"bad datetime", `{"Timestamp":"yesterday"}`, `reject: column Timestamp: cannot convert "yesterday" to datetime`},
		{"number is no datetime", `{"Timestamp":1706695200}`, `reject: column Timestamp: cannot convert "1706695200" to datetime: a bare number could be seconds or milliseconds since 1970`},
		{"bad long", `{"Timestamp":"2024-01-31T10:00:00Z","Id":"abc"}`, `reject: column Id: cannot convert "abc" to long`},
		{"long out of range", `{"Timestamp":"2024-01-31T10:00:00Z","Id":9223372036854775808}`, `reject: column Id: long "9223372036854775808" is out of range`},
		{"int out of range", `{"Timestamp":"2024-01-31T10:00:00Z","Count":2147483648}`, `reject: column Count: int "2147483648" is out of range`},
		{"fraction into a long", `{"Timestamp":"2024-01-31T10:00:00Z","Id":1.5}`, `reject: column Id: cannot convert "1.5" to long`},
		{"object into a long", `{"Timestamp":"2024-01-31T10:00:00Z","Id":{}}`, `reject: column Id: cannot convert an object to long`},
		{"bad guid", `{"Timestamp":"2024-01-31T10:00:00Z","Guid":"nope"}`, `reject: column Guid: cannot convert "nope" to guid`},
		{"no time", `{"Id":1}`, `reject: column Timestamp is empty; every row needs a time`},
		{"null time", `{"Timestamp":null}`, `reject: column Timestamp is empty; every row needs a time`},
		{"empty time", `{"Timestamp":""}`, `reject: column Timestamp is empty; every row needs a time`},
		{"array line", `[1,2]`, `reject: not a JSON object but an array; JSON lines have one object a line`},
		{"string line", `"x"`, `reject: not a JSON object`},
		{"truncated", `{"Timestamp":"2024-01-31T10:00:00Z","Id":`, `reject: invalid JSON: unexpected end of line`},
		{"trailing data", `{"Timestamp":"2024-01-31T10:00:00Z"} x`, `reject: invalid JSON: unexpected 'x' at column 38 after the object`},
		{"two objects", `{"Timestamp":"2024-01-31T10:00:00Z"}{}`, `reject: invalid JSON: unexpected '{' at column 37 after the object`},
		{"single quotes", `{'Timestamp':1}`, `reject: invalid JSON: unexpected "'" at column 2 where a field name should start`},
		{"trailing comma", `{"Timestamp":"2024-01-31T10:00:00Z",}`, `reject: invalid JSON: unexpected '}' at column 37 where a field name should start`},
		{"leading zero", `{"Timestamp":"2024-01-31T10:00:00Z","Id":01}`, `reject: invalid JSON: unexpected '1' at column 43 after a field value`},
		{"control character", "{\"Timestamp\":\"2024-01-31T10:00:00Z\",\"Name\":\"a\x01\"}", `reject: invalid JSON: unexpected byte 0x01 at column 46 in a string`},
		{"bad escape", `{"Timestamp":"2024-01-31T10:00:00Z","Name":"\x41"}`, `reject: invalid JSON: unexpected 'x' at column 46 after a backslash in a string`},
	}
	tab := testTable(t, false)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := readAll(t, []byte(tt.line+"\n"), "x.jsonl", tab, Options{})
			if res.err != nil {
				t.Fatal(res.err)
			}
			var got string
			switch {
			case len(res.rows) == 1 && len(res.rejects) == 0:
				got = res.rows[0]
			case len(res.rows) == 0 && len(res.rejects) == 1:
				got = "reject: " + res.rejects[0].Reason
				if r := res.rejects[0]; r.Line != 1 || r.Raw != tt.line {
					t.Errorf("reject line %d raw %q", r.Line, r.Raw)
				}
			default:
				t.Fatalf("rows %q, rejects %v", res.rows, res.rejects)
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if s := res.stats; s.Lines != 1 || s.Rows+s.Rejected != 1 {
				t.Errorf("stats %+v", s)
			}
		})
	}
}

func TestCSVConversions(t *testing.T) {
	const header = "Timestamp,Name,Id,Count,Score,Ok,Amount,Took,Guid,Extra\n"
	tests := []struct {
		name, record string
		want         string
	}{
		{"all types", `2024-01-31T10:00:00Z,cmd.exe,42,-7,1.5,true,12.50,00:10:00,6F9619FF-8B86-D011-B42D-00C04FC964FF,"{""a"":[1,2.5,""x""]}"`,
			`2024-01-31T10:00:00Z|cmd.exe|42|-7|1.5|true|12.50|00:10:00|6f9619ff-8b86-d011-b42d-00c04fc964ff|{"a":[1,2.5,"x"]}`},
		{"empty cells are null", `2024-01-31T10:00:00Z,,,,,,,,,`,
			`2024-01-31T10:00:00Z||∅|∅|∅|∅|∅|∅|∅|∅`},
		{"spaces around numbers", `2024-01-31T10:00:00Z, a ,  42 ,7,1e3,1,0.0,1.00:00:00,6f9619ff8b86d011b42d00c04fc964ff,text`,
			`2024-01-31T10:00:00Z| a |42|7|1000|true|0.0|1.00:00:00|6f9619ff-8b86-d011-b42d-00c04fc964ff|"text"`},
		{"quoted comma", `2024-01-31T10:00:00Z,"a,b",,,,,,,,`,
			`2024-01-31T10:00:00Z|a,b|∅|∅|∅|∅|∅|∅|∅|∅`},
		{"lazy quote", `2024-01-31T10:00:00Z,a"b,,,,,,,,`,
			`2024-01-31T10:00:00Z|a"b|∅|∅|∅|∅|∅|∅|∅|∅`},
		{"bad long", `2024-01-31T10:00:00Z,,x,,,,,,,`, `reject: column Id: cannot convert "x" to long`},
		{"bad time", `yesterday,,,,,,,,,`, `reject: column Timestamp: cannot convert "yesterday" to datetime`},
		{"empty time", `,a,,,,,,,,`, `reject: column Timestamp is empty; every row needs a time`},
		{"too few fields", `2024-01-31T10:00:00Z,a,1`, `reject: 3 fields, the header has 10`},
		{"one field", `x`, `reject: 1 field, the header has 10`},
		{"too many fields", `2024-01-31T10:00:00Z,,,,,,,,,,`, `reject: 11 fields, the header has 10`},
	}
	tab := testTable(t, false)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := readAll(t, []byte(header+tt.record+"\n"), "x.csv", tab, Options{})
			if res.err != nil {
				t.Fatal(res.err)
			}
			var got string
			switch {
			case len(res.rows) == 1 && len(res.rejects) == 0:
				got = res.rows[0]
			case len(res.rows) == 0 && len(res.rejects) == 1:
				got = "reject: " + res.rejects[0].Reason
				if r := res.rejects[0]; r.Line != 2 || r.Raw != tt.record {
					t.Errorf("reject line %d raw %q", r.Line, r.Raw)
				}
			default:
				t.Fatalf("rows %q, rejects %v", res.rows, res.rejects)
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if s := res.stats; s.Lines != 2 || s.Rows+s.Rejected != 1 {
				t.Errorf("stats %+v", s)
			}
		})
	}
}

func TestUnknownFields(t *testing.T) {
	const t0 = `"Timestamp":"2024-01-31T10:00:00Z"`
	tests := []struct {
		name       string
		additional bool // the table has AdditionalFields
		format     Format
		input      string
		want       []string // the AdditionalFields cells (with additional), or nothing
		unknown    map[string]int64
	}{
		{name: "JSON, counted", input: `{` + t0 + `,"Foo":1,"Bar":{"x":2}}` + "\n" + `{` + t0 + `,"Foo":null}`,
			unknown: map[string]int64{"Foo": 2, "Bar": 1}},
		{name: "JSON, into AdditionalFields", additional: true,
			input: `{` + t0 + `,"Foo":1,"Bar":{"x":2.5},"Baz":"s"}` + "\n" + `{` + t0 + `}`,
			want:  []string{`{"Bar":{"x":2.5},"Baz":"s","Foo":1}`, `∅`}, unknown: map[string]int64{}},
		{name: "JSON, merged", additional: true,
			input: `{` + t0 + `,"AdditionalFields":{"Own":true,"Foo":"mine"},"Foo":1,"New":[1]}`,
			want:  []string{`{"Foo":"mine","New":[1],"Own":true}`}, unknown: map[string]int64{"Foo": 1}},
		{name: "JSON, merged case-insensitively", additional: true,
			input: `{` + t0 + `,"additionalfields":{"Own":1},"New":2}`,
			want:  []string{`{"New":2,"Own":1}`}, unknown: map[string]int64{}},
		{name: "JSON, own AdditionalFields null", additional: true,
			input: `{` + t0 + `,"AdditionalFields":null,"New":2}`,
			want:  []string{`{"New":2}`}, unknown: map[string]int64{}},
		{name: "JSON, own AdditionalFields not an object", additional: true,
			input: `{` + t0 + `,"AdditionalFields":"text","New":2}`,
			want:  []string{`"text"`}, unknown: map[string]int64{"New": 1}},
		{name: "JSON, loser of a name clash", additional: true,
			input: `{` + t0 + `,"name":"a","Name":"b","TimeGenerated":"2020-01-01T00:00:00Z"}`,
			want:  []string{`{"TimeGenerated":"2020-01-01T00:00:00Z","name":"a"}`}, unknown: map[string]int64{}},
		{name: "JSON, rejected rows are not counted",
			input:   `{"Foo":1}`,
			unknown: map[string]int64{}},

		{name: "CSV, counted", format: CSV,
			input:   "Timestamp,Foo,,Bar\n2024-01-31T10:00:00Z,1,,\n2024-01-31T10:00:00Z,,x,\n",
			unknown: map[string]int64{"Foo": 1, "Column3": 1, "Bar": 0}},
		{name: "CSV, into AdditionalFields", additional: true, format: CSV,
			input: "Timestamp,Foo,Bar\n2024-01-31T10:00:00Z,1,x\n2024-01-31T10:00:00Z,,\n",
			want:  []string{`{"Bar":"x","Foo":"1"}`, `∅`}, unknown: map[string]int64{}},
		{name: "CSV, merged", additional: true, format: CSV,
			input: "Timestamp,AdditionalFields,Foo,Bar\n" +
				`2024-01-31T10:00:00Z,"{""Foo"":2,""Own"":[1]}",1,x` + "\n" +
				`2024-01-31T10:00:00Z,"[1]",1,` + "\n",
			want: []string{`{"Bar":"x","Foo":2,"Own":[1]}`, `[1]`}, unknown: map[string]int64{"Foo": 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := testTable(t, tt.additional)
			res := readAll(t, []byte(tt.input), "in", tab, Options{Format: tt.format})
			if res.err != nil {
				t.Fatal(res.err)
			}
			var got []string
			if tt.additional {
				for _, row := range res.rows {
					cells := strings.Split(row, "|")
					got = append(got, cells[len(cells)-1])
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("AdditionalFields %q, want %q", got, tt.want)
			}
			if fmt.Sprint(res.stats.UnknownFields) != fmt.Sprint(tt.unknown) {
				t.Errorf("UnknownFields %v, want %v", res.stats.UnknownFields, tt.unknown)
			}
		})
	}
}

func TestLineNumbers(t *testing.T) {
	tab := testTable(t, false)
	t.Run("jsonl", func(t *testing.T) {
		in := "{\"Timestamp\":\"2024-01-31T10:00:00Z\"}\r\n" + // 1
			"\r\n" + // 2 blank
			"bad\r\n" + // 3
			"   \n" + // 4 blank
			"{\"Timestamp\":\"2024-01-31T10:00:00Z\",\"Id\":\"x\"}\n" + // 5
			"{\"Timestamp\":\"2024-01-31T10:00:00Z\"}\n" + // 6
			"{\"Timestamp\":\"2024-01-31T10:00:00Z\",\"Name\":\"a\\nb\"}\n" + // 7
			"{" // 8, no newline
		res := readAll(t, []byte(in), "-", tab, Options{})
		want := "3: not a JSON object\n5: column Id: cannot convert \"x\" to long\n8: invalid JSON: unexpected end of line"
		if got := rejectLines(res.rejects); got != want {
			t.Errorf("rejects\n%s\nwant\n%s", got, want)
		}
		if s := res.stats; s.Lines != 8 || s.Rows != 3 || s.Rejected != 3 {
			t.Errorf("stats %+v", s)
		}
		if res.rejects[0].Raw != "bad" {
			t.Errorf("raw %q", res.rejects[0].Raw)
		}
	})
	t.Run("csv", func(t *testing.T) {
		in := "Timestamp,Name,Id\r\n" + // 1
			"2024-01-31T10:00:00Z,\"multi\r\nline\",1\r\n" + // 2-3
			"\r\n" + // 4 blank
			"2024-01-31T10:00:00Z,\"three\n\nlines\",x\n" + // 5-7
			"2024-01-31T10:00:00Z,short\n" + // 8
			"   \n" + // 9 blank
			"bad,\"quoted\nnewline\",1\n" + // 10-11
			"2024-01-31T10:00:00Z,ok,2" // 12
		res := readAll(t, []byte(in), "-", tab, Options{})
		want := "5: column Id: cannot convert \"x\" to long\n8: 2 fields, the header has 3\n10: column Timestamp: cannot convert \"bad\" to datetime"
		if got := rejectLines(res.rejects); got != want {
			t.Errorf("rejects\n%s\nwant\n%s", got, want)
		}
		if s := res.stats; s.Lines != 12 || s.Rows != 2 || s.Rejected != 3 {
			t.Errorf("stats %+v", s)
		}
		if got := res.rejects[2].Raw; got != "bad,\"quoted\nnewline\",1" {
			t.Errorf("raw %q", got)
		}
		if got := strings.Split(res.rows[0], "|")[1]; got != "multi\nline" {
			t.Errorf("multi-line cell %q", got)
		}
	})
}

func TestRetention(t *testing.T) {
	tab := testTable(t, false)
	now := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	in := `{"Timestamp":"2024-01-02T00:00:00Z","Id":1}` + "\n" + // exactly 30 days: kept
		`{"Timestamp":"2024-01-01T23:59:59Z","Id":2}` + "\n" + // older
		`{"Timestamp":"2030-01-01T00:00:00Z","Id":3}` + "\n" // future: kept
	res := readAll(t, []byte(in), "-", tab, Options{Now: now, Retention: 30 * 24 * time.Hour})
	if len(res.rows) != 2 || rejectLines(res.rejects) != "2: older than the retention window (30 days)" {
		t.Errorf("rows %q rejects %s", res.rows, rejectLines(res.rejects))
	}
	csvIn := "Timestamp,Id\n2024-01-31T12:00:00Z,1\n2024-01-31T11:59:59Z,2\n"
	res = readAll(t, []byte(csvIn), "-", tab, Options{Now: now, Retention: 12 * time.Hour})
	if len(res.rows) != 1 || rejectLines(res.rejects) != "3: older than the retention window (12 hours)" {
		t.Errorf("rows %q rejects %s", res.rows, rejectLines(res.rejects))
	}
	res = readAll(t, []byte(in), "-", tab, Options{Now: now})
	if len(res.rows) != 3 {
		t.Errorf("no retention: rows %q", res.rows)
	}
	for d, want := range map[time.Duration]string{24 * time.Hour: "1 day", time.Hour: "1 hour", 90 * time.Minute: "1h30m0s"} {
		if got := describeWindow(d); got != want {
			t.Errorf("describeWindow(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestTableWithoutTime(t *testing.T) {
	cols, _ := schema.ParseColumns("Name:string, N:long")
	tab := &schema.Table{Name: "T", Columns: cols}
	res := readAll(t, []byte("{\"N\":1}\n{}\n"), "-", tab, Options{Retention: time.Hour})
	if len(res.rows) != 2 || len(res.rejects) != 0 {
		t.Errorf("rows %q rejects %v", res.rows, res.rejects)
	}
	res = readAll(t, []byte("Other\nx\n"), "-", tab, Options{})
	if len(res.rows) != 1 || res.err != nil {
		t.Errorf("rows %q err %v", res.rows, res.err)
	}
}

func TestCSVHeaderWithoutTime(t *testing.T) {
	tab := testTable(t, false)
	_, err := NewReader(strings.NewReader("2024-01-31T10:00:00Z,1\n"), "a.csv", tab, Options{})
	if err == nil || !strings.Contains(err.Error(), "the CSV header has no Timestamp column") {
		t.Errorf("err %v", err)
	}
	r := readAll(t, []byte("TimeGenerated,id\n2024-01-31T10:00:00Z,1\n"), "a.csv", tab, Options{})
	if r.err != nil || len(r.rows) != 1 || !strings.HasPrefix(r.rows[0], ts+"||1|") {
		t.Errorf("alias: %v %q", r.err, r.rows)
	}
}

func TestBatches(t *testing.T) {
	tab := testTable(t, false)
	var in strings.Builder
	for i := range 1000 {
		if i%7 == 3 {
			in.WriteString("bad\n")
			continue
		}
		fmt.Fprintf(&in, `{"Timestamp":"2024-01-31T10:00:00Z","Id":%d,"Name":"n%d","Extra":[%d]}`+"\n", i, i, i)
	}
	r, err := NewReader(strings.NewReader(in.String()), "-", tab, Options{BatchRows: 100})
	if err != nil {
		t.Fatal(err)
	}
	next := 0
	for {
		cols, n, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if n > 100 {
			t.Fatalf("batch of %d rows", n)
		}
		checkBatch(t, tab, cols, n)
		for i := 0; i < n; i++ {
			if next%7 == 3 {
				next++
			}
			if id, name := cols[2].Ints[i], cols[1].Strs[i]; id != int64(next) || name != fmt.Sprint("n", next) {
				t.Fatalf("row %d: id %d name %q, want %d", i, id, name, next)
			}
			next++
		}
	}
	if next != 1000 {
		t.Errorf("read up to %d", next)
	}
	rej := r.Rejects()
	if s := r.Stats(); s.Rows+s.Rejected != 1000 || len(rej) != int(s.Rejected) || rej[0].Line != 4 {
		t.Errorf("stats %+v, %d rejects", s, len(rej))
	}
}

// A truncated gzip stream ends with an error, after the rows before it.
// The fast paths of JSON conversion must agree with types.FromJSON on what
// encoding/json decodes.
func TestFastPathsMatchFromJSON(t *testing.T) {
	values := []string{`0`, `-0`, `42`, `-42`, `123456789012345678`, `-123456789012345678`, `1234567890123456789`,
		`2147483647`, `-2147483648`, `2147483648`, `1.5`, `1e3`, `-1E-3`, `1e400`, `42.0`,
		`"x"`, `"C:\\Windows"`, `"\u00e9"`, `""`, `"42"`, `true`, `false`, `null`, `{"a":1}`, `[1,"x"]`}
	colTypes := []types.Type{types.Bool, types.Int, types.Long, types.Real, types.Decimal, types.String,
		types.Datetime, types.Timespan, types.Guid, types.Dynamic}
	for _, typ := range colTypes {
		cols := []schema.Column{{Name: "V", Type: typ}}
		tab := &schema.Table{Name: "T", Columns: cols}
		for _, v := range values {
			line := `{"V":` + v + `}`
			res := readAll(t, []byte(line), "-", tab, Options{})
			var want string
			x, err := types.FromJSON(typ, decodeStd(t, line)["V"])
			if err != nil {
				want = "reject: column V: " + err.Error()
			} else {
				want = cell(x)
			}
			got := ""
			if len(res.rows) == 1 {
				got = res.rows[0]
			} else if len(res.rejects) == 1 {
				got = "reject: " + res.rejects[0].Reason
			}
			if got != want {
				t.Errorf("%s from %s: got %q, want %q", typ, v, got, want)
			}
		}
	}
}

// A line or record of exactly MaxLineBytes is read; one byte more is rejected.
// Rejects are handed over at most maxPendingRejects at a time, in batches that may
// have no rows, so that a file of nothing but bad lines does not pile up in memory.
func TestManyRejects(t *testing.T) {
	tab := testTable(t, false)
	n := 2*maxPendingRejects + 10
	in := strings.Repeat("bad\n", n) + `{"Timestamp":"2024-01-31T10:00:00Z"}` + "\n"
	r, err := NewReader(strings.NewReader(in), "x.jsonl", tab, Options{})
	if err != nil {
		t.Fatal(err)
	}
	total, rows, calls := 0, 0, 0
	for {
		cols, k, err := r.Next()
		rej := r.Rejects()
		if len(rej) > maxPendingRejects {
			t.Fatalf("%d rejects at once", len(rej))
		}
		total += len(rej)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		checkBatch(t, tab, cols, k)
		rows += k
		calls++
	}
	if total != n || rows != 1 || calls < 3 {
		t.Errorf("%d rejects, %d rows in %d calls", total, rows, calls)
	}
}

// Close stops the goroutine that decompresses ahead, also in the middle of a file.
// Reject.Raw is cut to 4 KiB on a character boundary.
func TestUnknownNamesAreBounded(t *testing.T) {
	tab := testTable(t, false)
	var in strings.Builder
	for i := range maxUnknownNames + 500 {
		fmt.Fprintf(&in, `{"Timestamp":"2024-01-31T10:00:00Z","F%d":1,"G":2}`+"\n", i)
	}
	res := readAll(t, []byte(in.String()), "-", tab, Options{})
	u := res.stats.UnknownFields
	if len(u) != maxUnknownNames+1 || u["G"] != maxUnknownNames+500 || u["F0"] != 1 || u[OtherUnknownFields] != 501 {
		t.Errorf("%d names, G %d, F0 %d, other %d", len(u), u["G"], u["F0"], u[OtherUnknownFields])
	}
}
