package functions

import (
	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// The geo_* functions over GeoJSON lines and polygons: containment, measures,
// centroids, closest points, interpolation along a line, densification and
// intersection tests.

// coordOf reads a GeoJSON position [lng, lat(, altitude)].
func coordOf(d any) (lngLat, bool) {
	arr, ok := d.([]any)
	if !ok || len(arr) < 2 {
		return lngLat{}, false
	}
	lng, ok1, _ := seriesNum(arr[0])
	lat, ok2, _ := seriesNum(arr[1])
	c := lngLat{lng, lat}
	return c, ok1 && ok2 && c.valid()
}

func coordsOf(d any) ([]lngLat, bool) {
	arr, ok := d.([]any)
	if !ok {
		return nil, false
	}
	out := make([]lngLat, len(arr))
	for k, x := range arr {
		if out[k], ok = coordOf(x); !ok {
			return nil, false
		}
	}
	return out, true
}

// geoShapeOf reads a GeoJSON object's type and coordinates.
func geoShapeOf(d any) (string, any, bool) {
	bag, ok := d.(map[string]any)
	if !ok {
		return "", nil, false
	}
	kind, _ := bag["type"].(string)
	coords, ok := bag["coordinates"]
	return kind, coords, ok
}

// linesOf reads a LineString or MultiLineString: each line has two points or more.
func linesOf(d any) ([][]lngLat, bool) {
	kind, coords, ok := geoShapeOf(d)
	if !ok {
		return nil, false
	}
	var raw []any
	switch kind {
	case "LineString":
		raw = []any{coords}
	case "MultiLineString":
		raw, ok = coords.([]any)
		if !ok || len(raw) == 0 {
			return nil, false
		}
	default:
		return nil, false
	}
	lines := make([][]lngLat, len(raw))
	for k, r := range raw {
		line, ok := coordsOf(r)
		if !ok || len(line) < 2 {
			return nil, false
		}
		lines[k] = line
	}
	return lines, true
}

// polygonsOf reads a Polygon or MultiPolygon as rings per polygon.
func polygonsOf(d any) ([][][]lngLat, bool) {
	kind, coords, ok := geoShapeOf(d)
	if !ok {
		return nil, false
	}
	var raw []any
	switch kind {
	case "Polygon":
		raw = []any{coords}
	case "MultiPolygon":
		raw, ok = coords.([]any)
		if !ok || len(raw) == 0 {
			return nil, false
		}
	default:
		return nil, false
	}
	polys := make([][][]lngLat, len(raw))
	for k, r := range raw {
		rings, ok := r.([]any)
		if !ok || len(rings) == 0 {
			return nil, false
		}
		for _, ring := range rings {
			cs, ok := coordsOf(ring)
			if !ok || len(cs) < 4 || cs[0] != cs[len(cs)-1] {
				return nil, false
			}
			polys[k] = append(polys[k], cs)
		}
	}
	return polys, true
}

// loopOf builds the loop of a closed ring, taken as the smaller of the two
// regions it bounds; false for a ring of fewer than three distinct vertices.
func loopOf(ring []lngLat) (*s2.Loop, bool) {
	var pts []s2.Point
	for _, c := range ring[:len(ring)-1] {
		p := c.point()
		if len(pts) > 0 && pts[len(pts)-1] == p {
			continue
		}
		pts = append(pts, p)
	}
	for len(pts) > 1 && pts[len(pts)-1] == pts[0] {
		pts = pts[:len(pts)-1]
	}
	if len(pts) < 3 {
		return nil, false
	}
	l := s2.LoopFromPoints(pts)
	if l.Validate() != nil {
		return nil, false
	}
	l.Normalize()
	if l.Area() == 0 {
		return nil, false
	}
	return l, true
}

// s2Polygons reads a Polygon or MultiPolygon into S2 polygons.
func s2Polygons(d any) ([]*s2.Polygon, bool) {
	polys, ok := polygonsOf(d)
	if !ok {
		return nil, false
	}
	out := make([]*s2.Polygon, len(polys))
	for k, rings := range polys {
		loops := make([]*s2.Loop, len(rings))
		for j, r := range rings {
			if loops[j], ok = loopOf(r); !ok {
				return nil, false
			}
		}
		out[k] = s2.PolygonFromLoops(loops)
	}
	return out, true
}

func s2Polylines(d any) ([]*s2.Polyline, bool) {
	lines, ok := linesOf(d)
	if !ok {
		return nil, false
	}
	out := make([]*s2.Polyline, len(lines))
	for k, line := range lines {
		pts := make([]s2.Point, len(line))
		for j, c := range line {
			pts[j] = c.point()
		}
		pl := s2.Polyline(pts)
		out[k] = &pl
	}
	return out, true
}

// dynArgAt is row i of a dynamic argument, nil when it is not dynamic.
func dynArgAt(v *vector.Vector, i int) any {
	if v.Type != types.Dynamic || nullAt(v, i) {
		return nil
	}
	return v.Dyn[i]
}

// polygonEdges calls f for each edge of each loop of the polygons.
func polygonEdges(polys []*s2.Polygon, f func(a, b s2.Point)) {
	for _, p := range polys {
		for _, l := range p.Loops() {
			for k := 0; k < l.NumVertices(); k++ {
				f(l.Vertex(k), l.Vertex(k+1))
			}
		}
	}
}

// closestOnEdges is the point of the edges nearest to x and its distance.
func closestOnEdges(x s2.Point, each func(func(a, b s2.Point))) (s2.Point, s1.Angle) {
	best, dist := x, s1.InfAngle()
	each(func(a, b s2.Point) {
		if d := s2.DistanceFromSegment(x, a, b); d < dist {
			best, dist = s2.Project(x, a, b), d
		}
	})
	return best, dist
}

func lineEdges(lines []*s2.Polyline) func(func(a, b s2.Point)) {
	return func(f func(a, b s2.Point)) {
		for _, l := range lines {
			for k := 1; k < len(*l); k++ {
				f((*l)[k-1], (*l)[k])
			}
		}
	}
}

func polyContains(polys []*s2.Polygon, p s2.Point) bool {
	for _, poly := range polys {
		if poly.ContainsPoint(p) {
			return true
		}
	}
	return false
}

// centroidOf normalizes a sum of weighted centroids into a point.
func centroidOf(sum s2.Point) (lngLat, bool) {
	if sum.Norm() == 0 {
		return lngLat{}, false
	}
	return lngLatOf(s2.Point{Vector: sum.Normalize()}), true
}

func init() {
	shape := func(name string, ret types.Type, doc string, f func(d any) types.Value) {
		scalar(name, 1, 1, doc, sig(ret, geoShape), rowsTo(ret, func(args []*vector.Vector, i int) types.Value {
			return f(dynArgAt(args[0], i))
		}))
	}
	shape("geo_polygon_area", types.Real, "The area of a polygon or multipolygon on Earth, in square meters", func(d any) types.Value {
		polys, ok := s2Polygons(d)
		if !ok {
			return types.NullOf(types.Real)
		}
		var area float64
		for _, p := range polys {
			area += p.Area()
		}
		return types.NewReal(area * earthRadius * earthRadius)
	})
	shape("geo_polygon_perimeter", types.Real, "The length of the boundary of a polygon or multipolygon on Earth, in meters", func(d any) types.Value {
		polys, ok := s2Polygons(d)
		if !ok {
			return types.NullOf(types.Real)
		}
		var length s1.Angle
		polygonEdges(polys, func(a, b s2.Point) { length += a.Distance(b) })
		return types.NewReal(metersOf(length))
	})
	shape("geo_polygon_centroid", types.Dynamic, "The centroid of a polygon or multipolygon, as a GeoJSON point", func(d any) types.Value {
		polys, ok := s2Polygons(d)
		if !ok {
			return types.NullOf(types.Dynamic)
		}
		var sum s2.Point
		for _, p := range polys {
			sum = s2.Point{Vector: sum.Add(p.Centroid().Vector)}
		}
		c, ok := centroidOf(sum)
		if !ok {
			return types.NullOf(types.Dynamic)
		}
		return types.NewDynamic(geoPoint(c))
	})
	shape("geo_line_length", types.Real, "The length of a line or multiline on Earth, in meters", func(d any) types.Value {
		lines, ok := s2Polylines(d)
		if !ok {
			return types.NullOf(types.Real)
		}
		var length s1.Angle
		for _, l := range lines {
			length += l.Length()
		}
		return types.NewReal(metersOf(length))
	})
	shape("geo_line_centroid", types.Dynamic, "The centroid of a line or multiline, as a GeoJSON point", func(d any) types.Value {
		lines, ok := s2Polylines(d)
		if !ok {
			return types.NullOf(types.Dynamic)
		}
		var sum s2.Point
		for _, l := range lines {
			sum = s2.Point{Vector: sum.Add(l.Centroid().Vector)}
		}
		c, ok := centroidOf(sum)
		if !ok {
			return types.NullOf(types.Dynamic)
		}
		return types.NewDynamic(geoPoint(c))
	})

	pointShape := sig(types.Bool, geoNum.as("longitude"), geoNum.as("latitude"), geoShape)
	scalar("geo_point_in_polygon", 3, 3, "Whether a point is inside a polygon or multipolygon", pointShape,
		rowsTo(types.Bool, func(args []*vector.Vector, i int) types.Value {
			p, ok1 := coordAt(args, 0, i)
			polys, ok2 := s2Polygons(dynArgAt(args[2], i))
			if !ok1 || !ok2 {
				return types.NullOf(types.Bool)
			}
			return types.NewBool(polyContains(polys, p.point()))
		}))
	toShape := func(name, doc string, ret types.Type, polygon bool, f func(x s2.Point, inside bool, closest s2.Point, dist s1.Angle) types.Value) {
		scalar(name, 3, 3, doc, sig(ret, geoNum.as("longitude"), geoNum.as("latitude"), geoShape),
			rowsTo(ret, func(args []*vector.Vector, i int) types.Value {
				c, ok := coordAt(args, 0, i)
				if !ok {
					return types.NullOf(ret)
				}
				x := c.point()
				if polygon {
					polys, ok := s2Polygons(dynArgAt(args[2], i))
					if !ok {
						return types.NullOf(ret)
					}
					if polyContains(polys, x) {
						return f(x, true, x, 0)
					}
					p, d := closestOnEdges(x, func(g func(a, b s2.Point)) { polygonEdges(polys, g) })
					return f(x, false, p, d)
				}
				lines, ok := s2Polylines(dynArgAt(args[2], i))
				if !ok {
					return types.NullOf(ret)
				}
				p, d := closestOnEdges(x, lineEdges(lines))
				return f(x, false, p, d)
			}))
	}
	distance := func(_ s2.Point, _ bool, _ s2.Point, d s1.Angle) types.Value { return types.NewReal(metersOf(d)) }
	closest := func(_ s2.Point, _ bool, p s2.Point, _ s1.Angle) types.Value {
		return types.NewDynamic(geoPoint(lngLatOf(p)))
	}
	toShape("geo_distance_point_to_line", "The shortest distance in meters from a point to a line or multiline", types.Real, false, distance)
	toShape("geo_closest_point_on_line", "The point of a line or multiline nearest to a point, as a GeoJSON point", types.Dynamic, false, closest)
	toShape("geo_distance_point_to_polygon", "The shortest distance in meters from a point to a polygon or multipolygon; 0 inside it", types.Real, true, distance)
	toShape("geo_closest_point_on_polygon", "The point of a polygon or multipolygon nearest to a point (the point itself inside it), as a GeoJSON point", types.Dynamic, true, closest)

	scalar("geo_line_interpolate_point", 2, 2, "The point at a fraction (0 to 1) of a line's length, as a GeoJSON point",
		sig(types.Dynamic, geoShape, geoNum.as("point_on_line_fraction")), rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			line, ok := singleLine(dynArgAt(args[0], i))
			f, ok2 := realAt(args[1], i)
			if !ok || !ok2 || f < 0 || f > 1 {
				return types.NullOf(types.Dynamic)
			}
			p, _ := line.Interpolate(f)
			return types.NewDynamic(geoPoint(lngLatOf(p)))
		}))
	scalar("geo_line_locate_point", 3, 3, "The fraction (0 to 1) of a line's length at which the point of the line nearest to a point lies",
		sig(types.Real, geoShape, geoNum.as("longitude"), geoNum.as("latitude")), rowsTo(types.Real, func(args []*vector.Vector, i int) types.Value {
			line, ok := singleLine(dynArgAt(args[0], i))
			c, ok2 := coordAt(args, 1, i)
			if !ok || !ok2 || line.Length() == 0 {
				return types.NullOf(types.Real)
			}
			p, next := line.Project(c.point())
			return types.NewReal(line.Uninterpolate(p, next))
		}))

	scalar("geo_intersects_2lines", 2, 2, "Whether two lines or multilines intersect",
		sig(types.Bool, geoShape, geoShape), rowsTo(types.Bool, func(args []*vector.Vector, i int) types.Value {
			a, ok1 := s2Polylines(dynArgAt(args[0], i))
			b, ok2 := s2Polylines(dynArgAt(args[1], i))
			if !ok1 || !ok2 {
				return types.NullOf(types.Bool)
			}
			return types.NewBool(edgesCross(lineEdges(a), lineEdges(b)))
		}))
	scalar("geo_intersects_line_with_polygon", 2, 2, "Whether a line or multiline intersects a polygon or multipolygon",
		sig(types.Bool, geoShape, geoShape), rowsTo(types.Bool, func(args []*vector.Vector, i int) types.Value {
			lines, ok1 := s2Polylines(dynArgAt(args[0], i))
			polys, ok2 := s2Polygons(dynArgAt(args[1], i))
			if !ok1 || !ok2 {
				return types.NullOf(types.Bool)
			}
			for _, l := range lines {
				for _, p := range *l {
					if polyContains(polys, p) {
						return types.NewBool(true)
					}
				}
			}
			return types.NewBool(edgesCross(lineEdges(lines), func(f func(a, b s2.Point)) { polygonEdges(polys, f) }))
		}))
	scalar("geo_intersects_2polygons", 2, 2, "Whether two polygons or multipolygons intersect",
		sig(types.Bool, geoShape, geoShape), rowsTo(types.Bool, func(args []*vector.Vector, i int) types.Value {
			a, ok1 := s2Polygons(dynArgAt(args[0], i))
			b, ok2 := s2Polygons(dynArgAt(args[1], i))
			if !ok1 || !ok2 {
				return types.NullOf(types.Bool)
			}
			for _, p := range a {
				for _, q := range b {
					if p.Intersects(q) {
						return types.NewBool(true)
					}
				}
			}
			return types.NewBool(false)
		}))
}

// singleLine reads a LineString.
func singleLine(d any) (*s2.Polyline, bool) {
	if kind, _, _ := geoShapeOf(d); kind != "LineString" {
		return nil, false
	}
	lines, ok := s2Polylines(d)
	if !ok {
		return nil, false
	}
	return lines[0], true
}

// edgesCross reports whether an edge of one set crosses or touches an edge of the
// other.
func edgesCross(a, b func(func(x, y s2.Point))) bool {
	found := false
	a(func(p, q s2.Point) {
		if found {
			return
		}
		b(func(r, s s2.Point) {
			if !found && s2.CrossingSign(p, q, r, s) != s2.DoNotCross {
				found = true
			}
		})
	})
	return found
}

// geoDensify splits each edge of a line (read as a straight line in longitude and
// latitude) in halves until the middle of each part lies within tolerance meters
// of the geodesic between its ends.
func geoDensify(line []lngLat, tolerance float64) []lngLat {
	out := []lngLat{line[0]}
	var split func(a, b lngLat, depth int)
	split = func(a, b lngLat, depth int) {
		m := lngLat{(a.lng + b.lng) / 2, (a.lat + b.lat) / 2}
		if depth < 20 && metersOf(s2.DistanceFromSegment(m.point(), a.point(), b.point())) > tolerance {
			split(a, m, depth+1)
			split(m, b, depth+1)
			return
		}
		out = append(out, b)
	}
	for k := 1; k < len(line); k++ {
		split(line[k-1], line[k], 0)
	}
	return out
}

// densifyTolerance reads the optional tolerance (default 10 meters, from 0.1 to
// 10,000).
func densifyTolerance(args []*vector.Vector, i int) (float64, bool) {
	tol := 10.0
	if len(args) > 1 {
		var ok bool
		if tol, ok = realAt(args[1], i); !ok {
			return 0, false
		}
	}
	return tol, tol >= 0.1 && tol <= 10000
}

func init() {
	scalar("geo_line_densify", 1, 3, "Adds points to the edges of a line or multiline, read as planar, so that they follow geodesics within a tolerance in meters (default 10)",
		sig(types.Dynamic, geoShape, geoNum.as("tolerance"), boolArg.as("preserve_crossing")), rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			d := dynArgAt(args[0], i)
			lines, ok := linesOf(d)
			tol, ok2 := densifyTolerance(args, i)
			if !ok || !ok2 {
				return types.NullOf(types.Dynamic)
			}
			kind, _, _ := geoShapeOf(d)
			out := make([]any, len(lines))
			for k, l := range lines {
				out[k] = coordsDyn(geoDensify(l, tol))
			}
			if kind == "LineString" {
				return types.NewDynamic(map[string]any{"type": kind, "coordinates": out[0]})
			}
			return types.NewDynamic(map[string]any{"type": kind, "coordinates": out})
		}))
	scalar("geo_polygon_densify", 1, 3, "Adds points to the edges of a polygon or multipolygon, read as planar, so that they follow geodesics within a tolerance in meters (default 10)",
		sig(types.Dynamic, geoShape, geoNum.as("tolerance"), boolArg.as("preserve_crossing")), rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			d := dynArgAt(args[0], i)
			polys, ok := polygonsOf(d)
			tol, ok2 := densifyTolerance(args, i)
			if !ok || !ok2 {
				return types.NullOf(types.Dynamic)
			}
			kind, _, _ := geoShapeOf(d)
			out := make([]any, len(polys))
			for k, rings := range polys {
				rs := make([]any, len(rings))
				for j, r := range rings {
					rs[j] = coordsDyn(geoDensify(r, tol))
				}
				out[k] = rs
			}
			if kind == "Polygon" {
				return types.NewDynamic(map[string]any{"type": kind, "coordinates": out[0]})
			}
			return types.NewDynamic(map[string]any{"type": kind, "coordinates": out})
		}))
}
