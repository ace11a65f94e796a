package ingest

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/types"
)

// processColumns is a DeviceProcessEvents-like table: 30 columns, mostly strings.
const processColumns = "Timestamp:datetime, DeviceId:string, DeviceName:string, ActionType:string, " +
	"FileName:string, FolderPath:string, SHA1:string, SHA256:string, MD5:string, FileSize:long, " +
	"ProcessVersionInfoCompanyName:string, ProcessVersionInfoProductName:string, ProcessId:long, " +
	"ProcessCommandLine:string, ProcessIntegrityLevel:string, ProcessTokenElevation:string, " +
	"ProcessCreationTime:datetime, AccountDomain:string, AccountName:string, AccountSid:string, " +
	"LogonId:long, InitiatingProcessFileName:string, InitiatingProcessFolderPath:string, " +
	"InitiatingProcessId:long, InitiatingProcessCommandLine:string, InitiatingProcessCreationTime:datetime, " +
	"InitiatingProcessParentFileName:string, InitiatingProcessParentId:long, ReportId:long, AdditionalFields:dynamic"

func processTable(tb testing.TB) *schema.Table {
	cols, err := schema.ParseColumns(processColumns)
	if err != nil {
		tb.Fatal(err)
	}
	return &schema.Table{Name: "DeviceProcessEvents", Columns: cols, TimeColumn: "Timestamp"}
}

const benchRows = 100_000

var benchData = sync.OnceValues(func() ([]byte, []byte) { return genProcessEvents(benchRows) })

// genProcessEvents makes rows of realistic shape and length, as JSON lines and as CSV:
// Windows paths (escaped backslashes in JSON), command lines of about 100 characters,
// hashes, datetimes with 7 fraction digits, a few nulls, and an AdditionalFields object
// on some rows.
func genProcessEvents(n int) (jsonl, csvText []byte) {
	rng := rand.New(rand.NewPCG(1, 2))
	hex := func(k int) string {
		b := make([]byte, k)
		for i := range b {
			b[i] = "0123456789abcdef"[rng.IntN(16)]
		}
		return string(b)
	}
	pick := func(s ...string) string { return s[rng.IntN(len(s))] }
	exes := []string{"powershell.exe", "cmd.exe", "svchost.exe", "rundll32.exe", "msedge.exe", "conhost.exe", "wmiprvse.exe"}
	folders := []string{`C:\Windows\System32`, `C:\Windows\SysWOW64`, `C:\Program Files\Microsoft\Edge\Application`, `C:\Users\alice\AppData\Local\Temp`}
	var devices [50]string
	for i := range devices {
		devices[i] = hex(40)
	}
	base := time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC)
	stamp := func(t time.Time) string { return t.Format("2006-01-02T15:04:05.0000000Z") }
	commandLine := func(exe string) string {
		switch exe {
		case "powershell.exe":
			return `powershell.exe -NoProfile -ExecutionPolicy Bypass -File "C:\ProgramData\Scripts\` + hex(8) + `.ps1" -Verbose`
		case "cmd.exe":
			return `cmd.exe /c "C:\Windows\System32\reg.exe query HKLM\Software\Microsoft\Windows\CurrentVersion\Run /v ` + hex(6) + `"`
		}
		return `"` + pick(folders...) + `\` + exe + `" --type=renderer --lang=en-US --field-trial-handle=` + strconv.Itoa(rng.IntN(1e6)) + ` /prefetch:1`
	}

	var jb bytes.Buffer
	var cb bytes.Buffer
	cw := csv.NewWriter(&cb)
	cols, _ := schema.ParseColumns(processColumns)
	var header []string
	for _, c := range cols {
		header = append(header, c.Name)
	}
	cw.Write(header)
	enc := json.NewEncoder(&jb)
	enc.SetEscapeHTML(false)
	for i := range n {
		t := base.Add(time.Duration(i) * 317 * time.Millisecond).Add(time.Duration(rng.IntN(10_000_000)) * 100)
		exe, parent := pick(exes...), pick(exes...)
		dev := rng.IntN(len(devices))
		row := []any{
			stamp(t), devices[dev], fmt.Sprintf("host-%02d.corp.contoso.com", dev), pick("ProcessCreated", "ProcessCreated", "OpenProcessApiCall"),
			exe, pick(folders...) + `\` + exe, hex(40), hex(64), hex(32), rng.IntN(5 << 20),
			pick("Microsoft Corporation", "Google LLC", ""), pick("Microsoft® Windows® Operating System", "Microsoft Edge"), 1000 + rng.IntN(60000),
			commandLine(exe), pick("Medium", "High", "System"), pick("TokenElevationTypeDefault", "TokenElevationTypeFull"),
			stamp(t.Add(-time.Second)), "CONTOSO", pick("alice", "bob", "system", "svc_backup"), "S-1-5-21-" + strconv.Itoa(rng.IntN(1e9)) + "-1001",
			rng.IntN(1 << 30), parent, pick(folders...) + `\` + parent,
			1000 + rng.IntN(60000), commandLine(parent), stamp(t.Add(-time.Minute)),
			pick("explorer.exe", "services.exe", ""), 100 + rng.IntN(60000), rng.Int64N(1 << 40), nil,
		}
		if rng.IntN(4) == 0 {
			row[len(row)-1] = map[string]any{"ProcessStartKey": rng.Int64N(1 << 50), "Signer": "Microsoft Windows"}
		}
		if rng.IntN(10) == 0 {
			row[10], row[11] = nil, nil
		}
		// JSON: an object with the columns in table order.
		jb.WriteByte('{')
		for j, c := range cols {
			if j > 0 {
				jb.WriteByte(',')
			}
			jb.WriteString(strconv.Quote(c.Name))
			jb.WriteByte(':')
			enc.Encode(row[j])
			jb.Truncate(jb.Len() - 1) // the encoder's newline
		}
		jb.WriteString("}\n")
		// CSV: the same, with dynamic as JSON text and null as empty.
		rec := make([]string, len(row))
		for j, v := range row {
			switch v := v.(type) {
			case nil:
			case string:
				rec[j] = v
			case map[string]any:
				b, _ := json.Marshal(v)
				rec[j] = string(b)
			default:
				rec[j] = fmt.Sprint(v)
			}
		}
		cw.Write(rec)
	}
	cw.Flush()
	return jb.Bytes(), cb.Bytes()
}

func benchRead(b *testing.B, input []byte, format Format) {
	tab := processTable(b)
	b.SetBytes(int64(len(input)))
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(input), "-", tab, Options{Format: format})
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, n, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if rej := r.Rejects(); len(rej) > 0 {
				b.Fatalf("reject: %+v", rej[0])
			}
			rows += n
		}
		r.Close()
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkReadJSONL(b *testing.B) {
	data, _ := benchData()
	b.Run("plain", func(b *testing.B) { benchRead(b, data, JSONL) })
	b.Run("gzip", func(b *testing.B) { benchRead(b, gzipped(b, data), JSONL) })
	b.Run("zstd", func(b *testing.B) { benchRead(b, zstded(b, data), JSONL) })
}

func BenchmarkReadCSV(b *testing.B) {
	_, data := benchData()
	b.Run("plain", func(b *testing.B) { benchRead(b, data, CSV) })
	b.Run("gzip", func(b *testing.B) { benchRead(b, gzipped(b, data), CSV) })
	b.Run("zstd", func(b *testing.B) { benchRead(b, zstded(b, data), CSV) })
}

// BenchmarkStdlibJSONL is the simple way, for comparison: encoding/json into a map per
// line and types.FromJSON per field, without building columns.
func BenchmarkStdlibJSONL(b *testing.B) {
	data, _ := benchData()
	tab := processTable(b)
	b.SetBytes(int64(len(data)))
	rows := 0
	for b.Loop() {
		for line := range bytes.Lines(data) {
			d := json.NewDecoder(bytes.NewReader(line))
			d.UseNumber()
			var m map[string]any
			if err := d.Decode(&m); err != nil {
				b.Fatal(err)
			}
			for _, c := range tab.Columns {
				if _, err := types.FromJSON(c.Type, m[c.Name]); err != nil {
					b.Fatal(err)
				}
			}
			rows++
		}
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// TestBenchData checks that the generated data reads back without rejects and that
// JSON lines and CSV give the same rows.
func TestBenchData(t *testing.T) {
	jsonl, csvText := genProcessEvents(2000)
	tab := processTable(t)
	a := readAll(t, jsonl, "-", tab, Options{})
	c := readAll(t, csvText, "-", tab, Options{})
	if a.err != nil || c.err != nil || len(a.rejects)+len(c.rejects) > 0 {
		t.Fatalf("errors %v %v, rejects %v %v", a.err, c.err, a.rejects, c.rejects)
	}
	if len(a.rows) != 2000 || len(c.rows) != 2000 {
		t.Fatalf("%d and %d rows", len(a.rows), len(c.rows))
	}
	for i := range a.rows {
		if a.rows[i] != c.rows[i] {
			t.Fatalf("row %d:\njsonl %s\ncsv   %s", i, a.rows[i], c.rows[i])
		}
	}
}
