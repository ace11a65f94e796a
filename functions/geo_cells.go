package functions

import (
	"strings"

	"github.com/golang/geo/s2"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// Geospatial grids: geohash cells and S2 cells, as their string tokens.

const geohashAlphabet = "0123456789bcdefghjkmnpqrstuvwxyz"

// geohashBox is a cell's bounds.
type geohashBox struct{ west, south, east, north float64 }

func (b geohashBox) center() lngLat { return lngLat{(b.west + b.east) / 2, (b.south + b.north) / 2} }

func geohashEncode(c lngLat, precision int) string {
	lo := [2]float64{-180, -90}
	hi := [2]float64{180, 90}
	v := [2]float64{c.lng, c.lat}
	var b strings.Builder
	bit, ch, axis := 0, 0, 0
	for b.Len() < precision {
		mid := (lo[axis] + hi[axis]) / 2
		ch <<= 1
		if v[axis] >= mid {
			ch |= 1
			lo[axis] = mid
		} else {
			hi[axis] = mid
		}
		axis ^= 1
		if bit++; bit == 5 {
			b.WriteByte(geohashAlphabet[ch])
			bit, ch = 0, 0
		}
	}
	return b.String()
}

// geohashDecode is the box of a geohash; false for an empty or invalid one.
func geohashDecode(h string) (geohashBox, bool) {
	if h == "" || len(h) > 18 {
		return geohashBox{}, false
	}
	lo := [2]float64{-180, -90}
	hi := [2]float64{180, 90}
	axis := 0
	for k := 0; k < len(h); k++ {
		v := strings.IndexByte(geohashAlphabet, lowerByte(h[k]))
		if v < 0 {
			return geohashBox{}, false
		}
		for bit := 4; bit >= 0; bit-- {
			mid := (lo[axis] + hi[axis]) / 2
			if v>>bit&1 == 1 {
				lo[axis] = mid
			} else {
				hi[axis] = mid
			}
			axis ^= 1
		}
	}
	return geohashBox{lo[0], lo[1], hi[0], hi[1]}, true
}

func lowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func boxPolygon(b geohashBox) map[string]any {
	ring := []lngLat{{b.west, b.south}, {b.east, b.south}, {b.east, b.north}, {b.west, b.north}, {b.west, b.south}}
	return map[string]any{"type": "Polygon", "coordinates": []any{coordsDyn(ring)}}
}

// s2Level reads the optional level argument k (default def, from 0 to 30).
func s2Level(args []*vector.Vector, k, i int, def int64) (int, bool) {
	if len(args) <= k {
		return int(def), true
	}
	l, ok := longAt(args[k], i)
	return int(l), ok && l >= 0 && l <= 30
}

// s2CellOf reads an S2 cell token.
func s2CellOf(v *vector.Vector, i int) (s2.CellID, bool) {
	if nullAt(v, i) {
		return 0, false
	}
	tok := strings.ToLower(textAt(v, i))
	if tok == "" || len(tok) > 16 || strings.Trim(tok, "0123456789abcdef") != "" {
		return 0, false
	}
	id := s2.CellIDFromToken(tok)
	return id, id.IsValid() && id.ToToken() == tok
}

func cellPolygon(id s2.CellID) map[string]any {
	cell := s2.CellFromCellID(id)
	ring := make([]lngLat, 5)
	for k := 0; k < 4; k++ {
		ring[k] = lngLatOf(cell.Vertex(k))
	}
	ring[4] = ring[0]
	return map[string]any{"type": "Polygon", "coordinates": []any{coordsDyn(ring)}}
}

func init() {
	scalar("geo_point_to_geohash", 2, 3, "The geohash of a point at a precision of 1 to 18 characters (default 5); empty for an invalid point",
		sig(types.String, geoNum.as("longitude"), geoNum.as("latitude"), intArg.as("accuracy")), rowsTo(types.String, func(args []*vector.Vector, i int) types.Value {
			c, ok := coordAt(args, 0, i)
			p, okp := s2Level(args, 2, i, 5)
			if !ok || !okp || p < 1 || p > 18 {
				return types.NewString("")
			}
			return types.NewString(geohashEncode(c, p))
		}))
	geohash := func(name, doc string, ret types.Type, f func(h string, b geohashBox) types.Value) {
		scalar(name, 1, 1, doc, sig(ret, textArg.as("geohash")), rowsTo(ret, func(args []*vector.Vector, i int) types.Value {
			h := textAt(args[0], i)
			b, ok := geohashDecode(h)
			if !ok {
				return types.NullOf(ret)
			}
			return f(strings.ToLower(h), b)
		}))
	}
	geohash("geo_geohash_to_central_point", "The center of a geohash cell, as a GeoJSON point", types.Dynamic, func(_ string, b geohashBox) types.Value {
		return types.NewDynamic(geoPoint(b.center()))
	})
	geohash("geo_geohash_to_polygon", "The rectangle of a geohash cell, as a GeoJSON polygon", types.Dynamic, func(_ string, b geohashBox) types.Value {
		return types.NewDynamic(boxPolygon(b))
	})
	geohash("geo_geohash_neighbors", "The eight geohash cells around a geohash cell, of the same precision", types.Dynamic, func(h string, b geohashBox) types.Value {
		w, ht := b.east-b.west, b.north-b.south
		c := b.center()
		var out []any
		// North, north-east, east, south-east, south, south-west, west, north-west.
		for _, d := range [][2]float64{{0, 1}, {1, 1}, {1, 0}, {1, -1}, {0, -1}, {-1, -1}, {-1, 0}, {-1, 1}} {
			lat := c.lat + d[1]*ht
			if lat < -90 || lat > 90 {
				continue
			}
			lng := c.lng + d[0]*w
			if lng > 180 {
				lng -= 360
			} else if lng < -180 {
				lng += 360
			}
			out = append(out, geohashEncode(lngLat{lng, lat}, len(h)))
		}
		return types.NewDynamic(out)
	})

	scalar("geo_point_to_s2cell", 2, 3, "The S2 cell token of a point at a level of 0 to 30 (default 11); empty for an invalid point or level",
		sig(types.String, geoNum.as("longitude"), geoNum.as("latitude"), intArg.as("level")), rowsTo(types.String, func(args []*vector.Vector, i int) types.Value {
			c, ok := coordAt(args, 0, i)
			l, okl := s2Level(args, 2, i, 11)
			if !ok || !okl {
				return types.NewString("")
			}
			return types.NewString(s2.CellIDFromLatLng(s2.LatLngFromDegrees(c.lat, c.lng)).Parent(l).ToToken())
		}))
	s2cell := func(name, doc string, f func(id s2.CellID) types.Value) {
		scalar(name, 1, 1, doc, sig(types.Dynamic, textArg.as("s2cell")), rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			id, ok := s2CellOf(args[0], i)
			if !ok {
				return types.NullOf(types.Dynamic)
			}
			return f(id)
		}))
	}
	s2cell("geo_s2cell_to_central_point", "The center of an S2 cell, as a GeoJSON point", func(id s2.CellID) types.Value {
		return types.NewDynamic(geoPoint(lngLatOf(id.Point())))
	})
	s2cell("geo_s2cell_to_polygon", "The boundary of an S2 cell, as a GeoJSON polygon", func(id s2.CellID) types.Value {
		return types.NewDynamic(cellPolygon(id))
	})
	s2cell("geo_s2cell_neighbors", "The eight S2 cells around an S2 cell, of the same level", func(id s2.CellID) types.Value {
		var out []any
		for _, n := range id.AllNeighbors(id.Level()) {
			out = append(out, n.ToToken())
		}
		return types.NewDynamic(out)
	})
	scalar("geo_polygon_to_s2cells", 1, 2, "The S2 cell tokens of a level (default 11) that cover a polygon or multipolygon; null past 65,536 cells",
		sig(types.Dynamic, geoShape, intArg.as("level")), rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			polys, ok := s2Polygons(dynArgAt(args[0], i))
			l, okl := s2Level(args, 1, i, 11)
			if !ok || !okl {
				return types.NullOf(types.Dynamic)
			}
			var area float64
			for _, p := range polys {
				area += p.Area()
			}
			if area/s2.AvgAreaMetric.Value(l) > maxCoverCells {
				return types.NullOf(types.Dynamic)
			}
			rc := &s2.RegionCoverer{MinLevel: l, MaxLevel: l, MaxCells: maxCoverCells}
			seen := map[s2.CellID]bool{}
			var out []any
			for _, p := range polys {
				for _, id := range rc.Covering(p) {
					if !seen[id] {
						seen[id] = true
						out = append(out, id.ToToken())
					}
				}
				if len(out) > maxCoverCells {
					return types.NullOf(types.Dynamic)
				}
			}
			return types.NewDynamic(out)
		}))
}

// maxCoverCells caps a covering.
const maxCoverCells = 65536
