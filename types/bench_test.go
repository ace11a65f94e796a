package types

import "testing"

var sinkValue Value

func benchParse(b *testing.B, t Type, inputs []string) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		v, err := Parse(t, inputs[i%len(inputs)])
		if err != nil {
			b.Fatal(err)
		}
		sinkValue = v
	}
}

func BenchmarkParseDatetimeISO(b *testing.B) {
	benchParse(b, Datetime, []string{
		"2024-01-31T10:00:00Z",
		"2024-01-31T10:00:00.1234567Z",
		"2024-06-15 23:59:59.123+02:00",
		"2023-12-01T00:00:00.0000001Z",
	})
}

func BenchmarkParseDatetimeRFC(b *testing.B) {
	benchParse(b, Datetime, []string{"Sat, 8 Nov 14 15:05:02 GMT", "Saturday, 08-Nov-14 15:05:02 GMT"})
}

func BenchmarkParseLong(b *testing.B) {
	benchParse(b, Long, []string{"0", "42", "-1234567890", "9223372036854775807"})
}

func BenchmarkParseReal(b *testing.B) {
	benchParse(b, Real, []string{"0.5", "3.14159", "-1.5e-7", "123456.789"})
}

func BenchmarkParseTimespan(b *testing.B) {
	benchParse(b, Timespan, []string{"00:10:00", "1.02:03:04.5", "1.5h", "100ms"})
}

func BenchmarkParseDynamic(b *testing.B) {
	benchParse(b, Dynamic, []string{`{"DeviceName":"host-1","Tags":["a","b"],"Score":0.75,"Count":3}`})
}

func BenchmarkFormatDatetime(b *testing.B) {
	b.ReportAllocs()
	buf := make([]byte, 0, 64)
	v := NewDatetime(638422560001234567)
	for b.Loop() {
		buf = AppendFormat(buf[:0], v)
	}
}

func BenchmarkFormatReal(b *testing.B) {
	b.ReportAllocs()
	buf := make([]byte, 0, 64)
	v := NewReal(3.14159)
	for b.Loop() {
		buf = AppendFormat(buf[:0], v)
	}
}
