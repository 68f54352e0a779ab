package transport

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
)

// Local is a Folder on the local file system. Every access goes through an
// os.Root, so neither a name nor a symlink can reach outside the folder:
// List leaves symlinks out and opening a symlink that resolves outside the
// root fails. List reports symlinks and other special files with Special
// set instead of following them.
type Local struct {
	dir  string
	root *os.Root
}

var _ Folder = (*Local)(nil)

// NewLocal opens the directory dir as a Folder, creating it (mode 0750) if
// it is missing.
func NewLocal(dir string) (*Local, error) {
	if dir == "" {
		return nil, errors.New("opening local folder: no directory given")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("opening local folder %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return nil, fmt.Errorf("creating local folder: %w", err)
	}
	root, err := os.OpenRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("opening local folder: %w", err)
	}
	return &Local{dir: abs, root: root}, nil
}

// List returns the files directly in dir, sorted by name; sub-directories
// are left out and special files (symlinks included) have Special set.
func (l *Local) List(ctx context.Context, dir string) ([]FileInfo, error) {
	d, err := cleanPath(dir, true)
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", l, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, l.fail("listing", d, err)
	}
	f, err := l.root.Open(cmp.Or(d, "."))
	if err != nil {
		return nil, l.fail("listing", d, err)
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	if err != nil {
		return nil, l.fail("listing", d, err)
	}
	files := make([]FileInfo, 0, len(entries))
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		info, err := e.Info() // lstat: a symlink is never followed
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed since the directory was read
		}
		if err != nil {
			return nil, l.fail("listing", d, err)
		}
		if info.IsDir() {
			continue // replaced by a directory since the directory was read
		}
		files = append(files, FileInfo{Name: e.Name(), Size: info.Size(), ModTime: info.ModTime(),
			Special: !info.Mode().IsRegular(), Identity: identity(info)})
	}
	slices.SortFunc(files, func(a, b FileInfo) int { return cmp.Compare(a.Name, b.Name) })
	return files, nil
}

// Stat returns the file's info (following a symlink inside the folder).
func (l *Local) Stat(ctx context.Context, name string) (FileInfo, error) {
	p, err := cleanPath(name, false)
	if err != nil {
		return FileInfo{}, fmt.Errorf("stating in %s: %w", l, err)
	}
	if err := ctx.Err(); err != nil {
		return FileInfo{}, l.fail("stating", p, err)
	}
	info, err := l.root.Stat(p)
	if err != nil {
		return FileInfo{}, l.fail("stating", p, err)
	}
	if !info.Mode().IsRegular() {
		return FileInfo{}, l.fail("stating", p, errNotRegular)
	}
	return FileInfo{Name: path.Base(p), Size: info.Size(), ModTime: info.ModTime(), Identity: identity(info)}, nil
}

var errNotRegular = errors.New("not a regular file")

// Open opens a file for reading; the reader fails once ctx is done.
func (l *Local) Open(ctx context.Context, name string) (io.ReadCloser, error) {
	p, err := cleanPath(name, false)
	if err != nil {
		return nil, fmt.Errorf("opening in %s: %w", l, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, l.fail("opening", p, err)
	}
	f, err := l.root.Open(p)
	if err != nil {
		return nil, l.fail("opening", p, err)
	}
	info, err := l.checkOpen(f, p)
	if err != nil {
		f.Close()
		return nil, l.fail("opening", p, err)
	}
	return &localReader{ctx: ctx, f: f, l: l, name: p, info: info}, nil
}

// checkOpen checks that the open file is a regular file and the very file
// (same device and inode) the name holds now, not followed through a
// symlink swapped in (the root keeps a symlink inside the folder).
func (l *Local) checkOpen(f *os.File, p string) (fs.FileInfo, error) {
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, errNotRegular
	}
	li, err := l.root.Lstat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("the name is gone since it was opened: %w", ErrChanged)
		}
		return nil, err
	}
	if !os.SameFile(info, li) {
		return nil, fmt.Errorf("the name is no longer the file opened: %w", ErrChanged)
	}
	return info, nil
}

// localReader is a file whose reads stop when ctx is done; at the end of
// its content it checks the file is still the one opened, unchanged.
type localReader struct {
	ctx  context.Context
	f    *os.File
	l    *Local
	name string
	info fs.FileInfo
}

func (r *localReader) Read(b []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, fmt.Errorf("reading %s: %w", r.f.Name(), err)
	}
	n, err := r.f.Read(b)
	if err == io.EOF {
		now, cerr := r.l.checkOpen(r.f, r.name)
		if cerr == nil && (now.Size() != r.info.Size() || !now.ModTime().Equal(r.info.ModTime())) {
			cerr = fmt.Errorf("the file changed while it was read: %w", ErrChanged)
		}
		if cerr != nil {
			return n, r.l.fail("reading", r.name, cerr)
		}
	}
	return n, err
}

func (r *localReader) openedInfo() FileInfo {
	return FileInfo{Name: path.Base(r.name), Size: r.info.Size(), ModTime: r.info.ModTime(), Identity: identity(r.info)}
}

func (r *localReader) Close() error { return r.f.Close() }

// ctxReader stops reading once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(b []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(b)
}

// Write stores r's content atomically under name: ".NAME.tmp" is created
// exclusively with mode perm (0 means 0600), written, synced and renamed
// into place, and the directory is synced.
func (l *Local) Write(ctx context.Context, name string, r io.Reader, perm uint32) error {
	p, err := cleanPath(name, false)
	if err != nil {
		return fmt.Errorf("writing in %s: %w", l, err)
	}
	if err := l.write(ctx, p, r, perm); err != nil {
		return l.fail("writing", p, err)
	}
	return nil
}

func (l *Local) write(ctx context.Context, p string, r io.Reader, perm uint32) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	mode := fs.FileMode(perm).Perm()
	if mode == 0 {
		mode = 0o600
	}
	dir := path.Dir(p)
	if err := l.root.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("creating directory: %w", err)
	}
	tmp := tempPath(p)
	f, err := l.create(tmp, mode)
	if err != nil {
		return err
	}
	if err := l.fill(ctx, f, r, mode); err != nil {
		f.Close()
		_ = l.root.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		_ = l.root.Remove(tmp)
		return fmt.Errorf("closing the temporary file: %w", err)
	}
	if err := l.root.Rename(tmp, p); err != nil {
		_ = l.root.Remove(tmp)
		return fmt.Errorf("renaming the temporary file: %w", err)
	}
	return l.syncDir(dir)
}

// create opens tmp exclusively (so a planted symlink is never followed); a
// leftover from an earlier crash is removed first.
func (l *Local) create(tmp string, mode fs.FileMode) (*os.File, error) {
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	f, err := l.root.OpenFile(tmp, flags, mode)
	if errors.Is(err, fs.ErrExist) {
		if rerr := l.root.Remove(tmp); rerr != nil {
			return nil, fmt.Errorf("removing a stale temporary file: %w", rerr)
		}
		f, err = l.root.OpenFile(tmp, flags, mode)
	}
	if err != nil {
		return nil, fmt.Errorf("creating the temporary file: %w", err)
	}
	return f, nil
}

func (l *Local) fill(ctx context.Context, f *os.File, r io.Reader, mode fs.FileMode) error {
	// The umask may have narrowed the mode; set exactly what was asked.
	if err := f.Chmod(mode); err != nil {
		return fmt.Errorf("setting the file mode: %w", err)
	}
	if _, err := io.Copy(f, ctxReader{ctx: ctx, r: r}); err != nil {
		return fmt.Errorf("copying the content: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("syncing the temporary file: %w", err)
	}
	return nil
}

// syncDir makes a rename in dir durable.
func (l *Local) syncDir(dir string) error {
	d, err := l.root.Open(dir)
	if err != nil {
		return fmt.Errorf("syncing the directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing the directory: %w", err)
	}
	return nil
}

// Rename moves a file within the folder, creating the target's directory
// and replacing an existing target.
func (l *Local) Rename(ctx context.Context, from, to string) error {
	src, err := cleanPath(from, false)
	if err != nil {
		return fmt.Errorf("renaming in %s: %w", l, err)
	}
	dst, err := cleanPath(to, false)
	if err != nil {
		return fmt.Errorf("renaming in %s: %w", l, err)
	}
	fail := func(err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			err = ErrNotExist
		}
		return fmt.Errorf("renaming %s to %s in %s: %w", src, dst, l, err)
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	if _, err := l.root.Lstat(src); err != nil {
		return fail(err)
	}
	if err := l.root.MkdirAll(path.Dir(dst), 0o750); err != nil {
		return fail(fmt.Errorf("creating directory: %w", err))
	}
	if err := l.root.Rename(src, dst); err != nil {
		return fail(err)
	}
	if err := l.syncDir(path.Dir(dst)); err != nil {
		return fail(err)
	}
	return nil
}

// Remove deletes a file; a missing file is not an error.
func (l *Local) Remove(ctx context.Context, name string) error {
	p, err := cleanPath(name, false)
	if err != nil {
		return fmt.Errorf("removing in %s: %w", l, err)
	}
	if err := ctx.Err(); err != nil {
		return l.fail("removing", p, err)
	}
	if err := l.root.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return l.fail("removing", p, err)
	}
	return nil
}

// String returns the folder's absolute path.
func (l *Local) String() string { return l.dir }

// Close releases the folder's directory handle.
func (l *Local) Close() error { return l.root.Close() }

// fail wraps err for the operation verb on name, turning a missing file
// into ErrNotExist.
func (l *Local) fail(verb, name string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		err = ErrNotExist
	}
	return fmt.Errorf("%s %s: %w", verb, filepath.Join(l.dir, filepath.FromSlash(name)), err)
}
