// Package vector holds column batches: a few thousand rows of typed columns with
// null bitmaps, the unit that storage hands to the executor.
package vector

import "github.com/spoorhq/spoor/types"

// BatchSize is the number of rows a batch holds at most.
const BatchSize = 4096

// Vector is one column of a batch. The payload slice that is used depends on
// Type: Ints for bool (0/1), int, long, datetime and timespan; Reals for real;
// Strs for string, guid and decimal; Dyn for dynamic. Nulls is a bitmap with a
// set bit for each null row, or nil when no row is null. A string is never null.
type Vector struct {
	Type  types.Type
	Len   int
	Nulls []uint64
	Ints  []int64
	Reals []float64
	Strs  []string
	Dyn   []any
	// Constant says every row holds the same value (as Repeat builds), so that
	// kernels can evaluate it once. A vector without it may still be constant.
	Constant bool
	// Codes and Dict are the dictionary form of a string vector: row i holds
	// Dict.Values[Codes[i]]. The store fills them for a column it decodes
	// from a dictionary, so that per-value work (grouping, hashing, matching)
	// can be done once per code. Strs is filled as well, except for a column
	// a scan was asked to deliver as codes only (then Strs is nil and Str or
	// Materialize read the strings). Operations that build new vectors keep
	// the codes (Gather, Slice) or drop them (AppendVector).
	Codes []uint32
	Dict  *Dict
}

// Dict is the dictionary of a string column in one segment: its distinct
// values. One Dict is shared by every vector decoded from that column of that
// segment, so its address identifies it and tables indexed by code can be
// kept per Dict.
type Dict struct {
	Values []string
}

// Str returns row i of a string vector, from Strs or from the dictionary.
func (v *Vector) Str(i int) string {
	if v.Strs == nil && v.Codes != nil {
		return v.Dict.Values[v.Codes[i]]
	}
	return v.Strs[i]
}

// Materialize fills Strs of a vector delivered as codes only; a vector whose
// Strs is valid is left as it is.
func (v *Vector) Materialize() {
	if v.Strs != nil || v.Codes == nil {
		return
	}
	strs := make([]string, v.Len)
	vals := v.Dict.Values
	for i, c := range v.Codes[:v.Len] {
		strs[i] = vals[c]
	}
	v.Strs = strs
}

// Slice returns rows [lo, hi) of v as a vector sharing v's payload (capped,
// so that appending to one never writes into the other). The null bitmap is
// shared when the rows are whole words of it and copied otherwise.
func Slice(v *Vector, lo, hi int) *Vector {
	out := &Vector{Type: v.Type, Len: hi - lo, Constant: v.Constant, Dict: v.Dict}
	switch Storage(v.Type) {
	case StoreInts:
		out.Ints = v.Ints[lo:hi:hi]
	case StoreReals:
		out.Reals = v.Reals[lo:hi:hi]
	case StoreStrs:
		if v.Strs != nil {
			out.Strs = v.Strs[lo:hi:hi]
		}
		if v.Codes != nil {
			out.Codes = v.Codes[lo:hi:hi]
		}
	case StoreDyn:
		out.Dyn = v.Dyn[lo:hi:hi]
	}
	if v.Nulls != nil {
		if lo%64 == 0 && (hi%64 == 0 || hi == v.Len) {
			// Whole words: the slices' bitmaps share no word.
			w := min(len(v.Nulls), (hi+63)/64)
			if lo/64 < w {
				out.Nulls = v.Nulls[lo/64 : w : w]
			}
		} else {
			for i := lo; i < hi; i++ {
				if v.IsNull(i) {
					out.SetNull(i - lo)
				}
			}
		}
	}
	return out
}

// Repeat returns a vector of n rows that all hold x, marked Constant.
func Repeat(x types.Value, n int) *Vector {
	v := &Vector{Type: x.Type, Len: n, Constant: true}
	switch Storage(x.Type) {
	case StoreInts:
		v.Ints = make([]int64, n)
		if x.I != 0 {
			for i := range v.Ints {
				v.Ints[i] = x.I
			}
		}
	case StoreReals:
		v.Reals = make([]float64, n)
		for i := range v.Reals {
			v.Reals[i] = x.F
		}
	case StoreStrs:
		v.Strs = make([]string, n)
		for i := range v.Strs {
			v.Strs[i] = x.S
		}
	case StoreDyn:
		v.Dyn = make([]any, n)
		for i := range v.Dyn {
			v.Dyn[i] = x.D
		}
	}
	if x.Null && x.Type != types.String && n > 0 {
		v.Nulls = make([]uint64, (n+63)/64)
		for i := range v.Nulls {
			v.Nulls[i] = ^uint64(0)
		}
		if r := n % 64; r != 0 {
			v.Nulls[len(v.Nulls)-1] = 1<<uint(r) - 1
		}
	}
	return v
}

// New returns an empty vector of type t with room for capacity rows.
func New(t types.Type, capacity int) *Vector {
	v := &Vector{Type: t}
	switch Storage(t) {
	case StoreInts:
		v.Ints = make([]int64, 0, capacity)
	case StoreReals:
		v.Reals = make([]float64, 0, capacity)
	case StoreStrs:
		v.Strs = make([]string, 0, capacity)
	case StoreDyn:
		v.Dyn = make([]any, 0, capacity)
	}
	return v
}

// StorageKind says which payload slice a type's values live in.
type StorageKind uint8

// Payload slices.
const (
	StoreInts StorageKind = iota
	StoreReals
	StoreStrs
	StoreDyn
)

// Storage returns the payload slice used by type t.
func Storage(t types.Type) StorageKind {
	switch t {
	case types.Real:
		return StoreReals
	case types.String, types.Guid, types.Decimal:
		return StoreStrs
	case types.Dynamic:
		return StoreDyn
	}
	return StoreInts
}

// IsNull reports whether row i is null. The bitmap may be shorter than the
// vector: rows past its end are not null.
func (v *Vector) IsNull(i int) bool {
	w := i >> 6
	return w < len(v.Nulls) && v.Nulls[w]&(1<<(uint(i)&63)) != 0
}

// SetNull marks row i as null, growing the bitmap as needed.
func (v *Vector) SetNull(i int) {
	for len(v.Nulls) <= i>>6 {
		v.Nulls = append(v.Nulls, 0)
	}
	v.Nulls[i>>6] |= 1 << (uint(i) & 63)
}

// Append adds a value, which must be of the vector's type or a null.
func (v *Vector) Append(x types.Value) {
	if v.Codes != nil {
		// Plain strings from here on.
		v.Materialize()
		v.Codes, v.Dict = nil, nil
	}
	i := v.Len
	v.Len++
	null := x.Null && v.Type != types.String
	switch Storage(v.Type) {
	case StoreInts:
		v.Ints = append(v.Ints, x.I)
	case StoreReals:
		v.Reals = append(v.Reals, x.F)
	case StoreStrs:
		v.Strs = append(v.Strs, x.S)
	case StoreDyn:
		v.Dyn = append(v.Dyn, x.D)
	}
	if null {
		v.SetNull(i)
	}
}

// Value returns row i as a Value.
func (v *Vector) Value(i int) types.Value {
	if v.IsNull(i) {
		return types.NullOf(v.Type)
	}
	switch Storage(v.Type) {
	case StoreInts:
		return types.Value{Type: v.Type, I: v.Ints[i]}
	case StoreReals:
		return types.Value{Type: v.Type, F: v.Reals[i]}
	case StoreStrs:
		return types.Value{Type: v.Type, S: v.Str(i)}
	default:
		return types.Value{Type: v.Type, D: v.Dyn[i]}
	}
}

// Batch is a set of equally long columns.
type Batch struct {
	Cols []*Vector
	Len  int
}

// Gather returns a new vector holding the rows of v at the given positions, in
// that order.
func Gather(v *Vector, idx []int) *Vector {
	out := &Vector{Type: v.Type, Len: len(idx)}
	switch Storage(v.Type) {
	case StoreInts:
		out.Ints = make([]int64, len(idx))
		for i, r := range idx {
			out.Ints[i] = v.Ints[r]
		}
	case StoreReals:
		out.Reals = make([]float64, len(idx))
		for i, r := range idx {
			out.Reals[i] = v.Reals[r]
		}
	case StoreStrs:
		if v.Codes != nil {
			out.Dict = v.Dict
			out.Codes = make([]uint32, len(idx))
			for i, r := range idx {
				out.Codes[i] = v.Codes[r]
			}
		}
		if v.Strs != nil || v.Codes == nil {
			out.Strs = make([]string, len(idx))
			for i, r := range idx {
				out.Strs[i] = v.Strs[r]
			}
		}
	case StoreDyn:
		out.Dyn = make([]any, len(idx))
		for i, r := range idx {
			out.Dyn[i] = v.Dyn[r]
		}
	}
	if v.Nulls != nil {
		for i, r := range idx {
			if v.IsNull(r) {
				out.SetNull(i)
			}
		}
	}
	return out
}

// AppendVector appends every row of src to dst; both have the same type.
func AppendVector(dst, src *Vector) {
	base := dst.Len
	switch Storage(dst.Type) {
	case StoreInts:
		dst.Ints = append(dst.Ints, src.Ints[:src.Len]...)
	case StoreReals:
		dst.Reals = append(dst.Reals, src.Reals[:src.Len]...)
	case StoreStrs:
		dst.Materialize()
		dst.Codes, dst.Dict = nil, nil
		if src.Strs == nil && src.Codes != nil {
			for i := 0; i < src.Len; i++ {
				dst.Strs = append(dst.Strs, src.Str(i))
			}
		} else {
			dst.Strs = append(dst.Strs, src.Strs[:src.Len]...)
		}
	case StoreDyn:
		dst.Dyn = append(dst.Dyn, src.Dyn[:src.Len]...)
	}
	dst.Len += src.Len
	for i := 0; i < src.Len; i++ {
		if src.IsNull(i) {
			dst.SetNull(base + i)
		}
	}
}
