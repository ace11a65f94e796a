package ingest

import (
	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// batch builds one batch of columns a row at a time. A row is appended column by
// column and then either committed (rows++) or rolled back, so a row rejected half way
// leaves no trace. The buffers are reused from batch to batch; finish copies them out
// into vectors of exactly the batch's length, which the caller owns.
//
// String data from JSON lines is copied into one arena per batch and turned into a
// single string when the batch is finished, so a batch's strings cost one allocation
// instead of one each.
type batch struct {
	cols     []column
	rows     int
	capacity int
	arena    []byte
}

// column is one column under construction. Which payload slice is used depends on
// the storage kind, as in vector.Vector; strings are kept as spans until finish.
type column struct {
	typ    types.Type
	store  vector.StorageKind
	ints   []int64
	reals  []float64
	spans  []span   // per row: the text in the arena, or start < 0 for direct[-start-1]
	direct []string // strings that are already Go strings
	dyn    []any
	nulls  []uint64 // a bit per row, grown as needed; all zero when hasNil is false
	hasNil bool     // some row is null
}

// span is a range of bytes [start, end).
type span struct{ start, end int }

func (b *batch) init(t *schema.Table, capacity int) {
	b.capacity = capacity
	b.cols = make([]column, len(t.Columns))
	for i, c := range t.Columns {
		b.cols[i] = column{typ: c.Type, store: vector.Storage(c.Type)}
	}
}

// finish hands the batch over as vectors and starts a new one.
func (b *batch) finish() []*vector.Vector {
	var text string
	if len(b.arena) > 0 {
		text = string(b.arena)
		b.arena = b.arena[:0]
	}
	n := b.rows
	out := make([]*vector.Vector, len(b.cols))
	for i := range b.cols {
		c := &b.cols[i]
		v := &vector.Vector{Type: c.typ, Len: n}
		switch c.store {
		case vector.StoreInts:
			v.Ints = append([]int64(nil), c.ints...)
			c.ints = c.ints[:0]
		case vector.StoreReals:
			v.Reals = append([]float64(nil), c.reals...)
			c.reals = c.reals[:0]
		case vector.StoreStrs:
			v.Strs = make([]string, n)
			for j, s := range c.spans {
				if s.start >= 0 {
					v.Strs[j] = text[s.start:s.end]
				} else {
					v.Strs[j] = c.direct[-s.start-1]
				}
			}
			c.spans = c.spans[:0]
			clear(c.direct)
			c.direct = c.direct[:0]
		case vector.StoreDyn:
			v.Dyn = append([]any(nil), c.dyn...)
			clear(c.dyn)
			c.dyn = c.dyn[:0]
		}
		if c.hasNil {
			v.Nulls = make([]uint64, (n+63)/64)
			copy(v.Nulls, c.nulls)
			clear(c.nulls)
			c.hasNil = false
		}
		out[i] = v
	}
	b.rows = 0
	return out
}

// reserve makes room for n more bytes in the arena, doubling it: append grows large
// slices by a quarter at a time, which copies a big arena many times over.
func (b *batch) reserve(n int) {
	if cap(b.arena)-len(b.arena) >= n {
		return
	}
	a := make([]byte, len(b.arena), max(2*cap(b.arena), len(b.arena)+n, 64<<10))
	copy(a, b.arena)
	b.arena = a
}

// rollback drops whatever the current row has appended so far.
func (b *batch) rollback(arenaLen int) {
	n := b.rows
	for i := range b.cols {
		c := &b.cols[i]
		switch c.store {
		case vector.StoreInts:
			c.ints = c.ints[:min(n, len(c.ints))]
		case vector.StoreReals:
			c.reals = c.reals[:min(n, len(c.reals))]
		case vector.StoreStrs:
			if len(c.spans) > n {
				if s := c.spans[n]; s.start < 0 {
					d := -s.start - 1
					clear(c.direct[d:])
					c.direct = c.direct[:d]
				}
				c.spans = c.spans[:n]
			}
		case vector.StoreDyn:
			if len(c.dyn) > n {
				clear(c.dyn[n:])
				c.dyn = c.dyn[:n]
			}
		}
		if n>>6 < len(c.nulls) {
			c.nulls[n>>6] &^= 1 << (uint(n) & 63)
		}
	}
	b.arena = b.arena[:arenaLen]
}

func (c *column) isNull(row int) bool {
	return row>>6 < len(c.nulls) && c.nulls[row>>6]&(1<<(uint(row)&63)) != 0
}

// appendNull appends the type's null ("" for a string).
func (c *column) appendNull(row int) {
	switch c.store {
	case vector.StoreInts:
		c.ints = append(c.ints, 0)
	case vector.StoreReals:
		c.reals = append(c.reals, 0)
	case vector.StoreStrs:
		c.spans = append(c.spans, span{})
	case vector.StoreDyn:
		c.dyn = append(c.dyn, nil)
	}
	if c.typ != types.String {
		for len(c.nulls) <= row>>6 {
			c.nulls = append(c.nulls, 0)
		}
		c.nulls[row>>6] |= 1 << (uint(row) & 63)
		c.hasNil = true
	}
}

// appendValue appends v, which is of the column's type or a null.
func (c *column) appendValue(row int, v types.Value) {
	if v.Null && c.typ != types.String {
		c.appendNull(row)
		return
	}
	switch c.store {
	case vector.StoreInts:
		c.ints = append(c.ints, v.I)
	case vector.StoreReals:
		c.reals = append(c.reals, v.F)
	case vector.StoreStrs:
		c.appendStr(v.S)
	case vector.StoreDyn:
		c.dyn = append(c.dyn, v.D)
	}
}

// appendInt appends a value held in ints (bool, int, long, datetime, timespan).
func (c *column) appendInt(x int64) { c.ints = append(c.ints, x) }

// appendReal appends a real.
func (c *column) appendReal(x float64) { c.reals = append(c.reals, x) }

// appendStr appends a string that is already a Go string.
func (c *column) appendStr(s string) {
	if s == "" {
		c.spans = append(c.spans, span{})
		return
	}
	c.direct = append(c.direct, s)
	c.spans = append(c.spans, span{-len(c.direct), 0})
}

// appendArena appends the string held in the batch arena at [start, end).
func (c *column) appendArena(start, end int) {
	c.spans = append(c.spans, span{start, end})
}
