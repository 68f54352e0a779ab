//go:build unix

package sqlite

import (
	"io/fs"
	"strconv"
	"syscall"
)

// fileIdentity names a file by device and inode.
func fileIdentity(info fs.FileInfo) string {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	return strconv.FormatUint(uint64(st.Dev), 10) + ":" + strconv.FormatUint(st.Ino, 10)
}
