package functions

import (
	"math"
	"math/bits"
	"math/cmplx"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// series_fit_poly, the least-squares polynomial of a series, and series_fft and
// series_ifft, the discrete Fourier transform of a complex series and its inverse.

func init() {
	polyOuts := []Output{{"rsquare", types.Real}, {"coefficients", types.Dynamic}, {"variance", types.Real},
		{"rvariance", types.Real}, {"poly_fit", types.Dynamic}}
	multi("series_fit_poly", 1, 3, "The least-squares polynomial of a series as columns: rsquare, coefficients (highest power first), variance, rvariance, poly_fit",
		sig(types.Dynamic, seriesArg.as("y_series"), seriesArg.as("x_series"), intArg.as("degree")), polyOuts,
		rowsTo(types.Dynamic, fitPolyRow))

	fftOuts := []Output{{"real", types.Dynamic}, {"imaginary", types.Dynamic}}
	multi("series_fft", 1, 2, "The discrete Fourier transform of a series (real part, optional imaginary part) as two columns: real and imaginary",
		sig(types.Dynamic, seriesArg.as("x_real"), seriesArg.as("x_imaginary")), fftOuts,
		rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value { return fftRow(args, i, false) }))
	multi("series_ifft", 1, 2, "The inverse discrete Fourier transform of a series (real part, optional imaginary part) as two columns: real and imaginary",
		sig(types.Dynamic, seriesArg.as("x_real"), seriesArg.as("x_imaginary")), fftOuts,
		rowsTo(types.Dynamic, func(args []*vector.Vector, i int) types.Value { return fftRow(args, i, true) }))
}

// fitPolyRow fits y = c0*x^d + ... + cd by least squares. Without x_series the x
// values are 1, 2, ..., n; the degree defaults to 1. Elements that are not numbers
// are left out of the fit; the result is null when fewer points remain than the
// polynomial has coefficients, or when the series differ in length.
func fitPolyRow(args []*vector.Vector, i int) types.Value {
	null := types.NullOf(types.Dynamic)
	yArr, ok := seriesAt(args[0], i)
	if !ok {
		return null
	}
	ys, yok := seriesReals(yArr)
	xs := make([]float64, len(ys))
	xok := make([]bool, len(ys))
	for k := range xs {
		xs[k], xok[k] = float64(k+1), true
	}
	if len(args) > 1 && !nullAt(args[1], i) {
		xArr, ok := seriesAt(args[1], i)
		if !ok || len(xArr) != len(yArr) {
			return null
		}
		xs, xok = seriesReals(xArr)
	}
	degree := int64(1)
	if len(args) > 2 {
		d, ok := longAt(args[2], i)
		if !ok || d < 1 || d > 100 {
			return null
		}
		degree = d
	}
	m := int(degree) + 1
	var px, py []float64
	for k := range ys {
		if yok[k] && xok[k] && !math.IsNaN(ys[k]) && !math.IsNaN(xs[k]) {
			px, py = append(px, xs[k]), append(py, ys[k])
		}
	}
	if len(px) < m {
		return null
	}
	// The design matrix, columns x^d ... x^0, so that the solution comes out with
	// the highest power first.
	a := make([][]float64, len(px))
	for r, x := range px {
		a[r] = make([]float64, m)
		p := 1.0
		for c := m - 1; c >= 0; c-- {
			a[r][c] = p
			p *= x
		}
	}
	coef, ok := leastSquares(a, append([]float64(nil), py...))
	if !ok {
		return null
	}
	eval := func(x float64) float64 {
		var v float64
		for _, c := range coef {
			v = v*x + c
		}
		return v
	}
	fit := make([]float64, len(ys))
	for k := range ys {
		fit[k] = eval(xs[k])
	}
	var mean, sst, ssr float64
	for _, y := range py {
		mean += y
	}
	mean /= float64(len(py))
	for k, y := range py {
		sst += (y - mean) * (y - mean)
		r := y - eval(px[k])
		ssr += r * r
	}
	var variance, rvariance float64
	if n := float64(len(py)); n > 1 {
		variance, rvariance = sst/(n-1), ssr/(n-1)
	}
	return types.NewDynamic(map[string]any{"rsquare": rsquare(ssr, sst), "coefficients": realsDyn(coef),
		"variance": variance, "rvariance": rvariance, "poly_fit": realsDyn(fit)})
}

// leastSquares solves min |a*x - b| by Householder QR; a has at least as many
// rows as columns and is overwritten, as is b. ok is false when a's columns are
// dependent.
func leastSquares(a [][]float64, b []float64) ([]float64, bool) {
	rows, cols := len(a), len(a[0])
	for c := 0; c < cols; c++ {
		var norm float64
		for r := c; r < rows; r++ {
			norm = math.Hypot(norm, a[r][c])
		}
		if norm == 0 {
			return nil, false
		}
		if a[c][c] > 0 {
			norm = -norm
		}
		// The reflection that maps column c below the diagonal onto norm*e_c.
		v := make([]float64, rows-c)
		for r := c; r < rows; r++ {
			v[r-c] = a[r][c]
		}
		v[0] -= norm
		var vv float64
		for _, x := range v {
			vv += x * x
		}
		if vv == 0 {
			continue
		}
		apply := func(col func(r int) *float64) {
			var dot float64
			for r := c; r < rows; r++ {
				dot += v[r-c] * *col(r)
			}
			f := 2 * dot / vv
			for r := c; r < rows; r++ {
				*col(r) -= f * v[r-c]
			}
		}
		for k := c; k < cols; k++ {
			apply(func(r int) *float64 { return &a[r][k] })
		}
		apply(func(r int) *float64 { return &b[r] })
	}
	x := make([]float64, cols)
	scale := 0.0
	for c := 0; c < cols; c++ {
		scale = math.Max(scale, math.Abs(a[c][c]))
	}
	for c := cols - 1; c >= 0; c-- {
		if math.Abs(a[c][c]) <= scale*1e-14 {
			return nil, false
		}
		s := b[c]
		for k := c + 1; k < cols; k++ {
			s -= a[c][k] * x[k]
		}
		x[c] = s / a[c][c]
	}
	return x, true
}

// fftRow transforms one row. Elements that are not numbers count as 0; the
// imaginary part, when given, must have the real part's length. The inverse
// transform divides by n, so that series_ifft(series_fft(x)) is x.
func fftRow(args []*vector.Vector, i int, inverse bool) types.Value {
	null := types.NullOf(types.Dynamic)
	re, ok := seriesAt(args[0], i)
	if !ok {
		return null
	}
	xs := make([]complex128, len(re))
	for k, d := range re {
		if x, ok, _ := seriesNum(d); ok {
			xs[k] = complex(x, 0)
		}
	}
	if len(args) > 1 && !nullAt(args[1], i) {
		im, ok := seriesAt(args[1], i)
		if !ok || len(im) != len(re) {
			return null
		}
		for k, d := range im {
			if y, ok, _ := seriesNum(d); ok {
				xs[k] += complex(0, y)
			}
		}
	}
	out := dft(xs, inverse)
	reOut, imOut := make([]any, len(out)), make([]any, len(out))
	for k, c := range out {
		if inverse {
			c /= complex(float64(len(out)), 0)
		}
		reOut[k], imOut[k] = real(c), imag(c)
	}
	return types.NewDynamic(map[string]any{"real": reOut, "imaginary": imOut})
}

// dft is the discrete Fourier transform, sum x[j]*exp(∓2πi jk/n): radix-2 for a
// power of two, Bluestein's chirp transform for any other length. inverse flips
// the sign of the exponent and does not scale.
func dft(xs []complex128, inverse bool) []complex128 {
	n := len(xs)
	if n <= 1 {
		return append([]complex128(nil), xs...)
	}
	if n&(n-1) == 0 {
		out := append([]complex128(nil), xs...)
		fftRadix2(out, inverse)
		return out
	}
	sign := -1.0
	if inverse {
		sign = 1
	}
	// Bluestein: jk = (j² + k² - (k-j)²)/2 turns the transform into a convolution
	// with a chirp, done by radix-2 transforms of a power-of-two length.
	m := 1 << bits.Len(uint(2*n-1))
	chirp := make([]complex128, n)
	for k := range chirp {
		kk := (int64(k) * int64(k)) % int64(2*n) // keeps the angle small and exact
		chirp[k] = cmplx.Rect(1, sign*math.Pi*float64(kk)/float64(n))
	}
	a := make([]complex128, m)
	b := make([]complex128, m)
	for k := 0; k < n; k++ {
		a[k] = xs[k] * chirp[k]
	}
	b[0] = cmplx.Conj(chirp[0])
	for k := 1; k < n; k++ {
		b[k] = cmplx.Conj(chirp[k])
		b[m-k] = b[k]
	}
	fftRadix2(a, false)
	fftRadix2(b, false)
	for k := range a {
		a[k] *= b[k]
	}
	fftRadix2(a, true)
	out := make([]complex128, n)
	for k := range out {
		out[k] = a[k] / complex(float64(m), 0) * chirp[k]
	}
	return out
}

// fftRadix2 transforms x in place; len(x) is a power of two.
func fftRadix2(x []complex128, inverse bool) {
	n := len(x)
	for i, j := 1, 0; i < n; i++ {
		bit := n >> 1
		for ; j&bit != 0; bit >>= 1 {
			j ^= bit
		}
		j ^= bit
		if i < j {
			x[i], x[j] = x[j], x[i]
		}
	}
	sign := -1.0
	if inverse {
		sign = 1
	}
	for size := 2; size <= n; size <<= 1 {
		// Each twiddle factor is computed afresh rather than by repeated
		// multiplication, whose rounding would grow with the length.
		tw := make([]complex128, size/2)
		for k := range tw {
			tw[k] = cmplx.Rect(1, sign*2*math.Pi*float64(k)/float64(size))
		}
		for start := 0; start < n; start += size {
			for k, w := range tw {
				u, v := x[start+k], x[start+k+size/2]*w
				x[start+k], x[start+k+size/2] = u+v, u-v
			}
		}
	}
}
