//go:build !linux

package layout

import "runtime/metrics"

// rssReadable: processRSS works on this system. Outside Linux it does not:
// the parent cannot watch a worker's memory, and the worker watches its
// own (ownMemory).
const rssReadable = false

func processRSS(pid int) (int64, bool) { return 0, false }

// ownMemory returns the memory this process's Go runtime holds from the
// system, less what it gave back: Graphviz's WebAssembly memory is a Go
// slice, so it is counted. Memory outside the Go runtime is not.
func ownMemory() (int64, bool) {
	s := []metrics.Sample{
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 || s[1].Value.Kind() != metrics.KindUint64 {
		return 0, false
	}
	return int64(s[0].Value.Uint64() - s[1].Value.Uint64()), true
}
