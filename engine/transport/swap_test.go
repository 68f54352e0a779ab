package transport

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/transport/sftptest"
)

// swapLoop plays a hostile partner: every 2 ms it renames, over name in
// root, a symlink to target and then a hard link of a same-size decoy, until
// stop is closed. An SFTP server opens by path and follows the symlink, so
// a check of the name made before or after Open cannot by itself tell what
// was opened.
func swapLoop(t *testing.T, root, name, decoy, target string, stop <-chan struct{}, wg *sync.WaitGroup) {
	t.Helper()
	wg.Add(1)
	go func() {
		defer wg.Done()
		dst := filepath.Join(root, name)
		link, hard := filepath.Join(root, ".swap-link"), filepath.Join(root, ".swap-hard")
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			var err error
			if i%2 == 0 {
				os.Remove(link)
				if err = os.Symlink(target, link); err == nil {
					err = os.Rename(link, dst)
				}
			} else {
				os.Remove(hard)
				if err = os.Link(decoy, hard); err == nil {
					err = os.Rename(hard, dst)
				}
			}
			if err != nil {
				t.Errorf("swapping: %v", err)
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
}

// TestOpenRefusesSymlinkSwap is the hostile partner of issue 16: a file
// name swapped between a decoy and a symlink to a file outside the folder
// every 2 ms. Against OpenSSH's sftp-server (which follows symlinks on
// open) and local folders, Open must never hand out the outside file's
// content: it compares the open handle with a fresh lstat of the name and
// refuses on any difference (ErrChanged or a not-regular error).
func TestOpenRefusesSymlinkSwap(t *testing.T) {
	secret := bytes.Repeat([]byte("root:x:0:0:secret\n"), 20)
	decoyContent := bytes.Repeat([]byte("group_id,member_id\n"), 15)
	decoyContent = append(decoyContent, bytes.Repeat([]byte("x"), len(secret)-len(decoyContent))...)
	if len(decoyContent) != len(secret) {
		t.Fatalf("decoy %d bytes, secret %d", len(decoyContent), len(secret))
	}
	for _, tc := range []struct {
		name string
		open func(t *testing.T, root string) Folder
	}{
		{"openssh", func(t *testing.T, root string) Folder {
			srv := sftptest.StartOpenSSH(t, root)
			return newTestSFTP(t, srv.Config(), testTuning())
		}},
		{"local", func(t *testing.T, root string) Folder {
			f, err := NewLocal(root)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { f.Close() })
			return f
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root, outside := t.TempDir(), t.TempDir()
			// The outside file's own time differs from the decoy's, as
			// /etc/passwd's does from a partner's upload.
			target := filepath.Join(outside, "passwd")
			if err := os.WriteFile(target, secret, 0o644); err != nil {
				t.Fatal(err)
			}
			old := time.Now().Add(-72 * time.Hour)
			if err := os.Chtimes(target, old, old); err != nil {
				t.Fatal(err)
			}
			decoy := filepath.Join(root, ".decoy")
			if err := os.WriteFile(decoy, decoyContent, 0o644); err != nil {
				t.Fatal(err)
			}
			writeFile(t, root, "weekly.csv", decoyContent)
			f := tc.open(t, root)

			stop := make(chan struct{})
			var wg sync.WaitGroup
			swapLoop(t, root, "weekly.csv", decoy, target, stop, &wg)
			defer wg.Wait()
			defer close(stop)

			var leaked, read, refused int
			deadline := time.Now().Add(3 * time.Second)
			for i := 0; i < 400 && time.Now().Before(deadline); i++ {
				got, err := openAndRead(t.Context(), f, "weekly.csv")
				switch {
				case err != nil:
					if errors.Is(err, ErrUnsafeName) {
						t.Fatalf("Open: %v", err)
					}
					refused++
				case bytes.Equal(got, secret):
					leaked++
				default:
					read++
					if !bytes.Equal(got, decoyContent) {
						t.Fatalf("read %d bytes that are neither the decoy nor the outside file", len(got))
					}
				}
			}
			if leaked > 0 {
				t.Fatalf("the outside file was read %d times through the swapped symlink (%d decoy reads, %d refusals)", leaked, read, refused)
			}
			if refused == 0 {
				t.Errorf("no open was refused in %d tries: the swap never raced (the test proves nothing)", read)
			}
			t.Logf("%d decoy reads, %d refusals, 0 leaks", read, refused)
		})
	}
}

func openAndRead(ctx context.Context, f Folder, name string) ([]byte, error) {
	r, err := f.Open(ctx, name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}
