package planner

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/types"
)

// RequestOptions are the request properties a query sets with set statements
// (https://learn.microsoft.com/kusto/query/set-statement). A zero field was not
// set. The engine applies them when it runs the plan; query_now is applied by
// Bind itself, since now() and ago() are folded while binding.
type RequestOptions struct {
	// NoTruncation is `set notruncation`: the result is not cut.
	NoTruncation bool
	// TruncationMaxRecords is `set truncationmaxrecords = N`: the rows kept
	// before the result is cut with a warning.
	TruncationMaxRecords int64
	// TruncationMaxSize is `set truncationmaxsize = N`: the bytes of result
	// kept before the result is cut with a warning.
	TruncationMaxSize int64
	// TakeMaxRecords is `set query_take_max_records = N`: the result is
	// limited to N rows, silently, as by a final take.
	TakeMaxRecords int64
	// Now is `set query_now = datetime(...)`: what now() and ago() count from.
	Now time.Time
	// ServerTimeout is `set servertimeout = 1m`: the query's timeout. The
	// engine lets a request shorten its timeout, never lengthen it.
	ServerTimeout time.Duration
	// MaxMemory is `set max_memory_consumption_per_query_per_node = N`: the
	// query's memory budget in bytes.
	MaxMemory int64
}

// optionKind is the type of value a request property takes.
type optionKind int

const (
	optBool  optionKind = iota
	optCount            // a positive whole number
	optDatetime
	optTimespan
)

// requestOptions lists the request properties this engine acts on, and
// what each sets. Other documented properties are accepted and ignored.
var requestOptions = map[string]struct {
	kind optionKind
	set  func(o *RequestOptions, v types.Value)
}{
	"notruncation":           {optBool, func(o *RequestOptions, v types.Value) { o.NoTruncation = v.I != 0 }},
	"truncationmaxrecords":   {optCount, func(o *RequestOptions, v types.Value) { o.TruncationMaxRecords = v.I }},
	"truncation_max_records": {optCount, func(o *RequestOptions, v types.Value) { o.TruncationMaxRecords = v.I }},
	"truncationmaxsize":      {optCount, func(o *RequestOptions, v types.Value) { o.TruncationMaxSize = v.I }},
	"truncation_max_size":    {optCount, func(o *RequestOptions, v types.Value) { o.TruncationMaxSize = v.I }},
	"query_take_max_records": {optCount, func(o *RequestOptions, v types.Value) { o.TakeMaxRecords = v.I }},
	"query_now":              {optDatetime, func(o *RequestOptions, v types.Value) { o.Now = types.TicksToTime(v.I) }},
	"servertimeout": {optTimespan, func(o *RequestOptions, v types.Value) {
		o.ServerTimeout = time.Duration(min(v.I, math.MaxInt64/100)) * 100
	}},
	"max_memory_consumption_per_query_per_node": {optCount, func(o *RequestOptions, v types.Value) { o.MaxMemory = v.I }},
}

// ignoredOptions are documented request properties that have no effect in a
// single-node engine; setting one is not a mistake, so it draws no warning.
var ignoredOptions = []string{
	"best_effort", "client_max_redirect_count", "client_results_reader_allow_varying_row_widths",
	"deferpartialqueryfailures", "materialized_view_shuffle_query", "maxmemoryconsumptionperiterator",
	"maxoutputcolumns", "norequesttimeout", "push_selection_through_aggregation", "query_bin_auto_at",
	"query_bin_auto_size", "query_cursor_after_default", "query_cursor_before_or_at_default",
	"query_cursor_current", "query_cursor_disabled", "query_cursor_scoped_tables", "query_datascope",
	"query_distribution_nodes_span", "query_fanout_nodes_percent", "query_fanout_threads_percent",
	"query_force_row_level_security", "query_language", "query_log_query_parameters",
	"query_max_entities_in_union", "query_python_debug", "query_results_cache_force_refresh",
	"query_results_cache_max_age", "query_results_cache_per_shard", "query_results_progressive_row_count",
	"query_results_progressive_update_period", "query_weakconsistency_session_id", "queryconsistency",
	"querytrace", "request_app_name", "request_block_row_level_security", "request_callout_disabled",
	"request_description", "request_external_data_disabled", "request_external_table_disabled",
	"request_impersonation_disabled", "request_readonly", "request_readonly_hardline",
	"request_remote_entities_disabled", "request_sandboxed_execution_disabled", "request_user",
	"results_error_reporting_placement", "results_progressive_enabled", "validatepermissions",
}

// unsupportedOptions change which rows a query sees; ignoring them silently
// would give a different answer than Kusto, so setting one is an error.
var unsupportedOptions = []string{"query_datetimescope_column", "query_datetimescope_from", "query_datetimescope_to"}

// optionNames lists every request property name, for suggestions.
func optionNames() []string {
	names := append(append([]string{}, ignoredOptions...), unsupportedOptions...)
	for n := range requestOptions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// setStatements reads the query's set statements into request options before
// anything else is bound, so query_now reaches every now() and ago(). As in
// Kusto, an option's last setting wins. A property Kusto does not document is
// ignored, as Kusto ignores it, with a warning that suggests the nearest name.
func (b *binder) setStatements(q *parser.Query) (RequestOptions, []string) {
	var opts RequestOptions
	var warnings []string
	for _, st := range q.Statements {
		s, ok := st.(*parser.SetStmt)
		if !ok {
			continue
		}
		name := strings.Join(s.Name.Parts, ".")
		key := strings.ToLower(name)
		opt, known := requestOptions[key]
		switch {
		case known:
		case slices.Contains(unsupportedOptions, key):
			b.errs.add(s.Name.Pos, "request option '%s' is not supported", name)
			continue
		case slices.Contains(ignoredOptions, key):
			continue
		default:
			warnings = append(warnings, fmt.Sprintf("%d:%d: unknown request option '%s' is ignored%s",
				s.Name.Pos.Line, s.Name.Pos.Column, name, didYouMean(name, optionNames())))
			continue
		}
		v, ok := b.optionValue(s, name, opt.kind)
		if ok {
			opt.set(&opts, v)
		}
	}
	if !opts.Now.IsZero() {
		b.opts.Now = opts.Now
	}
	return opts, warnings
}

// optionValue binds a set statement's value and checks it fits the option.
// A bool option without a value is true.
func (b *binder) optionValue(s *parser.SetStmt, name string, kind optionKind) (types.Value, bool) {
	if s.Value == nil {
		if kind == optBool {
			return types.NewBool(true), true
		}
		b.errs.add(s.End(), "expected '=' and a value after 'set %s'", name)
		return types.Value{}, false
	}
	sc := &scope{b: b}
	x := sc.bindExpr(s.Value)
	if x == nil {
		return types.Value{}, false
	}
	c, _ := x.(*Const)
	var want string
	switch kind {
	case optBool:
		if c != nil && c.V.Type == types.Bool && !c.V.Null {
			return c.V, true
		}
		want = "true or false"
	case optCount:
		if c != nil && (c.V.Type == types.Long || c.V.Type == types.Int) && !c.V.Null && c.V.I > 0 {
			return c.V, true
		}
		want = "a positive whole number"
	case optDatetime:
		if c != nil && c.V.Type == types.Datetime && !c.V.Null {
			return c.V, true
		}
		want = "a datetime such as datetime(2024-01-31)"
	case optTimespan:
		if c != nil && c.V.Type == types.Timespan && !c.V.Null && c.V.I > 0 {
			return c.V, true
		}
		want = "a positive timespan such as 1m"
	}
	b.errs.add(s.Value.Start(), "request option '%s' expects %s", name, want)
	return types.Value{}, false
}
