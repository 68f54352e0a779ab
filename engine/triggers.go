package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/robfig/cron/v3"

	"github.com/onboard/onboard/engine/config"
)

// parseSchedule parses a job's cron spec exactly as the config loader
// validates it: five fields (minute hour day month weekday), descriptors
// (@every 30s, @daily), and a CRON_TZ=Zone prefix.
func parseSchedule(spec string) (cron.Schedule, error) {
	return config.ParseSchedule(spec)
}

// missed reports whether a schedule came due after last and by now: its
// next activation after the last run is not after now. A job that never
// ran (zero last) is due.
func missed(s cron.Schedule, last, now time.Time) bool {
	if last.IsZero() {
		return true
	}
	next := s.Next(last)
	return !next.IsZero() && !next.After(now)
}

// dueAtStart returns the scheduled jobs whose schedule came due while the
// daemon was down. When the last run cannot be read, the job is run: a
// pass is always safe to repeat.
func (d *Daemon) dueAtStart(ctx context.Context, now time.Time) map[*runner]bool {
	due := map[*runner]bool{}
	for _, r := range d.runners {
		if r.sched == nil {
			continue
		}
		var last time.Time
		if d.e.Store != nil {
			var err error
			last, err = d.e.Store.LastRun(ctx, r.job.Name)
			if err != nil {
				d.jobLog(r).Error("reading the job's last run; running it at start", "err", err)
				due[r] = true
				continue
			}
		}
		if missed(r.sched, last, now) {
			due[r] = true
		}
	}
	return due
}

// startCron schedules every job that has a schedule and starts the cron.
func (d *Daemon) startCron(now time.Time) {
	cl := cronLogger{d.log}
	d.cron = cron.New(cron.WithLogger(cl),
		cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl)))
	for _, r := range d.runners {
		if r.sched == nil {
			if r.job.Stage != "intake" {
				d.jobLog(r).Warn("job has no schedule: the daemon never runs it (onboard once does)")
			}
			continue
		}
		d.cron.Schedule(r.sched, cron.FuncJob(func() { d.execute(r, "schedule") }))
		d.jobLog(r).Info("job scheduled", "schedule", r.job.Schedule, "next", r.sched.Next(now))
	}
	d.cron.Start()
}

// cronLogger passes the cron's logs to slog: its chatter at debug level,
// its errors (recovered panics) at error level.
type cronLogger struct{ log *slog.Logger }

// Info implements cron.Logger.
func (l cronLogger) Info(msg string, keysAndValues ...any) {
	l.log.Debug("cron: "+msg, keysAndValues...)
}

// Error implements cron.Logger.
func (l cronLogger) Error(err error, msg string, keysAndValues ...any) {
	l.log.Error("cron: "+msg, append(keysAndValues, "err", err)...)
}

// watcher wakes partners' intake on events in their local inbound folders.
// The poll listing stays the source of truth: events only make the next
// pass come sooner.
type watcher struct {
	d  *Daemon
	fs *fsnotify.Watcher

	mu      sync.Mutex
	dirs    map[string]*runner     // cleaned folder path → that partner's intake
	watched map[string]os.FileInfo // the folders watched, as they were when the watch began
	timers  map[string]*time.Timer // debounce per path
	closed  bool
}

// startWatcher watches every local inbound folder. It returns nil (poll
// schedules only) when the platform offers no watcher.
func (d *Daemon) startWatcher(ctx context.Context) *watcher {
	dirs := map[string]*runner{}
	for _, r := range d.runners {
		if r.partner == nil || r.partner.Inbound.SFTP != nil || r.partner.Inbound.Dir == "" {
			continue
		}
		dirs[filepath.Clean(r.partner.Inbound.Dir)] = r
	}
	if len(dirs) == 0 {
		return nil
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		d.log.Warn("folder events are unavailable; inbound folders are polled on their schedules only", "err", err)
		return nil
	}
	w := &watcher{d: d, fs: fw, dirs: dirs, watched: map[string]os.FileInfo{}, timers: map[string]*time.Timer{}}
	for dir, r := range dirs {
		if d.e.Pool != nil {
			// Opening a local folder creates it when missing, so the
			// watch can begin before the first pass.
			_, _ = d.e.Pool.Open(ctx, r.partner.Inbound.Folder)
		}
		w.add(dir, r)
	}
	d.loops.Add(1)
	go w.loop()
	return w
}

// add starts watching a folder; on failure the partner is polled only
// until a pass restores the watch.
func (w *watcher) add(dir string, r *runner) {
	log := w.d.jobLog(r).With("folder", dir)
	fi, err := os.Stat(dir)
	if err == nil {
		err = w.fs.Add(dir)
	}
	if err != nil {
		log.Warn("cannot watch the inbound folder; it is polled on its schedule until watching works", "err", err)
		return
	}
	w.mu.Lock()
	w.watched[dir] = fi
	w.mu.Unlock()
	log.Info("watching inbound folder")
}

// retry restores the watch of a partner's folder after it was lost: the
// folder was missing at start, or was removed, renamed or replaced since
// (an inotify watch follows the old folder, so a replaced folder is
// noticed by its identity, not by an event).
func (w *watcher) retry(r *runner) {
	if w == nil || r.partner == nil {
		return
	}
	dir := filepath.Clean(r.partner.Inbound.Dir)
	w.mu.Lock()
	if w.closed || w.dirs[dir] != r {
		w.mu.Unlock()
		return
	}
	was, watched := w.watched[dir]
	w.mu.Unlock()
	fi, err := os.Stat(dir)
	if err != nil || (watched && os.SameFile(was, fi)) {
		return
	}
	if watched {
		_ = w.fs.Remove(dir) // the old folder's watch, if inotify still holds it
		w.mu.Lock()
		delete(w.watched, dir)
		w.mu.Unlock()
	}
	w.add(dir, r)
}

// count is the number of folders being watched.
func (w *watcher) count() int {
	if w == nil {
		return 0
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.watched)
}

func (w *watcher) loop() {
	defer w.d.loops.Done()
	for {
		select {
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			w.event(ev)
		case err, ok := <-w.fs.Errors:
			if !ok {
				return
			}
			w.overflowOr(err)
		}
	}
}

// event handles one folder event.
func (w *watcher) event(ev fsnotify.Event) {
	name := filepath.Clean(ev.Name)
	w.mu.Lock()
	if r, ok := w.dirs[name]; ok && ev.Has(fsnotify.Remove|fsnotify.Rename) {
		// The watched folder itself went away: the watch is gone with it.
		delete(w.watched, name)
		w.mu.Unlock()
		w.d.jobLog(r).Warn("inbound folder removed or renamed; watching resumes when it is back", "folder", name)
		return
	}
	r := w.dirs[filepath.Dir(name)]
	w.mu.Unlock()
	if r == nil || !ev.Has(fsnotify.Create|fsnotify.Write) || !wakes(filepath.Base(name)) {
		return
	}
	w.debounce(name, r)
}

// wakes reports whether an event on a file name may reveal a new partner
// file: hidden files and temporary upload names do not (their final
// rename does); done markers do.
func wakes(base string) bool {
	if base == "" || strings.HasPrefix(base, ".") {
		return false
	}
	lower := strings.ToLower(base)
	for _, suf := range []string{".tmp", ".part", ".partial", ".filepart"} {
		if strings.HasSuffix(lower, suf) {
			return false
		}
	}
	return true
}

// debounce wakes r once path has been quiet for the debounce duration.
func (w *watcher) debounce(path string, r *runner) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return
	}
	if t, ok := w.timers[path]; ok {
		t.Stop()
	}
	var t *time.Timer
	t = time.AfterFunc(w.d.Debounce, func() {
		w.mu.Lock()
		if w.timers[path] == t {
			delete(w.timers, path)
		}
		w.mu.Unlock()
		w.d.kick(r)
	})
	w.timers[path] = t
}

// overflowOr handles a watcher error: an overflow means events were lost,
// so every watched partner gets a full pass; others are logged.
func (w *watcher) overflowOr(err error) {
	if !errors.Is(err, fsnotify.ErrEventOverflow) {
		w.d.log.Error("watching inbound folders", "err", err)
		return
	}
	w.d.log.Warn("folder events overflowed; rescanning every watched inbound folder", "err", err)
	w.mu.Lock()
	rs := make([]*runner, 0, len(w.dirs))
	for _, r := range w.dirs {
		rs = append(rs, r)
	}
	w.mu.Unlock()
	for _, r := range rs {
		w.d.kick(r)
	}
}

// close stops the watcher and its pending wakes.
func (w *watcher) close() {
	if w == nil {
		return
	}
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	for p, t := range w.timers {
		t.Stop()
		delete(w.timers, p)
	}
	w.mu.Unlock()
	if err := w.fs.Close(); err != nil {
		w.d.log.Warn("closing the folder watcher", "err", fmt.Errorf("closing watcher: %w", err))
	}
}
