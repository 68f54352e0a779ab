package store

// Decoding of stored group versions; the format is documented in codec.go.

import (
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"time"

	"github.com/onboard/onboard/engine/model"
)

// The smallest encodings of one item of each repeated type (every field at
// its zero value), against which a declared count is checked before any
// allocation: a count of n needs at least n*min bytes of input, so hostile
// data cannot make the decoder allocate more than a small multiple of its
// own size.
var (
	minLocationLen = len(versionEncoder{}.location(nil, &model.Location{}))
	// Format 1 items are a byte shorter than format 2's: the minimums are
	// format 1's, which bound both.
	minSubscriberLen = len(versionEncoder{}.subscriber(nil, &model.Subscriber{})) - 1
	minEventLen      = len(versionEncoder{}.event(nil, &model.QualifyingLifeEvent{}))
	minDependentLen  = len(versionEncoder{}.dependent(nil, &model.Dependent{}))
	minEnrollmentLen = len(versionEncoder{}.subscriber(nil, &model.Subscriber{Enrollments: make([]model.Enrollment, 1)})) - minSubscriberLen
	minErrorLen      = len(versionEncoder{}.errorList(nil, make([]model.Error, 1))) - 1
	minAddressLen    = len(versionEncoder{}.address(nil, &model.Address{}))
	minEmploymentLen = len(versionEncoder{}.subscriber(nil, &model.Subscriber{EmploymentDetails: &model.EmploymentDetails{}})) - minSubscriberLen - 2
)

// DecodeVersion decodes a stored version: AppendVersion's binary form, or
// the JSON that earlier versions of onboard stored (data starting with '{').
// Truncated, corrupt or trailing data is an error. The result does not
// alias data, but its strings share one copy of it and its small values
// (addresses, enrollments, dependents) are carved from shared slabs: keeping
// any part of a decoded version keeps much of it, which suits versions that
// are decoded, compared and dropped.
func DecodeVersion(data []byte) (*model.Group, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("decoding group version: %w", errVersionTruncated)
	}
	switch data[0] {
	case '{':
		var g model.Group
		if err := json.Unmarshal(data, &g); err != nil {
			return nil, fmt.Errorf("decoding group version: %w", err)
		}
		return &g, nil
	case versionMagic:
	default:
		return nil, fmt.Errorf("decoding group version: %w: unknown leading byte 0x%02x", errVersionCorrupt, data[0])
	}
	if len(data) < 2 {
		return nil, fmt.Errorf("decoding group version: %w", errVersionTruncated)
	}
	if data[1] != versionFormat && data[1] != versionFormat1 {
		return nil, fmt.Errorf("decoding group version: %w: unknown format %d", errVersionCorrupt, data[1])
	}
	d := versionDecoder{s: string(data), off: 2, format: data[1]}
	g := new(model.Group)
	d.group(g)
	if d.err == nil && d.off != len(d.s) {
		d.fail(fmt.Errorf("%w: %d trailing bytes", errVersionCorrupt, len(d.s)-d.off))
	}
	if d.err != nil {
		return nil, fmt.Errorf("decoding group version: at byte %d: %w", d.errOff, d.err)
	}
	return g, nil
}

// versionDecoder reads a version from s, one string copy of the input, so
// that decoded strings are substrings of it rather than one allocation each.
// The first error sticks: later reads return zero values and slices stop
// growing, and DecodeVersion reports the error once.
type versionDecoder struct {
	format byte // versionFormat or versionFormat1
	s      string
	off    int
	err    error
	errOff int

	// Slabs the small per-subscriber values are carved from (see
	// versionTake): tens of allocations per version instead of thousands.
	addresses   []model.Address
	employments []model.EmploymentDetails
	enrollments []model.Enrollment
	dependents  []model.Dependent
	lines       []string
}

// versionSlabItems is how many items a slab holds when the input is long
// enough: large enough to make allocations rare, small enough that the
// unused tail of the last slab of each kind costs little.
const versionSlabItems = 64

// versionTake returns n items carved from *slab, refilling it when short
// with max(n, versionSlabItems) items, or fewer when the bytes left (at
// minLen bytes an item) cannot hold that many. The result's capacity is n,
// so appending to it copies rather than overwriting its neighbours.
func versionTake[T any](d *versionDecoder, slab *[]T, n, minLen int) []T {
	if len(*slab) < n {
		*slab = make([]T, max(n, min(versionSlabItems, (len(d.s)-d.off)/minLen)))
	}
	items := (*slab)[:n:n]
	*slab = (*slab)[n:]
	return items
}

func (d *versionDecoder) fail(err error) {
	if d.err == nil {
		d.err, d.errOff = err, d.off
	}
	d.off = len(d.s) // every later read fails fast
}

func (d *versionDecoder) next() byte {
	if d.off >= len(d.s) {
		d.fail(errVersionTruncated)
		return 0
	}
	c := d.s[d.off]
	d.off++
	return c
}

func (d *versionDecoder) uvarint() uint64 {
	if d.off < len(d.s) && d.s[d.off] < 0x80 {
		v := d.s[d.off]
		d.off++
		return uint64(v)
	}
	var v uint64
	for shift := uint(0); ; shift += 7 {
		if d.off >= len(d.s) {
			d.fail(errVersionTruncated)
			return 0
		}
		c := d.s[d.off]
		if shift == 63 && c > 1 {
			d.fail(fmt.Errorf("%w: varint overflows 64 bits", errVersionCorrupt))
			return 0
		}
		d.off++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
}

func (d *versionDecoder) varint() int64 {
	u := d.uvarint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

func (d *versionDecoder) str() string {
	start := d.off
	n := d.uvarint()
	if n > uint64(len(d.s)-d.off) {
		d.off = start
		d.fail(errVersionTruncated)
		return ""
	}
	if n == 0 {
		return ""
	}
	s := d.s[d.off : d.off+int(n)]
	d.off += int(n)
	return s
}

func (d *versionDecoder) float() float64 {
	return math.Float64frombits(bits.ReverseBytes64(d.uvarint()))
}

// present reads a presence byte.
func (d *versionDecoder) present() bool {
	switch d.next() {
	case 0:
		return false
	case 1:
		return true
	}
	if d.err == nil {
		d.off--
		d.fail(fmt.Errorf("%w: presence byte is neither 0 nor 1", errVersionCorrupt))
	}
	return false
}

// count reads a slice length and checks that the bytes left can hold that
// many items of at least minLen bytes each.
func (d *versionDecoder) count(minLen int) int {
	start := d.off
	n := d.uvarint()
	if n == 0 || d.err != nil {
		return 0
	}
	if left := len(d.s) - d.off; n > uint64(left/minLen) {
		d.off = start
		d.fail(fmt.Errorf("%w: %d items cannot fit in the %d bytes left", errVersionTruncated, n, left))
		return 0
	}
	return int(n)
}

// time reads a *time.Time into the location time.Parse would give the
// RFC 3339 text encoding/json writes: UTC for offset 0, Local when Local has
// that offset at that instant, else an unnamed fixed zone. So binary and JSON
// versions of one group decode to equal values.
func (d *versionDecoder) time() *time.Time {
	if !d.present() {
		return nil
	}
	sec := d.varint()
	nsec := d.uvarint()
	off := d.varint()
	if d.err != nil {
		return nil
	}
	if nsec >= 1e9 || off < -maxZoneOffset || off > maxZoneOffset {
		d.fail(fmt.Errorf("%w: invalid time", errVersionCorrupt))
		return nil
	}
	t := time.Unix(sec, int64(nsec))
	switch _, local := t.Zone(); {
	case off == 0:
		t = t.UTC()
	case int64(local) != off:
		t = t.In(time.FixedZone("", int(off)))
	}
	return &t
}

func (d *versionDecoder) group(g *model.Group) {
	g.ID = d.str()
	g.ExternalIdentifier = d.str()
	g.PartnerID = d.str()
	g.CarrierID = d.str()
	g.Employer.OrganizationName = d.str()
	g.Employer.FEIN = d.str()
	g.Employer.EstablishedDate = d.str()
	g.Employer.EmployerType = d.str()
	g.Employer.SICCode = d.str()
	if d.present() {
		g.PrimaryLocation = new(model.Location)
		d.location(g.PrimaryLocation)
	}
	if n := d.count(minLocationLen); n > 0 {
		g.SecondaryLocations = make([]model.Location, n)
		for i := range g.SecondaryLocations {
			d.location(&g.SecondaryLocations[i])
		}
	}
	g.PolicyNumber = d.str()
	if n := d.count(minSubscriberLen); n > 0 {
		g.Subscribers = make([]model.Subscriber, n)
		for i := 0; i < n && d.err == nil; i++ {
			d.subscriber(&g.Subscribers[i])
		}
	}
	g.Status = model.Status(d.str())
	g.StatusDatetime = d.time()
	g.Errors = d.errorList()
}

func (d *versionDecoder) location(l *model.Location) {
	l.ID = d.str()
	l.ExternalIdentifier = d.str()
	l.Type = d.str()
	d.address(&l.EmployerAddress)
}

func (d *versionDecoder) address(a *model.Address) {
	a.AddressLine1 = d.str()
	a.AddressLine2 = d.str()
	a.City = d.str()
	a.State = d.str()
	a.Zip = d.str()
	a.FIPSCountyCode = d.str()
	a.CountryCode = d.str()
}

func (d *versionDecoder) subscriber(s *model.Subscriber) {
	s.ID = d.str()
	s.ExternalIdentifier = d.str()
	s.LocationExternalIdentifier = d.str()
	s.FirstName = d.str()
	s.MiddleName = d.str()
	s.LastName = d.str()
	s.SocialSecurityNumber = d.str()
	s.BirthDate = d.str()
	s.Gender = d.str()
	if d.present() {
		s.ResidentialAddress = &versionTake(d, &d.addresses, 1, minAddressLen)[0]
		d.address(s.ResidentialAddress)
	}
	if d.present() {
		e := &versionTake(d, &d.employments, 1, minEmploymentLen)[0]
		e.StartDate = d.str()
		e.Status = d.str()
		e.AnnualEarnings = d.varint()
		e.HoursPerWeek = d.float()
		if d.format >= 2 {
			e.CobraEvent = d.str()
		}
		s.EmploymentDetails = e
	}
	if n := d.count(minEnrollmentLen); n > 0 {
		s.Enrollments = versionTake(d, &d.enrollments, n, minEnrollmentLen)
		for i := range s.Enrollments {
			s.Enrollments[i] = model.Enrollment{
				ProductLine:   d.str(),
				PlanID:        d.str(),
				CoverageLevel: d.str(),
				StartDate:     d.str(),
				EndDate:       d.str(),
			}
		}
	}
	if n := d.count(minDependentLen); n > 0 {
		s.Dependents = versionTake(d, &d.dependents, n, minDependentLen)
		for i := 0; i < n && d.err == nil; i++ {
			d.dependent(&s.Dependents[i])
		}
	}
	s.Status = model.Status(d.str())
	s.StatusDatetime = d.time()
	s.Errors = d.errorList()
	if d.format < 2 {
		return
	}
	if n := d.count(minEventLen); n > 0 {
		s.QualifyingLifeEvents = make([]model.QualifyingLifeEvent, n)
		for i := 0; i < n && d.err == nil; i++ {
			d.event(&s.QualifyingLifeEvents[i])
		}
	}
}

func (d *versionDecoder) event(q *model.QualifyingLifeEvent) {
	q.ID = d.str()
	q.ExternalIdentifier = d.str()
	q.Subscriber = d.str()
	q.Type = d.str()
	q.EventDate = d.str()
	q.EffectiveDate = d.str()
	for _, list := range []*[]string{&q.Members, &q.ProductLines} {
		if n := d.count(1); n > 0 {
			*list = make([]string, n)
			for i := range *list {
				(*list)[i] = d.str()
			}
		}
	}
	q.Source = d.str()
	q.Status = model.Status(d.str())
	q.StatusDatetime = d.time()
	q.Errors = d.errorList()
}

func (d *versionDecoder) dependent(p *model.Dependent) {
	p.ID = d.str()
	p.ExternalIdentifier = d.str()
	p.FirstName = d.str()
	p.MiddleName = d.str()
	p.LastName = d.str()
	p.BirthDate = d.str()
	p.Gender = d.str()
	p.SocialSecurityNumber = d.str()
	p.SubscriberRelationship = d.str()
	if n := d.count(1); n > 0 {
		p.ProductLines = versionTake(d, &d.lines, n, 1)
		for i := range p.ProductLines {
			p.ProductLines[i] = d.str()
		}
	}
	p.EndDate = d.str()
}

func (d *versionDecoder) errorList() []model.Error {
	n := d.count(minErrorLen)
	if n == 0 {
		return nil
	}
	errs := make([]model.Error, n)
	for i := 0; i < n && d.err == nil; i++ {
		x := &errs[i]
		x.ErrorType = model.ErrorType(d.str())
		x.Message = d.str()
		x.Parameter = d.str()
		x.Value = d.str()
		if d.present() {
			x.Source = &model.Source{File: d.str(), Line: int(d.varint()), Column: d.str()}
		}
	}
	return errs
}
