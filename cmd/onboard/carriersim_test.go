package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/acks"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/formats/x12"
	"github.com/onboard/onboard/formats/x12/x12guide"
)

var simNow = time.Date(2027, 1, 16, 8, 0, 0, 0, time.UTC)

// sim834 builds an 834 (ISA13 42, GS06 42) of two groups: G-1 with
// subscribers A1 (and a spouse) and A2, G-2 with B1, B2 and B3.
func sim834(t *testing.T, ackRequested bool) []byte {
	t.Helper()
	sub := func(ext string, deps ...string) *model.Subscriber {
		s := &model.Subscriber{ExternalIdentifier: ext, FirstName: "Ann", LastName: "Lee", BirthDate: "1980-01-02", Gender: "female",
			Enrollments: []model.Enrollment{{ProductLine: "medical", PlanID: "PPO", CoverageLevel: "employee_only", StartDate: "2027-02-01"}}}
		for _, d := range deps {
			s.Dependents = append(s.Dependents, model.Dependent{ExternalIdentifier: d, FirstName: "Bo", LastName: "Lee",
				BirthDate: "1981-03-04", Gender: "male", SubscriberRelationship: "spouse", ProductLines: []string{"medical"}})
		}
		return s
	}
	group := func(ext string, subs ...*model.Subscriber) model.GroupChanges {
		gc := model.GroupChanges{Group: &model.Group{ExternalIdentifier: ext,
			Employer: model.Employer{OrganizationName: "Employer " + ext, FEIN: "123456789"}}}
		for _, s := range subs {
			gc.Members = append(gc.Members, model.MemberChange{Maintenance: model.MaintAdd, Subscriber: s})
			for i := range s.Dependents {
				gc.Members = append(gc.Members, model.MemberChange{Maintenance: model.MaintAdd, Subscriber: s, Dependent: &s.Dependents[i]})
			}
		}
		return gc
	}
	var b bytes.Buffer
	env := x12.Envelope{SenderQualifier: "ZZ", SenderID: "ONBOARD", ReceiverQualifier: "ZZ", ReceiverID: "BLUECROSS", Usage: "T",
		ISA13: 42, GS06: 42, Time: simNow.Add(-time.Hour), AckRequested: ackRequested}
	w, err := x12.NewWriter834(&b, env, x12.Options834{CarrierName: "Blue Cross", CarrierID: "BLUECROSS"})
	if err != nil {
		t.Fatal(err)
	}
	for i, gc := range []model.GroupChanges{group("g-1", sub("a1", "a1-s"), sub("A2")), group("G-2", sub("B1"), sub("B2"), sub("B3"))} {
		if _, err := w.WriteSet(gc, int64(i+1)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	x12guide.Check(t, b.Bytes(), x12guide.Options{Set: "834"})
	return b.Bytes()
}

// answers returns the answer files by name, each X12 one checked against
// the implementation guide's 999 map.
func answers(t *testing.T, files []simFile) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, f := range files {
		if bytes.HasPrefix(f.Data, []byte("ISA")) {
			x12guide.Check(t, f.Data, x12guide.Options{Set: "999"})
		}
		out[f.Name] = f.Data
	}
	return out
}

func TestAnswer834Accepts(t *testing.T) {
	files, summary := answer834("f.834", sim834(t, false), simOptions{PolicyPrefix: "BC"}, simNow)
	got := answers(t, files)
	if len(got) != 2 || got["f.834.999"] == nil || got["f.834.result.csv"] == nil {
		t.Fatalf("answers %v (%s)", files, summary)
	}
	ack, err := x12.ReadAck(bytes.NewReader(got["f.834.999"]))
	if err != nil {
		t.Fatal(err)
	}
	if ack.GroupControl != 42 || ack.AK9 == nil || ack.AK9.Code != "A" || len(ack.Sets) != 2 || ack.SenderID != "BLUECROSS" || ack.ReceiverID != "ONBOARD" {
		t.Errorf("999: %+v", ack)
	}
	rows, err := acks.ReadResults(bytes.NewReader(got["f.834.result.csv"]), nil)
	if err != nil {
		t.Fatal(err)
	}
	var subs []string
	policies := map[string]string{}
	for _, r := range rows {
		subs = append(subs, r.GroupExternalIdentifier+"/"+r.SubscriberExternalIdentifier+"="+r.Result)
		if r.Transmission != "f.834" || !strings.HasPrefix(r.PolicyNumber, "BC") || len(r.PolicyNumber) != 10 {
			t.Errorf("row %+v", r)
		}
		if p, ok := policies[r.GroupExternalIdentifier]; ok && p != r.PolicyNumber {
			t.Errorf("group %s has two policy numbers", r.GroupExternalIdentifier)
		}
		policies[r.GroupExternalIdentifier] = r.PolicyNumber
	}
	// One row per subscriber: the spouse answers with its subscriber.
	want := "G-1/A1=accepted G-1/A2=accepted G-2/B1=accepted G-2/B2=accepted G-2/B3=accepted"
	if strings.Join(subs, " ") != want {
		t.Errorf("rows %s\nwant %s", strings.Join(subs, " "), want)
	}
	if policies["G-1"] == policies["G-2"] {
		t.Errorf("two groups share policy number %s", policies["G-1"])
	}
	// Deterministic, and kept when onboard sends it back as the group number.
	if p := policyNumber("BC", "g-1"); p != policies["G-1"] {
		t.Errorf("policyNumber(g-1) = %s, want %s", p, policies["G-1"])
	}
	if p := policyNumber("BC", policies["G-1"]); p != policies["G-1"] {
		t.Errorf("a policy number sent back became %s", p)
	}
}

func TestAnswer834Rejects(t *testing.T) {
	files, _ := answer834("f.834", sim834(t, false), simOptions{Reject: 2, PolicyPrefix: "P"}, simNow)
	rows, err := acks.ReadResults(bytes.NewReader(answers(t, files)["f.834.result.csv"]), nil)
	if err != nil {
		t.Fatal(err)
	}
	var rejected []string
	for _, r := range rows {
		if r.Result == acks.ResultRejected {
			rejected = append(rejected, r.SubscriberExternalIdentifier)
			if r.ErrorCode == "" || r.Message == "" {
				t.Errorf("rejected row without a code or message: %+v", r)
			}
		}
	}
	if strings.Join(rejected, " ") != "A2 B2" {
		t.Errorf("rejected %v, want A2 B2 (every second subscriber)", rejected)
	}
	if rows[1].Message != simRejections[0].message || rows[3].ErrorCode != simRejections[1].code {
		t.Errorf("messages do not rotate: %+v", rows)
	}
}

func TestAnswer834TA1(t *testing.T) {
	for _, tc := range []struct {
		name      string
		requested bool
		flag      bool
		want      bool
	}{{"not asked", false, false, false}, {"ISA14", true, false, true}, {"-ta1", false, true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			files, _ := answer834("f.834", sim834(t, tc.requested), simOptions{TA1: tc.flag}, simNow)
			data, ok := answers(t, files)["f.834.ta1"]
			if ok != tc.want {
				t.Fatalf("TA1 written = %v, want %v", ok, tc.want)
			}
			if !ok {
				return
			}
			ack, err := x12.ReadAck(bytes.NewReader(data))
			if err != nil || ack.TA1 == nil || ack.TA1.Code != "A" || ack.InterchangeControl != 42 {
				t.Errorf("TA1 %+v, %v", ack, err)
			}
		})
	}
}

func TestAnswer834BadEnvelope(t *testing.T) {
	good := string(sim834(t, false))
	tests := []struct {
		name    string
		edit    func(string) string
		files   []string
		check   func(t *testing.T, ack *x12.Ack)
		summary string
	}{
		{name: "IEA01 wrong", edit: func(s string) string { return strings.Replace(s, "IEA*1*", "IEA*2*", 1) },
			files: []string{"f.834.ta1"}, summary: "interchange rejected with TA1 note 021",
			check: func(t *testing.T, ack *x12.Ack) {
				if ack.TA1 == nil || ack.TA1.Code != "R" || ack.TA1.Note != "021" || ack.InterchangeControl != 42 || !ack.Rejected() {
					t.Errorf("TA1 %+v", ack.TA1)
				}
			}},
		{name: "GE01 wrong", edit: func(s string) string { return strings.Replace(s, "GE*2*", "GE*3*", 1) },
			files: []string{"f.834.999"},
			check: func(t *testing.T, ack *x12.Ack) {
				if ack.AK9 == nil || ack.AK9.Code != "R" || strings.Join(ack.AK9.Errors, ",") != "5" || !ack.Rejected() || len(ack.Sets) != 2 {
					t.Errorf("999 %+v / %+v", ack, ack.AK9)
				}
			}},
		{name: "SE01 wrong in the second set", edit: func(s string) string {
			i := strings.LastIndex(s, "SE*")
			j := strings.Index(s[i:], "*0002")
			return s[:i] + "SE*99" + s[i+j:]
		},
			files: []string{"f.834.999", "f.834.result.csv"},
			check: func(t *testing.T, ack *x12.Ack) {
				if ack.AK9 == nil || ack.AK9.Code != "P" || ack.Sets[0].Code != "A" || ack.Sets[1].Code != "R" ||
					strings.Join(ack.Sets[1].SyntaxErrors, ",") != "4" {
					t.Errorf("999 %+v", ack)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files, summary := answer834("f.834", []byte(tc.edit(good)), simOptions{}, simNow)
			got := answers(t, files)
			if len(got) != len(tc.files) {
				t.Fatalf("answers %v (%s), want %v", files, summary, tc.files)
			}
			for _, f := range tc.files {
				if got[f] == nil {
					t.Fatalf("no %s among %v", f, files)
				}
			}
			if !strings.Contains(summary, tc.summary) {
				t.Errorf("summary %q lacks %q", summary, tc.summary)
			}
			ack, err := x12.ReadAck(bytes.NewReader(got[tc.files[0]]))
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, ack)
			if data := got["f.834.result.csv"]; data != nil {
				rows, err := acks.ReadResults(bytes.NewReader(data), nil)
				if err != nil || len(rows) != 2 || rows[0].GroupExternalIdentifier != "G-1" {
					t.Errorf("result rows for the accepted set only: %+v, %v", rows, err)
				}
			}
		})
	}
}

func TestAnswer834NotX12(t *testing.T) {
	files, summary := answer834("notes.txt", []byte("hello"), simOptions{}, simNow)
	if len(files) != 0 || !strings.Contains(summary, "not an X12 interchange") {
		t.Errorf("answers %v, %q", files, summary)
	}
}

// TestCarrierSimCommand runs the command: it answers each 834 once, and
// with -watch keeps answering until stopped.
func TestCarrierSimCommand(t *testing.T) {
	dir := t.TempDir()
	inbox, acksDir := filepath.Join(dir, "inbox"), filepath.Join(dir, "acks")
	for _, d := range []string{inbox, acksDir} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			t.Fatal(err)
		}
	}
	data := sim834(t, false)
	if err := os.WriteFile(filepath.Join(inbox, "a.834"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(inbox, ".b.834.tmp"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(ctx context.Context, args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := (&Main{Stdout: &out, Stderr: &errb}).Run(ctx, append([]string{"carrier-sim", "-inbox", inbox, "-acks", acksDir}, args...))
		return code, out.String() + errb.String()
	}
	if code, out := run(context.Background(), "-reject", "3"); code != 0 || !strings.Contains(out, "a.834: 999 for group 42: 2 of 2 sets accepted; result file: 5 subscribers, 1 rejected") {
		t.Fatalf("exit %d: %s", code, out)
	}
	names := func(d string) string {
		es, _ := os.ReadDir(d)
		var n []string
		for _, e := range es {
			n = append(n, e.Name())
		}
		return strings.Join(n, " ")
	}
	if got := names(acksDir); got != "a.834.999 a.834.result.csv" {
		t.Errorf("acks: %s", got)
	}
	if got := names(inbox); got != ".b.834.tmp processed" {
		t.Errorf("inbox: %s", got)
	}
	// Answered once: a second run writes nothing new.
	if code, out := run(context.Background()); code != 0 || out != "" {
		t.Errorf("second run: exit %d: %q", code, out)
	}

	// -watch answers a file dropped later, and stops on cancel.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		code, out := run(ctx, "-watch")
		t.Log(out)
		done <- code
	}()
	if err := os.WriteFile(filepath.Join(inbox, "c.834"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(names(acksDir), "c.834.result.csv") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("watch exit %d", code)
	}
	if !strings.Contains(names(acksDir), "c.834.result.csv") || !strings.Contains(names(filepath.Join(inbox, "processed")), "c.834") {
		t.Errorf("watch did not answer c.834: acks %s, processed %s", names(acksDir), names(filepath.Join(inbox, "processed")))
	}

	if code, _ := run(context.Background(), "-reject", "-1"); code != 2 {
		t.Errorf("-reject -1: exit %d, want 2", code)
	}
}
