package storage

import (
	"math/rand"
	"os"
	"path/filepath"
	"testing"
)

// FuzzSegment feeds arbitrary bytes to the segment reader as a file: opening,
// decoding every block and using every index must fail cleanly, never panic.
func FuzzSegment(f *testing.F) {
	dir := f.TempDir()
	rows := makeRows(rand.New(rand.NewSource(9)), 0, 300)
	path := filepath.Join(dir, "seed.seg")
	if _, _, err := writeSegment(path, eventsTable(), vectorSource(rows), 300, true); err != nil {
		f.Fatal(err)
	}
	seed, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add(seed[:len(seed)/2])
	f.Add([]byte(segMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "x.seg")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		seg, err := openSegment(p)
		if err != nil {
			return
		}
		defer seg.close()
		def := eventsTable()
		seg.readAll(def)
		for _, pr := range testRequests {
			for _, p := range pr.Preds {
				seg.candidates(p)
			}
		}
	})
}
