// Package storage is for keeping telemetry (hot rows in badger, sealed and indexed columnar
// segments, retention, compaction) and answering scans over it. Not built yet.
package storage
