package codec

import "testing"

// TestDecodeCodesBelow checks that a code at or past the dictionary's size is
// refused, wherever it falls, and that codes below it decode.
func TestDecodeCodesBelow(t *testing.T) {
	codes := make([]uint32, 1000)
	for i := range codes {
		codes[i] = uint32(i % 7)
	}
	for _, at := range []int{0, 255, 256, 999} {
		bad := append([]uint32(nil), codes...)
		bad[at] = 9
		block := AppendCodes(nil, bad)
		if _, err := DecodeCodesBelow(block, nil, 10); err != nil {
			t.Errorf("code 9 at %d, limit 10: %v", at, err)
		}
		if _, err := DecodeCodesBelow(block, nil, 9); err == nil {
			t.Errorf("code 9 at %d, limit 9: no error", at)
		}
		got, err := DecodeCodes(block, nil)
		if err != nil || len(got) != len(bad) || got[at] != 9 {
			t.Errorf("code 9 at %d, no limit: %v", at, err)
		}
	}
	if _, err := DecodeCodesBelow(AppendCodes(nil, []uint32{0}), nil, 0); err == nil {
		t.Error("a code for an empty dictionary: no error")
	}
	if got, err := DecodeCodesBelow(AppendCodes(nil, nil), nil, 0); err != nil || len(got) != 0 {
		t.Errorf("no codes, empty dictionary: %v, %d codes", err, len(got))
	}
	wide := AppendCodes(nil, []uint32{1<<32 - 1, 3})
	if got, err := DecodeCodes(wide, nil); err != nil || got[0] != 1<<32-1 {
		t.Errorf("the largest code, no limit: %v", err)
	}
}

// TestDecodeCodesAt checks that decoding some rows gives their codes as a
// whole decode does, and zero for the rows of chunks left alone.
func TestDecodeCodesAt(t *testing.T) {
	codes := make([]uint32, 3000)
	for i := range codes {
		codes[i] = uint32(i%97) + 1 // no zero: a left-alone row shows
	}
	block := AppendCodes(nil, codes)
	for _, rows := range [][]int{{}, {0}, {5, 6, 700}, {255, 256}, {2999}, {1, 1000, 1001, 2048, 2999}} {
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
			for c := r / chunkLen * chunkLen; c < min(len(codes), (r/chunkLen+1)*chunkLen); c++ {
				wanted[c] = true
			}
		}
		for i, c := range got {
			want := uint32(0)
			if wanted[i] {
				want = codes[i]
			}
			if c != want {
				t.Fatalf("rows %v: code %d is %d, want %d", rows, i, c, want)
			}
		}
	}
	if _, err := DecodeCodesAt(block, nil, 98, []int{3000}); err == nil {
		t.Error("a row past the block: no error")
	}
	bad := append([]uint32(nil), codes...)
	bad[2600] = 200
	badBlock := AppendCodes(nil, bad)
	if _, err := DecodeCodesAt(badBlock, nil, 98, []int{10}); err != nil {
		t.Errorf("a bad code in a chunk not read: %v", err)
	}
	if _, err := DecodeCodesAt(badBlock, nil, 98, []int{10, 2650}); err == nil {
		t.Error("a bad code in a chunk read: no error")
	}
}
