//go:build !unix

package crash

import "os"

// kill ends the process at once where there is no SIGKILL to send.
func kill() {
	p, err := os.FindProcess(os.Getpid())
	if err == nil {
		p.Kill()
	}
	os.Exit(137)
}
