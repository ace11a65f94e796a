package parser

// operators lists every tabular operator that may follow a pipe, sorted by keyword.
// Adding an operator means adding its type here and, if it can start a pipeline,
// to sources as well.
var operators = []Operator{
	&AsOp{},
	&ConsumeOp{},
	&CountOp{},
	&DistinctOp{},
	&EvaluateOp{},
	&ExtendOp{},
	&FacetOp{},
	&ForkOp{},
	&GetSchemaOp{},
	&InvokeOp{},
	&JoinOp{},
	&LookupOp{},
	&MacroExpandOp{},
	&MakeSeriesOp{},
	&MvApplyOp{},
	&MvExpandOp{},
	&ParseOp{},
	&ParseKvOp{},
	&ParseWhereOp{},
	&PartitionOp{},
	&ProjectOp{},
	&ProjectAwayOp{},
	&ProjectByNamesOp{},
	&ProjectKeepOp{},
	&ProjectRenameOp{},
	&ProjectReorderOp{},
	&ReduceOp{},
	&RenderOp{},
	&SampleOp{},
	&SampleDistinctOp{},
	&ScanOp{},
	&SearchOp{},
	&SerializeOp{},
	&SortOp{},
	&SummarizeOp{},
	&TakeOp{},
	&TopOp{},
	&TopHittersOp{},
	&TopNestedOp{},
	&UnionOp{},
	&WhereOp{},
}

// sources lists what can start a pipeline; a plain expression comes last.
var sources = []Source{
	&DatatableOp{},
	&EvaluateOp{},
	&ExternalDataOp{},
	&FindOp{},
	&InlineExternalTableOp{},
	&MacroExpandOp{},
	&PrintOp{},
	&RangeOp{},
	&SearchOp{},
	&UnionOp{},
	&ExprSource{},
}

// operatorNames are the keywords that may follow a pipe, for error suggestions.
var operatorNames = []string{
	"as", "consume", "count", "distinct", "evaluate", "extend", "externaldata", "facet", "filter",
	"find", "fork", "getschema", "invoke", "join", "limit", "lookup", "macro-expand",
	"make-series", "mv-apply", "mv-expand", "mvexpand", "order", "parse", "parse-kv",
	"parse-where", "partition", "print", "project", "project-away", "project-by-names",
	"project-keep", "project-rename", "project-reorder", "range", "reduce", "render", "sample",
	"sample-distinct", "scan", "search", "serialize", "sort", "summarize", "take", "top",
	"top-hitters", "top-nested", "union", "where",
}

func (*AsOp) opNode()             {}
func (*ConsumeOp) opNode()        {}
func (*CountOp) opNode()          {}
func (*DistinctOp) opNode()       {}
func (*EvaluateOp) opNode()       {}
func (*ExtendOp) opNode()         {}
func (*FacetOp) opNode()          {}
func (*ForkOp) opNode()           {}
func (*GetSchemaOp) opNode()      {}
func (*InvokeOp) opNode()         {}
func (*JoinOp) opNode()           {}
func (*LookupOp) opNode()         {}
func (*MacroExpandOp) opNode()    {}
func (*MakeSeriesOp) opNode()     {}
func (*MvApplyOp) opNode()        {}
func (*MvExpandOp) opNode()       {}
func (*ParseOp) opNode()          {}
func (*ParseKvOp) opNode()        {}
func (*ParseWhereOp) opNode()     {}
func (*PartitionOp) opNode()      {}
func (*ProjectOp) opNode()        {}
func (*ProjectAwayOp) opNode()    {}
func (*ProjectByNamesOp) opNode() {}
func (*ProjectKeepOp) opNode()    {}
func (*ProjectRenameOp) opNode()  {}
func (*ProjectReorderOp) opNode() {}
func (*ReduceOp) opNode()         {}
func (*RenderOp) opNode()         {}
func (*SampleOp) opNode()         {}
func (*SampleDistinctOp) opNode() {}
func (*ScanOp) opNode()           {}
func (*SearchOp) opNode()         {}
func (*SerializeOp) opNode()      {}
func (*SortOp) opNode()           {}
func (*SummarizeOp) opNode()      {}
func (*TakeOp) opNode()           {}
func (*TopOp) opNode()            {}
func (*TopHittersOp) opNode()     {}
func (*TopNestedOp) opNode()      {}
func (*UnionOp) opNode()          {}
func (*WhereOp) opNode()          {}

// OperatorNames lists the keywords that may follow a pipe, sorted; for completion
// and suggestions. The caller may not modify the slice.
func OperatorNames() []string { return operatorNames }
