package report

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"
)

var wantHeader = []string{
	"partner", "group_external_id", "group_id", "employer", "carrier", "status", "status_since",
	"age_in_status", "subscribers_pending", "subscribers_submitted", "subscribers_synced",
	"subscribers_errors", "last_file_received", "last_transmission", "last_acknowledgement",
	"policy_number", "error_count", "pending_action",
}

func renderCSV(t *testing.T, rows []Row) (string, [][]string) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, rows, now); err != nil {
		t.Fatalf("WriteCSV: %v", err)
	}
	records, err := csv.NewReader(strings.NewReader(buf.String())).ReadAll()
	if err != nil {
		t.Fatalf("reading back the CSV: %v", err)
	}
	return buf.String(), records
}

func TestWriteCSV(t *testing.T) {
	text, records := renderCSV(t, sampleRows())
	golden(t, "status.golden.csv", text)

	if !reflect.DeepEqual(records[0], wantHeader) {
		t.Fatalf("header = %v\nwant     %v", records[0], wantHeader)
	}
	if len(records) != 1+len(sampleRows()) {
		t.Fatalf("got %d records, want a header and %d rows", len(records), len(sampleRows()))
	}
	col := map[string]int{}
	for i, h := range wantHeader {
		col[h] = i
	}
	byGroup := map[string][]string{}
	var order []string
	for _, rec := range records[1:] {
		if len(rec) != len(wantHeader) {
			t.Fatalf("record has %d cells, want %d: %v", len(rec), len(wantHeader), rec)
		}
		order = append(order, rec[col["partner"]]+"/"+rec[col["group_external_id"]])
		byGroup[rec[col["group_external_id"]]] = rec
	}
	if want := []string{"acme/G-1001", "acme/G-1002", "acme/G-1003", "northwind/NW-3", "northwind/NW-7"}; !reflect.DeepEqual(order, want) {
		t.Errorf("row order = %v, want %v", order, want)
	}

	tests := []struct {
		group, column, want string
	}{
		{"G-1002", "employer", scriptEmployer},
		{"G-1003", "employer", "'" + hyperlinkEmployer},
		{"NW-3", "employer", "'-Minus Sign Logistics"},
		{"NW-3", "last_file_received", "'@northwind.csv (2025-03-10 02:00 UTC)"},
		{"NW-3", "pending_action", "'+ feedback: no policy number yet"},
		{"G-1002", "status", "errors"},
		{"G-1002", "status_since", "2025-03-07T08:00:00Z"},
		{"G-1002", "age_in_status", "3d 4h"},
		{"NW-3", "age_in_status", "9h 5m"},
		{"G-1003", "age_in_status", "47m"},
		{"G-1002", "subscribers_synced", "5"},
		{"G-1002", "subscribers_errors", "2"},
		{"NW-7", "subscribers_submitted", "12"},
		{"NW-7", "subscribers_pending", "0"},
		{"G-1002", "error_count", "3"},
		{"G-1002", "last_acknowledgement", "999 rejected: 5 accepted · 2 rejected (2025-03-07 08:00 UTC)"},
		{"NW-7", "last_acknowledgement", ""},
		{"G-1001", "last_transmission", "BLUECROSS-834-000000042.x12 (2025-03-03 12:00 UTC)"},
		{"G-1001", "policy_number", "BCX-778812"},
		{"G-1001", "pending_action", ""},
		{"NW-7", "group_id", "0f6c5d2e-4b3a-4c1d-9e8f-7a6b5c4d3e2f"},
		{"NW-7", "partner", "northwind"},
		{"NW-7", "carrier", "bluecross"},
	}
	for _, tt := range tests {
		if got := byGroup[tt.group][col[tt.column]]; got != tt.want {
			t.Errorf("%s %s = %q, want %q", tt.group, tt.column, got, tt.want)
		}
	}
}

// TestWriteCSVNeutralisesEveryCell puts a formula in every text field and
// checks that no cell of the output starts with a formula character.
func TestWriteCSVNeutralisesEveryCell(t *testing.T) {
	r := Row{
		Partner: "=p", PartnerName: "=n", GroupExternalID: "+g", GroupID: "-i", Employer: "@e",
		Carrier: "\tc", Status: "\rs", LastFileReceived: "=f", LastTransmission: "=t", LastAck: "=a",
		PolicyNumber: "=1", PendingAction: "-a", ErrorCount: -1,
		SubscribersByStatus: map[string]int{"pending": -2},
	}
	_, records := renderCSV(t, []Row{r})
	for i, cell := range records[1] {
		if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
			t.Errorf("column %s = %q is not neutralised", wantHeader[i], cell)
		}
	}
}

func TestWriteCSVEmpty(t *testing.T) {
	text, records := renderCSV(t, nil)
	if len(records) != 1 || !reflect.DeepEqual(records[0], wantHeader) {
		t.Errorf("empty report = %q, want the header alone", text)
	}
}

func FuzzWriteCSVCell(f *testing.F) {
	for _, s := range []string{hyperlinkEmployer, scriptEmployer, "a,b\n\"c\"", "\r=1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, employer string) {
		var buf bytes.Buffer
		if err := WriteCSV(&buf, []Row{{Partner: "p", Employer: employer}}, now); err != nil {
			t.Fatalf("WriteCSV: %v", err)
		}
		records, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatalf("reading back: %v", err)
		}
		if len(records) != 2 {
			t.Fatalf("got %d records, want 2", len(records))
		}
		got := records[1][3]
		if got != "" && strings.ContainsRune("=+-@\t\r", rune(got[0])) {
			t.Fatalf("cell %q not neutralised", got)
		}
		// The CSV reader folds \r\n inside quotes to \n; compare likewise.
		want := strings.ReplaceAll(neutralise(employer), "\r\n", "\n")
		if got != want {
			t.Fatalf("cell = %q, want %q", got, want)
		}
	})
}
