package fixedwidth

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// base is a valid fixed-width layout the mistake cases start from.
const base = `kind: fixed-width
records:
  member:
    - {name: record_type, width: 3, const: DTL}
    - {name: last_name, width: 20, source: member.last_name}
`

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // every error line, in order
		is   error
	}{
		{
			name: "unknown source path",
			yaml: base + "    - {name: first, width: 10, source: member.frist_name}\n",
			want: []string{`bad.yaml:6:40: source "member.frist_name" is not a known source path (did you mean "member.first_name"?)`},
			is:   ErrUnknownPath,
		},
		{
			name: "width 0",
			yaml: base + "    - {name: first, width: 0, source: member.first_name}\n",
			want: []string{`bad.yaml:6:28: width 0 is invalid: expected a whole number from 1 to 9999`},
			is:   ErrInvalid,
		},
		{
			name: "missing width",
			yaml: base + "    - name: first\n      source: member.first_name\n",
			want: []string{`bad.yaml:6:7: width is required for field "first" in a fixed-width layout`},
			is:   ErrRequired,
		},
		{
			name: "bad align",
			yaml: base + "    - {name: first, width: 10, source: member.first_name, align: center}\n",
			want: []string{`bad.yaml:6:66: align "center" is invalid: expected left or right`},
			is:   ErrInvalid,
		},
		{
			name: "bad format",
			yaml: base + "    - {name: dob, width: 8, source: member.birth_date, format: YYYYMMDX}\n",
			want: []string{`bad.yaml:6:64: format "YYYYMMDX" is invalid: expected ` + formatNames},
			is:   ErrInvalid,
		},
		{
			name: "format for another kind of source",
			yaml: base + "    - {name: first, width: 8, source: member.first_name, format: YYYYMMDD}\n",
			want: []string{`bad.yaml:6:66: format "YYYYMMDD" is invalid for source member.first_name: it needs a date, and the source is text`},
			is:   ErrInvalid,
		},
		{
			name: "date format wider than the field",
			yaml: base + "    - {name: dob, width: 6, source: member.birth_date, format: MM/DD/YYYY}\n",
			want: []string{`bad.yaml:6:64: format "MM/DD/YYYY" writes 10 bytes: it is longer than its width 6 of field "dob"`},
			is:   ErrTooLong,
		},
		{
			name: "duplicate field",
			yaml: base + "    - {name: last_name, width: 5, source: member.first_name}\n",
			want: []string{`bad.yaml:6:14: field "last_name" is defined twice in the member record (first at line 5)`},
			is:   ErrDuplicate,
		},
		{
			name: "unknown field key",
			yaml: base + "    - {name: first, width: 10, sorce: member.first_name}\n",
			want: []string{`bad.yaml:6:32: "sorce" is not a known key of a field (did you mean "source"?); known keys: ` + strings.Join(fieldKeys, ", ")},
			is:   ErrUnknownKey,
		},
		{
			name: "unknown layout key",
			yaml: "recordz: {}\n" + base,
			want: []string{`bad.yaml:1:1: "recordz" is not a known key of a layout (did you mean "records"?); known keys: ` + strings.Join(layoutKeys, ", ")},
			is:   ErrUnknownKey,
		},
		{
			name: "unknown record",
			yaml: base + "  footer:\n    - {name: x, width: 1}\n",
			want: []string{`bad.yaml:6:3: "footer" is not a known key of records; known keys: file_header, group_header, member, trailer`},
			is:   ErrUnknownKey,
		},
		{
			name: "csv key in a fixed-width layout",
			yaml: base + "    - {name: first, width: 10, header: First, source: member.first_name}\n",
			want: []string{`bad.yaml:6:32: "header" is not a known key of a fixed-width field: it applies only to csv layouts`},
			is:   ErrUnknownKey,
		},
		{
			name: "count outside the trailer",
			yaml: base + "    - {name: n, width: 5, source: file.record_count}\n",
			want: []string{`bad.yaml:6:35: source "file.record_count" is not available in this record: the member record can use ` +
				`file.*, group.*, member.*, subscriber.*, change.* and enrollment.* (but not the file counts)`},
			is: ErrNotAvailable,
		},
		{
			name: "member source in the trailer",
			yaml: base + "  trailer:\n    - {name: x, width: 5, source: member.last_name}\n",
			want: []string{`bad.yaml:7:35: source "member.last_name" is not available in this record: the trailer record can use file.* only`},
			is:   ErrNotAvailable,
		},
		{
			name: "const longer than its width",
			yaml: base + "    - {name: code, width: 2, const: ABC}\n",
			want: []string{`bad.yaml:6:37: const "ABC" of field "code" is longer than its width 2`},
			is:   ErrTooLong,
		},
		{
			name: "source and const",
			yaml: base + "    - {name: x, width: 2, const: AB, source: member.gender}\n",
			want: []string{`bad.yaml:6:27: const is invalid with source in field "x": a field has one or the other`},
			is:   ErrInvalid,
		},
		{
			name: "values key that is not a value of the source",
			yaml: base + "    - {name: m, width: 1, source: change.maintenance, values: {add: A, termnate: T}}\n",
			want: []string{`bad.yaml:6:72: values key "termnate" is invalid: change.maintenance has the values add, change, terminate, audit`},
			is:   ErrInvalid,
		},
		{
			name: "start that does not match the widths",
			yaml: base + "    - {name: first, start: 23, width: 10, source: member.first_name}\n",
			want: []string{`bad.yaml:6:28: start 23 is invalid: the widths before field "first" put it at 24`},
			is:   ErrInvalid,
		},
		{
			name: "record width",
			yaml: "record_width: 30\n" + base,
			want: []string{`bad.yaml:4:3: the width of the member record is invalid: its fields add up to 23 bytes, but record_width is 30`},
			is:   ErrInvalid,
		},
		{
			name: "group header without a record type",
			yaml: base + "  group_header:\n    - {name: id, width: 10, source: group.external_identifier}\n",
			want: []string{`bad.yaml:6:3: a const field (a record type code) is required in the group_header record, so a reader can tell it from a member record`},
			is:   ErrRequired,
		},
		{
			name: "kind missing",
			yaml: "records:\n  member:\n    - {name: x, width: 1}\n",
			want: []string{`bad.yaml:1:1: kind is required: fixed-width or csv`},
			is:   ErrRequired,
		},
		{
			name: "member missing",
			yaml: "kind: csv\nrecords:\n  trailer:\n    - {name: x}\n",
			want: []string{`bad.yaml:2:1: the member record is required`},
			is:   ErrRequired,
		},
		{
			name: "wrong type",
			yaml: base + "    - {name: first, width: ten, source: member.first_name, required: yes}\n",
			want: []string{
				`bad.yaml:6:28: width "ten" is invalid: expected a whole number from 1 to 9999`,
				`bad.yaml:6:70: required "yes" is invalid: expected true or false`,
			},
			is: ErrInvalid,
		},
		{
			name: "YAML syntax",
			yaml: "kind: fixed-width\nrecords: [\n",
			want: []string{`bad.yaml:2:10: the file is not valid YAML: sequence end token ']' not found`},
			is:   ErrSyntax,
		},
		{
			name: "empty file",
			yaml: "# nothing\n",
			want: []string{`bad.yaml:1:1: kind is required: the layout is empty`},
			is:   ErrRequired,
		},
		{
			name: "missing and empty names, without knock-on start errors",
			yaml: "kind: fixed-width\nrecords:\n  member:\n    - {width: 3, const: DTL}\n    - {name: \"\", width: 2, start: 4}\n    - {name: c, width: 2, start: 6}\n",
			want: []string{
				`bad.yaml:4:7: name is required for every field (in the member record)`,
				`bad.yaml:5:14: name is invalid: it may not be empty`,
			},
			is: ErrRequired,
		},
		{
			name: "duplicate csv header",
			yaml: "kind: csv\nrecords:\n  member:\n    - {name: a, header: Name}\n    - {name: b, header: \" name \"}\n",
			want: []string{`bad.yaml:5:25: header " name " is defined twice in the member record (first at line 4)`},
			is:   ErrDuplicate,
		},
		{
			name: "merge key cycle",
			yaml: "kind: csv\nrecords:\n  member:\n    - &f {<<: *f, name: a}\n",
			want: []string{`bad.yaml:4:11: merge key is invalid: it merges the mapping that holds it`},
			is:   ErrInvalid,
		},
		{
			name: "every mistake at once, in file order",
			yaml: `kind: fixed-width
records:
  member:
    - {name: a, width: 0}
    - {name: b, width: 2, align: middle}
    - {name: a, width: 2, source: member.nope}
`,
			want: []string{
				`bad.yaml:4:24: width 0 is invalid: expected a whole number from 1 to 9999`,
				`bad.yaml:5:34: align "middle" is invalid: expected left or right`,
				`bad.yaml:6:14: field "a" is defined twice in the member record (first at line 4)`,
				`bad.yaml:6:35: source "member.nope" is not a known source path`,
			},
			is: ErrInvalid,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := CompileLayout([]byte(tt.yaml), "bad.yaml")
			if err == nil {
				t.Fatalf("compiled %q without error", l.Name)
			}
			if got, want := err.Error(), strings.Join(tt.want, "\n"); got != want {
				t.Errorf("errors:\n%s\nwant:\n%s", got, want)
			}
			if !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(err, %v) = false", tt.is)
			}
			var les LayoutErrors
			if !errors.As(err, &les) || len(les) != len(tt.want) {
				t.Errorf("err is not LayoutErrors of %d: %#v", len(tt.want), err)
			}
		})
	}
}

// Merges of merges cannot make a small file cost billions of steps.
func TestCompileMergeBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("kind: csv\nrecords:\n  member:\n    - &a0 {name: a}\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "    - &a%d {<<: [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d], name: a%d}\n",
			i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i)
	}
	_, err := CompileLayout([]byte(b.String()), "bomb.yaml")
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "merges more than 10000 mappings") {
		t.Errorf("err = %v", err)
	}
}
