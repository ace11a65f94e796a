package functions

import (
	"fmt"
	"regexp"
	"sync"
	"sync/atomic"

	"github.com/spoorhq/spoor/types"
)

// Regular expressions are RE2, as in Kusto, and compiled once per distinct pattern:
// the cache is shared by every kernel and goroutine. It is bounded by dropping
// everything when it grows past regexCacheMax entries, which only a query that
// builds patterns from data can reach.

const regexCacheMax = 4096

var (
	regexCache sync.Map // pattern → regexEntry
	regexCount atomic.Int64
)

type regexEntry struct {
	re  *regexp.Regexp
	err error
}

// compileRegex returns the compiled pattern, from the cache when it was seen before.
func compileRegex(pattern string) (*regexp.Regexp, error) {
	if e, ok := regexCache.Load(pattern); ok {
		return e.(regexEntry).re, e.(regexEntry).err
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		err = fmt.Errorf("invalid regex %q: %v", pattern, err)
	}
	if regexCount.Add(1) > regexCacheMax {
		regexCache.Clear()
		regexCount.Store(1)
	}
	regexCache.Store(pattern, regexEntry{re, err})
	return re, err
}

// checkConstRegex validates constant argument i as a regex at planning time, so that a
// bad pattern is reported at its position rather than when the query runs.
func checkConstRegex(name string, consts []*types.Value, i int) error {
	p, ok := constString(consts, i)
	if !ok {
		return nil
	}
	if _, err := compileRegex(p); err != nil {
		return fmt.Errorf("%s(): %v", name, err)
	}
	return nil
}

// regexCursor returns the compiled regex for each row's pattern, recompiling only
// when the pattern changes from the previous row.
type regexCursor struct {
	last string
	re   *regexp.Regexp
	have bool
}

func (c *regexCursor) get(pattern string) (*regexp.Regexp, error) {
	if c.have && pattern == c.last {
		return c.re, nil
	}
	re, err := compileRegex(pattern)
	if err != nil {
		return nil, err
	}
	c.last, c.re, c.have = pattern, re, true
	return re, nil
}
