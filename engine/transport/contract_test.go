package transport

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/transport/sftptest"
)

// implementation opens a Folder on a fresh, empty directory and returns it
// with the directory's local path, so tests can arrange and inspect files
// behind the folder's back.
type implementation struct {
	name string
	open func(t *testing.T) (Folder, string)
	// modes is true when Write's perm is applied exactly.
	modes bool
	// only, when set, limits the suite to these tests.
	only []string
}

// implementations starts the servers once; each test gets its own
// directory and connection.
func implementations(t *testing.T) []implementation {
	local := implementation{name: "local", modes: true, open: func(t *testing.T) (Folder, string) {
		root := t.TempDir()
		f, err := NewLocal(root)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f, root
	}}
	onServer := func(srv *sftptest.Server, tune tuning) func(t *testing.T) (Folder, string) {
		return func(t *testing.T) (Folder, string) {
			root, err := os.MkdirTemp(srv.Root, "t")
			if err != nil {
				t.Fatal(err)
			}
			cfg := srv.Config()
			cfg.Dir = root
			return newTestSFTP(t, cfg, tune), root
		}
	}
	inproc := sftptest.StartServer(t, t.TempDir())
	openssh := sftptest.StartOpenSSH(t, t.TempDir())
	noPosix := testTuning()
	noPosix.noPosixRename = true
	return []implementation{
		local,
		{name: "sftp-inprocess", modes: true, open: onServer(inproc, testTuning())},
		{name: "sftp-openssh", modes: true, open: onServer(openssh, testTuning())},
		// OpenSSH's plain SFTP rename refuses an existing target, which
		// exercises the fallback used by servers without posix-rename.
		{name: "sftp-openssh-no-posix-rename", modes: true, open: onServer(openssh, noPosix),
			only: []string{"WriteAtomic", "WriteReplaces", "WriteStaleTemp", "Rename"}},
	}
}

func TestContract(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, impl implementation)
	}{
		{"List", testList},
		{"ListSpecial", testListSpecial},
		{"Stat", testStat},
		{"Open", testOpen},
		{"OpenHonoursContext", testOpenContext},
		{"WriteAtomic", testWriteAtomic},
		{"WriteReplaces", testWriteReplaces},
		{"WriteLarge", testWriteLarge},
		{"WriteReaderError", testWriteReaderError},
		{"WriteStaleTemp", testWriteStaleTemp},
		{"Rename", testRename},
		{"Remove", testRemove},
		{"UnsafeNames", testUnsafeNames},
		{"Sub", testSub},
	}
	for _, impl := range implementations(t) {
		t.Run(impl.name, func(t *testing.T) {
			for _, tt := range tests {
				if impl.only != nil && !slices.Contains(impl.only, tt.name) {
					continue
				}
				t.Run(tt.name, func(t *testing.T) { tt.run(t, impl) })
			}
		})
	}
}

func testList(t *testing.T, impl implementation) {
	f, root := impl.open(t)
	ctx := t.Context()
	writeFile(t, root, "b.csv", []byte("bb"))
	writeFile(t, root, "a.txt", []byte("a"))
	writeFile(t, root, ".hidden", []byte("hhh"))
	writeFile(t, root, "sub/c.json", []byte("cccc"))
	if err := os.Symlink("a.txt", filepath.Join(root, "link.txt")); err != nil {
		t.Fatal(err)
	}
	mtime := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	if err := os.Chtimes(filepath.Join(root, "b.csv"), mtime, mtime); err != nil {
		t.Fatal(err)
	}

	got, err := f.List(ctx, "")
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	var names, special []string
	for _, fi := range got {
		names = append(names, fi.Name)
		if fi.Special {
			special = append(special, fi.Name)
		}
	}
	// Sorted; dotfiles included (the caller filters); sub-directories left
	// out; the symlink listed, not followed, and marked Special.
	if want := []string{".hidden", "a.txt", "b.csv", "link.txt"}; !slices.Equal(names, want) {
		t.Fatalf("List names = %q, want %q", names, want)
	}
	if want := []string{"link.txt"}; !slices.Equal(special, want) {
		t.Errorf("Special entries = %q, want %q", special, want)
	}
	if got[2].Size != 2 || !got[2].ModTime.Equal(mtime) {
		t.Errorf("b.csv = size %d mtime %v, want 2 and %v", got[2].Size, got[2].ModTime, mtime)
	}

	sub, err := f.List(ctx, "sub")
	if err != nil || len(sub) != 1 || sub[0].Name != "c.json" || sub[0].Size != 4 {
		t.Errorf("List(sub) = %+v, %v; want c.json of 4 bytes", sub, err)
	}
	if _, err := f.List(ctx, "missing"); !errors.Is(err, ErrNotExist) {
		t.Errorf("List(missing) error = %v, want ErrNotExist", err)
	}
}

func testStat(t *testing.T, impl implementation) {
	f, root := impl.open(t)
	ctx := t.Context()
	writeFile(t, root, "d/x.csv", []byte("12345"))
	fi, err := f.Stat(ctx, "d/x.csv")
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	if fi.Name != "x.csv" || fi.Size != 5 || time.Since(fi.ModTime) > time.Hour {
		t.Errorf("Stat = %+v, want x.csv, 5 bytes, recent", fi)
	}
	if _, err := f.Stat(ctx, "d/none.csv"); !errors.Is(err, ErrNotExist) {
		t.Errorf("Stat(missing) error = %v, want ErrNotExist", err)
	}
	if _, err := f.Stat(ctx, "d"); err == nil {
		t.Error("Stat(directory) succeeded, want an error")
	}
}

func testOpen(t *testing.T, impl implementation) {
	f, root := impl.open(t)
	writeFile(t, root, "in/x.csv", []byte("id,name\n1,a\n"))
	if got := readAll(t, f, "in/x.csv"); string(got) != "id,name\n1,a\n" {
		t.Errorf("content = %q", got)
	}
	if _, err := f.Open(t.Context(), "in/none.csv"); !errors.Is(err, ErrNotExist) {
		t.Errorf("Open(missing) error = %v, want ErrNotExist", err)
	}
}

func testOpenContext(t *testing.T, impl implementation) {
	f, root := impl.open(t)
	writeFile(t, root, "x.csv", bytes.Repeat([]byte("x"), 100_000))
	ctx, cancel := context.WithCancel(t.Context())
	r, err := f.Open(ctx, "x.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	buf := make([]byte, 10)
	if _, err := io.ReadFull(r, buf); err != nil {
		t.Fatalf("first read: %v", err)
	}
	cancel()
	if _, err := io.ReadAll(r); !errors.Is(err, context.Canceled) {
		t.Errorf("read after cancel error = %v, want context.Canceled", err)
	}
}

func testWriteAtomic(t *testing.T, impl implementation) {
	f, root := impl.open(t)
	content := []byte(`{"outcome":"accepted"}`)
	if err := f.Write(t.Context(), "results/x.result.json", bytes.NewReader(content), 0o600); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if got := readFile(t, root, "results/x.result.json"); !bytes.Equal(got, content) {
		t.Errorf("content = %q, want %q", got, content)
	}
	if tmp := tempFiles(t, filepath.Join(root, "results")); len(tmp) > 0 {
		t.Errorf("temporary files left: %q", tmp)
	}
	if impl.modes {
		info, err := os.Stat(filepath.Join(root, "results/x.result.json"))
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("mode = %v, want 0600", info.Mode().Perm())
		}
	}
	if err := f.Write(t.Context(), "open.csv", strings.NewReader("a"), 0o644); err != nil {
		t.Fatalf("Write 0644: %v", err)
	}
	if info, err := os.Stat(filepath.Join(root, "open.csv")); err != nil || impl.modes && info.Mode().Perm() != 0o644 {
		t.Errorf("mode of 0644 file = %v, %v", info.Mode().Perm(), err)
	}
}

func testWriteReplaces(t *testing.T, impl implementation) {
	f, root := impl.open(t)
	writeFile(t, root, "out/x.csv", []byte("old content, longer than the new"))
	if err := f.Write(t.Context(), "out/x.csv", strings.NewReader("new"), 0o600); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if got := readFile(t, root, "out/x.csv"); string(got) != "new" {
		t.Errorf("content = %q, want %q", got, "new")
	}
	if tmp := tempFiles(t, filepath.Join(root, "out")); len(tmp) > 0 {
		t.Errorf("temporary files left: %q", tmp)
	}
}

func testWriteLarge(t *testing.T, impl implementation) {
	f, root := impl.open(t)
	data := randomBytes(t, 3<<20+123)
	if err := f.Write(t.Context(), "big.bin", bytes.NewReader(data), 0o600); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if got := readFile(t, root, "big.bin"); !bytes.Equal(got, data) {
		t.Fatalf("stored %d bytes differ from the %d written", len(got), len(data))
	}
	if got := readAll(t, f, "big.bin"); !bytes.Equal(got, data) {
		t.Fatalf("read back %d bytes differ from the %d written", len(got), len(data))
	}
	// Small reads go through Read rather than WriteTo.
	r, err := f.Open(t.Context(), "big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := io.ReadAll(io.LimitReader(onlyReader{r}, 100_000))
	if err != nil || !bytes.Equal(got, data[:100_000]) {
		t.Fatalf("ReadAll of the first 100000 bytes: %d bytes, %v", len(got), err)
	}
}

// onlyReader hides WriteTo.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(b []byte) (int, error) { return o.r.Read(b) }

func testWriteReaderError(t *testing.T, impl implementation) {
	f, root := impl.open(t)
	boom := errors.New("boom")
	src := &failingReader{data: randomBytes(t, 200_000), err: boom}
	err := f.Write(t.Context(), "out/x.csv", src, 0o600)
	if !errors.Is(err, boom) {
		t.Fatalf("Write error = %v, want the reader's error", err)
	}
	if exists(t, root, "out/x.csv") {
		t.Error("a file was left under the final name")
	}
	if tmp := tempFiles(t, filepath.Join(root, "out")); len(tmp) > 0 {
		t.Errorf("temporary files left: %q", tmp)
	}
}

func testWriteStaleTemp(t *testing.T, impl implementation) {
	f, root := impl.open(t)
	writeFile(t, root, ".x.csv.tmp", []byte("left by a crash"))
	if err := f.Write(t.Context(), "x.csv", strings.NewReader("fresh"), 0o600); err != nil {
		t.Fatalf("Write over a stale temporary file: %v", err)
	}
	if got := readFile(t, root, "x.csv"); string(got) != "fresh" {
		t.Errorf("content = %q", got)
	}
	if exists(t, root, ".x.csv.tmp") {
		t.Error("temporary file left")
	}
}

func testRename(t *testing.T, impl implementation) {
	f, root := impl.open(t)
	ctx := t.Context()
	writeFile(t, root, "x.csv", []byte("x"))
	if err := f.Rename(ctx, "x.csv", "archive/2024/x.csv"); err != nil {
		t.Fatalf("Rename into a new directory: %v", err)
	}
	if exists(t, root, "x.csv") || string(readFile(t, root, "archive/2024/x.csv")) != "x" {
		t.Error("file not moved")
	}
	writeFile(t, root, "y.csv", []byte("new"))
	writeFile(t, root, "archive/2024/y.csv", []byte("old"))
	if err := f.Rename(ctx, "y.csv", "archive/2024/y.csv"); err != nil {
		t.Fatalf("Rename over an existing file: %v", err)
	}
	if got := readFile(t, root, "archive/2024/y.csv"); string(got) != "new" {
		t.Errorf("target content = %q, want new", got)
	}
	if tmp := tempFiles(t, filepath.Join(root, "archive/2024")); len(tmp) > 0 {
		t.Errorf("temporary files left: %q", tmp)
	}
	if err := f.Rename(ctx, "none.csv", "archive/none.csv"); !errors.Is(err, ErrNotExist) {
		t.Errorf("Rename(missing) error = %v, want ErrNotExist", err)
	}
}

func testRemove(t *testing.T, impl implementation) {
	f, root := impl.open(t)
	writeFile(t, root, "d/x.csv", []byte("x"))
	if err := f.Remove(t.Context(), "d/x.csv"); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	if exists(t, root, "d/x.csv") {
		t.Error("file still there")
	}
	if err := f.Remove(t.Context(), "d/x.csv"); err != nil {
		t.Errorf("Remove(missing) = %v, want nil", err)
	}
}

func testUnsafeNames(t *testing.T, impl implementation) {
	f, root := impl.open(t)
	ctx := t.Context()
	writeFile(t, root, "ok.csv", []byte("x"))
	names := []string{"", ".", "..", "../x", "a/../../x", "a/..", "/etc/passwd", "a\x00b", "a\nb", "a\\..\\b", "x\x7f"}
	for _, name := range names {
		ops := map[string]error{
			"Stat":   func() error { _, err := f.Stat(ctx, name); return err }(),
			"Open":   func() error { _, err := f.Open(ctx, name); return err }(),
			"Write":  f.Write(ctx, name, strings.NewReader("x"), 0o600),
			"Rename": f.Rename(ctx, "ok.csv", name),
			"From":   f.Rename(ctx, name, "y.csv"),
			"Remove": f.Remove(ctx, name),
		}
		if name != "" && name != "." {
			_, ops["List"] = f.List(ctx, name)
		}
		for op, err := range ops {
			if !errors.Is(err, ErrUnsafeName) {
				t.Errorf("%s(%q) error = %v, want ErrUnsafeName", op, name, err)
			}
		}
	}
	if !exists(t, root, "ok.csv") {
		t.Error("ok.csv was moved by a refused rename")
	}
}

func testSub(t *testing.T, impl implementation) {
	f, root := impl.open(t)
	ctx := t.Context()
	archive := Sub(f, "archive")
	if err := archive.Write(ctx, "x.csv", strings.NewReader("x"), 0o600); err != nil {
		t.Fatalf("Sub Write: %v", err)
	}
	if string(readFile(t, root, "archive/x.csv")) != "x" {
		t.Error("Sub wrote outside archive/")
	}
	list, err := archive.List(ctx, "")
	if err != nil || len(list) != 1 || list[0].Name != "x.csv" {
		t.Errorf("Sub List = %+v, %v", list, err)
	}
	deeper := Sub(archive, "2024")
	if err := deeper.Write(ctx, "y.csv", strings.NewReader("y"), 0o600); err != nil {
		t.Fatal(err)
	}
	if !exists(t, root, "archive/2024/y.csv") {
		t.Error("Sub of Sub wrote elsewhere")
	}
	if !strings.HasSuffix(deeper.String(), "/archive/2024") {
		t.Errorf("String = %q", deeper.String())
	}
	if err := archive.Rename(ctx, "x.csv", "done/x.csv"); err != nil || !exists(t, root, "archive/done/x.csv") {
		t.Errorf("Sub Rename: %v", err)
	}
	if _, err := archive.Open(ctx, "../ok.csv"); !errors.Is(err, ErrUnsafeName) {
		t.Errorf("Sub Open(../) error = %v, want ErrUnsafeName", err)
	}
	if err := Sub(f, "../up").Write(ctx, "x", strings.NewReader("x"), 0o600); !errors.Is(err, ErrUnsafeName) {
		t.Errorf("Sub(../up) Write error = %v, want ErrUnsafeName", err)
	}
	if err := archive.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Stat(ctx, "archive/2024/y.csv"); err != nil {
		t.Errorf("parent unusable after Sub.Close: %v", err)
	}
}

// testListSpecial checks that symlinks (pointing outside the folder, at a
// directory, or nowhere) and pipes are listed with Special set, never
// followed, and that a directory is still left out.
func testListSpecial(t *testing.T, impl implementation) {
	f, root := impl.open(t)
	ctx := t.Context()
	outside := t.TempDir()
	writeFile(t, outside, "passwd", []byte("root:x:0:0::/root:/bin/sh\n"))
	writeFile(t, root, "plain.csv", []byte("p"))
	writeFile(t, root, "d/inner.csv", []byte("i"))
	for link, target := range map[string]string{
		"escape.csv": filepath.Join(outside, "passwd"),
		"todir":      outside,
		"dangling":   filepath.Join(outside, "none"),
	} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(root, "pipe"), 0o600); err != nil {
		t.Fatal(err)
	}

	got, err := f.List(ctx, "")
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	want := map[string]bool{"dangling": true, "escape.csv": true, "pipe": true, "plain.csv": false, "todir": true}
	if len(got) != len(want) {
		t.Fatalf("List = %+v, want the %d entries %v", got, len(want), want)
	}
	for _, fi := range got {
		special, ok := want[fi.Name]
		if !ok {
			t.Errorf("List included %q", fi.Name)
			continue
		}
		if fi.Special != special {
			t.Errorf("%s: Special = %v, want %v", fi.Name, fi.Special, special)
		}
		if fi.Name == "escape.csv" && fi.Size == int64(len("root:x:0:0::/root:/bin/sh\n")) {
			t.Errorf("escape.csv has its target's size %d: the link was followed", fi.Size)
		}
	}
}
