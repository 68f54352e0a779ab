package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/formats/x12/x12guide"
)

// acksE2EConfig is a minimal configuration with local folders under the
// test's folder.
const acksE2EConfig = `state: {sqlite: var/onboard.db}
partners:
  - id: acme
    name: ACME Benefits
    inbound: {dir: var/in, settle: 0s}
    outbound: {dir: var/out}
    carrier: bluecross
carriers:
  - id: bluecross
    name: Blue Cross Example
    inbox: {dir: var/carrier/inbox}
    acks: {dir: var/carrier/acks}
    x12: {sender_id: ONBOARD, receiver_id: BLUECROSS, product_lines: {basic_life: AC, accidental_death_dismemberment: ADD}}
    plans:
      - {id: BC-PPO-500, product_line: medical, name: PPO 500, rates: {employee_only: 512.00}}
      - {id: BC-HMO-250, product_line: medical, name: HMO 250, rates: {employee_only: 431.00}}
      - {id: BC-DEN-STD, product_line: dental, name: Dental Standard, rates: {employee_only: 38.00}}
      - {id: BC-VIS-BASIC, product_line: vision, name: Vision Basic, rates: {employee_only: 9.50}}
      - {id: BC-LIFE-50K, product_line: basic_life, name: Basic Life 50K, rates: {employee_only: 6.25}}
      - {id: BC-ADD-50K, product_line: accidental_death_dismemberment, name: AD&D 50K, rates: {employee_only: 2.10}}
`

// acksE2EStatus is what the test reads of `onboard status -json`.
type acksE2EStatus struct {
	Groups []struct {
		ExternalIdentifier string         `json:"external_identifier"`
		Status             model.Status   `json:"status"`
		PolicyNumber       string         `json:"policy_number"`
		Subscribers        map[string]int `json:"subscribers"`
		PendingAction      string         `json:"pending_action"`
		Errors             []model.Error  `json:"errors"`
	} `json:"groups"`
}

// TestAcksEndToEnd drops census-small.csv, delivers the 834, lets the
// carrier simulator answer, applies the answers, and reads status and
// history as an operator would.
func TestAcksEndToEnd(t *testing.T) {
	bin := buildOnboard(t)
	census, err := os.ReadFile(filepath.Join("..", "..", "testdata", "census-small.csv"))
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		simArg []string
		// want per group: status, subscriber counts "pending/submitted/synced/errors".
		want map[string][2]string
		// errors per group: parameter → message substring.
		errs map[string]map[string]string
		// history lines (regexps) that must appear in order.
		history map[string][]string
	}{
		{name: "all accepted",
			want: map[string][2]string{"GCM-001": {"synced", "0/0/3/0"}, "PDP-014": {"synced", "0/0/2/0"}},
			history: map[string][]string{
				"GCM-001": {`group\s+-\s+pending\s+created from file census-small\.csv`,
					`group\s+pending\s+submitted\s+sent to carrier bluecross in bluecross-\d{14}-000000001\.834 \(ISA13 000000001\)`,
					`group\s+submitted\s+synced\s+carrier accepted in bluecross-\d{14}-000000001\.834\.result\.csv`},
			}},
		{name: "every third subscriber rejected", simArg: []string{"-reject", "3"},
			want: map[string][2]string{"GCM-001": {"errors", "0/0/2/1"}, "PDP-014": {"synced", "0/0/2/0"}},
			errs: map[string]map[string]string{"GCM-001": {
				"group.subscribers[E1003]": "Carrier bluecross reported: member not eligible: date of birth does not match our records (carrier error code E101).",
			}},
			history: map[string][]string{
				"GCM-001": {`group\s+-\s+pending`, `subscriber E1003\s+pending\s+submitted\s+sent to carrier bluecross`,
					`subscriber E1002\s+submitted\s+synced\s+carrier accepted in`,
					`subscriber E1003\s+submitted\s+errors\s+carrier rejected: member not eligible: date of birth does not match our records \(carrier error code E101\)\s+bluecross-\S+\.result\.csv`,
					`group\s+submitted\s+errors\s+carrier rejected: member not eligible`},
				"PDP-014": {`group\s+pending\s+submitted`, `group\s+submitted\s+synced\s+carrier accepted in`},
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := filepath.Join(dir, "onboard.yaml")
			if err := os.WriteFile(cfg, []byte(acksE2EConfig), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, d := range []string{"var/in", "var/out", "var/carrier/inbox", "var/carrier/acks"} {
				if err := os.MkdirAll(filepath.Join(dir, d), 0o750); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(dir, "var/in/census-small.csv"), census, 0o600); err != nil {
				t.Fatal(err)
			}
			run := func(args ...string) string {
				t.Helper()
				cmd := exec.Command(bin, args...)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "ONBOARD_CONFIG=")
				out, err := cmd.Output()
				if err != nil {
					stderr := ""
					if ee, ok := err.(*exec.ExitError); ok {
						stderr = string(ee.Stderr)
					}
					t.Fatalf("onboard %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr)
				}
				return string(out)
			}
			inbox, acksDir := filepath.Join(dir, "var/carrier/inbox"), filepath.Join(dir, "var/carrier/acks")

			run("once", "-config", cfg)
			delivered, _ := filepath.Glob(filepath.Join(inbox, "bluecross-*-000000001.834"))
			if len(delivered) != 1 {
				t.Fatalf("834 not delivered: %v", delivered)
			}
			x12guide.CheckFile(t, delivered[0], x12guide.Options{Set: "834", Deviations: map[string][]string{"HD03": {"AC", "ADD"}}})
			run(append([]string{"carrier-sim", "-inbox", inbox, "-acks", acksDir}, tc.simArg...)...)
			answered, _ := filepath.Glob(filepath.Join(acksDir, "*"))
			for _, f := range answered {
				if data, err := os.ReadFile(f); err == nil && bytes.HasPrefix(data, []byte("ISA")) {
					x12guide.Check(t, data, x12guide.Options{})
				}
			}
			run("once", "-config", cfg)

			if left, _ := filepath.Glob(filepath.Join(acksDir, "*")); len(left) != 1 || filepath.Base(left[0]) != "archive" {
				t.Errorf("acks folder after the pass: %v", left)
			}
			if archived, _ := filepath.Glob(filepath.Join(acksDir, "archive", "*")); len(archived) != 2 {
				t.Errorf("archived acknowledgements: %v", archived)
			}

			var st acksE2EStatus
			if err := json.Unmarshal([]byte(run("status", "-config", cfg, "-json")), &st); err != nil {
				t.Fatal(err)
			}
			if len(st.Groups) != 2 {
				t.Fatalf("groups: %+v", st.Groups)
			}
			policies := map[string]bool{}
			for _, g := range st.Groups {
				want := tc.want[g.ExternalIdentifier]
				c := g.Subscribers
				counts := fmt.Sprintf("%d/%d/%d/%d", c["pending"], c["submitted"], c["synced"], c["errors"])
				if string(g.Status) != want[0] || counts != want[1] {
					t.Errorf("%s: %s %s, want %s %s", g.ExternalIdentifier, g.Status, counts, want[0], want[1])
				}
				if !regexp.MustCompile(`^POL-\d{8}$`).MatchString(g.PolicyNumber) || policies[g.PolicyNumber] {
					t.Errorf("%s: policy number %q", g.ExternalIdentifier, g.PolicyNumber)
				}
				policies[g.PolicyNumber] = true
				wantErrs := tc.errs[g.ExternalIdentifier]
				if len(g.Errors) != len(wantErrs) {
					t.Errorf("%s: errors %+v, want %v", g.ExternalIdentifier, g.Errors, wantErrs)
				}
				for _, e := range g.Errors {
					if e.ErrorType != model.ErrCarrierError || !strings.Contains(e.Message, wantErrs[e.Parameter]) || wantErrs[e.Parameter] == "" {
						t.Errorf("%s: error %+v, want %v", g.ExternalIdentifier, e, wantErrs)
					}
				}
				if g.Status == model.StatusSynced && g.PendingAction != "" {
					t.Errorf("%s: synced with pending action %q", g.ExternalIdentifier, g.PendingAction)
				}
			}

			for group, lines := range tc.history {
				out := run("history", "-config", cfg, "acme:"+group)
				rest := out
				for _, l := range lines {
					loc := regexp.MustCompile(l).FindStringIndex(rest)
					if loc == nil {
						t.Errorf("%s history lacks (in order) %q:\n%s", group, l, out)
						break
					}
					rest = rest[loc[1]:]
				}
			}
		})
	}
}
