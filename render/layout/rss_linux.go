package layout

import (
	"bytes"
	"os"
	"strconv"
)

// rssReadable: processRSS works on this system.
const rssReadable = true

var pageSize = int64(os.Getpagesize())

// processRSS returns the resident set size of process pid in bytes, from
// the second field of /proc/PID/statm (resident pages). ok is false when
// the process is gone.
func processRSS(pid int) (n int64, ok bool) {
	return statmRSS("/proc/" + strconv.Itoa(pid) + "/statm")
}

// ownMemory returns this process's resident set size in bytes.
func ownMemory() (int64, bool) { return statmRSS("/proc/self/statm") }

func statmRSS(path string) (int64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	f := bytes.Fields(b)
	if len(f) < 2 {
		return 0, false
	}
	pages, err := strconv.ParseInt(string(f[1]), 10, 64)
	if err != nil {
		return 0, false
	}
	return pages * pageSize, true
}
