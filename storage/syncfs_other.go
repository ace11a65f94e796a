//go:build !linux

package storage

// syncFiles makes the files written by a bulk load, and the directories
// holding them, durable, one by one.
func syncFiles(root string, paths []string) error { return syncEach(paths) }

// startWriteback does nothing where there is no syncfs: syncFiles syncs
// each file anyway.
func startWriteback(f *os.File) {}
