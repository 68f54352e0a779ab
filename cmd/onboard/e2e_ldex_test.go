package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// bundleDoc is what the test reads of an LDEx bundle.
type bundleDoc struct {
	Customer struct {
		GroupID          string `json:"group_id"`
		OrganizationName string `json:"organization_name"`
		FEIN             string `json:"fein"`
		SubscriberCount  int    `json:"subscriber_count"`
		DependentCount   int    `json:"dependent_count"`
	} `json:"customer"`
	Policy struct {
		PolicyNumber string `json:"policy_number"`
		Status       string `json:"status"`
	} `json:"policy"`
	Coverages []struct {
		ProductLine     string         `json:"product_line"`
		Subscribers     int            `json:"subscribers"`
		Dependents      int            `json:"dependents"`
		ByCoverageLevel map[string]int `json:"by_coverage_level"`
	} `json:"coverages"`
	Plans []struct {
		PlanID   string `json:"plan_id"`
		Enrolled int    `json:"enrolled"`
	} `json:"plans"`
	Rates []struct {
		PlanID       string `json:"plan_id"`
		MonthlyTotal string `json:"monthly_total"`
	} `json:"rates"`
	Transmission struct {
		ISA13     string   `json:"isa13"`
		FileNames []string `json:"file_names"`
	} `json:"transmission"`
}

// TestBundlesEndToEnd follows census-small.csv through delivery and the
// carrier's answer to one bundle per synced group, checks the bundle
// against the store and the census, then shows that an unchanged pass
// writes nothing and a one-subscriber change writes one bundle for that
// group only.
func TestBundlesEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildOnboard(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "onboard.yaml")
	if err := os.WriteFile(cfg, []byte(e2eConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	census, err := os.ReadFile(filepath.Join("..", "..", "testdata", "census-small.csv"))
	if err != nil {
		t.Fatal(err)
	}
	inbound := filepath.Join(dir, "partners", "acme", "inbound")
	inbox, acks := filepath.Join(dir, "carriers", "bluecross", "inbox"), filepath.Join(dir, "carriers", "bluecross", "acks")
	for _, d := range []string{inbound, inbox, acks} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) []byte {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			var stderr []byte
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = ee.Stderr
			}
			t.Fatalf("onboard %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr)
		}
		return out
	}
	// cycle drops a census, delivers it, lets the carrier answer and
	// applies the answer (bundles are written at the end of the pass).
	cycle := func(name string, data []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(inbound, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
		run("once", "-config", cfg)
		run("carrier-sim", "-inbox", inbox, "-acks", acks)
		run("once", "-config", cfg)
	}
	bundles := func(group string) []string {
		b, _ := filepath.Glob(filepath.Join(dir, "partners", "acme", "outbound", "ldex", group, "*.json"))
		return b
	}

	cycle("census-small.csv", census)
	var status struct {
		Groups []struct {
			ID                 string `json:"id"`
			ExternalIdentifier string `json:"external_identifier"`
			OrganizationName   string `json:"organization_name"`
			Status             string `json:"status"`
			PolicyNumber       string `json:"policy_number"`
		} `json:"groups"`
	}
	if err := json.Unmarshal(run("status", "-config", cfg, "-json"), &status); err != nil || len(status.Groups) != 2 {
		t.Fatalf("status: %v %+v", err, status)
	}
	for _, g := range status.Groups {
		got := bundles(g.ExternalIdentifier)
		if g.Status != "synced" || len(got) != 1 {
			t.Fatalf("group %s: %s with bundles %v, want synced with one", g.ExternalIdentifier, g.Status, got)
		}
		raw, err := os.ReadFile(got[0])
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(raw), "412-55") || strings.Contains(string(raw), "41255") || strings.Contains(string(raw), "591234567") {
			t.Errorf("bundle of %s holds an SSN or a raw FEIN", g.ExternalIdentifier)
		}
		var b bundleDoc
		if err := json.Unmarshal(raw, &b); err != nil {
			t.Fatal(err)
		}
		if b.Customer.GroupID != g.ID || b.Customer.OrganizationName != g.OrganizationName ||
			b.Policy.PolicyNumber != g.PolicyNumber || b.Policy.Status != "synced" || b.Transmission.ISA13 != "000000001" {
			t.Errorf("bundle of %s does not match the store: %+v %+v %+v", g.ExternalIdentifier, b.Customer, b.Policy, b.Transmission)
		}
		if g.ExternalIdentifier != "GCM-001" {
			continue
		}
		// What census-small.csv says of GCM-001.
		if b.Customer.FEIN != "**-***4567" || b.Customer.SubscriberCount != 3 || b.Customer.DependentCount != 3 {
			t.Errorf("customer %+v", b.Customer)
		}
		med := b.Coverages[0]
		if med.ProductLine != "medical" || med.Subscribers != 3 || med.Dependents != 3 ||
			med.ByCoverageLevel["family"] != 1 || med.ByCoverageLevel["employee_spouse"] != 1 || med.ByCoverageLevel["employee_only"] != 1 {
			t.Errorf("medical coverage %+v", med)
		}
		enrolled := map[string]int{}
		for _, p := range b.Plans {
			enrolled[p.PlanID] = p.Enrolled
		}
		if enrolled["BC-PPO-500"] != 2 || enrolled["BC-HMO-250"] != 1 || enrolled["BC-LIFE-50K"] != 3 {
			t.Errorf("plans %+v", b.Plans)
		}
		totals := map[string]string{}
		for _, r := range b.Rates {
			totals[r.PlanID] = r.MonthlyTotal
		}
		// PPO 500: one family (1433.60) and one employee+spouse (1024.00).
		if totals["BC-PPO-500"] != "2457.60" || totals["BC-HMO-250"] != "431.00" {
			t.Errorf("rates %+v", b.Rates)
		}
	}

	// Nothing changed: no new bundle.
	run("once", "-config", cfg)
	if n1, n2 := len(bundles("GCM-001")), len(bundles("PDP-014")); n1 != 1 || n2 != 1 {
		t.Fatalf("an unchanged pass wrote bundles: %d and %d", n1, n2)
	}

	// One subscriber of GCM-001 changes: one new bundle, for GCM-001 only.
	cycle("census-v2.csv", []byte(strings.Replace(string(census), "Darnell", "Darnel", 1)))
	if n1, n2 := len(bundles("GCM-001")), len(bundles("PDP-014")); n1 != 2 || n2 != 1 {
		t.Fatalf("after one change: %d bundles for GCM-001 (want 2), %d for PDP-014 (want 1)", n1, n2)
	}
}
