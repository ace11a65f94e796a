package codec

import "github.com/RoaringBitmap/roaring/v2"

// RowBitmapWriter serializes ascending row lists as roaring bitmaps in the
// portable format, reusing one bitmap between calls. It is used by one
// goroutine at a time.
type RowBitmapWriter struct {
	bm *roaring.Bitmap
}

// Append appends rows, best ascending (any order works), as a roaring bitmap
// in the portable format. Lists of up to three rows (most ids, hashes and
// paths) are written directly in the compact form appendSmallBitmap makes.
func (w *RowBitmapWriter) Append(dst []byte, rows []uint32) []byte {
	if small, ok := appendSmallBitmap(dst, rows); ok {
		return small
	}
	if w.bm == nil {
		w.bm = roaring.New()
	}
	w.bm.Clear()
	w.bm.AddMany(rows)
	w.bm.RunOptimize()
	a := appender{dst}
	if _, err := w.bm.WriteTo(&a); err != nil {
		panic("BUG: roaring write to memory: " + err.Error())
	}
	return a.b
}
