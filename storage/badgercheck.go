package storage

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
	"github.com/dgraph-io/badger/v4/table"
	"github.com/dgraph-io/ristretto/v2/z"
)

// checkTables opens every badger table file with badger's own reader, in this
// goroutine and with block checksums verified, before badger opens them on
// goroutines of its own: badger panics there, out of reach of any recover, when
// a table's index or first and last blocks are damaged. A damaged table is
// reported here as an error naming the file instead.
//
// Only the tables that badger's MANIFEST lists are checked: a table a crash
// cut short while badger wrote it (a memtable flush or a compaction) is not
// listed yet, and badger deletes it when it opens.
func checkTables(bo badger.Options) error {
	files, err := filepath.Glob(filepath.Join(bo.Dir, "*.sst"))
	if err != nil {
		return err
	}
	live, ok := manifestTables(bo)
	for _, path := range files {
		compression := bo.Compression
		if ok {
			id, known := table.ParseFileID(path)
			tm, listed := live[id]
			if !known || !listed {
				continue
			}
			compression = tm.Compression
		}
		if err := checkTable(path, bo, compression); err != nil {
			return fmt.Errorf("badger table %s is damaged: %v", path, err)
		}
	}
	return nil
}

// manifestTables reads the tables that badger's MANIFEST lists; ok is false
// when it cannot be read (badger reports why when it opens).
func manifestTables(bo badger.Options) (tables map[uint64]badger.TableManifest, ok bool) {
	f, err := os.Open(filepath.Join(bo.Dir, badger.ManifestFilename))
	if err != nil {
		return nil, false
	}
	defer f.Close()
	m, _, err := badger.ReplayManifestFile(f, bo.ExternalMagicVersion, bo)
	if err != nil {
		return nil, false
	}
	return m.Tables, true
}

func checkTable(path string, bo badger.Options, compression options.CompressionType) (err error) {
	mf, err := z.OpenMmapFile(path, os.O_RDONLY, 0)
	if err != nil && err != z.NewFile {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
			mf.Close(-1)
		}
	}()
	t, err := table.OpenTable(mf, table.Options{
		ChkMode:     options.OnTableAndBlockRead,
		BlockSize:   bo.BlockSize,
		Compression: compression,
	})
	if err != nil {
		return err
	}
	// Close the mapping only: the table's DecrRef would delete the file.
	_ = t
	return mf.Close(-1)
}

// removeEmptyLogs deletes the memtable and value log files of no bytes in a
// badger directory: a crash between creating such a file and sizing it
// leaves one, which holds nothing, and which badger refuses to open.
func removeEmptyLogs(dir string) error {
	for _, ext := range []string{"*.mem", "*.vlog"} {
		files, err := filepath.Glob(filepath.Join(dir, ext))
		if err != nil {
			return err
		}
		for _, path := range files {
			if fi, err := os.Stat(path); err == nil && fi.Size() == 0 {
				if err := os.Remove(path); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
