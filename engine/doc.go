// Package engine is for the facade that everything above it uses: query text in; columns,
// rows, statistics and warnings out. Not built yet.
package engine
