package acks

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/gocarina/gocsv"
)

// Columns of a carrier result file (DESIGN.md §7), as onboard names them.
// A carrier may use other headers: Carrier.ResultColumns maps these names
// to the carrier's.
const (
	ColTransmission = "transmission"
	ColGroup        = "group_external_identifier"
	ColSubscriber   = "subscriber_external_identifier"
	ColResult       = "result"
	ColErrorCode    = "error_code"
	ColMessage      = "message"
	ColPolicyNumber = "policy_number"
)

// Columns lists the result file columns in the order WriteResults writes
// them.
var Columns = []string{ColTransmission, ColGroup, ColSubscriber, ColResult, ColErrorCode, ColMessage, ColPolicyNumber}

// requiredColumns must be in every result file's header; the others may be
// left out (a file without a transmission column is matched by its name).
var requiredColumns = []string{ColGroup, ColSubscriber, ColResult}

// Values of the result column.
const (
	ResultAccepted = "accepted"
	ResultRejected = "rejected"
)

// ResultRow is one row of a carrier result file: the carrier's answer for
// one subscriber (with its dependents) of a group, or for the group itself
// when SubscriberExternalIdentifier is empty.
type ResultRow struct {
	// Transmission names the transmission answered: its file name (as
	// onboard delivered it) or its ISA13. Empty: the result file's own
	// name says it.
	Transmission                 string `csv:"transmission"`
	GroupExternalIdentifier      string `csv:"group_external_identifier"`
	SubscriberExternalIdentifier string `csv:"subscriber_external_identifier"`
	// Result is ResultAccepted or ResultRejected (any case is read).
	Result    string `csv:"result"`
	ErrorCode string `csv:"error_code"`
	Message   string `csv:"message"`
	// PolicyNumber is the group's policy number as the carrier assigned it.
	PolicyNumber string `csv:"policy_number"`
	// Line is the row's line in the file (1 is the header); not a column.
	Line int `csv:"-"`
}

// ResultFileError lists every problem of a result file that could not be
// read, by line.
type ResultFileError struct {
	Problems []string
}

// Error implements error.
func (e *ResultFileError) Error() string {
	return "reading result file: " + strings.Join(e.Problems, "; ")
}

// Unwrap returns ErrUnreadable.
func (e *ResultFileError) Unwrap() error { return ErrUnreadable }

// ReadResults reads a carrier result file: CSV with a header row, a UTF-8
// byte-order mark, CRLF line ends and blank lines allowed. Headers are
// matched without regard to case or surrounding spaces; columns maps
// onboard's column names to the carrier's headers (Carrier.ResultColumns),
// and a column the map does not rename keeps onboard's name. Unknown
// columns are ignored. Values are trimmed and Result is lower-cased. Every
// problem of the file is reported at once in a *ResultFileError.
func ReadResults(r io.Reader, columns map[string]string) ([]ResultRow, error) {
	cr := csv.NewReader(skipBOM(r))
	cr.TrimLeadingSpace = true // `a, "b, c"` as spreadsheets write it
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &ResultFileError{Problems: []string{"the file is empty"}}
	}
	if err != nil {
		return nil, &ResultFileError{Problems: []string{csvProblem(err)}}
	}
	canon, err := canonicalHeader(header, columns)
	if err != nil {
		return nil, err
	}
	records := [][]string{canon}
	lines := []int{0}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &ResultFileError{Problems: []string{csvProblem(err)}}
		}
		line, _ := cr.FieldPos(0)
		records = append(records, rec)
		lines = append(lines, line)
	}
	var rows []ResultRow
	if len(records) > 1 {
		if err := gocsv.UnmarshalCSV(&recordReader{records: records}, &rows); err != nil {
			return nil, &ResultFileError{Problems: []string{csvProblem(err)}}
		}
	}
	var problems []string
	for i := range rows {
		row := &rows[i]
		row.Line = lines[i+1]
		for _, f := range []*string{&row.Transmission, &row.GroupExternalIdentifier, &row.SubscriberExternalIdentifier,
			&row.Result, &row.ErrorCode, &row.Message, &row.PolicyNumber} {
			*f = strings.TrimSpace(*f)
		}
		row.Result = strings.ToLower(row.Result)
		if row.GroupExternalIdentifier == "" {
			problems = append(problems, fmt.Sprintf("line %d: the %s column is blank", row.Line, colHeader(columns, ColGroup)))
		}
		if row.Result != ResultAccepted && row.Result != ResultRejected {
			problems = append(problems, fmt.Sprintf("line %d: %s %q is neither %s nor %s", row.Line, colHeader(columns, ColResult),
				row.Result, ResultAccepted, ResultRejected))
		}
	}
	if len(rows) == 0 {
		problems = append(problems, "the file has a header but no rows")
	}
	if len(problems) > 0 {
		return nil, &ResultFileError{Problems: problems}
	}
	return rows, nil
}

// canonicalHeader renames the carrier's headers to onboard's column names
// and checks that the required columns are there, once each.
func canonicalHeader(header []string, columns map[string]string) ([]string, error) {
	byHeader := map[string]string{} // carrier header, folded → column
	for _, col := range Columns {
		byHeader[fold(colHeader(columns, col))] = col
	}
	out := make([]string, len(header))
	seen := map[string]bool{}
	var problems []string
	for i, h := range header {
		col, ok := byHeader[fold(h)]
		if !ok {
			out[i] = "" // an unknown column: ignored
			continue
		}
		if seen[col] {
			problems = append(problems, fmt.Sprintf("line 1: the %s column appears twice", colHeader(columns, col)))
		}
		seen[col] = true
		out[i] = col
	}
	for _, col := range requiredColumns {
		if !seen[col] {
			problems = append(problems, fmt.Sprintf("line 1: the header has no %s column", colHeader(columns, col)))
		}
	}
	if len(problems) > 0 {
		return nil, &ResultFileError{Problems: problems}
	}
	return out, nil
}

// colHeader is the carrier's header of a column.
func colHeader(columns map[string]string, col string) string {
	if h := strings.TrimSpace(columns[col]); h != "" {
		return h
	}
	return col
}

func fold(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// csvProblem turns a CSV error into a message that names the line.
func csvProblem(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("line %d: %v", pe.StartLine, pe.Err)
	}
	return err.Error()
}

// recordReader hands gocsv records already read (header renamed).
type recordReader struct {
	records [][]string
	next    int
}

func (r *recordReader) Read() ([]string, error) {
	if r.next >= len(r.records) {
		return nil, io.EOF
	}
	r.next++
	return r.records[r.next-1], nil
}

func (r *recordReader) ReadAll() ([][]string, error) {
	rest := r.records[r.next:]
	r.next = len(r.records)
	return rest, nil
}

// skipBOM returns r without a leading UTF-8 byte-order mark.
func skipBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	return br
}

// WriteResults writes rows as a result file with onboard's column names
// (the carrier simulator's answer; the format a carrier is asked to send).
func WriteResults(w io.Writer, rows []ResultRow) error {
	cw := gocsv.NewSafeCSVWriter(csv.NewWriter(w))
	if len(rows) == 0 {
		if err := cw.Write(slices.Clone(Columns)); err != nil {
			return fmt.Errorf("writing result file: %w", err)
		}
		cw.Flush()
		return cw.Error()
	}
	if err := gocsv.MarshalCSV(rows, cw); err != nil {
		return fmt.Errorf("writing result file: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing result file: %w", err)
	}
	return nil
}
