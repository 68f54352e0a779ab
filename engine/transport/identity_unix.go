//go:build unix

package transport

import (
	"io/fs"
	"strconv"
	"syscall"
)

// identity names the file behind info by device and inode, so a file
// replaced by another of the same size and time is told apart.
func identity(info fs.FileInfo) string {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	return strconv.FormatUint(uint64(st.Dev), 10) + ":" + strconv.FormatUint(st.Ino, 10)
}
