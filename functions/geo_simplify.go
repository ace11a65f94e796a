package functions

import (
	"github.com/golang/geo/s2"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// geo_line_simplify and geo_polygon_simplify: the Douglas-Peucker reduction of
// each line or ring, with distances measured on the sphere from a vertex to the
// geodesic edge that would replace it. A vertex stays when it lies farther than
// the tolerance (meters, default 10) from that edge. A ring left with fewer than
// three distinct vertices disappears: a polygon whose outer ring disappears is
// dropped, and when nothing is left the result is null. Each polygon of a
// multipolygon and each line of a multiline is reduced on its own.

func init() {
	scalar("geo_line_simplify", 1, 2, "A line or multiline with nearly straight chains of short edges replaced by one edge, within a tolerance in meters (default 10, at most about 7,800,000)",
		sig(types.Dynamic, geoShape, geoNum.as("tolerance")), rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			d := dynArgAt(args[0], i)
			lines, ok := linesOf(d)
			tol, ok2 := simplifyTolerance(args, i, 0, 7.8e6)
			if !ok || !ok2 {
				return types.NullOf(types.Dynamic)
			}
			var out []any
			for _, l := range lines {
				s := simplifyChain(l, tol)
				if len(s) == 2 && s[0] == s[1] {
					continue // the line shrank to a point
				}
				out = append(out, coordsDyn(s))
			}
			kind, _, _ := geoShapeOf(d)
			switch {
			case len(out) == 0:
				return types.NullOf(types.Dynamic)
			case kind == "LineString":
				return types.NewDynamic(map[string]any{"type": kind, "coordinates": out[0]})
			}
			return types.NewDynamic(map[string]any{"type": kind, "coordinates": out})
		}))
	scalar("geo_polygon_simplify", 1, 2, "A polygon or multipolygon with nearly straight chains of short edges replaced by one edge, within a tolerance in meters (default 10, from 0.1 to 10,000)",
		sig(types.Dynamic, geoShape, geoNum.as("tolerance")), rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			d := dynArgAt(args[0], i)
			polys, ok := polygonsOf(d)
			tol, ok2 := simplifyTolerance(args, i, 0.1, 10000)
			if !ok || !ok2 {
				return types.NullOf(types.Dynamic)
			}
			var out []any
			for _, rings := range polys {
				var rs []any
				for j, r := range rings {
					s := simplifyChain(r, tol)
					if distinctVertices(s) < 3 {
						if j == 0 {
							break // the outer ring is gone, and its holes with it
						}
						continue
					}
					rs = append(rs, coordsDyn(s))
				}
				if len(rs) > 0 {
					out = append(out, rs)
				}
			}
			kind, _, _ := geoShapeOf(d)
			switch {
			case len(out) == 0:
				return types.NullOf(types.Dynamic)
			case kind == "Polygon":
				return types.NewDynamic(map[string]any{"type": kind, "coordinates": out[0]})
			}
			return types.NewDynamic(map[string]any{"type": kind, "coordinates": out})
		}))
}

// simplifyTolerance reads the optional tolerance in meters (default 10); false
// when it is null or outside [lo, hi].
func simplifyTolerance(args []*vector.Vector, i int, lo, hi float64) (float64, bool) {
	tol := 10.0
	if len(args) > 1 {
		var ok bool
		if tol, ok = realAt(args[1], i); !ok {
			return 0, false
		}
	}
	return tol, tol >= lo && tol <= hi
}

// simplifyChain is the Douglas-Peucker reduction of a chain of vertices; its ends
// always stay. A closed ring is a chain whose ends are the same vertex.
func simplifyChain(cs []lngLat, tol float64) []lngLat {
	if len(cs) <= 2 {
		return cs
	}
	pts := make([]s2.Point, len(cs))
	for k, c := range cs {
		pts[k] = c.point()
	}
	keep := make([]bool, len(cs))
	keep[0], keep[len(cs)-1] = true, true
	var reduce func(a, b int)
	reduce = func(a, b int) {
		far, farDist := -1, tol
		for k := a + 1; k < b; k++ {
			var dist float64
			if pts[a] == pts[b] {
				dist = metersOf(pts[k].Distance(pts[a]))
			} else {
				dist = metersOf(s2.DistanceFromSegment(pts[k], pts[a], pts[b]))
			}
			if dist > farDist {
				far, farDist = k, dist
			}
		}
		if far < 0 {
			return
		}
		keep[far] = true
		reduce(a, far)
		reduce(far, b)
	}
	reduce(0, len(cs)-1)
	out := make([]lngLat, 0, len(cs))
	for k, c := range cs {
		if keep[k] {
			out = append(out, c)
		}
	}
	return out
}

// distinctVertices counts the different vertices of a chain.
func distinctVertices(cs []lngLat) int {
	seen := map[lngLat]bool{}
	for _, c := range cs {
		seen[c] = true
	}
	return len(seen)
}
