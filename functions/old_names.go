package functions

// The older and alternative spellings of functions that Kusto still accepts, each
// an alias of the function under its current name. Spellings of types (boolean,
// double, date, time, uuid, uniqueid) are type names, not functions, and
// column_ifexists is bound by the planner; neither is here.

func init() {
	for alias, canonical := range map[string]string{
		"extractall":    "extract_all",
		"make_string":   "unicode_codepoints_to_string",
		"to_utf8":       "unicode_codepoints_from_string",
		"weekofyear":    "week_of_year",
		"parseurl":      "parse_url",
		"parseurlquery": "parse_urlquery",
		"anyif":         "take_anyif",
	} {
		Alias(alias, canonical)
	}
}
