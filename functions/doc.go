// Package functions is the catalogue of KQL's scalar functions, operators and
// aggregates: one Spec per name, which type checking, the executor, REPL completion
// and the schema API all read. Each family has its file (operators.go and operators_in.go, arith.go,
// stringops.go, strings.go, text.go, hash.go, ip.go, convert.go, conditional.go,
// datetime.go, math.go, math_more.go, dynamic.go, array.go, window.go, the geo_*
// functions in geo*.go, the series_* functions in series*.go, and the aggregates
// in aggregates.go, agg_stats.go, agg_percentile.go, agg_hll.go, agg_more.go);
// kernel.go holds the shape helpers that keep most kernels to a few lines, and
// values.go the to*() conversions every family reuses.
//
// Conventions the planner and executor rely on:
//
//   - Operators are registered under their KQL spelling: the comparisons
//     (== != < <= > >= =~ !~), the arithmetic (+ - * / %), and, or, not, has and
//     the other string operators with their ! and _cs forms, "matches regex", in
//     !in in~ !in~ has_any has_all, between and !between (value, low, high). Unary
//     minus is "neg". x.name is __getprop(x, "name") and x[i] is __index(x, i).
//   - The in family and has_any/has_all take the value first and then one argument
//     per list element; a dynamic array element stands for its items.
//   - Nulls follow Kusto: most operators and functions give null for a null
//     argument; == is false and != true when exactly one side is null (null when
//     both are); and/or are three-valued (false and null is false, true or null is
//     true). where keeps only true rows. A string is never null: a string result
//     where Kusto has no value is "".
//   - now() and ago() have no kernel: the planner folds them into constants.
//   - A dynamic argument where a string is expected is read as tostring() reads it;
//     compared with a typed value, it is converted to that value's type.
package functions
