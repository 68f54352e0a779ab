package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// singleGroupTarget is the peak RSS one group of singleGroup members may
// take (issue 16): a group is held whole while it is mapped, validated,
// stored and diffed, so this is what bounds max_group_members.
const singleGroupTarget = 512 << 20

// singleResult is the measurement of one census holding one large group.
type singleResult struct {
	members int
	run     onboardRun
}

// measureSingle runs `onboard once` on a census of one group of n members
// (intake and transmission) and returns its peak RSS.
func measureSingle(ctx context.Context, o options, self string, n int, stderr io.Writer) (singleResult, error) {
	r := singleResult{members: n}
	src, err := ensureCensus(o.dir, o.seed, 1, n, stderr)
	if err != nil {
		return r, err
	}
	dir := filepath.Join(o.dir, fmt.Sprintf("run-single-%d", n))
	if err := newRunDir(dir); err != nil {
		return r, err
	}
	fmt.Fprintf(stderr, "benchrun: one group of %d members: onboard once\n", n)
	if err := linkOrCopy(src, filepath.Join(dir, "in", "census.csv")); err != nil {
		return r, err
	}
	if r.run, err = runOnboard(ctx, self, o.onboard, dir, "single"); err != nil {
		return r, err
	}
	if err := r.run.check(dir, 1, "created"); err != nil {
		return r, err
	}
	if !o.keep {
		os.RemoveAll(dir)
	}
	return r, nil
}

// printSingle prints the single-group measurement and its target.
func printSingle(w io.Writer, r singleResult) {
	per := float64(r.run.maxRSS) / float64(max(r.members, 1)) / 1024
	fmt.Fprintf(w, "\none group of %s members: intake %s s, transmit %s s, peak RSS %.1f MiB (%.1f KiB per member)\n",
		group(r.members), secs(r.run.intake), secs(r.run.transmit), mib(r.run.maxRSS), per)
	verdict := "ok"
	if r.run.maxRSS > singleGroupTarget {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "  %-4s  %-70s %.1f MiB\n", verdict, fmt.Sprintf("one group of %s members: peak RSS at most 512 MiB", group(r.members)), mib(r.run.maxRSS))
}
