package engine

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/store/sqlite"
)

// syncedGroup stores a synced group of acme at carrier bluecross with a
// policy number, as intake, transmit and acks would leave it.
func syncedGroup(t *testing.T, st store.Store) {
	t.Helper()
	ctx := context.Background()
	g := &model.Group{ID: "g-1", ExternalIdentifier: "G-1", PartnerID: "acme", CarrierID: "bluecross",
		Employer: model.Employer{OrganizationName: "Harbor & Pine Bakery", FEIN: "123456789"},
		PrimaryLocation: &model.Location{ID: "l-1", ExternalIdentifier: "L1",
			EmployerAddress: model.Address{AddressLine1: "1 Main St", City: "Portland", State: "ME", Zip: "04101"}},
		Subscribers: []model.Subscriber{{ID: "s-1", ExternalIdentifier: "E1", FirstName: "A", LastName: "B",
			Enrollments: []model.Enrollment{{ProductLine: "medical", PlanID: "BC-PPO-500", CoverageLevel: "employee_only", StartDate: "2027-01-01"}}}},
	}
	err := st.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.SaveGroup(ctx, g, store.Save{FileID: "f-1", ContentHash: "h", SubscriberHashes: map[string]string{"E1": "1"}}); err != nil {
			return err
		}
		if err := tx.CreateTransmission(ctx, store.TransmissionRecord{ID: "t-1", CarrierID: "bluecross", FileName: "bc-1.834", ISA13: 1},
			[]store.TransmissionGroup{{GroupID: g.ID, Version: 1, ST02: 1}}); err != nil {
			return err
		}
		if err := tx.MarkDelivered(ctx, "t-1", time.Now()); err != nil {
			return err
		}
		if err := tx.SetTransmissionAck(ctx, "t-1", store.AckFinal, "accepted", time.Now()); err != nil {
			return err
		}
		if err := tx.SetSubscriberStatus(ctx, g.ID, "E1", model.StatusSynced, nil, "accepted", "acks"); err != nil {
			return err
		}
		if err := tx.SetPolicyNumber(ctx, g.ID, "BCX-1"); err != nil {
			return err
		}
		_, err := tx.RefreshGroupStatus(ctx, g.ID, "accepted", "acks")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLDExAndReportWiring(t *testing.T) {
	dir := t.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "onboard.db"))
	if err != nil {
		t.Fatal(err)
	}
	pool := NewPool()
	t.Cleanup(func() { pool.Close(); st.Close() })
	cfg := &config.Config{
		Reports: config.Reports{Dir: filepath.Join(dir, "reports")},
		Partners: []config.Partner{
			{ID: "acme", Name: "ACME", Outbound: config.Folder{Dir: filepath.Join(dir, "acme")}, Carrier: "bluecross"},
			{ID: "beta", Outbound: config.Folder{Dir: filepath.Join(dir, "beta")}, Carrier: "bluecross", LDEx: config.LDEx{Schedule: "@every 1h"}},
		},
		Carriers: []config.Carrier{{ID: "bluecross", Name: "Blue Cross Example",
			Plans: []config.Plan{{ID: "BC-PPO-500", ProductLine: "medical", Name: "PPO 500", Rates: map[string]float64{"employee_only": 512}}}}},
	}
	acksRuns := 0
	e := &Engine{Config: cfg, Store: st, Pool: pool, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: time.Now,
		Jobs: []Job{{Name: "acks:bluecross", Stage: "acks", Carrier: "bluecross", Schedule: "@every 1m",
			Run: func(ctx context.Context) error { acksRuns++; return nil }}}}

	jobs, err := ldexJobs(e)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"ldex:acme": "0 6 * * *", "ldex:beta": "@every 1h"}
	if len(jobs) != 2 {
		t.Fatalf("ldex jobs %+v, want one per partner", jobs)
	}
	for _, j := range jobs {
		if j.Stage != "ldex" || want[j.Name] != j.Schedule || j.Partner == "" {
			t.Errorf("job %s stage %s schedule %q", j.Name, j.Stage, j.Schedule)
		}
	}
	rj, err := reportJobs(e)
	if err != nil || len(rj) != 1 || rj[0].Schedule != config.DefaultReportsSchedule || rj[0].Stage != "report" {
		t.Fatalf("report jobs %+v %v", rj, err)
	}

	// The group turns synced: the acknowledgement job is followed by its
	// bundle, and the partner's scheduled job finds nothing new.
	syncedGroup(t, st)
	ctx := context.Background()
	if err := e.Jobs[0].Run(ctx); err != nil || acksRuns != 1 {
		t.Fatalf("acks job: %v (runs %d)", err, acksRuns)
	}
	bundles, _ := filepath.Glob(filepath.Join(dir, "acme", "ldex", "G-1", "*.json"))
	if len(bundles) != 1 {
		t.Fatalf("bundles after acks: %v", bundles)
	}
	for _, j := range jobs {
		if err := j.Run(ctx); err != nil {
			t.Fatalf("%s: %v", j.Name, err)
		}
	}
	if again, _ := filepath.Glob(filepath.Join(dir, "acme", "ldex", "G-1", "*.json")); len(again) != 1 {
		t.Fatalf("bundles after the LDEx jobs: %v", again)
	}

	if err := rj[0].Run(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"reports/status.csv", "reports/status.html", "acme/reports/status.csv", "beta/reports/status.html"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}
