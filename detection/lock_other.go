//go:build !unix

package detection

import "sync"

var stateMu sync.Mutex

// lockFile serialises access within the process where file locks are not
// available.
func lockFile(path string, exclusive bool) (func(), error) {
	stateMu.Lock()
	return stateMu.Unlock, nil
}
