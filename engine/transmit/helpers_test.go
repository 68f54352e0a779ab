package transmit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
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
	"github.com/onboard/onboard/engine/transport"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// testCarrier is the example carrier of config.example.yaml.
func testCarrier(mode string) *config.Carrier {
	return &config.Carrier{ID: "bluecross", Name: "Blue Cross Example", Format: config.FormatX12, Mode: mode,
		X12: config.X12{SenderQualifier: "ZZ", SenderID: "ONBOARD", ReceiverQualifier: "ZZ", ReceiverID: "BLUECROSS", Usage: "T",
			ProductLines: map[string]string{model.ProductLife: "AC", model.ProductADD: "ADD"}}}
}

// env is a transmitter over a real SQLite store and a local inbox.
type env struct {
	t       testing.TB
	ctx     context.Context
	clock   *clock
	st      *sqlite.Store
	carrier *config.Carrier
	tr      *Transmitter
	inbox   string
	staging string
	ids     int
	// failWrite makes every upload to the inbox fail.
	failWrite bool
}

// flakyFolder is a folder whose writes fail while its env says so.
type flakyFolder struct {
	transport.Folder
	e *env
}

func (f flakyFolder) Write(ctx context.Context, name string, r io.Reader, perm uint32) error {
	if f.e.failWrite {
		return errors.New("connection lost")
	}
	return f.Folder.Write(ctx, name, r, perm)
}

func newEnv(t testing.TB, c *config.Carrier) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{t: t, ctx: context.Background(), clock: &clock{time.Date(2027, 1, 10, 8, 0, 0, 0, time.UTC)}, carrier: c,
		inbox: filepath.Join(dir, "inbox"), staging: filepath.Join(dir, "staging")}
	st, err := sqlite.Open(e.ctx, filepath.Join(dir, "onboard.db"), sqlite.WithClock(e.clock.now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e.st = st
	c.Inbox = config.Folder{Dir: e.inbox}
	e.tr = e.newTransmitter()
	return e
}

// newTransmitter returns a transmitter as a restarted process would build it.
func (e *env) newTransmitter() *Transmitter {
	e.t.Helper()
	opened := map[string]transport.Folder{}
	open := func(ctx context.Context, f config.Folder) (transport.Folder, error) {
		if fo, ok := opened[f.Dir]; ok {
			return fo, nil
		}
		local, err := transport.NewLocal(f.Dir)
		if err != nil {
			return nil, err
		}
		e.t.Cleanup(func() { local.Close() })
		fo := flakyFolder{local, e}
		opened[f.Dir] = fo
		return fo, nil
	}
	tr, err := New(e.st, e.carrier, open, e.staging, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		e.t.Fatal(err)
	}
	tr.Now = e.clock.now
	tr.NewID = func() string {
		e.ids++
		return fmt.Sprintf("tr-%d", e.ids)
	}
	return tr
}

// save stores g as a new version of its group, as the intake does: a
// subscriber whose content changed becomes pending.
func (e *env) save(g *model.Group) *store.GroupRecord {
	e.t.Helper()
	hashes := map[string]string{}
	for i := range g.Subscribers {
		hashes[g.Subscribers[i].ExternalIdentifier] = hashOf(e.t, g.Subscribers[i])
	}
	var rec *store.GroupRecord
	err := e.st.Update(e.ctx, func(tx store.Tx) error {
		var err error
		rec, err = tx.SaveGroup(e.ctx, g, store.Save{FileID: "f", ContentHash: hashOf(e.t, g), SubscriberHashes: hashes, Reason: "test", Source: "test.csv"})
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return rec
}

func hashOf(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// run runs the transmitter at time at.
func (e *env) run(at time.Time) Result {
	e.t.Helper()
	e.clock.t = at
	res, err := e.tr.Run(e.ctx)
	if err != nil {
		e.t.Fatalf("run: %v", err)
	}
	return res
}

// inboxFiles returns the inbox's files by name.
func (e *env) inboxFiles() map[string][]byte {
	e.t.Helper()
	entries, err := os.ReadDir(e.inbox)
	if err != nil && !os.IsNotExist(err) {
		e.t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, de := range entries {
		if de.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(e.inbox, de.Name()))
		if err != nil {
			e.t.Fatal(err)
		}
		checkGuide(e.t, de.Name(), b, e.carrier)
		out[de.Name()] = b
	}
	return out
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update after checking the change):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// censusSmall returns the two groups of testdata/census-small.csv as the
// intake stores them (ids assigned, subscribers and dependents sorted).
func censusSmall() []*model.Group {
	enr := func(pl, plan, level, start string) model.Enrollment {
		return model.Enrollment{ProductLine: pl, PlanID: plan, CoverageLevel: level, StartDate: start}
	}
	addr := func(l1, l2, city, state, zip, fips string) model.Address {
		return model.Address{AddressLine1: l1, AddressLine2: l2, City: city, State: state, Zip: zip, FIPSCountyCode: fips}
	}
	home := func(l1, city, state, zip string) *model.Address {
		return &model.Address{AddressLine1: l1, City: city, State: state, Zip: zip}
	}
	job := func(start, status string, cents int64) *model.EmploymentDetails {
		return &model.EmploymentDetails{StartDate: start, Status: status, AnnualEarnings: cents}
	}
	const s1, s2 = "2027-01-01", "2027-02-01"
	gcm := &model.Group{
		ID: "0b9c7a52-0001-4000-8000-000000000001", ExternalIdentifier: "GCM-001", PartnerID: "acme", CarrierID: "bluecross",
		Employer: model.Employer{OrganizationName: "Gulf Coast Marine Supply LLC", FEIN: "591234567", EstablishedDate: "1999-08-13", EmployerType: "private_sector"},
		PrimaryLocation: &model.Location{ID: "loc-dfs", ExternalIdentifier: "LOC-DFS", Type: "physical",
			EmployerAddress: addr("30 W Live Oak Ave", "", "Defuniak Springs", "FL", "32435", "12131")},
		SecondaryLocations: []model.Location{{ID: "loc-pcb", ExternalIdentifier: "LOC-PCB", Type: "physical",
			EmployerAddress: addr("8012 Front Beach Rd", "Suite 4", "Panama City Beach", "FL", "32407", "12005")}},
		Subscribers: []model.Subscriber{
			{ID: "sub-e1001", ExternalIdentifier: "E1001", LocationExternalIdentifier: "LOC-DFS", FirstName: "Maria", MiddleName: "L", LastName: "Alvarez",
				SocialSecurityNumber: "412551201", BirthDate: "1984-03-02", Gender: "female",
				ResidentialAddress: home("114 Baldwin Ave", "Defuniak Springs", "FL", "32435"), EmploymentDetails: job("2015-06-01", "full_time", 5800000),
				Enrollments: []model.Enrollment{enr("medical", "BC-PPO-500", "family", s1), enr("dental", "BC-DEN-STD", "family", s1),
					enr("vision", "BC-VIS-BASIC", "employee_only", s1), enr("basic_life", "BC-LIFE-50K", "", s1),
					enr("accidental_death_dismemberment", "BC-ADD-50K", "", s1)},
				Dependents: []model.Dependent{
					{ID: "dep-e1001-c1", ExternalIdentifier: "E1001-C1", FirstName: "Sofia", LastName: "Alvarez", SocialSecurityNumber: "412551203",
						BirthDate: "2012-05-14", Gender: "female", SubscriberRelationship: "child", ProductLines: []string{"dental", "medical"}},
					{ID: "dep-e1001-s", ExternalIdentifier: "E1001-S", FirstName: "Jorge", LastName: "Alvarez", SocialSecurityNumber: "412551202",
						BirthDate: "1982-11-20", Gender: "male", SubscriberRelationship: "spouse", ProductLines: []string{"dental", "medical"}},
				}},
			{ID: "sub-e1002", ExternalIdentifier: "E1002", LocationExternalIdentifier: "LOC-DFS", FirstName: "Darnell", LastName: "Brooks",
				SocialSecurityNumber: "398217788", BirthDate: "1990-07-19", Gender: "male",
				ResidentialAddress: home("22 Nelson Ave", "Defuniak Springs", "FL", "32435"), EmploymentDetails: job("2019-02-11", "full_time", 4750000),
				Enrollments: []model.Enrollment{enr("medical", "BC-HMO-250", "employee_only", s1), enr("dental", "BC-DEN-STD", "employee_only", s1),
					enr("basic_life", "BC-LIFE-50K", "", s1)}},
			{ID: "sub-e1003", ExternalIdentifier: "E1003", LocationExternalIdentifier: "LOC-PCB", FirstName: "Hannah", MiddleName: "Q", LastName: "Nguyen",
				SocialSecurityNumber: "512093341", BirthDate: "1977-12-30", Gender: "female",
				ResidentialAddress: home("55 Thomas Dr", "Panama City Beach", "FL", "32408"), EmploymentDetails: job("2010-09-07", "part_time", 3120000),
				Enrollments: []model.Enrollment{enr("medical", "BC-PPO-500", "employee_spouse", s1), enr("vision", "BC-VIS-BASIC", "employee_spouse", s1),
					enr("basic_life", "BC-LIFE-50K", "", s1), enr("accidental_death_dismemberment", "BC-ADD-50K", "", s1)},
				Dependents: []model.Dependent{
					{ID: "dep-e1003-s", ExternalIdentifier: "E1003-S", FirstName: "Minh", LastName: "Nguyen", SocialSecurityNumber: "512093342",
						BirthDate: "1975-04-08", Gender: "male", SubscriberRelationship: "spouse", ProductLines: []string{"medical", "vision"}},
				}},
		},
	}
	pdp := &model.Group{
		ID: "0b9c7a52-0002-4000-8000-000000000002", ExternalIdentifier: "PDP-014", PartnerID: "acme", CarrierID: "bluecross",
		Employer: model.Employer{OrganizationName: "Peachtree Dental Partners PC", FEIN: "587654321", EstablishedDate: "2008-01-15", EmployerType: "private_sector"},
		PrimaryLocation: &model.Location{ID: "loc-atl", ExternalIdentifier: "LOC-ATL", Type: "physical",
			EmployerAddress: addr("1180 W Peachtree St NW", "Floor 12", "Atlanta", "GA", "30309", "13121")},
		SecondaryLocations: []model.Location{{ID: "loc-sav", ExternalIdentifier: "LOC-SAV", Type: "physical",
			EmployerAddress: addr("200 E Bay St", "", "Savannah", "GA", "31401", "13051")}},
		Subscribers: []model.Subscriber{
			{ID: "sub-p77", ExternalIdentifier: "P-77", LocationExternalIdentifier: "LOC-ATL", FirstName: "Oluwaseun", LastName: "Adeyemi",
				SocialSecurityNumber: "233419090", BirthDate: "1988-09-09", Gender: "male",
				ResidentialAddress: home("901 Spring St NW", "Atlanta", "GA", "30309"), EmploymentDetails: job("2020-01-06", "full_time", 11200000),
				Enrollments: []model.Enrollment{enr("medical", "BC-PPO-500", "employee_children", s2), enr("dental", "BC-DEN-STD", "employee_children", s2),
					enr("vision", "BC-VIS-BASIC", "employee_children", s2), enr("basic_life", "BC-LIFE-50K", "", s2),
					enr("accidental_death_dismemberment", "BC-ADD-50K", "", s2)},
				Dependents: []model.Dependent{
					{ID: "dep-p77-c1", ExternalIdentifier: "P-77-C1", FirstName: "Ada", LastName: "Adeyemi", SocialSecurityNumber: "233419091",
						BirthDate: "2016-02-29", Gender: "female", SubscriberRelationship: "child", ProductLines: []string{"dental", "medical", "vision"}},
				}},
			{ID: "sub-p78", ExternalIdentifier: "P-78", LocationExternalIdentifier: "LOC-SAV", FirstName: "Rebecca", LastName: "Goldberg",
				SocialSecurityNumber: "301661212", BirthDate: "1969-06-21", Gender: "female",
				ResidentialAddress: home("14 Jones St", "Savannah", "GA", "31401"), EmploymentDetails: job("2009-03-16", "full_time", 9800000),
				Enrollments: []model.Enrollment{enr("medical", "BC-HMO-250", "employee_only", s2), enr("basic_life", "BC-LIFE-50K", "", s2)}},
		},
	}
	return []*model.Group{gcm, pdp}
}

// censusUpdate is the update of census-small: E1003 adds a child (and
// moves to family coverage), and P-78 is terminated at the end of March.
func censusUpdate() []*model.Group {
	gs := censusSmall()
	e1003 := gs[0].Subscriber("E1003")
	for i := range e1003.Enrollments {
		if e1003.Enrollments[i].CoverageLevel == "employee_spouse" {
			e1003.Enrollments[i].CoverageLevel = "family"
		}
	}
	// The intake keeps dependents sorted by external identifier.
	e1003.Dependents = append([]model.Dependent{{ID: "dep-e1003-c1", ExternalIdentifier: "E1003-C1", FirstName: "Lan", LastName: "Nguyen",
		SocialSecurityNumber: "512093343", BirthDate: "2026-11-02", Gender: "female", SubscriberRelationship: "child", ProductLines: []string{"medical", "vision"}}},
		e1003.Dependents...)
	p78 := gs[1].Subscriber("P-78")
	for i := range p78.Enrollments {
		p78.Enrollments[i].EndDate = "2027-03-31"
	}
	return gs
}
