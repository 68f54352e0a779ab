package fixedwidth

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
)

const smallFixed = `kind: fixed-width
records:
  file_header:
    - {name: type, width: 1, const: H}
  member:
    - {name: type, width: 1, const: D}
    - {name: id, width: 6, source: member.external_identifier}
    - {name: last, width: 8, source: member.last_name%s}
  trailer:
    - {name: type, width: 1, const: T}
    - {name: count, width: 3, source: file.record_count, align: right, pad: "0"}
`

func oneMember(ext, last string) model.GroupChanges {
	s := &model.Subscriber{ExternalIdentifier: ext, LastName: last}
	return model.GroupChanges{
		Group:   &model.Group{ExternalIdentifier: "G-" + ext},
		Members: []model.MemberChange{{Maintenance: model.MaintAdd, Subscriber: s}},
	}
}

func TestWriteValueTooLong(t *testing.T) {
	l := compile(t, strings.Replace(smallFixed, "%s", "", 1))
	var buf bytes.Buffer
	w := NewWriter(&buf, l, testFile)
	if err := w.WriteGroup(oneMember("E1", "Short")); err != nil {
		t.Fatal(err)
	}
	err := w.WriteGroup(oneMember("E2", "Abernathy-Smythe"))
	var ge *GroupError
	if !errors.As(err, &ge) || len(ge.Fields) != 1 {
		t.Fatalf("err = %v, want a *GroupError with one field", err)
	}
	fe := ge.Fields[0]
	if fe.Field != "last" || fe.Member != "E2" || fe.Record != Member || fe.Parameter != "group.subscribers[E2].last_name" {
		t.Errorf("field error = %+v", fe)
	}
	if !errors.Is(err, ErrTooLong) {
		t.Errorf("errors.Is(err, ErrTooLong) = false: %v", err)
	}
	if want := `member record field "last" (member E2): value of 16 bytes is longer than its width 8`; fe.Error() != want {
		t.Errorf("message = %q, want %q", fe.Error(), want)
	}
	// The failed group wrote nothing and is not counted; later groups are.
	if err := w.WriteGroup(oneMember("E3", "Lee")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := "H\nDE1    Short   \nDE3    Lee     \nT004\n"
	if buf.String() != want {
		t.Errorf("delivery = %q, want %q", buf.String(), want)
	}
}

func TestWriteCut(t *testing.T) {
	l := compile(t, strings.Replace(smallFixed, "%s", ", truncate: cut", 1))
	got := writeAll(t, l, []model.GroupChanges{oneMember("E1", "Abernathy-Smythe"), oneMember("E2", "Brontëëë")})
	// "Brontëëë" is 11 bytes; cut at 8 would split an ë, so 7 bytes are
	// kept and one pad byte keeps the record its width.
	want := "H\nDE1    Abernath\nDE2    Brontë \nT004\n"
	if string(got) != want {
		t.Errorf("delivery = %q, want %q", got, want)
	}
}

func TestWriteFieldErrors(t *testing.T) {
	const layout = `kind: fixed-width
records:
  member:
    - {name: m, width: 1, source: change.maintenance, values: {add: A}}
    - {name: dob, width: 8, source: member.birth_date, format: YYYYMMDD}
    - {name: ssn, width: 9, source: member.ssn, required: true}
    - {name: city, width: 12, source: subscriber.residential_address.city}
`
	l := compile(t, layout)
	s := &model.Subscriber{ExternalIdentifier: "E9", BirthDate: "03/14/1985",
		ResidentialAddress: &model.Address{City: "Line\nBreak"}}
	gc := model.GroupChanges{Group: &model.Group{ExternalIdentifier: "G9"},
		Members: []model.MemberChange{{Maintenance: model.MaintTerminate, Subscriber: s}}}
	var buf bytes.Buffer
	err := NewWriter(&buf, l, testFile).WriteGroup(gc)
	var ge *GroupError
	if !errors.As(err, &ge) {
		t.Fatalf("err = %v, want *GroupError", err)
	}
	want := []struct {
		field string
		is    error
	}{{"m", ErrUnmapped}, {"dob", ErrInvalidValue}, {"ssn", ErrRequired}, {"city", ErrInvalidValue}}
	if len(ge.Fields) != len(want) {
		t.Fatalf("got %d field errors, want %d:\n%v", len(ge.Fields), len(want), err)
	}
	for i, w := range want {
		if ge.Fields[i].Field != w.field || !errors.Is(ge.Fields[i], w.is) {
			t.Errorf("field error %d = %v, want field %s wrapping %v", i, ge.Fields[i], w.field, w.is)
		}
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %q for a failed group", buf.String())
	}
}

// A social security number never appears in an error, even one too long.
func TestWriteErrorHidesValue(t *testing.T) {
	l := compile(t, "kind: fixed-width\nrecords:\n  member:\n    - {name: ssn, width: 9, source: member.ssn}\n")
	s := &model.Subscriber{ExternalIdentifier: "E1", SocialSecurityNumber: "123-45-6789"}
	err := NewWriter(&bytes.Buffer{}, l, testFile).WriteGroup(model.GroupChanges{
		Group: &model.Group{ExternalIdentifier: "G"}, Members: []model.MemberChange{{Subscriber: s}}})
	if err == nil || strings.Contains(err.Error(), "6789") {
		t.Errorf("err = %v, want an error without the SSN", err)
	}
}

func TestWriteBadInput(t *testing.T) {
	l := compile(t, strings.Replace(smallFixed, "%s", "", 1))
	w := NewWriter(&bytes.Buffer{}, l, testFile)
	if err := w.WriteGroup(model.GroupChanges{}); !errors.Is(err, ErrRequired) {
		t.Errorf("no group: err = %v, want ErrRequired", err)
	}
	gc := model.GroupChanges{Group: &model.Group{}, Members: []model.MemberChange{{}}}
	if err := w.WriteGroup(gc); !errors.Is(err, ErrRequired) {
		t.Errorf("no subscriber: err = %v, want ErrRequired", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteGroup(oneMember("E1", "X")); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: err = %v, want ErrClosed", err)
	}
}

// An empty delivery is a header and a trailer that counts them.
func TestWriteEmpty(t *testing.T) {
	l := compile(t, strings.Replace(smallFixed, "%s", "", 1))
	if got := writeAll(t, l, nil); string(got) != "H\nT002\n" {
		t.Errorf("delivery = %q", got)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteIOError(t *testing.T) {
	l := compile(t, strings.Replace(smallFixed, "%s", "", 1))
	w := NewWriter(failWriter{}, l, testFile)
	_ = w.WriteGroup(oneMember("E1", "X")) // buffered
	if err := w.Close(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Close = %v, want the write error", err)
	}
}
