package functions

import (
	"math"
	"strings"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// The beta distribution (beta_cdf, beta_pdf, beta_inv) and the unit
// conversions (convert_energy, convert_force, convert_mass).
//
// The beta functions return NaN for arguments outside the distribution's
// domain, as Kusto does: x outside [0, 1], or alpha or beta not positive;
// beta_inv returns null for a probability outside (0, 1].

func init() {
	beta := func(name, doc string, f func(x, a, b float64) types.Value) {
		scalar(name, 3, 3, doc, sig(types.Real, numArg.as("x"), numArg.as("alpha"), numArg.as("beta")),
			rowsTo(types.Real, func(args []*vector.Vector, i int) types.Value {
				x, ok1 := realAt(args[0], i)
				a, ok2 := realAt(args[1], i)
				b, ok3 := realAt(args[2], i)
				if !ok1 || !ok2 || !ok3 {
					return types.NullOf(types.Real)
				}
				return f(x, a, b)
			}))
	}
	beta("beta_cdf", "The cumulative beta distribution: the regularized incomplete beta function of x", func(x, a, b float64) types.Value {
		if x < 0 || x > 1 || !(a > 0) || !(b > 0) {
			return types.NewReal(math.NaN())
		}
		return types.NewReal(betaCDF(x, a, b))
	})
	beta("beta_pdf", "The probability density of the beta distribution at x", func(x, a, b float64) types.Value {
		if x < 0 || x > 1 || !(a > 0) || !(b > 0) {
			return types.NewReal(math.NaN())
		}
		return types.NewReal(betaPDF(x, a, b))
	})
	beta("beta_inv", "The inverse of beta_cdf: the x whose cumulative beta probability is the given one", func(p, a, b float64) types.Value {
		if !(p > 0) || p > 1 {
			return types.NullOf(types.Real)
		}
		if !(a > 0) || !(b > 0) {
			return types.NewReal(math.NaN())
		}
		return types.NewReal(betaInv(p, a, b))
	})

	for _, c := range []struct {
		name, doc string
		units     map[string]float64
	}{
		{"convert_energy", "An energy converted from one unit to another (Joule, Calorie, KilowattHour, ...); null for an unknown unit", energyUnits},
		{"convert_force", "A force converted from one unit to another (Newton, Dyn, PoundForce, ...); null for an unknown unit", forceUnits},
		{"convert_mass", "A mass converted from one unit to another (Kilogram, Pound, Ounce, ...); null for an unknown unit", massUnits},
	} {
		units := lowerKeys(c.units)
		scalar(c.name, 3, 3, c.doc, sig(types.Real, numArg.as("value"), textArg.as("from"), textArg.as("to")),
			rowsTo(types.Real, func(args []*vector.Vector, i int) types.Value {
				v, ok := realAt(args[0], i)
				from, ok1 := units[strings.ToLower(textAt(args[1], i))]
				to, ok2 := units[strings.ToLower(textAt(args[2], i))]
				if !ok || !ok1 || !ok2 {
					return types.NullOf(types.Real)
				}
				if from == to {
					return types.NewReal(v)
				}
				return types.NewReal(v * from / to)
			}))
	}
}

func lowerKeys(m map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = v
	}
	return out
}

// logBeta is the natural logarithm of the beta function B(a, b).
func logBeta(a, b float64) float64 {
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	return la + lb - lab
}

func betaPDF(x, a, b float64) float64 {
	switch {
	case x == 0 && a < 1, x == 1 && b < 1:
		return math.Inf(1)
	case x == 0:
		if a == 1 {
			return math.Exp(-logBeta(a, b))
		}
		return 0
	case x == 1:
		if b == 1 {
			return math.Exp(-logBeta(a, b))
		}
		return 0
	}
	return math.Exp((a-1)*math.Log(x) + (b-1)*math.Log1p(-x) - logBeta(a, b))
}

// betaCDF is the regularized incomplete beta function I_x(a, b), from its
// continued fraction, evaluated on the side of the mean where it converges fast.
func betaCDF(x, a, b float64) float64 {
	if x <= 0 {
		return 0
	}
	if x >= 1 {
		return 1
	}
	front := math.Exp(a*math.Log(x) + b*math.Log1p(-x) - logBeta(a, b))
	if x < (a+1)/(a+b+2) {
		return front * betaFraction(x, a, b) / a
	}
	return 1 - front*betaFraction(1-x, b, a)/b
}

// betaFraction evaluates the continued fraction of the incomplete beta function
// by the modified Lentz method.
func betaFraction(x, a, b float64) float64 {
	const tiny, eps = 1e-300, 1e-16
	fix := func(v float64) float64 {
		if math.Abs(v) < tiny {
			return tiny
		}
		return v
	}
	c, d := 1.0, 1/fix(1-(a+b)*x/(a+1))
	h := d
	for m := 1; m <= 1000; m++ {
		fm := float64(m)
		num := fm * (b - fm) * x / ((a + 2*fm - 1) * (a + 2*fm))
		d = 1 / fix(1+num*d)
		c = fix(1 + num/c)
		h *= d * c
		num = -(a + fm) * (a + b + fm) * x / ((a + 2*fm) * (a + 2*fm + 1))
		d = 1 / fix(1+num*d)
		c = fix(1 + num/c)
		step := d * c
		h *= step
		if math.Abs(step-1) < eps {
			break
		}
	}
	return h
}

// betaInv finds the x in [0, 1] with betaCDF(x) = p: bisection, which the
// monotone distribution function makes safe, to the last bit.
func betaInv(p, a, b float64) float64 {
	if p >= 1 {
		return 1
	}
	lo, hi := 0.0, 1.0
	for range 200 {
		mid := (lo + hi) / 2
		if mid == lo || mid == hi {
			break
		}
		if betaCDF(mid, a, b) < p {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// energyUnits are joules per unit.
var energyUnits = map[string]float64{
	"BritishThermalUnit": 1055.05585262, "KilobritishThermalUnit": 1055.05585262e3,
	"MegabritishThermalUnit": 1055.05585262e6, "GigabritishThermalUnit": 1055.05585262e9,
	"Calorie": 4.184, "Kilocalorie": 4.184e3, "Megacalorie": 4.184e6,
	"DecathermEc": 1.05505585262e9, "DecathermImperial": 1.05505585257348e9, "DecathermUs": 1.054804e9,
	"ThermEc": 1.05505585262e8, "ThermImperial": 1.05505585257348e8, "ThermUs": 1.054804e8,
	"ElectronVolt": 1.602176634e-19, "KiloelectronVolt": 1.602176634e-16, "MegaelectronVolt": 1.602176634e-13,
	"GigaelectronVolt": 1.602176634e-10, "TeraelectronVolt": 1.602176634e-7,
	"Erg": 1e-7, "FootPound": 1.355817948331400, "HorsepowerHour": 2.6845195377e6,
	"Joule": 1, "Millijoule": 1e-3, "Kilojoule": 1e3, "Megajoule": 1e6, "Gigajoule": 1e9,
	"WattHour": 3600, "KilowattHour": 3.6e6, "MegawattHour": 3.6e9, "GigawattHour": 3.6e12, "TerawattHour": 3.6e15,
	"WattDay": 86400, "KilowattDay": 8.64e7, "MegawattDay": 8.64e10, "GigawattDay": 8.64e13, "TerawattDay": 8.64e16,
}

// forceUnits are newtons per unit.
var forceUnits = map[string]float64{
	"Newton": 1, "Decanewton": 10, "Kilonewton": 1e3, "Meganewton": 1e6, "Millinewton": 1e-3, "Micronewton": 1e-6,
	"Dyn": 1e-5, "KilogramForce": 9.80665, "KiloPond": 9.80665, "TonneForce": 9806.65,
	"PoundForce": 4.4482216152605, "KilopoundForce": 4448.2216152605, "OunceForce": 0.27801385095378125,
	"Poundal": 0.138254954376, "ShortTonForce": 8896.443230521,
}

// massUnits are kilograms per unit.
var massUnits = map[string]float64{
	"Kilogram": 1, "Gram": 1e-3, "Decagram": 1e-2, "Hectogram": 0.1, "Decigram": 1e-4, "Centigram": 1e-5,
	"Milligram": 1e-6, "Microgram": 1e-9, "Nanogram": 1e-12, "Tonne": 1e3, "Kilotonne": 1e6, "Megatonne": 1e9,
	"Pound": 0.45359237, "Kilopound": 453.59237, "Megapound": 453592.37, "Ounce": 0.028349523125,
	"Grain": 64.79891e-6, "Stone": 6.35029318, "Slug": 14.593902937206366,
	"ShortTon": 907.18474, "LongTon": 1016.0469088, "ShortHundredweight": 45.359237, "LongHundredweight": 50.80234544,
	"EarthMass": 5.9722e24, "SolarMass": 1.98947e30,
}
