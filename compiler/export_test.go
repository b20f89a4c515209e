package compiler

// SetMaxWalk lowers the cap on files and folders a walk visits, for a
// test; the returned func restores it.
func SetMaxWalk(n int) func() {
	old := maxWalk
	maxWalk = n
	return func() { maxWalk = old }
}
