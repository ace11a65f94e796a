package functions

import (
	"strconv"
	"strings"

	"github.com/golang/geo/s2"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// geo_from_wkt reads Well-Known Text into GeoJSON, and geo_line_to_s2cells covers
// lines with S2 cells.

func init() {
	scalar("geo_from_wkt", 1, 1, "Converts a Well-Known Text geometry (POINT, LINESTRING, POLYGON, their MULTI forms, GEOMETRYCOLLECTION) to GeoJSON; null when invalid",
		sig(types.Dynamic, textArg), rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			w := &wktReader{s: textAt(args[0], i)}
			g, ok := w.geometry()
			w.space()
			if !ok || w.pos != len(w.s) {
				return types.NullOf(types.Dynamic)
			}
			return types.NewDynamic(g)
		}))
	scalar("geo_line_to_s2cells", 1, 3, "The S2 cell tokens of a level (default 11) that cover a line or multiline; null past 65,536 cells",
		sig(types.Dynamic, geoShape, intArg.as("level"), geoNum.as("radius")), rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			lines, ok := s2Polylines(dynArgAt(args[0], i))
			l, okl := s2Level(args, 1, i, 11)
			if !ok || !okl {
				return types.NullOf(types.Dynamic)
			}
			var length float64
			for _, line := range lines {
				length += float64(line.Length())
			}
			if length/s2.AvgEdgeMetric.Value(l) > maxCoverCells {
				return types.NullOf(types.Dynamic)
			}
			rc := &s2.RegionCoverer{MinLevel: l, MaxLevel: l, MaxCells: maxCoverCells}
			seen := map[s2.CellID]bool{}
			var out []any
			for _, line := range lines {
				for _, id := range rc.Covering(line) {
					if !seen[id] {
						seen[id] = true
						out = append(out, id.ToToken())
					}
				}
			}
			return types.NewDynamic(out)
		}))
}

// wktReader is a recursive-descent reader of Well-Known Text.
type wktReader struct {
	s   string
	pos int
}

func (w *wktReader) space() {
	for w.pos < len(w.s) && strings.IndexByte(" \t\r\n", w.s[w.pos]) >= 0 {
		w.pos++
	}
}

func (w *wktReader) eat(c byte) bool {
	w.space()
	if w.pos < len(w.s) && w.s[w.pos] == c {
		w.pos++
		return true
	}
	return false
}

func (w *wktReader) word() string {
	w.space()
	start := w.pos
	for w.pos < len(w.s) && (w.s[w.pos] >= 'A' && w.s[w.pos] <= 'Z' || w.s[w.pos] >= 'a' && w.s[w.pos] <= 'z') {
		w.pos++
	}
	return strings.ToUpper(w.s[start:w.pos])
}

func (w *wktReader) number() (float64, bool) {
	w.space()
	start := w.pos
	for w.pos < len(w.s) && strings.IndexByte("+-.0123456789eE", w.s[w.pos]) >= 0 {
		w.pos++
	}
	f, err := strconv.ParseFloat(w.s[start:w.pos], 64)
	return f, err == nil
}

// position reads "x y" (a third ordinate is skipped).
func (w *wktReader) position() (any, bool) {
	x, ok1 := w.number()
	y, ok2 := w.number()
	c := lngLat{x, y}
	if !ok1 || !ok2 || !c.valid() {
		return nil, false
	}
	save := w.pos
	if _, ok := w.number(); !ok {
		w.pos = save
	}
	return []any{x, y}, true
}

// list reads "(item, item, ...)".
func (w *wktReader) list(item func() (any, bool)) ([]any, bool) {
	if !w.eat('(') {
		return nil, false
	}
	var out []any
	for {
		x, ok := item()
		if !ok {
			return nil, false
		}
		out = append(out, x)
		if w.eat(')') {
			return out, true
		}
		if !w.eat(',') {
			return nil, false
		}
	}
}

func (w *wktReader) line() (any, bool) {
	pts, ok := w.list(w.position)
	return pts, ok && len(pts) >= 2
}

func (w *wktReader) ring() (any, bool) {
	pts, ok := w.list(w.position)
	if !ok || len(pts) < 4 {
		return nil, false
	}
	first, last := pts[0].([]any), pts[len(pts)-1].([]any)
	return pts, first[0] == last[0] && first[1] == last[1]
}

func (w *wktReader) polygon() (any, bool) { return w.list(w.ring) }

// multiPoint accepts both MULTIPOINT (1 2, 3 4) and MULTIPOINT ((1 2), (3 4)).
func (w *wktReader) multiPoint() (any, bool) {
	return w.list(func() (any, bool) {
		if w.eat('(') {
			p, ok := w.position()
			return p, ok && w.eat(')')
		}
		return w.position()
	})
}

func (w *wktReader) geometry() (map[string]any, bool) {
	kinds := map[string]struct {
		name string
		read func() (any, bool)
	}{
		"POINT":           {"Point", func() (any, bool) { p, ok := w.list(w.position); return first(p), ok && len(p) == 1 }},
		"LINESTRING":      {"LineString", w.line},
		"POLYGON":         {"Polygon", w.polygon},
		"MULTIPOINT":      {"MultiPoint", w.multiPoint},
		"MULTILINESTRING": {"MultiLineString", func() (any, bool) { l, ok := w.list(w.line); return l, ok }},
		"MULTIPOLYGON":    {"MultiPolygon", func() (any, bool) { l, ok := w.list(w.polygon); return l, ok }},
	}
	word := w.word()
	if word == "GEOMETRYCOLLECTION" {
		geoms, ok := w.list(func() (any, bool) { return w.geometry() })
		if !ok {
			return nil, false
		}
		return map[string]any{"type": "GeometryCollection", "geometries": geoms}, true
	}
	k, known := kinds[word]
	if !known {
		return nil, false
	}
	coords, ok := k.read()
	if !ok {
		return nil, false
	}
	return map[string]any{"type": k.name, "coordinates": coords}, true
}

func first(xs []any) any {
	if len(xs) == 0 {
		return nil
	}
	return xs[0]
}
