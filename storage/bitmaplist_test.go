package storage

import (
	"encoding/binary"
	"slices"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
)

// TestBitmapListUnion checks that both forms of a code index, stored
// bitmaps (format version 1) and a list derived from the codes, give the
// rows of a set of codes, and refuse a code outside the dictionary.
func TestBitmapListUnion(t *testing.T) {
	codes := make([]uint32, 5000)
	for r := range codes {
		codes[r] = uint32(r*r) % 7
	}
	byCode := make([][]uint32, 7)
	for r, c := range codes {
		byCode[c] = append(byCode[c], uint32(r))
	}
	// Stored: the count, the offsets, then one portable bitmap per code.
	stored := binary.LittleEndian.AppendUint32(nil, 7)
	var data []byte
	offs := []uint32{0}
	for _, rows := range byCode {
		b, err := roaring.BitmapOf(rows...).ToBytes()
		if err != nil {
			t.Fatal(err)
		}
		data = append(data, b...)
		offs = append(offs, uint32(len(data)))
	}
	for _, o := range offs {
		stored = binary.LittleEndian.AppendUint32(stored, o)
	}
	stored = append(stored, data...)
	starts := make([]uint32, 8)
	var rows []uint32
	for c, rs := range byCode {
		rows = append(rows, rs...)
		starts[c+1] = uint32(len(rows))
	}
	derived := &bitmapList{n: 7, starts: starts, rows: rows}
	storedList, err := openBitmapList(stored)
	if err != nil {
		t.Fatal(err)
	}
	for name, l := range map[string]*bitmapList{"stored": storedList, "derived": derived} {
		for _, want := range [][]int{{}, {0}, {2, 5}, {0, 1, 2, 3, 4, 5, 6}} {
			bm, err := l.union(want)
			if err != nil {
				t.Fatalf("%s %v: %v", name, want, err)
			}
			var exp []uint32
			for r, c := range codes {
				if slices.Contains(want, int(c)) {
					exp = append(exp, uint32(r))
				}
			}
			if got := bm.ToArray(); !slices.Equal(got, exp) && len(got)+len(exp) > 0 {
				t.Fatalf("%s %v: %d rows, want %d", name, want, len(got), len(exp))
			}
		}
		if _, err := l.union([]int{7}); err == nil {
			t.Errorf("%s: code 7 of 7: no error", name)
		}
	}
}
