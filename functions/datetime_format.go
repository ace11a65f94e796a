package functions

import (
	"fmt"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// format_datetime and format_timespan: a format is parsed once into elements, runs of
// one format letter, and literal text between them.

// fmtElem is one element of a format: a run of a format letter, or literal text.
type fmtElem struct {
	letter byte // 0 for literal text
	count  int
	text   string
}

// maxRun is the longest run of each format letter, for datetimes and for timespans.
var dateRuns = map[byte]int{'d': 2, 'f': 7, 'F': 7, 'h': 2, 'H': 2, 'm': 2, 'M': 2, 's': 2, 'y': 4, 't': 2}
var spanRuns = map[byte]int{'d': 8, 'f': 7, 'F': 7, 'h': 2, 'H': 2, 'm': 2, 's': 2}

// parseFormat splits a format into elements; it fails on a run that is too long or
// not supported (yyy, a single t).
func parseFormat(format string, span bool) ([]fmtElem, error) {
	runs := dateRuns
	if span {
		runs = spanRuns
	}
	var out []fmtElem
	for i := 0; i < len(format); {
		c := format[i]
		max, isLetter := runs[c]
		if !isLetter {
			j := i
			for j < len(format) {
				if _, ok := runs[format[j]]; ok {
					break
				}
				j++
			}
			out = append(out, fmtElem{text: format[i:j]})
			i = j
			continue
		}
		j := i
		for j < len(format) && format[j] == c {
			j++
		}
		k := j - i
		if k > max || (!span && c == 'y' && k == 3) || (!span && c == 't' && k != 2) {
			return nil, fmt.Errorf("unsupported format element %q", format[i:j])
		}
		out = append(out, fmtElem{letter: c, count: k})
		i = j
	}
	return out, nil
}

func formatCheck(span bool) checkFn {
	first := dateArg
	if span {
		first = spanArg
	}
	inner := sig(types.String, first, textArg.as("format"))
	return func(name string, args []types.Type, consts []*types.Value) (types.Type, error) {
		if _, err := inner(name, args, consts); err != nil {
			return types.Unknown, err
		}
		if f, ok := constString(consts, 1); ok {
			if _, err := parseFormat(f, span); err != nil {
				return types.Unknown, fmt.Errorf("%s(): %v", name, err)
			}
		}
		return types.String, nil
	}
}

func formatEval(span bool) evalFn {
	return func(args []*vector.Vector, n int) (*vector.Vector, error) {
		formats := texts(args[1], n)
		out := newVec(types.String, n)
		var elems []fmtElem
		var err error
		last, have := "", false
		for i := 0; i < n; i++ {
			if f := formats[i]; !have || f != last {
				elems, err = parseFormat(f, span)
				last, have = f, true
			}
			if err != nil || nullAt(args[0], i) {
				continue
			}
			if span {
				out.Strs[i] = formatSpan(args[0].Ints[i], elems)
			} else {
				out.Strs[i] = formatDate(args[0].Ints[i], elems)
			}
		}
		return out, nil
	}
}

// appendFraction appends the first k of the seven fraction digits; upper (F) drops
// trailing zeros, and all of them when the digits are zero.
func appendFraction(b []byte, frac int64, k int, upper bool) []byte {
	var d [7]byte
	for p := 6; p >= 0; p-- {
		d[p] = byte('0' + frac%10)
		frac /= 10
	}
	digits := d[:k]
	if upper {
		for len(digits) > 0 && digits[len(digits)-1] == '0' {
			digits = digits[:len(digits)-1]
		}
	}
	return append(b, digits...)
}

func formatDate(ticks int64, elems []fmtElem) string {
	c := civilOf(ticks)
	b := make([]byte, 0, 32)
	for _, e := range elems {
		switch e.letter {
		case 0:
			b = append(b, e.text...)
		case 'd':
			b = appendPadded(b, int64(c.day), e.count)
		case 'f', 'F':
			b = appendFraction(b, c.frac, e.count, e.letter == 'F')
		case 'h':
			h := c.hour % 12
			if h == 0 {
				h = 12
			}
			b = appendPadded(b, int64(h), e.count)
		case 'H':
			b = appendPadded(b, int64(c.hour), e.count)
		case 'm':
			b = appendPadded(b, int64(c.minute), e.count)
		case 'M':
			b = appendPadded(b, int64(c.month), e.count)
		case 's':
			b = appendPadded(b, int64(c.second), e.count)
		case 'y':
			if e.count <= 2 {
				b = appendPadded(b, int64(c.year%100), e.count)
			} else {
				b = appendPadded(b, int64(c.year), e.count)
			}
		case 't':
			if c.hour < 12 {
				b = append(b, "AM"...)
			} else {
				b = append(b, "PM"...)
			}
		}
	}
	return string(b)
}

// formatSpan formats a timespan's parts; as .NET's custom timespan formats, the sign
// is not printed.
func formatSpan(ticks int64, elems []fmtElem) string {
	u := uint64(ticks)
	if ticks < 0 {
		u = uint64(-ticks)
	}
	days := u / uint64(types.TicksPerDay)
	rest := u % uint64(types.TicksPerDay)
	hours := rest / uint64(types.TicksPerHour)
	minutes := rest % uint64(types.TicksPerHour) / uint64(types.TicksPerMinute)
	seconds := rest % uint64(types.TicksPerMinute) / uint64(types.TicksPerSecond)
	frac := int64(rest % uint64(types.TicksPerSecond))
	b := make([]byte, 0, 32)
	for _, e := range elems {
		switch e.letter {
		case 0:
			b = append(b, e.text...)
		case 'd':
			b = appendPadded(b, int64(days), e.count)
		case 'f', 'F':
			b = appendFraction(b, frac, e.count, e.letter == 'F')
		case 'h', 'H':
			b = appendPadded(b, int64(hours), e.count)
		case 'm':
			b = appendPadded(b, int64(minutes), e.count)
		case 's':
			b = appendPadded(b, int64(seconds), e.count)
		}
	}
	return string(b)
}
