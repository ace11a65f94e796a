package schema

import "testing"

func TestBuiltin(t *testing.T) {
	names := BuiltinNames()
	if len(names) < 100 {
		t.Fatalf("%d built-in tables, want the Defender and Sentinel sets", len(names))
	}
	dpe, ok := Builtin("DeviceProcessEvents")
	if !ok || dpe.TimeColumn != "Timestamp" || dpe.Index("ProcessCommandLine") < 0 {
		t.Fatalf("DeviceProcessEvents: %+v", dpe)
	}
	si, ok := Builtin("SigninLogs")
	if !ok || si.TimeColumn != "TimeGenerated" {
		t.Fatalf("SigninLogs: %+v", si)
	}
	ii, _ := Builtin("IdentityInfo")
	if ii.Index("AccountUpn") < 0 || ii.Index("AccountUPN") < 0 {
		t.Fatal("IdentityInfo lacks one of the two spellings of its UPN column")
	}
}
