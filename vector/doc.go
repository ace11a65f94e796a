// Package vector is for column batches: a few thousand rows of typed columns with null
// bitmaps and a selection vector, the unit that storage and the executor pass around.
// Not built yet.
package vector
