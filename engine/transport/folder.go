package transport

import (
	"context"
	"errors"
	"io"
	"time"
)

// FileInfo describes a file in a folder listing.
type FileInfo struct {
	Name    string
	Size    int64
	ModTime time.Time
	// Special is set for an entry that is not a regular file: a symlink,
	// device, pipe or socket; never opened. Size and ModTime are the
	// entry's own (lstat), not those of a symlink's target.
	Special bool
	// Identity names the file itself (device and inode) where the folder
	// can tell (local folders); "" over SFTP, which reports no inode.
	Identity string
}

// SameFile reports whether a and b, two looks at one name, saw the same
// unchanged file: same size and modification time, and the same identity
// where both know it.
func SameFile(a, b FileInfo) bool {
	if a.Size != b.Size || !a.ModTime.Equal(b.ModTime) {
		return false
	}
	return a.Identity == "" || b.Identity == "" || a.Identity == b.Identity
}

// Folder is a directory onboard reads from or writes to: a local directory
// or an SFTP directory. Names are slash-separated paths relative to the
// folder's root ("results/x.result.json"); a name that is absolute, empty,
// or escapes the root ("../x") is refused with ErrUnsafeName.
type Folder interface {
	// List returns the files directly in dir ("" for the root), sorted by
	// name. Sub-directories are left out. Symlinks and other special files
	// (devices, pipes, sockets) are listed with Special set so a caller can
	// answer them; they are never followed, and callers that read files
	// must skip them.
	List(ctx context.Context, dir string) ([]FileInfo, error)
	// Stat returns the file's info, or an error wrapping ErrNotExist.
	Stat(ctx context.Context, name string) (FileInfo, error)
	// Open opens a file for reading. The reader honours ctx. Only the
	// name's own regular file is read: the file opened is compared with a
	// fresh lstat of the name (a symlink swapped in after the listing is
	// refused with ErrChanged), and at the end of the content the reader
	// checks again, failing with ErrChanged instead of io.EOF when the
	// file changed. OpenListed also compares it with a listing.
	Open(ctx context.Context, name string) (io.ReadCloser, error)
	// Write stores the content of r atomically under name: it writes to a
	// temporary name (".NAME.tmp" in the same directory), then renames it
	// into place, so nobody ever sees half a file. Missing parent
	// directories are created. perm is the file mode (0600 for personal
	// data) where the backend supports it. On error no file is left under
	// either name.
	Write(ctx context.Context, name string, r io.Reader, perm uint32) error
	// Rename moves a file within the folder (for example "x.csv" to
	// "archive/x.csv"), creating the target's directory and replacing an
	// existing target.
	Rename(ctx context.Context, from, to string) error
	// Remove deletes a file; a missing file is not an error.
	Remove(ctx context.Context, name string) error
	// String names the folder for logs ("/var/in" or "sftp://u@host:22/in").
	String() string
	// Close releases connections.
	Close() error
}

// Errors that callers compare with errors.Is.
var (
	ErrNotExist   = errors.New("file does not exist")
	ErrUnsafeName = errors.New("file name escapes the folder")
)
