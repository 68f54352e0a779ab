package mappings

import (
	"errors"
	"testing"
)

// TestMapRowAfterRow: mapping row after row into one Row gives each row's
// own values: a cell seen before maps as it did, a bad cell fails every
// time, and a dependent's row clears what a subscriber's row set.
func TestMapRowAfterRow(t *testing.T) {
	m, err := Load("census-standard", "")
	if err != nil {
		t.Fatal(err)
	}
	header, _ := m.Columns()
	p, err := m.Bind(header)
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) int {
		for i, h := range header {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return -1
	}
	row := func(rel, birth, state, salary string) []string {
		rec := make([]string, len(header))
		rec[col("group_id")], rec[col("member_id")], rec[col("relationship")] = "G1", "E1", rel
		rec[col("subscriber_id")], rec[col("birth_date")], rec[col("state")], rec[col("annual_salary")] = "E0", birth, state, salary
		return rec
	}
	tests := []struct {
		rec               []string
		birth, state, sal string
		err               error
	}{
		{rec: row("employee", "03/02/1984", "fl", "52,000"), birth: "1984-03-02", state: "FL", sal: "5200000"},
		{rec: row("employee", "1984-03-03", "FL", "52,000"), birth: "1984-03-03", state: "FL", sal: "5200000"},
		{rec: row("spouse", "03/02/1984", "fl", "52,000"), birth: "1984-03-02"},
		{rec: row("employee", "02/30/1984", "fl", "1"), birth: "02/30/1984", state: "FL", sal: "100", err: ErrNotDate},
		{rec: row("employee", "02/30/1984", "fl", "1"), birth: "02/30/1984", state: "FL", sal: "100", err: ErrNotDate},
		{rec: row("employee", "03/02/1984", "", ""), birth: "1984-03-02"},
	}
	var r Row
	for i, tt := range tests {
		p.Map(tt.rec, &r)
		v := &r.Values
		if v[MemberBirthDate] != tt.birth || v[LocationState] != tt.state || v[EmploymentEarnings] != tt.sal {
			t.Errorf("row %d: birth %q state %q salary %q; want %q %q %q", i, v[MemberBirthDate], v[LocationState], v[EmploymentEarnings], tt.birth, tt.state, tt.sal)
		}
		if (len(r.Errors) > 0) != (tt.err != nil) || tt.err != nil && !errors.Is(r.Errors[0], tt.err) {
			t.Errorf("row %d: errors %v, want %v", i, r.Errors, tt.err)
		}
		if !r.Subscriber && (r.Column[LocationState] != -1 || r.Column[EmploymentEarnings] != -1) {
			t.Errorf("row %d: a dependent's row has subscriber columns", i)
		}
	}
}

// TestKeyColumn: the key's column, and whether the key depends on it alone.
func TestKeyColumn(t *testing.T) {
	for _, tt := range []struct {
		entry string
		col   int
		alone bool
	}{
		{"{column: b, target: group.external_identifier, transforms: [upper]}", 1, true},
		{"{constant: G1, target: group.external_identifier}", -1, true},
		{"{column: b, target: group.external_identifier, transforms: [{expr: 'value + row[\"a\"]'}]}", 1, false},
	} {
		m, err := Compile([]byte("name: k\ncolumns:\n  - {column: a, target: member.first_name}\n  - "+tt.entry+"\n"), "k")
		if err != nil {
			t.Fatalf("%s: %v", tt.entry, err)
		}
		p, err := m.Bind([]string{"a", "b"})
		if err != nil {
			t.Fatal(err)
		}
		if col, alone := p.KeyColumn(); col != tt.col || alone != tt.alone {
			t.Errorf("%s: KeyColumn = %d, %v; want %d, %v", tt.entry, col, alone, tt.col, tt.alone)
		}
	}
}
