package executor

import (
	"math"
	"math/bits"
	"unsafe"

	"github.com/spoorhq/spoor/vector"
)

// lookup sets dst[i] to the number of the key of row lo+i, for each i of
// dst: the memo's, or else miss(lo+i)'s, which the memo then keeps. miss may
// return -1 (no such key, a null key). Without a usable memo (a dynamic key, a
// key with nulls, keys that are mostly distinct) every row goes to miss.
func (m *keyMemo) lookup(keys []*vector.Vector, lo int, dst []int32, miss func(r int) int32) {
	for len(dst) > memoMaxRows {
		m.lookup(keys, lo, dst[:memoMaxRows], miss)
		lo, dst = lo+memoMaxRows, dst[memoMaxRows:]
	}
	n := len(dst)
	kinds, ok := m.prepare(keys, n)
	if !ok {
		for i := range dst {
			dst[i] = miss(lo + i)
		}
		return
	}
	misses := 0
	if len(keys) == 1 && kinds[0] == vector.StoreStrs {
		// One string key: the common case, without the loops over keys.
		for i, s := range keys[0].Strs[lo : lo+n] {
			set := m.slots[hashString(s, 0)>>m.shift&^1:]
			if e := &set[0]; e.id != 0 && sameString(e.s, s) {
				dst[i] = e.id - 2
				continue
			}
			if e := &set[1]; e.id != 0 && sameString(e.s, s) {
				dst[i] = e.id - 2
				set[0], set[1] = set[1], set[0]
				continue
			}
			misses++
			id := miss(lo+i) + 2
			set[1] = set[0]
			set[0] = memoSlot{s: s, id: id}
			dst[i] = id - 2
		}
	} else if len(keys) == 2 && kinds[0] == vector.StoreStrs && kinds[1] == vector.StoreStrs {
		// Two string keys: both in the slot.
		a, b := keys[0].Strs[lo:lo+n], keys[1].Strs[lo:lo+n]
		for i := range dst {
			s, t := a[i], b[i]
			set := m.pairs[hashString(t, hashString(s, 0))>>m.shift&^1:]
			if e := &set[0]; e.id != 0 && sameString(e.s, s) && sameString(e.t, t) {
				dst[i] = e.id - 2
				continue
			}
			if e := &set[1]; e.id != 0 && sameString(e.s, s) && sameString(e.t, t) {
				dst[i] = e.id - 2
				set[0], set[1] = set[1], set[0]
				continue
			}
			misses++
			id := miss(lo+i) + 2
			set[1] = set[0]
			set[0] = pairSlot{s: s, t: t, id: id}
			dst[i] = id - 2
		}
	} else {
		nk := len(keys)
		for i := range dst {
			r := lo + i
			h := uint64(0)
			for k, v := range keys {
				if kinds[k] == vector.StoreStrs {
					h = hashString(v.Strs[r], h)
				} else {
					h = hashWord(identityWord(v, kinds[k], r), h)
				}
			}
			slot := int(h>>m.shift) &^ 1
			if e := &m.slots[slot]; e.id != 0 && m.matches(slot*nk, keys, kinds, r) {
				dst[i] = e.id - 2
				continue
			}
			if e := &m.slots[slot+1]; e.id != 0 && m.matches((slot+1)*nk, keys, kinds, r) {
				dst[i] = e.id - 2
				m.swap(slot, nk)
				continue
			}
			misses++
			m.swap(slot, nk)
			id := miss(r) + 2
			m.slots[slot].id = id
			m.store(slot*nk, keys, kinds, r)
			dst[i] = id - 2
		}
	}
	m.tally(misses, n)
}

// keyMemo maps the identity of a row's key to a number its user gives each
// distinct key (a group, a join key): for a string key the string's memory and
// length, for another the bits of its value. Two rows with one identity have
// equal keys; rows with equal keys may differ in identity (strings from
// different segments), which only costs a lookup of the encoded key.
//
// It is a two-way set-associative table (a pair of slots keeps the last two
// keys that hashed to it, the more recent first), small enough to stay in the
// processor's cache. It holds its strings, so their memory cannot be reused
// for other text while it does. A keyMemo is used by one goroutine at a time.
type keyMemo struct {
	slots []memoSlot
	pairs []pairSlot // instead of slots, for a key of two strings
	strs  []string   // with several keys, the string keys of each slot, nk a slot
	words []uint64   // with several keys, the other keys of each slot, nk a slot
	size  int        // slots
	shift uint8      // 64 - log2(slots): a hash's top bits pick its slot
	kinds []vector.StorageKind
	// poor counts the batches in a row that mostly missed; after
	// memoGiveUp of them the memo is dropped, as keys are mostly distinct.
	poor int
	off  bool
}

// memoSlot is one slot of a keyMemo: the number + 2 (0 for an empty slot),
// and the key when it is one string.
type memoSlot struct {
	s  string
	id int32
}

// pairSlot is a memoSlot for a key of two strings.
type pairSlot struct {
	s, t string
	id   int32
}

// Sizes of keyMemo, in slots (it grows with the rows it is given, to twice
// their number), and the most rows it takes at once.
const (
	memoMinSlots = 1 << 10
	memoMaxSlots = 1 << 13
	memoMaxRows  = memoMaxSlots
)

// memoGiveUp is the number of batches in a row that mostly miss the memo after
// which it is dropped.
const memoGiveUp = 4

// prepare readies the memo for n rows of keys and returns their storage
// kinds. It returns false when the memo cannot be used: it has been dropped,
// or a key is dynamic or has nulls.
func (m *keyMemo) prepare(keys []*vector.Vector, n int) ([]vector.StorageKind, bool) {
	if m.off {
		return nil, false
	}
	changed := len(m.kinds) != len(keys)
	for i, k := range keys {
		kind := vector.Storage(k.Type)
		if kind == vector.StoreDyn || k.Nulls != nil {
			return nil, false
		}
		changed = changed || m.kinds[i] != kind
	}
	if changed {
		// Keys stored as other kinds of values: forget them.
		m.kinds = m.kinds[:0]
		for _, k := range keys {
			m.kinds = append(m.kinds, vector.Storage(k.Type))
		}
		m.slots, m.pairs, m.size = nil, nil, 0
	}
	slots := m.size
	want := max(slots, memoMinSlots)
	for want < 2*n && want < memoMaxSlots {
		want *= 2
	}
	if want != slots {
		// Grown (or new): empty, as its entries are mostly of identities
		// that will not come back.
		m.size = want
		strs := 0 // string keys, while they are all strings
		for _, k := range m.kinds {
			if k != vector.StoreStrs {
				strs = -1
				break
			}
			strs++
		}
		switch strs {
		case 1:
			m.slots = make([]memoSlot, want)
		case 2:
			m.pairs = make([]pairSlot, want)
		default:
			m.slots = make([]memoSlot, want)
			m.strs = make([]string, len(keys)*want)
			m.words = make([]uint64, len(keys)*want)
		}
		m.shift = uint8(64 - bits.Len(uint(want-1)))
	}
	return m.kinds, true
}

// matches reports whether the slot at base holds row r's key.
func (m *keyMemo) matches(base int, keys []*vector.Vector, kinds []vector.StorageKind, r int) bool {
	for i, k := range keys {
		if kinds[i] == vector.StoreStrs {
			if !sameString(m.strs[base+i], k.Strs[r]) {
				return false
			}
		} else if m.words[base+i] != identityWord(k, kinds[i], r) {
			return false
		}
	}
	return true
}

// swap exchanges the slots slot and slot+1 of a table of nk keys a slot.
func (m *keyMemo) swap(slot, nk int) {
	m.slots[slot], m.slots[slot+1] = m.slots[slot+1], m.slots[slot]
	for i := 0; i < nk; i++ {
		a, b := slot*nk+i, (slot+1)*nk+i
		m.strs[a], m.strs[b] = m.strs[b], m.strs[a]
		m.words[a], m.words[b] = m.words[b], m.words[a]
	}
}

// store puts row r's key in the slot at base.
func (m *keyMemo) store(base int, keys []*vector.Vector, kinds []vector.StorageKind, r int) {
	for i, k := range keys {
		if kinds[i] == vector.StoreStrs {
			m.strs[base+i] = k.Strs[r]
		} else {
			m.words[base+i] = identityWord(k, kinds[i], r)
		}
	}
}

// tally drops the memo after memoGiveUp batches in a row of mostly misses.
func (m *keyMemo) tally(misses, n int) {
	if n < 256 {
		return
	}
	if misses*8 < n*7 {
		m.poor = 0
		return
	}
	if m.poor++; m.poor >= memoGiveUp {
		*m = keyMemo{off: true}
	}
}

// sameString reports whether two strings are the same memory (and so equal).
func sameString(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// hashString mixes a string's identity (memory and length) into h.
func hashString(s string, h uint64) uint64 {
	return hashWord(uint64(uintptr(unsafe.Pointer(unsafe.StringData(s))))^uint64(len(s))<<48, h)
}

// hashWord mixes w into h; the high bits of the result are well mixed.
func hashWord(w, h uint64) uint64 {
	h = (h ^ w) * 0x9e3779b97f4a7c15
	return h ^ h>>32
}

// identityWord is the bits of row r of a number column.
func identityWord(v *vector.Vector, kind vector.StorageKind, r int) uint64 {
	if kind == vector.StoreReals {
		return math.Float64bits(v.Reals[r])
	}
	return uint64(v.Ints[r])
}
