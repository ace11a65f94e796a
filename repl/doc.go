// Package repl is for the interactive hunting terminal: multi-line input, history,
// completion and tabular output. Not built yet.
package repl
