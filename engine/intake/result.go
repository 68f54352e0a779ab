package intake

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/gocarina/gocsv"

	"github.com/onboard/onboard/engine/model"
)

// Group outcomes in a result file.
const (
	GroupCreated   = "created"
	GroupUpdated   = "updated"
	GroupUnchanged = "unchanged"
	GroupRejected  = "rejected"
	// GroupValid is the outcome `onboard check` gives a group that would be accepted.
	GroupValid = "valid"
)

// Result is the document written to results/NAME.result.json.
type Result struct {
	File        string        `json:"file"`
	FileID      string        `json:"file_id,omitempty"`
	PartnerID   string        `json:"partner_id"`
	SHA256      string        `json:"sha256,omitempty"`
	ReceivedAt  *time.Time    `json:"received_at,omitempty"`
	ProcessedAt *time.Time    `json:"processed_at,omitempty"`
	Outcome     string        `json:"outcome"`
	DuplicateOf *DuplicateOf  `json:"duplicate_of,omitempty"`
	Counts      Counts        `json:"counts"`
	Errors      []model.Error `json:"errors"`
	Groups      []GroupResult `json:"groups"`
	// Notes tell the partner what happened to the file besides its
	// content: it changed while it was processed, it was held.
	Notes []string `json:"notes,omitempty"`
}

// DuplicateOf names the earlier file whose content a duplicate repeats.
type DuplicateOf struct {
	FileID      string     `json:"file_id"`
	File        string     `json:"file"`
	ProcessedAt *time.Time `json:"processed_at,omitempty"`
}

// Counts totals a file's groups by outcome.
type Counts struct {
	Groups    int `json:"groups"`
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Rejected  int `json:"rejected"`
	Errors    int `json:"errors"`
}

// GroupResult is one group's outcome.
type GroupResult struct {
	ExternalIdentifier string             `json:"external_identifier"`
	Outcome            string             `json:"outcome"`
	ID                 string             `json:"id,omitempty"`
	Status             model.Status       `json:"status,omitempty"`
	Line               int                `json:"line,omitempty"`
	Locations          []IDPair           `json:"locations,omitempty"`
	Subscribers        []SubscriberResult `json:"subscribers,omitempty"`
	Counts             MemberCounts       `json:"counts"`
	// Events are the qualifying life events the file sent for the group,
	// pending until a transmission to the carrier carries them.
	Events []model.EventSummary `json:"events,omitempty"`
	Errors []model.Error `json:"errors,omitempty"`
}

// IDPair pairs a partner's identifier with onboard's id.
type IDPair struct {
	ExternalIdentifier string `json:"external_identifier"`
	ID                 string `json:"id"`
}

// SubscriberResult is a subscriber's ids and status.
type SubscriberResult struct {
	ExternalIdentifier string       `json:"external_identifier"`
	ID                 string       `json:"id"`
	Status             model.Status `json:"status,omitempty"`
	Dependents         []IDPair     `json:"dependents,omitempty"`
}

// MemberCounts counts a group's members and what the file changed.
type MemberCounts struct {
	Subscribers int `json:"subscribers"`
	Dependents  int `json:"dependents"`
	Added       int `json:"added"`
	Changed     int `json:"changed"`
	Terminated  int `json:"terminated"`
}

// resultWriter streams group results to w, so a file of many groups is
// never held whole: the header fields come first, then groups one by
// one, then totals and the file-level errors.
type resultWriter struct {
	w     io.Writer
	n     int
	err   error
	enc   *json.Encoder
	csv   *errorsCSV
	count Counts
	notes []string // written with the totals (Result.Notes)
}

func newResultWriter(w io.Writer, csvw io.Writer) *resultWriter {
	rw := &resultWriter{w: w, csv: newErrorsCSV(csvw)}
	rw.enc = json.NewEncoder(w)
	rw.enc.SetEscapeHTML(false)
	return rw
}

func (rw *resultWriter) write(s string) {
	if rw.err == nil {
		_, rw.err = io.WriteString(rw.w, s)
	}
}

// begin writes the opening of the document.
func (rw *resultWriter) begin(r *Result) {
	head, err := json.Marshal(struct {
		File        string       `json:"file"`
		FileID      string       `json:"file_id,omitempty"`
		PartnerID   string       `json:"partner_id"`
		SHA256      string       `json:"sha256,omitempty"`
		ReceivedAt  *time.Time   `json:"received_at,omitempty"`
		DuplicateOf *DuplicateOf `json:"duplicate_of,omitempty"`
	}{r.File, r.FileID, r.PartnerID, r.SHA256, r.ReceivedAt, r.DuplicateOf})
	if err != nil {
		rw.err = err
		return
	}
	rw.write(string(head[:len(head)-1]) + `,"groups":[` + "\n")
}

// group appends one group's result.
func (rw *resultWriter) group(g *GroupResult) {
	if rw.n > 0 {
		rw.write(",")
	}
	rw.n++
	rw.count.Groups++
	switch g.Outcome {
	case GroupCreated:
		rw.count.Created++
	case GroupUpdated:
		rw.count.Updated++
	case GroupUnchanged:
		rw.count.Unchanged++
	case GroupRejected:
		rw.count.Rejected++
	}
	rw.count.Errors += len(g.Errors)
	if rw.err == nil {
		rw.err = rw.enc.Encode(g)
	}
	rw.csv.add(g.Errors)
}

// end closes the document with the outcome, totals and file errors.
func (rw *resultWriter) end(outcome string, processed time.Time, fileErrs []model.Error) error {
	rw.count.Errors += len(fileErrs)
	rw.csv.add(fileErrs)
	if fileErrs == nil {
		fileErrs = []model.Error{}
	}
	tail, err := json.Marshal(struct {
		Outcome     string        `json:"outcome"`
		ProcessedAt time.Time     `json:"processed_at"`
		Counts      Counts        `json:"counts"`
		Errors      []model.Error `json:"errors"`
		Notes       []string      `json:"notes,omitempty"`
	}{outcome, processed, rw.count, fileErrs, rw.notes})
	if err != nil {
		return err
	}
	rw.write("]," + string(tail[1:]) + "\n")
	if rw.err != nil {
		return fmt.Errorf("writing result: %w", rw.err)
	}
	return rw.csv.flush()
}

// outcome derives a file's outcome from its counts.
func (c Counts) outcome(fileErrs int) string {
	accepted := c.Created + c.Updated + c.Unchanged
	switch {
	case accepted == 0:
		return "rejected"
	case c.Rejected > 0 || fileErrs > 0:
		return "partially_accepted"
	}
	return "accepted"
}

// errorRow is one line of NAME.errors.csv.
type errorRow struct {
	Line      string `csv:"line"`
	Column    string `csv:"column"`
	Parameter string `csv:"parameter"`
	ErrorType string `csv:"error_type"`
	Message   string `csv:"message"`
	Value     string `csv:"value"`
}

// errorsCSV writes errors for people opening them in a spreadsheet.
type errorsCSV struct {
	w    *gocsv.SafeCSVWriter
	head bool
	n    int
	err  error
}

func newErrorsCSV(w io.Writer) *errorsCSV {
	if w == nil {
		return &errorsCSV{}
	}
	return &errorsCSV{w: gocsv.NewSafeCSVWriter(csv.NewWriter(w))}
}

func (e *errorsCSV) add(errs []model.Error) {
	if e.w == nil || len(errs) == 0 || e.err != nil {
		return
	}
	rows := make([]errorRow, 0, len(errs))
	for _, x := range errs {
		r := errorRow{ErrorType: string(x.ErrorType), Parameter: Inert(x.Parameter), Message: Inert(x.Message), Value: Inert(x.Value)}
		if x.Source != nil {
			if x.Source.Line > 0 {
				r.Line = strconv.Itoa(x.Source.Line)
			}
			r.Column = Inert(x.Source.Column)
		}
		rows = append(rows, r)
	}
	if !e.head {
		e.err = gocsv.MarshalCSV(rows, e.w)
		e.head = true
	} else {
		e.err = gocsv.MarshalCSVWithoutHeaders(rows, e.w)
	}
	e.n += len(rows)
}

func (e *errorsCSV) flush() error {
	if e.w == nil {
		return nil
	}
	e.w.Flush()
	if e.err != nil {
		return fmt.Errorf("writing errors csv: %w", e.err)
	}
	return e.w.Error()
}

// Inert neutralises a value a spreadsheet would run as a formula: cells
// starting with = + - @ tab or carriage return get a leading quote.
func Inert(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
