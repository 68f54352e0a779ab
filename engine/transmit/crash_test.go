//go:build unix

package transmit

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/onboard/onboard/cmd/onboard/onboardtest"
	"github.com/onboard/onboard/engine/crash"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/store/sqlite"
	"github.com/onboard/onboard/formats/x12"
	"github.com/onboard/onboard/formats/x12/x12guide"
)

// onboardBinary is the real onboard binary, built once for the package.
func onboardBinary(t testing.TB) string {
	t.Helper()
	return onboardtest.Binary(t)
}

func TestMain(m *testing.M) { os.Exit(onboardtest.Main(m)) }

// crashConfig is a one-partner, one-carrier configuration with local
// folders under dir.
const crashConfig = `state: {sqlite: var/onboard.db}
reports: {dir: var/reports}
partners:
  - id: acme
    name: ACME Benefits
    inbound: {dir: var/partners/acme/inbound, settle: 0s}
    outbound: {dir: var/partners/acme/outbound}
    mapping: census-standard
    census: full
    carrier: bluecross
carriers:
  - id: bluecross
    name: Blue Cross Example
    format: x12-834
    mode: change
    inbox: {dir: var/carriers/bluecross/inbox}
    acks: {dir: var/carriers/bluecross/acks}
    x12: {sender_qualifier: ZZ, sender_id: ONBOARD, receiver_qualifier: ZZ, receiver_id: BLUECROSS, usage: T,
          product_lines: {basic_life: AC, accidental_death_dismemberment: ADD}}
    plans:
      - {id: BC-PPO-500, product_line: medical, name: PPO 500, rates: {employee_only: 512.00, employee_spouse: 1024.00, employee_children: 921.60, family: 1433.60}}
      - {id: BC-HMO-250, product_line: medical, name: HMO 250, rates: {employee_only: 431.00, employee_spouse: 862.00, employee_children: 775.80, family: 1206.80}}
      - {id: BC-DEN-STD, product_line: dental, name: Dental Standard, rates: {employee_only: 38.00, employee_spouse: 76.00, employee_children: 84.00, family: 121.00}}
      - {id: BC-VIS-BASIC, product_line: vision, name: Vision Basic, rates: {employee_only: 9.50, employee_spouse: 18.00, employee_children: 19.00, family: 27.50}}
      - {id: BC-LIFE-50K, product_line: basic_life, name: Basic Life 50K, rates: {employee_only: 6.25}}
      - {id: BC-ADD-50K, product_line: accidental_death_dismemberment, name: AD&D 50K, rates: {employee_only: 2.10}}
`

// TestCrash kills `onboard once` with SIGKILL at each crash point of a
// transmission, runs it again, and checks that each change reached the
// carrier's inbox in exactly one file, with control numbers never reused
// and every member submitted. Two changes are sent: census-small, then an
// update that adds a dependent and terminates a subscriber.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the onboard binary")
	}
	bin := onboardBinary(t)
	for _, point := range CrashPoints {
		t.Run(point, func(t *testing.T) {
			dir := t.TempDir()
			cfg := filepath.Join(dir, "onboard.yaml")
			if err := os.WriteFile(cfg, []byte(crashConfig), 0o600); err != nil {
				t.Fatal(err)
			}
			inbound := filepath.Join(dir, "var/partners/acme/inbound")
			inbox := filepath.Join(dir, "var/carriers/bluecross/inbox")
			for i, census := range []string{"census-small.csv", "census-update.csv"} {
				drop(t, census, inbound)
				once(t, bin, cfg, point, true)
				once(t, bin, cfg, "", false)
				files := inboxFiles(t, inbox)
				if len(files) != i+1 {
					t.Fatalf("after %s: %d files in the inbox, want %d: %v", census, len(files), i+1, slices.Sorted(maps.Keys(files)))
				}
			}
			files := inboxFiles(t, inbox)
			checkCrashInbox(t, files)
			checkCrashStore(t, filepath.Join(dir, "var/onboard.db"))
		})
	}
}

// drop copies a test census into the partner's inbound folder.
func drop(t *testing.T, name, inbound string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(inbound, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(inbound, name), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// once runs `onboard once`; with a crash point it must die of SIGKILL,
// without one it must succeed.
func once(t *testing.T, bin, cfg, point string, wantKilled bool) {
	t.Helper()
	cmd := exec.Command(bin, "once", "-config", cfg)
	cmd.Env = append(os.Environ(), crash.Env+"="+point)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	killed := errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL
	switch {
	case wantKilled && !killed:
		t.Fatalf("onboard once did not crash at %s (err %v):\n%s", point, err, out)
	case !wantKilled && err != nil:
		t.Fatalf("onboard once after the crash: %v\n%s", err, out)
	}
}

func inboxFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = data
	}
	return out
}

// checkCrashInbox reads every delivered 834 back: valid envelopes, control
// numbers never repeated, and the two changes each sent once.
func checkCrashInbox(t *testing.T, files map[string][]byte) {
	t.Helper()
	seen := map[string]bool{}
	var members []string
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if strings.HasPrefix(name, ".") {
			t.Errorf("temporary file %s left in the inbox", name)
			continue
		}
		// The config above declares AC and ADD for basic life and AD&D.
		x12guide.Check(t, files[name], x12guide.Options{Set: "834", Deviations: map[string][]string{"HD03": {"AC", "ADD"}}})
		ic, err := x12.Read834(bytes.NewReader(files[name]))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if problems := ic.Validate(); len(problems) > 0 {
			t.Errorf("%s: %v", name, problems)
		}
		keys := []string{"ISA13 " + itoa(ic.Control)}
		for _, g := range ic.Groups {
			keys = append(keys, "GS06 "+itoa(g.Control))
			for _, s := range g.Sets {
				keys = append(keys, "ST02 "+itoa(s.Control))
				for _, m := range s.Members {
					members = append(members, s.Sponsor+" "+m.Maintenance+" "+m.FirstName)
				}
			}
		}
		for _, k := range keys {
			if seen[k] {
				t.Errorf("%s: %s used twice", name, k)
			}
			seen[k] = true
		}
	}
	// 9 members added; then E1003 changed (family coverage: its spouse keeps
	// the same coverage and is not sent),
	// a child added, P-78 terminated. Dependents come in intake order.
	want := []string{
		"GULF COAST MARINE SUPPLY LLC 021 MARIA", "GULF COAST MARINE SUPPLY LLC 021 SOFIA", "GULF COAST MARINE SUPPLY LLC 021 JORGE",
		"GULF COAST MARINE SUPPLY LLC 021 DARNELL", "GULF COAST MARINE SUPPLY LLC 021 HANNAH", "GULF COAST MARINE SUPPLY LLC 021 MINH",
		"PEACHTREE DENTAL PARTNERS PC 021 OLUWASEUN", "PEACHTREE DENTAL PARTNERS PC 021 ADA", "PEACHTREE DENTAL PARTNERS PC 021 REBECCA",
		"GULF COAST MARINE SUPPLY LLC 001 HANNAH", "GULF COAST MARINE SUPPLY LLC 021 LAN",
		"PEACHTREE DENTAL PARTNERS PC 024 REBECCA",
	}
	if !slices.Equal(members, want) {
		t.Errorf("members delivered:\n  %q\nwant\n  %q", members, want)
	}
}

// checkCrashStore checks that every transmission is delivered and every
// subscriber submitted.
func checkCrashStore(t *testing.T, db string) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	trs, err := st.Transmissions(ctx, store.TransmissionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(trs) != 2 {
		t.Fatalf("%d transmissions recorded, want 2", len(trs))
	}
	for _, tr := range trs {
		if tr.State != store.TransmissionDelivered {
			t.Errorf("transmission %s: %s", tr.FileName, tr.State)
		}
	}
	groups, err := st.Groups(ctx, store.GroupFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range groups {
		if g.Status != model.StatusSubmitted || g.TransmittedVersion != g.Version {
			t.Errorf("group %s: %s, version %d transmitted %d", g.ExternalIdentifier, g.Status, g.Version, g.TransmittedVersion)
		}
		subs, err := st.Subscribers(ctx, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range subs {
			if s.Status != model.StatusSubmitted {
				t.Errorf("subscriber %s/%s: %s", g.ExternalIdentifier, s.ExternalIdentifier, s.Status)
			}
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
