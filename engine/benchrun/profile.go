package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/onboard/onboard/engine"
	"github.com/onboard/onboard/engine/config"
)

// profileSize profiles a first drop and a re-drop of a census in-process,
// each in a child of its own, writing the profiles to o.pprof.
func profileSize(ctx context.Context, o options, self, src string, members int, stderr io.Writer) error {
	if err := os.MkdirAll(o.pprof, 0o755); err != nil {
		return fmt.Errorf("creating profile folder: %w", err)
	}
	dir := filepath.Join(o.dir, fmt.Sprintf("prof-%d", members))
	if err := newRunDir(dir); err != nil {
		return err
	}
	if !o.keep {
		defer os.RemoveAll(dir)
	}
	for _, pass := range []string{"drop", "redrop"} {
		var err error
		if pass == "drop" {
			err = linkOrCopy(src, filepath.Join(dir, "in", "census.csv"))
		} else {
			err = writeCRLF(src, filepath.Join(dir, "in", "census-crlf.csv"))
		}
		if err != nil {
			return err
		}
		cpu := filepath.Join(o.pprof, fmt.Sprintf("cpu-%d-%s.pprof", members, pass))
		mem := filepath.Join(o.pprof, fmt.Sprintf("allocs-%d-%s.pprof", members, pass))
		logf, err := os.Create(filepath.Join(dir, "prof-"+pass+".log"))
		if err != nil {
			return err
		}
		r, _, err := runChild(ctx, self, child{dir: dir, stdout: logf, stderr: logf,
			args: []string{self, "profile", "-config", filepath.Join(dir, "onboard.yaml"), "-cpuprofile", cpu, "-memprofile", mem}})
		logf.Close()
		if err != nil {
			return fmt.Errorf("profiling %s of %d members: %w", pass, members, err)
		}
		fmt.Fprintf(stderr, "benchrun: profiled %s of %d members in-process (%.1f s, peak RSS %.1f MiB): %s %s\n",
			pass, members, r.wall.Seconds(), mib(r.maxRSS), cpu, mem)
	}
	return nil
}

// profileMain is the profile child: what `onboard once` does, in-process,
// under the CPU profiler, then an allocation profile.
func profileMain(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("profile", flag.ContinueOnError)
	path := fs.String("config", "", "onboard config")
	cpu := fs.String("cpuprofile", "", "write a CPU profile here")
	mem := fs.String("memprofile", "", "write an allocation profile here")
	heapEvery := fs.Duration("heapevery", 0, "also write the in-use heap every this long, to -memprofile.N (finds what a pass holds)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *heapEvery > 0 && *mem != "" {
		stop := make(chan struct{})
		defer close(stop)
		go snapshotHeap(*mem, *heapEvery, stop)
	}
	if *path == "" || *cpu == "" {
		return errors.New("profile: -config and -cpuprofile are required")
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	e, err := engine.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer e.Close()
	cf, err := os.Create(*cpu)
	if err != nil {
		return err
	}
	defer cf.Close()
	if err := pprof.StartCPUProfile(cf); err != nil {
		return err
	}
	err = e.Once(ctx)
	pprof.StopCPUProfile()
	if err != nil {
		return err
	}
	if *mem == "" {
		return nil
	}
	mf, err := os.Create(*mem)
	if err != nil {
		return err
	}
	defer mf.Close()
	runtime.GC()
	return pprof.Lookup("allocs").WriteTo(mf, 0)
}

// snapshotHeap writes the in-use heap to base.1, base.2, ... every period
// until stop closes.
func snapshotHeap(base string, period time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(period)
	defer t.Stop()
	for n := 1; ; n++ {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		f, err := os.Create(fmt.Sprintf("%s.%d", base, n))
		if err != nil {
			return
		}
		runtime.GC()
		pprof.Lookup("heap").WriteTo(f, 0)
		f.Close()
	}
}
