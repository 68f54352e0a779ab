package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/onboard/onboard/engine/transport"
	"github.com/onboard/onboard/formats/x12/x12guide"
)

// carrierSimCmd is `onboard carrier-sim`: a carrier for demos and
// end-to-end tests (DESIGN.md §7). It answers every 834 in an inbox folder
// with a 999 (and a TA1 when asked or when the envelope is rejected) and a
// result file carrying policy numbers, then moves the 834 to
// inbox/processed/ so it is answered once.
type carrierSimCmd struct{}

// simPoll is how often -watch looks for new files.
const simPoll = 500 * time.Millisecond

const carrierSimUse = "carrier-sim -inbox D -acks D [-reject N] [-ta1] [-watch] [-policy-prefix P] [-maps D] [-companion-hd03 AC,ADD]"

func (c *carrierSimCmd) Run(ctx context.Context, m *Main, args []string) int {
	fs := m.flagSet("carrier-sim", carrierSimUse)
	inbox := fs.String("inbox", "", "the carrier's inbox folder, where onboard delivers 834s (required)")
	acksDir := fs.String("acks", "", "the carrier's acks folder, where the answers go (required)")
	reject := fs.Int("reject", 0, "reject every Nth subscriber (with its dependents) of each file in the result file; 0 accepts all")
	ta1 := fs.Bool("ta1", false, "send a TA1 for every interchange (one is always sent when the 834 asks with ISA14=1, or when its envelope is rejected)")
	watch := fs.Bool("watch", false, "keep answering new files (polling every 500ms) until SIGTERM or SIGINT")
	prefix := fs.String("policy-prefix", "POL-", "prefix of the policy numbers the carrier assigns")
	mapsDir := fs.String("maps", "", "a folder of implementation guide maps (pyx12's) to check each transaction set against; default: the copy in the binary")
	companion := fs.String("companion-hd03", "AC,ADD", "HD03 codes the carrier's companion guide adds to the implementation guide's (basic life, AD&D)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *inbox == "" || *acksDir == "" || fs.NArg() > 0 || *reject < 0 {
		fs.Usage()
		return 2
	}
	guide, err := x12guide.Embedded()
	if *mapsDir != "" {
		guide, err = x12guide.Load(*mapsDir)
	}
	if err != nil {
		fmt.Fprintf(m.Stderr, "onboard carrier-sim: %v\n", err)
		return 1
	}
	in, err := transport.NewLocal(*inbox)
	if err != nil {
		fmt.Fprintf(m.Stderr, "onboard carrier-sim: opening inbox: %v\n", err)
		return 1
	}
	defer in.Close()
	out, err := transport.NewLocal(*acksDir)
	if err != nil {
		fmt.Fprintf(m.Stderr, "onboard carrier-sim: opening acks folder: %v\n", err)
		return 1
	}
	defer out.Close()
	// The carrier's own control numbers: a counter from the start time,
	// so that answers of successive runs do not repeat them.
	control := time.Now().Unix() % 900_000_000
	next := func() int64 { control++; return control }
	opts := simOptions{Reject: *reject, TA1: *ta1, PolicyPrefix: *prefix, Guide: guide, NextControl: next}
	for _, c := range strings.Split(*companion, ",") {
		if c = strings.TrimSpace(c); c != "" {
			opts.Companion = append(opts.Companion, c)
		}
	}
	sim := &carrierSim{inbox: in, acks: out, opts: opts,
		now: time.Now, out: m.Stdout, log: m.logger(), settle: *watch, seen: map[string]transport.FileInfo{}}
	for {
		if err := sim.pass(ctx); err != nil && ctx.Err() == nil {
			if !*watch {
				fmt.Fprintf(m.Stderr, "onboard carrier-sim: %v\n", err)
				return 1
			}
			sim.log.Error("carrier simulator pass failed; trying again", "err", err)
		}
		if !*watch {
			return 0
		}
		select {
		case <-ctx.Done():
			return 0
		case <-time.After(simPoll):
		}
	}
}

// carrierSim answers the 834s of an inbox.
type carrierSim struct {
	inbox, acks transport.Folder
	opts        simOptions
	now         func() time.Time
	out         io.Writer // one line per answered file
	log         *slog.Logger
	// settle answers a file only once a poll finds it unchanged since the
	// previous one (-watch), so that a file written in place is not read
	// half-written; seen holds what the previous poll found.
	settle bool
	seen   map[string]transport.FileInfo
}

// pass answers every file in the inbox and moves each to processed/.
func (s *carrierSim) pass(ctx context.Context) error {
	files, err := s.inbox.List(ctx, "")
	if err != nil {
		return fmt.Errorf("listing inbox: %w", err)
	}
	for _, f := range files {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if f.Special || simSkip(f.Name) {
			continue // a symlink or other special file is never opened
		}
		if s.settle {
			prev, ok := s.seen[f.Name]
			s.seen[f.Name] = f
			if !ok || prev.Size != f.Size || !prev.ModTime.Equal(f.ModTime) {
				continue // new or still changing: look again at the next poll
			}
		}
		if err := s.answer(ctx, f.Name); err != nil {
			return err
		}
		delete(s.seen, f.Name)
	}
	return nil
}

// simSkip reports whether a name is a file still being written.
func simSkip(name string) bool {
	if strings.HasPrefix(name, ".") {
		return true
	}
	for _, ext := range []string{".tmp", ".part", ".partial", ".filepart"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// answer reads one file, writes its answers (atomically: the folder writes
// a temporary name and renames it) and moves the file to processed/. Once
// begun, an answer is finished even when the simulator is told to stop,
// so that no file is left half-answered.
func (s *carrierSim) answer(ctx context.Context, name string) error {
	r, err := s.inbox.Open(ctx, name)
	if err != nil {
		return fmt.Errorf("opening %s: %w", name, err)
	}
	data, err := io.ReadAll(r)
	r.Close()
	if err != nil {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	files, summary := answer834(name, data, s.opts, s.now())
	ctx = context.WithoutCancel(ctx)
	for _, f := range files {
		if err := s.acks.Write(ctx, f.Name, bytes.NewReader(f.Data), 0o600); err != nil {
			return fmt.Errorf("writing %s: %w", f.Name, err)
		}
	}
	if err := s.inbox.Rename(ctx, name, "processed/"+name); err != nil {
		return fmt.Errorf("moving %s to processed/: %w", name, err)
	}
	fmt.Fprintf(s.out, "%s: %s\n", name, summary)
	return nil
}
