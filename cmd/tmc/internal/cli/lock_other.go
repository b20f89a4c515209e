//go:build !unix

package cli

import (
	"errors"
	"os"
)

// lockBuilding creates the lock file of a running swap. Without flock, a
// leftover is told from a running build by its age alone (removeStale).
func lockBuilding(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
}

// lockHeld cannot tell here: the caller falls back to the folder's age.
func lockHeld(string) (bool, error) { return false, errors.New("no file locks") }
