//go:build unix

package reliability

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/onboard/onboard/engine/acks"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/formats/x12"
	"github.com/onboard/onboard/formats/x12/x12guide"
)

// checkCarrier checks a carrier's inbox against the store: one whole 834
// per delivered transmission and none other, control numbers never used
// twice, no group version sent twice; it counts the member changes.
func (w *world) checkCarrier(ctx context.Context, st store.Store, c string, pic *picture) {
	w.t.Helper()
	t := w.t
	trs, err := st.Transmissions(ctx, store.TransmissionFilter{CarrierID: c})
	if err != nil {
		t.Fatal(err)
	}
	files := w.inboxFiles(c, pic)
	byName := map[string]store.TransmissionRecord{}
	sentVersion := map[string]string{}
	for _, tr := range trs {
		if tr.State != store.TransmissionDelivered {
			t.Errorf("carrier %s: transmission %s is %s after the last pass", c, tr.FileName, tr.State)
		}
		byName[tr.FileName] = tr
		groups, err := st.TransmissionGroups(ctx, tr.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range groups {
			k := fmt.Sprintf("%s@%d", g.GroupID, g.Version)
			if prev, dup := sentVersion[k]; dup {
				t.Errorf("carrier %s: group version %s is in two transmissions: %s and %s", c, k, prev, tr.FileName)
			}
			sentVersion[k] = tr.FileName
		}
	}
	seen := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		data := files[name]
		pic.deliveries++
		// world_test.go's carriers declare AC and ADD for basic life and AD&D.
		x12guide.Check(t, data, x12guide.Options{Set: "834", Deviations: map[string][]string{"HD03": {"AC", "ADD"}}})
		ic, err := x12.Read834(bytes.NewReader(data))
		if err != nil {
			t.Errorf("carrier %s: %s is not a whole 834: %v", c, name, err)
			continue
		}
		if problems := ic.Validate(); len(problems) > 0 {
			t.Errorf("carrier %s: %s: %v", c, name, problems)
		}
		tr, ok := byName[name]
		switch {
		case !ok:
			t.Errorf("carrier %s: %s is in the inbox but no transmission of that name is recorded", c, name)
		case tr.ISA13 != ic.Control:
			t.Errorf("carrier %s: %s carries ISA13 %d, recorded %d", c, name, ic.Control, tr.ISA13)
		}
		delete(byName, name)
		keys := []string{fmt.Sprintf("ISA13 %d", ic.Control)}
		members := 0
		for _, g := range ic.Groups {
			keys = append(keys, fmt.Sprintf("GS06 %d", g.Control))
			for _, s := range g.Sets {
				keys = append(keys, fmt.Sprintf("ST02 %d", s.Control))
				for _, m := range s.Members {
					members++
					pic.members[strings.Join([]string{c, s.Sponsor, m.SubscriberID, m.FirstName, m.Maintenance}, " ")]++
				}
			}
		}
		if ok && tr.Members != members {
			t.Errorf("carrier %s: %s holds %d members, the transmission recorded %d", c, name, members, tr.Members)
		}
		for _, k := range keys {
			if prev, dup := seen[k]; dup {
				t.Errorf("carrier %s: %s used twice (%s and %s)", c, k, prev, name)
			}
			seen[k] = name
		}
	}
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		t.Errorf("carrier %s: transmission %s is recorded but not in the inbox", c, name)
	}
	w.checkAcks(ctx, st, c, pic.redelivered > 0)
}

// inboxFiles reads the files a carrier received: those in its inbox and
// those the simulated carrier answered (processed/). A name in both is a
// file delivered again after the carrier took it (the window between
// upload and commit that transmit's doc names); it must be the same bytes.
func (w *world) inboxFiles(c string, pic *picture) map[string][]byte {
	w.t.Helper()
	files := map[string][]byte{}
	for _, dir := range []string{w.inbox(c), filepath.Join(w.inbox(c), "processed")} {
		for _, name := range regularFiles(w.t, dir) {
			if strings.HasPrefix(name, ".") {
				continue // reported by checkNoTemporaries
			}
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				w.t.Fatal(err)
			}
			if prev, ok := files[name]; ok {
				if !bytes.Equal(prev, data) {
					w.t.Errorf("carrier %s: %s was delivered twice with different content", c, name)
				}
				pic.redelivered++
				w.t.Logf("carrier %s: %s was delivered again after the carrier took it (same interchange, same ISA13)", c, name)
				continue
			}
			files[name] = data
		}
	}
	return files
}

// checkAcks checks that every acknowledgement was taken and archived, and
// that each subscriber's status is what the carrier's latest result for it
// says.
func (w *world) checkAcks(ctx context.Context, st store.Store, c string, redelivered bool) {
	w.t.Helper()
	t := w.t
	for _, n := range regularFiles(t, w.acks(c)) {
		if !strings.HasPrefix(n, ".") {
			t.Errorf("carrier %s: acknowledgement %s was not taken", c, n)
		}
	}
	if !redelivered {
		for _, n := range regularFiles(t, filepath.Join(w.acks(c), "failed")) {
			data, _ := os.ReadFile(filepath.Join(w.acks(c), "failed", n))
			t.Errorf("carrier %s: acknowledgement %s failed: %s", c, n, data)
		}
	}
	type answer struct {
		isa13  int64
		result string
	}
	latest := map[string]answer{}
	archive := filepath.Join(w.acks(c), "archive")
	for _, n := range regularFiles(t, archive) {
		if !strings.HasSuffix(n, ".result.csv") {
			continue
		}
		f, err := os.Open(filepath.Join(archive, n))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := acks.ReadResults(f, nil)
		f.Close()
		if err != nil {
			t.Errorf("carrier %s: archived %s: %v", c, n, err)
			continue
		}
		isa13 := isa13Of(n)
		for _, r := range rows {
			k := r.GroupExternalIdentifier + "/" + r.SubscriberExternalIdentifier
			if a, ok := latest[k]; !ok || a.isa13 < isa13 {
				latest[k] = answer{isa13, r.Result}
			}
		}
	}
	groups, err := st.Groups(ctx, store.GroupFilter{CarrierID: c})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range groups {
		subs, err := st.Subscribers(ctx, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range subs {
			a, ok := latest[g.ExternalIdentifier+"/"+s.ExternalIdentifier]
			want := model.StatusSubmitted
			switch {
			case !ok:
			case a.result == acks.ResultAccepted:
				want = model.StatusSynced
			case a.result == acks.ResultRejected:
				want = model.StatusErrors
			}
			if s.Status != want {
				t.Errorf("carrier %s: subscriber %s/%s is %s; the carrier's latest answer (%+v) makes it %s",
					c, g.ExternalIdentifier, s.ExternalIdentifier, s.Status, a, want)
			}
		}
	}
}

// isa13Of reads the ISA13 from a transmission's file name
// (CARRIER-YYYYMMDDhhmmss-ISA13.834...).
func isa13Of(name string) int64 {
	parts := strings.Split(name, "-")
	if len(parts) < 3 {
		return 0
	}
	n, _ := strconv.ParseInt(strings.SplitN(parts[2], ".", 2)[0], 10, 64)
	return n
}
