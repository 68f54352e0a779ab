//go:build !unix

package transport

import "io/fs"

// identity is unknown where the system does not expose an inode.
func identity(fs.FileInfo) string { return "" }
