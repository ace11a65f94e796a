// Package types is for the KQL types (bool, int, long, real, decimal, string, datetime,
// timespan, guid, dynamic) and their values, with Kusto's null semantics. Not built yet.
package types
