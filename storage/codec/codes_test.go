package codec

import "testing"

// TestDecodeCodesLimit checks that a code at or past the dictionary's size is
// refused, wherever it falls, and that codes below it decode.
func TestDecodeCodesLimit(t *testing.T) {
	codes := make([]uint32, 1000)
	for i := range codes {
		codes[i] = uint32(i % 7)
	}
	for _, at := range []int{0, 255, 256, 999} {
		bad := append([]uint32(nil), codes...)
		bad[at] = 9
		block := AppendCodes(nil, bad)
		if _, err := DecodeCodesAt(block, nil, 10, nil); err != nil {
			t.Errorf("code 9 at %d, limit 10: %v", at, err)
		}
		if _, err := DecodeCodesAt(block, nil, 9, nil); err == nil {
			t.Errorf("code 9 at %d, limit 9: no error", at)
		}
		got, err := DecodeCodes(block, nil)
		if err != nil || len(got) != len(bad) || got[at] != 9 {
			t.Errorf("code 9 at %d, no limit: %v", at, err)
		}
	}
	if _, err := DecodeCodesAt(AppendCodes(nil, []uint32{0}), nil, 0, nil); err == nil {
		t.Error("a code for an empty dictionary: no error")
	}
	if got, err := DecodeCodesAt(AppendCodes(nil, nil), nil, 0, nil); err != nil || len(got) != 0 {
		t.Errorf("no codes, empty dictionary: %v, %d codes", err, len(got))
	}
	wide := AppendCodes(nil, []uint32{1<<32 - 1, 3})
	if got, err := DecodeCodes(wide, nil); err != nil || got[0] != 1<<32-1 {
		t.Errorf("the largest code, no limit: %v", err)
	}
}

// TestDecodeCodesAt checks that decoding some rows gives their codes as a
// whole decode does, by chunk or one by one, and leaves no other row with
// what the buffer held before (a row not asked for is zero or its code).
func TestDecodeCodesAt(t *testing.T) {
	codes := make([]uint32, 3000)
	for i := range codes {
		codes[i] = uint32(i%97) + 1 // no zero: a row left alone shows
	}
	dense := make([]int, 0, 40)
	for r := 520; r < 560; r++ { // 40 rows of one chunk: unpacked whole
		dense = append(dense, r)
	}
	dense = append(dense, 2999)
	cases := [][]int{{}, {0}, {5, 6, 700}, {255, 256}, {2999}, {1, 1000, 1001, 2048, 2999}, dense}
	block := AppendCodes(nil, codes)
	for _, rows := range cases {
		dirty := make([]uint32, 0, len(codes))
		for range codes {
			dirty = append(dirty, 12345) // a reused buffer's old contents
		}
		got, err := DecodeCodesAt(block, dirty[:0], 98, rows)
		if err != nil || len(got) != len(codes) {
			t.Fatalf("rows %v: %v, %d codes", rows, err, len(got))
		}
		wanted := map[int]bool{}
		for _, r := range rows {
			wanted[r] = true
		}
		for i, c := range got {
			if wanted[i] && c != codes[i] || !wanted[i] && c != 0 && c != codes[i] {
				t.Fatalf("rows %v: code %d is %d, want %d", rows, i, c, codes[i])
			}
		}
	}
	for _, rows := range [][]int{{3000}, {-1}, {300, 5}, {2999, 3000}} {
		if _, err := DecodeCodesAt(block, nil, 98, rows); err == nil {
			t.Errorf("rows %v: no error", rows)
		}
	}
	bad := append([]uint32(nil), codes...)
	bad[2600] = 200
	badBlock := AppendCodes(nil, bad)
	if _, err := DecodeCodesAt(badBlock, nil, 98, []int{10}); err != nil {
		t.Errorf("a bad code in a chunk not read: %v", err)
	}
	for _, rows := range [][]int{{10, 2600}, dense[:len(dense)-1], append(append([]int(nil), dense[:30]...), 2600)} {
		if _, err := DecodeCodesAt(badBlock, nil, 98, append(rows, 2600)); err == nil {
			t.Errorf("rows %v and 2600: a bad code read, no error", len(rows))
		}
	}
}

// TestUnpackAt checks reading single values against unpacking chunks, at
// every width a code can have.
func TestUnpackAt(t *testing.T) {
	for w := uint(0); w <= 32; w++ {
		vals := make([]uint64, 700)
		for i := range vals {
			if w > 0 {
				vals[i] = uint64(i*2654435761) & (1<<w - 1)
			}
		}
		var packed []byte
		for c := 0; c*chunkLen < len(vals); c++ {
			packed = pack(packed, vals[c*chunkLen:min((c+1)*chunkLen, len(vals))], w)
		}
		for i, v := range vals {
			if got := unpackAt(packed, i, w); got != v {
				t.Fatalf("width %d, value %d: %d, want %d", w, i, got, v)
			}
		}
	}
}
