package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onboard/onboard/engine/model"
)

// codecGroups returns hand-built groups covering what a stored version
// holds: locations, subscribers with addresses, employment, dependents and
// enrollments, terminated members, empty and absent optional parts.
func codecGroups() map[string]*model.Group {
	est := time.FixedZone("EST", -5*60*60)
	at := time.Date(2027, 1, 2, 3, 4, 5, 600_000_007, time.UTC)
	atEST := time.Date(2026, 12, 31, 23, 59, 59, 0, est)
	now := time.Now() // Local, with a monotonic reading
	long := strings.Repeat("Gulf Coast Marine Supply — ", 12)
	return map[string]*model.Group{
		"minimal": {ExternalIdentifier: "G-MIN"},
		"empty optional parts": {
			ExternalIdentifier: "G-EMPTY", Employer: model.Employer{OrganizationName: "Empty Co"},
			PrimaryLocation:    &model.Location{}, // set but zero: JSON keeps the pointer
			SecondaryLocations: []model.Location{},
			Subscribers: []model.Subscriber{{ExternalIdentifier: "E1", FirstName: "Ann", LastName: "Lee",
				ResidentialAddress: &model.Address{}, EmploymentDetails: &model.EmploymentDetails{},
				Enrollments: []model.Enrollment{}, Dependents: []model.Dependent{{ExternalIdentifier: "E1-C", ProductLines: []string{}}},
				Errors: []model.Error{}}},
			Errors: []model.Error{},
		},
		"full": {
			ID: "0193a3e4-7c1f-7000-8000-000000000001", ExternalIdentifier: "GCM-001", PartnerID: "acme", CarrierID: "bc",
			Employer: model.Employer{OrganizationName: long, FEIN: "591234567", EstablishedDate: "1999-08-13",
				EmployerType: "private_sector", SICCode: "5088"},
			PrimaryLocation: &model.Location{ID: "l1", ExternalIdentifier: "LOC-1", Type: "physical",
				EmployerAddress: model.Address{AddressLine1: "30 W Live Oak Ave", AddressLine2: "Suite 2", City: "Defuniak Springs",
					State: "FL", Zip: "32435", FIPSCountyCode: "12131", CountryCode: "US"}},
			SecondaryLocations: []model.Location{
				{ID: "l2", ExternalIdentifier: "LOC-2", Type: "remote", EmployerAddress: model.Address{City: "Mobile", State: "AL"}},
				{ExternalIdentifier: "LOC-3"},
			},
			PolicyNumber: "POL-77", Status: model.StatusErrors, StatusDatetime: &at,
			Errors: []model.Error{
				{ErrorType: model.ErrCarrierRule, Message: "is not offered", Parameter: "group.employer", Value: "x"},
				{ErrorType: model.ErrParameterInvalid, Message: "is invalid", Source: &model.Source{File: "census.csv", Line: 12, Column: "Zip"}},
			},
			Subscribers: []model.Subscriber{
				{ID: "s1", ExternalIdentifier: "E1001", LocationExternalIdentifier: "LOC-1", FirstName: "María José", MiddleName: "Q",
					LastName: "Álvarez-Núñez", SocialSecurityNumber: "412551201", BirthDate: "1984-03-02", Gender: "female",
					ResidentialAddress: &model.Address{AddressLine1: "1 Main St", City: "Pensacola", State: "FL", Zip: "32501"},
					EmploymentDetails:  &model.EmploymentDetails{StartDate: "2020-01-06", Status: "full_time", AnnualEarnings: 6_250_000, HoursPerWeek: 37.5},
					Enrollments: []model.Enrollment{
						{ProductLine: model.ProductMedical, PlanID: "BC-PPO-500", CoverageLevel: model.LevelFamily, StartDate: "2027-01-01"},
						{ProductLine: model.ProductDental, PlanID: "BC-DEN-STD", CoverageLevel: model.LevelFamily, StartDate: "2027-01-01"},
						{ProductLine: model.ProductVision, PlanID: "BC-VIS", CoverageLevel: model.LevelEmployeeOnly, StartDate: "2027-01-01"},
					},
					Dependents: []model.Dependent{
						{ID: "d1", ExternalIdentifier: "E1001-S", FirstName: "Jorge", LastName: "Álvarez", BirthDate: "1982-11-20", Gender: "male",
							SocialSecurityNumber: "412551202", SubscriberRelationship: "spouse", ProductLines: []string{"dental", "medical"}},
						{ID: "d2", ExternalIdentifier: "E1001-C1", FirstName: "Sofia", LastName: "Álvarez", BirthDate: "2012-05-14",
							SubscriberRelationship: "child", ProductLines: []string{"medical"}, EndDate: "2027-06-30"},
					},
					Status: model.StatusSynced, StatusDatetime: &atEST},
				{ID: "s2", ExternalIdentifier: "E1002", FirstName: "Darnell", LastName: "Brooks", // terminated
					EmploymentDetails: &model.EmploymentDetails{Status: "terminated", AnnualEarnings: -1, HoursPerWeek: 0.1},
					Enrollments: []model.Enrollment{
						{ProductLine: model.ProductMedical, PlanID: "BC-HMO", StartDate: "2025-01-01", EndDate: "2026-12-31"},
						{ProductLine: model.ProductLife, PlanID: "BC-LIFE-50K", StartDate: "2025-01-01", EndDate: "2026-12-31"},
					},
					Status: model.StatusPending, StatusDatetime: &now,
					Errors: []model.Error{{ErrorType: model.ErrReferenceUnknown, Message: "is unknown", Parameter: "group.subscribers[E1002].location_external_identifier",
						Source: &model.Source{}}}},
				{ExternalIdentifier: "E1003", FirstName: long, LastName: "Z"},
			},
		},
		"bench": codecBenchGroup(20),
	}
}

// jsonRoundTrip is what a version stored as JSON decodes to.
func jsonRoundTrip(t testing.TB, g *model.Group) *model.Group {
	t.Helper()
	data, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	var out model.Group
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

func TestVersionCodecMatchesJSON(t *testing.T) {
	for name, g := range codecGroups() {
		t.Run(name, func(t *testing.T) {
			want := jsonRoundTrip(t, g)
			prefix := []byte("row:")
			data := AppendVersion(prefix, g)
			if !bytes.HasPrefix(data, prefix) || data[len(prefix)] != versionMagic || data[len(prefix)+1] != versionFormat {
				t.Fatalf("AppendVersion does not append magic and format to dst: % x", data[:min(len(data), 8)])
			}
			got, err := DecodeVersion(data[len(prefix):])
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("binary round trip differs from JSON round trip:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestDecodeVersionReadsJSON(t *testing.T) {
	for name, g := range codecGroups() {
		t.Run(name, func(t *testing.T) {
			data, err := json.Marshal(g)
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecodeVersion(data)
			if err != nil {
				t.Fatal(err)
			}
			if want := jsonRoundTrip(t, g); !reflect.DeepEqual(got, want) {
				t.Errorf("JSON version decodes to\n%+v\nwant\n%+v", got, want)
			}
		})
	}
}

func TestVersionCodecZeroCountSlicesAreNil(t *testing.T) {
	g, err := DecodeVersion(AppendVersion(nil, codecGroups()["empty optional parts"]))
	if err != nil {
		t.Fatal(err)
	}
	s := g.Subscribers[0]
	if g.SecondaryLocations != nil || g.Errors != nil || s.Enrollments != nil || s.Errors != nil || s.Dependents[0].ProductLines != nil {
		t.Errorf("empty slices decode as non-nil: %+v", g)
	}
	if g.PrimaryLocation == nil || s.ResidentialAddress == nil || s.EmploymentDetails == nil {
		t.Errorf("set pointers to zero values decode as nil: %+v", g)
	}
}

// TestVersionCodecCompleteness fills every exported field of model.Group,
// recursively, with distinct non-zero values: a field the codec forgets
// comes back zero and fails the test.
func TestVersionCodecCompleteness(t *testing.T) {
	g := filledGroup(t)
	got, err := DecodeVersion(AppendVersion(nil, g))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, g) {
		t.Fatalf("round trip loses fields:\n got %+v\nwant %+v", got, g)
	}
	if want := jsonRoundTrip(t, g); !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip differs from JSON's:\n got %+v\nwant %+v", got, want)
	}
}

// filledGroup returns a model.Group with every exported field, at every
// depth, set to a distinct non-zero value and every slice holding two items.
func filledGroup(t testing.TB) *model.Group {
	var g model.Group
	n := 0
	var fill func(v reflect.Value, path string)
	fill = func(v reflect.Value, path string) {
		n++
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Unix(1_800_000_000+int64(n), int64(n)).UTC()))
			return
		}
		switch v.Kind() {
		case reflect.String:
			v.SetString(fmt.Sprintf("%s#%d", path, n))
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			v.SetInt(int64(n))
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			v.SetUint(uint64(n))
		case reflect.Float32, reflect.Float64:
			v.SetFloat(float64(n) + 0.25)
		case reflect.Bool:
			v.SetBool(true)
		case reflect.Pointer:
			v.Set(reflect.New(v.Type().Elem()))
			fill(v.Elem(), path)
		case reflect.Slice:
			v.Set(reflect.MakeSlice(v.Type(), 2, 2))
			for i := range 2 {
				fill(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
		case reflect.Struct:
			for i := range v.NumField() {
				f := v.Type().Field(i)
				if !f.IsExported() {
					t.Fatalf("%s.%s is unexported: decide whether versions keep it, then teach the codec and this test", path, f.Name)
				}
				if f.Tag.Get("json") == "-" {
					continue // state kept beside the versions (the carrier keys), not in them
				}
				fill(v.Field(i), path+"."+f.Name)
			}
		default:
			t.Fatalf("%s is a %s: teach the version codec (codec.go) and this filler that kind", path, v.Kind())
		}
	}
	fill(reflect.ValueOf(&g).Elem(), "group")
	return &g
}

func TestDecodeVersionTruncated(t *testing.T) {
	for name, g := range map[string]*model.Group{"full": codecGroups()["full"], "filled": filledGroup(t)} {
		data := AppendVersion(nil, g)
		for n := range len(data) {
			_, err := DecodeVersion(data[:n])
			if !errors.Is(err, errVersionTruncated) || !strings.HasPrefix(err.Error(), "decoding group version: ") {
				t.Fatalf("%s: decoding the first %d of %d bytes: err = %v, want a truncation error", name, n, len(data), err)
			}
		}
	}
}

func TestDecodeVersionErrors(t *testing.T) {
	valid := AppendVersion(nil, codecGroups()["full"])
	header := []byte{versionMagic, versionFormat}
	// emptyThrough returns a version whose fields before the one under test
	// are empty: the group's nine leading strings, then no primary location.
	emptyThrough := func(tail ...byte) []byte {
		b := append(append([]byte{}, header...), make([]byte, 9)...)
		return append(b, tail...)
	}
	tests := []struct {
		name        string
		data        []byte
		errIs       error
		errContains string
	}{
		{"empty", nil, errVersionTruncated, "unexpected end of data"},
		{"unknown leading byte", []byte("<group/>"), errVersionCorrupt, "unknown leading byte 0x3c"},
		{"unknown format", []byte{versionMagic, 9}, errVersionCorrupt, "unknown format 9"},
		{"trailing bytes", append(append([]byte{}, valid...), 0, 0), errVersionCorrupt, "2 trailing bytes"},
		{"huge string length", append(append([]byte{}, header...), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f), errVersionTruncated, "at byte 2"},
		{"huge subscriber count", emptyThrough(0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0), errVersionTruncated, "items cannot fit"},
		{"varint overflow", append(append([]byte{}, header...), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02), errVersionCorrupt, "overflows"},
		{"presence byte 2", emptyThrough(2), errVersionCorrupt, "at byte 11: corrupt data: presence byte"},
		{"nanoseconds out of range", emptyThrough(0, 0, 0, 0, 0, 1, 0, 0x80, 0x94, 0xeb, 0xdc, 0x03, 0, 0), errVersionCorrupt, "invalid time"},
		{"zone offset out of range", emptyThrough(0, 0, 0, 0, 0, 1, 0, 0, 0xff, 0xff, 0x7f, 0), errVersionCorrupt, "invalid time"},
		{"bad JSON", []byte(`{"id":`), nil, "decoding group version: unexpected end of JSON input"},
		{"JSON with trailing data", []byte(`{} {}`), nil, "decoding group version: invalid character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := DecodeVersion(tt.data)
			if err == nil {
				t.Fatalf("decoded %+v, want an error", g)
			}
			if tt.errIs != nil && !errors.Is(err, tt.errIs) {
				t.Errorf("err = %v, want it to wrap %v", err, tt.errIs)
			}
			if !strings.HasPrefix(err.Error(), "decoding group version: ") || !strings.Contains(err.Error(), tt.errContains) {
				t.Errorf("err = %q, want it to contain %q", err, tt.errContains)
			}
		})
	}
}

// TestDecodeVersionHostileLengthsAllocateLittle: declared lengths are checked
// against the bytes left before anything is allocated.
func TestDecodeVersionHostileLengthsAllocateLittle(t *testing.T) {
	for _, data := range [][]byte{
		{versionMagic, versionFormat, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f, 0},    // subscribers
		{versionMagic, versionFormat, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0, 0, 0}, // secondary locations
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := DecodeVersion(data)
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Fatalf("% x decoded without error", data)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 64<<10 {
			t.Errorf("decoding % x allocated %d bytes", data, got)
		}
	}
}

// hasNaN reports whether g holds a NaN, which reflect.DeepEqual never finds
// equal to itself.
func hasNaN(g *model.Group) bool {
	for _, s := range g.Subscribers {
		if s.EmploymentDetails != nil && math.IsNaN(s.EmploymentDetails.HoursPerWeek) {
			return true
		}
	}
	return false
}

func FuzzDecodeVersion(f *testing.F) {
	for name, g := range codecGroups() {
		if name != "bench" { // large seeds make minimizing slow
			f.Add(AppendVersion(nil, g))
		}
	}
	f.Add(AppendVersion(nil, filledGroup(f)))
	full, err := json.Marshal(codecGroups()["full"])
	if err != nil {
		f.Fatal(err)
	}
	f.Add(full)
	f.Add([]byte{versionMagic, versionFormat})
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := DecodeVersion(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "decoding group version: ") {
				t.Fatalf("error %q does not say what failed", err)
			}
			return
		}
		enc := AppendVersion(nil, g)
		g2, err := DecodeVersion(enc)
		if err != nil {
			t.Fatalf("re-encoding of a decoded version does not decode: %v", err)
		}
		if !bytes.Equal(AppendVersion(nil, g2), enc) {
			t.Fatalf("re-encoded version decodes to a different value:\n%+v\n%+v", g, g2)
		}
		// A JSON version may hold a time whose location the binary form does
		// not keep ("+00:00" parses as Local when Local is UTC; binary offset
		// 0 decodes as UTC, as "Z" does), so only binary input must come back
		// deeply equal; both must re-encode identically (checked above).
		if data[0] == versionMagic && !hasNaN(g) && !reflect.DeepEqual(g, g2) {
			t.Fatalf("re-encoded version decodes to a different value:\n%+v\n%+v", g, g2)
		}
	})
}

// codecBenchGroup returns a group of subs subscribers with three or four
// enrollments each and, in turn, a spouse and a child, no dependent, a
// spouse, a child: about 2*subs members.
func codecBenchGroup(subs int) *model.Group {
	id := func(kind, i int) string { return fmt.Sprintf("0193a3e4-7c1f-7%03x-8%03x-%012x", kind, i%4096, i) }
	g := &model.Group{ID: id(0, 0), ExternalIdentifier: "GCM-001", PartnerID: "acme", CarrierID: "bc",
		Employer: model.Employer{OrganizationName: "Gulf Coast Marine Supply LLC", FEIN: "591234567", EstablishedDate: "1999-08-13", EmployerType: "private_sector"},
		PrimaryLocation: &model.Location{ID: id(1, 0), ExternalIdentifier: "LOC-1", Type: "physical", EmployerAddress: model.Address{
			AddressLine1: "30 W Live Oak Ave", City: "Defuniak Springs", State: "FL", Zip: "32435", FIPSCountyCode: "12131"}},
		SecondaryLocations: []model.Location{{ID: id(1, 1), ExternalIdentifier: "LOC-2", Type: "remote", EmployerAddress: model.Address{City: "Mobile", State: "AL", Zip: "36602"}}},
	}
	g.Subscribers = make([]model.Subscriber, subs)
	for i := range g.Subscribers {
		ext := fmt.Sprintf("E%06d", i)
		s := model.Subscriber{ID: id(2, i), ExternalIdentifier: ext, LocationExternalIdentifier: "LOC-1",
			FirstName: "Maria", LastName: "Alvarez", SocialSecurityNumber: fmt.Sprintf("412%06d", i), BirthDate: "1984-03-02", Gender: "female",
			ResidentialAddress: &model.Address{AddressLine1: fmt.Sprintf("%d Palafox St", 100+i), City: "Pensacola", State: "FL", Zip: "32501"},
			EmploymentDetails:  &model.EmploymentDetails{StartDate: "2020-01-06", Status: "full_time", AnnualEarnings: 5_200_000 + int64(i)*100, HoursPerWeek: 40},
			Enrollments: []model.Enrollment{
				{ProductLine: model.ProductMedical, PlanID: "BC-PPO-500", CoverageLevel: model.LevelFamily, StartDate: "2027-01-01"},
				{ProductLine: model.ProductDental, PlanID: "BC-DEN-STD", CoverageLevel: model.LevelFamily, StartDate: "2027-01-01"},
				{ProductLine: model.ProductVision, PlanID: "BC-VIS-BASIC", CoverageLevel: model.LevelEmployeeOnly, StartDate: "2027-01-01"},
			},
		}
		if i%2 == 0 {
			s.Enrollments = append(s.Enrollments, model.Enrollment{ProductLine: model.ProductLife, PlanID: "BC-LIFE-50K", CoverageLevel: model.LevelEmployeeOnly, StartDate: "2027-01-01"})
		}
		for j := range []int{2, 0, 1, 1}[i%4] {
			rel, first, born := "child", "Sofia", "2012-05-14"
			if j == 0 && i%4 != 3 {
				rel, first, born = "spouse", "Jorge", "1982-11-20"
			}
			s.Dependents = append(s.Dependents, model.Dependent{ID: id(3, 3*i+j), ExternalIdentifier: fmt.Sprintf("%s-%d", ext, j+1),
				FirstName: first, LastName: "Alvarez", BirthDate: born, SubscriberRelationship: rel, ProductLines: []string{"dental", "medical"}})
		}
		g.Subscribers[i] = s
	}
	return g
}

// BenchmarkVersionCodec encodes and decodes a stored version of a group of
// 500 members with the binary codec and with encoding/json.
func BenchmarkVersionCodec(b *testing.B) {
	g := codecBenchGroup(250)
	members := len(g.Subscribers)
	for _, s := range g.Subscribers {
		members += len(s.Dependents)
	}
	jsonData, err := json.Marshal(g)
	if err != nil {
		b.Fatal(err)
	}
	codecs := []struct {
		name   string
		data   []byte
		encode func() []byte
		decode func([]byte) error
	}{
		{"binary", AppendVersion(nil, g), func() []byte { return AppendVersion(nil, g) },
			func(d []byte) error { _, err := DecodeVersion(d); return err }},
		{"json", jsonData, func() []byte { d, _ := json.Marshal(g); return d },
			func(d []byte) error { var g model.Group; return json.Unmarshal(d, &g) }},
	}
	for _, c := range codecs {
		// report runs after the loop: b.Loop resets the timer, which drops
		// metrics reported before it.
		report := func(b *testing.B) {
			b.SetBytes(int64(len(c.data)))
			b.ReportMetric(float64(len(c.data)), "encoded-bytes")
			b.ReportMetric(float64(len(c.data))/float64(members), "bytes/member")
		}
		b.Run(c.name+"/encode", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.encode()
			}
			report(b)
		})
		b.Run(c.name+"/decode", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := c.decode(c.data); err != nil {
					b.Fatal(err)
				}
			}
			report(b)
		})
	}
}

// TestSubscriberContentIsTheEncodingWithoutWhatOnboardAdds: the content
// encoding of a subscriber is byte for byte the encoding of a copy with its
// id, dependents' ids, status and errors cleared (the intake's hashes of
// stored subscribers stay valid), and it differs when the partner's data
// does.
func TestSubscriberContentIsTheEncodingWithoutWhatOnboardAdds(t *testing.T) {
	s := filledGroup(t).Subscribers[0]
	c := s
	c.ID, c.Status, c.StatusDatetime, c.Errors = "", "", nil, nil
	c.Dependents = slices.Clone(s.Dependents)
	for i := range c.Dependents {
		c.Dependents[i].ID = ""
	}
	c.QualifyingLifeEvents = slices.Clone(s.QualifyingLifeEvents)
	for i := range c.QualifyingLifeEvents {
		q := &c.QualifyingLifeEvents[i]
		q.ID, q.Status, q.StatusDatetime, q.Errors = "", "", nil, nil
	}
	got := AppendSubscriberContent(nil, &s)
	want := (versionEncoder{content: true}).subscriber(nil, &c)
	// Without format 2's fields, the content encoding is format 1's: the
	// full encoding of the cleared copy without its (empty) COBRA event and
	// event count, so hashes stored before format 2 stay valid.
	old := c
	ed := *c.EmploymentDetails
	ed.CobraEvent = ""
	old.EmploymentDetails, old.QualifyingLifeEvents = &ed, nil
	if n, full := len(AppendSubscriberContent(nil, &old)), len((versionEncoder{}).subscriber(nil, &old)); n != full-2 {
		t.Errorf("content encoding without format 2 fields: %d bytes, want %d (format 1's)", n, full-2)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("content encoding differs from the cleared copy's:\n%x\n%x", got, want)
	}
	s.FirstName += "x"
	if bytes.Equal(AppendSubscriberContent(nil, &s), got) {
		t.Fatal("a changed first name encodes the same")
	}
}
