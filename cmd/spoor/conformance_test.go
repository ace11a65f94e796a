package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

const conformanceCases = `{"id":"c#1","query":"print x = 1 + 1","expected":{"columns":["x"],"rows":[["2"]]},"self_contained":true,"row_order":"source","flags":[]}
{"id":"c#2","query":"range x from 1 to 3 step 1","expected":{"columns":["x"],"rows":[["1"],["2"],["4"]]},"self_contained":true,"row_order":"source","flags":[]}
{"id":"c#3","query":"print now()","expected":{"columns":["print_0"],"rows":[["2024-01-01"]]},"self_contained":true,"flags":["nondeterministic"]}
{"id":"c#4","query":"datatable(a:string)['x','y'] | summarize count() by a","expected":{"columns":["a","count_"],"types":["string","long"],"rows":[["y","1"],["x","1"]]},"self_contained":true,"row_order":"unordered","flags":[]}
{"id":"c#5","query":"StormEvents | count","expected":{"columns":["Count"],"rows":[["1"]]},"self_contained":false}
`

func TestConformance(t *testing.T) {
	inDir(t, map[string]string{
		"cases.jsonl": conformanceCases,
		"floor":       "cases.passed=2\ncases.failed_max=1\n",
		"high-floor":  "cases.passed=3\n",
		"fix.jsonl":   `{"id":"c#2","reason":"the third row is 3","expected":{"columns":["x"],"rows":[["1"],["2"],["3"]]}}` + "\n",
	})
	var out, errb bytes.Buffer
	code := run([]string{"conformance", "cases.jsonl"}, &out, &errb)
	if code != 1 || !strings.Contains(out.String(), "FAIL c#2: row 3 differs") ||
		!strings.HasSuffix(out.String(), "2 passed, 1 failed, 2 skipped\n") {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}

	out.Reset()
	code = run([]string{"conformance", "--json", "cases.jsonl"}, &out, &errb)
	var rep struct {
		Total, Passed, Failed, Skipped int
		Failures                       []struct{ ID, Reason string }
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("--json output: %v\n%s", err, out.String())
	}
	if code != 1 || rep.Total != 5 || rep.Passed != 2 || rep.Failed != 1 || rep.Skipped != 2 || len(rep.Failures) != 1 || rep.Failures[0].ID != "c#2" {
		t.Errorf("exit %d, report %+v", code, rep)
	}

	out.Reset()
	if code := run([]string{"conformance", "--overrides", "fix.jsonl", "cases.jsonl"}, &out, &errb); code != 0 {
		t.Errorf("with the override: exit %d, stdout:\n%s", code, out.String())
	}

	errb.Reset()
	if code := run([]string{"conformance", "--floor", "floor", "cases.jsonl"}, &out, &errb); code != 0 {
		t.Errorf("floor met: exit %d, stderr:\n%s", code, errb.String())
	}
	errb.Reset()
	if code := run([]string{"conformance", "--floor", "high-floor", "cases.jsonl"}, &out, &errb); code != 1 ||
		!strings.Contains(errb.String(), "passed 2 is below the floor 3: FAIL") {
		t.Errorf("floor missed: exit %d, stderr:\n%s", code, errb.String())
	}
}
