// Package executor is for running physical plans over column batches, in parallel across
// segments, within a memory budget and honouring cancellation. Not built yet.
package executor
