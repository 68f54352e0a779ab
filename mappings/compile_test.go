package mappings

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestBuiltinCensusStandard(t *testing.T) {
	if got := Builtin(); !slices.Equal(got, []string{"census-standard"}) {
		t.Fatalf("Builtin() = %v", got)
	}
	m, err := Load("census-standard", "/nowhere")
	if err != nil {
		t.Fatalf("loading the built-in mapping: %v", err)
	}
	again, _ := Load("census-standard", "")
	if m != again {
		t.Errorf("the built-in mapping is compiled again on each Load")
	}
	if m.Name != "census-standard" || m.Employee != "employee" {
		t.Errorf("name %q employee %q", m.Name, m.Employee)
	}
	required, optional := m.Columns()
	// DESIGN.md §4: every column of the layout, only the truly optional
	// ones may be missing from the header.
	want := []string{"group_id", "employer_name", "fein", "established_date", "employer_type",
		"location_id", "location_type", "address_line_1", "city", "state", "zip",
		"member_id", "subscriber_id", "relationship", "first_name", "last_name", "ssn", "birth_date", "gender",
		"hire_date", "employment_status", "annual_salary", "home_address_line_1", "home_city", "home_state", "home_zip",
		"medical_plan", "medical_level", "dental_plan", "dental_level", "vision_plan", "vision_level", "life_plan", "add_plan",
		"coverage_start", "coverage_end"}
	slices.Sort(want)
	slices.Sort(required)
	if !slices.Equal(required, want) {
		t.Errorf("required columns\n got %v\nwant %v", required, want)
	}
	slices.Sort(optional)
	if !slices.Equal(optional, []string{"address_line_2", "cobra_event", "event", "event_date", "fips_county_code", "middle_name"}) {
		t.Errorf("optional columns %v", optional)
	}
	for _, tg := range []Target{GroupExternalID, MemberExternalID, MemberSubscriber, MemberRelationship,
		Enrollment(3, EnrollLevel), Enrollment(4, EnrollLevel), CoverageStart, CoverageEnd} {
		if !m.Has(tg) {
			t.Errorf("census-standard has no %s", tg)
		}
	}
}

func TestDocExampleCompiles(t *testing.T) {
	m, err := Load("testdata/example.yaml", ".")
	if err != nil {
		t.Fatalf("the doc.go example does not compile:\n%v", err)
	}
	if m.Name != "acme-hr" || m.Employee != "EE" || m.Description == "" {
		t.Errorf("name %q employee %q description %q", m.Name, m.Employee, m.Description)
	}
}

func TestLoadPaths(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "acme.yaml"), []byte("columns: [{column: g, target: group.external_identifier}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := Load("acme.yaml", dir)
	if err != nil {
		t.Fatalf("relative path against baseDir: %v", err)
	}
	if m.Name != filepath.Join(dir, "acme.yaml") {
		t.Errorf("a mapping without a name is named after its file, got %q", m.Name)
	}
	if _, err := Load(filepath.Join(dir, "acme.yaml"), "/elsewhere"); err != nil {
		t.Errorf("absolute path: %v", err)
	}
	_, err = Load("census-standrd", dir)
	if err == nil || !strings.Contains(err.Error(), "neither a built-in mapping (census-standard) nor a file") {
		t.Errorf("unknown name: %v", err)
	}
	if _, err := Load("missing.yaml", dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// TestCompileMistakes: a mapping file with each kind of mistake reports
// them all, sorted, each at its FILE:LINE:COL.
func TestCompileMistakes(t *testing.T) {
	data, err := os.ReadFile("testdata/mistakes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(data, "mistakes.yaml")
	var probs Problems
	if !errors.As(err, &probs) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("want Problems wrapping ErrInvalid, got %T %v", err, err)
	}
	want := []string{
		`mistakes.yaml:2:1: unknown key "colums" in the mapping`,
		`mistakes.yaml:3:1: missing group key`,
		`mistakes.yaml:5:13: unknown target "group.externl_identifier"; did you mean group.external_identifier?`,
		`mistakes.yaml:8:24: unknown transform "uper"; did you mean upper?`,
		`mistakes.yaml:11:26: bad date layout "YYYY-MM-DQ"`,
		`mistakes.yaml:14:25: bad expression: unexpected token`,
		`mistakes.yaml:18:13: duplicate target member.first_name: line 16 already maps a column to it`,
		`mistakes.yaml:21:41: pad char must be exactly one character`,
		`mistakes.yaml:22:15: required must be true or false`,
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d problems, want %d:\n%v", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("problem %d\n got %s\nwant %s...", i, lines[i], w)
		}
	}
}

// at returns "m.yaml:LINE:COL" of the first occurrence of marker in src
// ("" for the start of the file).
func at(src, marker string) string {
	i := strings.Index(src, marker)
	if i < 0 || marker == "" {
		return "m.yaml:1:1"
	}
	line := strings.Count(src[:i], "\n") + 1
	col := i - strings.LastIndex(src[:i], "\n")
	return fmt.Sprintf("m.yaml:%d:%d", line, col)
}

func TestCompileErrors(t *testing.T) {
	const key = "  - {column: g, target: group.external_identifier}\n"
	entry := func(s string) string { return "columns:\n" + key + "  - " + s + "\n" }
	tests := []struct {
		name, yaml, at, want string
	}{
		{"yaml syntax", "columns: [\n", "-", "reading YAML:"},
		{"empty file", "", "", "the mapping file is empty"},
		{"not a mapping", "- a\n- b\n", "-", "the mapping must be a mapping"},
		{"columns not a list", "columns: 3\n", "3", "columns must be a list"},
		{"entry not a mapping", "columns:\n" + key + "  - group_id\n", "group_id", "each columns entry must be a mapping"},
		{"unknown key in entry", entry("{column: a, target: member.first_name, requird: true}"), "requird", `unknown key "requird" in a columns entry`},
		{"repeated key", "name: a\nname: b\ncolumns:\n" + key, "name: b", `mapping key "name" already defined`},
		{"no target", entry("column: a"), "column: a", "a columns entry needs a target"},
		{"no column", entry("target: member.first_name"), "target: member.first", "a columns entry needs a column"},
		{"column and constant", entry("{column: a, constant: b, target: member.first_name}"), "constant", "a columns entry takes a column or a constant, not both"},
		{"constant with transforms", entry("{constant: b, target: member.first_name, transforms: [upper]}"), "constant", "a constant is used as written"},
		{"transform needs settings", entry("{column: a, target: member.first_name, transforms: [pad]}"), "pad", "transform pad needs settings"},
		{"plain transform with settings", entry("{column: a, target: member.first_name, transforms: [{trim: 1}]}"), "trim", "transform trim takes no settings"},
		{"two keys in a transform", entry("{column: a, target: member.first_name, transforms: [{pad: {width: 2}, trim: 1}]}"), "{pad", "a transform with settings is one key"},
		{"pad without width", entry("{column: a, target: member.first_name, transforms: [{pad: {char: x}}]}"), "{char", "pad needs a width"},
		{"pad side", entry("{column: a, target: member.first_name, transforms: [{pad: {width: 3, side: middle}}]}"), "middle", "pad side must be left or right"},
		{"pad width type", entry("{column: a, target: member.first_name, transforms: [{pad: {width: five}}]}"), "five", "pad width must be a whole number"},
		{"date without year", entry("{column: a, target: member.birth_date, transforms: [{date: [MM/DD]}]}"), "MM/DD", `bad date layout "MM/DD": it must name the year, the month and the day`},
		{"go layout without day", entry("{column: a, target: member.birth_date, transforms: [{date: 2006-01}]}"), "2006-01", `bad date layout "2006-01"`},
		{"empty values", entry("{column: a, target: member.gender, transforms: [{values: {}}]}"), "{}", "values needs at least one entry"},
		{"values repeated case-insensitively", entry("{column: a, target: member.gender, transforms: [{values: {F: female, f: female}}]}"), "f: female", `values has "f" twice`},
		{"expression of the wrong type", entry("{column: a, target: member.gender, transforms: [{expr: 'len(value)'}]}"), "'len", "bad expression: expected string"},
		{"expression with an unknown name", entry("{column: a, target: member.gender, transforms: [{expr: 'valu'}]}"), "'valu", "bad expression: unknown name valu"},
		{"unknown target without a near name", entry("{column: a, target: member.shoe_size}"), "member.shoe", `unknown target "member.shoe_size"; see the targets`},
		{"level without plan", entry("{column: a, target: 'enrollments[dental].coverage_level'}"), "columns", "enrollments[dental].coverage_level needs a column with target enrollments[dental].plan_id"},
		{"relationship without member id", entry("{column: a, target: member.relationship}"), "columns", "member.subscriber_external_identifier and member.relationship need"},
		{"alias", "columns:\n" + key + "  - {column: &a x, target: member.first_name}\n  - {column: *a, target: member.last_name}\n", "*a", "aliases (*name) are not supported"},
		{"second document", "columns:\n" + key + "---\nname: x\n", "name: x", "a mapping file holds one YAML document"},
		{"trim_cells type", "trim_cells: 1\ncolumns:\n" + key, "1", "trim_cells must be true or false"},
		{"blank employee", "employee: ''\ncolumns:\n" + key, "''", "employee must name the relationship value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile([]byte(tt.yaml), "m.yaml")
			if err == nil {
				t.Fatalf("compiled without error; want %q", tt.want)
			}
			want := at(tt.yaml, tt.at) + ": "
			if tt.at == "-" {
				want = "m.yaml:"
			}
			found := false
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "m.yaml:") {
					t.Errorf("problem without FILE:LINE:COL: %q", line)
				}
				found = found || (strings.HasPrefix(line, want) && strings.Contains(line, tt.want))
			}
			if !found {
				t.Errorf("got\n%v\nwant a line %s...%s", err, want, tt.want)
			}
		})
	}
}

func TestDateLayouts(t *testing.T) {
	tests := []struct {
		layout, in, want string
		bad              bool
	}{
		{layout: "YYYY-MM-DD", in: "2016-02-29", want: "2016-02-29"},
		{layout: "MM/DD/YYYY", in: "02/29/2016", want: "2016-02-29"},
		{layout: "MM/DD/YYYY", in: "2/9/2016", want: "2016-02-09"},
		{layout: "MMDDYYYY", in: "02092016", want: "2016-02-09"},
		{layout: "DD.MM.YY", in: "09.02.16", want: "2016-02-09"},
		{layout: "D MMM YYYY", in: "9 Feb 2016", want: "2016-02-09"},
		{layout: "MMMM D, YYYY", in: "February 9, 2016", want: "2016-02-09"},
		{layout: "2006-01-02", in: "2016-02-09", want: "2016-02-09"},
		{layout: "01/02/2006", in: "02/09/2016", want: "2016-02-09"},
		{layout: "YYYY-MM-DD", in: "2015-02-29", bad: true},
		{layout: "YYYY-MM-DD", in: "1982-13-20", bad: true},
		{layout: "MM/DD/YYYY", in: "2016-02-09", bad: true},
	}
	for _, tt := range tests {
		gl, err := dateLayout(tt.layout)
		if err != nil {
			t.Errorf("%s: %v", tt.layout, err)
			continue
		}
		s := step{op: opDate, layouts: []string{gl}, shown: showLayout(tt.layout)}
		got, err := s.apply(tt.in, nil)
		switch {
		case tt.bad && !errors.Is(err, ErrNotDate):
			t.Errorf("%s %q: want ErrNotDate, got %q %v", tt.layout, tt.in, got, err)
		case !tt.bad && (err != nil || got != tt.want):
			t.Errorf("%s %q = %q %v, want %q", tt.layout, tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"YYY-MM-DD", "YYYY-MM", "YYYY-MM-DD-DD", "YYYY-MMMMM-DD", "YYYY-MM-DDD", "YYYY/MM/DDx", "2006", "15:04"} {
		if _, err := dateLayout(bad); err == nil {
			t.Errorf("layout %q accepted", bad)
		}
	}
	if got := showLayout("01/02/2006"); got != "MM/DD/YYYY" {
		t.Errorf("showLayout = %q", got)
	}
}

// FuzzCompile: no mapping file makes Compile panic, and every failure is a
// sorted list of positioned problems.
func FuzzCompile(f *testing.F) {
	for _, name := range []string{"census-standard.yaml", "testdata/example.yaml", "testdata/mistakes.yaml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("columns: [{column: a, target: group.external_identifier, transforms: [{date: [YYYY-MM-DD]}, {expr: 'value'}]}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Compile(data, "f.yaml")
		if err == nil {
			if m == nil || !m.Has(GroupExternalID) {
				t.Fatalf("compiled a mapping without a group key")
			}
			return
		}
		var probs Problems
		if !errors.As(err, &probs) || len(probs) == 0 {
			t.Fatalf("error %T %v", err, err)
		}
		for i, p := range probs {
			if p.File != "f.yaml" || p.Line < 1 || p.Column < 1 || p.Message == "" {
				t.Fatalf("problem %+v", p)
			}
			if i > 0 && (p.Line < probs[i-1].Line || p.Line == probs[i-1].Line && p.Column < probs[i-1].Column) {
				t.Fatalf("problems not sorted: %v", probs)
			}
		}
	})
}
