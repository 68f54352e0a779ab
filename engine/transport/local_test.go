package transport

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/config"
)

func TestNewLocalCreatesDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "inbound")
	f, err := NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		t.Fatalf("folder not created: %v", err)
	}
	if info.Mode().Perm()&^0o750 != 0 {
		t.Errorf("mode = %v, want at most 0750", info.Mode().Perm())
	}
	if f.String() != dir {
		t.Errorf("String = %q, want %q", f.String(), dir)
	}
	if _, err := NewLocal(""); err == nil {
		t.Error("NewLocal(\"\") succeeded")
	}
}

func TestLocalSymlinks(t *testing.T) {
	outside := t.TempDir()
	writeFile(t, outside, "secret.txt", []byte("secret"))
	root := t.TempDir()
	writeFile(t, root, "real.csv", []byte("inside"))
	for link, target := range map[string]string{
		"escape.csv": filepath.Join(outside, "secret.txt"),
		"up.csv":     "../" + filepath.Base(outside) + "/secret.txt",
		"inside.csv": "real.csv",
		"dir":        outside,
	} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	f, err := NewLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx := t.Context()

	list, err := f.List(ctx, "")
	if err != nil || len(list) != 5 {
		t.Fatalf("List = %+v, %v; want real.csv and four links", list, err)
	}
	for _, fi := range list {
		if fi.Special != (fi.Name != "real.csv") {
			t.Errorf("List: %s Special = %v", fi.Name, fi.Special)
		}
	}
	for _, name := range []string{"escape.csv", "up.csv", "dir/secret.txt"} {
		if r, err := f.Open(ctx, name); err == nil {
			r.Close()
			t.Errorf("Open(%q) followed a symlink out of the folder", name)
		}
		if _, err := f.Stat(ctx, name); err == nil {
			t.Errorf("Stat(%q) followed a symlink out of the folder", name)
		}
	}
	if err := f.Write(ctx, "dir/secret.txt", strings.NewReader("x"), 0o600); err == nil {
		t.Error("Write wrote into a directory outside the folder")
	}
	// Writing to a symlink's name replaces the link; it never writes
	// through it.
	if err := f.Write(ctx, "escape.csv", strings.NewReader("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Lstat(filepath.Join(root, "escape.csv")); err != nil || !info.Mode().IsRegular() {
		t.Errorf("escape.csv is not a regular file after Write: %v", err)
	}
	if _, err := f.List(ctx, "dir"); err == nil {
		t.Error("List(dir) listed a directory outside the folder")
	}
	if got := string(readFile(t, outside, "secret.txt")); got != "secret" {
		t.Errorf("file outside the folder changed to %q", got)
	}
	// A symlink that stays inside the folder is not read either: Open
	// reads only a name's own regular file (as over SFTP, where the check
	// is what stops a symlink swapped in after the listing).
	if r, err := f.Open(ctx, "inside.csv"); !errors.Is(err, ErrChanged) {
		if err == nil {
			r.Close()
		}
		t.Errorf("Open(inside.csv) error = %v, want ErrChanged", err)
	}
}

func TestLocalTempSymlinkNotFollowed(t *testing.T) {
	root := t.TempDir()
	outside := filepath.Join(t.TempDir(), "victim")
	writeFile(t, filepath.Dir(outside), "victim", []byte("untouched"))
	if err := os.Symlink(outside, filepath.Join(root, ".x.csv.tmp")); err != nil {
		t.Fatal(err)
	}
	f, err := NewLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Write(t.Context(), "x.csv", strings.NewReader("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := string(readFile(t, filepath.Dir(outside), "victim")); got != "untouched" {
		t.Errorf("write went through the planted symlink: victim = %q", got)
	}
	if got := string(readFile(t, root, "x.csv")); got != "new" {
		t.Errorf("x.csv = %q", got)
	}
}

func TestOpenFolder(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	f, err := Open(ctx, config.Folder{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := f.(*Local); !ok {
		t.Errorf("Open(dir) = %T, want *Local", f)
	}
	f.Close()
	tests := []struct {
		name   string
		folder config.Folder
	}{
		{"neither", config.Folder{}},
		{"both", config.Folder{Dir: dir, SFTP: &config.SFTP{Address: "127.0.0.1:1"}}},
		{"sftp without host key", config.Folder{SFTP: &config.SFTP{Address: "127.0.0.1:1", User: "u", Password: "p"}}},
	}
	for _, tt := range tests {
		f, err := Open(ctx, tt.folder)
		if err == nil || f != nil {
			t.Errorf("%s: Open = %v, %v; want nil and an error", tt.name, f, err)
		}
	}
	_, err = Open(ctx, config.Folder{SFTP: &config.SFTP{Address: "127.0.0.1:1", User: "u", Password: "p"}})
	if !errors.Is(err, errNoHostKey) {
		t.Errorf("error = %v, want errNoHostKey", err)
	}
}
