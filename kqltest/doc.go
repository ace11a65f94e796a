// Package kqltest is for running the .kqltest golden files against both the in-memory
// reference and the indexed store and reporting any difference. Not built yet.
package kqltest
