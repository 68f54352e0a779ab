package transport

import (
	"errors"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/transport/sftptest"
)

// TestPlainRenameRefusesExistingTarget shows why replace needs its
// fallback: without posix-rename@openssh.com, OpenSSH's rename refuses an
// existing target. The contract suite's sftp-openssh-no-posix-rename runs
// Write and Rename over existing files through that fallback.
func TestPlainRenameRefusesExistingTarget(t *testing.T) {
	srv := sftptest.StartOpenSSH(t, t.TempDir())
	writeFile(t, srv.Root, "a", []byte("a"))
	writeFile(t, srv.Root, "b", []byte("b"))
	tune := testTuning()
	tune.noPosixRename = true
	f := newTestSFTP(t, srv.Config(), tune)
	if err := f.cur.sc.Rename(f.abs("a"), f.abs("b")); err == nil {
		t.Fatal("plain SFTP rename replaced an existing file; the fallback is untested")
	}
	if err := f.Rename(t.Context(), "a", "b"); err != nil {
		t.Fatalf("Rename with the fallback: %v", err)
	}
	if got := string(readFile(t, srv.Root, "b")); got != "a" || exists(t, srv.Root, "a") {
		t.Errorf("after Rename: b = %q, a exists = %v", got, exists(t, srv.Root, "a"))
	}
	if tmp := tempFiles(t, srv.Root); len(tmp) > 0 {
		t.Errorf("files left aside: %q", tmp)
	}
}

func TestSFTPMissingDir(t *testing.T) {
	srv := sftptest.StartServer(t, t.TempDir())
	cfg := srv.Config()
	cfg.Dir = srv.Root + "/none"
	_, err := newSFTP(t.Context(), cfg, testTuning())
	if !errors.Is(err, ErrNotExist) || !strings.Contains(err.Error(), "/none") {
		t.Errorf("error = %v, want ErrNotExist naming the dir", err)
	}
	writeFile(t, srv.Root, "file", []byte("x"))
	cfg.Dir = srv.Root + "/file"
	if _, err := newSFTP(t.Context(), cfg, testTuning()); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("error = %v, want not a directory", err)
	}
}

func TestSFTPRelativeDir(t *testing.T) {
	srv := sftptest.StartServer(t, t.TempDir()) // the login directory is Root
	writeFile(t, srv.Root, "in/x.csv", []byte("x"))
	cfg := srv.Config()
	cfg.Dir = "in"
	f := newTestSFTP(t, cfg, testTuning())
	if got := readAll(t, f, "x.csv"); string(got) != "x" {
		t.Errorf("content = %q", got)
	}
	if !strings.HasSuffix(f.String(), srv.Root+"/in") {
		t.Errorf("String = %q, want the resolved absolute dir", f.String())
	}
}

func TestClosedFolder(t *testing.T) {
	srv := sftptest.StartServer(t, t.TempDir())
	f := newTestSFTP(t, srv.Config(), testTuning())
	f.Close()
	if _, err := f.List(t.Context(), ""); !errors.Is(err, errClosed) {
		t.Errorf("List after Close error = %v, want errClosed", err)
	}
	checkNoClientGoroutines(t)
}
