// Package functions is for the catalogue of KQL scalar and aggregate functions: one entry
// per function that type checking, completion and the schema API all read. Not built yet.
package functions
