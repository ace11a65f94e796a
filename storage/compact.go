package storage

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/dgraph-io/badger/v4"

	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Compact merges the small segments of each day of a table into as few
// segments as SegmentRows allows. Like sealing, the swap is one badger
// transaction: a crash before it leaves the new files as orphans, a crash after
// it leaves the old ones as orphans, and orphans are removed at the next open.
// It returns the number of segments merged away.
func (s *Store) Compact(table string) (int, error) {
	s.mu.RLock()
	t, ok := s.tables[table]
	s.mu.RUnlock()
	if !ok {
		return 0, nil
	}
	t.sealMu.Lock()
	defer t.sealMu.Unlock()
	s.mu.RLock()
	byDay := map[string][]*segInfo{}
	var days []string
	for _, si := range t.segments {
		if _, seen := byDay[si.Day]; !seen {
			days = append(days, si.Day)
		}
		byDay[si.Day] = append(byDay[si.Day], si)
	}
	s.mu.RUnlock()
	merged := 0
	for _, day := range days {
		group := smallSegments(byDay[day], s.opts.SegmentRows)
		if len(group) < 2 {
			continue
		}
		if err := s.merge(t.def, group); err != nil {
			return merged, fmt.Errorf("compact %s %s: %w", table, day, err)
		}
		merged += len(group) - 1
	}
	return merged, nil
}

// smallSegments picks segments of one day whose rows fit together in one segment.
func smallSegments(segs []*segInfo, limit int) []*segInfo {
	var out []*segInfo
	rows := 0
	for _, si := range segs {
		if si.Rows < limit/2 && rows+si.Rows <= limit {
			out = append(out, si)
			rows += si.Rows
		}
	}
	return out
}

func (s *Store) merge(def *schema.Table, group []*segInfo) error {
	cols, rows, err := s.readSegments(def, group)
	if err != nil {
		return err
	}
	infos, err := s.writeSegments(def, newRowSet([][]*vector.Vector{cols}, []int{rows}), "c"+group[0].ID, true)
	if err != nil {
		return err
	}
	err = s.update(func(txn *badger.Txn) error {
		for _, si := range group {
			if err := txn.Delete([]byte(keySegment + def.Name + "/" + si.ID)); err != nil {
				return err
			}
		}
		for _, si := range infos {
			js, err := json.Marshal(si)
			if err != nil {
				return err
			}
			if err := txn.Set([]byte(keySegment+def.Name+"/"+si.ID), js); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		for _, si := range infos {
			os.Remove(s.segmentPath(si))
		}
		return err
	}
	gone := map[*segInfo]bool{}
	for _, si := range group {
		gone[si] = true
	}
	s.mu.Lock()
	t := s.tables[def.Name]
	keep := t.segments[:0]
	for _, si := range t.segments {
		if !gone[si] {
			keep = append(keep, si)
		}
	}
	t.segments = append(keep, infos...)
	sortSegments(t.segments)
	// Scans that started before the swap may still read the old files; they are
	// removed when the store closes (or, after a crash, as orphans at open).
	s.retired = append(s.retired, group...)
	s.mu.Unlock()
	return nil
}

// readAll decodes every row of every column of the segment, in the table's
// column order; columns the segment lacks come back null.
func (s *segment) readAll(def *schema.Table) ([]*vector.Vector, error) {
	out := make([]*vector.Vector, len(def.Columns))
	for i, c := range def.Columns {
		v := vector.New(c.Type, s.footer.Rows)
		mi, ok := s.cols[c.Name]
		if !ok {
			for r := 0; r < s.footer.Rows; r++ {
				v.Append(types.NullOf(c.Type))
			}
			out[i] = v
			continue
		}
		for b := range s.footer.Columns[mi].Blocks {
			part, err := s.decodeBlock(mi, b, c.Type)
			if err != nil {
				return nil, err
			}
			vector.AppendVector(v, part)
		}
		out[i] = v
	}
	return out, nil
}
