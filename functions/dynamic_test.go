package functions

import (
	"testing"

	"github.com/spoorhq/spoor/types"
)

func TestDynamicFunctions(t *testing.T) {
	bag := `{"a":1,"b":{"c":[10,20,30]},"d e":"x"}`
	runCases(t, []evalCase{
		{"__getprop", a(col(D, bag, bag, "[1]", "null"), col(S, "a", "zz", "a", "a")), w("1", "null", "null", "null")},
		{"__getprop", a(col(D, bag), col(S, "b")), w(`{"c":[10,20,30]}`)},
		{"__index", a(col(D, "[1,2,3]", "[1,2,3]", "[1,2,3]", "[1,2,3]", bag), col(L, 0, -1, 3, nil, 0)), w("1", "3", "null", "null", "null")},
		{"__index", a(col(D, bag, "[1]"), col(S, "d e", "0")), w(`"x"`, "null")},
		{"__index", a(col(D, "[7,8]"), col(D, "1")), w("8")},
		{"array_length", a(col(D, `[1, 2, 3, "four"]`, "{}", "null", `"abc"`)), w("4", "null", "null", "null")},
		{"arraylength", a(col(D, "[]")), w("0")},
		{"pack_array", a(col(L, 1, nil), col(S, "2", ""), col(TS, "2s", "2s")), w(`[1,"2","00:00:02"]`, `[null,"","00:00:02"]`)},
		{"bag_pack", a(col(S, "Level"), col(S, "Information"), col(S, "ProcessID"), col(L, 1234)), w(`{"Level":"Information","ProcessID":1234}`)},
		{"pack", a(col(S, "k"), col(D, "[1]")), w(`{"k":[1]}`)},
		{"bag_keys", a(col(D, `{"a":"b","c":123}`, "{}", `"a"`, "[]", "null")), w(`["a","c"]`, "[]", "null", "null", "null")},
		{"bag_has_key", a(col(D, `{"key1":123,"key2":"abc"}`, `{"key1":123,"key3":"abc"}`, "[]", "null"), col(S, "key2", "key2", "key2", "key2")),
			w("true", "false", "false", "null")},
		{"bag_has_key", a(col(D, `{"key2":{"prop1":"abc"}}`, `{"key2":{"prop1":"abc"}}`), col(S, "$.key2.prop1", "$.key2.prop2")), w("true", "false")},
		{"array_concat", a(col(D, "[1,2,4]", "[1]", "5"), col(D, "[1,2]", "[]", "[1]")), w("[1,2,4,1,2]", "[1]", "null")},
		// The docs' array_slice examples.
		{"array_slice", a(col(D, "[1,2,3]", "[1,2,3,4,5]", "[1,2,3,4,5]", "[1,2,3]", "[1,2,3]"), col(L, 1, 2, -3, 5, -10), col(L, 2, -1, -2, 9, 0)),
			w("[2,3]", "[3,4,5]", "[3,4]", "[]", "[1]")},
		// The docs' array_index_of examples.
		{"array_index_of", a(rep(D, `["this", "is", "an", "example", "an", "example"]`, 1), col(S, "an")), w("2")},
		{"array_index_of", a(rep(D, `["this", "is", "an", "example", "an", "example"]`, 4),
			col(S, "example", "example", "is", "example"), col(L, 1, 1, 2, 2), col(L, 3, 2, 4, -1)), w("3", "-1", "-1", "3")},
		{"array_index_of", a(rep(D, `["this", "is", "an", "example", "an", "example"]`, 2), col(S, "an", "an"), col(L, 1, 1), col(L, -1, -1), col(L, 2, 3)), w("4", "-1")},
		{"array_index_of", a(rep(D, `["this", "is", "an", "example", "an", "example"]`, 2), col(S, "an", "is"), col(L, -3, -4)), w("4", "-1")},
		{"array_index_of", a(col(D, "[1, 2.0, 3]", "{}"), col(L, 2, 2)), w("1", "null")},
		{"set_has_element", a(col(D, `["this", "is", "an", "example"]`, "[1,2]", "null"), col(S, "example", "3", "x")), w("true", "false", "null")},
		{"array_sum", a(col(D, "[1,2,3,4]", "[1.5, 1]", `[1,"a"]`, "[]")), w("10", "2.5", "null", "0")},
		// The docs' set examples.
		{"set_union", a(col(D, "[1,2,1,4]", `["A4","A2","A7","A2"]`), col(D, "[1,2]", `["A4","A2","A7","A2"]`), col(D, "[8]", "[]")),
			w("[1,2,4,8]", `["A4","A2","A7"]`)},
		{"set_intersect", a(col(D, "[1,2,1,4]", "[1,2,3]"), col(D, "[1,2]", "[4,5]"), col(D, "[8,1]", "[4]")), w("[1]", "[]")},
		{"set_difference", a(col(D, "[1,2,1,4]", "[1,2,3]"), col(D, "[1,2]", "[1,2,3]"), col(D, "[1,2,8]", "[]")), w("[4]", "[]")},
		{"set_union", a(col(D, "[1]"), col(D, "[1.0, null]")), w("[1,null]")},
		// The docs' zip examples.
		{"zip", a(col(D, "[1,3,5]", `["A", 1, 1.5]`), col(D, "[2,4,6]", `[{}, "B"]`)), w("[[1,2],[3,4],[5,6]]", `[["A",{}],[1,"B"],[1.5,null]]`)},
		{"extract_json", a(col(S, "$.name", "$.b.c[1]", "$.b.c", "$.missing", `$['d e']`, "$.name"), rep(S, `{"name":"John","b":{"c":[10,20]},"d e":true}`, 6)),
			w(`"John"`, `"20"`, `"[10,20]"`, `""`, `"true"`, `"John"`)},
		{"extractjson", a(col(S, "$.a"), col(S, "not json")), w(`""`)},
	})
	runChecks(t, []checkCase{
		{"__getprop", tt(D, S), nil, "dynamic"},
		{"__getprop", tt(S, S), nil, "__getprop() expects a dynamic value, got string"},
		{"__index", tt(D, L), nil, "dynamic"},
		{"__index", tt(D, R), nil, "__index() expects an integer or a string for index, got real"},
		{"array_length", tt(S), nil, "array_length() expects a dynamic value, got string"},
		{"bag_pack", tt(S, L, S), nil, "bag_pack() takes pairs of a key and a value, got 3 arguments"},
		{"bag_pack", tt(L, L), nil, "bag_pack() expects a string key as argument 1, got long"},
		{"zip", tt(D), nil, "zip() takes at least 2 arguments, got 1"},
		{"extract_json", tt(S, S), []*types.Value{constant(S, "$.a[*]")}, `extract_json(): unsupported JSONPath element [*] in "$.a[*]"`},
		{"extract_json", tt(S, S), []*types.Value{constant(S, "a.b")}, `extract_json(): a JSONPath starts with $: "a.b"`},
	})
}
