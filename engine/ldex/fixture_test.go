package ldex

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/store/sqlite"
	"github.com/onboard/onboard/engine/transport"
	ldexfmt "github.com/onboard/onboard/formats/ldex"
)

// clock is a manual clock shared by the store and the Deliverer.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixture is a real SQLite store, a partner with a local outbound folder
// and a carrier with the DESIGN.md plan catalog.
type fixture struct {
	t        *testing.T
	ctx      context.Context
	clock    *clock
	st       *sqlite.Store
	cfg      *config.Config
	outbound string
	d        *Deliverer
	// down makes the opener fail, as an unreachable SFTP server would.
	down  bool
	isa13 int64
	ids   int
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	clk := &clock{t: time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC)}
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "onboard.db"), sqlite.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{t: t, ctx: context.Background(), clock: clk, st: st, outbound: filepath.Join(dir, "outbound")}
	f.cfg = &config.Config{
		Partners: []config.Partner{{ID: "acme", Name: "ACME Benefits", Outbound: config.Folder{Dir: f.outbound}, Carrier: "bluecross"}},
		Carriers: []config.Carrier{{ID: "bluecross", Name: "Blue Cross Example", Format: config.FormatX12, Plans: catalog()}},
	}
	var folders sync.Map
	open := func(ctx context.Context, fo config.Folder) (transport.Folder, error) {
		if f.down {
			return nil, errors.New("dial tcp 192.0.2.1:22: connection refused")
		}
		if v, ok := folders.Load(fo.Dir); ok {
			return v.(transport.Folder), nil
		}
		l, err := transport.NewLocal(fo.Dir)
		if err != nil {
			return nil, err
		}
		t.Cleanup(func() { l.Close() })
		folders.Store(fo.Dir, l)
		return l, nil
	}
	f.d = New(st, f.cfg, open, slog.New(slog.NewTextHandler(io.Discard, nil)))
	f.d.Now = clk.Now
	f.d.NewID = func(seed string) string {
		f.ids++
		return fmt.Sprintf("bundle-%03d", f.ids)
	}
	return f
}

func catalog() []config.Plan {
	return []config.Plan{
		{ID: "BC-PPO-500", ProductLine: "medical", Name: "PPO 500",
			Rates: map[string]float64{"employee_only": 512.00, "employee_spouse": 1024.00, "employee_children": 921.60, "family": 1433.60}},
		{ID: "BC-HMO-250", ProductLine: "medical", Name: "HMO 250",
			Rates: map[string]float64{"employee_only": 431.00, "employee_spouse": 862.00, "employee_children": 775.80, "family": 1206.80}},
		{ID: "BC-DEN-STD", ProductLine: "dental", Name: "Dental Standard",
			Rates: map[string]float64{"employee_only": 38.00, "employee_spouse": 76.00, "employee_children": 84.00, "family": 121.00}},
		{ID: "BC-VIS-BASIC", ProductLine: "vision", Name: "Vision Basic",
			Rates: map[string]float64{"employee_only": 9.50, "employee_spouse": 18.00, "employee_children": 19.00, "family": 27.50}},
		{ID: "BC-LIFE-50K", ProductLine: "basic_life", Name: "Basic Life 50K", Rates: map[string]float64{"employee_only": 6.25}},
	}
}

func enr(pl, plan, level string) model.Enrollment {
	return model.Enrollment{ProductLine: pl, PlanID: plan, CoverageLevel: level, StartDate: "2027-01-01"}
}

// sampleGroup is the census-small group GCM-001: a family on PPO 500 with
// dental and vision, an employee alone on HMO 250 with dental, and a
// terminated employee who must not count.
func sampleGroup(ext string) *model.Group {
	return &model.Group{
		ID: "id-" + ext, ExternalIdentifier: ext, PartnerID: "acme", CarrierID: "bluecross",
		Employer: model.Employer{OrganizationName: "Gulf Coast Marine Supply LLC", FEIN: "59-1234567",
			EstablishedDate: "1999-08-13", EmployerType: "private_sector"},
		PrimaryLocation: &model.Location{ID: "loc-" + ext, ExternalIdentifier: "LOC-DFS", Type: "physical",
			EmployerAddress: model.Address{AddressLine1: "30 W Live Oak Ave", City: "Defuniak Springs", State: "FL", Zip: "32435", FIPSCountyCode: "12131"}},
		SecondaryLocations: []model.Location{{ID: "loc2-" + ext, ExternalIdentifier: "LOC-PC", Type: "physical",
			EmployerAddress: model.Address{AddressLine1: "1 Harbor Dr", City: "Panama City", State: "FL", Zip: "32401"}}},
		Subscribers: []model.Subscriber{
			{ID: "s1-" + ext, ExternalIdentifier: "E1001", FirstName: "Maria", LastName: "Alvarez", SocialSecurityNumber: "412551201",
				Enrollments: []model.Enrollment{enr("medical", "BC-PPO-500", "family"), enr("dental", "BC-DEN-STD", "family"),
					enr("vision", "BC-VIS-BASIC", "employee_only"), enr("basic_life", "BC-LIFE-50K", "")},
				Dependents: []model.Dependent{
					{ID: "d1-" + ext, ExternalIdentifier: "E1001-S", FirstName: "Jorge", LastName: "Alvarez", SubscriberRelationship: "spouse",
						SocialSecurityNumber: "412551202", ProductLines: []string{"medical", "dental"}},
					{ID: "d2-" + ext, ExternalIdentifier: "E1001-C1", FirstName: "Sofia", LastName: "Alvarez", SubscriberRelationship: "child",
						ProductLines: []string{"medical", "dental"}},
				}},
			{ID: "s2-" + ext, ExternalIdentifier: "E1002", FirstName: "Darnell", LastName: "Brooks",
				Enrollments: []model.Enrollment{enr("medical", "BC-HMO-250", "employee_only"), enr("dental", "BC-DEN-STD", "employee_only"),
					enr("basic_life", "BC-LIFE-50K", "employee_only")}},
			{ID: "s3-" + ext, ExternalIdentifier: "E1003", FirstName: "Ann", LastName: "Lee",
				Enrollments: []model.Enrollment{{ProductLine: "medical", PlanID: "BC-PPO-500", CoverageLevel: "employee_only",
					StartDate: "2026-07-01", EndDate: "2026-12-31"}}},
		},
	}
}

func subscriberHashes(g *model.Group) map[string]string {
	out := map[string]string{}
	for _, s := range g.Subscribers {
		b, _ := json.Marshal(s)
		sum := sha256.Sum256(b)
		out[s.ExternalIdentifier] = hex.EncodeToString(sum[:])
	}
	return out
}

func contentHash(g *model.Group) string {
	b, _ := json.Marshal(g)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func (f *fixture) update(fn func(tx store.Tx) error) {
	f.t.Helper()
	if err := f.st.Update(f.ctx, fn); err != nil {
		f.t.Fatal(err)
	}
}

// save stores g as a new version (pending).
func (f *fixture) save(g *model.Group) {
	f.t.Helper()
	f.clock.Advance(time.Minute)
	f.update(func(tx store.Tx) error {
		_, err := tx.SaveGroup(f.ctx, g, store.Save{FileID: "file-" + g.ExternalIdentifier, ContentHash: contentHash(g),
			SubscriberHashes: subscriberHashes(g), Reason: "accepted from census.csv", Source: "intake"})
		return err
	})
}

// transmit delivers the group's current version to the carrier: the
// group and its pending subscribers become submitted.
func (f *fixture) transmit(groupID string) string {
	f.t.Helper()
	f.clock.Advance(time.Minute)
	f.isa13++
	trID := fmt.Sprintf("tr-%d", f.isa13)
	name := fmt.Sprintf("bluecross-%09d.834", f.isa13)
	f.update(func(tx store.Tx) error {
		rec, err := tx.Group(f.ctx, groupID)
		if err != nil {
			return err
		}
		if err := tx.CreateTransmission(f.ctx, store.TransmissionRecord{ID: trID, CarrierID: "bluecross", FileName: name, Format: "x12-834", ISA13: f.isa13, GS06: f.isa13},
			[]store.TransmissionGroup{{GroupID: groupID, Version: rec.Version, BaseVersion: rec.TransmittedVersion, ST02: 1}}); err != nil {
			return err
		}
		if err := tx.MarkDelivered(f.ctx, trID, f.clock.Now()); err != nil {
			return err
		}
		subs, err := tx.Subscribers(f.ctx, groupID)
		if err != nil {
			return err
		}
		for _, s := range subs {
			if s.Status == model.StatusPending {
				if err := tx.SetSubscriberStatus(f.ctx, groupID, s.ExternalIdentifier, model.StatusSubmitted, nil, "sent to carrier bluecross in "+name, "transmit"); err != nil {
					return err
				}
			}
		}
		_, err = tx.RefreshGroupStatus(f.ctx, groupID, "sent to carrier bluecross in "+name, "transmit")
		return err
	})
	return trID
}

// ack answers a transmission: every submitted subscriber synced (or the
// listed ones in errors), and the policy number when given.
func (f *fixture) ack(groupID, trID, policy string, reject ...string) {
	f.t.Helper()
	f.clock.Advance(time.Minute)
	f.update(func(tx store.Tx) error {
		result := "accepted"
		if len(reject) > 0 {
			result = "rejected"
		}
		if err := tx.SetTransmissionAck(f.ctx, trID, store.AckFinal, result, f.clock.Now()); err != nil {
			return err
		}
		if err := tx.RecordAck(f.ctx, store.AckRecord{ID: "ack-" + trID, CarrierID: "bluecross", FileName: trID + ".result.csv",
			SHA256: "sha-" + trID, Kind: "result", TransmissionID: trID, Result: result}); err != nil {
			return err
		}
		subs, err := tx.Subscribers(f.ctx, groupID)
		if err != nil {
			return err
		}
		for _, s := range subs {
			if s.Status != model.StatusSubmitted {
				continue
			}
			to, errs := model.StatusSynced, []model.Error(nil)
			for _, r := range reject {
				if r == s.ExternalIdentifier {
					to = model.StatusErrors
					errs = []model.Error{{ErrorType: "carrier_error", Message: "The carrier does not cover this ZIP code.", Parameter: "group.subscribers[" + r + "].residential_address.zip"}}
				}
			}
			if err := tx.SetSubscriberStatus(f.ctx, groupID, s.ExternalIdentifier, to, errs, "answered in "+trID+".result.csv", "acks"); err != nil {
				return err
			}
		}
		if policy != "" {
			if err := tx.SetPolicyNumber(f.ctx, groupID, policy); err != nil {
				return err
			}
		}
		_, err = tx.RefreshGroupStatus(f.ctx, groupID, "answered in "+trID+".result.csv", "acks")
		return err
	})
}

// onboard takes a group all the way to synced with a policy number.
func (f *fixture) onboard(g *model.Group, policy string) {
	f.t.Helper()
	f.save(g)
	f.ack(g.ID, f.transmit(g.ID), policy)
}

func (f *fixture) run(sc Scope) Result {
	f.t.Helper()
	f.clock.Advance(time.Minute)
	res, err := f.d.Run(f.ctx, "acme", sc)
	if err != nil {
		f.t.Fatalf("run: %v", err)
	}
	return res
}

// files lists the outbound folder's files under dir, relative to it, sorted.
func (f *fixture) files(dir string) []string {
	f.t.Helper()
	var out []string
	root := filepath.Join(f.outbound, dir)
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(f.outbound, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

func (f *fixture) readBundle(name string) (*ldexfmt.Bundle, []byte) {
	f.t.Helper()
	data, err := os.ReadFile(filepath.Join(f.outbound, filepath.FromSlash(name)))
	if err != nil {
		f.t.Fatal(err)
	}
	b, err := ldexfmt.Read(strings.NewReader(string(data)))
	if err != nil {
		f.t.Fatalf("reading %s: %v", name, err)
	}
	return b, data
}

func (f *fixture) action(groupID string) string {
	f.t.Helper()
	acts, err := f.st.PendingActions(f.ctx, groupID)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, a := range acts {
		if a.Kind == PendingActionKind {
			return a.Message
		}
	}
	return ""
}
