package storage

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncFiles makes the files written by a bulk load, and the directories
// holding them, durable: on Linux with one syncfs of the store's file
// system, which the kernel serves with one journal commit instead of one
// per file.
func syncFiles(root string, paths []string) error {
	f, err := os.Open(root)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := unix.Syncfs(int(f.Fd())); err != nil {
		return syncEach(paths)
	}
	return nil
}
