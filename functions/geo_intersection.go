package functions

import (
	"math"
	"sort"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// geo_intersection_2lines and geo_intersection_line_with_polygon: the shared
// part of two lines, or the part of a line inside a polygon, as GeoJSON. Edges
// are geodesics. The result is a Point, MultiPoint, LineString or
// MultiLineString, a GeometryCollection of several kinds, or an empty
// GeometryCollection when nothing is shared; null when an argument is not a
// valid shape of its kind.

// geoTouch is the distance under which two points are one.
const geoTouch = s1.Angle(1e-13)

func init() {
	scalar("geo_intersection_2lines", 2, 2, "The intersection of two lines or multilines, as GeoJSON",
		sig(types.Dynamic, geoShape, geoShape), rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			a, ok1 := linesOf(dynArgAt(args[0], i))
			b, ok2 := linesOf(dynArgAt(args[1], i))
			if !ok1 || !ok2 {
				return types.NullOf(types.Dynamic)
			}
			return types.NewDynamic(intersectLines(a, b))
		}))
	scalar("geo_intersection_line_with_polygon", 2, 2, "The part of a line or multiline inside a polygon or multipolygon, as GeoJSON",
		sig(types.Dynamic, geoShape, geoShape), rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			lines, ok1 := linesOf(dynArgAt(args[0], i))
			polys, ok2 := s2Polygons(dynArgAt(args[1], i))
			if !ok1 || !ok2 {
				return types.NullOf(types.Dynamic)
			}
			return types.NewDynamic(clipLines(lines, polys))
		}))
}

// geoVertex is a point of a result with the coordinates it was given, so
// that input vertices come back exactly as written.
type geoVertex struct {
	c lngLat
	p s2.Point
}

func vertexOf(c lngLat) geoVertex { return geoVertex{c, c.point()} }

func vertexAt(p s2.Point) geoVertex { return geoVertex{lngLatOf(p), p} }

func (v geoVertex) near(w geoVertex) bool { return v.c == w.c || v.p.Distance(w.p) <= geoTouch }

// intersectLines is the intersection of two sets of lines: the stretches they
// share and the points where they cross or touch.
func intersectLines(a, b [][]lngLat) map[string]any {
	var segs [][2]geoVertex
	var pts []geoVertex
	for _, la := range a {
		for i := 1; i < len(la); i++ {
			a0, a1 := vertexOf(la[i-1]), vertexOf(la[i])
			for _, lb := range b {
				for j := 1; j < len(lb); j++ {
					b0, b1 := vertexOf(lb[j-1]), vertexOf(lb[j])
					if seg, ok := sharedStretch(a0, a1, b0, b1); ok {
						if seg[0].near(seg[1]) {
							pts = append(pts, seg[0])
						} else {
							segs = append(segs, seg)
						}
						continue
					}
					switch s2.CrossingSign(a0.p, a1.p, b0.p, b1.p) {
					case s2.Cross:
						pts = append(pts, vertexAt(s2.Intersection(a0.p, a1.p, b0.p, b1.p)))
					case s2.MaybeCross:
						for _, v := range []geoVertex{a0, a1} {
							if v.near(b0) || v.near(b1) {
								pts = append(pts, v)
							}
						}
					}
				}
			}
		}
	}
	return geoResult(joinStretches(segs), pts)
}

// sharedStretch is the part two edges on one great circle have in common.
func sharedStretch(a0, a1, b0, b1 geoVertex) ([2]geoVertex, bool) {
	if s2.DistanceFromSegment(b0.p, a0.p, a1.p) > geoTouch && s2.DistanceFromSegment(b1.p, a0.p, a1.p) > geoTouch &&
		s2.DistanceFromSegment(a0.p, b0.p, b1.p) > geoTouch && s2.DistanceFromSegment(a1.p, b0.p, b1.p) > geoTouch {
		return [2]geoVertex{}, false
	}
	// On a's great circle: the sine of x's angle to its plane is about 0.
	n := a0.p.PointCross(a1.p)
	onCircle := func(x geoVertex) bool {
		return math.Abs(x.p.Dot(n.Normalize())) <= float64(geoTouch)
	}
	if !onCircle(b0) || !onCircle(b1) {
		return [2]geoVertex{}, false
	}
	var on []geoVertex
	for _, v := range []geoVertex{a0, a1} {
		if s2.DistanceFromSegment(v.p, b0.p, b1.p) <= geoTouch {
			on = append(on, v)
		}
	}
	for _, v := range []geoVertex{b0, b1} {
		if s2.DistanceFromSegment(v.p, a0.p, a1.p) <= geoTouch {
			on = append(on, v)
		}
	}
	if len(on) == 0 {
		return [2]geoVertex{}, false
	}
	// Order along a, from a0; keep the ends.
	sort.SliceStable(on, func(i, j int) bool { return a0.p.Distance(on[i].p) < a0.p.Distance(on[j].p) })
	return [2]geoVertex{on[0], on[len(on)-1]}, true
}

// joinStretches chains stretches that continue one another into lines.
func joinStretches(segs [][2]geoVertex) [][]geoVertex {
	var lines [][]geoVertex
	for _, s := range segs {
		if n := len(lines); n > 0 {
			last := lines[n-1]
			if last[len(last)-1].near(s[0]) {
				lines[n-1] = append(last, s[1])
				continue
			}
		}
		lines = append(lines, []geoVertex{s[0], s[1]})
	}
	return lines
}

// clipLines is the part of lines inside polygons.
func clipLines(lines [][]lngLat, polys []*s2.Polygon) map[string]any {
	var runs [][]geoVertex
	var pts []geoVertex
	for _, line := range lines {
		var cur []geoVertex
		flush := func() {
			if len(cur) > 1 {
				runs = append(runs, cur)
			}
			cur = nil
		}
		for i := 1; i < len(line); i++ {
			a, b := vertexOf(line[i-1]), vertexOf(line[i])
			// The points where the edge meets the polygons' boundaries, in order.
			cuts := []geoVertex{a}
			polygonEdges(polys, func(p, q s2.Point) {
				if s2.CrossingSign(a.p, b.p, p, q) == s2.Cross {
					cuts = append(cuts, vertexAt(s2.Intersection(a.p, b.p, p, q)))
				}
			})
			cuts = append(cuts, b)
			sort.SliceStable(cuts[1:len(cuts)-1], func(x, y int) bool {
				return a.p.Distance(cuts[1+x].p) < a.p.Distance(cuts[1+y].p)
			})
			for k := 1; k < len(cuts); k++ {
				from, to := cuts[k-1], cuts[k]
				if from.near(to) {
					continue
				}
				mid := s2.Interpolate(0.5, from.p, to.p)
				if !polyContains(polys, mid) {
					flush()
					continue
				}
				if len(cur) == 0 {
					cur = append(cur, from)
				}
				cur = append(cur, to)
			}
		}
		flush()
	}
	if len(runs) == 0 {
		// A line that only touches the polygons shares points with them.
		for _, line := range lines {
			for _, c := range line {
				if v := vertexOf(c); polyContains(polys, v.p) {
					pts = append(pts, v)
				}
			}
		}
	}
	return geoResult(runs, pts)
}

// geoResult builds the GeoJSON of lines and points; points on a line are left out.
func geoResult(lines [][]geoVertex, pts []geoVertex) map[string]any {
	var lone []geoVertex
	for _, p := range pts {
		covered := false
		for _, l := range lines {
			for k := 1; k < len(l) && !covered; k++ {
				covered = s2.DistanceFromSegment(p.p, l[k-1].p, l[k].p) <= geoTouch
			}
		}
		for _, q := range lone {
			covered = covered || q.near(p)
		}
		if !covered {
			lone = append(lone, p)
		}
	}
	coords := func(l []geoVertex) []any {
		out := make([]any, len(l))
		for k, v := range l {
			out[k] = []any{v.c.lng, v.c.lat}
		}
		return out
	}
	var geoms []any
	switch len(lines) {
	case 0:
	case 1:
		geoms = append(geoms, map[string]any{"type": "LineString", "coordinates": coords(lines[0])})
	default:
		multi := make([]any, len(lines))
		for k, l := range lines {
			multi[k] = coords(l)
		}
		geoms = append(geoms, map[string]any{"type": "MultiLineString", "coordinates": multi})
	}
	switch len(lone) {
	case 0:
	case 1:
		geoms = append(geoms, map[string]any{"type": "Point", "coordinates": []any{lone[0].c.lng, lone[0].c.lat}})
	default:
		geoms = append(geoms, map[string]any{"type": "MultiPoint", "coordinates": coords(lone)})
	}
	if len(geoms) == 1 {
		return geoms[0].(map[string]any)
	}
	if geoms == nil {
		geoms = []any{}
	}
	return map[string]any{"type": "GeometryCollection", "geometries": geoms}
}
