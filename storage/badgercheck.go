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
func checkTables(bo badger.Options) error {
	files, err := filepath.Glob(filepath.Join(bo.Dir, "*.sst"))
	if err != nil {
		return err
	}
	for _, path := range files {
		if err := checkTable(path, bo); err != nil {
			return fmt.Errorf("badger table %s is damaged: %v", path, err)
		}
	}
	return nil
}

func checkTable(path string, bo badger.Options) (err error) {
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
		Compression: bo.Compression,
	})
	if err != nil {
		return err
	}
	// Close the mapping only: the table's DecrRef would delete the file.
	_ = t
	return mf.Close(-1)
}
