package functions

import (
	"math"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// The geo_* functions. Coordinates are WGS-84 longitude and latitude in degrees;
// shapes are GeoJSON in dynamic values. As in Kusto, edges are geodesics on a
// sphere (S2 geometry from github.com/golang/geo) and lengths and areas are in
// meters and square meters. An invalid coordinate or shape gives null.

// earthRadius is the radius of the sphere lengths and areas are measured on, in
// meters.
const earthRadius = 6371010.0

// lngLat is a coordinate pair in degrees.
type lngLat struct{ lng, lat float64 }

func (c lngLat) valid() bool {
	return c.lng >= -180 && c.lng <= 180 && c.lat >= -90 && c.lat <= 90 && !math.IsNaN(c.lng) && !math.IsNaN(c.lat)
}

func (c lngLat) point() s2.Point { return s2.PointFromLatLng(s2.LatLngFromDegrees(c.lat, c.lng)) }

// lngLatOf is the coordinate pair of an S2 point.
func lngLatOf(p s2.Point) lngLat {
	ll := s2.LatLngFromPoint(p)
	return lngLat{ll.Lng.Degrees(), ll.Lat.Degrees()}
}

// geoPoint is a GeoJSON point.
func geoPoint(c lngLat) map[string]any {
	return map[string]any{"type": "Point", "coordinates": []any{c.lng, c.lat}}
}

func coordsDyn(cs []lngLat) []any {
	out := make([]any, len(cs))
	for k, c := range cs {
		out[k] = []any{c.lng, c.lat}
	}
	return out
}

// coordAt reads a longitude and latitude from arguments k and k+1.
func coordAt(args []*vector.Vector, k, i int) (lngLat, bool) {
	lng, ok1 := realAt(args[k], i)
	lat, ok2 := realAt(args[k+1], i)
	c := lngLat{lng, lat}
	return c, ok1 && ok2 && c.valid()
}

var (
	geoNum   = numArg
	geoShape = param{desc: "a dynamic GeoJSON shape", ok: is(types.Dynamic)}
)

func init() {
	coords := func(roles ...string) []param {
		var ps []param
		for _, r := range roles {
			ps = append(ps, geoNum.as(r))
		}
		return ps
	}
	scalar("geo_distance_2points", 4, 4, "The shortest distance in meters between two points on Earth",
		sig(types.Real, coords("p1_longitude", "p1_latitude", "p2_longitude", "p2_latitude")...),
		rowsTo(types.Real, func(args []*vector.Vector, i int) types.Value {
			a, ok1 := coordAt(args, 0, i)
			b, ok2 := coordAt(args, 2, i)
			if !ok1 || !ok2 {
				return types.NullOf(types.Real)
			}
			return types.NewReal(float64(a.point().Distance(b.point())) * earthRadius)
		}))
	scalar("geo_point_in_circle", 5, 5, "Whether a point is within a circle on Earth given by its center and radius in meters",
		sig(types.Bool, coords("p_longitude", "p_latitude", "pc_longitude", "pc_latitude", "c_radius")...),
		rowsTo(types.Bool, func(args []*vector.Vector, i int) types.Value {
			p, ok1 := coordAt(args, 0, i)
			c, ok2 := coordAt(args, 2, i)
			r, ok3 := realAt(args[4], i)
			if !ok1 || !ok2 || !ok3 || r < 0 {
				return types.NullOf(types.Bool)
			}
			return types.NewBool(float64(p.point().Distance(c.point()))*earthRadius <= r)
		}))
	scalar("geo_azimuth", 4, 4, "The clockwise angle in radians from true north to the line from the first point to the second",
		sig(types.Real, coords("p1_longitude", "p1_latitude", "p2_longitude", "p2_latitude")...),
		rowsTo(types.Real, func(args []*vector.Vector, i int) types.Value {
			a, ok1 := coordAt(args, 0, i)
			b, ok2 := coordAt(args, 2, i)
			if !ok1 || !ok2 || a == b {
				return types.NullOf(types.Real)
			}
			return types.NewReal(azimuth(a, b))
		}))
	scalar("geo_angle", 6, 6, "The clockwise angle in radians, from 0 to 2π, at the second point from the line to the first point to the line to the third",
		sig(types.Real, coords("p1_longitude", "p1_latitude", "p2_longitude", "p2_latitude", "p3_longitude", "p3_latitude")...),
		rowsTo(types.Real, func(args []*vector.Vector, i int) types.Value {
			a, ok1 := coordAt(args, 0, i)
			b, ok2 := coordAt(args, 2, i)
			c, ok3 := coordAt(args, 4, i)
			if !ok1 || !ok2 || !ok3 || a == b || c == b {
				return types.NullOf(types.Real)
			}
			angle := math.Mod(azimuth(b, c)-azimuth(b, a), 2*math.Pi)
			if angle < 0 {
				angle += 2 * math.Pi
			}
			return types.NewReal(angle)
		}))
	scalar("geo_info_from_ip_address", 1, 1, "Geolocation of an IP address; needs a GeoIP database, which is not embedded",
		// A constant address is refused while binding, so that the message points
		// at the call; otherwise the kernel refuses.
		func(name string, args []types.Type, consts []*types.Value) (types.Type, error) {
			if err := checkParams(name, args, []param{textArg}); err != nil {
				return types.Unknown, err
			}
			if consts[0] != nil {
				return types.Unknown, errNoGeoIP
			}
			return types.Dynamic, nil
		}, func(args []*vector.Vector, n int) (*vector.Vector, error) { return nil, errNoGeoIP })
}

// errNoGeoIP is the error of geo_info_from_ip_address.
var errNoGeoIP = geoError("geo_info_from_ip_address() is not available: no GeoIP database is embedded")

type geoError string

func (e geoError) Error() string { return string(e) }

// azimuth is the initial bearing from a to b on the sphere, in radians from 0 to 2π.
func azimuth(a, b lngLat) float64 {
	la, lb := a.lat*math.Pi/180, b.lat*math.Pi/180
	dl := (b.lng - a.lng) * math.Pi / 180
	y := math.Sin(dl) * math.Cos(lb)
	x := math.Cos(la)*math.Sin(lb) - math.Sin(la)*math.Cos(lb)*math.Cos(dl)
	az := math.Atan2(y, x)
	if az < 0 {
		az += 2 * math.Pi
	}
	return az
}

// metersOf converts an angle on the sphere to meters.
func metersOf(a s1.Angle) float64 { return float64(a) * earthRadius }
