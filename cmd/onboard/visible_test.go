package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/report"
)

// TestRejectedIntakesAndMemberlessGroupsAreVisible: a file whose groups
// were all rejected leaves them in status (text and JSON) and in both
// reports, and a group sent without subscribers stays pending with the
// action "no members to send yet", even after a transmission pass.
func TestRejectedIntakesAndMemberlessGroupsAreVisible(t *testing.T) {
	dir, cfgPath := writeE2EConfig(t)
	inbound := filepath.Join(dir, "partners", "acme", "inbound")
	if err := os.MkdirAll(inbound, 0o750); err != nil {
		t.Fatal(err)
	}
	census, err := os.ReadFile(filepath.Join("..", "..", "testdata", "census-small.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// Every medical plan unknown to the carrier: both groups rejected.
	bad := strings.ReplaceAll(string(census), "BC-PPO-500", "NO-SUCH-PLAN")
	bad = strings.ReplaceAll(bad, "BC-HMO-250", "NO-SUCH-PLAN")
	if err := os.WriteFile(filepath.Join(inbound, "bad.csv"), []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := `{"group": {"external_identifier": "EMPTY-1", "employer": {"organization_name": "Empty Co", "fein": "123456789",
		"established_date": "2001-01-01", "employer_type": "private_sector"},
		"primary_location": {"external_identifier": "L1", "type": "physical", "employer_address": {"address_line_1": "1 Main St",
		"city": "Austin", "state": "TX", "zip": "78701", "country_code": "US"}}}}`
	if err := os.WriteFile(filepath.Join(inbound, "empty.json"), []byte(empty), 0o600); err != nil {
		t.Fatal(err)
	}
	for range 2 { // intake, then a second pass: transmit and reports again
		if code, _, stderr := runMain(t, "once", "-config", cfgPath); code != 0 {
			t.Fatalf("once: %d %s", code, stderr)
		}
	}

	code, out, stderr := runMain(t, "status", "-config", cfgPath)
	if code != 0 {
		t.Fatalf("status: %d %s", code, stderr)
	}
	for _, want := range []string{"rejected intakes", "GCM-001", "PDP-014", "bad.csv", "EMPTY-1", report.NoMembersAction} {
		if !strings.Contains(out, want) {
			t.Errorf("status does not show %q:\n%s", want, out)
		}
	}

	code, out, _ = runMain(t, "status", "-config", cfgPath, "-json")
	var doc struct {
		Groups []struct {
			ExternalIdentifier string `json:"external_identifier"`
			Status             string `json:"status"`
			PendingAction      string `json:"pending_action"`
			CarrierGroupKey    string `json:"carrier_group_key"`
		} `json:"groups"`
		Rejected []struct {
			PartnerID  string `json:"partner_id"`
			File       string `json:"file"`
			Group      string `json:"group_external_identifier"`
			ErrorCount int    `json:"error_count"`
			Since      string `json:"since"`
		} `json:"rejected_intakes"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &doc) != nil {
		t.Fatalf("status -json: %d %s", code, out)
	}
	if len(doc.Groups) != 1 || doc.Groups[0].ExternalIdentifier != "EMPTY-1" || doc.Groups[0].Status != "pending" ||
		doc.Groups[0].PendingAction != report.NoMembersAction || doc.Groups[0].CarrierGroupKey != "ACME-EMPTY-1" {
		t.Errorf("groups: %+v, want EMPTY-1 pending with %q", doc.Groups, report.NoMembersAction)
	}
	got := map[string]bool{}
	for _, r := range doc.Rejected {
		if r.PartnerID != "acme" || r.File != "bad.csv" || r.ErrorCount < 1 || r.Since == "" {
			t.Errorf("rejected intake %+v", r)
		}
		got[r.Group] = true
	}
	if len(doc.Rejected) != 2 || !got["GCM-001"] || !got["PDP-014"] {
		t.Errorf("rejected intakes %+v, want GCM-001 and PDP-014 of bad.csv", doc.Rejected)
	}

	for _, f := range []string{
		filepath.Join(dir, "var", "reports", "status.csv"), filepath.Join(dir, "var", "reports", "status.html"),
		filepath.Join(dir, "partners", "acme", "outbound", "reports", "status.csv"),
		filepath.Join(dir, "partners", "acme", "outbound", "reports", "status.html"),
	} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"GCM-001", "PDP-014", "bad.csv", "rejected", "EMPTY-1", report.NoMembersAction} {
			if !strings.Contains(string(b), want) {
				t.Errorf("%s does not show %q", f, want)
			}
		}
	}
}
