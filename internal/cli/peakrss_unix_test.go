//go:build unix

package cli

import (
	"os"
	"runtime"
	"syscall"
)

// peakRSS is the peak resident memory of an exited process, in MB.
func peakRSS(st *os.ProcessState) (int64, bool) {
	ru, ok := st.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, false
	}
	n := int64(ru.Maxrss) // kilobytes on Linux and the BSDs
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		n >>= 10 // bytes there
	}
	return n >> 10, true
}
