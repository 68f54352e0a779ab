package census

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
)

func header(t testing.TB) string {
	if t == nil {
		return standardHeader
	}
	return strings.SplitN(string(readFile(t, "census-small.csv")), "\n", 2)[0]
}

// TestFileLevelErrors: problems with the file as a whole are a model.Error
// of type file_invalid, naming the line where one can be named.
func TestFileLevelErrors(t *testing.T) {
	small := string(readFile(t, "census-small.csv"))
	lines := strings.SplitAfter(small, "\n")
	tests := []struct {
		name     string
		data     string
		line     int
		contains string
	}{
		{"empty", "", 0, "The file is empty"},
		{"only a BOM and blank lines", "\ufeff\n\n", 0, "The file is empty"},
		{"binary", "\x00\x01\xff\xfe\x00PK\x03\x04", 1, "holds a NUL byte"},
		{"zip archive", "PK\x03\x04\x14\x00\x00\x00\x08\x00", 1, "holds a NUL byte"},
		{"NUL on a later line", lines[0] + lines[1] + lines[2] + "x\x00y" + strings.Join(lines[3:], ""), 4, "line 4 holds a NUL byte"},
		{"invalid UTF-8", lines[0] + lines[1] + strings.Replace(lines[2], "Jorge", "J\xf6rge", 1), 3, "line 3 holds bytes that are not UTF-8"},
		{"truncated UTF-8 at the end", lines[0] + lines[1] + "\xc3", 3, "not UTF-8"},
		{"UTF-16", "\xff\xfeg\x00r\x00", 0, "UTF-16"},
		{"header only", lines[0], 0, "has a header but no rows"},
		{"header only with CRLF and a blank row", strings.TrimSuffix(lines[0], "\n") + "\r\n,,,\r\n\r\n", 0, "has a header but no rows"},
		{"missing columns", "group_id,member_id,notes\nG,E,x\n", 1, "lacks the columns employer_name, fein, established_date, employer_type, location_id,"},
		{"nonsense", "a,b,c\n1,2,3\n", 1, "lacks the columns group_id, employer_name,"},
		{"duplicate header", strings.TrimSuffix(lines[0], "\n") + ",First_Name\n" + lines[1], 1, "names the columns First_Name more than once"},
		{"unbalanced quote", lines[0] + lines[1] + strings.Replace(lines[2], "Jorge", "\"Jorge", 1) + strings.Join(lines[3:], ""), 3, "the quoted field that starts on line 3 is never closed"},
		{"bare quote", lines[0] + lines[1] + strings.Replace(lines[2], "Jorge", "Jo\"rge", 1), 3, "line 3 has a quote"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewReader(strings.NewReader(tt.data), standard(t), "bad.csv")
			var me model.Error
			if !errors.As(err, &me) {
				t.Fatalf("want a model.Error, got %T %v", err, err)
			}
			if me.ErrorType != model.ErrFileInvalid || me.Source == nil || me.Source.File != "bad.csv" || me.Source.Line != tt.line {
				t.Errorf("error %+v source %+v, want file_invalid at line %d", me, me.Source, tt.line)
			}
			if !strings.Contains(me.Message, tt.contains) {
				t.Errorf("message %q, want it to contain %q", me.Message, tt.contains)
			}
		})
	}
	if _, err := NewReader(strings.NewReader(small), nil, "x.csv"); err == nil {
		t.Errorf("a nil mapping is accepted")
	}
}

// TestMissingColumnsListed: every missing required column is named.
func TestMissingColumnsListed(t *testing.T) {
	h := strings.Split(header(t), ",")
	var kept []string
	for _, c := range h {
		if c != "gender" && c != "coverage_end" && c != "fips_county_code" {
			kept = append(kept, c)
		}
	}
	_, err := NewReader(strings.NewReader(strings.Join(kept, ",")+"\n"), standard(t), "x.csv")
	var me model.Error
	if !errors.As(err, &me) || !strings.Contains(me.Message, "lacks the columns gender, coverage_end that the census-standard layout needs") {
		t.Errorf("got %v", err)
	}
}

// rowErrors reads a census made of census-small.csv with edits and returns
// the errors of the group ext.
func rowErrors(t *testing.T, edit func(lines []string) []string, ext string) []model.Error {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(string(readFile(t, "census-small.csv"))), "\n")
	data := strings.Join(edit(lines), "\n") + "\n"
	for _, sg := range readAll(t, standard(t), []byte(data)) {
		if sg.Group.ExternalIdentifier == ext {
			return sg.Errors
		}
	}
	t.Fatalf("no group %s", ext)
	return nil
}

func TestRowErrors(t *testing.T) {
	replace := func(line int, old, new string) func([]string) []string {
		return func(l []string) []string {
			l[line-1] = strings.Replace(l[line-1], old, new, 1)
			return l
		}
	}
	tests := []struct {
		name      string
		edit      func([]string) []string
		group     string
		errType   model.ErrorType
		parameter string
		line      int
		column    string
		value     string
		contains  string
	}{
		{"bad date", replace(3, "1982-11-20", "1982-13-20"), "GCM-001", model.ErrParameterInvalid,
			"group.subscribers[E1001].dependents[E1001-S].birth_date", 3, "birth_date", "1982-13-20", "write it as YYYY-MM-DD or MM/DD/YYYY"},
		{"unknown gender", replace(2, ",F,2015", ",Q,2015"), "GCM-001", model.ErrParameterInvalid,
			"group.subscribers[E1001].gender", 2, "gender", "Q", "use one of F, M, X, U"},
		{"unknown level", replace(5, "BC-HMO-250,EE", "BC-HMO-250,XL"), "GCM-001", model.ErrParameterInvalid,
			"group.subscribers[E1002].enrollments[medical].coverage_level", 5, "medical_level", "XL", "use one of EE, ES, EC, FAM"},
		{"bad fein, masked", replace(8, "58-7654321", "58-765432"), "PDP-014", model.ErrParameterInvalid,
			"group.employer.fein", 8, "fein", "**-***5432", "##-#######"},
		{"bad salary", replace(5, ",47500,", ",47k,"), "GCM-001", model.ErrParameterInvalid,
			"group.subscribers[E1002].employment_details.annual_earnings", 5, "annual_salary", "47k", "not an amount in dollars"},
		{"bad coverage date on a subscriber", replace(5, ",2027-01-01,", ",2027-02-30,"), "GCM-001", model.ErrParameterInvalid,
			"group.subscribers[E1002].enrollments", 5, "coverage_start", "2027-02-30", "not a valid date"},
		{"dependent of no employee", replace(3, ",E1001,spouse", ",E9999,spouse"), "GCM-001", model.ErrReferenceUnknown,
			"group.subscribers[E9999].dependents[E1001-S]", 3, "subscriber_id", "E9999", "names no employee of group GCM-001"},
		{"dependent of an employee of another group", replace(9, ",P-77,child", ",E1001,child"), "PDP-014", model.ErrReferenceUnknown,
			"group.subscribers[E1001].dependents[P-77-C1]", 9, "subscriber_id", "E1001", "names no employee of group PDP-014"},
		{"dependent without subscriber", replace(3, ",E1001,spouse", ",,spouse"), "GCM-001", model.ErrParameterRequired,
			"group.subscribers[].dependents[E1001-S]", 3, "subscriber_id", "", "is blank on the row of dependent E1001-S"},
		{"conflicting employer name", replace(4, "Gulf Coast Marine Supply LLC", "Gulf Coast Marine"), "GCM-001", model.ErrParameterInvalid,
			"group.employer.organization_name", 4, "employer_name", "Gulf Coast Marine", `differs from "Gulf Coast Marine Supply LLC" on line 2`},
		{"conflicting fein, masked", replace(10, "58-7654321", "58-7654322"), "PDP-014", model.ErrParameterInvalid,
			"group.employer.fein", 10, "fein", "**-***4322", `differs from "**-***4321" on line 8`},
		{"conflicting location", replace(5, "30 W Live Oak Ave", "31 W Live Oak Ave"), "GCM-001", model.ErrParameterInvalid,
			"group.primary_location.employer_address.address_line_1", 5, "address_line_1", "31 W Live Oak Ave", "differs from"},
		{"duplicate member", replace(4, ",E1001-C1,", ",E1001-S,"), "GCM-001", model.ErrParameterDuplicate,
			"group.subscribers[E1001].dependents[E1001-S]", 4, "member_id", "E1001-S", "appears twice in group GCM-001 (first on line 3)"},
		{"employee naming another subscriber", replace(5, ",E1002,,employee", ",E1002,E1001,employee"), "GCM-001", model.ErrParameterInvalid,
			"group.subscribers[E1002]", 5, "subscriber_id", "E1001", "is not this employee's own member id E1002"},
		{"level without plan", replace(5, "BC-HMO-250,EE", ",EE"), "GCM-001", model.ErrParameterRequired,
			"group.subscribers[E1002].enrollments[medical].plan_id", 5, "medical_plan", "", "medical_plan is blank but medical_level is set"},
		{"blank member id", replace(5, ",E1002,", ",,"), "GCM-001", model.ErrParameterRequired,
			"", 5, "member_id", "", "Column member_id is blank; it is required."},
		{"ragged row", func(l []string) []string { l[4] += ",extra"; return l }, "GCM-001", model.ErrParameterInvalid,
			"", 5, "", "", "Line 5 has 40 fields but the header has 39"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := rowErrors(t, tt.edit, tt.group)
			if len(errs) != 1 {
				t.Fatalf("want one error, got %d: %v", len(errs), errs)
			}
			e := errs[0]
			if e.ErrorType != tt.errType || e.Parameter != tt.parameter || e.Value != tt.value {
				t.Errorf("got %s %q value %q\nwant %s %q value %q", e.ErrorType, e.Parameter, e.Value, tt.errType, tt.parameter, tt.value)
			}
			if e.Source == nil || *e.Source != (model.Source{File: "test.csv", Line: tt.line, Column: tt.column}) {
				t.Errorf("source %+v, want line %d column %q", e.Source, tt.line, tt.column)
			}
			if !strings.Contains(e.Message, tt.contains) {
				t.Errorf("message %q, want %q", e.Message, tt.contains)
			}
		})
	}
}

// TestSSNNeverEchoed: an SSN error names the column, never the number.
func TestSSNNeverEchoed(t *testing.T) {
	errs := rowErrors(t, func(l []string) []string {
		l[1] = strings.Replace(l[1], "412-55-1201", "412-55-120", 1)
		return l
	}, "GCM-001")
	if len(errs) != 1 || errs[0].Value != "" || strings.Contains(errs[0].Message, "55-120") || errs[0].Parameter != "group.subscribers[E1001].social_security_number" {
		t.Errorf("ssn error %+v", errs)
	}
}

// TestRowsAfterErrorsStillRead: a group with a bad row still yields every
// other row, and the next group is unaffected.
func TestRowsAfterErrorsStillRead(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(string(readFile(t, "census-small.csv"))), "\n")
	lines[2] = strings.Replace(lines[2], "1982-11-20", "11/20/1982x", 1)
	groups := readAll(t, standard(t), []byte(strings.Join(lines, "\n")))
	if len(groups) != 2 || len(groups[0].Group.Subscribers) != 3 || len(groups[1].Errors) != 0 {
		t.Fatalf("groups %d", len(groups))
	}
	if got := groups[0].Group.Subscribers[0].Dependents[0].BirthDate; got != "11/20/1982x" {
		t.Errorf("an unmappable value is kept as sent for the result file, got %q", got)
	}
}

func TestNextAfterEOF(t *testing.T) {
	r, err := NewReader(bytes.NewReader(readFile(t, "census-small.csv")), standard(t), "x.csv")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 2; i++ {
		if _, err := r.Next(); !errors.Is(err, io.EOF) {
			t.Errorf("Next after the last group: %v", err)
		}
	}
}

// standardHeader is census-small.csv's header: the census-standard layout.
const standardHeader = "group_id,employer_name,fein,established_date,employer_type,location_id,location_type,address_line_1,address_line_2,city,state,zip,fips_county_code,member_id,subscriber_id,relationship,first_name,middle_name,last_name,ssn,birth_date,gender,hire_date,employment_status,annual_salary,home_address_line_1,home_city,home_state,home_zip,medical_plan,medical_level,dental_plan,dental_level,vision_plan,vision_level,life_plan,add_plan,coverage_start,coverage_end"
