package functions

import (
	"fmt"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// More aggregates: the bitwise folds, make_list_with_nulls, take_anyif and
// buildschema, and the old names of make_set, make_list and make_bag.

func init() {
	for _, b := range []struct {
		name, doc string
		op        func(a, b int64) int64
	}{
		{"binary_all_and", "The bitwise AND of the values", func(a, b int64) int64 { return a & b }},
		{"binary_all_or", "The bitwise OR of the values", func(a, b int64) int64 { return a | b }},
		{"binary_all_xor", "The bitwise XOR of the values", func(a, b int64) int64 { return a ^ b }},
	} {
		b := b
		aggregate(b.name, 1, 1, b.doc+" (null for a group without values)", sig(types.Long, intArg),
			func([]types.Type) AggState { return &bitState{op: b.op} })
	}
	aggregate("make_list_with_nulls", 1, 2, "A dynamic array of the values, nulls included (as JSON null)",
		sig(types.Dynamic, anyScalar.as("expr"), intArg.as("maxSize")),
		func([]types.Type) AggState { return &listState{maxArg: 1, limit: defaultMaxSize, nulls: true} })
	aggregate("take_anyif", 2, 2, "Any one non-null value of the rows where the predicate is true",
		func(name string, args []types.Type, _ []*types.Value) (types.Type, error) {
			if !predArg.ok(args[1]) {
				return types.Unknown, argErr(name, predArg.as("predicate"), args[1])
			}
			return args[0], nil
		}, func(args []types.Type) AggState { return &ifState{inner: &anyState{t: args[0]}, pred: 1} })
	aggregate("buildschema", 1, 1, "The minimal schema that admits every dynamic value of the group: each key's types, arrays as `indexer`",
		sig(types.Dynamic, dynArg), func([]types.Type) AggState { return &schemaState{} })
	Alias("makeset", "make_set")
	Alias("makelist", "make_list")
	Alias("make_dictionary", "make_bag")
}

// bitState folds the values with a bitwise operation.
type bitState struct {
	op   func(a, b int64) int64
	acc  int64
	have bool
}

func (s *bitState) Add(args []*vector.Vector, i int) {
	x, ok := longAt(args[0], i)
	if !ok {
		return
	}
	s.fold(x)
}

func (s *bitState) fold(x int64) {
	if !s.have {
		s.acc, s.have = x, true
		return
	}
	s.acc = s.op(s.acc, x)
}

func (s *bitState) Merge(other AggState) {
	if o := other.(*bitState); o.have {
		s.fold(o.acc)
	}
}

func (s *bitState) Result() types.Value {
	if !s.have {
		return types.NullOf(types.Long)
	}
	return types.NewLong(s.acc)
}

// schemaNode is the types seen at one place of the values: primitive type
// names in the order met, and the schema of bags (arrays are bags whose one key
// is `indexer`).
type schemaNode struct {
	prims []string
	bag   *schemaBag
}

type schemaBag struct {
	keys   []string
	fields map[string]*schemaNode
}

const schemaIndexer = "`indexer`"

func (n *schemaNode) addPrim(name string) {
	for _, p := range n.prims {
		if p == name {
			return
		}
	}
	n.prims = append(n.prims, name)
}

func (n *schemaNode) ensureBag() {
	if n.bag == nil {
		n.bag = &schemaBag{fields: map[string]*schemaNode{}}
	}
}

func (n *schemaNode) field(key string) *schemaNode {
	n.ensureBag()
	f, ok := n.bag.fields[key]
	if !ok {
		f = &schemaNode{}
		n.bag.fields[key] = f
		n.bag.keys = append(n.bag.keys, key)
	}
	return f
}

func (n *schemaNode) add(d any) {
	switch x := d.(type) {
	case nil:
	case map[string]any:
		n.ensureBag()
		for k, v := range x {
			n.field(k).add(v)
		}
	case []any:
		f := n.field(schemaIndexer)
		for _, v := range x {
			f.add(v)
		}
	case string:
		n.addPrim("string")
	case bool:
		n.addPrim("bool")
	case int64:
		n.addPrim("long")
	case float64:
		n.addPrim("double")
	default:
		n.addPrim(fmt.Sprintf("%T", d))
	}
}

func (n *schemaNode) merge(o *schemaNode) {
	for _, p := range o.prims {
		n.addPrim(p)
	}
	if o.bag != nil {
		n.ensureBag()
		for _, k := range o.bag.keys {
			n.field(k).merge(o.bag.fields[k])
		}
	}
}

// toDynamic is the schema as Kusto prints it: a type name, a bag, or an array
// of the type names followed by the bag.
func (n *schemaNode) toDynamic() any {
	var bag any
	if n.bag != nil {
		m := make(map[string]any, len(n.bag.keys))
		for _, k := range n.bag.keys {
			m[k] = n.bag.fields[k].toDynamic()
		}
		bag = m
	}
	switch {
	case len(n.prims) == 0:
		return bag
	case len(n.prims) == 1 && bag == nil:
		return n.prims[0]
	}
	out := make([]any, 0, len(n.prims)+1)
	for _, p := range n.prims {
		out = append(out, p)
	}
	if bag != nil {
		out = append(out, bag)
	}
	return out
}

type schemaState struct{ root schemaNode }

func (s *schemaState) Add(args []*vector.Vector, i int) { s.root.add(dynAt(args[0], i)) }
func (s *schemaState) Merge(other AggState)             { s.root.merge(&other.(*schemaState).root) }
func (s *schemaState) Result() types.Value              { return types.NewDynamic(s.root.toDynamic()) }
