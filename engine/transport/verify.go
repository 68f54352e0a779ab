package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"

	"github.com/pkg/sftp"
)

// ErrChanged means the file opened is not the file the name (or the
// listing) showed: it was replaced, swapped for a symlink, or written to
// between the listing, the open and the end of the read. Nothing read from
// it may be used; the caller takes the name up again once it settles.
var ErrChanged = errors.New("the file changed or was replaced while it was opened or read")

// attrs are the attributes of a file that the open handle (fstat) and a
// fresh lstat of its name must agree on. SFTP version 3 (OpenSSH's
// sftp-server included) reports no inode, so a swap between two files of
// equal size, time, mode and owner cannot be told apart: that is why each
// partner's SFTP account should be chrooted to its folder (README).
type attrs struct {
	size     int64
	mtime    time.Time
	mode     fs.FileMode
	uid, gid uint32
	owner    bool // uid and gid are known
}

// sftpAttrs reads the attributes of an SFTP FileInfo.
func sftpAttrs(fi fs.FileInfo) attrs {
	a := attrs{size: fi.Size(), mtime: fi.ModTime(), mode: fi.Mode()}
	if st, ok := fi.Sys().(*sftp.FileStat); ok {
		a.uid, a.gid, a.owner = st.UID, st.GID, true
	}
	return a
}

// same reports whether a and b describe the same regular file.
func (a attrs) same(b attrs) bool {
	return a.mode.IsRegular() && b.mode.IsRegular() && a.size == b.size && a.mtime.Equal(b.mtime) &&
		a.mode == b.mode && a.owner == b.owner && a.uid == b.uid && a.gid == b.gid
}

// checkHandle compares an open SFTP handle's attributes (FSTAT) with a
// fresh LSTAT of its path. The server opened the path following any
// symlink; the lstat does not follow one. A symlink, a file replaced since
// the open, or any other difference is refused with ErrChanged (or
// errNotRegular when the handle itself is not a regular file).
func checkHandle(sc *sftp.Client, f *sftp.File, p string) (attrs, error) {
	hi, err := f.Stat()
	if err != nil {
		return attrs{}, fmt.Errorf("checking the open file: %w", err)
	}
	h := sftpAttrs(hi)
	if !h.mode.IsRegular() {
		return attrs{}, errNotRegular
	}
	li, err := sc.Lstat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return attrs{}, fmt.Errorf("the name is gone since it was opened: %w", ErrChanged)
		}
		return attrs{}, fmt.Errorf("checking the name: %w", err)
	}
	if l := sftpAttrs(li); !h.same(l) {
		return attrs{}, fmt.Errorf("%s: %w", describeDiff(h, l), ErrChanged)
	}
	return h, nil
}

// describeDiff says how the name differs from the open file, without
// naming anything the name points to.
func describeDiff(h, l attrs) string {
	switch {
	case l.mode&fs.ModeSymlink != 0:
		return "the name is a symbolic link"
	case !l.mode.IsRegular():
		return "the name is not a regular file"
	case h.size != l.size:
		return fmt.Sprintf("the open file has %d bytes, the name %d", h.size, l.size)
	case !h.mtime.Equal(l.mtime):
		return "the open file and the name differ in modification time"
	default:
		return "the open file and the name differ in mode or owner"
	}
}

// opened is implemented by the readers Open returns: the attributes of the
// file actually opened (from its handle), for OpenListed.
type opened interface {
	openedInfo() FileInfo
}

// OpenListed opens the file a listing showed as f and checks that the file
// opened is that one: same size and modification time as the listing (and,
// inside Open, the same as a fresh lstat of its name). A difference is
// ErrChanged. The reader re-checks the file when it reaches the end and
// fails with ErrChanged instead of io.EOF if it changed meanwhile.
func OpenListed(ctx context.Context, folder Folder, f FileInfo) (io.ReadCloser, error) {
	r, err := folder.Open(ctx, f.Name)
	if err != nil {
		return nil, err
	}
	o, ok := r.(opened)
	if !ok {
		return r, nil // a folder that cannot say (a test double): Open's own checks stand
	}
	got := o.openedInfo()
	if !SameFile(got, f) {
		r.Close()
		return nil, fmt.Errorf("opening %s: the listing showed %d bytes at %s, the open file has %d bytes at %s: %w",
			f.Name, f.Size, f.ModTime.UTC().Format(time.RFC3339Nano), got.Size, got.ModTime.UTC().Format(time.RFC3339Nano), ErrChanged)
	}
	return r, nil
}
