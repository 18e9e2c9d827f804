package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// rssFloorKB is the high-water mark of this process's memory (VmHWM) in
// kilobytes: Linux carries it into the peak RSS of every child started from
// here, because a child shares its parent's pages until it calls exec.
func rssFloorKB() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}
