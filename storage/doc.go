// Package storage keeps telemetry and answers scans over it. Acknowledged rows
// are hot batches in badger, in memory column by column as well; sealing turns
// them into indexed columnar segment files, recorded in badger's manifest, and
// drops the batches it covered. Retention drops whole segments, and compaction
// merges small ones.
package storage
