package kqltest

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/storage"
	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// The metamorphic tests run random predicates over random tables and check
// relations that hold whatever the answer is:
//
//   - where p, where not(p) and where isnull(p) split the rows: their counts
//     add up to the table's (not() of a null is null, so a row whose p is
//     null is counted by the third query only);
//   - every way of running a query gives the same rows: over unsealed rows
//     and sealed segments, with the optimizer's rules and without, with the
//     store's indexes and zone maps and without.
//
// SPOOR_METAMORPHIC=seeds,predicates (for example 200,100) runs more.

// metaConfig is one way of running a query in the metamorphic tests.
type metaConfig struct {
	name      string
	sealed    bool
	reference bool // every optimizer rule off, no index
	noIndex   bool // rules on, no index
}

var metaConfigs = []metaConfig{
	{name: "reference run over unsealed rows", reference: true},
	{name: "unsealed rows"},
	{name: "sealed segments", sealed: true},
	{name: "sealed segments without indexes", sealed: true, noIndex: true},
	{name: "reference run over sealed segments", sealed: true, reference: true},
}

// metaNow is the pinned now of the metamorphic tables; their times lie in
// the five days before it.
var metaNow = time.Date(2024, 3, 10, 0, 0, 0, 0, time.UTC)

// TestMetamorphic checks the relations above on a few seeded tables.
func TestMetamorphic(t *testing.T) {
	seeds, preds := 3, 50
	if s := os.Getenv("SPOOR_METAMORPHIC"); s != "" {
		a, b, _ := strings.Cut(s, ",")
		seeds, _ = strconv.Atoi(a)
		if n, err := strconv.Atoi(b); err == nil {
			preds = n
		}
	}
	if testing.Short() {
		seeds = 1
	}
	for seed := 1; seed <= seeds; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) { metamorphic(t, uint64(seed), preds) })
	}
}

// metaEnv holds the two stores of one random table, one kept unsealed and one
// sealed, so that any config can run at any time.
type metaEnv struct {
	hot, seg *storage.Store
	total    int64 // rows of the table
}

func metamorphic(t *testing.T, seed uint64, npreds int) {
	rng := rand.New(rand.NewPCG(seed, 0x5b00f))
	def, cols, n := metaTable(rng, 400+rng.IntN(1200))
	env := &metaEnv{total: int64(n)}
	env.hot = metaStore(t, def, cols, n, rng, false)
	env.seg = metaStore(t, def, cols, n, rng, true)
	fails := 0
	for i := 0; i < npreds && fails < 5; i++ {
		p := genConj(rng)
		p.shape = rng.IntN(len(metaShapes))
		p.other = genConj(rng).String()
		if msg := env.checkPred(p); msg != "" {
			small := env.shrink(p)
			t.Errorf("seed %d, predicate %d: %s\nsmallest failing predicate: %s\n%s", seed, i, clip(msg), small, clip(env.checkPred(small)))
			fails++
		}
	}
}

// clip keeps the first lines of a long message.
func clip(msg string) string {
	const max = 30
	lines := strings.Split(msg, "\n")
	if len(lines) <= max {
		return msg
	}
	return strings.Join(lines[:max], "\n") + fmt.Sprintf("\n... %d more lines", len(lines)-max)
}

// checkPred runs the queries of one predicate in every config and returns
// what is wrong, or "".
func (env *metaEnv) checkPred(p *pred) string {
	var problems []string
	queries := []string{
		"T | where " + p.String() + " | count",
		"T | where not(" + p.String() + ") | count",
		"T | where isnull(" + p.String() + ") | count",
	}
	var base [3]int64
	for ci, cfg := range metaConfigs {
		var sum int64
		var counts [3]int64
		for qi, q := range queries {
			lines, err := env.run(cfg, q)
			if err != nil {
				return fmt.Sprintf("%s over %s: %v", q, cfg.name, err)
			}
			n, _ := strconv.ParseInt(lines[0], 10, 64)
			sum += n
			counts[qi] = n
			if ci == 0 {
				base[qi] = n
			} else if n != base[qi] {
				problems = append(problems, fmt.Sprintf("%s counts %d over %s, %d over %s", q, n, cfg.name, base[qi], metaConfigs[0].name))
			}
		}
		if sum != env.total {
			problems = append(problems, fmt.Sprintf("over %s, where p, where not(p) and where isnull(p) count %d+%d+%d rows of %d",
				cfg.name, counts[0], counts[1], counts[2], env.total))
		}
	}
	// The rows themselves, and the answer of a query of another shape.
	other := p.other
	if other == "" {
		other = "true"
	}
	for _, q := range []string{
		"T | where " + p.String(),
		strings.NewReplacer("P1", p.String(), "P2", other).Replace(metaShapes[p.shape]),
	} {
		var want []string
		for ci, cfg := range metaConfigs {
			got, err := env.run(cfg, q)
			if err != nil {
				return fmt.Sprintf("%s over %s: %v", q, cfg.name, err)
			}
			if ci == 0 {
				want = got
				continue
			}
			if !slices.Equal(got, want) {
				problems = append(problems, fmt.Sprintf("%s differs over %s from the %s (- reference, + %s):\n%s",
					q, cfg.name, metaConfigs[0].name, cfg.name, diffLines(want, got)))
			}
		}
	}
	return strings.Join(problems, "\n")
}

// run runs a query in one config and returns its rows in the file syntax,
// sorted.
func (env *metaEnv) run(cfg metaConfig, q string) ([]string, error) {
	st := env.hot
	if cfg.sealed {
		st = env.seg
	}
	var res *engine.Result
	var err error
	if cfg.reference {
		res, _, err = referenceQuery(st, metaNow, q)
	} else {
		ctx := context.Background()
		if cfg.noIndex {
			ctx = storage.WithoutIndexes(ctx)
		}
		res, err = engine.New(st, func() time.Time { return metaNow }).Query(ctx, q, engine.Options{})
	}
	if err != nil {
		return nil, err
	}
	_, rows := resultLines(res)
	sort.Strings(rows)
	return rows, nil
}

// shrink looks for the smallest part of p that still fails.
func (env *metaEnv) shrink(p *pred) *pred {
	for {
		smaller := false
		for _, k := range p.kids {
			k.shape, k.other = p.shape, p.other
			if env.checkPred(k) != "" {
				p, smaller = k, true
				break
			}
		}
		if !smaller {
			return p
		}
	}
}

// metaTerms are the words strings are made of: shared terms in several
// cases, short ones (not indexed), digits, and words that are prefixes of
// others.
var metaTerms = []string{"alpha", "ALPHA", "Alpha", "alphabet", "beta", "gamma", "cmd", "exe", "powershell",
	"PowerShell", "enc", "ab", "x", "42", "4242", "svc", "svchost", "net", "user", "admin", "é", "ws"}

var metaSeps = []string{" ", " ", "-", ".", "/", "\\", "_", "", "=", ", ", "::", "\t", "\n", "\""}

// metaText makes a string of a few terms joined by separators.
func metaText(rng *rand.Rand) string {
	n := rng.IntN(5)
	var b strings.Builder
	if rng.IntN(8) == 0 {
		b.WriteString(metaSeps[rng.IntN(len(metaSeps))])
	}
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(metaSeps[rng.IntN(len(metaSeps))])
		}
		b.WriteString(metaTerms[rng.IntN(len(metaTerms))])
	}
	return b.String()
}

// metaKeys are the values of the low-cardinality string column.
var metaKeys = []string{"ws-01", "WS-01", "ws-02", "host.example.com", "", "alpha", "db 7"}

// metaTable makes a random table of n rows: a time column (with a few
// nulls), a unique Id, free text, a low-cardinality key, and nullable long,
// real, datetime, bool and dynamic columns.
func metaTable(rng *rand.Rand, n int) (*schema.Table, []*vector.Vector, int) {
	cols, err := schema.ParseColumns("Timestamp:datetime, Id:long, S:string, K:string, L:long, R:real, D:datetime, B:bool, Dyn:dynamic")
	if err != nil {
		panic(err)
	}
	def := &schema.Table{Name: "T", Columns: cols, TimeColumn: "Timestamp"}
	vecs := make([]*vector.Vector, len(cols))
	for i, c := range cols {
		vecs[i] = vector.New(c.Type, n)
	}
	start := types.TimeToTicks(metaNow.Add(-5 * 24 * time.Hour))
	span := int64(5 * 24 * time.Hour / 100)
	null := func(pct int) bool { return rng.IntN(100) < pct }
	for r := 0; r < n; r++ {
		ts := types.NewDatetime(start + rng.Int64N(span)/types.TicksPerSecond*types.TicksPerSecond)
		if null(2) {
			ts = types.NullOf(types.Datetime)
		}
		vecs[0].Append(ts)
		vecs[1].Append(types.NewLong(int64(r)))
		vecs[2].Append(types.NewString(metaText(rng)))
		vecs[3].Append(types.NewString(metaKeys[rng.IntN(len(metaKeys))]))
		l := types.NewLong(int64(rng.IntN(30) - 8))
		if null(15) {
			l = types.NullOf(types.Long)
		}
		vecs[4].Append(l)
		// No infinities: a segment cannot record one in its zone maps yet.
		rv := types.NewReal([]float64{-1.5, 0, 0.5, 2.25, 10, math.NaN()}[rng.IntN(6)])
		if rng.IntN(2) == 0 {
			rv = types.NewReal(math.Round(rng.NormFloat64()*500) / 100)
		}
		if null(15) {
			rv = types.NullOf(types.Real)
		}
		vecs[5].Append(rv)
		d := types.NewDatetime(start + rng.Int64N(span))
		if null(15) {
			d = types.NullOf(types.Datetime)
		}
		vecs[6].Append(d)
		b := types.NewBool(rng.IntN(2) == 0)
		if null(15) {
			b = types.NullOf(types.Bool)
		}
		vecs[7].Append(b)
		vecs[8].Append(metaDynamic(rng))
	}
	return def, vecs, n
}

func metaDynamic(rng *rand.Rand) types.Value {
	var v any
	switch rng.IntN(7) {
	case 0:
		return types.NullOf(types.Dynamic)
	case 1, 2:
		v = metaText(rng)
	case 3:
		v = int64(rng.IntN(10))
	case 4:
		v = float64(rng.IntN(40)) / 4
	case 5:
		v = []any{metaTerms[rng.IntN(len(metaTerms))], int64(rng.IntN(5))}
	case 6:
		v = map[string]any{"k": metaTerms[rng.IntN(len(metaTerms))]}
	}
	return types.NewDynamic(v)
}

// metaStore loads a table into a new store in a few appends, and seals it
// into small segments when sealed is set.
func metaStore(t *testing.T, def *schema.Table, cols []*vector.Vector, n int, rng *rand.Rand, sealed bool) *storage.Store {
	st, err := storage.Open(t.TempDir(), storage.Options{Now: func() time.Time { return metaNow },
		Retention: 100 * 365 * 24 * time.Hour, SegmentRows: 150 + rng.IntN(300)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.CreateTable(def); err != nil {
		t.Fatal(err)
	}
	for lo := 0; lo < n; {
		hi := min(n, lo+100+rng.IntN(400))
		part := make([]*vector.Vector, len(cols))
		sel := make([]int, hi-lo)
		for i := range sel {
			sel[i] = lo + i
		}
		for i, c := range cols {
			part[i] = vector.Gather(c, sel)
		}
		if err := st.Append(def.Name, part, hi-lo); err != nil {
			t.Fatal(err)
		}
		if sealed && rng.IntN(2) == 0 {
			// Seal part of the rows early, so segments overlap in time.
			if err := st.SealAll(); err != nil {
				t.Fatal(err)
			}
		}
		lo = hi
	}
	if sealed {
		if err := st.SealAll(); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// metaShapes are queries around the predicate P1 (and another, P2) whose
// answers do not depend on the order rows arrive in: the optimizer's rules
// (filter merging and push-down, sort and take into top, column pruning)
// each apply to some of them.
var metaShapes = []string{
	"T | where P1 | summarize n = count(), l = sum(L), d = dcount(S) by K",
	"T | where P1 | where P2 | project Id, S, Timestamp",
	"T | project Id, S, K, L, R, D, B, Dyn, Timestamp | where P1 | top 7 by Id desc",
	"T | where P1 | sort by Id asc | take 5",
	"T | where P1 | summarize n = count(), m = max(Id) by bin(Timestamp, 1d)",
	"T | where P1 | distinct K",
	"T | where P1 | join kind=inner (T | where P2 | project Id, K2 = K) on Id | project Id, K, K2",
	"T | where P1 | join kind=leftanti (T | where P2) on K | count",
	"T | where P1 | extend x = strlen(S) | where x > 3 or P2 | count",
	"T | where P1 | summarize make_set(Id) by B | mv-expand set_Id to typeof(long) | count",
}

// pred is a random predicate: a leaf's text, or not/and/or of its kids. A
// predicate under test also carries the query shape to run it in and the
// other predicate of that shape.
type pred struct {
	op    string // "", "not", "and", "or"
	leaf  string
	kids  []*pred
	shape int
	other string
}

func (p *pred) String() string {
	switch p.op {
	case "not":
		return "not(" + p.kids[0].String() + ")"
	case "and", "or":
		return "(" + p.kids[0].String() + " " + p.op + " " + p.kids[1].String() + ")"
	}
	return p.leaf
}

// genConj makes a random predicate that is often a conjunction at the top,
// as the optimizer pushes top-level conjuncts into scans.
func genConj(rng *rand.Rand) *pred {
	p := genPred(rng, 2)
	for k := rng.IntN(3); k > 0; k-- {
		p = &pred{op: "and", kids: []*pred{p, genPred(rng, 1)}}
	}
	return p
}

// genPred makes a random predicate of at most depth levels of not/and/or.
func genPred(rng *rand.Rand, depth int) *pred {
	if depth > 0 && rng.IntN(3) > 0 {
		switch rng.IntN(5) {
		case 0:
			return &pred{op: "not", kids: []*pred{genPred(rng, depth-1)}}
		case 1, 2:
			return &pred{op: "and", kids: []*pred{genPred(rng, depth-1), genPred(rng, depth-1)}}
		default:
			return &pred{op: "or", kids: []*pred{genPred(rng, depth-1), genPred(rng, depth-1)}}
		}
	}
	return &pred{leaf: genLeaf(rng)}
}

func pick[T any](rng *rand.Rand, xs ...T) T { return xs[rng.IntN(len(xs))] }

// metaString is a string constant: a term, a piece of one, a whole value,
// or text that is no term at all.
func metaString(rng *rand.Rand) string {
	switch rng.IntN(6) {
	case 0, 1:
		return metaTerms[rng.IntN(len(metaTerms))]
	case 2:
		w := metaTerms[rng.IntN(len(metaTerms))]
		i := rng.IntN(len(w))
		return w[i:min(len(w), i+1+rng.IntN(4))]
	case 3:
		return metaText(rng)
	case 4:
		return metaKeys[rng.IntN(len(metaKeys))]
	}
	return pick(rng, "", " ", "-", "alpha beta", "exe.", "a-b", "ALPHA-", "\\")
}

func quote(s string) string { return strconv.Quote(s) }

func metaTime(rng *rand.Rand) string {
	t := metaNow.Add(-time.Duration(rng.Int64N(int64(6 * 24 * time.Hour))))
	if rng.IntN(3) == 0 {
		t = t.Truncate(time.Hour)
	}
	return "datetime(" + t.Format(time.RFC3339) + ")"
}

func genLeaf(rng *rand.Rand) string {
	switch rng.IntN(10) {
	case 0, 1, 8: // free text
		col := pick(rng, "S", "S", "K", "Dyn", "Dyn")
		// Mostly an operator the store answers with its indexes.
		op := pick(rng, "has", "has", "hasprefix", "==", "=~", "in", "in~")
		if rng.IntN(3) == 0 {
			op = pick(rng, "!has", "has_cs", "!has_cs", "contains", "!contains", "contains_cs", "startswith", "!startswith",
				"endswith", "hassuffix", "!=", "!~", "!in", "!in~", "has_any", "has_all")
		}
		if col == "Dyn" {
			op = pick(rng, "has", "has", "hasprefix", "!has", "contains", "startswith")
		}
		switch op {
		case "in", "!in", "in~", "!in~", "has_any", "has_all":
			var vals []string
			for k := 1 + rng.IntN(3); k > 0; k-- {
				vals = append(vals, quote(metaString(rng)))
			}
			return fmt.Sprintf("%s %s (%s)", col, op, strings.Join(vals, ", "))
		}
		k := metaString(rng)
		if rng.IntN(2) == 0 {
			k = metaTerms[rng.IntN(len(metaTerms))]
		}
		return fmt.Sprintf("%s %s %s", col, op, quote(k))
	case 2: // the key column, mostly equality
		op := pick(rng, "==", "!=", "=~", "in", "!in", "has", "startswith", "or")
		if op == "or" { // the optimizer folds this into an in
			return fmt.Sprintf("(K == %s or K == %s)", quote(pick(rng, metaKeys...)), quote(pick(rng, metaKeys...)))
		}
		if op == "in" || op == "!in" {
			return fmt.Sprintf("K %s (%s, %s)", op, quote(metaKeys[rng.IntN(len(metaKeys))]), quote(metaString(rng)))
		}
		return fmt.Sprintf("K %s %s", op, quote(pick(rng, metaKeys...)))
	case 3: // long
		k := rng.IntN(30) - 10
		switch rng.IntN(5) {
		case 0:
			return fmt.Sprintf("L between (%d .. %d)", k, k+rng.IntN(10))
		case 1:
			return fmt.Sprintf("L !between (%d .. %d)", k, k+rng.IntN(10))
		case 2:
			return fmt.Sprintf("L in (%d, %d, %d)", k, k+1, k+5)
		case 3:
			return pick(rng, "isnull(L)", "isnotnull(L)", "L == long(null)", "L > Id % 7")
		}
		return fmt.Sprintf("L %s %d", pick(rng, "<", "<=", ">", ">=", "==", "!="), k)
	case 4: // real
		switch rng.IntN(4) {
		case 0:
			return pick(rng, "isnull(R)", "isnan(R)", "isinf(R)")
		case 1:
			return fmt.Sprintf("R between (%g .. %g)", float64(rng.IntN(8))-4, float64(rng.IntN(8)))
		}
		return fmt.Sprintf("R %s %g", pick(rng, "<", "<=", ">", ">=", "==", "!="), float64(rng.IntN(20))/4-2)
	case 5: // the time column, which the optimizer pushes into scans
		switch rng.IntN(4) {
		case 0:
			return fmt.Sprintf("Timestamp between (%s .. %s)", metaTime(rng), metaTime(rng))
		case 1:
			return fmt.Sprintf("Timestamp > ago(%dh)", rng.IntN(120))
		case 2:
			return pick(rng, "isnull(Timestamp)", "isnotnull(Timestamp)")
		}
		return fmt.Sprintf("Timestamp %s %s", pick(rng, "<", "<=", ">", ">=", "==", "!="), metaTime(rng))
	case 6: // datetime
		switch rng.IntN(3) {
		case 0:
			return fmt.Sprintf("D between (%s .. %s)", metaTime(rng), metaTime(rng))
		case 1:
			return pick(rng, "isnull(D)", "isnotnull(D)", "D > Timestamp")
		}
		return fmt.Sprintf("D %s %s", pick(rng, "<", ">=", ">", "!="), metaTime(rng))
	case 7: // bool
		return pick(rng, "B", "B == true", "B == false", "B != true", "isnull(B)", "not(B)", "isnotnull(B)")
	}
	// dynamic
	return pick(rng, "isnull(Dyn)", "isnotnull(Dyn)", "tolong(Dyn) > 3", "tostring(Dyn) contains \"a\"",
		"Dyn == \"alpha\"", "toreal(Dyn) <= 2.5", "array_length(Dyn) == 2", "tostring(Dyn.k) == \"alpha\"")
}
