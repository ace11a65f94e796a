// Package types defines KQL's scalar types and values, with Kusto's null
// semantics: every type but string has a null; a string's "empty" is "".
//
// datetime and timespan are 64-bit counts of 100 ns ticks, Kusto's resolution and
// range: a datetime counts from 0001-01-01T00:00:00Z.
package types

import "strings"

// Type is a KQL scalar type.
type Type uint8

// The KQL types. Unknown is the type of an expression that failed to bind.
const (
	Unknown Type = iota
	Bool
	Int
	Long
	Real
	Decimal
	String
	Datetime
	Timespan
	Guid
	Dynamic
)

var typeNames = [...]string{"unknown", "bool", "int", "long", "real", "decimal", "string", "datetime", "timespan", "guid", "dynamic"}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "unknown"
}

// typeAliases maps every accepted spelling of a type name to its type.
var typeAliases = map[string]Type{
	"bool": Bool, "boolean": Bool,
	"int": Int, "int32": Int,
	"long": Long, "int64": Long,
	"real": Real, "double": Real,
	"decimal":  Decimal,
	"string":   String,
	"datetime": Datetime, "date": Datetime,
	"timespan": Timespan, "time": Timespan,
	"guid": Guid, "uuid": Guid, "uniqueid": Guid,
	"dynamic": Dynamic,
}

// ParseType resolves a type name as written in a schema or a query (case-insensitive,
// with Kusto's aliases such as boolean, double, date and time).
func ParseType(name string) (Type, bool) {
	t, ok := typeAliases[strings.ToLower(strings.TrimSpace(name))]
	return t, ok
}

// Numeric reports whether t takes part in arithmetic as a number.
func (t Type) Numeric() bool { return t == Int || t == Long || t == Real || t == Decimal }

// Ticks per unit of time. A datetime counts ticks from 0001-01-01.
const (
	TicksPerMicrosecond int64 = 10
	TicksPerMillisecond int64 = 10_000
	TicksPerSecond      int64 = 10_000_000
	TicksPerMinute      int64 = 60 * TicksPerSecond
	TicksPerHour        int64 = 60 * TicksPerMinute
	TicksPerDay         int64 = 24 * TicksPerHour

	// UnixEpochTicks is 1970-01-01T00:00:00Z as datetime ticks.
	UnixEpochTicks int64 = 621355968000000000
	// MaxDatetimeTicks is 9999-12-31T23:59:59.9999999Z.
	MaxDatetimeTicks int64 = 3155378975999999999
)
