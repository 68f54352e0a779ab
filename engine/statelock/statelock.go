// Package statelock keeps one daemon per embedded state database: an
// exclusive flock on a file beside the database (DESIGN.md §12), held by
// `onboard run` and `onboard once` for as long as they use the database.
package statelock

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// Lock is a held state lock.
type Lock struct {
	f    *os.File
	path string
}

// HeldError says that another process holds the lock.
type HeldError struct {
	// Path is the lock file, Database the database it guards.
	Path, Database string
	// PID is the holder's process id as it wrote it (0 when unreadable).
	PID int
}

func (e *HeldError) Error() string {
	who := "another onboard"
	if e.PID > 0 {
		who = fmt.Sprintf("another onboard (pid %d)", e.PID)
	}
	return fmt.Sprintf("%s is using the state database %s (lock %s); stop it first, or give this one its own state", who, e.Database, e.Path)
}

// Path is the lock file beside the database at dbPath.
func Path(dbPath string) string { return dbPath + ".lock" }

// Acquire takes the lock beside the database at dbPath without waiting.
// When another process holds it the error is a *HeldError naming its pid.
// The lock lasts until Release or the end of the process (the kernel
// releases a dead process's flock, so a crash never leaves it stale).
func Acquire(dbPath string) (*Lock, error) {
	path := Path(dbPath)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the state lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &HeldError{Path: path, Database: dbPath, PID: readPID(f)}
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	// The holder writes its pid so that the next one can name it.
	if err := f.Truncate(0); err == nil {
		_, err = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("writing the state lock: %w", err)
		}
	}
	return &Lock{f: f, path: path}, nil
}

// readPID reads the holder's pid from the lock file (0 when unreadable).
func readPID(f *os.File) int {
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	if err != nil {
		return 0
	}
	return pid
}

// Release gives the lock up. The file stays (removing it would let a
// process that opened it before the removal lock a file nobody else sees).
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
