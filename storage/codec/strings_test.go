package codec

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func stringCases() []struct {
	name string
	vals []string
} {
	r := rng(13)
	paths := make([]string, 3000)
	for i := range paths {
		paths[i] = fmt.Sprintf(`C:\Windows\System32\svc%d.exe -k netsvcs -p %d`, r.intn(20), r.intn(1000))
	}
	noise := make([]string, 200)
	for i := range noise {
		b := make([]byte, r.intn(40))
		for j := range b {
			b[j] = byte(r.next())
		}
		noise[i] = string(b)
	}
	return []struct {
		name string
		vals []string
	}{
		{"none", nil},
		{"one empty", []string{""}},
		{"all empty", []string{"", "", "", ""}},
		{"single", []string{"cmd.exe"}},
		{"empty between", []string{"a", "", "bc", "", ""}},
		{"unicode", []string{"héllo", "日本語のテキスト", "emoji 🦊🔥", "Ünïcödé", "\u0000nul"}},
		{"invalid utf-8", []string{"\xff\xfe", "a\x80b"}},
		{"long", []string{strings.Repeat("powershell -enc ", 5000)}},
		{"command lines", paths},
		{"random bytes", noise},
	}
}

func TestStringsRoundTrip(t *testing.T) {
	for _, c := range []Compression{S2, Zstd} {
		for _, tt := range stringCases() {
			t.Run(fmt.Sprintf("%d/%s", c, tt.name), func(t *testing.T) {
				block := AppendStrings([]byte("x"), tt.vals, c)[1:]
				src := slices.Clone(block)
				got, err := DecodeStrings(src, []string{"keep"})
				if err != nil {
					t.Fatal(err)
				}
				clear(src) // the strings must not alias the block
				if got[0] != "keep" || !slices.Equal(got[1:], tt.vals) {
					t.Fatalf("decoded %q, want %q", got[1:min(len(got), 4)], tt.vals[:min(len(tt.vals), 3)])
				}
				checkDamage(t, block, func(b []byte) error {
					_, err := DecodeStrings(b, nil)
					return err
				})
			})
		}
	}
}

func TestStringsCompress(t *testing.T) {
	vals := slices.Repeat([]string{`"C:\Windows\System32\cmd.exe" /c whoami`}, 1000)
	raw := 1000 * len(vals[0])
	for _, c := range []Compression{S2, Zstd} {
		block := AppendStrings(nil, vals, c)
		if len(block) > raw/10 {
			t.Errorf("compression %d: %d bytes for %d raw", c, len(block), raw)
		}
	}
}

func TestStringsS2Bound(t *testing.T) {
	// s2 would shrink this more than s2Bound times, so it is stored as zstd.
	vals := slices.Repeat([]string{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, 20000)
	block := AppendStrings(nil, vals, S2)
	r := reader{block}
	n, _ := r.uvarint()
	r.next(n)
	if r.b[0] != formZstd {
		t.Fatalf("form %d, want zstd", r.b[0])
	}
	got, err := DecodeStrings(block, nil)
	if err != nil || !slices.Equal(got, vals) {
		t.Fatalf("round trip: %v", err)
	}
}

func TestStringsCorrupt(t *testing.T) {
	lens := AppendInts(nil, []int64{3, 4})
	bad := func(tail ...byte) []byte {
		b := appendUvarint(nil, uint64(len(lens)))
		return append(append(b, lens...), tail...)
	}
	negative := AppendInts(nil, []int64{-1, 2})
	tests := []struct {
		name  string
		block []byte
	}{
		{"empty", nil},
		{"lengths past the end", []byte{50, 0, 1}},
		{"no payload", bad()},
		{"short raw", bad(formRaw, 'a', 'b', 'c')},
		{"unknown form", bad(7, 'a', 'b', 'c', 'd', 'e', 'f', 'g')},
		{"bad s2", bad(formS2, 7, 0xff, 0xff)},
		{"s2 size mismatch", bad(formS2, 9, 0, 0)},
		{"bad zstd", bad(formZstd, 1, 2, 3, 4, 5, 6, 7, 8)},
		{"s2 past its bound", func() []byte {
			l := AppendInts(nil, []int64{s2Bound * 3})
			b := append(appendUvarint(nil, uint64(len(l))), l...)
			return append(b, formS2, 0x80, 0x06, 0) // claims 768 bytes from 3
		}()},
		{"empty s2", func() []byte {
			l := AppendInts(nil, []int64{0})
			b := append(appendUvarint(nil, uint64(len(l))), l...)
			return append(b, formS2, 0)
		}()},
		{"empty zstd", func() []byte {
			l := AppendInts(nil, []int64{0})
			b := append(appendUvarint(nil, uint64(len(l))), l...)
			return append(b, formZstd, 0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x00, 0x01, 0x00, 0x00)
		}()},
		{"negative length", append(append(appendUvarint(nil, uint64(len(negative))), negative...), formRaw, 'a')},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := DecodeStrings(tt.block, nil); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestDict(t *testing.T) {
	tests := []struct {
		name string
		vals []string
		dict []string
	}{
		{"none", nil, nil},
		{"one", []string{"x"}, []string{"x"}},
		{"repeats", []string{"b", "a", "b", "", "c", "a"}, []string{"", "a", "b", "c"}},
		{"unicode", []string{"ü", "u", "z", "ü"}, []string{"u", "z", "ü"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dict, codes := BuildDict(tt.vals)
			if !slices.Equal(dict, tt.dict) {
				t.Fatalf("dict %q, want %q", dict, tt.dict)
			}
			if len(codes) != len(tt.vals) {
				t.Fatalf("%d codes for %d values", len(codes), len(tt.vals))
			}
			for i, c := range codes {
				if dict[c] != tt.vals[i] {
					t.Fatalf("code %d of %q is %d", i, tt.vals[i], c)
				}
			}
			for _, c := range []Compression{S2, Zstd} {
				got, err := DecodeDict(AppendDict(nil, dict, c))
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, tt.dict) {
					t.Fatalf("decoded %q, want %q", got, tt.dict)
				}
			}
		})
	}
}

func TestDictRejectsDisorder(t *testing.T) {
	for _, d := range [][]string{{"b", "a"}, {"a", "a"}, {"", ""}} {
		if _, err := DecodeDict(AppendDict(nil, d, S2)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("dict %q: err %v, want ErrCorrupt", d, err)
		}
	}
}
