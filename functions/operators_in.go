package functions

import (
	"fmt"
	"math"
	"strings"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// The in family: args[0] is the value, every further argument an element of the list,
// a vector of the same rows. A dynamic array element stands for its items. in is an
// or of == and !in an and of !=, so a null value is in no list (and !in every
// list) unless the list holds a null, which makes the result null.

func inCheck(ci bool) checkFn {
	return func(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
		v := args[0]
		if ci {
			if !isTextual(v) {
				return types.Unknown, fmt.Errorf("'%s' expects a string on its left, got %s", name, v)
			}
			for _, e := range args[1:] {
				if e == types.Unknown {
					continue
				}
				if !isTextual(e) {
					return types.Unknown, fmt.Errorf("'%s' expects a list of strings, got %s", name, e)
				}
			}
			return types.Bool, nil
		}
		for _, e := range args[1:] {
			if e != types.Dynamic && compareDomain(v, e, false) == domNone {
				return types.Unknown, fmt.Errorf("'%s' cannot compare %s with a list element of type %s", name, v, e)
			}
		}
		return types.Bool, nil
	}
}

// numKey is a number as a map key: an integral value as int64, any other as float64,
// so that 5, 5.0 and a dynamic 5 are one key.
type numKey struct {
	f     float64
	i     int64
	isInt bool
}

func realKey(f float64) numKey {
	if f == math.Trunc(f) && f >= -9223372036854775808 && f < 9223372036854775807 {
		return numKey{i: int64(f), isInt: true}
	}
	return numKey{f: f}
}

// inKeyer turns list elements and the compared value into comparable keys of the
// value's type. ok false is a null (or a value that does not convert).
type inKeyer struct {
	row  func(v *vector.Vector, i int) (any, bool)
	item func(d any) (any, bool)
}

func newInKeyer(t types.Type, ci bool) inKeyer {
	text := func(s string) any {
		if ci {
			return strings.ToLower(s)
		}
		return s
	}
	dynOne := func(d any) *vector.Vector {
		v := newVec(types.Dynamic, 1)
		setDyn(v, 0, d)
		return v
	}
	switch {
	case ci || t == types.String:
		return inKeyer{
			row: func(v *vector.Vector, i int) (any, bool) {
				if v.Type == types.Dynamic && nullAt(v, i) {
					return nil, false
				}
				return text(textAt(v, i)), true
			},
			item: func(d any) (any, bool) {
				if d == nil {
					return nil, false
				}
				return text(dynText(d)), true
			},
		}
	case t.Numeric():
		num := func(v *vector.Vector, i int) (any, bool) {
			if v.Type == types.Dynamic {
				if x, ok := v.Dyn[i].(int64); ok {
					return numKey{i: x, isInt: true}, true
				}
			}
			if isInteger(v.Type) || v.Type == types.Bool {
				if nullAt(v, i) {
					return nil, false
				}
				return numKey{i: v.Ints[i], isInt: true}, true
			}
			f, ok := realAt(v, i)
			if !ok {
				return nil, false
			}
			return realKey(f), true
		}
		return inKeyer{row: num, item: func(d any) (any, bool) { return num(dynOne(d), 0) }}
	case t == types.Dynamic:
		dyn := func(d any) (any, bool) {
			switch x := d.(type) {
			case nil:
				return nil, false
			case int64:
				return numKey{i: x, isInt: true}, true
			case float64:
				return realKey(x), true
			case string, bool:
				return x, true
			}
			return "\x00json:" + types.DynamicToJSON(d), true
		}
		return inKeyer{row: func(v *vector.Vector, i int) (any, bool) { return dyn(dynAt(v, i)) }, item: dyn}
	}
	// datetime, timespan, bool, guid: the value's own converter reads either side.
	var conv func(v *vector.Vector, i int) (any, bool)
	switch t {
	case types.Datetime:
		conv = func(v *vector.Vector, i int) (any, bool) { x, ok := datetimeAt(v, i); return x, ok }
	case types.Timespan:
		conv = func(v *vector.Vector, i int) (any, bool) { x, ok := timespanAt(v, i); return x, ok }
	case types.Bool:
		conv = func(v *vector.Vector, i int) (any, bool) { x, ok := boolAt(v, i); return x, ok }
	default:
		conv = func(v *vector.Vector, i int) (any, bool) { x, ok := guidAt(v, i); return x, ok }
	}
	return inKeyer{row: conv, item: func(d any) (any, bool) { return conv(dynOne(d), 0) }}
}

// inList is the elements of one row (or of every row, when all are constant): the
// keys and whether a null is among them.
type inList struct {
	keys    map[any]struct{}
	hasNull bool
}

func (k inKeyer) add(l *inList, v *vector.Vector, i int) {
	if v.Type == types.Dynamic {
		if arr, ok := v.Dyn[i].([]any); ok {
			for _, d := range arr {
				key, ok := k.item(d)
				l.addKey(key, ok)
			}
			return
		}
	}
	key, ok := k.row(v, i)
	l.addKey(key, ok)
}

func (l *inList) addKey(key any, ok bool) {
	if !ok {
		l.hasNull = true
		return
	}
	l.keys[key] = struct{}{}
}

func inEval(negate, ci bool) evalFn {
	return func(args []*vector.Vector, n int) (*vector.Vector, error) {
		val, elems := args[0], args[1:]
		k := newInKeyer(val.Type, ci)
		out := newVec(types.Bool, n)
		allConst := true
		for _, e := range elems {
			if !isConst(e, n) {
				allConst = false
				break
			}
		}
		var list inList
		build := func(i int) {
			list = inList{keys: make(map[any]struct{}, len(elems))}
			for _, e := range elems {
				k.add(&list, e, i)
			}
		}
		if allConst && n > 0 {
			build(0)
			if val.Type == types.String {
				return inStrings(val, list, negate, ci, n), nil
			}
		}
		for i := 0; i < n; i++ {
			if !allConst {
				build(i)
			}
			key, ok := k.row(val, i)
			var found bool
			if ok {
				_, found = list.keys[key]
			} else if list.hasNull {
				out.SetNull(i)
				continue
			}
			setBool(out, i, found != negate)
		}
		return out, nil
	}
}

// inStrings is the fast path of the in family for a string value and a constant
// list: one map of strings, no per-row boxing. A string value is never null.
func inStrings(val *vector.Vector, list inList, negate, ci bool, n int) *vector.Vector {
	set := make(map[string]struct{}, len(list.keys))
	for k := range list.keys {
		set[k.(string)] = struct{}{}
	}
	out := newVec(types.Bool, n)
	for i, s := range val.Strs[:n] {
		if ci {
			s = strings.ToLower(s)
		}
		_, found := set[s]
		setBool(out, i, found != negate)
	}
	return out
}
