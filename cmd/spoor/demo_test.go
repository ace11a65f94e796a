package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemo generates a small demo store, opens the REPL on it (standard input is
// not a terminal in tests, so it reads to the end and stops), and checks that a
// second run reuses the store and that a foreign directory is left alone.
func TestDemo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	var out, errb bytes.Buffer
	code := run([]string{"demo", "--data", dir, "--devices", "6", "--days", "2"}, &out, &errb)
	if code != 0 || !strings.Contains(out.String(), "attack stories hidden in it") || !strings.Contains(errb.String(), "generating a demo store") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	for _, f := range []string{demoMarker, "ground-truth.jsonl"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("the demo store lacks %s: %v", f, err)
		}
	}
	out.Reset()
	errb.Reset()
	if code := run([]string{"demo", "--data", dir}, &out, &errb); code != 0 || strings.Contains(errb.String(), "generating") {
		t.Errorf("second run: exit %d, stderr:\n%s", code, errb.String())
	}

	foreign := t.TempDir()
	os.WriteFile(filepath.Join(foreign, "keep.txt"), []byte("mine"), 0o644)
	errb.Reset()
	if code := run([]string{"demo", "--data", foreign}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "is not empty") {
		t.Errorf("foreign directory: exit %d, stderr:\n%s", code, errb.String())
	}
	if _, err := os.Stat(filepath.Join(foreign, "keep.txt")); err != nil {
		t.Error("the foreign directory's file is gone")
	}
}
