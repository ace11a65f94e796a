package functions

import (
	"math"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// welch_test(mean1, variance1, count1, mean2, variance2, count2): the two-sided
// p-value of Welch's t-test that two samples, given by their means, sample
// variances and sizes, come from populations with equal means. The t statistic
// has the Welch-Satterthwaite degrees of freedom, and the p-value is the
// regularized incomplete beta function I_{df/(df+t²)}(df/2, 1/2). Null, a count
// below 2, or two samples without variance give null.

func init() {
	scalar("welch_test", 6, 6, "The two-sided p-value of Welch's t-test from two samples' means, variances and counts",
		sig(types.Real, numArg.as("mean1"), numArg.as("variance1"), numArg.as("count1"),
			numArg.as("mean2"), numArg.as("variance2"), numArg.as("count2")),
		rowsTo(types.Real, func(args []*vector.Vector, i int) types.Value {
			var v [6]float64
			for k := range v {
				x, ok := realAt(args[k], i)
				if !ok {
					return types.NullOf(types.Real)
				}
				v[k] = x
			}
			p, ok := welchP(v[0], v[1], v[2], v[3], v[4], v[5])
			if !ok {
				return types.NullOf(types.Real)
			}
			return types.NewReal(p)
		}))
}

func welchP(m1, v1, n1, m2, v2, n2 float64) (float64, bool) {
	if n1 < 2 || n2 < 2 || v1 < 0 || v2 < 0 {
		return 0, false
	}
	a, b := v1/n1, v2/n2
	se2 := a + b
	if se2 == 0 || math.IsNaN(se2) {
		return 0, false
	}
	t := (m1 - m2) / math.Sqrt(se2)
	df := se2 * se2 / (a*a/(n1-1) + b*b/(n2-1))
	return betaCDF(df/(df+t*t), df/2, 0.5), true
}
