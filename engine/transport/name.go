package transport

import (
	"context"
	"fmt"
	"io"
	"path"
	"strings"
)

// cleanPath checks a slash-separated name relative to a folder's root and
// returns it cleaned. With allowRoot, "" and "." name the root itself
// (returned as ""), as List accepts.
func cleanPath(name string, allowRoot bool) (string, error) {
	if name == "" || name == "." {
		if allowRoot {
			return "", nil
		}
		return "", unsafeName(name, "is empty")
	}
	for i := 0; i < len(name); i++ {
		switch b := name[i]; {
		case b < 0x20 || b == 0x7f:
			return "", unsafeName(name, "contains a control character")
		case b == '\\':
			// Some SFTP servers (Windows) treat a backslash as a separator.
			return "", unsafeName(name, "contains a backslash")
		}
	}
	if name[0] == '/' {
		return "", unsafeName(name, "is absolute")
	}
	for _, el := range strings.Split(name, "/") {
		if el == ".." {
			return "", unsafeName(name, "contains \"..\"")
		}
	}
	c := path.Clean(name)
	if c == "." {
		if allowRoot {
			return "", nil
		}
		return "", unsafeName(name, "names the folder itself")
	}
	return c, nil
}

func unsafeName(name, why string) error {
	return fmt.Errorf("checking name %q: it %s: %w", name, why, ErrUnsafeName)
}

// tempPath is the temporary name a file is written under before it is
// renamed to p: ".NAME.tmp" in the same directory.
func tempPath(p string) string {
	return path.Join(path.Dir(p), "."+path.Base(p)+".tmp")
}

// Sub returns a Folder rooted at the sub-directory dir of f (for example
// "archive"); names given to it are relative to dir and cannot leave it.
// An unsafe dir makes every operation fail with ErrUnsafeName. The
// sub-folder shares f's connection: its Close does nothing, and f must
// outlive it.
func Sub(f Folder, dir string) Folder {
	d, err := cleanPath(dir, false)
	if s, ok := f.(*subFolder); ok {
		switch {
		case s.err != nil:
			err = s.err
		case err == nil:
			d = path.Join(s.dir, d)
		}
		f = s.parent
	}
	return &subFolder{parent: f, dir: d, err: err}
}

// subFolder is the Folder Sub returns.
type subFolder struct {
	parent Folder
	dir    string
	err    error
}

var _ Folder = (*subFolder)(nil)

func (s *subFolder) name(n string, allowRoot bool) (string, error) {
	if s.err != nil {
		return "", s.err
	}
	c, err := cleanPath(n, allowRoot)
	if err != nil {
		return "", err
	}
	return path.Join(s.dir, c), nil
}

func (s *subFolder) List(ctx context.Context, dir string) ([]FileInfo, error) {
	p, err := s.name(dir, true)
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", s, err)
	}
	return s.parent.List(ctx, p)
}

func (s *subFolder) Stat(ctx context.Context, name string) (FileInfo, error) {
	p, err := s.name(name, false)
	if err != nil {
		return FileInfo{}, fmt.Errorf("stating in %s: %w", s, err)
	}
	return s.parent.Stat(ctx, p)
}

func (s *subFolder) Open(ctx context.Context, name string) (io.ReadCloser, error) {
	p, err := s.name(name, false)
	if err != nil {
		return nil, fmt.Errorf("opening in %s: %w", s, err)
	}
	return s.parent.Open(ctx, p)
}

func (s *subFolder) Write(ctx context.Context, name string, r io.Reader, perm uint32) error {
	p, err := s.name(name, false)
	if err != nil {
		return fmt.Errorf("writing in %s: %w", s, err)
	}
	return s.parent.Write(ctx, p, r, perm)
}

func (s *subFolder) Rename(ctx context.Context, from, to string) error {
	src, err := s.name(from, false)
	if err != nil {
		return fmt.Errorf("renaming in %s: %w", s, err)
	}
	dst, err := s.name(to, false)
	if err != nil {
		return fmt.Errorf("renaming in %s: %w", s, err)
	}
	return s.parent.Rename(ctx, src, dst)
}

func (s *subFolder) Remove(ctx context.Context, name string) error {
	p, err := s.name(name, false)
	if err != nil {
		return fmt.Errorf("removing in %s: %w", s, err)
	}
	return s.parent.Remove(ctx, p)
}

func (s *subFolder) String() string {
	if s.err != nil {
		return s.parent.String() + "/(invalid)"
	}
	return s.parent.String() + "/" + s.dir
}

// Close does nothing: the parent folder owns the connection.
func (s *subFolder) Close() error { return nil }
