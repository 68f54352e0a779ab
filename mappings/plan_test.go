package mappings

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
)

// mapCell compiles a mapping with a group key column g and one column c
// feeding target through the given entry settings, and maps one row.
func mapCell(t *testing.T, top, target, settings, cell string) (*Row, error) {
	t.Helper()
	src := top + "columns:\n  - {column: g, target: group.external_identifier}\n  - column: c\n    target: '" + target + "'\n"
	if settings != "" {
		src += "    " + strings.ReplaceAll(settings, "\n", "\n    ") + "\n"
	}
	m, err := Compile([]byte(src), "t.yaml")
	if err != nil {
		t.Fatalf("compiling\n%s: %v", src, err)
	}
	p, err := m.Bind([]string{"g", "c"})
	if err != nil {
		t.Fatal(err)
	}
	var row Row
	p.Map([]string{"G1", cell}, &row)
	if len(row.Errors) > 0 {
		return &row, row.Errors[0]
	}
	return &row, nil
}

func TestTransforms(t *testing.T) {
	tests := []struct {
		name     string
		top      string // top-level keys
		target   string
		settings string
		cell     string
		want     string
		wantErr  error
	}{
		{name: "cells trimmed by default", settings: "", cell: "  Ann  ", want: "Ann"},
		{name: "trim_cells false keeps spaces", top: "trim_cells: false\n", cell: "  Ann ", want: "  Ann "},
		{name: "trim", top: "trim_cells: false\n", settings: "transforms: [trim]", cell: "  Ann ", want: "Ann"},
		{name: "upper", settings: "transforms: [upper]", cell: "fl", want: "FL"},
		{name: "lower", settings: "transforms: [lower]", cell: "Full_Time", want: "full_time"},
		{name: "digits", settings: "transforms: [digits]", cell: "123-45-6789", want: "123456789"},
		{name: "pad left with zeros", settings: `transforms: [{pad: {width: 5, char: "0"}}]`, cell: "2134", want: "02134"},
		{name: "pad right", settings: `transforms: [{pad: {width: 4, char: ".", side: right}}]`, cell: "AB", want: "AB.."},
		{name: "pad leaves a long value", settings: `transforms: [{pad: {width: 3}}]`, cell: "ABCD", want: "ABCD"},
		{name: "pad default char is a space", settings: `transforms: [{pad: {width: 3}}]`, cell: "A", want: "  A"},
		{name: "pad skips a blank cell", settings: `transforms: [{pad: {width: 3, char: "0"}}]`, cell: "", want: ""},
		{name: "date ISO", target: "member.birth_date", settings: "transforms: [{date: [YYYY-MM-DD, MM/DD/YYYY]}]", cell: "1984-03-02", want: "1984-03-02"},
		{name: "date US", target: "member.birth_date", settings: "transforms: [{date: [YYYY-MM-DD, MM/DD/YYYY]}]", cell: "3/2/1984", want: "1984-03-02"},
		{name: "date invalid", target: "member.birth_date", settings: "transforms: [{date: [YYYY-MM-DD, MM/DD/YYYY]}]", cell: "1982-13-20", wantErr: ErrNotDate},
		{name: "values", target: "member.gender", settings: "transforms: [{values: {F: female, M: male}}]", cell: "F", want: "female"},
		{name: "values any case", target: "member.gender", settings: "transforms: [{values: {F: female, M: male}}]", cell: "m", want: "male"},
		{name: "values unknown", target: "member.gender", settings: "transforms: [{values: {F: female, M: male}}]", cell: "Q", wantErr: ErrNotAccepted},
		{name: "values keep leading zeros of number keys", settings: "transforms: [{values: {01: one}}]", cell: "01", want: "one"},
		{name: "match", settings: `transforms: [{match: ["##-#######", "#########"]}]`, cell: "12-3456789", want: "12-3456789"},
		{name: "match letters", settings: `transforms: [{match: "@@-*"}]`, cell: "AB-x", want: "AB-x"},
		{name: "match fails", settings: `transforms: [{match: ["##-#######", "#########"]}]`, cell: "12-345678", wantErr: ErrWrongForm},
		{name: "cents with commas", target: "subscriber.employment_details.annual_earnings", settings: "transforms: [cents]", cell: "52,000.00", want: "5200000"},
		{name: "cents whole dollars", target: "subscriber.employment_details.annual_earnings", settings: "transforms: [cents]", cell: "52000", want: "5200000"},
		{name: "cents dollar sign and dimes", target: "subscriber.employment_details.annual_earnings", settings: "transforms: [cents]", cell: "$1,234.5", want: "123450"},
		{name: "cents three decimals", target: "subscriber.employment_details.annual_earnings", settings: "transforms: [cents]", cell: "12.345", wantErr: ErrNotAmount},
		{name: "cents not a number", target: "subscriber.employment_details.annual_earnings", settings: "transforms: [cents]", cell: "lots", wantErr: ErrNotAmount},
		{name: "earnings must be cents", target: "subscriber.employment_details.annual_earnings", cell: "52000.00", wantErr: ErrNotNumber},
		{name: "hours a number", target: "subscriber.employment_details.hours_per_week", cell: "37.5", want: "37.5"},
		{name: "hours not a number", target: "subscriber.employment_details.hours_per_week", cell: "full", wantErr: ErrNotNumber},
		{name: "expr", settings: `transforms: [{expr: 'upper(value) + "!"'}]`, cell: "a", want: "A!"},
		{name: "expr runs on a blank", settings: `transforms: [{expr: 'value == "" ? "none" : value'}]`, cell: " ", want: "none"},
		{name: "expr reads the row", settings: `transforms: [{expr: 'row["g"] + "-" + value'}]`, cell: "x", want: "G1-x"},
		{name: "expr fails", settings: `transforms: [{expr: 'int(value) > 0 ? "y" : "n"'}]`, cell: "x", wantErr: ErrExpression},
		{name: "steps in order", settings: `transforms: [digits, {pad: {width: 5, char: "0"}}]`, cell: "2-134", want: "02134"},
		{name: "default on blank", settings: "default: physical", cell: "", want: "physical"},
		{name: "default not on a value", settings: "default: physical", cell: "remote", want: "remote"},
		{name: "required", settings: "required: true", cell: " ", wantErr: ErrRequired},
		{name: "required met by default", settings: "required: true\ndefault: x", cell: "", want: "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := tt.target
			if target == "" {
				target = "member.first_name"
			}
			row, err := mapCell(t, tt.top, target, tt.settings, tt.cell)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("error %v", err)
			}
			if got := row.Values[targetByName[target]]; got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestConstant(t *testing.T) {
	m, err := Compile([]byte("columns:\n  - {constant: ONE, target: group.external_identifier}\n  - {constant: US, target: location.employer_address.country_code}\n"), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.Bind([]string{"anything"})
	if err != nil {
		t.Fatalf("a mapping of constants needs no column: %v", err)
	}
	var row Row
	p.Map([]string{"x"}, &row)
	if row.Values[GroupExternalID] != "ONE" || row.Values[LocationCountry] != "US" || row.Column[LocationCountry] != -1 {
		t.Errorf("values %q %q column %d", row.Values[GroupExternalID], row.Values[LocationCountry], row.Column[LocationCountry])
	}
	if p.Key([]string{"y"}) != "ONE" {
		t.Errorf("key %q", p.Key([]string{"y"}))
	}
}

func TestCellErrorMessages(t *testing.T) {
	m, _ := Load("census-standard", "")
	header, _ := m.Columns()
	p, err := m.Bind(header)
	if err != nil {
		t.Fatal(err)
	}
	rec := make([]string, len(header))
	set := func(col, v string) { rec[slices.Index(header, col)] = v }
	set("group_id", "G1")
	set("member_id", "E1")
	set("relationship", "employee")
	set("ssn", "123-45-678")
	set("fein", "12-345678")
	set("gender", "Q")
	set("medical_level", "XX")
	var row Row
	p.Map(rec, &row)
	msgs := map[Target]CellError{}
	for _, e := range row.Errors {
		msgs[e.Target] = e
	}
	ssn, fein, gender, level := msgs[MemberSSN], msgs[EmployerFEIN], msgs[MemberGender], msgs[Enrollment(0, EnrollLevel)]
	if ssn.Err == nil || strings.Contains(ssn.Error(), "45") || ssn.Value != "" {
		t.Errorf("ssn error must not show the value: %q value %q", ssn.Error(), ssn.Value)
	}
	if want := "Column ssn: the value is not in an accepted form; write it as ###-##-#### or #########."; ssn.Error() != want {
		t.Errorf("ssn message\n got %s\nwant %s", ssn.Error(), want)
	}
	if fein.Err == nil || strings.Contains(fein.Error(), "345678") || fein.Value != "**-***5678" {
		t.Errorf("fein error must mask the value: %q value %q", fein.Error(), fein.Value)
	}
	if want := `Column gender: "Q" is not an accepted value; use one of F, M, X, U, female, male, non_binary, unknown.`; gender.Error() != want {
		t.Errorf("gender message\n got %s\nwant %s", gender.Error(), want)
	}
	if gender.Type() != model.ErrParameterInvalid || level.Column != "medical_level" {
		t.Errorf("gender type %s, level column %q", gender.Type(), level.Column)
	}
	if !strings.Contains(level.Error(), "use one of EE, ES, EC, FAM") {
		t.Errorf("level message %s", level.Error())
	}
}

func TestRowKinds(t *testing.T) {
	m, _ := Load("census-standard", "")
	header, _ := m.Columns()
	p, _ := m.Bind(header)
	row := func(cells map[string]string) *Row {
		rec := make([]string, len(header))
		for k, v := range cells {
			rec[slices.Index(header, k)] = v
		}
		var r Row
		p.Map(rec, &r)
		return &r
	}
	emp := row(map[string]string{"group_id": "G", "member_id": "E1", "relationship": "Employee", "hire_date": "2020-01-01", "medical_level": "EE"})
	if !emp.Subscriber || emp.Values[EmploymentStart] != "2020-01-01" || emp.Values[Enrollment(0, EnrollLevel)] != "employee_only" {
		t.Errorf("employee row: subscriber %v start %q", emp.Subscriber, emp.Values[EmploymentStart])
	}
	dep := row(map[string]string{"group_id": "G", "member_id": "E1-S", "subscriber_id": "E1", "relationship": "domestic_partner",
		"hire_date": "not a date", "medical_plan": "P", "medical_level": "??", "zip": "1"})
	if dep.Subscriber || len(dep.Errors) != 0 {
		t.Errorf("dependent row: subscriber %v errors %v (subscriber-only columns are not read)", dep.Subscriber, dep.Errors)
	}
	if dep.Values[MemberRelationship] != "registered_domestic_partner" || dep.Values[Enrollment(0, EnrollPlan)] != "P" ||
		dep.Column[EmploymentStart] != -1 || dep.Values[LocationZip] != "" {
		t.Errorf("dependent values: %q %q", dep.Values[MemberRelationship], dep.Values[Enrollment(0, EnrollPlan)])
	}
	// An unknown relationship: the subscriber reference decides.
	unk := row(map[string]string{"group_id": "G", "member_id": "E2", "relationship": "boss"})
	if !unk.Subscriber || len(unk.Errors) != 1 || !errors.Is(unk.Errors[0], ErrNotAccepted) {
		t.Errorf("unknown relationship: subscriber %v errors %v", unk.Subscriber, unk.Errors)
	}
	blank := row(map[string]string{"member_id": "E3", "subscriber_id": "E1"})
	if blank.Subscriber || len(blank.Errors) != 2 || !errors.Is(blank.Errors[0], ErrRequired) {
		t.Errorf("blank group and relationship: subscriber %v errors %v", blank.Subscriber, blank.Errors)
	}
}

func TestBind(t *testing.T) {
	m, _ := Load("census-standard", "")
	header, _ := m.Columns()
	// Any case, spaces around, any order, extra columns, optional ones absent.
	h := make([]string, 0, len(header)+1)
	for i := len(header) - 1; i >= 0; i-- {
		h = append(h, "  "+strings.ToUpper(header[i])+" ")
	}
	h = append(h, "notes")
	p, err := m.Bind(h)
	if err != nil {
		t.Fatalf("binding a reordered, upper-case header: %v", err)
	}
	if p.Header(0) != strings.ToUpper(header[len(header)-1]) || p.Width() != len(h) || p.Header(-1) != "" {
		t.Errorf("header 0 %q width %d", p.Header(0), p.Width())
	}
	_, err = m.Bind([]string{"group_id", "member_id", "Member_ID", "notes", "NOTES", ""})
	var he *HeaderError
	if !errors.As(err, &he) {
		t.Fatalf("want *HeaderError, got %v", err)
	}
	if len(he.Missing) != len(header)-2 || he.Missing[0] != "employer_name" || !slices.Equal(he.Duplicate, []string{"Member_ID", "NOTES"}) {
		t.Errorf("missing %v duplicate %v", he.Missing, he.Duplicate)
	}
	if !strings.Contains(he.Error(), "missing columns employer_name, fein,") {
		t.Errorf("message %s", he.Error())
	}
}

func TestTargets(t *testing.T) {
	names := TargetNames()
	if len(names) != NumTargets {
		t.Fatalf("%d names for %d targets", len(names), NumTargets)
	}
	seen := map[string]bool{}
	for i, n := range names {
		if n == "" || seen[n] {
			t.Errorf("target %d named %q", i, n)
		}
		seen[n] = true
		if Target(i).String() != n {
			t.Errorf("String of %d", i)
		}
	}
	tg := Enrollment(4, EnrollEnd)
	if tg.String() != "enrollments[accidental_death_dismemberment].end_date" || tg.Suffix() != ".end_date" || !tg.SubscriberOnly() {
		t.Errorf("last enrollment target %s %s", tg, tg.Suffix())
	}
	if l, f, ok := tg.EnrollmentOf(); !ok || l != 4 || f != EnrollEnd {
		t.Errorf("EnrollmentOf %d %d %v", l, f, ok)
	}
	if _, _, ok := MemberGender.EnrollmentOf(); ok {
		t.Errorf("member.gender is not an enrollment target")
	}
	if MemberRelationship.Suffix() != ".subscriber_relationship" || EmployerFEIN.Suffix() != "group.employer.fein" ||
		LocationZip.Suffix() != ".employer_address.zip" || Enrollment(0, EnrollPlan).SubscriberOnly() {
		t.Errorf("suffixes")
	}
}

func BenchmarkMap(b *testing.B) {
	m, _ := Load("census-standard", "")
	header, _ := m.Columns()
	p, _ := m.Bind(header)
	rec := make([]string, len(header))
	for i, h := range header {
		rec[i] = h
	}
	set := func(col, v string) { rec[slices.Index(header, col)] = v }
	for col, v := range map[string]string{"fein": "59-1234567", "established_date": "1999-08-13", "relationship": "employee",
		"ssn": "412-55-1201", "birth_date": "03/02/1984", "gender": "F", "hire_date": "2015-06-01", "annual_salary": "58,000.00",
		"medical_level": "FAM", "dental_level": "EE", "vision_level": "ES", "coverage_start": "2027-01-01", "coverage_end": ""} {
		set(col, v)
	}
	var row Row
	b.ReportAllocs()
	for b.Loop() {
		p.Map(rec, &row)
	}
	if len(row.Errors) > 0 {
		b.Fatal(row.Errors)
	}
}
