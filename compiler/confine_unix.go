//go:build unix

package compiler

import "syscall"

// openNonblock keeps an open from blocking on a named pipe swapped in
// after the look; it changes nothing for a regular file.
const openNonblock = syscall.O_NONBLOCK
