package engine

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spoorhq/spoor/executor"
	"github.com/spoorhq/spoor/planner"
)

// Default limits of a query, used where Options leaves a field zero.
const (
	// DefaultMaxRows is the rows a result keeps before it is truncated.
	DefaultMaxRows = 100_000
	// DefaultTimeout is how long a query may run.
	DefaultTimeout = 10 * time.Minute
)

// Options for one query. The zero value gives the default limits; a query's
// set statements may change them within the bounds each field describes.
type Options struct {
	// MaxRows is the rows a result keeps before it is truncated with a
	// warning (0: DefaultMaxRows; negative: no limit). The query may change
	// it with set truncationmaxrecords = N or lift it with set notruncation.
	MaxRows int
	// Timeout is how long the query may run (0: DefaultTimeout). The query
	// may shorten it with set servertimeout, never lengthen it.
	Timeout time.Duration
	// MemoryLimit is the bytes the query's stateful operators (join build
	// sides, aggregation groups, sort buffers, the result) may hold at once
	// (0: DefaultMemoryLimit). The query may change it with set
	// max_memory_consumption_per_query_per_node, up to half of the machine's
	// memory or MemoryLimit, whichever is larger.
	MemoryLimit int64
	// Explain attaches the plan to the result, and the plan annotated with
	// what the run read (Result.Profile).
	Explain bool
}

// limits are the limits one query runs under, after its set statements.
type limits struct {
	maxRows     int   // negative: no limit
	maxBytes    int64 // 0: no limit
	takeMax     int64 // 0: no limit
	timeout     time.Duration
	memoryLimit int64
}

// resolve applies a plan's request options to the engine options, and
// returns warnings for settings it could not honour.
func (o Options) resolve(req planner.RequestOptions) (limits, []string) {
	var warnings []string
	l := limits{maxRows: o.MaxRows, timeout: o.Timeout, memoryLimit: o.MemoryLimit}
	if l.maxRows == 0 {
		l.maxRows = DefaultMaxRows
	}
	if l.timeout <= 0 {
		l.timeout = DefaultTimeout
	}
	if l.memoryLimit <= 0 {
		l.memoryLimit = DefaultMemoryLimit()
	}
	switch {
	case req.NoTruncation:
		l.maxRows = -1
	case req.TruncationMaxRecords > 0:
		l.maxRows = int(min(req.TruncationMaxRecords, int64(^uint(0)>>1)))
	}
	if !req.NoTruncation {
		l.maxBytes = req.TruncationMaxSize
	}
	l.takeMax = req.TakeMaxRecords
	if t := req.ServerTimeout; t > 0 {
		if t <= l.timeout {
			l.timeout = t
		} else {
			warnings = append(warnings, fmt.Sprintf("set servertimeout = %s is longer than the engine's limit; the query runs with a timeout of %s", t, l.timeout))
		}
	}
	if m := req.MaxMemory; m > 0 {
		ceiling := max(l.memoryLimit, totalMemory()/2)
		if m <= ceiling {
			l.memoryLimit = m
		} else {
			l.memoryLimit = ceiling
			warnings = append(warnings, fmt.Sprintf("set max_memory_consumption_per_query_per_node = %d is more than this machine allows a query; the query runs with a budget of %s",
				m, executor.FormatBytes(ceiling)))
		}
	}
	return l, warnings
}

// DefaultMemoryLimit is a query's memory budget when Options leaves it zero:
// a quarter of the memory available to the process.
func DefaultMemoryLimit() int64 { return totalMemory() / 4 }

var (
	memOnce  sync.Once
	memTotal int64
)

// fallbackMemory is assumed when the machine's memory cannot be read.
const fallbackMemory = 8 << 30

// totalMemory is the memory available to the process: the machine's, or the
// control group's limit when that is lower.
func totalMemory() int64 {
	memOnce.Do(func() {
		memTotal = fallbackMemory
		if n := meminfoTotal(); n > 0 {
			memTotal = n
		}
		for _, f := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
			b, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 && n < memTotal {
				memTotal = n
			}
		}
	})
	return memTotal
}

// meminfoTotal reads MemTotal from /proc/meminfo, or returns 0.
func meminfoTotal() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// ParseBytes reads a byte count written as a number with an optional unit:
// 1048576, 512KiB, 64MiB, 2GiB, 1.5GB (KB, MB, GB and TB are decimal; KiB,
// MiB, GiB and TiB binary; case is ignored).
func ParseBytes(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	units := []struct {
		suffix string
		mult   float64
	}{
		{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
		{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12},
		{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"t", 1 << 40}, {"b", 1},
	}
	mult := 1.0
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f <= 0 || f*mult >= 1<<63 {
		return 0, fmt.Errorf("cannot read %q as a positive byte count such as 512MiB or 2GiB", s)
	}
	return int64(f * mult), nil
}
