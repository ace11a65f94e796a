package functions

import (
	"math"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// geo_point_buffer(lng, lat, radius[, tolerance]): a polygon that holds every point
// within radius meters of a point on the sphere. The polygon is regular and its
// edges touch the circle, so it holds the whole circle; it has just enough
// vertices that they lie at most tolerance meters (default 10) beyond the radius.
// The ring runs counterclockwise. An invalid coordinate, a radius that is not
// positive, or a tolerance below a millionth of the radius gives null; a tolerance
// above the radius is lowered to just below it.

func init() {
	scalar("geo_point_buffer", 3, 4, "A polygon holding every point within a radius in meters of a point, within a tolerance in meters (default 10)",
		sig(types.Dynamic, geoNum.as("longitude"), geoNum.as("latitude"), geoNum.as("radius"), geoNum.as("tolerance")),
		rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value {
			null := types.NullOf(types.Dynamic)
			c, ok := coordAt(args, 0, i)
			r, ok2 := realAt(args[2], i)
			if !ok || !ok2 || !(r > 0) || math.IsInf(r, 1) || r >= math.Pi*earthRadius/2 {
				return null
			}
			tol := 10.0
			if len(args) > 3 {
				var ok bool
				if tol, ok = realAt(args[3], i); !ok || !(tol >= r*1e-6) {
					return null
				}
			}
			tol = math.Min(tol, r*(1-1e-9))
			// A regular n-gon around a circle of radius r reaches r/cos(π/n) at its
			// vertices; take the smallest n that keeps that within r + tol.
			n := int(math.Ceil(math.Pi / math.Acos(r/(r+tol))))
			n = max(n, 3)
			if n > 100000 {
				return null
			}
			ring := pointBuffer(c, r/math.Cos(math.Pi/float64(n)), n)
			return types.NewDynamic(map[string]any{"type": "Polygon", "coordinates": []any{coordsDyn(ring)}})
		}))
}

// pointBuffer is the closed ring of n points at distance d meters from c, at
// bearings going counterclockwise from north.
func pointBuffer(c lngLat, d float64, n int) []lngLat {
	lat1, lng1 := c.lat*math.Pi/180, c.lng*math.Pi/180
	ang := d / earthRadius
	ring := make([]lngLat, 0, n+1)
	for k := 0; k < n; k++ {
		bearing := -2 * math.Pi * float64(k) / float64(n) // counterclockwise
		lat2 := math.Asin(math.Sin(lat1)*math.Cos(ang) + math.Cos(lat1)*math.Sin(ang)*math.Cos(bearing))
		lng2 := lng1 + math.Atan2(math.Sin(bearing)*math.Sin(ang)*math.Cos(lat1), math.Cos(ang)-math.Sin(lat1)*math.Sin(lat2))
		lng := math.Remainder(lng2*180/math.Pi, 360)
		if lng == -180 {
			lng = 180
		}
		ring = append(ring, lngLat{lng, lat2 * 180 / math.Pi})
	}
	return append(ring, ring[0])
}
