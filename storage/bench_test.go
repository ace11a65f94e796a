package storage

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/storage/ingest"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// processTable is shaped like Defender's DeviceProcessEvents: the columns a
// process-creation event carries.
func processTable() *schema.Table {
	cols, err := schema.ParseColumns(`Timestamp:datetime, DeviceId:string, DeviceName:string, ActionType:string,
		FileName:string, FolderPath:string, SHA1:string, SHA256:string, MD5:string, FileSize:long,
		ProcessId:long, ProcessCommandLine:string, ProcessCreationTime:datetime, AccountDomain:string,
		AccountName:string, AccountSid:string, LogonId:long, InitiatingProcessFileName:string,
		InitiatingProcessCommandLine:string, InitiatingProcessId:long, InitiatingProcessParentFileName:string,
		ReportId:long, AdditionalFields:dynamic`)
	if err != nil {
		panic(err)
	}
	return &schema.Table{Name: "DeviceProcessEvents", Columns: cols, TimeColumn: "Timestamp"}
}

var benchProcesses = []string{"svchost.exe", "chrome.exe", "msedge.exe", "conhost.exe", "powershell.exe",
	"cmd.exe", "explorer.exe", "RuntimeBroker.exe", "taskhostw.exe", "OneDrive.exe", "teams.exe", "git.exe",
	"python.exe", "code.exe", "rundll32.exe", "certutil.exe", "wmic.exe", "net.exe", "schtasks.exe", "reg.exe"}

// processEvents generates n events as JSON objects: a skewed mix of common and
// rare processes on 1,000 devices over 30 days, with a rare term planted.
func processEvents(seed int64, n int, end time.Time) []map[string]any {
	rng := rand.New(rand.NewSource(seed))
	out := make([]map[string]any, n)
	start := end.Add(-30 * 24 * time.Hour)
	for i := range out {
		p := benchProcesses[min(int(rng.ExpFloat64()*3), len(benchProcesses)-1)]
		if rng.Intn(200) == 0 {
			p = fmt.Sprintf("tool%05d.exe", rng.Intn(50000))
		}
		dev := rng.Intn(1000)
		ts := start.Add(time.Duration(rng.Int63n(int64(30 * 24 * time.Hour))))
		cmd := fmt.Sprintf(`"C:\Program Files\%s" --type=renderer --field-trial-handle=%d --lang=en-US /prefetch:%d`, p, rng.Intn(100000), rng.Intn(9))
		if rng.Intn(100000) == 0 {
			cmd += " -enc ZQBjAGgAbwAgAHAAdwBuAGUAZAA= sekurlsa::logonpasswords"
		}
		h := fmt.Sprintf("%064x", uint64(len(p))*0x9e3779b97f4a7c15+uint64(p[0]))
		out[i] = map[string]any{
			"Timestamp": ts.Format(time.RFC3339Nano), "DeviceId": fmt.Sprintf("%040x", dev), "DeviceName": fmt.Sprintf("ws-%04d.corp.example.com", dev),
			"ActionType": "ProcessCreated", "FileName": p, "FolderPath": `C:\Windows\System32\` + p, "SHA1": h[:40], "SHA256": h, "MD5": h[:32],
			"FileSize": 10000 + rng.Intn(5000000), "ProcessId": rng.Intn(65536), "ProcessCommandLine": cmd,
			"ProcessCreationTime": ts.Format(time.RFC3339Nano), "AccountDomain": "corp", "AccountName": fmt.Sprintf("user%03d", dev%300),
			"AccountSid": fmt.Sprintf("S-1-5-21-1004336348-1177238915-682003330-%d", 1000+dev%300), "LogonId": rng.Intn(1 << 30),
			"InitiatingProcessFileName": benchProcesses[rng.Intn(4)], "InitiatingProcessCommandLine": `C:\Windows\system32\svchost.exe -k netsvcs -p`,
			"InitiatingProcessId": rng.Intn(65536), "InitiatingProcessParentFileName": "services.exe", "ReportId": rng.Int63n(1 << 40),
			"AdditionalFields": map[string]any{"ProcessIntegrityLevel": "Medium", "TokenElevation": "Default"},
		}
	}
	return out
}

func jsonlOf(events []map[string]any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, e := range events {
		enc.Encode(e)
	}
	return b.Bytes()
}

func csvOf(t *schema.Table, events []map[string]any) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = c.Name
	}
	w.Write(head)
	rec := make([]string, len(head))
	for _, e := range events {
		for i, c := range head {
			switch v := e[c].(type) {
			case string:
				rec[i] = v
			case int:
				rec[i] = strconv.Itoa(v)
			case int64:
				rec[i] = strconv.FormatInt(v, 10)
			default:
				js, _ := json.Marshal(v)
				rec[i] = string(js)
			}
		}
		w.Write(rec)
	}
	w.Flush()
	return b.Bytes()
}

// ingestAll reads input into a fresh store and seals it; it returns the store.
func ingestAll(b *testing.B, dir string, input []byte, format ingest.Format, end time.Time) *Store {
	s, err := Open(dir, Options{Now: func() time.Time { return end }, SyncBatch: true})
	if err != nil {
		b.Fatal(err)
	}
	def := processTable()
	if err := s.CreateTable(def); err != nil {
		b.Fatal(err)
	}
	r, err := ingest.NewReader(bytes.NewReader(input), "bench", s.Table(def.Name), ingest.Options{Format: format})
	if err != nil {
		b.Fatal(err)
	}
	for {
		cols, rows, err := r.Next()
		if rows > 0 {
			if aerr := s.Append(def.Name, cols, rows); aerr != nil {
				b.Fatal(aerr)
			}
			if s.NeedsSeal(def.Name) {
				if serr := s.Seal(def.Name); serr != nil {
					b.Fatal(serr)
				}
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Seal(def.Name); err != nil {
		b.Fatal(err)
	}
	return s
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if st, err := d.Info(); err == nil {
				n += st.Size()
			}
		}
		return nil
	})
	return n
}

// peakHeap samples the heap while fn runs and returns the largest sample.
func peakHeap(fn func()) uint64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	return peak.Load()
}

func benchIngest(b *testing.B, format ingest.Format) {
	const n = 200_000
	end := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	events := processEvents(1, n, end)
	var input []byte
	if format == ingest.CSV {
		input = csvOf(processTable(), events)
	} else {
		input = jsonlOf(events)
	}
	events = nil
	runtime.GC()
	b.SetBytes(int64(len(input)))
	b.ResetTimer()
	var disk int64
	var peak uint64
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		peak = max(peak, peakHeap(func() { ingestAll(b, dir, input, format, end).Close() }))
		disk = dirSize(filepath.Join(dir, "segments"))
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(disk)/n, "disk-B/row")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// BenchmarkIngestJSONL reads, converts, stores and seals JSON lines shaped like
// DeviceProcessEvents.
func BenchmarkIngestJSONL(b *testing.B) { benchIngest(b, ingest.JSONL) }

// BenchmarkIngestCSV is the same with CSV input.
func BenchmarkIngestCSV(b *testing.B) { benchIngest(b, ingest.CSV) }

// BenchmarkIngestRows measures ingest of SPOOR_BENCH_ROWS rows (default 1M) in
// chunks, the way a long load runs, sealing as it goes and compacting at the end,
// and reports the peak heap.
func BenchmarkIngestRows(b *testing.B) {
	// The soft heap limit spoor ingest sets.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(1 << 30))
	total := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("SPOOR_BENCH_ROWS")); err == nil && v > 0 {
		total = v
	}
	end := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	chunk := jsonlOf(processEvents(2, 100_000, end))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		s, err := Open(dir, Options{Now: func() time.Time { return end }, SyncBatch: true})
		if err != nil {
			b.Fatal(err)
		}
		s.CreateTable(processTable())
		peak := peakHeap(func() {
			for done := 0; done < total; done += 100_000 {
				r, _ := ingest.NewReader(bytes.NewReader(chunk), "bench", s.Table("DeviceProcessEvents"), ingest.Options{Format: ingest.JSONL})
				for {
					cols, rows, err := r.Next()
					if rows > 0 {
						if err := s.Append("DeviceProcessEvents", cols, rows); err != nil {
							b.Fatal(err)
						}
						if s.NeedsSeal("DeviceProcessEvents") {
							if err := s.Seal("DeviceProcessEvents"); err != nil {
								b.Fatal(err)
							}
						}
					}
					if err != nil {
						break
					}
				}
			}
			s.Seal("DeviceProcessEvents")
			// As spoor ingest does at the end of a load.
			if _, err := s.Compact("DeviceProcessEvents"); err != nil {
				b.Fatal(err)
			}
		})
		b.ReportMetric(float64(total)/b.Elapsed().Seconds()*float64(i+1)/float64(b.N), "rows/s")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		s.Close() // removes the segments compaction retired
		b.ReportMetric(float64(dirSize(filepath.Join(dir, "segments")))/float64(total), "disk-B/row")
	}
}

var scanStore struct {
	once sync.Once
	s    *Store
	rows int
	err  error
}

// sealedStore builds (once) a sealed store of 1M process events for scans.
func sealedStore(b *testing.B) *Store {
	scanStore.once.Do(func() {
		end := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
		dir, err := os.MkdirTemp("", "spoor-bench")
		if err != nil {
			scanStore.err = err
			return
		}
		scanStore.rows = 1_000_000
		s, err := Open(dir, Options{Now: func() time.Time { return end }, SyncBatch: true})
		if err != nil {
			scanStore.err = err
			return
		}
		s.CreateTable(processTable())
		for part := 0; part < 10; part++ {
			r, _ := ingest.NewReader(bytes.NewReader(jsonlOf(processEvents(int64(10+part), 100_000, end))), "bench",
				s.Table("DeviceProcessEvents"), ingest.Options{Format: ingest.JSONL})
			for {
				cols, rows, err := r.Next()
				if rows > 0 {
					s.Append("DeviceProcessEvents", cols, rows)
				}
				if err != nil {
					break
				}
			}
			s.Seal("DeviceProcessEvents")
		}
		scanStore.s = s
	})
	if scanStore.err != nil {
		b.Fatal(scanStore.err)
	}
	return scanStore.s
}

func benchScan(b *testing.B, req ScanRequest, countOnly bool) {
	s := sealedStore(b)
	req.Table = "DeviceProcessEvents"
	b.ResetTimer()
	var matched int64
	for i := 0; i < b.N; i++ {
		if countOnly {
			n, _, err := s.Count(context.Background(), req)
			if err != nil {
				b.Fatal(err)
			}
			matched = n
			continue
		}
		st, err := s.Scan(context.Background(), req, func(*vector.Batch) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		matched = st.RowsMatched
	}
	b.ReportMetric(float64(scanStore.rows)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mrows/s")
	b.ReportMetric(float64(matched), "matched")
}

// Scans over 1M sealed rows: a rare term (index only), a term with the command
// line decoded, an equality on a dictionary column, and one day of 30.
func BenchmarkScanHasCount(b *testing.B) {
	benchScan(b, ScanRequest{Preds: []Pred{{Column: "ProcessCommandLine", Op: HasTerm, Values: []string{"logonpasswords"}}}}, true)
}

func BenchmarkScanHasRows(b *testing.B) {
	benchScan(b, ScanRequest{Columns: []string{"DeviceName", "ProcessCommandLine"},
		Preds: []Pred{{Column: "ProcessCommandLine", Op: HasTerm, Values: []string{"certutil"}}}}, false)
}

func BenchmarkScanEquals(b *testing.B) {
	benchScan(b, ScanRequest{Columns: []string{"Timestamp", "FileName"},
		Preds: []Pred{{Column: "DeviceName", Op: Equals, Values: []string{"ws-0042.corp.example.com"}}}}, false)
}

func BenchmarkScanTimeRange(b *testing.B) {
	end := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	benchScan(b, ScanRequest{Columns: []string{"FileName"},
		MinTime: types.TimeToTicks(end.Add(-24 * time.Hour)), MaxTime: types.TimeToTicks(end)}, false)
}
