package groupjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
)

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readAll returns the groups of data and the error that ended reading
// (nil at a clean EOF).
func readAll(t *testing.T, data string) ([]*model.SourcedGroup, error) {
	t.Helper()
	r := NewReader(strings.NewReader(data), "in.json")
	var out []*model.SourcedGroup
	for {
		sg, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			if _, again := r.Next(); again == nil {
				t.Errorf("an error is not sticky")
			}
			return out, err
		}
		out = append(out, sg)
	}
}

func TestIdeonRequestAsIs(t *testing.T) {
	groups, err := readAll(t, string(readFile(t, "group-ideon.json")))
	if err != nil || len(groups) != 1 {
		t.Fatalf("%d groups, %v", len(groups), err)
	}
	sg := groups[0]
	g := sg.Group
	if len(sg.Errors) != 0 || sg.Line != 1 || sg.File != "in.json" {
		t.Fatalf("errors %v line %d", sg.Errors, sg.Line)
	}
	if g.ExternalIdentifier != "Group1" || g.Employer.FEIN != "222222222" || g.Employer.EstablishedDate != "1999-08-13" ||
		g.PrimaryLocation == nil || g.PrimaryLocation.ExternalIdentifier != "Location1" || g.PrimaryLocation.EmployerAddress.FIPSCountyCode != "12131" {
		t.Errorf("group %+v", g)
	}
	if src := sg.SourceOf("group.primary_location.employer_address.zip"); src == nil || src.Line != 1 || src.File != "in.json" {
		t.Errorf("every path resolves to the group's line, got %+v", src)
	}
}

// TestRoundTrip: decoding then encoding the model loses nothing.
func TestRoundTrip(t *testing.T) {
	for _, name := range []string{"group-ideon.json", "group-full.json"} {
		t.Run(name, func(t *testing.T) {
			in := readFile(t, name)
			groups, err := readAll(t, string(in))
			if err != nil || len(groups) != 1 || len(groups[0].Errors) != 0 {
				t.Fatalf("reading: %v %v", err, groups)
			}
			out, err := json.Marshal(struct {
				Group *model.Group `json:"group"`
			}{groups[0].Group})
			if err != nil {
				t.Fatal(err)
			}
			var a, b any
			json.Unmarshal(in, &a)
			json.Unmarshal(out, &b)
			if !reflect.DeepEqual(a, b) {
				t.Errorf("round trip differs:\n in %s\nout %s", in, out)
			}
		})
	}
}

func TestArrayAndJSONLines(t *testing.T) {
	one := func(id string) string {
		return `{"group": {"external_identifier": "` + id + `", "employer": {"organization_name": "X", "fein": "222222222"}}}`
	}
	tests := []struct {
		name  string
		data  string
		lines []int
	}{
		{"array", "[\n  " + one("A") + ",\n  " + one("B") + "\n,\n\n" + one("C") + "\n]\n", []int{2, 3, 6}},
		{"array on one line", "[" + one("A") + "," + one("B") + "," + one("C") + "]", []int{1, 1, 1}},
		{"JSON Lines", one("A") + "\n" + one("B") + "\n\n" + one("C") + "\n", []int{1, 2, 4}},
		{"JSON Lines with BOM and CRLF", "\ufeff" + one("A") + "\r\n" + one("B") + "\r\n" + one("C") + "\r\n\r\n", []int{1, 2, 3}},
		{"pretty objects one after another", "\n\n{\n \"group\": {\"external_identifier\": \"A\"}\n}\n" + one("B") + "\n{\"group\":\n{\"external_identifier\": \"C\"}}", []int{3, 6, 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			groups, err := readAll(t, tt.data)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			var lines []int
			for _, g := range groups {
				ids = append(ids, g.Group.ExternalIdentifier)
				lines = append(lines, g.Line)
				if len(g.Errors) != 0 {
					t.Errorf("errors %v", g.Errors)
				}
			}
			if strings.Join(ids, ",") != "A,B,C" || !reflect.DeepEqual(lines, tt.lines) {
				t.Errorf("groups %v at lines %v, want A,B,C at %v", ids, lines, tt.lines)
			}
		})
	}
}

// TestStreams: the first group is returned before the rest of the file
// exists, so a large file is never read whole.
func TestStreams(t *testing.T) {
	pr, pw := io.Pipe()
	r := NewReader(pr, "pipe.json")
	go pw.Write([]byte(`[{"group": {"external_identifier": "A"}},` + "\n"))
	sg, err := r.Next()
	if err != nil || sg.Group.ExternalIdentifier != "A" {
		t.Fatalf("first group: %v %v", sg, err)
	}
	go func() {
		pw.Write([]byte(`{"group": {"external_identifier": "B"}}]`))
		pw.Close()
	}()
	if sg, err := r.Next(); err != nil || sg.Group.ExternalIdentifier != "B" || sg.Line != 2 {
		t.Fatalf("second group: %+v %v", sg, err)
	}
	if _, err := r.Next(); !errors.Is(err, io.EOF) {
		t.Fatalf("end: %v", err)
	}
}

func TestFieldErrors(t *testing.T) {
	data := `{"group": {
  "external_identifier": "G1",
  "employer": {"organization_name": "X", "fein": 222222222, "colour": "red"},
  "secondary_locations": [{"external_identifier": "L2", "typ": "remote"}],
  "subscribers": [
    {"external_identifier": "E1", "first_name": "Ann", "nickname": "A",
     "employment_details": {"annual_earnings": 52000.5, "hours_per_week": "forty"},
     "enrollments": [{"product_line": "dental", "plan": "P"}],
     "dependents": [{"external_identifier": "E1-S", "age": 40}],
     "status_datetime": "yesterday"},
    {"first_name": "Bo", "status_datetime": "", "dependents": [{"first_name": "Cy", "product_lines": "medical"}]}
  ]
}, "extra": {"a": [1, 2]}}
`
	groups, err := readAll(t, data)
	if err != nil || len(groups) != 1 {
		t.Fatalf("%v %v", groups, err)
	}
	type want struct {
		param string
		line  int
		msg   string
	}
	wants := []want{
		{"group.employer.fein", 3, "Field fein must be a string, not a number."},
		{"group.employer.colour", 3, `"colour" is not a field of employer; remove it or check its spelling.`},
		{"group.secondary_locations[L2].typ", 4, `"typ" is not a field of location`},
		{"group.subscribers[E1].nickname", 6, `"nickname" is not a field of subscriber`},
		{"group.subscribers[E1].employment_details.annual_earnings", 7, "must be a whole number, not 52000.5"},
		{"group.subscribers[E1].employment_details.hours_per_week", 7, "must be a number, not a string"},
		{"group.subscribers[E1].enrollments[dental].plan", 8, `"plan" is not a field of enrollment`},
		{"group.subscribers[E1].dependents[E1-S].age", 9, `"age" is not a field of dependent`},
		{"group.subscribers[E1].status_datetime", 10, `must be a date-time string (RFC 3339), not "yesterday"`},
		{"group.subscribers[1].status_datetime", 11, `must be a date-time string (RFC 3339), not ""`},
		{"group.subscribers[1].dependents[0].product_lines", 11, "must be an array, not a string"},
		{"extra", 13, `"extra" is not a field of the request`},
	}
	errs := groups[0].Errors
	if len(errs) != len(wants) {
		t.Errorf("%d errors, want %d: %v", len(errs), len(wants), errs)
	}
	for _, w := range wants {
		found := false
		for _, e := range errs {
			if e.Parameter == w.param {
				found = true
				if e.ErrorType != model.ErrParameterInvalid || e.Source == nil || e.Source.Line != w.line || !strings.Contains(e.Message, w.msg) {
					t.Errorf("%s: %s line %v %q, want line %d %q", w.param, e.ErrorType, e.Source, e.Message, w.line, w.msg)
				}
			}
		}
		if !found {
			t.Errorf("no error for %s", w.param)
		}
	}
	if g := groups[0].Group; g.Employer.OrganizationName != "X" || len(g.Subscribers) != 2 || g.Subscribers[1].Dependents[0].FirstName != "Cy" {
		t.Errorf("the rest of the group is still read: %+v", g)
	}
}

func TestMissingGroupKey(t *testing.T) {
	groups, err := readAll(t, `{"external_identifier": "G1"}`)
	if err != nil || len(groups) != 1 {
		t.Fatal(err)
	}
	var found bool
	for _, e := range groups[0].Errors {
		found = found || (e.Parameter == "group" && e.ErrorType == model.ErrParameterRequired)
	}
	if !found {
		t.Errorf("errors %v", groups[0].Errors)
	}
}

func TestFileErrors(t *testing.T) {
	deep := `{"group": {"external_identifier": "G", "x": ` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + "}}"
	tests := []struct {
		name     string
		data     string
		groups   int // read before the error
		line     int
		contains string
	}{
		{"empty", "", 0, 0, "The file is empty"},
		{"only space", " \n\r\n\t", 0, 0, "The file is empty"},
		{"syntax error", "{\"group\": {\n  \"external_identifier\": \"G1\",\n  \"employer\": {,}\n}}", 0, 3, "line 3: invalid character ','"},
		{"syntax error in the second line of JSON Lines", "{\"group\": {}}\n{\"group\": {]}\n", 1, 2, "line 2: invalid character ']'"},
		{"syntax error in an array", "[\n{\"group\": {}},\n{\"group\": {}}\n,\n{\"group\": {\"x\" 1}}\n]", 2, 5, "line 5: invalid character '1' after object key"},
		{"missing comma in an array", "[\n{\"group\": {}}\n{\"group\": {}}\n]", 1, 3, "line 3"},
		{"cut short", "{\"group\": {\n\"external_identifier\": \"G1\"\n", 0, 2, "ends at line 2 in the middle of a value"},
		{"array never closed", "[{\"group\": {}},\n{\"group\": {}}\n", 2, 2, "ends at line 2"},
		{"content after the array", "[{\"group\": {}}]\n\n{\"group\": {}}", 1, 3, "line 3 has content after the array"},
		{"empty array", " [ ] ", 0, 0, "empty array"},
		{"not an object", "{\"group\": {}}\n42\n", 1, 2, "line 2 holds a value that is not an object"},
		{"array of arrays", "[[{\"group\": {}}]]", 0, 1, "not an object"},
		{"too deep", "{\"group\": {}}\n" + deep, 1, 2, "nested deeper than 64 levels"},
		{"invalid UTF-8", "{\"group\": {\n\"external_identifier\": \"G\xff1\"}}", 0, 2, "not UTF-8"},
		{"binary", "\x00\x01PK\x03\x04", 0, 1, "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			groups, err := readAll(t, tt.data)
			var me model.Error
			if !errors.As(err, &me) {
				t.Fatalf("want a model.Error, got %v (groups %d)", err, len(groups))
			}
			if len(groups) != tt.groups || me.ErrorType != model.ErrFileInvalid || me.Source == nil || me.Source.Line != tt.line || me.Source.File != "in.json" {
				t.Errorf("%d groups, %s at %+v, want %d groups, file_invalid at line %d", len(groups), me.ErrorType, me.Source, tt.groups, tt.line)
			}
			if !strings.Contains(me.Message, tt.contains) {
				t.Errorf("message %q, want %q", me.Message, tt.contains)
			}
		})
	}
}

func TestDepthLimitIsExact(t *testing.T) {
	// The request object is level 1, group 2, x 3: 62 more arrays reach 64.
	ok := `{"group": {"x": ` + strings.Repeat("[", 62) + strings.Repeat("]", 62) + "}}"
	if _, err := readAll(t, ok); err != nil {
		t.Errorf("64 levels: %v", err)
	}
	if _, err := readAll(t, `{"group": {"x": `+strings.Repeat("[", 63)+strings.Repeat("]", 63)+"}}"); err == nil {
		t.Errorf("65 levels accepted")
	}
}

func FuzzReader(f *testing.F) {
	f.Add(readFile(f, "group-ideon.json"))
	f.Add(readFile(f, "group-full.json"))
	f.Add([]byte("[" + string(readFile(f, "group-ideon.json")) + "," + string(readFile(f, "group-ideon.json")) + "]"))
	f.Add([]byte("{\"group\":{}}\n{\"group\":{\"subscribers\":[{\"x\":1}]}}\n"))
	f.Add([]byte("[[[[{"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data), "fuzz.json")
		for n := 0; ; n++ {
			if n > len(data) {
				t.Fatalf("more groups than bytes")
			}
			sg, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				var me model.Error
				if !errors.As(err, &me) || me.ErrorType != model.ErrFileInvalid {
					t.Fatalf("Next: %T %v", err, err)
				}
				return
			}
			if sg.Group == nil || sg.Line < 1 {
				t.Fatalf("group without a line: %+v", sg)
			}
		}
	})
}
