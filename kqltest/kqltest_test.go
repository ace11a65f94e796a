package kqltest

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var updateFlag = flag.Bool("update", false, "rewrite the rows expectations that the reference run does not match")

// TestFiles runs every .kqltest file under testdata/kql.
func TestFiles(t *testing.T) {
	var files []string
	filepath.WalkDir(filepath.Join("..", "testdata", "kql"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) == ".kqltest" {
			files = append(files, p)
		}
		return nil
	})
	if len(files) == 0 {
		t.Fatal("no .kqltest files found")
	}
	for _, f := range files {
		rel, _ := filepath.Rel(filepath.Join("..", "testdata", "kql"), f)
		t.Run(rel, func(t *testing.T) { RunFileWith(t, f, Options{Update: *updateFlag}) })
	}
}
