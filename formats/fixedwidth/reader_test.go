package fixedwidth

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
)

// readAll reads every record, keeping the errors apart.
func readAll(t testing.TB, l *Layout, data string) ([]Record, []error) {
	t.Helper()
	r := NewReader(strings.NewReader(data), l)
	var recs []Record
	var errs []error
	for i := 0; ; i++ {
		if i > 10000 {
			t.Fatal("reader does not end")
		}
		rec, err := r.Read()
		if err == io.EOF {
			return recs, errs
		}
		if err != nil {
			errs = append(errs, err)
		}
		if rec.Fields != nil {
			recs = append(recs, rec)
		}
	}
}

func types(recs []Record) string {
	var b strings.Builder
	for _, r := range recs {
		b.WriteString(string(r.Type)[:1])
	}
	return b.String()
}

func TestReaderRoundTrip(t *testing.T) {
	tests := []struct {
		layout string
		types  string
		line2  int // the line of the second record
		// checks are (record index, field, want) of values read back.
		checks []struct {
			i           int
			field, want string
		}
	}{
		{exampleFixed, "fgmmmmmmgmmt", 2, []struct {
			i           int
			field, want string
		}{
			{0, "control_number", "42"},
			{0, "created_time", "093005"},
			{1, "employer_name", "ACME WIDGETS, INC."},
			{1, "member_count", "6"},
			{2, "maintenance_code", "A"},
			{2, "ssn", "123456789"},
			{2, "birth_date", "19850314"},
			{3, "relationship_code", "01"},
			{6, "last_name", "GARCIA-LOPEZ DE LA FUENTE"},
			{7, "coverage_end", "20250331"},
			{10, "first_name", "ZOË"},
			{11, "record_count", "12"},
			{11, "member_count", "8"},
			{11, "filler", ""},
		}},
		{exampleCSV, "mmmmmmmm", 3, []struct {
			i           int
			field, want string
		}{
			{0, "employer_name", "Acme Widgets, Inc."},
			{0, "annual_salary", "52000.50"},
			{4, "action", "TERM"},
			{4, "coverage_end", "03/31/2025"},
			{7, "first_name", "Zoë"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.layout, func(t *testing.T) {
			l := loadLayout(t, tt.layout)
			recs, errs := readAll(t, l, string(writeAll(t, l, testChanges())))
			if len(errs) > 0 {
				t.Fatalf("read errors: %v", errs)
			}
			if got := types(recs); got != tt.types {
				t.Fatalf("record types = %s, want %s", got, tt.types)
			}
			for _, c := range tt.checks {
				if got := recs[c.i].Fields[c.field]; got != c.want {
					t.Errorf("record %d %s = %q, want %q", c.i, c.field, got, c.want)
				}
			}
			if recs[1].Line != tt.line2 {
				t.Errorf("record 2 line = %d, want %d", recs[1].Line, tt.line2)
			}
		})
	}
}

const readFixed = `kind: fixed-width
records:
  file_header:
    - {name: type, width: 1, const: H}
    - {name: id, width: 4, source: file.sender_id}
  group_header:
    - {name: type, width: 1, const: G}
    - {name: id, width: 4, source: group.external_identifier}
  member:
    - {name: type, width: 1, const: D}
    - {name: amount, width: 4, source: group.member_count, align: right, pad: "0"}
  trailer:
    - {name: type, width: 1, const: T}
    - {name: records, width: 2, source: file.record_count, align: right, pad: "0"}
    - {name: groups, width: 2, source: file.group_count, align: right, pad: "0"}
`

func TestReaderErrors(t *testing.T) {
	l := compile(t, readFixed)
	tests := []struct {
		name  string
		data  string
		types string
		errs  []string
		is    error
	}{
		{"clean, CRLF, BOM, trailing blank line", "\ufeffHSNDR\r\nGG1  \r\nD0000\r\nT0401\r\n\r\n", "fgmt", nil, nil},
		{"no line end at the end", "HSNDR\nD0012\nT0300", "fmt", nil, nil},
		{"unknown record", "HSNDR\nX0000\nD0001\nT0300\n", "fmt",
			[]string{"line 2: the line matches no record of the layout: its record type codes fit no record"}, ErrUnknownRecord},
		{"wrong width", "HSNDR\nD001\nT0200\n", "ft",
			[]string{"line 2: the line has the wrong width for the member record: it is 4 bytes, the record 5"}, ErrWidth},
		{"over-long line", "HSNDR\nD" + strings.Repeat("9", 100000) + "\nT0200\n", "ft",
			[]string{"line 2: the line has the wrong width for the member record: it is 100001 bytes, the record 5"}, ErrWidth},
		{"count mismatch", "HSNDR\nD0001\nT0901\n", "fmt",
			[]string{`line 3: field "records" "9" does not match the records read: 3 were read` + "\n" +
				`field "groups" "1" does not match the records read: 0 were read`}, ErrCountMismatch},
		{"no file header", "D0001\nT0200\n", "mt",
			[]string{"line 1: the file header record is required at the start of the file"}, ErrRequired},
		{"no trailer", "HSNDR\nD0001\n", "fm",
			[]string{"line 2: the trailer record is required at the end of the file"}, ErrRequired},
		{"only a header", "HSNDR\n", "f",
			[]string{"line 1: the trailer record is required at the end of the file"}, ErrRequired},
		{"empty", "", "", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, errs := readAll(t, l, tt.data)
			if got := types(recs); got != tt.types {
				t.Errorf("record types = %q, want %q", got, tt.types)
			}
			var got []string
			for _, err := range errs {
				got = append(got, err.Error())
				var re *ReadError
				if !errors.As(err, &re) {
					t.Errorf("%v is not a *ReadError", err)
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.errs, "|") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.errs, "\n"))
			}
			if tt.is != nil && !errors.Is(errs[0], tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", errs[0], tt.is)
			}
		})
	}
}

func TestReaderUnpads(t *testing.T) {
	l := compile(t, readFixed)
	recs, errs := readAll(t, l, "HAB  \nGX   \nD0000\nD0120\nT0501\n")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for i, want := range map[int]string{2: "0", 3: "120"} {
		if got := recs[i].Fields["amount"]; got != want {
			t.Errorf("record %d amount = %q, want %q", i, got, want)
		}
	}
	if got := recs[0].Fields["id"]; got != "AB" {
		t.Errorf("id = %q", got)
	}
}

const csvLayout = `kind: csv
line_ending: crlf
records:
  member:
    - {name: id, header: Member ID, source: member.external_identifier}
    - {name: last, header: Last Name, source: member.last_name}
  trailer:
    - {name: type, const: TRAILER}
    - {name: count, source: file.member_count}
`

func TestReaderCSV(t *testing.T) {
	l := compile(t, csvLayout)
	tests := []struct {
		name  string
		data  string
		types string
		want  string // last of the first member
		errs  []string
	}{
		{"as written", "Member ID,Last Name\r\nE1,Doe\r\nTRAILER,1\r\n", "mt", "Doe", nil},
		{"columns reordered, header case and spaces", "\ufeff last name ,MEMBER ID,Extra\nDoe,E1,x\nTRAILER,1\n", "mt", "Doe", nil},
		{"formula-looking cells are data", "Member ID,Last Name\nE1,=SUM(A1)\nTRAILER,1\n", "mt", "=SUM(A1)", nil},
		{"quoted line break", "Member ID,Last Name\nE1,\"Doe\nJr\"\nTRAILER,1\n", "mt", "Doe\nJr", nil},
		{"missing column", "Member ID,Surname\nE1,Doe\nTRAILER,1\n", "mt", "Doe",
			[]string{`line 1: column "Last Name" is missing from the header row`}},
		{"wrong column count", "Member ID,Last Name\nE1\nTRAILER,1\n", "t", "",
			[]string{"line 2: the row has the wrong width for the member record: it has 1 columns, the record 2",
				`line 3: field "count" "1" does not match the records read: 0 were read`}},
		{"bad quote", "Member ID,Last Name\nE1,\"Doe\nTRAILER,1\n", "", "",
			[]string{`line 2: parsing CSV: extraneous or missing " in quoted-field`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, errs := readAll(t, l, tt.data)
			if got := types(recs); got != tt.types {
				t.Errorf("record types = %q, want %q", got, tt.types)
			}
			if tt.want != "" && (len(recs) == 0 || recs[0].Fields["last"] != tt.want) {
				t.Errorf("records = %v, want last %q", recs, tt.want)
			}
			var got []string
			for _, err := range errs {
				got = append(got, err.Error())
			}
			if strings.Join(got, "|") != strings.Join(tt.errs, "|") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.errs, "\n"))
			}
		})
	}
}

// A CSV cell that starts like a spreadsheet formula is written as it is.
func TestWriteCSVFormulaUnaltered(t *testing.T) {
	l := compile(t, csvLayout)
	got := string(writeAll(t, l, []model.GroupChanges{oneMember("E1", "=HYPERLINK(\"x\")"), oneMember("E2", "+1"), oneMember("E3", "-@x")}))
	want := "Member ID,Last Name\r\nE1,\"=HYPERLINK(\"\"x\"\")\"\r\nE2,+1\r\nE3,-@x\r\nTRAILER,3\r\n"
	if got != want {
		t.Errorf("delivery = %q, want %q", got, want)
	}
}
