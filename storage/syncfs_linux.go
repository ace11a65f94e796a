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

// startWriteback asks the kernel to start writing a file that a bulk load
// wrote without fsync, without waiting for it: the syncfs at the load's end
// then finds most of the load on disk already. It is only a hint, and an
// error is ignored (syncFiles reports any failure to make the file durable).
func startWriteback(f *os.File) {
	_ = unix.SyncFileRange(int(f.Fd()), 0, 0, unix.SYNC_FILE_RANGE_WRITE)
}
