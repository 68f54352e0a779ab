package transport

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"

	"github.com/pkg/sftp"
)

// List returns the files directly in dir, sorted by name; sub-directories
// are left out and special files (symlinks included) have Special set.
// ReadDir reports lstat-style modes, so a symlink is never followed.
func (s *SFTP) List(ctx context.Context, dir string) ([]FileInfo, error) {
	d, err := cleanPath(dir, true)
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", s, err)
	}
	var files []FileInfo
	err = s.do(ctx, true, func(c *conn, _ int) error {
		infos, err := c.sc.ReadDir(s.abs(d))
		if err != nil {
			return err
		}
		files = make([]FileInfo, 0, len(infos))
		for _, info := range infos {
			if info.IsDir() {
				continue
			}
			files = append(files, FileInfo{Name: info.Name(), Size: info.Size(), ModTime: info.ModTime(),
				Special: !info.Mode().IsRegular()})
		}
		return nil
	})
	if err != nil {
		return nil, s.fail("listing", d, err)
	}
	slices.SortFunc(files, func(a, b FileInfo) int { return cmp.Compare(a.Name, b.Name) })
	return files, nil
}

// Stat returns the file's info.
func (s *SFTP) Stat(ctx context.Context, name string) (FileInfo, error) {
	p, err := cleanPath(name, false)
	if err != nil {
		return FileInfo{}, fmt.Errorf("stating in %s: %w", s, err)
	}
	var fi FileInfo
	err = s.do(ctx, true, func(c *conn, _ int) error {
		info, err := c.sc.Stat(s.abs(p))
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return errNotRegular
		}
		fi = FileInfo{Name: path.Base(p), Size: info.Size(), ModTime: info.ModTime()}
		return nil
	})
	if err != nil {
		return FileInfo{}, s.fail("stating", p, err)
	}
	return fi, nil
}

// Open opens a file for reading. Each read has the folder's timeout as a
// deadline and stops when ctx is done; a read that fails closes the
// connection, so the next operation reconnects.
//
// The server opens by path and follows a symlink, so a name swapped for a
// symlink between the listing and the open would be read from wherever it
// points. Open therefore compares the handle (FSTAT) with a fresh LSTAT of
// the name and refuses any difference with ErrChanged; at the end of the
// content the reader checks both again (checkHandle).
func (s *SFTP) Open(ctx context.Context, name string) (io.ReadCloser, error) {
	p, err := cleanPath(name, false)
	if err != nil {
		return nil, fmt.Errorf("opening in %s: %w", s, err)
	}
	var (
		c  *conn
		f  *sftp.File
		at attrs
	)
	err = s.do(ctx, true, func(cc *conn, _ int) error {
		ff, err := cc.sc.Open(s.abs(p))
		if err != nil {
			return err
		}
		a, err := checkHandle(cc.sc, ff, s.abs(p))
		if err != nil {
			ff.Close()
			return err
		}
		c, f, at = cc, ff, a
		return nil
	})
	if err != nil {
		return nil, s.fail("opening", p, err)
	}
	return &sftpReader{s: s, c: c, f: f, ctx: ctx, name: p, at: at}, nil
}

// sftpReader reads a remote file under a watchdog.
type sftpReader struct {
	s    *SFTP
	c    *conn
	f    *sftp.File
	ctx  context.Context
	name string
	at   attrs // the file opened, as checkHandle saw it
	err  error // sticky: after a failure the connection is gone
}

func (r *sftpReader) openedInfo() FileInfo {
	return FileInfo{Name: path.Base(r.name), Size: r.at.size, ModTime: r.at.mtime}
}

// recheck runs at the end of the content: the handle and the name must
// still be the file that was opened, unchanged, else what was read is not
// a settled file (it grew, or the name now points elsewhere).
func (r *sftpReader) recheck() error {
	ctx, cancel := context.WithTimeoutCause(r.ctx, r.s.timeout, r.s.deadline)
	defer cancel()
	err := r.c.guard(ctx, func() error {
		now, err := checkHandle(r.c.sc, r.f, r.s.abs(r.name))
		if err == nil && !now.same(r.at) {
			err = fmt.Errorf("the file changed while it was read: %w", ErrChanged)
		}
		return err
	})
	if err != nil {
		r.err = r.s.fail("reading", r.name, err)
		return r.err
	}
	return nil
}

func (r *sftpReader) Read(b []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if err := r.ctx.Err(); err != nil {
		return 0, r.s.fail("reading", r.name, context.Cause(r.ctx))
	}
	w := r.c.watch(r.ctx, r.s.timeout)
	n, err := r.f.Read(b)
	err = r.after(w.stop(), err)
	if err == io.EOF {
		if cerr := r.recheck(); cerr != nil {
			return n, cerr
		}
	}
	return n, err
}

// WriteTo lets io.Copy use the library's concurrent reads; the timeout
// then limits a stall, not the whole transfer.
func (r *sftpReader) WriteTo(dst io.Writer) (int64, error) {
	if r.err != nil {
		return 0, r.err
	}
	if err := r.ctx.Err(); err != nil {
		return 0, r.s.fail("reading", r.name, context.Cause(r.ctx))
	}
	w := r.c.watch(r.ctx, r.s.timeout)
	n, err := r.f.WriteTo(&pausingWriter{w: dst, dog: w})
	if err = r.after(w.stop(), err); err == nil {
		err = r.recheck()
	}
	return n, err
}

// after turns a read's outcome into the reader's error, closing the
// connection after a failure of the connection.
func (r *sftpReader) after(werr, err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	if werr != nil {
		err = werr
	}
	if isConnErr(err) || werr != nil {
		r.c.kill()
	}
	r.err = r.s.fail("reading", r.name, err)
	return r.err
}

func (r *sftpReader) Close() error {
	if r.c.broken() {
		return nil // the server dropped the handle with the connection
	}
	ctx, cancel := context.WithTimeout(context.Background(), r.s.tune.cleanup)
	defer cancel()
	err := r.c.guard(ctx, r.f.Close)
	if err != nil && !errors.Is(err, os.ErrClosed) && !r.c.broken() {
		return r.s.fail("closing", r.name, err)
	}
	return nil
}

// pausingWriter pauses the idle watchdog while the destination writes and
// counts each write as progress.
type pausingWriter struct {
	w   io.Writer
	dog *watchdog
}

func (p *pausingWriter) Write(b []byte) (int, error) {
	p.dog.pause()
	defer p.dog.kick()
	return p.w.Write(b)
}

// watchedReader feeds an upload from the caller's reader: the idle
// watchdog is paused while the caller's reader works, and reading stops
// once the watchdog fired.
type watchedReader struct {
	r   io.Reader
	dog *watchdog
	err error // the caller's reader failed
}

func (w *watchedReader) Read(b []byte) (int, error) {
	if err := w.dog.failed(); err != nil {
		return 0, err
	}
	w.dog.pause()
	n, err := w.r.Read(b)
	w.dog.kick()
	if err != nil && err != io.EOF {
		w.err = err
	}
	return n, err
}

// Write stores r's content atomically under name: it is uploaded to
// ".NAME.tmp" (created exclusively, mode perm, 0 meaning 0600) with
// concurrent write requests, checked for size and renamed into place with
// posix-rename@openssh.com where the server offers it. On any error the
// temporary file is removed (or, if the connection is gone, removed on the
// next connection) and nothing is left under the final name.
func (s *SFTP) Write(ctx context.Context, name string, r io.Reader, perm uint32) error {
	p, err := cleanPath(name, false)
	if err != nil {
		return fmt.Errorf("writing in %s: %w", s, err)
	}
	mode := fs.FileMode(perm).Perm()
	if mode == 0 {
		mode = 0o600
	}
	full := s.abs(p)
	tmp := tempPath(full)
	var (
		c *conn
		f *sftp.File
	)
	err = s.do(ctx, true, func(cc *conn, _ int) error {
		if err := cc.sc.MkdirAll(path.Dir(full)); err != nil {
			return fmt.Errorf("creating directory: %w", err)
		}
		ff, err := createTemp(cc.sc, tmp)
		if err != nil {
			return err
		}
		c, f = cc, ff
		// Set the mode before any content is written. Servers that do
		// not support it keep their default.
		_ = ff.Chmod(mode)
		return nil
	})
	var size int64
	if err == nil {
		size, err = s.upload(ctx, c, f, r)
	}
	if err == nil {
		err = s.commit(ctx, c, f, tmp, full, size)
	}
	if err != nil {
		if f != nil {
			s.discard(c, f, tmp)
		}
		return s.fail("writing", p, err)
	}
	return nil
}

// createTemp creates tmp exclusively; a leftover from an earlier failure
// is removed first.
func createTemp(sc *sftp.Client, tmp string) (*sftp.File, error) {
	const flags = os.O_WRONLY | os.O_CREATE | os.O_EXCL
	f, err := sc.OpenFile(tmp, flags)
	if err != nil && !isConnErr(err) {
		// SFTP v3 cannot say "exists"; try once more without a leftover.
		if rerr := removeFile(sc, tmp); rerr == nil {
			f, err = sc.OpenFile(tmp, flags)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("creating the temporary file: %w", err)
	}
	return f, nil
}

// upload copies r to f with concurrent writes, failing if the connection
// makes no progress for the timeout or ctx is done. It returns the number
// of bytes sent.
func (s *SFTP) upload(ctx context.Context, c *conn, f *sftp.File, r io.Reader) (int64, error) {
	dog := c.watch(ctx, s.timeout)
	src := &watchedReader{r: r, dog: dog}
	n, err := f.ReadFromWithConcurrency(src, s.tune.concurrency)
	werr := dog.stop()
	switch {
	case src.err != nil:
		return 0, fmt.Errorf("reading the content: %w", src.err)
	case werr != nil:
		return 0, fmt.Errorf("uploading: %w", werr)
	case err != nil:
		return 0, fmt.Errorf("uploading: %w", err)
	}
	c.touch()
	return n, nil
}

// commit closes the uploaded temporary file, checks its size and renames
// it into place, under the operation deadline.
func (s *SFTP) commit(ctx context.Context, c *conn, f *sftp.File, tmp, full string, size int64) error {
	ctx, cancel := context.WithTimeoutCause(ctx, s.timeout, s.deadline)
	defer cancel()
	return c.guard(ctx, func() error {
		if err := f.Close(); err != nil {
			return fmt.Errorf("closing the temporary file: %w", err)
		}
		info, err := c.sc.Lstat(tmp)
		if err != nil {
			return fmt.Errorf("checking the upload: %w", err)
		}
		if info.Size() != size {
			return fmt.Errorf("checking the upload: the server stored %d of %d bytes", info.Size(), size)
		}
		if err := c.replace(tmp, full); err != nil {
			return fmt.Errorf("renaming the temporary file: %w", err)
		}
		c.touch()
		return nil
	})
}

// replace renames from to to, replacing an existing target. Without
// posix-rename@openssh.com, SFTP v3 rename refuses an existing target:
// the target is moved aside first and put back if the rename fails, so
// a failure never leaves the target missing.
func (c *conn) replace(from, to string) error {
	if c.posix {
		return c.sc.PosixRename(from, to)
	}
	err := c.sc.Rename(from, to)
	if err == nil || isConnErr(err) || errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if _, serr := c.sc.Lstat(to); serr != nil {
		return err // no target in the way: the rename failed for another reason
	}
	aside := path.Join(path.Dir(to), "."+path.Base(to)+"."+randomHex()+".old.tmp")
	if err := c.sc.Rename(to, aside); err != nil {
		return fmt.Errorf("moving the existing file aside: %w", err)
	}
	if err := c.sc.Rename(from, to); err != nil {
		if rerr := c.sc.Rename(aside, to); rerr != nil {
			return fmt.Errorf("renaming: %w (and restoring the previous file from %s: %w)", err, path.Base(aside), rerr)
		}
		return err
	}
	_ = removeFile(c.sc, aside)
	return nil
}

func randomHex() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Rename moves a file within the folder, creating the target's directory
// and replacing an existing target.
func (s *SFTP) Rename(ctx context.Context, from, to string) error {
	src, err := cleanPath(from, false)
	if err != nil {
		return fmt.Errorf("renaming in %s: %w", s, err)
	}
	dst, err := cleanPath(to, false)
	if err != nil {
		return fmt.Errorf("renaming in %s: %w", s, err)
	}
	err = s.do(ctx, true, func(c *conn, attempt int) error {
		if err := c.sc.MkdirAll(path.Dir(s.abs(dst))); err != nil {
			return fmt.Errorf("creating directory: %w", err)
		}
		err := c.replace(s.abs(src), s.abs(dst))
		if err != nil && attempt > 1 && errors.Is(err, fs.ErrNotExist) {
			// The connection may have dropped after an earlier attempt
			// renamed the file but before its answer arrived.
			if _, serr := c.sc.Lstat(s.abs(dst)); serr == nil {
				return nil
			}
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("renaming %s to %s in %s: %w", src, dst, s, notExist(err))
	}
	return nil
}

// Remove deletes a file; a missing file is not an error.
func (s *SFTP) Remove(ctx context.Context, name string) error {
	p, err := cleanPath(name, false)
	if err != nil {
		return fmt.Errorf("removing in %s: %w", s, err)
	}
	if err := s.do(ctx, true, func(c *conn, _ int) error { return removeFile(c.sc, s.abs(p)) }); err != nil {
		return s.fail("removing", p, err)
	}
	return nil
}
