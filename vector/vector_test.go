package vector

import (
	"slices"
	"testing"

	"github.com/spoorhq/spoor/types"
)

// codesOnly is a string vector in dictionary form without Strs.
func codesOnly(dict []string, codes ...uint32) *Vector {
	return &Vector{Type: types.String, Len: len(codes), Codes: codes, Dict: &Dict{Values: dict}}
}

func strs(v *Vector) []string {
	out := make([]string, v.Len)
	for i := range out {
		out[i] = v.Str(i)
	}
	return out
}

func TestDictionaryForm(t *testing.T) {
	dict := []string{"a", "b", "c"}
	tests := []struct {
		name string
		got  func() *Vector
		want []string
	}{
		{"str reads the dictionary", func() *Vector { return codesOnly(dict, 2, 0, 1) }, []string{"c", "a", "b"}},
		{"gather keeps the codes", func() *Vector { return Gather(codesOnly(dict, 2, 0, 1), []int{2, 2, 0}) }, []string{"b", "b", "c"}},
		{"slice keeps the codes", func() *Vector { return Slice(codesOnly(dict, 2, 0, 1, 1), 1, 3) }, []string{"a", "b"}},
		{"append materializes", func() *Vector {
			v := codesOnly(dict, 1)
			AppendVector(v, codesOnly(dict, 2, 0))
			return v
		}, []string{"b", "c", "a"}},
		{"append of a value drops the codes", func() *Vector {
			v := codesOnly(dict, 1, 0)
			v.Append(types.NewString("z"))
			return v
		}, []string{"b", "a", "z"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.got()
			if got := strs(v); !slices.Equal(got, tc.want) {
				t.Fatalf("rows %q, want %q", got, tc.want)
			}
			if v.Strs != nil && v.Codes != nil {
				for i := 0; i < v.Len; i++ {
					if v.Strs[i] != v.Dict.Values[v.Codes[i]] {
						t.Fatalf("row %d: Strs %q and codes %q disagree", i, v.Strs[i], v.Dict.Values[v.Codes[i]])
					}
				}
			}
			v.Materialize()
			if !slices.Equal(v.Strs[:v.Len], tc.want) {
				t.Fatalf("materialized %q, want %q", v.Strs, tc.want)
			}
		})
	}
}

func TestSliceNulls(t *testing.T) {
	v := New(types.Long, 200)
	for i := 0; i < 200; i++ {
		if i%3 == 0 {
			v.Append(types.NullOf(types.Long))
		} else {
			v.Append(types.NewLong(int64(i)))
		}
	}
	for _, r := range [][2]int{{0, 64}, {64, 200}, {5, 70}, {128, 131}, {0, 200}} {
		s := Slice(v, r[0], r[1])
		for i := 0; i < s.Len; i++ {
			if s.IsNull(i) != v.IsNull(r[0]+i) || !s.IsNull(i) && s.Ints[i] != v.Ints[r[0]+i] {
				t.Fatalf("slice %v row %d differs", r, i)
			}
		}
		// A null set in a slice stays in it.
		s.SetNull(s.Len - 1)
		if r[1] < v.Len && v.IsNull(r[1]) != (r[1]%3 == 0) {
			t.Fatalf("slice %v: setting a null changed the next row", r)
		}
	}
}
