package codec

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"testing"
)

const benchRows = 1 << 16

// sortedTimestamps returns benchRows datetime ticks in ascending order, one
// event every 0 to 2 ms at millisecond precision, as telemetry arrives.
func sortedTimestamps() []int64 {
	r := rng(31)
	vals := make([]int64, benchRows)
	ts := int64(638_500_000_000_000_000) / 10_000 * 10_000
	for i := range vals {
		ts += int64(r.intn(3)) * 10_000
		vals[i] = ts
	}
	return vals
}

// jitteredTimestamps is like sortedTimestamps at full tick precision, with up
// to 1.6 ms between events.
func jitteredTimestamps() []int64 {
	r := rng(37)
	vals := make([]int64, benchRows)
	ts := int64(638_500_000_000_000_000)
	for i := range vals {
		ts += int64(r.intn(1 << 14))
		vals[i] = ts
	}
	return vals
}

func randomLongs() []int64 {
	r := rng(41)
	vals := make([]int64, benchRows)
	for i := range vals {
		vals[i] = int64(r.next())
	}
	return vals
}

// smallLongs are process ids and ports: 0 to 65535.
func smallLongs() []int64 {
	r := rng(43)
	vals := make([]int64, benchRows)
	for i := range vals {
		vals[i] = int64(r.intn(1 << 16))
	}
	return vals
}

func BenchmarkDecodeInts(b *testing.B) {
	for _, c := range []struct {
		name string
		vals []int64
	}{
		{"sorted-ms-timestamps", sortedTimestamps()},
		{"sorted-tick-timestamps", jitteredTimestamps()},
		{"random-longs", randomLongs()},
		{"16-bit-longs", smallLongs()},
	} {
		b.Run(c.name, func(b *testing.B) {
			block := AppendInts(nil, c.vals)
			dst := make([]int64, 0, len(c.vals))
			b.SetBytes(8 * int64(len(c.vals)))
			for b.Loop() {
				var err error
				if dst, err = DecodeInts(block, dst[:0]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(block))/float64(len(c.vals)), "B/value")
		})
	}
}

func BenchmarkAppendInts(b *testing.B) {
	for _, c := range []struct {
		name string
		vals []int64
	}{
		{"sorted-ms-timestamps", sortedTimestamps()},
		{"random-longs", randomLongs()},
	} {
		b.Run(c.name, func(b *testing.B) {
			var block []byte
			b.SetBytes(8 * int64(len(c.vals)))
			for b.Loop() {
				block = AppendInts(block[:0], c.vals)
			}
		})
	}
}

func BenchmarkDecodeCodes(b *testing.B) {
	for _, card := range []int{10, 1000} {
		b.Run(fmt.Sprintf("cardinality-%d", card), func(b *testing.B) {
			r := rng(47)
			codes := make([]uint32, benchRows)
			for i := range codes {
				codes[i] = uint32(r.intn(card))
			}
			block := AppendCodes(nil, codes)
			dst := make([]uint32, 0, len(codes))
			b.SetBytes(4 * int64(len(codes)))
			for b.Loop() {
				var err error
				if dst, err = DecodeCodesAt(block, dst[:0], uint32(card), nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(block))/float64(len(codes)), "B/value")
		})
	}
}

// commandLines returns benchRows process command lines with realistic
// repetition.
func commandLines() []string {
	r := rng(53)
	exes := []string{`C:\Windows\System32\svchost.exe -k netsvcs -p -s Schedule`,
		`"C:\Program Files\Google\Chrome\Application\chrome.exe" --type=renderer --lang=en-US`,
		`powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\ProgramData\agent\run.ps1`,
		`C:\Windows\system32\cmd.exe /c "whoami /all"`, `rundll32.exe shell32.dll,Control_RunDLL`}
	vals := make([]string, benchRows)
	for i := range vals {
		vals[i] = fmt.Sprintf("%s --id=%08x --seq %d", exes[r.intn(len(exes))], r.next()&0xffffffff, i)
	}
	return vals
}

func BenchmarkDecodeStrings(b *testing.B) {
	vals := commandLines()
	raw := 0
	for _, s := range vals {
		raw += len(s)
	}
	for _, c := range []Compression{S2, Zstd} {
		b.Run([]string{"s2", "zstd"}[c], func(b *testing.B) {
			block := AppendStrings(nil, vals, c)
			dst := make([]string, 0, len(vals))
			b.SetBytes(int64(raw))
			for b.Loop() {
				var err error
				if dst, err = DecodeStrings(block, dst[:0]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(block))/float64(raw), "ratio")
		})
	}
}

func BenchmarkAppendStrings(b *testing.B) {
	vals := commandLines()
	raw := 0
	for _, s := range vals {
		raw += len(s)
	}
	for _, c := range []Compression{S2, Zstd} {
		b.Run([]string{"s2", "zstd"}[c], func(b *testing.B) {
			var block []byte
			b.SetBytes(int64(raw))
			for b.Loop() {
				block = AppendStrings(block[:0], vals, c)
			}
		})
	}
}

func BenchmarkDecodeReals(b *testing.B) {
	r := rng(59)
	vals := make([]float64, benchRows)
	for i := range vals {
		vals[i] = float64(r.intn(10000)) / 100
	}
	block := AppendReals(nil, vals)
	dst := make([]float64, 0, len(vals))
	b.SetBytes(8 * int64(len(vals)))
	for b.Loop() {
		var err error
		if dst, err = DecodeReals(block, dst[:0]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(block))/float64(len(vals)), "B/value")
}

func BenchmarkDecodeBits(b *testing.B) {
	r := rng(61)
	for _, density := range []int{1, 500} {
		b.Run(fmt.Sprintf("density-%d-per-mille", density), func(b *testing.B) {
			words := make([]uint64, benchRows/64)
			for i := range benchRows {
				if r.intn(1000) < density {
					words[i/64] |= 1 << (i % 64)
				}
			}
			block := AppendBits(nil, words, benchRows)
			b.SetBytes(benchRows / 8)
			for b.Loop() {
				if _, err := DecodeBits(block, benchRows); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(block))*8/benchRows, "bits/row")
		})
	}
}

func BenchmarkOpenFrame(b *testing.B) {
	frame := AppendFrame(nil, make([]byte, 1<<20))
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		if _, err := OpenFrame(frame); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTerms(b *testing.B) {
	vals := commandLines()
	raw := 0
	for _, s := range vals {
		raw += len(s)
	}
	b.SetBytes(int64(raw))
	n := 0
	for b.Loop() {
		for _, s := range vals {
			Terms(s, func(string) { n++ })
		}
	}
}

func BenchmarkTermsLower(b *testing.B) {
	vals := commandLines()
	raw := 0
	for i, s := range vals {
		vals[i] = strings.ToLower(s)
		raw += len(s)
	}
	b.SetBytes(int64(raw))
	n := 0
	for b.Loop() {
		for _, s := range vals {
			Terms(s, func(string) { n++ })
		}
	}
}

func BenchmarkTermIndexBuild(b *testing.B) {
	vals := commandLines()
	var data []byte
	for b.Loop() {
		tb := NewTermIndexBuilder()
		for i, s := range vals {
			tb.Add(uint32(i), s)
		}
		data = tb.AppendTo(data[:0])
	}
	b.ReportMetric(float64(len(data))/float64(len(vals)), "B/row")
}

func BenchmarkTermIndexLookup(b *testing.B) {
	vals := commandLines()
	tb := NewTermIndexBuilder()
	for i, s := range vals {
		tb.Add(uint32(i), s)
	}
	data := tb.AppendTo(nil)
	x, err := OpenTermIndex(data)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d terms, %d bytes", x.Len(), len(data))
	for _, c := range []struct{ name, term string }{
		{"rare", "12345"},
		{"common", "exe"},
		{"absent", "mimikatz"},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := x.Lookup(c.term); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("prefix", func(b *testing.B) {
		for b.Loop() {
			if _, err := x.Prefix("power"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkOpenTermIndex(b *testing.B) {
	vals := commandLines()
	tb := NewTermIndexBuilder()
	for i, s := range vals {
		tb.Add(uint32(i), s)
	}
	data := tb.AppendTo(nil)
	for b.Loop() {
		if _, err := OpenTermIndex(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDictBuild builds dictionaries of a day's column of process ids:
// short strings, about half of them distinct, in no order.
func BenchmarkDictBuild(b *testing.B) {
	for _, distinct := range []int{16, 4096} {
		b.Run(fmt.Sprintf("distinct=%d", distinct), func(b *testing.B) {
			rng := rand.New(rand.NewSource(1))
			pool := make([]string, distinct)
			for i := range pool {
				pool[i] = strconv.Itoa(1_000_000 + rng.Intn(9_000_000))
			}
			vals := make([]string, 8192)
			for i := range vals {
				vals[i] = pool[rng.Intn(distinct)]
			}
			var d DictBuilder
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, _, ok := d.Build(vals, len(vals), 4096, 4096); !ok {
					b.Fatal("no dictionary")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(vals)), "ns/row")
		})
	}
}
