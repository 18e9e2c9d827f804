//go:build !unix

package cli

import "os"

// peakRSS is not measured here.
func peakRSS(*os.ProcessState) (int64, bool) { return 0, false }
