package functions

import (
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// geo_union_lines_array: the union of an array of lines and multilines, as one
// LineString when the edges chain into a single line and a MultiLineString
// otherwise. Edges that repeat (in either direction) count once; the edges are
// then joined into chains that run from one end or junction vertex (a vertex not
// on exactly two edges) to the next, and closed loops are walked from their first
// vertex. Chains start at the vertex met first in the input. Edges that overlap
// only in part are not split. An invalid line gives null.

func init() {
	scalar("geo_union_lines_array", 1, 1, "The union of a dynamic array of lines and multilines, as a line or multiline; null when a line is invalid",
		sig(types.Dynamic, dynArg.as("lineStrings")), rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			arr, ok := args[0].Dyn[i].([]any)
			if !ok {
				return types.NullOf(types.Dynamic)
			}
			var lines [][]lngLat
			for _, d := range arr {
				ls, ok := linesOf(d)
				if !ok {
					return types.NullOf(types.Dynamic)
				}
				lines = append(lines, ls...)
			}
			chains := unionChains(lines)
			switch len(chains) {
			case 0:
				return types.NullOf(types.Dynamic)
			case 1:
				return types.NewDynamic(map[string]any{"type": "LineString", "coordinates": coordsDyn(chains[0])})
			}
			out := make([]any, len(chains))
			for k, c := range chains {
				out[k] = coordsDyn(c)
			}
			return types.NewDynamic(map[string]any{"type": "MultiLineString", "coordinates": out})
		}))
}

// unionChains joins the distinct edges of the lines into chains.
func unionChains(lines [][]lngLat) [][]lngLat {
	type edge struct{ a, b lngLat }
	var order []lngLat // vertices in order of first appearance
	adj := map[lngLat][]lngLat{}
	seen := map[edge]bool{}
	for _, l := range lines {
		for k := 1; k < len(l); k++ {
			a, b := l[k-1], l[k]
			if a == b || seen[edge{a, b}] || seen[edge{b, a}] {
				continue
			}
			seen[edge{a, b}] = true
			for _, v := range []lngLat{a, b} {
				if _, ok := adj[v]; !ok {
					order = append(order, v)
				}
			}
			adj[a] = append(adj[a], b)
			adj[b] = append(adj[b], a)
		}
	}
	used := map[edge]bool{}
	free := func(a, b lngLat) bool { return !used[edge{a, b}] && !used[edge{b, a}] }
	walk := func(start, next lngLat) []lngLat {
		chain := []lngLat{start}
		prev, cur := start, next
		for {
			used[edge{prev, cur}] = true
			chain = append(chain, cur)
			if len(adj[cur]) != 2 {
				return chain
			}
			var nxt lngLat
			found := false
			for _, w := range adj[cur] {
				if free(cur, w) {
					nxt, found = w, true
					break
				}
			}
			if !found {
				return chain // a closed loop came back to its start
			}
			prev, cur = cur, nxt
		}
	}
	var chains [][]lngLat
	for pass := 0; pass < 2; pass++ {
		for _, v := range order {
			if pass == 0 && len(adj[v]) == 2 {
				continue // ends and junctions first; loops on the second pass
			}
			for _, w := range adj[v] {
				if free(v, w) {
					chains = append(chains, walk(v, w))
				}
			}
		}
	}
	return chains
}
