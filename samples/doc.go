// Package samples is for the embedded sample hunting queries and the generator of
// deterministic synthetic telemetry with embedded attack stories. Not built yet.
package samples
