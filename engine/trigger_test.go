package engine

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/onboard/onboard/engine/config"
)

// watchedEnv is a daemon whose partners have local inbound folders and
// counting intake jobs on an hourly schedule, so only folder events act.
type watchedEnv struct {
	d      *Daemon
	dirs   map[string]string
	counts map[string]*counting
}

func newWatchedEnv(t *testing.T, partners ...string) *watchedEnv {
	t.Helper()
	env := &watchedEnv{dirs: map[string]string{}, counts: map[string]*counting{}}
	cfg := &config.Config{}
	var jobs []Job
	for _, id := range partners {
		dir := filepath.Join(t.TempDir(), id, "inbound")
		env.dirs[id] = dir
		cfg.Partners = append(cfg.Partners, config.Partner{ID: id,
			Inbound: config.Inbound{Folder: config.Folder{Dir: dir}, Schedule: "@every 1h"}})
		c := &counting{}
		env.counts[id] = c
		j := c.job("intake:"+id, "intake", "@every 1h")
		j.Partner = id
		jobs = append(jobs, j)
	}
	d := mustDaemon(t, newTestEngine(t, cfg, nil, jobs...))
	d.Debounce = 30 * time.Millisecond
	env.d = d
	return env
}

func (env *watchedEnv) drop(t *testing.T, partner, name string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(env.dirs[partner], name), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestFolderEventWakesThatPartnersIntake(t *testing.T) {
	env := newWatchedEnv(t, "acme", "beta")
	start(t, env.d)
	acme, beta := env.counts["acme"], env.counts["beta"]
	// Every partner's folder is listed once at start (the folder is
	// created by opening it, so the watch begins at once).
	waitFor(t, "the start passes", func() bool { return acme.runs() == 1 && beta.runs() == 1 })
	if n := env.d.watch.count(); n != 2 {
		t.Fatalf("%d folders watched, want 2", n)
	}

	env.drop(t, "acme", "census.csv")
	waitFor(t, "the event's pass", func() bool { return acme.runs() == 2 })

	// Hidden files and temporary upload names do not wake anyone.
	env.drop(t, "acme", ".census2.csv.tmp")
	env.drop(t, "acme", "census2.csv.part")
	env.drop(t, "acme", "census2.csv.filepart")
	time.Sleep(150 * time.Millisecond)
	if acme.runs() != 2 || beta.runs() != 1 {
		t.Fatalf("temporary names woke intake: acme %d, beta %d", acme.runs(), beta.runs())
	}

	// The upload's final rename does; so does a done marker.
	if err := os.Rename(filepath.Join(env.dirs["acme"], "census2.csv.part"), filepath.Join(env.dirs["acme"], "census2.csv")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the rename's pass", func() bool { return acme.runs() == 3 })
	env.drop(t, "acme", "census2.csv.done")
	waitFor(t, "the done marker's pass", func() bool { return acme.runs() == 4 })
	if beta.runs() != 1 {
		t.Fatalf("another partner's drop woke beta (%d runs)", beta.runs())
	}
}

func TestFolderEventsAreDebouncedPerPath(t *testing.T) {
	env := newWatchedEnv(t, "acme")
	env.d.Debounce = 100 * time.Millisecond
	start(t, env.d)
	acme := env.counts["acme"]
	waitFor(t, "the start pass", func() bool { return acme.runs() == 1 })
	f, err := os.Create(filepath.Join(env.dirs["acme"], "big.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for range 20 { // a slow upload: many writes, each within the debounce
		if _, err := f.WriteString("row\n"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	f.Close()
	waitFor(t, "the pass after the upload", func() bool { return acme.runs() >= 2 })
	time.Sleep(200 * time.Millisecond)
	if n := acme.runs(); n != 2 {
		t.Fatalf("%d passes after 20 writes, want 1 (debounced)", n-1)
	}
}

func TestOverflowRescansEveryWatchedPartner(t *testing.T) {
	env := newWatchedEnv(t, "acme", "beta")
	start(t, env.d)
	acme, beta := env.counts["acme"], env.counts["beta"]
	waitFor(t, "the start passes", func() bool { return acme.runs() == 1 && beta.runs() == 1 })

	env.d.watch.overflowOr(errors.New("some other watcher error"))
	time.Sleep(100 * time.Millisecond)
	if acme.runs() != 1 || beta.runs() != 1 {
		t.Fatal("a watcher error other than an overflow woke intake")
	}
	env.d.watch.overflowOr(fsnotify.ErrEventOverflow)
	waitFor(t, "the rescans", func() bool { return acme.runs() == 2 && beta.runs() == 2 })
}

func TestWatchIsRestoredWhenTheFolderComesBack(t *testing.T) {
	env := newWatchedEnv(t, "acme")
	start(t, env.d)
	acme := env.counts["acme"]
	waitFor(t, "the start pass", func() bool { return acme.runs() == 1 })
	dir := env.dirs["acme"]
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	r := env.d.runnerOf("intake:acme")
	env.d.watch.retry(r) // what each intake pass does: nothing to watch yet
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	env.d.watch.retry(r) // the folder is back, as a new folder
	if n := env.d.watch.count(); n != 1 {
		t.Fatalf("%d folders watched after the retry, want 1", n)
	}
	env.drop(t, "acme", "census.csv")
	waitFor(t, "the event's pass", func() bool { return acme.runs() == 2 })
}

func TestWakes(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"census.csv", true},
		{"groups.json", true},
		{"census.csv.done", true},
		{".census.csv", false},
		{".census.csv.tmp", false},
		{"census.csv.TMP", false},
		{"census.csv.part", false},
		{"census.csv.partial", false},
		{"census.csv.filepart", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := wakes(tt.name); got != tt.want {
			t.Errorf("wakes(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}
