package functions

import (
	"math"
	"strings"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// The unit conversions convert_angle, convert_length, convert_speed,
// convert_volume and convert_temperature. A value goes to the family's base unit
// and from there to the target unit; unit names are matched in any case, and an
// unknown unit gives null. Most units are a fixed multiple of the base; the tilt
// angle and the temperature scales are not, and convert by their own formulas.

func init() {
	for _, c := range []struct {
		name, doc string
		units     map[string]unitConv
	}{
		{"convert_angle", "An angle converted from one unit to another (Degree, Radian, Arcminute, Gradian, ...); null for an unknown unit", angleUnits},
		{"convert_length", "A length converted from one unit to another (Meter, Foot, Mile, NauticalMile, ...); null for an unknown unit", lengthUnits},
		{"convert_speed", "A speed converted from one unit to another (MeterPerSecond, KilometerPerHour, Knot, ...); null for an unknown unit", speedUnits},
		{"convert_volume", "A volume converted from one unit to another (Liter, CubicMeter, UsGallon, ...); null for an unknown unit", volumeUnits},
		{"convert_temperature", "A temperature converted from one scale to another (Kelvin, DegreeCelsius, DegreeFahrenheit, ...); null for an unknown unit", temperatureUnits},
	} {
		units := make(map[string]unitConv, len(c.units))
		for k, u := range c.units {
			units[strings.ToLower(k)] = u
		}
		scalar(c.name, 3, 3, c.doc, sig(types.Real, numArg.as("value"), textArg.as("from"), textArg.as("to")),
			rowsTo(types.Real, func(args []*vector.Vector, i int) types.Value {
				v, ok := realAt(args[0], i)
				from, ok1 := units[strings.ToLower(textAt(args[1], i))]
				to, ok2 := units[strings.ToLower(textAt(args[2], i))]
				if !ok || !ok1 || !ok2 {
					return types.NullOf(types.Real)
				}
				return types.NewReal(to.fromBase(from.toBase(v)))
			}))
	}
}

// unitConv converts between one unit and its family's base unit. A linear unit is
// num/den base units; a unit with to and from set converts by them instead.
type unitConv struct {
	num, den float64
	to, from func(float64) float64
}

func (u unitConv) toBase(v float64) float64 {
	if u.to != nil {
		return u.to(v)
	}
	if u.den == 1 {
		return v * u.num
	}
	return v * u.num / u.den
}

func (u unitConv) fromBase(v float64) float64 {
	if u.from != nil {
		return u.from(v)
	}
	if u.num == 1 {
		return v * u.den
	}
	return v * u.den / u.num
}

// times is a unit worth f base units; per a unit worth 1/d. A fraction such as
// 1e-3 is kept as a division by its exact inverse, so that a milliliter is a
// thousandth of a liter to the last bit.
func times(f float64) unitConv {
	if f < 1 {
		if r := math.Round(1 / f); 1/r == f {
			return per(r)
		}
	}
	return unitConv{num: f, den: 1}
}

func per(d float64) unitConv { return unitConv{num: 1, den: d} }

const radianDegrees = 180 / math.Pi

// angleUnits are in degrees. Tilt is the sine of the angle.
var angleUnits = map[string]unitConv{
	"Degree": times(1), "Arcminute": per(60), "Arcsecond": per(3600), "Gradian": times(0.9),
	"Microdegree": times(1e-6), "Millidegree": times(1e-3), "Nanodegree": times(1e-9),
	"Radian": times(radianDegrees), "Centiradian": times(1e-2 * radianDegrees), "Deciradian": times(1e-1 * radianDegrees),
	"Microradian": times(1e-6 * radianDegrees), "Milliradian": times(1e-3 * radianDegrees), "Nanoradian": times(1e-9 * radianDegrees),
	"NatoMil": unitConv{num: 9, den: 160}, "Revolution": times(360),
	"Tilt": {to: func(v float64) float64 { return math.Asin(v) * radianDegrees },
		from: func(v float64) float64 { return math.Sin(v / radianDegrees) }},
}

// lengthUnits are in meters.
var lengthUnits = map[string]unitConv{
	"Meter": times(1), "Angstrom": times(1e-10), "AstronomicalUnit": times(1.4959787070e11),
	"Centimeter": times(1e-2), "Decameter": times(10), "Decimeter": times(1e-1), "Hectometer": times(1e2),
	"Kilometer": times(1e3), "Micrometer": times(1e-6), "Millimeter": times(1e-3), "Nanometer": times(1e-9),
	"Chain": times(20.1168), "DataMile": times(1828.8), "Fathom": times(1.8288), "Foot": times(0.3048),
	"Hand": times(0.1016), "Inch": times(0.0254), "Microinch": times(2.54e-8), "Mil": times(2.54e-5),
	"Mile": times(1609.344), "NauticalMile": times(1852), "Shackle": times(27.432), "Yard": times(0.9144),
	"UsSurveyFoot": unitConv{num: 1200, den: 3937}, "Twip": per(56692.913385826),
	"DtpPica": per(236.220472441), "DtpPoint": unitConv{num: 0.0254, den: 72},
	"PrinterPica": per(237.106301584), "PrinterPoint": unitConv{num: 0.0254, den: 72.27},
	"LightYear": times(9.46073047258e15), "KilolightYear": times(9.46073047258e18), "MegalightYear": times(9.46073047258e21),
	"Parsec": times(3.08567758128e16), "Kiloparsec": times(3.08567758128e19), "Megaparsec": times(3.08567758128e22),
	"SolarRadius": times(6.95510e8),
}

// speedUnits are in meters per second: a length per second, minute or hour, and
// the knot and the mile per hour.
var speedUnits = func() map[string]unitConv {
	m := map[string]unitConv{"Knot": times(0.514444), "MilePerHour": times(0.44704)}
	for _, l := range []string{"Centimeter", "Decimeter", "Foot", "Inch", "Kilometer", "Meter", "Micrometer",
		"Millimeter", "Nanometer", "UsSurveyFoot", "Yard"} {
		u := lengthUnits[l]
		m[l+"PerSecond"] = u
		m[l+"PerMinute"] = unitConv{num: u.num, den: u.den * 60}
		m[l+"PerHour"] = unitConv{num: u.num, den: u.den * 3600}
	}
	return m
}()

// volumeUnits are in cubic meters.
var volumeUnits = map[string]unitConv{
	"CubicMeter": times(1), "CubicCentimeter": times(1e-6), "CubicDecimeter": times(1e-3), "CubicHectometer": times(1e6),
	"CubicKilometer": times(1e9), "CubicMicrometer": times(1e-18), "CubicMillimeter": times(1e-9),
	"HectocubicMeter": times(1e2), "KilocubicMeter": times(1e3),
	"Liter": times(1e-3), "Microliter": times(1e-9), "Milliliter": times(1e-6), "Centiliter": times(1e-5),
	"Deciliter": times(1e-4), "Decaliter": times(1e-2), "Hectoliter": times(1e-1), "Kiloliter": times(1), "Megaliter": times(1e3),
	"CubicFoot": times(0.0283168), "HectocubicFoot": times(2.83168), "KilocubicFoot": times(28.3168), "MegacubicFoot": times(28316.8),
	"CubicInch": times(1.6387e-5), "CubicYard": times(0.764554858), "CubicMile": times(4.16818182544058e9),
	"AcreFoot": per(0.000810714), "BoardFoot": times(2.3597372158e-3),
	"UsGallon": times(0.003785411784), "DeciusGallon": times(3.785411784e-4), "DecausGallon": times(3.785411784e-2),
	"HectousGallon": times(0.3785411784), "KilousGallon": times(3.785411784), "MegausGallon": times(3785.411784),
	"ImperialGallon": times(0.00454609), "KiloimperialGallon": times(4.54609), "MegaimperialGallon": times(4546.09),
	"ImperialBeerBarrel": times(0.16365924), "ImperialOunce": times(2.8413062499962901241875439064617e-5),
	"ImperialPint": times(5.6826125e-4), "OilBarrel": times(0.158987294928), "UsBeerBarrel": times(0.1173477658),
	"MetricCup": times(0.00025), "MetricTeaspoon": times(0.5e-5), "AuTablespoon": times(2e-5), "UkTablespoon": times(1.5e-5),
	"UsCustomaryCup": times(0.0002365882365), "UsLegalCup": times(0.00024), "UsOunce": times(2.957352956253760505068307980135e-5),
	"UsPint": times(4.73176473e-4), "UsQuart": times(9.46352946e-4), "UsTablespoon": times(1.478676478125e-5),
	"UsTeaspoon": times(4.92892159375e-6),
}

// temperatureUnits are in kelvins; the scales differ by an offset as well as a
// factor.
var temperatureUnits = map[string]unitConv{
	"Kelvin": times(1),
	"DegreeCelsius": {to: func(v float64) float64 { return v + 273.15 },
		from: func(k float64) float64 { return k - 273.15 }},
	"MillidegreeCelsius": {to: func(v float64) float64 { return v/1000 + 273.15 },
		from: func(k float64) float64 { return (k - 273.15) * 1000 }},
	"DegreeFahrenheit": {to: func(v float64) float64 { return v*5/9 + 459.67*5/9 },
		from: func(k float64) float64 { return k*9/5 - 459.67 }},
	"DegreeRankine": {to: func(v float64) float64 { return v * 5 / 9 },
		from: func(k float64) float64 { return k * 9 / 5 }},
	"DegreeDelisle": {to: func(v float64) float64 { return v*-2/3 + 373.15 },
		from: func(k float64) float64 { return (k - 373.15) * -3 / 2 }},
	"DegreeNewton": {to: func(v float64) float64 { return v*100/33 + 273.15 },
		from: func(k float64) float64 { return (k - 273.15) * 33 / 100 }},
	"DegreeReaumur": {to: func(v float64) float64 { return v*5/4 + 273.15 },
		from: func(k float64) float64 { return (k - 273.15) * 4 / 5 }},
	"DegreeRoemer": {to: func(v float64) float64 { return v*40/21 + 273.15 - 7.5*40/21 },
		from: func(k float64) float64 { return (k-273.15)*21/40 + 7.5 }},
	"SolarTemperature": times(5778),
}
