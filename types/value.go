package types

import "time"

// Value is one scalar KQL value. Which field holds the payload depends on Type:
// I for bool (0/1), int, long, datetime and timespan ticks; F for real; S for
// string, guid (canonical lower-case text) and decimal (text); D for dynamic
// (nil, bool, int64, float64, string, []any or map[string]any). Null is true for
// a null of any type but string, whose absence is the empty string.
type Value struct {
	Type Type
	Null bool
	I    int64
	F    float64
	S    string
	D    any
}

// NullOf returns the null value of type t; for string it is the empty string.
func NullOf(t Type) Value {
	if t == String {
		return Value{Type: String}
	}
	return Value{Type: t, Null: true}
}

// NewBool, NewLong, ... build non-null values.
func NewBool(b bool) Value {
	if b {
		return Value{Type: Bool, I: 1}
	}
	return Value{Type: Bool}
}

// NewInt returns an int value.
func NewInt(v int32) Value { return Value{Type: Int, I: int64(v)} }

// NewLong returns a long value.
func NewLong(v int64) Value { return Value{Type: Long, I: v} }

// NewReal returns a real value.
func NewReal(v float64) Value { return Value{Type: Real, F: v} }

// NewString returns a string value.
func NewString(s string) Value { return Value{Type: String, S: s} }

// NewDatetime returns a datetime value from ticks.
func NewDatetime(ticks int64) Value { return Value{Type: Datetime, I: ticks} }

// NewTimespan returns a timespan value from ticks.
func NewTimespan(ticks int64) Value { return Value{Type: Timespan, I: ticks} }

// NewGuid returns a guid value from its canonical text.
func NewGuid(s string) Value { return Value{Type: Guid, S: s} }

// NewDynamic returns a dynamic value.
func NewDynamic(v any) Value { return Value{Type: Dynamic, D: v} }

// TimeToTicks converts a time to datetime ticks.
func TimeToTicks(t time.Time) int64 {
	return UnixEpochTicks + t.Unix()*TicksPerSecond + int64(t.Nanosecond())/100
}

// TicksToTime converts datetime ticks to a UTC time.
func TicksToTime(ticks int64) time.Time {
	d := ticks - UnixEpochTicks
	sec, rem := d/TicksPerSecond, d%TicksPerSecond
	if rem < 0 {
		rem += TicksPerSecond
		sec--
	}
	return time.Unix(sec, rem*100).UTC()
}
