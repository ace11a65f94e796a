package planner

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/parser"
	"github.com/spoorhq/spoor/schema"
	"github.com/spoorhq/spoor/types"
)

type testCatalog map[string]*schema.Table

func (c testCatalog) Table(name string) *schema.Table { return c[name] }

func (c testCatalog) TableNames() []string {
	var out []string
	for n := range c {
		out = append(out, n)
	}
	return out
}

var errCatalog = testCatalog{"Proc": {Name: "Proc", TimeColumn: "Timestamp", Columns: []schema.Column{
	{Name: "Timestamp", Type: types.Datetime}, {Name: "DeviceName", Type: types.String},
	{Name: "FileName", Type: types.String}, {Name: "ProcessId", Type: types.Long},
}}}

// TestErrorsKeepComing checks that binding goes on after an error: each later
// mistake is reported too, at most one per line, in the order of the text.
func TestErrorsKeepComing(t *testing.T) {
	cases := []struct {
		query string
		want  []string
	}{
		{"Proc\n| project DevicName\n| where FileNam == 1", []string{
			"2:11 unknown column 'DevicName'; did you mean 'DeviceName'?",
			"3:9 unknown column 'FileNam'",
		}},
		{"Proc\n| project Bad = DeviceName + 1, FileName\n| where Bad > 1\n| where FileName > 1\n| extend x = tolowr(FileName)", []string{
			"2:17 cannot apply '+' to string and long",
			"4:9 cannot compare string with long",
			"5:14 unknown function 'tolowr'; did you mean 'tolower'?",
		}},
		{"Proc\n| extend a = Nope1, b = Nope2\n| summarize count() by a, Nope3", []string{
			"2:14 unknown column 'Nope1'",
			"3:27 unknown column 'Nope3'",
		}},
		{"Proc\n| summarize n = count() * 2, m = tolower(FileName) by DeviceName\n| where n > \"x\"\n| project m, Nope", []string{
			"2:34 tolower() is not an aggregation",
			"3:9 cannot compare long with string",
			"4:14 unknown column 'Nope'",
		}},
		{"let n = nope(1);\nProc\n| where ProcessId == n\n| extend d = todynamic(nope2(FileName))\n| extend e = nope3(FileName)\n| mv-expand e", []string{
			"1:9 unknown function 'nope'",
			"4:24 unknown function 'nope2'",
			"5:14 unknown function 'nope3'",
		}},
		{"Proc\n| where count() > 1\n| project strlen(ProcessId)", []string{
			"2:9 aggregate count() can only be used in summarize",
			"3:11 strlen() expects a string",
		}},
	}
	for _, c := range cases {
		q, err := parser.Parse(c.query)
		if err != nil {
			t.Fatalf("%q: %v", c.query, err)
		}
		_, err = Bind(q, errCatalog, Options{Now: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)})
		var list ErrorList
		if !errors.As(err, &list) {
			t.Errorf("%q: got %v, want errors", c.query, err)
			continue
		}
		var got []string
		for _, e := range list {
			got = append(got, fmt.Sprintf("%d:%d %s", e.Pos.Line, e.Pos.Column, e.Msg))
		}
		ok := len(got) == len(c.want)
		for i := 0; ok && i < len(got); i++ {
			ok = strings.HasPrefix(got[i], c.want[i])
		}
		if !ok {
			t.Errorf("%q:\n got %q\nwant %q", c.query, got, c.want)
		}
	}
}
