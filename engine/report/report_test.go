package report

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/store"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// now is the report time of every test.
var now = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

const (
	hyperlinkEmployer = `=HYPERLINK("http://x","y")`
	scriptEmployer    = `<script>alert(1)</script> LLC`
)

// sampleRows are two partners' groups in every status, out of order, with
// hostile employer names among them.
func sampleRows() []Row {
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	subs := func(p, s, y, e int) map[string]int {
		return map[string]int{"pending": p, "submitted": s, "synced": y, "errors": e}
	}
	return []Row{
		{
			Partner: "northwind", PartnerName: "Northwind HR", GroupExternalID: "NW-7", GroupID: "0f6c5d2e-4b3a-4c1d-9e8f-7a6b5c4d3e2f",
			Employer: "Lakeside Dental Partners", Carrier: "bluecross", Status: "submitted", StatusSince: ago(26 * time.Hour),
			SubscribersByStatus: subs(0, 12, 0, 0),
			LastFileReceived:    "northwind-2025-03-09.csv", LastFileAt: ago(27 * time.Hour),
			LastTransmission: "BLUECROSS-834-000000051.x12", LastTransmissionAt: ago(26 * time.Hour),
			PendingAction: "awaiting carrier acknowledgement since 2025-03-09T10:00:00Z", PendingSince: ago(26 * time.Hour),
		},
		{
			Partner: "acme", PartnerName: "ACME Benefits", GroupExternalID: "G-1002", GroupID: "3b1e9a52-8c4d-4f6e-a7b8-c9d0e1f2a3b4",
			Employer: scriptEmployer, Carrier: "bluecross", Status: "errors", StatusSince: ago(3*24*time.Hour + 4*time.Hour),
			SubscribersByStatus: subs(0, 0, 5, 2),
			LastFileReceived:    "acme-census-0307.csv", LastFileAt: ago(3*24*time.Hour + 5*time.Hour),
			LastTransmission: "BLUECROSS-834-000000049.x12", LastTransmissionAt: ago(3*24*time.Hour + 4*time.Hour + 30*time.Minute),
			LastAck: "999 rejected", LastAckAt: ago(3*24*time.Hour + 4*time.Hour),
			ErrorCount:    3,
			PendingAction: "partner to fix 3 error(s) and send an updated file", PendingSince: ago(3*24*time.Hour + 4*time.Hour),
			TopErrors: []string{
				"coverage must start on the first day of a month",
				"coverage must start on the first day of a month",
				"zip must be 5 digits or ZIP+4",
			},
			ErrorDetails: []ErrorDetail{
				{Member: "E2001", Message: "coverage must start on the first day of a month"},
				{Member: "E2002", Message: "coverage must start on the first day of a month"},
				{Message: "zip must be 5 digits or ZIP+4"},
			},
			AckCounts: "5 accepted · 2 rejected",
			History: []HistoryEntry{
				{At: ago(3*24*time.Hour + 5*time.Hour), To: "pending", Reason: "created from acme-census-0307.csv"},
				{At: ago(3*24*time.Hour + 4*time.Hour + 30*time.Minute), From: "pending", To: "submitted", Reason: "sent in BLUECROSS-834-000000049.x12"},
				{At: ago(3*24*time.Hour + 4*time.Hour), From: "submitted", To: "errors", Reason: "<b>999 rejected</b> set 0002"},
			},
		},
		{
			Partner: "acme", PartnerName: "ACME Benefits", GroupExternalID: "G-1001", GroupID: "7c1d2e3f-0000-4a4a-8b8b-0f1e2d3c4b5a",
			Employer: "Harbor & Pine Bakery, LLC", Carrier: "bluecross", Status: "synced", StatusSince: ago(6*24*time.Hour + 2*time.Hour + 15*time.Minute),
			SubscribersByStatus: subs(0, 0, 3, 0),
			LastFileReceived:    "acme-census.csv", LastFileAt: ago(8 * 24 * time.Hour),
			LastTransmission: "BLUECROSS-834-000000042.x12", LastTransmissionAt: ago(7 * 24 * time.Hour),
			LastAck: "result file accepted", LastAckAt: ago(6*24*time.Hour + 2*time.Hour + 15*time.Minute),
			PolicyNumber: "BCX-778812",
		},
		{
			Partner: "acme", PartnerName: "ACME Benefits", GroupExternalID: "G-1003", GroupID: "5e4d3c2b-1a09-4f8e-b7d6-c5b4a3928170",
			Employer: hyperlinkEmployer, Carrier: "bluecross", Status: "pending", StatusSince: ago(47 * time.Minute),
			SubscribersByStatus: subs(4, 0, 0, 0),
			LastFileReceived:    "acme-census-0310.csv", LastFileAt: ago(48 * time.Minute),
			PendingAction: "waiting for the next transmission to carrier bluecross", PendingSince: ago(47 * time.Minute),
			TopErrors: []string{"zip must be 5 digits or ZIP+4"},
		},
		{
			Partner: "northwind", PartnerName: "Northwind HR", GroupExternalID: "NW-3", GroupID: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
			Employer: "-Minus Sign Logistics", Carrier: "bluecross", Status: "errors", StatusSince: ago(9*time.Hour + 5*time.Minute),
			SubscribersByStatus: subs(1, 0, 0, 1),
			LastFileReceived:    "@northwind.csv", LastFileAt: ago(10 * time.Hour),
			ErrorCount:    1,
			PendingAction: "+ feedback: no policy number yet", PendingSince: ago(9*time.Hour + 5*time.Minute),
			TopErrors:    []string{"birth_date must be a date in the past"},
			ErrorDetails: []ErrorDetail{{Member: "NW3-E7", Message: "birth_date must be a date in the past"}},
		},
	}
}

// sampleRejected are two rejected intakes: a group, and a file rejected
// whole under a hostile name.
func sampleRejected() []Row {
	return []Row{
		RejectedRow(store.RejectedIntake{PartnerID: "acme", FileID: "f-9", File: "acme-census-0309.csv", GroupExternalID: "G-1009",
			ErrorCount: 4, At: now.Add(-20 * time.Hour)}, "ACME Benefits"),
		RejectedRow(store.RejectedIntake{PartnerID: "northwind", FileID: "f-8", File: "<broken>.json", ErrorCount: 1, At: now.Add(-2 * time.Hour)}, "Northwind HR"),
	}
}

// sampleAll is sampleRows then sampleRejected, as Build returns them.
func sampleAll() []Row { return append(sampleRows(), sampleRejected()...) }

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden (run with -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update if intended):\n%s", path, got)
	}
}

func TestFormatAge(t *testing.T) {
	tests := []struct {
		ago  time.Duration
		want string
	}{
		{0, "0m"},
		{59 * time.Second, "0m"},
		{12 * time.Minute, "12m"},
		{4*time.Hour + 12*time.Minute, "4h 12m"},
		{24 * time.Hour, "1d 0h"},
		{3*24*time.Hour + 4*time.Hour + 59*time.Minute, "3d 4h"},
		{400 * 24 * time.Hour, "400d 0h"},
		{-time.Hour, "0m"}, // a clock a little ahead is not a negative age
	}
	for _, tt := range tests {
		if got := formatAge(now.Add(-tt.ago), now); got != tt.want {
			t.Errorf("formatAge(%v ago) = %q, want %q", tt.ago, got, tt.want)
		}
	}
	if got := formatAge(time.Time{}, now); got != "" {
		t.Errorf("formatAge(zero) = %q, want empty", got)
	}
}

func TestNeutralise(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Acme", "Acme"},
		{"=1+1", "'=1+1"},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"a=b", "a=b"},
		{" =1", " =1"},
		{"'=1", "'=1"},
	}
	for _, tt := range tests {
		if got := neutralise(tt.in); got != tt.want {
			t.Errorf("neutralise(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDescribe(t *testing.T) {
	at := time.Date(2025, 3, 1, 9, 30, 0, 0, time.FixedZone("EST", -5*3600))
	tests := []struct {
		name string
		at   time.Time
		want string
	}{
		{"f.csv", at, "f.csv (2025-03-01 14:30 UTC)"},
		{"f.csv", time.Time{}, "f.csv"},
		{"", at, "2025-03-01 14:30 UTC"},
		{"", time.Time{}, ""},
	}
	for _, tt := range tests {
		if got := describe(tt.name, tt.at); got != tt.want {
			t.Errorf("describe(%q, %v) = %q, want %q", tt.name, tt.at, got, tt.want)
		}
	}
}

func TestSortRows(t *testing.T) {
	rows := sampleRows()
	sorted := sortRows(rows)
	var got []string
	for _, r := range sorted {
		got = append(got, r.Partner+"/"+r.GroupExternalID)
	}
	want := []string{"acme/G-1001", "acme/G-1002", "acme/G-1003", "northwind/NW-3", "northwind/NW-7"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order = %v, want %v", got, want)
	}
	if rows[0].GroupExternalID != "NW-7" {
		t.Error("sortRows changed its input")
	}
}

func TestTopErrors(t *testing.T) {
	got := topErrors(sampleRows())
	want := []topError{
		{Message: "coverage must start on the first day of a month", Count: 2, Groups: 1,
			Where: []errorPlace{{Group: "G-1002", GroupID: "3b1e9a52-8c4d-4f6e-a7b8-c9d0e1f2a3b4", Partner: "acme", Members: "E2001, E2002"}}},
		{Message: "zip must be 5 digits or ZIP+4", Count: 2, Groups: 2,
			Where: []errorPlace{{Group: "G-1002", GroupID: "3b1e9a52-8c4d-4f6e-a7b8-c9d0e1f2a3b4", Partner: "acme"},
				{Group: "G-1003", GroupID: "5e4d3c2b-1a09-4f8e-b7d6-c5b4a3928170", Partner: "acme"}}},
		{Message: "birth_date must be a date in the past", Count: 1, Groups: 1,
			Where: []errorPlace{{Group: "NW-3", GroupID: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", Partner: "northwind", Members: "NW3-E7"}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("topErrors = %+v\nwant %+v", got, want)
	}

	// Only the ten most frequent are kept.
	var rows []Row
	for i := range 12 {
		r := Row{GroupExternalID: fmt.Sprint(i)}
		for range i + 1 {
			r.TopErrors = append(r.TopErrors, fmt.Sprintf("message %02d", i))
		}
		r.TopErrors = append(r.TopErrors, "  ", "")
		rows = append(rows, r)
	}
	top := topErrors(rows)
	if len(top) != maxTopErrors {
		t.Fatalf("got %d messages, want %d", len(top), maxTopErrors)
	}
	if top[0].Message != "message 11" || top[0].Count != 12 || top[9].Message != "message 02" {
		t.Errorf("wrong top ten: first %+v, last %+v", top[0], top[9])
	}
}

func TestPendingRowsOldestFirst(t *testing.T) {
	rows := append(sampleRows(), Row{Partner: "acme", GroupExternalID: "G-0000", PendingAction: "no time known"})
	var got []string
	for _, r := range pendingRows(sortRows(rows)) {
		got = append(got, r.GroupExternalID)
	}
	want := []string{"G-1002", "NW-7", "NW-3", "G-1003", "G-0000"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pending order = %v, want %v", got, want)
	}
}
