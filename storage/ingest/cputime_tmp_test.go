package ingest

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"syscall"
	"testing"
	"time"
)

func cpuTimes(who int) time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(who, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestCPUTimeTmp(t *testing.T) {
	data, csvData := benchData()
	tab := processTable(t)
	for _, tc := range []struct {
		name string
		in   []byte
	}{{"jsonl", data}, {"jsonl.gz", gzipped(t, data)}, {"jsonl.zst", zstded(t, data)}, {"csv", csvData}, {"csv.gz", gzipped(t, csvData)}, {"csv.zst", zstded(t, csvData)}} {
		runtime.GC()
		runtime.LockOSThread()
		best := time.Hour
		var bestProc time.Duration
		for range 5 {
			th0, p0 := cpuTimes(1 /* RUSAGE_THREAD */), cpuTimes(syscall.RUSAGE_SELF)
			r, err := NewReader(bytes.NewReader(tc.in), "-", tab, Options{})
			if err != nil {
				t.Fatal(err)
			}
			rows := 0
			for {
				_, n, err := r.Next()
				if err == io.EOF {
					break
				}
				rows += n
			}
			th, p := cpuTimes(1)-th0, cpuTimes(syscall.RUSAGE_SELF)-p0
			if th < best {
				best, bestProc = th, p
			}
		}
		runtime.UnlockOSThread()
		fmt.Printf("%-10s parse thread %v (%.0f rows/s)   whole process %v\n", tc.name, best, benchRows/best.Seconds(), bestProc)
	}
}
