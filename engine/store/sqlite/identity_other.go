//go:build !unix

package sqlite

import "io/fs"

// fileIdentity is unknown where the system exposes no inode.
func fileIdentity(fs.FileInfo) string { return "" }
