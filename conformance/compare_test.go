package conformance

import (
	"math"
	"testing"

	"github.com/spoorhq/spoor/types"
)

func TestCellMatches(t *testing.T) {
	dt := func(s string) types.Value {
		v, err := types.ParseDatetime(s)
		if err != nil {
			t.Fatal(err)
		}
		return types.NewDatetime(v)
	}
	ts := func(s string) types.Value {
		v, err := types.ParseTimespan(s)
		if err != nil {
			t.Fatal(err)
		}
		return types.NewTimespan(v)
	}
	dyn := func(s string) types.Value {
		v, err := types.ParseDynamic(s)
		if err != nil {
			t.Fatal(err)
		}
		return types.NewDynamic(v)
	}
	tests := []struct {
		v    types.Value
		cell string
		want bool
	}{
		{types.NullOf(types.Long), "", true},
		{types.NullOf(types.Long), "(null)", true},
		{types.NewString(""), "", true},
		{types.NewLong(0), "", false},
		{types.NewBool(true), "True", true},
		{types.NewBool(false), "0", true},
		{types.NewBool(false), "true", false},
		{types.NewLong(1048576), "1,048,576", true},
		{types.NewLong(1), "1.0", true},
		{types.NewLong(2), "1", false},
		{types.NewReal(0.98237), "0.982", true},
		{types.NewReal(0.98237), "0.983", true},
		{types.NewReal(0.98237), "0.985", false},
		{types.NewReal(2.20904969985854e-05), "2.20904969985854E-05", true},
		{types.NewReal(math.NaN()), "NaN", true},
		{types.NewReal(math.Inf(-1)), "-Infinity", true},
		{types.NewReal(math.Inf(1)), "∞", true},
		{types.NewReal(1.5), "1.6", false},
		{dt("2022-04-30T05:00:00Z"), "2022-04-30 05:00:00.0000000", true},
		{dt("2020-01-01T00:00:00Z"), "2020-01-01T00:00:00Z", true},
		{dt("2023-02-01T00:00:00Z"), "2023-02-01", true},
		{dt("2016-02-17T08:40:00Z"), "02/17/2016 08:40:00", true},
		{dt("2016-02-17T08:40:00Z"), "2016-02-17 08:40:01", false},
		{ts("1.00:00:00"), "1.00:00:00", true},
		{ts("00:00:01.5"), "00:00:01.5000000", true},
		{ts("-12:00:00"), "-12:00:00", true},
		{ts("14.00:00:00"), "14:00:00:00", true},
		{dyn(`{"a":1,"b":[1,2]}`), `{ "b": [1, 2.0], "a": 1 }`, true},
		{dyn(`[1,2]`), `[2,1]`, false},
		{dyn(`"abc"`), `abc`, true},
		{dyn(`"abc"`), `"abc"`, true},
		{types.NewGuid("74be27de-1e4e-49d9-b579-fe0b331d3642"), "74BE27DE-1E4E-49D9-B579-FE0B331D3642", true},
		{types.NewString("a\nb"), cleanCell("a<br>b"), true},
		{types.NewString("x"), cleanCell("`x`"), true},
		{types.NewString("a & b"), cleanCell("a &amp; b"), true},
	}
	for _, tt := range tests {
		if got := cellMatches(tt.v, tt.cell); got != tt.want {
			t.Errorf("cellMatches(%s %q, %q) = %v, want %v", tt.v.Type, types.Format(tt.v), tt.cell, got, tt.want)
		}
	}
}
