package functions

import (
	"slices"
	"strings"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// treepath(object): the path of every node of a dynamic value, as an array of
// strings such as "['a']" and "['a'][0]['b']". An array's elements share one path,
// [0], which covers the paths found under any of them. Paths come in depth-first
// order with a bag's keys sorted, each once. A value with no inner nodes gives an
// empty array; null gives null.

func init() {
	scalar("treepath", 1, 1, "The paths of every node of a dynamic value, as an array of strings like \"['a'][0]['b']\"",
		sig(types.Dynamic, dynArg), rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			if nullAt(args[0], i) {
				return types.NullOf(types.Dynamic)
			}
			paths := []any{}
			seen := map[string]bool{}
			walkTree(args[0].Dyn[i], "", seen, &paths)
			return types.NewDynamic(paths)
		}))
}

// walkTree appends the paths under v, whose own path is prefix.
func walkTree(v any, prefix string, seen map[string]bool, paths *[]any) {
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			*paths = append(*paths, p)
		}
	}
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			p := prefix + "['" + strings.ReplaceAll(k, "'", `\'`) + "']"
			add(p)
			walkTree(x[k], p, seen, paths)
		}
	case []any:
		if len(x) == 0 {
			return
		}
		p := prefix + "[0]"
		add(p)
		for _, e := range x {
			walkTree(e, p, seen, paths)
		}
	}
}
