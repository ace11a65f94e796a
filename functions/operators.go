package functions

import (
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Comparison and logical operators and between (the in family is in operators_in.go).
//
// Null rules, from Kusto's docs on null values: == gives false when exactly one side
// is null and null when both are; != gives true when exactly one side is null and
// null when both are; <, <=, >, >= give null when either side is null. and gives
// false when either side is false, else null when either is null; or gives true
// when either side is true, else null when either is null; not(null) is null. The
// executor's where keeps only true rows, so a null predicate drops the row.

func init() {
	for _, op := range []string{"==", "!="} {
		scalar(op, 2, 2, "Equality of two values; one null side makes == false and != true", compareCheck(op, false), compareEval(op))
	}
	for _, op := range []string{"<", "<=", ">", ">="} {
		scalar(op, 2, 2, "Ordering of two numbers, datetimes, timespans or strings (ordinal); null if either is null", compareCheck(op, true), compareEval(op))
	}
	scalar("and", 2, 2, "Logical and, three-valued: false and null is false", logicCheck("and"), andEval)
	scalar("or", 2, 2, "Logical or, three-valued: true or null is true", logicCheck("or"), orEval)
	scalar("not", 1, 1, "Logical negation; not(null) is null", sig(types.Bool, boolArg), notEval)
	scalar("between", 3, 3, "Whether a value lies in an inclusive range: between(value, low, high)", betweenCheck, betweenEval(false))
	scalar("!between", 3, 3, "Whether a value lies outside an inclusive range", betweenCheck, betweenEval(true))
	scalar("in", 2, -1, "Whether a value equals one of the others (case-sensitive); a dynamic array expands to its elements", inCheck(false), inEval(false, false))
	scalar("!in", 2, -1, "Whether a value equals none of the others (case-sensitive)", inCheck(false), inEval(true, false))
	scalar("in~", 2, -1, "Whether a string equals one of the others, ignoring case", inCheck(true), inEval(false, true))
	scalar("!in~", 2, -1, "Whether a string equals none of the others, ignoring case", inCheck(true), inEval(true, true))
}

// domain is how two types compare.
type domain uint8

const (
	domNone    domain = iota
	domInts           // same type kept in Ints: int/long, datetime, timespan, bool
	domNum            // numbers, at least one real: exact mixed comparison
	domDecimal        // numbers, at least one decimal
	domString         // ordinal
	domGuid           // guid with guid or with text parsed as a guid
	domDyn            // a dynamic value on one side
)

// compareDomain says how l and r compare, or domNone when they do not. ordering
// excludes guid, which has only equality, and bool next to a dynamic value. A
// bool compares with a bool or a number as the integer 1 or 0, as Kusto's
// signed 8-bit bool does: IsLocalAdmin == 1 is IsLocalAdmin == true.
func compareDomain(l, r types.Type, ordering bool) domain {
	switch {
	case l == types.Dynamic || r == types.Dynamic:
		if ordering && (l == types.Bool || r == types.Bool || l == types.Guid || r == types.Guid) {
			return domNone
		}
		return domDyn
	case intOrBool(l) && intOrBool(r):
		return domInts
	case numOrBool(l) && numOrBool(r):
		if l == types.Decimal || r == types.Decimal {
			return domDecimal
		}
		return domNum
	case l == r && (l == types.Datetime || l == types.Timespan):
		return domInts
	case l == types.String && r == types.String:
		return domString
	case !ordering && (l == types.Guid || r == types.Guid) && (l == types.Guid || l == types.String) && (r == types.Guid || r == types.String):
		return domGuid
	}
	return domNone
}

func intOrBool(t types.Type) bool { return isInteger(t) || t == types.Bool }

func numOrBool(t types.Type) bool { return t.Numeric() || t == types.Bool }

func compareCheck(op string, ordering bool) checkFn {
	return func(_ string, args []types.Type, _ []*types.Value) (types.Type, error) {
		l, r := args[0], args[1]
		if compareDomain(l, r, ordering) != domNone {
			return types.Bool, nil
		}
		if ordering && compareDomain(l, r, false) != domNone {
			return types.Unknown, fmt.Errorf("%s values have no order: '%s' does not apply", l, op)
		}
		return types.Unknown, fmt.Errorf("cannot compare %s with %s%s", l, r, convertHint(l, r))
	}
}

// convertHint suggests the conversion that makes a string comparable with a
// value of another type, the usual cause of a comparison of unlike types.
func convertHint(l, r types.Type) string {
	other := l
	if l == types.String {
		other = r
	} else if r != types.String {
		return ""
	}
	conv := map[types.Type]string{
		types.Int: "toint", types.Long: "tolong", types.Real: "toreal", types.Decimal: "todecimal",
		types.Bool: "tobool", types.Datetime: "todatetime", types.Timespan: "totimespan",
	}[other]
	if conv == "" {
		return ""
	}
	article := "a"
	if other == types.Int {
		article = "an"
	}
	return fmt.Sprintf("; convert the string with %s() or compare with %s %s value", conv, article, other)
}

// Comparison results: -1, 0, +1, or unordered (a NaN, or dynamic values of kinds that
// do not order), for which only != holds.
const cmpUnordered int8 = 2

// Null flags of one compared row.
const (
	leftNull  uint8 = 1
	rightNull uint8 = 2
)

// rowCmp compares row i of two vectors.
type rowCmp func(i int) (c int8, nulls uint8)

// comparer returns the row comparison of l and r, which compareDomain accepted.
func comparer(l, r *vector.Vector) rowCmp {
	nulls := func(i int) uint8 {
		var f uint8
		if nullAt(l, i) {
			f |= leftNull
		}
		if nullAt(r, i) {
			f |= rightNull
		}
		return f
	}
	switch compareDomain(l.Type, r.Type, false) {
	case domInts:
		return func(i int) (int8, uint8) {
			if f := nulls(i); f != 0 {
				return 0, f
			}
			return cmp3(l.Ints[i], r.Ints[i]), 0
		}
	case domNum:
		return func(i int) (int8, uint8) {
			if f := nulls(i); f != 0 {
				return 0, f
			}
			return cmpNumbers(l, r, i), 0
		}
	case domDecimal:
		return func(i int) (int8, uint8) {
			if f := nulls(i); f != 0 {
				return 0, f
			}
			a, aok := ratAt(l, i)
			b, bok := ratAt(r, i)
			if !aok || !bok {
				return cmpUnordered, 0
			}
			return int8(a.Cmp(b)), 0
		}
	case domString:
		return func(i int) (int8, uint8) {
			return int8(strings.Compare(l.Strs[i], r.Strs[i])), 0
		}
	case domGuid:
		return func(i int) (int8, uint8) {
			a, aok := guidAt(l, i)
			b, bok := guidAt(r, i)
			var f uint8
			if !aok {
				f |= leftNull
			}
			if !bok {
				f |= rightNull
			}
			if f != 0 {
				return 0, f
			}
			return int8(strings.Compare(a, b)), 0
		}
	case domDyn:
		return dynComparer(l, r)
	}
	panic("BUG: comparer called on incomparable types " + l.Type.String() + " and " + r.Type.String())
}

func cmp3[T int64 | string | float64](a, b T) int8 {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cmpNumbers compares two non-null numbers of which neither is decimal, exactly: a
// long compares with a real by value, not through a rounding conversion.
func cmpNumbers(l, r *vector.Vector, i int) int8 {
	switch {
	case l.Type == types.Real && r.Type == types.Real:
		return cmpReals(l.Reals[i], r.Reals[i])
	case l.Type == types.Real:
		return -cmpIntReal(r.Ints[i], l.Reals[i])
	case r.Type == types.Real:
		return cmpIntReal(l.Ints[i], r.Reals[i])
	}
	return cmp3(l.Ints[i], r.Ints[i])
}

func cmpReals(a, b float64) int8 {
	if a != a || b != b {
		return cmpUnordered
	}
	return cmp3(a, b)
}

// cmpIntReal compares a long with a real exactly. A NaN is unordered; the cmpUnordered
// result negates to -2, which callers treat as unordered too.
func cmpIntReal(a int64, b float64) int8 {
	switch {
	case b != b:
		return cmpUnordered
	case b >= 9223372036854775807:
		return -1
	case b < -9223372036854775808:
		return 1
	}
	t := int64(b) // exact: |b| < 2^63
	if c := cmp3(a, t); c != 0 {
		return c
	}
	switch frac := b - float64(t); {
	case frac > 0:
		return -1
	case frac < 0:
		return 1
	}
	return 0
}

// dynComparer compares a dynamic value with a value of another type by converting
// the dynamic side to that type (a dynamic 5 equals a long 5, a dynamic "abc" the
// string "abc"), and two dynamic values structurally, ordering only numbers with
// numbers and strings with strings.
func dynComparer(l, r *vector.Vector) rowCmp {
	if l.Type != types.Dynamic {
		c := dynComparer(r, l)
		return func(i int) (int8, uint8) {
			x, f := c(i)
			if x != cmpUnordered {
				x = -x
			}
			return x, f>>1 | f<<1&rightNull
		}
	}
	// l is dynamic from here on.
	withNulls := func(a, b bool) uint8 {
		var f uint8
		if !a {
			f |= leftNull
		}
		if !b {
			f |= rightNull
		}
		return f
	}
	switch r.Type {
	case types.Dynamic:
		return func(i int) (int8, uint8) {
			a, b := l.Dyn[i], r.Dyn[i]
			if f := withNulls(!nullAt(l, i), !nullAt(r, i)); f != 0 {
				return 0, f
			}
			return cmpDynamic(a, b), 0
		}
	case types.Int, types.Long, types.Real, types.Decimal:
		return func(i int) (int8, uint8) {
			ok := !nullAt(l, i) && !nullAt(r, i)
			if !ok {
				return 0, withNulls(!nullAt(l, i), !nullAt(r, i))
			}
			if a, isInt := l.Dyn[i].(int64); isInt && isInteger(r.Type) {
				return cmp3(a, r.Ints[i]), 0
			}
			a, aok := dynReal(l.Dyn[i])
			if !aok {
				return 0, leftNull
			}
			if r.Type == types.Real || r.Type == types.Decimal {
				b, _ := realAt(r, i)
				return cmpReals(a, b), 0
			}
			if c := cmpIntReal(r.Ints[i], a); c != cmpUnordered {
				return -c, 0
			}
			return cmpUnordered, 0
		}
	case types.String:
		return func(i int) (int8, uint8) {
			if nullAt(l, i) {
				return 0, leftNull
			}
			return int8(strings.Compare(dynText(l.Dyn[i]), r.Strs[i])), 0
		}
	case types.Datetime, types.Timespan, types.Bool:
		conv := datetimeAt
		switch r.Type {
		case types.Timespan:
			conv = timespanAt
		case types.Bool:
			conv = func(v *vector.Vector, i int) (int64, bool) {
				b, ok := boolAt(v, i)
				if b {
					return 1, ok
				}
				return 0, ok
			}
		}
		return func(i int) (int8, uint8) {
			a, aok := conv(l, i)
			bok := !nullAt(r, i)
			if f := withNulls(aok, bok); f != 0 {
				return 0, f
			}
			return cmp3(a, r.Ints[i]), 0
		}
	case types.Guid:
		return func(i int) (int8, uint8) {
			a, aok := guidAt(l, i)
			b, bok := guidAt(r, i)
			if f := withNulls(aok, bok); f != 0 {
				return 0, f
			}
			return int8(strings.Compare(a, b)), 0
		}
	}
	panic("BUG: dynamic compared with " + r.Type.String())
}

// cmpDynamic compares two non-null dynamic payloads: deep equality for any kinds,
// order for number with number and string with string, unordered otherwise.
func cmpDynamic(a, b any) int8 {
	an, aNum := dynNumber(a)
	bn, bNum := dynNumber(b)
	if aNum && bNum {
		return cmpDynNumbers(an, bn)
	}
	as, aStr := a.(string)
	bs, bStr := b.(string)
	if aStr && bStr {
		return int8(strings.Compare(as, bs))
	}
	if types.EqualDynamic(a, b) {
		return 0
	}
	return cmpUnordered
}

// dynNum is a dynamic number, integer or real.
type dynNum struct {
	i     int64
	f     float64
	isInt bool
}

func dynNumber(d any) (dynNum, bool) {
	switch x := d.(type) {
	case int64:
		return dynNum{i: x, isInt: true}, true
	case float64:
		return dynNum{f: x}, true
	}
	return dynNum{}, false
}

func cmpDynNumbers(a, b dynNum) int8 {
	switch {
	case a.isInt && b.isInt:
		return cmp3(a.i, b.i)
	case a.isInt:
		return cmpIntReal(a.i, b.f)
	case b.isInt:
		if c := cmpIntReal(b.i, a.f); c != cmpUnordered {
			return -c
		}
		return cmpUnordered
	}
	return cmpReals(a.f, b.f)
}

// ratAt reads row i of a number vector as an exact rational, for decimal arithmetic
// and comparison.
func ratAt(v *vector.Vector, i int) (*big.Rat, bool) {
	if nullAt(v, i) {
		return nil, false
	}
	switch v.Type {
	case types.Int, types.Long, types.Bool:
		return new(big.Rat).SetInt64(v.Ints[i]), true
	case types.Real:
		f := v.Reals[i]
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, false
		}
		return new(big.Rat).SetFloat64(f), true
	case types.Decimal:
		return new(big.Rat).SetString(v.Strs[i])
	case types.Dynamic:
		s, ok := decimalAt(v, i)
		if !ok {
			return nil, false
		}
		return new(big.Rat).SetString(s)
	}
	return nil, false
}

// opResult maps a comparison to the operator's result; ok false is null.
func opResult(op string, c int8, nulls uint8) (res, ok bool) {
	switch op {
	case "==":
		switch nulls {
		case 0:
			return c == 0, true
		case leftNull | rightNull:
			return false, false
		}
		return false, true
	case "!=":
		switch nulls {
		case 0:
			return c != 0, true
		case leftNull | rightNull:
			return false, false
		}
		return true, true
	}
	if nulls != 0 {
		return false, false
	}
	if c != -1 && c != 0 && c != 1 {
		return false, true
	}
	switch op {
	case "<":
		return c < 0, true
	case "<=":
		return c <= 0, true
	case ">":
		return c > 0, true
	case ">=":
		return c >= 0, true
	}
	panic("BUG: unknown comparison " + op)
}

func compareEval(op string) evalFn {
	return func(args []*vector.Vector, n int) (*vector.Vector, error) {
		l, r := args[0], args[1]
		out := newVec(types.Bool, n)
		// Fast paths for the commonest predicates: strings and same-typed ints.
		if l.Type == types.String && r.Type == types.String && (op == "==" || op == "!=") {
			want := op == "=="
			for i := 0; i < n; i++ {
				setBool(out, i, (l.Strs[i] == r.Strs[i]) == want)
			}
			return out, nil
		}
		if compareDomain(l.Type, r.Type, false) == domInts && l.Nulls == nil && r.Nulls == nil {
			a, b := l.Ints[:n], r.Ints[:n]
			for i := range a {
				var res bool
				switch op {
				case "==":
					res = a[i] == b[i]
				case "!=":
					res = a[i] != b[i]
				case "<":
					res = a[i] < b[i]
				case "<=":
					res = a[i] <= b[i]
				case ">":
					res = a[i] > b[i]
				case ">=":
					res = a[i] >= b[i]
				}
				setBool(out, i, res)
			}
			return out, nil
		}
		c := comparer(l, r)
		for i := 0; i < n; i++ {
			x, nulls := c(i)
			res, ok := opResult(op, x, nulls)
			if !ok {
				out.SetNull(i)
				continue
			}
			setBool(out, i, res)
		}
		return out, nil
	}
}

// Logical operators.

func logicCheck(op string) checkFn {
	return func(_ string, args []types.Type, _ []*types.Value) (types.Type, error) {
		for _, t := range args {
			if t != types.Bool && t != types.Dynamic {
				return types.Unknown, fmt.Errorf("'%s' expects bool operands, got %s", op, joinTypes(args))
			}
		}
		return types.Bool, nil
	}
}

// tri reads row i as a three-valued bool: 0 false, 1 true, 2 null.
func tri(v *vector.Vector, i int) uint8 {
	if v.Type == types.Bool {
		if nullAt(v, i) {
			return 2
		}
		return uint8(v.Ints[i] & 1)
	}
	b, ok := boolAt(v, i)
	switch {
	case !ok:
		return 2
	case b:
		return 1
	}
	return 0
}

func andEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	l, r := args[0], args[1]
	out := newVec(types.Bool, n)
	for i := 0; i < n; i++ {
		a, b := tri(l, i), tri(r, i)
		switch {
		case a == 0 || b == 0:
		case a == 2 || b == 2:
			out.SetNull(i)
		default:
			out.Ints[i] = 1
		}
	}
	return out, nil
}

func orEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	l, r := args[0], args[1]
	out := newVec(types.Bool, n)
	for i := 0; i < n; i++ {
		a, b := tri(l, i), tri(r, i)
		switch {
		case a == 1 || b == 1:
			out.Ints[i] = 1
		case a == 2 || b == 2:
			out.SetNull(i)
		}
	}
	return out, nil
}

func notEval(args []*vector.Vector, n int) (*vector.Vector, error) {
	out := newVec(types.Bool, n)
	for i := 0; i < n; i++ {
		switch tri(args[0], i) {
		case 0:
			out.Ints[i] = 1
		case 2:
			out.SetNull(i)
		}
	}
	return out, nil
}

// between: value, low, high of one orderable family; a datetime range may end in a
// timespan, which is added to the low end.

func betweenCheck(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
	v, lo, hi := args[0], args[1], args[2]
	if v == types.Datetime && lo == types.Datetime && hi == types.Timespan {
		return types.Bool, nil
	}
	if v == types.String || v == types.Bool || v == types.Guid {
		return types.Unknown, fmt.Errorf("%s expects a number, datetime or timespan, got %s", name, v)
	}
	if compareDomain(v, lo, true) == domNone || compareDomain(v, hi, true) == domNone {
		return types.Unknown, fmt.Errorf("%s cannot compare %s with a range of %s", name, v, joinTypes([]types.Type{lo, hi}))
	}
	return types.Bool, nil
}

func betweenEval(negate bool) evalFn {
	return func(args []*vector.Vector, n int) (*vector.Vector, error) {
		v, lo, hi := args[0], args[1], args[2]
		if v.Type == types.Datetime && lo.Type == types.Datetime && hi.Type == types.Timespan {
			end := newVec(types.Datetime, n)
			for i := 0; i < n; i++ {
				if nullAt(lo, i) || nullAt(hi, i) {
					end.SetNull(i)
					continue
				}
				end.Ints[i] = lo.Ints[i] + hi.Ints[i]
			}
			hi = end
		}
		geLo, leHi := comparer(v, lo), comparer(v, hi)
		out := newVec(types.Bool, n)
		for i := 0; i < n; i++ {
			c1, f1 := geLo(i)
			c2, f2 := leHi(i)
			a, aok := opResult(">=", c1, f1)
			b, bok := opResult("<=", c2, f2)
			var res, ok bool
			switch {
			case (aok && !a) || (bok && !b):
				res, ok = false, true
			case aok && bok:
				res, ok = true, true
			}
			if !ok {
				out.SetNull(i)
				continue
			}
			setBool(out, i, res != negate)
		}
		return out, nil
	}
}
