package storage

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/spoorhq/spoor/storage/codec"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// CountBy returns how many matching rows hold each distinct value of a string
// column: the answer of `summarize count() by Column` over the request. A
// segment the request covers whole (no predicate, its time span inside the
// range) is answered from the row counts stored with its dictionary, without
// reading a block; the others are scanned, counting by dictionary code.
// reserve, when set, is told the bytes each new value adds to the answer, and
// its error stops the count.
func (s *Store) CountBy(ctx context.Context, req ScanRequest, column string, reserve func(int64) error) (map[string]int64, ScanStats, error) {
	if ctx.Value(noIndexKey{}) != nil {
		req.NoIndex = true
	}
	req.Columns = []string{column}
	req.Codes = []string{column}
	def := s.Table(req.Table)
	if def == nil {
		return nil, ScanStats{}, fmt.Errorf("table %s does not exist", req.Table)
	}
	if ci := def.Index(column); ci < 0 || def.Columns[ci].Type != types.String {
		return nil, ScanStats{}, fmt.Errorf("table %s has no string column %s", req.Table, column)
	}
	var mu sync.Mutex
	total := map[string]int64{}
	// add adds counts[i] rows of each vals[i] to total, and accounts the
	// values new to it.
	add := func(vals []string, counts []int64) error {
		mu.Lock()
		defer mu.Unlock()
		var bytes int64
		for i, n := range counts {
			if n == 0 {
				continue
			}
			if _, ok := total[vals[i]]; !ok {
				bytes += int64(len(vals[i])) + countByEntryBytes
			}
			total[vals[i]] += n
		}
		if reserve == nil || bytes == 0 {
			return nil
		}
		return reserve(bytes)
	}
	whole := func(seg *segment) (bool, int64, error) {
		ci, ok := seg.cols[column]
		if !ok || seg.footer.Columns[ci].Counts.empty() {
			return false, 0, nil
		}
		d, err := seg.dict(ci)
		if err != nil {
			return false, 0, err
		}
		counts, err := seg.valueCounts(ci, len(d.Values))
		if err != nil {
			return false, 0, err
		}
		return true, int64(seg.footer.Rows), add(d.Values, counts)
	}
	st, err := s.scanWith(ctx, req, func(b *vector.Batch) error {
		v := b.Cols[0]
		if v.Codes != nil && v.Strs == nil && len(v.Dict.Values) <= 4*len(v.Codes) {
			counts := make([]int64, len(v.Dict.Values))
			for _, c := range v.Codes {
				counts[c]++
			}
			return add(v.Dict.Values, counts)
		}
		// Plain strings (unsealed rows, free text): counted by value.
		local := map[string]int64{}
		for i := 0; i < v.Len; i++ {
			local[v.Str(i)]++
		}
		vals, counts := make([]string, 0, len(local)), make([]int64, 0, len(local))
		for k, n := range local {
			vals, counts = append(vals, k), append(counts, n)
		}
		return add(vals, counts)
	}, whole)
	if err != nil {
		return nil, st, err
	}
	return total, st, nil
}

// countByEntryBytes is the memory of one value's entry in CountBy's answer,
// besides its text.
const countByEntryBytes = 48

// valueCounts returns the rows of each of the n codes of dictionary column
// ci, from the segment's Counts region, checked against the segment's rows.
func (s *segment) valueCounts(ci, n int) ([]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.counts[ci]; ok {
		return c, nil
	}
	c := &s.footer.Columns[ci]
	b, err := s.read(c.Counts, "row counts of "+c.Name)
	if err != nil {
		return nil, err
	}
	bad := func(what string) error {
		return fmt.Errorf("segment %s: row counts of %s: %w: %s", s.path, c.Name, codec.ErrCorrupt, what)
	}
	m, k := binary.Uvarint(b)
	if k <= 0 || m != uint64(n) {
		return nil, bad(fmt.Sprintf("%d counts for a dictionary of %d", m, n))
	}
	b = b[k:]
	counts := make([]int64, n)
	var sum uint64
	for i := range counts {
		x, k := binary.Uvarint(b)
		if k <= 0 {
			return nil, bad("truncated")
		}
		b = b[k:]
		counts[i] = int64(x)
		sum += x
	}
	if len(b) != 0 || sum != uint64(s.footer.Rows) {
		return nil, bad(fmt.Sprintf("counts add up to %d of %d rows", sum, s.footer.Rows))
	}
	s.counts[ci] = counts
	return counts, nil
}
