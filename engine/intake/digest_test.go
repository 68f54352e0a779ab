package intake

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/transport"
)

// acceptSmall starts an env with census-small accepted and returns the file.
func acceptSmall(t *testing.T) (*env, []byte) {
	t.Helper()
	e := newEnv(t, "full", 1<<31)
	data := readTestdata(t, "census-small.csv")
	e.drop("census-small.csv", data)
	e.pass()
	return e, data
}

// crlf is data with CRLF line endings: other bytes, the same rows.
func crlf(data []byte) []byte { return []byte(strings.ReplaceAll(string(data), "\n", "\r\n")) }

// digests returns the stored source digest of each of acme's groups.
func (e *env) digests() map[string]string {
	e.t.Helper()
	groups, err := e.st.Groups(context.Background(), store.GroupFilter{PartnerID: "acme"})
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]string{}
	for _, g := range groups {
		out[g.ExternalIdentifier] = g.SourceDigest
	}
	return out
}

// outcomes returns each group's outcome in a result.
func outcomes(r Result) map[string]string {
	out := map[string]string{}
	for _, g := range r.Groups {
		out[g.ExternalIdentifier] = string(g.Outcome)
	}
	return out
}

// reconfigure makes the env's intake run, on the same state, on its
// config with the census mode given and extra appended to the carrier
// (a rule, say).
func (e *env) reconfigure(mode, extra string) {
	e.t.Helper()
	path := filepath.Join(e.dir, "onboard-2.yaml")
	if err := os.WriteFile(path, []byte(fmt.Sprintf(testConfig, mode, 1<<31)+extra), 0o600); err != nil {
		e.t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		e.t.Fatalf("loading config: %v", err)
	}
	open := func(ctx context.Context, f config.Folder) (transport.Folder, error) { return transport.NewLocal(f.Dir) }
	now := e.in.Now
	e.cfg, e.in = cfg, New(e.st, cfg, open, nil)
	e.in.Now = now
}

// withCarrierRule makes the env's intake run on its config with a rule
// appended to the carrier's, on the same state.
func (e *env) withCarrierRule(rule string) { e.reconfigure("full", rule) }

// TestUnchangedRowsAreKnownByTheirDigest: a group sent again in the same
// rows (other bytes: CRLF) is answered unchanged from its digest, without
// being mapped into a version and compared: shown by a stored version that
// differs from the rows yet carries their digest.
func TestUnchangedRowsAreKnownByTheirDigest(t *testing.T) {
	e, data := acceptSmall(t)
	first := e.digests()
	if len(first) != 2 || first["GCM-001"] == "" || first["GCM-001"] == first["PDP-014"] {
		t.Fatalf("digests after the first drop: %v", first)
	}
	ctx := context.Background()
	rec, err := e.st.GroupByExternal(ctx, "acme", "GCM-001")
	if err != nil {
		t.Fatal(err)
	}
	g, _, err := e.st.CurrentGroup(ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	g.Employer.OrganizationName = "Renamed Behind The Digest LLC"
	if err := e.st.Update(ctx, func(tx store.Tx) error {
		_, err := tx.SaveGroup(ctx, g, store.Save{ContentHash: "tampered", SourceDigest: rec.SourceDigest, Reason: "test"})
		return err
	}); err != nil {
		t.Fatal(err)
	}

	e.drop("census-crlf.csv", crlf(data))
	e.pass()
	r := e.result("census-crlf.csv")
	if got := outcomes(r); got["GCM-001"] != string(GroupUnchanged) || got["PDP-014"] != string(GroupUnchanged) {
		t.Fatalf("outcomes %v: want both unchanged, GCM-001 by its digest", got)
	}
	for _, gr := range r.Groups {
		if gr.ID == "" || len(gr.Subscribers) == 0 || gr.Subscribers[0].ID == "" {
			t.Errorf("group %s answered without its ids: %+v", gr.ExternalIdentifier, gr)
		}
	}
}

// TestChangedCarrierRulesCheckTheRowsAgain: the same rows under other
// carrier rules are checked in full: the new rule's errors are reported.
func TestChangedCarrierRulesCheckTheRowsAgain(t *testing.T) {
	e, data := acceptSmall(t)
	e.withCarrierRule(`      - {id: no-family, on: enrollment, expr: 'enrollment.coverage_level != "family"', message: "no family coverage"}
`)
	e.drop("census-crlf.csv", crlf(data))
	e.pass()
	r := e.result("census-crlf.csv")
	if got := outcomes(r); got["GCM-001"] != string(GroupRejected) {
		t.Fatalf("outcomes %v: GCM-001 has family coverage, which the new rule refuses", got)
	}
	found := false
	for _, g := range r.Groups {
		for _, er := range g.Errors {
			found = found || (er.ErrorType == model.ErrCarrierRule && strings.Contains(er.Message, "No family coverage"))
		}
	}
	if !found {
		t.Errorf("the new rule's error is not reported: %+v", r.Groups)
	}
}

// TestDatedRulesAlwaysCheck: with a rule that reads today(), the same rows
// are checked again on a later day, and fail when the day makes them.
func TestDatedRulesAlwaysCheck(t *testing.T) {
	e := newEnv(t, "full", 1<<31)
	e.withCarrierRule(`      - {id: not-started, on: enrollment, expr: 'enrollment.start_date > today()', message: "coverage must start after today"}
`)
	data := readTestdata(t, "census-small.csv")
	e.drop("census-small.csv", data)
	e.pass()
	if got := outcomes(e.result("census-small.csv")); got["GCM-001"] != string(GroupCreated) {
		t.Fatalf("first drop: %v", got)
	}
	later := time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC) // census-small's coverage starts 2027-01-01
	e.in.Now = func() time.Time { return later }
	e.drop("census-crlf.csv", crlf(data))
	e.pass()
	if got := outcomes(e.result("census-crlf.csv")); got["GCM-001"] != string(GroupRejected) {
		t.Fatalf("a month after coverage started: %v, want GCM-001 rejected by the dated rule", got)
	}
}

// TestUnchangedContentInOtherRowsIsKnownNext: rows that map to the stored
// content in other fields (spaces the mapping trims) are unchanged by the
// full comparison, and their digest is recorded for the next time.
func TestUnchangedContentInOtherRowsIsKnownNext(t *testing.T) {
	e, data := acceptSmall(t)
	first := e.digests()
	e.drop("census-spaced.csv", []byte(strings.Replace(string(data), ",Maria,", ",  Maria ,", 1)))
	e.pass()
	if got := outcomes(e.result("census-spaced.csv")); got["GCM-001"] != string(GroupUnchanged) {
		t.Fatalf("outcomes %v", got)
	}
	next := e.digests()
	if next["GCM-001"] == first["GCM-001"] || next["GCM-001"] == "" || next["PDP-014"] != first["PDP-014"] {
		t.Fatalf("digests %v after %v: want GCM-001's replaced by the spaced rows', PDP-014's kept", next, first)
	}
}

// TestCensusModeIsPartOfTheDigest: rows a change file stored (keeping a
// member it left out) are checked again when the partner's census turns
// full, which ends that member's coverage.
func TestCensusModeIsPartOfTheDigest(t *testing.T) {
	e := newEnv(t, "changes", 1<<31)
	data := readTestdata(t, "census-small.csv")
	e.drop("census-small.csv", data)
	e.pass()
	// E1002 (GCM-001) left out, Maria renamed: the change file updates
	// GCM-001, keeping E1002 as it was, and its rows' digest is stored.
	var kept []string
	for _, l := range strings.SplitAfter(string(data), "\n") {
		if !strings.Contains(l, ",E1002,") {
			kept = append(kept, l)
		}
	}
	without := []byte(strings.Replace(strings.Join(kept, ""), ",Maria,", ",Mariah,", 1))
	e.drop("without-e1002.csv", without)
	e.pass()
	if got := outcomes(e.result("without-e1002.csv")); got["GCM-001"] != string(GroupUpdated) {
		t.Fatalf("change file without E1002: %v, want GCM-001 updated", got)
	}
	e.reconfigure("full", "")
	e.drop("without-e1002-full.csv", crlf(without))
	e.pass()
	r := e.result("without-e1002-full.csv")
	if got := outcomes(r); got["GCM-001"] != string(GroupUpdated) {
		t.Fatalf("the same rows as a full census: %v, want GCM-001 updated (E1002 terminated)", got)
	}
}
