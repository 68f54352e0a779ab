package store

// The binary codec of stored group versions (group_versions.data).
//
// encoding/json costs seconds of CPU per million members and stores each
// member in ~566 bytes; this codec writes the same content in a fraction of
// both. Rows written by earlier versions of onboard are JSON, so
// DecodeVersion still reads JSON: a JSON document starts with '{', a binary
// one with versionMagic.
//
// Format (version 1). Primitives:
//
//	string, Status, ErrorType  uvarint byte length, then the bytes
//	int, int64                 zig-zag varint (encoding/binary.AppendVarint)
//	float64                    uvarint of the IEEE-754 bits with their bytes
//	                           reversed (as encoding/gob does), so round
//	                           numbers such as 40 take 2 bytes
//	bool                       one byte, 0 or 1
//	pointer                    presence byte (0 nil, 1 set), then the value
//	slice                      uvarint count, then the items; 0 decodes as nil
//	*time.Time                 presence byte, then Unix seconds (varint),
//	                           nanoseconds (uvarint, < 1e9) and the zone
//	                           offset in seconds (varint)
//
// Document: versionMagic, versionFormat, then a Group. Structs are their
// fields in this order (nested structs inline):
//
//	Group       ID, ExternalIdentifier, PartnerID, CarrierID, Employer,
//	            *PrimaryLocation, []SecondaryLocations, PolicyNumber,
//	            []Subscribers, Status, *StatusDatetime, []Errors
//	Employer    OrganizationName, FEIN, EstablishedDate, EmployerType, SICCode
//	Location    ID, ExternalIdentifier, Type, EmployerAddress
//	Address     AddressLine1, AddressLine2, City, State, Zip, FIPSCountyCode,
//	            CountryCode
//	Subscriber  ID, ExternalIdentifier, LocationExternalIdentifier, FirstName,
//	            MiddleName, LastName, SocialSecurityNumber, BirthDate, Gender,
//	            *ResidentialAddress, *EmploymentDetails, []Enrollments,
//	            []Dependents, Status, *StatusDatetime, []Errors,
//	            []QualifyingLifeEvents (format 2)
//	EmploymentDetails  StartDate, Status, AnnualEarnings, HoursPerWeek,
//	            CobraEvent (format 2)
//	QualifyingLifeEvent  ID, ExternalIdentifier, Subscriber, Type, EventDate,
//	            EffectiveDate, []Members, []ProductLines, Source, Status,
//	            *StatusDatetime, []Errors
//	Enrollment  ProductLine, PlanID, CoverageLevel, StartDate, EndDate
//	Dependent   ID, ExternalIdentifier, FirstName, MiddleName, LastName,
//	            BirthDate, Gender, SocialSecurityNumber,
//	            SubscriberRelationship, []ProductLines, EndDate
//	Error       ErrorType, Message, Parameter, Value, *Source
//	Source      File, Line, Column
//
// Adding a field to the model means adding it here, in the encoder and in
// the decoder; TestVersionCodecCompleteness fails until all three agree.
// Changing the order or meaning of a field needs a new versionFormat (the
// decoder keeps reading the old ones). Format 1 is format 2 without the
// fields marked (format 2).

import (
	"encoding/binary"
	"errors"
	"math"
	"math/bits"
	"slices"
	"time"

	"github.com/onboard/onboard/engine/model"
)

const (
	// versionMagic starts every binary version. It is neither ASCII nor a
	// UTF-8 lead byte, so no JSON (or any text) document can start with it.
	versionMagic = 0xB1
	// versionFormat is the layout written by AppendVersion; the decoder
	// also reads versionFormat1.
	versionFormat  = 2
	versionFormat1 = 1
	// maxZoneOffset bounds a decoded zone offset (seconds east of UTC); real
	// offsets stay within ±15 hours.
	maxZoneOffset = 24 * 60 * 60
)

// Decoding errors; DecodeVersion wraps them with the byte offset.
var (
	errVersionTruncated = errors.New("unexpected end of data")
	errVersionCorrupt   = errors.New("corrupt data")
)

// AppendVersion appends the binary encoding of g to dst and returns the
// extended slice. It encodes every field of g, statuses and errors included
// (callers strip what they do not store), and allocates only to grow dst.
func AppendVersion(dst []byte, g *model.Group) []byte {
	var e versionEncoder
	dst = slices.Grow(dst, e.sizeHint(g))
	dst = append(dst, versionMagic, versionFormat)
	return e.group(dst, g)
}

// AppendSubscriberContent appends the binary encoding of one subscriber as
// a version holds it, but with its id, its dependents' ids, its status and
// its errors left empty: a canonical byte form of what the partner said of
// the subscriber, which the intake hashes to tell changed members from
// unchanged ones (byte for byte the encoding of a copy with those fields
// cleared, without making the copy).
func AppendSubscriberContent(dst []byte, s *model.Subscriber) []byte {
	return versionEncoder{content: true}.subscriber(dst, s)
}

type versionEncoder struct {
	// content leaves out what onboard adds to a subscriber (ids, status,
	// errors): AppendSubscriberContent.
	content bool
}

// id is an id to encode: empty when encoding content only.
func (e versionEncoder) id(s string) string {
	if e.content {
		return ""
	}
	return s
}

// sizeHint estimates the encoded size of g from typical sizes of its parts,
// so that a large version grows dst once rather than a dozen times.
func (versionEncoder) sizeHint(g *model.Group) int {
	n := 256 + 128*len(g.SecondaryLocations)
	for i := range g.Subscribers {
		s := &g.Subscribers[i]
		n += 128 + 128*len(s.Dependents) + 48*len(s.Enrollments)
	}
	return n
}

func (versionEncoder) uvarint(b []byte, v uint64) []byte {
	if v < 0x80 {
		return append(b, byte(v))
	}
	return binary.AppendUvarint(b, v)
}

func (versionEncoder) varint(b []byte, v int64) []byte { return binary.AppendVarint(b, v) }

func (e versionEncoder) str(b []byte, s string) []byte {
	return append(e.uvarint(b, uint64(len(s))), s...)
}

func (e versionEncoder) float(b []byte, f float64) []byte {
	return e.uvarint(b, bits.ReverseBytes64(math.Float64bits(f)))
}

// present appends a presence byte.
func (versionEncoder) present(b []byte, set bool) []byte {
	if set {
		return append(b, 1)
	}
	return append(b, 0)
}

func (e versionEncoder) time(b []byte, t *time.Time) []byte {
	b = e.present(b, t != nil)
	if t == nil {
		return b
	}
	_, off := t.Zone()
	b = e.varint(b, t.Unix())
	b = e.uvarint(b, uint64(t.Nanosecond()))
	return e.varint(b, int64(off))
}

func (e versionEncoder) group(b []byte, g *model.Group) []byte {
	b = e.str(b, g.ID)
	b = e.str(b, g.ExternalIdentifier)
	b = e.str(b, g.PartnerID)
	b = e.str(b, g.CarrierID)
	b = e.str(b, g.Employer.OrganizationName)
	b = e.str(b, g.Employer.FEIN)
	b = e.str(b, g.Employer.EstablishedDate)
	b = e.str(b, g.Employer.EmployerType)
	b = e.str(b, g.Employer.SICCode)
	b = e.present(b, g.PrimaryLocation != nil)
	if g.PrimaryLocation != nil {
		b = e.location(b, g.PrimaryLocation)
	}
	b = e.uvarint(b, uint64(len(g.SecondaryLocations)))
	for i := range g.SecondaryLocations {
		b = e.location(b, &g.SecondaryLocations[i])
	}
	b = e.str(b, g.PolicyNumber)
	b = e.uvarint(b, uint64(len(g.Subscribers)))
	for i := range g.Subscribers {
		b = e.subscriber(b, &g.Subscribers[i])
	}
	b = e.str(b, string(g.Status))
	b = e.time(b, g.StatusDatetime)
	return e.errorList(b, g.Errors)
}

func (e versionEncoder) location(b []byte, l *model.Location) []byte {
	b = e.str(b, l.ID)
	b = e.str(b, l.ExternalIdentifier)
	b = e.str(b, l.Type)
	return e.address(b, &l.EmployerAddress)
}

func (e versionEncoder) address(b []byte, a *model.Address) []byte {
	b = e.str(b, a.AddressLine1)
	b = e.str(b, a.AddressLine2)
	b = e.str(b, a.City)
	b = e.str(b, a.State)
	b = e.str(b, a.Zip)
	b = e.str(b, a.FIPSCountyCode)
	return e.str(b, a.CountryCode)
}

func (e versionEncoder) subscriber(b []byte, s *model.Subscriber) []byte {
	b = e.str(b, e.id(s.ID))
	b = e.str(b, s.ExternalIdentifier)
	b = e.str(b, s.LocationExternalIdentifier)
	b = e.str(b, s.FirstName)
	b = e.str(b, s.MiddleName)
	b = e.str(b, s.LastName)
	b = e.str(b, s.SocialSecurityNumber)
	b = e.str(b, s.BirthDate)
	b = e.str(b, s.Gender)
	b = e.present(b, s.ResidentialAddress != nil)
	if s.ResidentialAddress != nil {
		b = e.address(b, s.ResidentialAddress)
	}
	b = e.present(b, s.EmploymentDetails != nil)
	if d := s.EmploymentDetails; d != nil {
		b = e.str(b, d.StartDate)
		b = e.str(b, d.Status)
		b = e.varint(b, d.AnnualEarnings)
		b = e.float(b, d.HoursPerWeek)
		if !e.content {
			b = e.str(b, d.CobraEvent)
		}
	}
	b = e.uvarint(b, uint64(len(s.Enrollments)))
	for i := range s.Enrollments {
		n := &s.Enrollments[i]
		b = e.str(b, n.ProductLine)
		b = e.str(b, n.PlanID)
		b = e.str(b, n.CoverageLevel)
		b = e.str(b, n.StartDate)
		b = e.str(b, n.EndDate)
	}
	b = e.uvarint(b, uint64(len(s.Dependents)))
	for i := range s.Dependents {
		b = e.dependent(b, &s.Dependents[i])
	}
	if e.content {
		b = e.str(b, "")
		b = e.time(b, nil)
		b = e.errorList(b, nil)
		// The fields format 2 added come last and only when set, so a
		// subscriber without them hashes as it did under format 1 (the
		// hashes stored with earlier versions stay valid).
		cobra := ""
		if s.EmploymentDetails != nil {
			cobra = s.EmploymentDetails.CobraEvent
		}
		if cobra == "" && len(s.QualifyingLifeEvents) == 0 {
			return b
		}
		b = e.str(b, cobra)
	} else {
		b = e.str(b, string(s.Status))
		b = e.time(b, s.StatusDatetime)
		b = e.errorList(b, s.Errors)
	}
	b = e.uvarint(b, uint64(len(s.QualifyingLifeEvents)))
	for i := range s.QualifyingLifeEvents {
		b = e.event(b, &s.QualifyingLifeEvents[i])
	}
	return b
}

func (e versionEncoder) event(b []byte, q *model.QualifyingLifeEvent) []byte {
	b = e.str(b, e.id(q.ID))
	b = e.str(b, q.ExternalIdentifier)
	b = e.str(b, q.Subscriber)
	b = e.str(b, q.Type)
	b = e.str(b, q.EventDate)
	b = e.str(b, q.EffectiveDate)
	for _, list := range [][]string{q.Members, q.ProductLines} {
		b = e.uvarint(b, uint64(len(list)))
		for _, v := range list {
			b = e.str(b, v)
		}
	}
	b = e.str(b, q.Source)
	if e.content {
		b = e.str(b, "")
		b = e.time(b, nil)
		return e.errorList(b, nil)
	}
	b = e.str(b, string(q.Status))
	b = e.time(b, q.StatusDatetime)
	return e.errorList(b, q.Errors)
}

func (e versionEncoder) dependent(b []byte, d *model.Dependent) []byte {
	b = e.str(b, e.id(d.ID))
	b = e.str(b, d.ExternalIdentifier)
	b = e.str(b, d.FirstName)
	b = e.str(b, d.MiddleName)
	b = e.str(b, d.LastName)
	b = e.str(b, d.BirthDate)
	b = e.str(b, d.Gender)
	b = e.str(b, d.SocialSecurityNumber)
	b = e.str(b, d.SubscriberRelationship)
	b = e.uvarint(b, uint64(len(d.ProductLines)))
	for _, p := range d.ProductLines {
		b = e.str(b, p)
	}
	return e.str(b, d.EndDate)
}

func (e versionEncoder) errorList(b []byte, errs []model.Error) []byte {
	b = e.uvarint(b, uint64(len(errs)))
	for i := range errs {
		x := &errs[i]
		b = e.str(b, string(x.ErrorType))
		b = e.str(b, x.Message)
		b = e.str(b, x.Parameter)
		b = e.str(b, x.Value)
		b = e.present(b, x.Source != nil)
		if x.Source != nil {
			b = e.str(b, x.Source.File)
			b = e.varint(b, int64(x.Source.Line))
			b = e.str(b, x.Source.Column)
		}
	}
	return b
}
