package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"time"

	"github.com/gocarina/gocsv"
)

// csvRow is one line of status.csv; the tags are the header. Every field is
// a string so that every cell passes through neutralise.
type csvRow struct {
	Partner              string `csv:"partner"`
	GroupExternalID      string `csv:"group_external_id"`
	GroupID              string `csv:"group_id"`
	Employer             string `csv:"employer"`
	Carrier              string `csv:"carrier"`
	Status               string `csv:"status"`
	StatusSince          string `csv:"status_since"`
	AgeInStatus          string `csv:"age_in_status"`
	SubscribersPending   string `csv:"subscribers_pending"`
	SubscribersSubmitted string `csv:"subscribers_submitted"`
	SubscribersSynced    string `csv:"subscribers_synced"`
	SubscribersErrors    string `csv:"subscribers_errors"`
	LastFileReceived     string `csv:"last_file_received"`
	LastTransmission     string `csv:"last_transmission"`
	LastAcknowledgement  string `csv:"last_acknowledgement"`
	PolicyNumber         string `csv:"policy_number"`
	ErrorCount           string `csv:"error_count"`
	PendingAction        string `csv:"pending_action"`
}

// WriteCSV writes the status report as CSV with a header line, one line per
// group sorted by partner then group external id. status_since is RFC 3339
// in UTC and age_in_status is measured to now ("3d 4h"). Every cell that a
// spreadsheet could take for a formula (starting with =, +, -, @, a tab or
// a carriage return) is prefixed with a single quote.
func WriteCSV(w io.Writer, rows []Row, now time.Time) error {
	sorted := sortRows(rows)
	out := make([]csvRow, len(sorted))
	for i, r := range sorted {
		since := ""
		if !r.StatusSince.IsZero() {
			since = r.StatusSince.UTC().Format(time.RFC3339)
		}
		c := csvRow{
			Partner:              r.Partner,
			GroupExternalID:      r.GroupExternalID,
			GroupID:              r.GroupID,
			Employer:             r.Employer,
			Carrier:              r.Carrier,
			Status:               r.Status,
			StatusSince:          since,
			AgeInStatus:          formatAge(r.StatusSince, now),
			SubscribersPending:   strconv.Itoa(r.SubscribersByStatus["pending"]),
			SubscribersSubmitted: strconv.Itoa(r.SubscribersByStatus["submitted"]),
			SubscribersSynced:    strconv.Itoa(r.SubscribersByStatus["synced"]),
			SubscribersErrors:    strconv.Itoa(r.SubscribersByStatus["errors"]),
			LastFileReceived:     describe(r.LastFileReceived, r.LastFileAt),
			LastTransmission:     describe(r.LastTransmission, r.LastTransmissionAt),
			LastAcknowledgement:  describe(joinNonEmpty(r.LastAck, r.AckCounts, ": "), r.LastAckAt),
			PolicyNumber:         r.PolicyNumber,
			ErrorCount:           strconv.Itoa(r.ErrorCount),
			PendingAction:        r.PendingAction,
		}
		neutraliseAll(&c)
		out[i] = c
	}
	// A writer of our own per call: gocsv's package-level writer setting
	// is shared by every caller in the process.
	if err := gocsv.MarshalCSV(out, gocsv.NewSafeCSVWriter(csv.NewWriter(w))); err != nil {
		return fmt.Errorf("writing status csv: %w", err)
	}
	return nil
}

// neutraliseAll neutralises every cell of c: every field, so a column
// added later cannot be forgotten.
func neutraliseAll(c *csvRow) {
	v := reflect.ValueOf(c).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		f.SetString(neutralise(f.String()))
	}
}

// neutralise defuses a cell a spreadsheet would evaluate as a formula
// (OWASP "CSV injection") by prefixing a single quote, which spreadsheets
// show as text and hide.
func neutralise(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// joinNonEmpty joins a and b with sep, or returns the one that is set.
func joinNonEmpty(a, b, sep string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + sep + b
}
