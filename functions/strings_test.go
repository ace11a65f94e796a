package functions

import (
	"fmt"
	"strings"
	"testing"

	"github.com/spoorhq/spoor/types"
	"github.com/spoorhq/spoor/vector"
)

// strOp evaluates a binary string operator over text rows against one constant needle.
func strOp(_ string, needle string, text ...string) []*vector.Vector {
	cells := make([]any, len(text))
	for i, s := range text {
		cells[i] = s
	}
	return a(col(S, cells...), rep(S, needle, len(text)))
}

func TestStringOperators(t *testing.T) {
	const guidText = "Kusto:  ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;;KustoExplorerQueryRun"
	na := "North America"
	runCases(t, []evalCase{
		// The docs' examples.
		{"has", strOp("has", "america", na, "SouthAmericas", ""), w("true", "false", "false")},
		{"!has", strOp("!has", "amer", na), w("true")},
		{"has_cs", strOp("has_cs", "America", na, "north america"), w("true", "false")},
		{"has", strOp("has", "Explorer", guidText), w("false")},
		{"has", strOp("has", "kustoexplorerqueryrun", guidText), w("true")},
		{"has", strOp("has", "c1db", guidText), w("true")},
		// Phrases: alphanumeric ends must sit at term boundaries.
		{"has", strOp("has", "c1db-4f9f", guidText), w("true")},
		{"has", strOp("has", "1db-4f9f", guidText), w("false")},
		{"has", strOp("has", "c1db-4f9", guidText), w("false")},
		{"has", strOp("has", "-4f9f-", guidText), w("true")},
		{"has", strOp("has", "north america", "in NORTH AMERICA.", "northern america"), w("true", "false")},
		{"has", strOp("has", "a.b", "x a.b y", "xa.b", "a.bc"), w("true", "false", "false")},
		{"has", strOp("has", "", "abc", ""), w("true", "true")},
		{"hasprefix", strOp("hasprefix", "ame", na), w("true")},
		{"!hasprefix", strOp("!hasprefix", "mer", na), w("true")},
		{"hasprefix_cs", strOp("hasprefix_cs", "Ame", na, "north america"), w("true", "false")},
		{"!hasprefix_cs", strOp("!hasprefix_cs", "CA", na), w("true")},
		{"hasprefix", strOp("hasprefix", "c1db-4f", guidText), w("true")},
		{"hassuffix", strOp("hassuffix", "ica", na), w("true")},
		{"!hassuffix", strOp("!hassuffix", "americ", na), w("true")},
		{"hassuffix_cs", strOp("hassuffix_cs", "icA", na), w("false")},
		{"hassuffix", strOp("hassuffix", "db-4f9f", guidText), w("true")},
		// Non-ASCII needles fold with Unicode rules; non-ASCII characters split terms.
		{"has", strOp("has", "ÄRGER", "viel ärger hier", "ärgerlich"), w("true", "false")},
		{"has", strOp("has", "caf", "café"), w("true")},
		{"contains", strOp("contains", "BRik", "FabriKam", "Fabrkam"), w("true", "false")},
		{"!contains", strOp("!contains", "xyz", "Fabrikam"), w("true")},
		{"contains_cs", strOp("contains_cs", "Kam", "FabriKam", "Fabrikam"), w("true", "false")},
		{"!contains_cs", strOp("!contains_cs", "Kam", "Fabrikam"), w("true")},
		{"contains", strOp("contains", "", "x", ""), w("true", "true")},
		{"contains", strOp("contains", "ÉT", "l'été"), w("true")},
		{"startswith", strOp("startswith", "fab", "Fabrikam", "fa"), w("true", "false")},
		{"!startswith", strOp("!startswith", "kam", "Fabrikam"), w("true")},
		{"startswith_cs", strOp("startswith_cs", "Fab", "Fabrikam", "fabrikam"), w("true", "false")},
		{"!startswith_cs", strOp("!startswith_cs", "fab", "Fabrikam"), w("true")},
		{"endswith", strOp("endswith", "Kam", "Fabrikam"), w("true")},
		{"!endswith", strOp("!endswith", "brik", "Fabrikam"), w("true")},
		{"endswith_cs", strOp("endswith_cs", "Kam", "FabriKam", "Fabrikam"), w("true", "false")},
		{"!endswith_cs", strOp("!endswith_cs", "brik", "Fabrikam"), w("true")},
		{"=~", strOp("=~", "abc", "ABC", "abd"), w("true", "false")},
		{"!~", strOp("!~", "xyz", "aBc"), w("true")},
		{"matches regex", strOp("matches regex", "b.*k", "Fabrikam", "Fakbr"), w("true", "false")},
		// Needles that vary by row, and dynamic text.
		{"has", a(col(S, "a b", "a b"), col(S, "a", "c")), w("true", "false")},
		{"has", a(col(D, `{"msg":"hello world"}`, `"hello"`, "null"), rep(S, "hello", 3)), w("true", "true", "false")},
		{"has_any", a(col(S, na, "SOUTH DAKOTA", "EAST"), rep(S, "south", 3), rep(S, "north", 3)), w("true", "true", "false")},
		{"has_any", a(col(S, na, "x"), rep(D, `["america", "y"]`, 2)), w("true", "false")},
		{"has_any", a(col(S, "a-b c", "a-bc"), rep(S, "a-b", 2)), w("true", "false")},
		{"has_all", a(col(S, "cold strong hail", "cold hail", "Cold HAIL strong x"), rep(D, `["cold","strong","hail"]`, 3)), w("true", "false", "true")},
		{"has_all", a(col(S, "a-b c", "a-b"), rep(S, "c", 2), rep(S, "a-b", 2)), w("true", "false")},
		{"has_all", a(col(S, "a-b c d", "a-b c"), rep(S, "a-b", 2), rep(S, "c", 2), rep(S, "d", 2)), w("true", "false")},
	})
}

func TestStringOperatorCheck(t *testing.T) {
	runChecks(t, []checkCase{
		{"has", tt(S, S), nil, "bool"},
		{"has", tt(D, S), nil, "bool"},
		{"has", tt(L, S), nil, "'has' expects a string on its left, got long"},
		{"has", tt(S, D), nil, "'has' expects a string on its right, got dynamic"},
		{"contains", tt(S, D), nil, "bool"},
		{"matches regex", tt(S, S), []*types.Value{nil, constant(S, "(")}, "'matches regex': invalid regex \"(\": error parsing regexp: missing closing ): `(`"},
		{"has_any", tt(L, S), nil, "'has_any' expects a string on its left, got long"},
	})
}

func TestStringFunctions(t *testing.T) {
	runCases(t, []evalCase{
		{"strlen", a(col(S, "hello", "⒦⒰⒮⒯⒪", "", "C\u0327edilla")), w("5", "5", "0", "8")},
		{"strlen", a(col(D, `"abc"`, "null", "[1]")), w("3", "0", "3")},
		{"string_size", a(col(S, "⒦⒰⒮⒯⒪")), w("15")},
		{"tolower", a(col(S, "Hello", "ÄB")), w(`"hello"`, `"äb"`)},
		{"toupper", a(col(L, 12, nil)), w(`"12"`, `""`)},
		{"strcat", a(col(S, "a", "b"), col(L, 1, nil), col(TS, "1s", "1s")), w(`"a100:00:01"`, `"b00:00:01"`)},
		{"strcat_delim", a(rep(S, "-", 1), col(L, 1), col(S, "2"), col(S, "A"), col(TS, "1s")), w(`"1-2-A-00:00:01"`)},
		{"strcmp", a(col(S, "a", "b", "a"), col(S, "b", "a", "a")), w("-1", "1", "0")},
		// The docs' substring examples, and clamping.
		{"substring", a(col(S, "123456", "123456", "ABCD", "123456", "abc", "abc", "äöü"),
			col(L, 1, 2, 0, -2, 5, -10, 1), col(L, 100, 2, 2, 2, 1, 2, 1)), w(`"23456"`, `"34"`, `"AB"`, `"56"`, `""`, `"ab"`, `"ö"`)},
		{"substring", a(col(S, "123456", "abc"), col(L, 1, nil)), w(`"23456"`, `""`)},
		{"substring", a(col(S, "abc"), col(L, 1), col(L, -1)), w(`""`)},
		// The docs' indexof examples.
		{"indexof", a(col(S, "abcdefg"), col(S, "cde")), w("2")},
		{"indexof", a(col(S, "abcdefg", "abcdefg", "abcdefg"), col(S, "cde", "cde", "cde"), col(L, 1, 1, 3), col(L, 4, 2, 4)), w("2", "-1", "-1")},
		{"indexof", a(col(S, "abcdefg"), col(S, "cde"), col(L, -5)), w("2")},
		{"indexof", a(col(L, 1234567), col(L, 5), col(L, 1), col(L, 4)), w("4")},
		{"indexof", a(col(S, "abcdefg"), col(S, "cde"), col(L, 2), col(L, -1)), w("2")},
		{"indexof", a(col(S, "abcdefgabcdefg", "abcdefgabcdefg"), col(S, "cde", "cde"), col(L, 1, 1), col(L, 10, -1), col(L, 2, 3)), w("9", "-1")},
		{"indexof", a(col(S, "abc", "abc", "abc"), col(S, "b", "b", "b"), col(L, 0, 0, nil), col(L, -2, 1, 1)), w("null", "1", "null")},
		{"indexof", a(col(S, "äbc"), col(S, "c")), w("2")},
		// The docs' countof examples.
		{"countof", a(col(S, "aaa", "aaaa", "ababa", "ababa"), col(S, "a", "aa", "ab", "aba")), w("3", "3", "2", "2")},
		{"countof", a(col(S, "ababa", "abcabc"), col(S, "aba", "a.c"), rep(S, "regex", 2)), w("1", "2")},
		{"countof", a(col(S, "abc"), col(S, "")), w("0")},
		{"replace_string", a(col(S, "A magic trick can turn a cat into a dog", "x"), col(S, "cat", ""), col(S, "hamster", "y")),
			w(`"A magic trick can turn a hamster into a dog"`, `"x"`)},
		{"replace_regex", a(col(S, "Number is 1", "a$b"), col(S, `is (\d+)`, `\$`), col(S, `was: \1`, `[$0\\]`)),
			w(`"Number was: 1"`, `"a[$0\\]b"`)},
		{"trim", a(col(S, "--", `[^\w]+`, `\s+`), col(S, "--https://bing.com--", "-  Te st1// $", "    Hello, world!    ")),
			w(`"https://bing.com"`, `"Te st1"`, `"Hello, world!"`)},
		{"trim_start", a(col(S, "https://", `[^\w]+`), col(S, "https://bing.com", "-  Te st1// $")), w(`"bing.com"`, `"Te st1// $"`)},
		{"trim_end", a(col(S, `[^\w]+`, "ab"), col(S, "-  Te st1// $", "abab")), w(`"-  Te st1"`, `""`)},
		// The docs' split examples.
		{"split", a(col(S, "aa_bb", "", "a__b", "aabbcc"), col(S, "_", "_", "_", "bb")), w(`["aa","bb"]`, `[""]`, `["a","","b"]`, `["aa","cc"]`)},
		{"split", a(col(S, "aaa_bbb_ccc", "a_b", "a_b"), col(S, "_", "_", "_"), col(L, 1, 5, nil)), w(`["bbb"]`, `[]`, "null")},
		{"extract", a(col(S, "User: ([^,]+)", `Email: (\S+),`, `\d+`, `(a)|(b)`),
			col(L, 1, 1, 0, 2), col(S, "User: James, Email: James@example.com, Age: 29", "User: David, Age: 35", "User: David, Age: 35", "a")),
			w(`"James"`, `""`, `"35"`, `""`)},
		{"extract_all", a(col(S, `(\d+)`, `([\da-f]{2})`, `(\w)(\w+)(\w)`, `(\d)`), col(S, "a set of numbers: 123, 567 and 789", "82b8be2d", "82b8be2d-dfa7", "none")),
			w(`["123","567","789"]`, `["82","b8","be","2d"]`, `[["8","2b8be2","d"],["d","fa","7"]]`, "null")},
		{"extract_all", a(col(S, `(?P<first>\w)(?P<middle>\w+)(?P<last>\w)`, `(\w)(\w+)(\w)`), col(D, `["first",2,"last"]`, "[1,3]"), col(S, "dfa7", "82b8be2d")),
			w(`[["d","fa","7"]]`, `[["8","d"]]`)},
		{"reverse", a(col(S, "ABC", "äb"), col(S, "x", "y"))[:1], w(`"CBA"`, `"bä"`)},
		{"reverse", a(col(L, 12345), col(L, 0))[:1], w(`"54321"`)},
		{"strrep", a(col(S, "ABC", "x", "x"), col(L, 2, 0, nil)), w(`"ABCABC"`, `""`, `""`)},
		{"strrep", a(col(L, 123), col(L, 3), col(S, ".")), w(`"123.123.123"`)},
		{"base64_encode_tostring", a(col(S, "Kusto", "")), w(`"S3VzdG8="`, `""`)},
		{"base64_decode_tostring", a(col(S, "S3VzdG8=", "S3VzdG8", "U3RyaW5n0KHR0tGA0L7Rh9C60LA=", "!!")), w(`"Kusto"`, `""`, `""`, `""`)},
		{"base64_decode_tostring", a(col(S, "/w==", "0KHRgg==")), w(`""`, `"Ст"`)},
		{"url_encode", a(col(S, "https://www.bing.com/hello world")), w(`"https%3a%2f%2fwww.bing.com%2fhello+world"`)},
		{"url_encode_component", a(col(S, "https://www.bing.com/hello world/")), w(`"https%3a%2f%2fwww.bing.com%2fhello%20world%2f"`)},
		{"url_decode", a(col(S, "https%3a%2f%2fwww.bing.com%2f", "a+b%2", "%u00e9")), w(`"https://www.bing.com/"`, `"a b%2"`, `"é"`)},
	})
}

func TestStringFunctionCheck(t *testing.T) {
	runChecks(t, []checkCase{
		{"strlen", tt(L), nil, "strlen() expects a string, got long"},
		{"tolower", tt(L), nil, "string"},
		{"substring", tt(S, S), nil, "substring() expects an integer for start, got string"},
		{"trim", tt(S, L), nil, "trim() expects a string for source, got long"},
		{"extract", tt(S, L, S), []*types.Value{constant(S, "(a)"), constant(L, -1), nil}, "extract(): the capture group must be 0 (the whole match) or more, got -1"},
		{"extract", tt(S, L, S), []*types.Value{constant(S, "[")}, "extract(): invalid regex \"[\": error parsing regexp: missing closing ]: `[`"},
		{"extract_all", tt(S, S), []*types.Value{constant(S, `\d+`)}, "extract_all() expects a regex with at least one capture group"},
		{"countof", tt(S, S, S), []*types.Value{nil, nil, constant(S, "fuzzy")}, `countof() expects the kind "normal" or "regex"`},
		{"strcat", tt(), nil, "strcat() takes at least 1 argument, got 0"},
	})
}

// TestHasAgreesWithTerms checks the term fast path against a plain definition: a
// needle made of letters and digits is a whole term of the text, ignoring case.
func TestHasAgreesWithTerms(t *testing.T) {
	texts := []string{"", "a", "abc", "ABC def", "x-abc-y", "abcabc", "a.b.c", "Abc1 abc_2", "ébc abc", "ab\x80c"}
	needles := []string{"a", "abc", "ABC", "b", "c", "abc1", "2", "bc"}
	for _, text := range texts {
		terms := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
			return r >= 0x80 || !isAlnum[byte(r)]
		})
		for _, needle := range needles {
			want := false
			for _, term := range terms {
				want = want || term == strings.ToLower(needle)
			}
			m := newTermMatcher(needle, termWhole, true)
			if got := m.match(text); got != want {
				t.Errorf("%q has %q = %v, want %v", text, needle, got, want)
			}
		}
	}
}

// BenchmarkHas measures has with a constant needle over 64K log-like strings: a
// needle most rows have, and one no row has (every row is scanned to its end).
func BenchmarkHas(b *testing.B) {
	b.Run("common", func(b *testing.B) { benchHas(b, "contoso") })
	b.Run("absent", func(b *testing.B) { benchHas(b, "mimikatz") })
}

func benchHas(b *testing.B, needleText string) {
	const n = 65536
	cells := make([]any, n)
	for i := range cells {
		cells[i] = fmt.Sprintf(`"C:\Windows\System32\cmd.exe" /c powershell -enc %08x; user=CONTOSO\user%d host=ws-%04d.contoso.local`, i*2654435761, i%97, i%1000)
	}
	text := col(S, cells...)
	needle := rep(S, needleText, n)
	spec, _ := Lookup("has")
	var size int64
	for _, s := range text.Strs {
		size += int64(len(s))
	}
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		if _, err := spec.Eval(a(text, needle), n); err != nil {
			b.Fatal(err)
		}
	}
}
