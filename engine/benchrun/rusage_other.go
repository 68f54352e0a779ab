//go:build !unix

package main

import "os"

// maxRSS is unknown off Unix: getrusage is what measures it.
func maxRSS(*os.ProcessState) int64 { return 0 }
