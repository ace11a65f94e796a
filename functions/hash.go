package functions

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"math/bits"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Hash functions. A value is hashed through its bytes: text as UTF-8, a long,
// int, datetime or timespan as its 8 little-endian bytes (ticks for the time
// types), a real as its IEEE bits, a bool as one byte, and a dynamic value
// through its JSON text; the docs' examples of hash() on a string and a datetime
// give these values. hash() and hash_xxhash64() are xxHash64 with seed 0, which
// the HyperLogLog sketches of dcount and hll() reuse. The cryptographic hashes
// digest a value's text, as tostring() gives it (the docs' hash_sha256 of a
// datetime is that of its ISO text). hash_combine's mixing step is this
// engine's own: Kusto does not document its formula.

func init() {
	scalar("hash", 1, 2, "The xxHash64 of a value as a long, or its remainder modulo a positive number",
		sig(types.Long, anyScalar.as("source"), intArg.as("mod")), rowsTo(types.Long, hashRow))
	scalar("hash_xxhash64", 1, 2, "The xxHash64 of a value as a long, or its remainder modulo a positive number",
		sig(types.Long, anyScalar.as("source"), intArg.as("mod")), rowsTo(types.Long, hashRow))
	for _, h := range []struct {
		name, doc string
		sum       func([]byte) []byte
	}{
		{"hash_sha256", "The SHA-256 of a value's text (as tostring gives it), as lower-case hex", func(b []byte) []byte { s := sha256.Sum256(b); return s[:] }},
		{"hash_sha1", "The SHA-1 of a value's text, as lower-case hex", func(b []byte) []byte { s := sha1.Sum(b); return s[:] }},
		{"hash_md5", "The MD5 of a value's text, as lower-case hex", func(b []byte) []byte { s := md5.Sum(b); return s[:] }},
	} {
		h := h
		scalar(h.name, 1, 1, h.doc, sig(types.String, anyScalar), rowsTo(types.String, func(args []*vector.Vector, i int) types.Value {
			if nullAt(args[0], i) {
				return types.NewString("")
			}
			return types.NewString(hex.EncodeToString(h.sum([]byte(textAt(args[0], i)))))
		}))
	}
	scalar("hash_combine", 2, -1, "Combines hash values (longs) into one", sig(types.Long, intArg),
		rowsTo(types.Long, func(args []*vector.Vector, i int) types.Value {
			var acc uint64
			for k, a := range args {
				x, ok := longAt(a, i)
				if !ok {
					return types.NullOf(types.Long)
				}
				acc = combineHash(acc, uint64(x), k == 0)
			}
			return types.NewLong(int64(acc))
		}))
	scalar("hash_many", 1, -1, "Combines the xxHash64 values of its arguments into one long", sig(types.Long, anyScalar),
		rowsTo(types.Long, func(args []*vector.Vector, i int) types.Value {
			var acc uint64
			for k, a := range args {
				var h uint64
				if b, ok := hashBytes(a, i); ok {
					h = xxhash64(b)
				}
				acc = combineHash(acc, h, k == 0)
			}
			return types.NewLong(int64(acc))
		}))
}

func hashRow(args []*vector.Vector, i int) types.Value {
	b, ok := hashBytes(args[0], i)
	if !ok {
		return types.NullOf(types.Long)
	}
	h := int64(xxhash64(b))
	if len(args) > 1 {
		m, ok := longAt(args[1], i)
		if !ok || m <= 0 {
			return types.NullOf(types.Long)
		}
		h = int64(uint64(h) % uint64(m))
	}
	return types.NewLong(h)
}

// combineHash folds h into acc; the first hash starts the accumulation.
func combineHash(acc, h uint64, first bool) uint64 {
	if first {
		return h
	}
	return bits.RotateLeft64(acc, 5) ^ h
}

// hashBytes is the byte form of row i that the hash functions digest.
func hashBytes(v *vector.Vector, i int) ([]byte, bool) {
	if nullAt(v, i) {
		return nil, false
	}
	switch v.Type {
	case types.String, types.Guid, types.Decimal:
		return []byte(v.Strs[i]), true
	case types.Bool:
		return []byte{byte(v.Ints[i])}, true
	case types.Int, types.Long, types.Datetime, types.Timespan:
		return binary.LittleEndian.AppendUint64(nil, uint64(v.Ints[i])), true
	case types.Real:
		return binary.LittleEndian.AppendUint64(nil, math.Float64bits(v.Reals[i])), true
	case types.Dynamic:
		if s, ok := v.Dyn[i].(string); ok {
			return []byte(s), true
		}
		return []byte(types.DynamicToJSON(v.Dyn[i])), true
	}
	return []byte(textAt(v, i)), true
}

// xxHash64 with seed 0.
const (
	xxP1 uint64 = 11400714785074694791
	xxP2 uint64 = 14029467366897019727
	xxP3 uint64 = 1609587929392839161
	xxP4 uint64 = 9650029242287828579
	xxP5 uint64 = 2870177450012600261
)

func xxRound(acc, input uint64) uint64 {
	acc += input * xxP2
	acc = bits.RotateLeft64(acc, 31)
	return acc * xxP1
}

func xxMerge(acc, val uint64) uint64 {
	acc ^= xxRound(0, val)
	return acc*xxP1 + xxP4
}

// xxhash64 is the 64-bit xxHash of b with seed 0.
func xxhash64(b []byte) uint64 {
	n := len(b)
	var h uint64
	if n >= 32 {
		p1, p2 := xxP1, xxP2
		v1, v2, v3, v4 := p1+p2, p2, uint64(0), -p1
		for len(b) >= 32 {
			v1 = xxRound(v1, binary.LittleEndian.Uint64(b[0:]))
			v2 = xxRound(v2, binary.LittleEndian.Uint64(b[8:]))
			v3 = xxRound(v3, binary.LittleEndian.Uint64(b[16:]))
			v4 = xxRound(v4, binary.LittleEndian.Uint64(b[24:]))
			b = b[32:]
		}
		h = bits.RotateLeft64(v1, 1) + bits.RotateLeft64(v2, 7) + bits.RotateLeft64(v3, 12) + bits.RotateLeft64(v4, 18)
		h = xxMerge(h, v1)
		h = xxMerge(h, v2)
		h = xxMerge(h, v3)
		h = xxMerge(h, v4)
	} else {
		h = xxP5
	}
	h += uint64(n)
	for len(b) >= 8 {
		h ^= xxRound(0, binary.LittleEndian.Uint64(b))
		h = bits.RotateLeft64(h, 27)*xxP1 + xxP4
		b = b[8:]
	}
	if len(b) >= 4 {
		h ^= uint64(binary.LittleEndian.Uint32(b)) * xxP1
		h = bits.RotateLeft64(h, 23)*xxP2 + xxP3
		b = b[4:]
	}
	for _, c := range b {
		h ^= uint64(c) * xxP5
		h = bits.RotateLeft64(h, 11) * xxP1
	}
	h ^= h >> 33
	h *= xxP2
	h ^= h >> 29
	h *= xxP3
	h ^= h >> 32
	return h
}
