package planner

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// Partition strategies, as KQL spells them after `hint.strategy=`.
const (
	PartitionLegacy  = "legacy"
	PartitionNative  = "native"
	PartitionShuffle = "shuffle"
)

// MaxLegacyPartitions is how many distinct key values the legacy strategy
// (the default) allows; more is an error, as in Kusto.
const MaxLegacyPartitions = 64

// Partition splits its input by the values of column Key and runs Sub over
// each part; the output is the union of the results. Sub is bound over a
// PartitionRows leaf with the input's columns, which the executor feeds with
// one partition's rows per run. Max, when positive, is the most partitions
// allowed: more is an error when the query runs.
type Partition struct {
	Input    Node
	Key      int
	Rows     *PartitionRows
	Sub      Node
	Strategy string
	Max      int
}

// PartitionRows is the implicit source of a partition subquery: the rows of
// one partition, fed by the executor.
type PartitionRows struct {
	Out []Column
}

func (n *Partition) Columns() []Column     { return n.Sub.Columns() }
func (n *Partition) Inputs() []Node        { return []Node{n.Input} }
func (n *PartitionRows) Columns() []Column { return n.Out }
func (n *PartitionRows) Inputs() []Node    { return nil }

// SetInput replaces the input.
func (n *Partition) SetInput(i int, in Node) {
	if i != 0 {
		panic("BUG: partition has one input")
	}
	n.Input = in
}

// Explain prints the node and its subquery on one line.
func (n *Partition) Explain() string {
	var sub []string
	for _, l := range strings.Split(strings.TrimSpace(Explain(n.Sub)), "\n") {
		sub = append(sub, strings.TrimSpace(l))
	}
	return fmt.Sprintf("Partition by %s strategy=%s on (%s)", n.Input.Columns()[n.Key].Name, n.Strategy, strings.Join(sub, " <- "))
}

// Explain prints the node on one line.
func (n *PartitionRows) Explain() string { return "PartitionRows" }

// partitionOptions are partition's settings: hint.strategy and the hints
// that tune how Kusto spreads the work, which are checked and have no effect.
type partitionOptions struct {
	strategy string
	explicit bool // hint.strategy was given
}

// partition binds `partition [hints] by Col (subquery)`, where the subquery's
// source is each partition's rows, and `partition [hints] by Col { query }`,
// a query with its own source that sees the key as a scalar named Col
// (written Col or toscalar(Col)).
// https://learn.microsoft.com/kusto/query/partition-operator
func (b *binder) partition(in Node, o *parser.PartitionOp) Node {
	opts, ok := b.partitionOptions(o.Options)
	sc := &scope{cols: in.Columns(), b: b}
	key := sc.lookup(o.By.Value)
	if key < 0 {
		b.errs.add(o.By.Pos, "unknown column '%s'%s", o.By.Value, didYouMean(o.By.Value, sc.names()))
		return nil
	}
	if !ok {
		return nil
	}
	if t := sc.cols[key].Type; t == types.Dynamic {
		b.errs.add(o.By.Pos, "'partition' cannot split by a dynamic column; convert it first, as in tostring(%s)", o.By.Value)
		return nil
	}
	if o.Body != nil {
		return b.partitionWithSource(in, key, o)
	}
	if opts.strategy != PartitionLegacy {
		for _, op := range o.Sub.Ops {
			switch op.(type) {
			case *parser.JoinOp, *parser.LookupOp, *parser.UnionOp, *parser.EvaluateOp:
				b.errs.add(op.Start(), "'%s' reads another table, which hint.strategy=%s does not allow; use the legacy strategy", firstWord(parser.FormatNode(op)), opts.strategy)
				return nil
			}
		}
	}
	rows := &PartitionRows{Out: in.Columns()}
	sub := b.subOps(rows, o.Sub.Ops, "partition")
	if sub == nil {
		return nil
	}
	p := &Partition{Input: in, Key: key, Rows: rows, Sub: Optimize(sub, b.opts.DisabledRules...), Strategy: opts.strategy}
	if opts.strategy == PartitionLegacy {
		p.Max = MaxLegacyPartitions
	}
	return p
}

// partitionOptions reads partition's hints.
func (b *binder) partitionOptions(opts []*parser.Option) (partitionOptions, bool) {
	po := partitionOptions{strategy: PartitionLegacy}
	ok := true
	for _, opt := range opts {
		v := opt.Value
		switch opt.Name {
		case "hint.strategy":
			word := strings.ToLower(v.Word)
			if v.Lit != nil && v.Lit.Type == "string" {
				word = strings.ToLower(v.Lit.Str)
			}
			switch word {
			case PartitionLegacy, PartitionNative, PartitionShuffle:
				po.strategy, po.explicit = word, true
			default:
				b.errs.add(v.Pos, "unknown partition strategy '%s'; expected legacy, native or shuffle", parser.FormatNode(v))
				ok = false
			}
		case "hint.materialized":
			if l := v.Lit; l == nil || l.Type != "bool" || l.Null {
				b.errs.add(v.Pos, "'hint.materialized' needs true or false")
				ok = false
			}
		case "hint.concurrency", "hint.spread", "hint.num_partitions":
			if l := v.Lit; l == nil || (l.Type != "long" && l.Type != "int") || l.Null || l.Int < 1 {
				b.errs.add(v.Pos, "'%s' needs a positive whole number", opt.Name)
				ok = false
			}
		case "hint.shufflekey":
			if v.Word == "" {
				b.errs.add(v.Pos, "'hint.shufflekey' needs a column name")
				ok = false
			} else if !po.explicit {
				po.strategy = PartitionShuffle
			}
		default:
			if !strings.HasPrefix(opt.Name, "hint.") {
				b.errs.add(opt.Pos, "unknown partition option '%s'", opt.Name)
				ok = false
			}
		}
	}
	return po, ok
}

// partitionWithSource binds the `{ query }` form: it learns the partition
// values while binding (by running the input), binds the query once per
// value with the key column's name standing for that value, and unions the
// results. This form always runs as the legacy strategy does, so more than
// MaxLegacyPartitions values is an error.
func (b *binder) partitionWithSource(in Node, key int, o *parser.PartitionOp) Node {
	col := in.Columns()[key]
	bind := func(v types.Value) Node {
		restore := b.enter(b.snapshot())
		defer restore()
		at, atOp := b.at, b.atOp
		defer func() { b.at, b.atOp = at, atOp }()
		b.letScalar(col.Name, &Const{At: o.By.Span, V: v})
		return b.pipe(o.Body)
	}
	vals, ok := b.partitionValues(in, key, o)
	if !ok {
		return nil
	}
	if len(vals) == 0 {
		// No partitions: no rows, with the columns the query would have.
		n := bind(types.NullOf(col.Type))
		if n == nil {
			return nil
		}
		return &Values{Out: n.Columns()}
	}
	u := &Union{Kind: UnionOuter}
	for i, v := range vals {
		n := bind(v)
		if n == nil {
			return nil
		}
		u.Legs = append(u.Legs, n)
		u.SourceNames = append(u.SourceNames, fmt.Sprintf("partition_%d", i))
	}
	if len(u.Legs) == 1 {
		return u.Legs[0]
	}
	unionSchema(u, "")
	return u
}

// partitionValues runs the input's distinct key values while binding: through
// Host.Rows when the input reads a table, else through the constant runner.
func (b *binder) partitionValues(in Node, key int, o *parser.PartitionOp) ([]types.Value, bool) {
	col := in.Columns()[key]
	probe := Node(&Limit{
		Input: &Aggregate{Input: in, Keys: []Expr{&ColumnRef{Index: key, Name: col.Name, T: col.Type}}, Out: []Column{col}},
		N:     MaxLegacyPartitions + 1,
	})
	run := constantRows
	if hasScan(reflect.ValueOf(probe)) {
		run = nil
		if b.opts.Host != nil {
			run = b.opts.Host.Rows
		}
	}
	if run == nil {
		b.errs.add(o.Pos, "'partition' with a query in braces needs its partition values while binding, which cannot be read here; use the form with a subquery in parentheses")
		return nil, false
	}
	rows, err := run(Optimize(probe, b.opts.DisabledRules...), MaxLegacyPartitions+1)
	if err != nil {
		b.errs.add(o.Pos, "partition: %v", err)
		return nil, false
	}
	if len(rows) > MaxLegacyPartitions {
		b.errs.add(o.By.Pos, "'%s' has more than %d distinct values, the most a partition with a query in braces allows; use a subquery in parentheses with hint.strategy=native", col.Name, MaxLegacyPartitions)
		return nil, false
	}
	vals := make([]types.Value, len(rows))
	for i, r := range rows {
		vals[i] = r[0]
		if vals[i].Type == types.Unknown {
			vals[i] = types.NullOf(col.Type)
		}
	}
	return vals, true
}
