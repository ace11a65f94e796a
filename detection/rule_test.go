package detection

import (
	"strings"
	"testing"

	"github.com/spoorhq/spoor/planner"
	"github.com/spoorhq/spoor/types"
)

// goodRule is a rule that passes every check; tests change one thing.
func goodRule() Rule {
	return Rule{
		Name:      "lsass-dump",
		Frequency: "1h",
		Severity:  "high",
		Category:  "CredentialAccess",
		Mitre:     []string{"T1003.001"},
		Title:     "LSASS dumped on {{DeviceName}}",
		Query: `DeviceProcessEvents | where ProcessCommandLine has "MiniDump"
| project Timestamp, DeviceId, DeviceName, ReportId, AccountUpn`,
		Entities: Entities{Device: "DeviceId", User: "AccountUpn"},
		Actions:  []ActionSpec{{Action: "isolate_device", Column: "DeviceId"}},
	}
}

func TestRuleCheck(t *testing.T) {
	tests := []struct {
		name   string
		change func(r *Rule)
		want   string // "" for accepted
	}{
		{"good", func(r *Rule) {}, ""},
		{"frequency aliases", func(r *Rule) { r.Frequency = "1D" }, ""},
		{"no Timestamp", func(r *Rule) {
			r.Query = "DeviceProcessEvents | project DeviceId, DeviceName, ReportId, AccountUpn"
		}, "the query does not return Timestamp"},
		{"no ReportId", func(r *Rule) {
			r.Query = "DeviceProcessEvents | project Timestamp, DeviceId, DeviceName, AccountUpn"
		}, "does not return ReportId, which with DeviceId and ReportId identifies each DeviceProcessEvents event"},
		{"no DeviceId", func(r *Rule) {
			r.Query = "DeviceProcessEvents | project Timestamp, ReportId, DeviceName, AccountUpn"
			r.Entities.Device = "DeviceName"
			r.Actions = nil
		}, "does not return DeviceId"},
		{"email key", func(r *Rule) {
			r.Query = "EmailEvents | project Timestamp, NetworkMessageId, SenderFromAddress"
			r.Entities = Entities{Mailbox: "SenderFromAddress"}
			r.Actions, r.Title = nil, "mail"
		}, "does not return RecipientEmailAddress"},
		{"other tables need ReportId", func(r *Rule) {
			r.Query = "IdentityLogonEvents | project Timestamp, AccountUpn"
			r.Entities = Entities{User: "AccountUpn"}
			r.Actions, r.Title = nil, "logon"
		}, "does not return ReportId, which with ReportId identifies each IdentityLogonEvents event"},
		{"entity column missing", func(r *Rule) { r.Entities.User = "AccountSid" }, "does not return AccountSid, which the rule names as its impacted user"},
		{"no entity", func(r *Rule) { r.Entities = Entities{} }, "names no impacted entity"},
		{"placeholder column missing", func(r *Rule) { r.Title = "dump on {{Computer}}" }, "placeholder {{Computer}} names"},
		{"four placeholders", func(r *Rule) {
			r.Description = "{{DeviceName}} {{DeviceId}} {{AccountUpn}} {{ReportId}}"
		}, "the description has 4 placeholders; at most three"},
		{"unknown action", func(r *Rule) { r.Actions = []ActionSpec{{Action: "wipe_device", Column: "DeviceId"}} }, `response action "wipe_device" is not known`},
		{"action column missing", func(r *Rule) { r.Actions = []ActionSpec{{Action: "quarantine_file", Column: "SHA256"}} }, "does not return SHA256, which response action quarantine_file acts on"},
		{"bad frequency", func(r *Rule) { r.Frequency = "2h" }, `frequency "2h" is not valid: use nrt, 1h, 3h, 12h or 24h`},
		{"bad severity", func(r *Rule) { r.Severity = "critical" }, `severity "critical" is not valid`},
		{"bad category", func(r *Rule) { r.Category = "Hacking" }, `category "Hacking" is not valid`},
		{"bad technique", func(r *Rule) { r.Mitre = []string{"1003"} }, `MITRE technique "1003" is not valid`},
		{"bad name", func(r *Rule) { r.Name = "lsass dump!" }, `rule name "lsass dump!" is not valid`},
		{"no title", func(r *Rule) { r.Title = " " }, "the alert needs a title"},
		{"query does not parse", func(r *Rule) { r.Query = "DeviceProcessEvents | whre x" }, "the query does not compile"},
		{"query does not bind", func(r *Rule) { r.Query = "DeviceProcessEvnts | take 1" }, "the query does not compile"},
		{"nrt single table", func(r *Rule) { r.Frequency = "nrt" }, ""},
		{"nrt with union", func(r *Rule) {
			r.Frequency = "nrt"
			r.Query = "union DeviceProcessEvents, DeviceFileEvents | project Timestamp, DeviceId, DeviceName, ReportId, AccountUpn"
		}, "a near-real-time rule reads one table; this query reads 2"},
		{"nrt with self join", func(r *Rule) {
			r.Frequency = "nrt"
			r.Query = `DeviceProcessEvents | join kind=inner (DeviceProcessEvents | project DeviceId, X=1) on DeviceId
| project Timestamp, DeviceId, DeviceName, ReportId, AccountUpn`
		}, "a near-real-time rule cannot use join"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := goodRule()
			tt.change(&r)
			_, err := r.Check(BuiltinPlanner())
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want != "" && err == nil:
				t.Fatalf("accepted; want an error with %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("error %q\nlacks %q", err, tt.want)
			}
		})
	}
}

func TestQueryErrorIsPositioned(t *testing.T) {
	r := goodRule()
	r.Query = "DeviceProcessEvents\n| where FileNme == 'x'\n| project Timestamp, DeviceId, ReportId, AccountUpn"
	_, err := r.Check(BuiltinPlanner())
	if err == nil || !strings.Contains(err.Error(), "2:9") || !strings.Contains(err.Error(), "^") {
		t.Fatalf("want a positioned error with a caret, got %v", err)
	}
}

func TestParseRuleRefusesUnknownFields(t *testing.T) {
	_, err := ParseRule([]byte("name: x\nquery: T\nfrequncy: 1h\n"))
	if err == nil || !strings.Contains(err.Error(), "frequncy") {
		t.Fatalf("want an error naming the unknown field, got %v", err)
	}
	r, err := ParseRule([]byte("name: x\nfrequency: 3h\nentities: {device: DeviceId}\nactions:\n  - {action: isolate_device, column: DeviceId}\n"))
	if err != nil || r.Frequency != "3h" || r.Entities.Device != "DeviceId" || len(r.Actions) != 1 {
		t.Fatalf("got %+v, %v", r, err)
	}
	y, err := MarshalRule(r)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseRule(y)
	if err != nil || back.Name != r.Name || back.Actions[0].Action != r.Actions[0].Action {
		t.Fatalf("round trip: %+v, %v\n%s", back, err, y)
	}
}

func TestRender(t *testing.T) {
	cols := []planner.Column{{Name: "DeviceName", Type: types.String}, {Name: "Files", Type: types.Long}, {Name: "Empty", Type: types.String}}
	row := []types.Value{types.NewString("wks-1"), types.NewLong(120), types.NullOf(types.String)}
	tests := []struct{ in, want string }{
		{"{{Files}} files on {{DeviceName}}", "120 files on wks-1"},
		{"{{ DeviceName }}", "wks-1"},
		{"[{{Empty}}]", "[]"},
		{"no placeholders", "no placeholders"},
		{"{{Unknown}} stays", "{{Unknown}} stays"},
	}
	for _, tt := range tests {
		if got := render(tt.in, row, cols); got != tt.want {
			t.Errorf("render(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFrequencies(t *testing.T) {
	want := map[string]string{"1h": "4h0m0s", "3h": "12h0m0s", "12h": "48h0m0s", "24h": "720h0m0s", "nrt": "0s"}
	for name, back := range want {
		f, err := ParseFrequency(name)
		if err != nil || f.Lookback.String() != back {
			t.Errorf("%s: lookback %v, %v; want %s", name, f.Lookback, err, back)
		}
	}
}

func TestSparkline(t *testing.T) {
	if got := Sparkline([]int{0, 7, 14}); got != "▁▄█" {
		t.Errorf("got %q", got)
	}
	if got := Sparkline([]int{5, 5}); got != "▁▁" {
		t.Errorf("flat: got %q", got)
	}
}
