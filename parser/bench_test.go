package parser

import (
	"sort"
	"testing"
	"time"
)

// benchQueries returns the hunting corpus when it is present, else the valid snippets.
func benchQueries(b *testing.B) []string {
	var out []string
	if qs, err := readCorpus(corpusPath("hunting-public.jsonl")); err == nil {
		for _, q := range qs {
			out = append(out, q.Query)
		}
		return out
	}
	b.Log("corpus not available; timing the valid snippets instead")
	snippets, err := loadSnippets("testdata/valid.txt")
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range snippets {
		out = append(out, s.query)
	}
	return out
}

// BenchmarkParseCorpus parses every query of the corpus once per iteration and
// reports the median and 90th-percentile time per query.
func BenchmarkParseCorpus(b *testing.B) {
	qs := benchQueries(b)
	per := make([][]time.Duration, len(qs))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j, q := range qs {
			start := time.Now()
			_, _ = Parse(q)
			per[j] = append(per[j], time.Since(start))
		}
	}
	b.StopTimer()
	best := make([]time.Duration, len(qs))
	for j, ds := range per {
		sort.Slice(ds, func(a, c int) bool { return ds[a] < ds[c] })
		best[j] = ds[len(ds)/2]
	}
	sort.Slice(best, func(a, c int) bool { return best[a] < best[c] })
	b.ReportMetric(float64(best[len(best)/2].Microseconds()), "median-µs/query")
	b.ReportMetric(float64(best[len(best)*9/10].Microseconds()), "p90-µs/query")
	b.ReportMetric(float64(len(qs)), "queries")
}
