package fixedwidth

import (
	"strings"
	"testing"
)

// The layouts under testdata/layouts compile as their comments say.
func TestTestdataLayouts(t *testing.T) {
	for _, name := range []string{"small-fixed", "csv-trailer", "aliases"} {
		loadLayout(t, "testdata/layouts/"+name+".yaml")
	}
	_, err := LoadLayout("testdata/layouts/bad-many.yaml")
	want := []string{
		`testdata/layouts/bad-many.yaml:6:37: const "DETAIL" of field "type" is longer than its width 3`,
		`testdata/layouts/bad-many.yaml:7:25: width 0 is invalid: expected a whole number from 1 to 9999`,
		`testdata/layouts/bad-many.yaml:7:36: source "member.external_identifer" is not a known source path (did you mean "member.external_identifier"?)`,
		`testdata/layouts/bad-many.yaml:8:14: field "id" is defined twice in the member record (first at line 7)`,
		`testdata/layouts/bad-many.yaml:8:35: align "centre" is invalid: expected left or right`,
		`testdata/layouts/bad-many.yaml:8:43: format is invalid in field "id": it needs a source`,
		`testdata/layouts/bad-many.yaml:9:7: width is required for field "dob" in a fixed-width layout`,
		`testdata/layouts/bad-many.yaml:9:19: "sorce" is not a known key of a field (did you mean "source"?); known keys: ` + strings.Join(fieldKeys, ", "),
		`testdata/layouts/bad-many.yaml:11:63: pad "00" is invalid: expected one printable ASCII character such as " " or "0"`,
	}
	if err == nil || err.Error() != strings.Join(want, "\n") {
		t.Errorf("errors:\n%v\nwant:\n%s", err, strings.Join(want, "\n"))
	}
}

func TestAliases(t *testing.T) {
	l := loadLayout(t, "testdata/layouts/aliases.yaml")
	if got := strings.Join(l.Fields(Member), ","); got != "medical_plan,dental_plan,level,dental_level" {
		t.Errorf("fields = %s", got)
	}
	if l.Width(Member) != 26 || l.LineEnding != "\r\n" {
		t.Errorf("width = %d, line ending %q", l.Width(Member), l.LineEnding)
	}
	got := string(writeAll(t, l, testChanges()[:1]))
	if want := "BC-PPO-500  BC-DEN-STD  FF\r\n"; !strings.HasPrefix(got, want) {
		t.Errorf("first record = %q, want %q", got[:min(len(got), 28)], want)
	}
}

func TestCSVTrailerLayout(t *testing.T) {
	l := loadLayout(t, "testdata/layouts/csv-trailer.yaml")
	got := string(writeAll(t, l, testChanges()[:1]))
	want := "E1001;Doe;52001\nE1001-1;Doe;52001\nE1001-2;Doe;52001\nE1002;Smith;75000\nE1003;Garcia-Lop;\nE1003-1;Garcia;\nTRAILER;6\n"
	if got != want {
		t.Errorf("delivery = %q, want %q", got, want)
	}
	recs, errs := readAll(t, l, got)
	if len(errs) > 0 || types(recs) != "mmmmmmt" || recs[4].Fields["last"] != "Garcia-Lop" {
		t.Errorf("read back %v, %v", recs, errs)
	}
}

func TestLayoutDefaults(t *testing.T) {
	l, err := CompileLayout([]byte("kind: csv\nrecords:\n  member:\n    - {name: id, source: member.id}\n"), "dir/acme-layout.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if l.Name != "acme-layout" || l.Extension != "csv" || l.LineEnding != "\n" || l.Kind != KindCSV || l.File != "dir/acme-layout.yaml" {
		t.Errorf("layout = %+v", l)
	}
	if _, err := LoadLayout("testdata/layouts/missing.yaml"); err == nil || !strings.HasPrefix(err.Error(), "reading layout: ") {
		t.Errorf("LoadLayout(missing) = %v", err)
	}
}
