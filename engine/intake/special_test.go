package intake

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/model"
)

// TestSpecialFiles: a symlink in a drop folder pointing outside it, or a
// pipe, used to be left out of the listing, so the partner heard nothing.
// Now each gets a rejected result, the entry itself moves to failed/, its
// target is never read or changed, and the other files are taken.
func TestSpecialFiles(t *testing.T) {
	data, err := os.ReadFile("testdata/census-small.csv")
	if err != nil {
		t.Fatal(err)
	}
	const secret = "root:x:0:0:root:/root:/bin/sh\n"
	tests := []struct {
		name string
		make func(t *testing.T, at, outsideFile string)
	}{
		{"passwd.csv", func(t *testing.T, at, target string) {
			if err := os.Symlink(target, at); err != nil {
				t.Fatal(err)
			}
		}},
		{"dangling.csv", func(t *testing.T, at, target string) {
			if err := os.Symlink(target+".missing", at); err != nil {
				t.Fatal(err)
			}
		}},
		{"fifo.csv", func(t *testing.T, at, _ string) {
			if err := syscall.Mkfifo(at, 0o600); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "full", 1<<30)
			outside := filepath.Join(t.TempDir(), "passwd")
			if err := os.WriteFile(outside, []byte(secret), 0o600); err != nil {
				t.Fatal(err)
			}
			old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
			if err := os.Chtimes(outside, old, old); err != nil {
				t.Fatal(err)
			}
			tc.make(t, filepath.Join(e.inbound, tc.name), outside)
			e.drop("good.csv", data)
			// An ignored name (a dotfile) is left alone, special or not.
			if err := os.Symlink(outside, filepath.Join(e.inbound, ".upload.tmp")); err != nil {
				t.Fatal(err)
			}
			sum := e.pass()

			r := e.result(tc.name)
			if r.Outcome != "rejected" || r.File != tc.name || len(r.Errors) != 1 ||
				r.Errors[0].ErrorType != model.ErrFileInvalid ||
				!strings.Contains(r.Errors[0].Message, tc.name+" is a symbolic link") {
				t.Errorf("result %+v", r)
			}
			if _, err := os.Stat(filepath.Join(e.outbound, "results", tc.name+".errors.csv")); err != nil {
				t.Errorf("no errors CSV: %v", err)
			}
			if r := e.result("good.csv"); r.Outcome != "accepted" {
				t.Errorf("good.csv: %s", r.Outcome)
			}
			var rejected int
			for _, fs := range sum.Files {
				if fs.Name == tc.name && fs.Outcome == "rejected" {
					rejected++
				}
			}
			if rejected != 1 {
				t.Errorf("summary %+v: want %s rejected once", sum.Files, tc.name)
			}
			if _, err := os.Lstat(filepath.Join(e.inbound, ".upload.tmp")); err != nil {
				t.Errorf("an ignored symlink was moved: %v", err)
			}
			if _, err := os.Stat(filepath.Join(e.outbound, "results", ".upload.tmp.result.json")); !os.IsNotExist(err) {
				t.Errorf("an ignored symlink was answered: %v", err)
			}
			// The entry itself moved; it is still special, not a copy.
			if _, err := os.Lstat(filepath.Join(e.inbound, tc.name)); !os.IsNotExist(err) {
				t.Errorf("%s is still in the drop folder: %v", tc.name, err)
			}
			info, err := os.Lstat(filepath.Join(e.inbound, "failed", tc.name))
			if err != nil || info.Mode().IsRegular() {
				t.Errorf("failed/%s: %v, mode %v; want the special entry itself", tc.name, err, info.Mode())
			}
			// The target is untouched and was never read (atime aside,
			// which noatime mounts do not keep, its content and times).
			b, err := os.ReadFile(outside)
			if err != nil || string(b) != secret {
				t.Errorf("the target changed: %q, %v", b, err)
			}
			if ti, err := os.Stat(outside); err != nil || !ti.ModTime().Equal(old) {
				t.Errorf("the target's mtime changed: %v", err)
			}
			if ar, err := os.ReadDir(filepath.Join(e.inbound, "archive")); err != nil || len(ar) != 1 || ar[0].Name() != "good.csv" {
				t.Errorf("archive = %v, %v; want only good.csv", ar, err)
			}

			// Told once: a later pass neither answers nor moves anything.
			res := filepath.Join(e.outbound, "results", tc.name+".result.json")
			if err := os.WriteFile(res, []byte("told"), 0o600); err != nil {
				t.Fatal(err)
			}
			if sum := e.pass(); len(sum.Files) != 0 {
				t.Errorf("second pass took %+v", sum.Files)
			}
			if b, _ := os.ReadFile(res); string(b) != "told" {
				t.Errorf("the result was written again: %q", b)
			}
		})
	}
}

// TestSpecialFileMoveRetried: when the result is there but the entry was
// not moved (an interrupted pass), the next pass moves it without writing
// the result again, and a failed/ entry of the same name is kept.
func TestSpecialFileMoveRetried(t *testing.T) {
	e := newEnv(t, "full", 1<<30)
	outside := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(outside, []byte("s"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(e.inbound, "failed"), 0o750); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(e.inbound, "x.csv"), filepath.Join(e.inbound, "failed", "x.csv")} {
		if err := os.Symlink(outside, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(e.outbound, "results"), 0o750); err != nil {
		t.Fatal(err)
	}
	res := filepath.Join(e.outbound, "results", "x.csv.result.json")
	if err := os.WriteFile(res, []byte("told"), 0o600); err != nil {
		t.Fatal(err)
	}
	e.pass()
	if b, _ := os.ReadFile(res); string(b) != "told" {
		t.Errorf("the result was written again: %q", b)
	}
	if _, err := os.Lstat(filepath.Join(e.inbound, "x.csv")); !os.IsNotExist(err) {
		t.Errorf("x.csv is still in the drop folder: %v", err)
	}
	entries, err := os.ReadDir(filepath.Join(e.inbound, "failed"))
	if err != nil || len(entries) != 2 {
		t.Errorf("failed/ = %v, %v; want the old and the new link", entries, err)
	}
}
