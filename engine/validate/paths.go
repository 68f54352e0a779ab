package validate

import "github.com/onboard/onboard/engine/model"

// entity is the canonical path of a validated object, kept as its parts
// and joined (with model's path helpers) only when an error names it: a
// clean group, the common case, builds no path at all.
type entity struct {
	kind entityKind
	// id is the location's or subscriber's external identifier; sub the
	// dependent's, or the enrollment's product line.
	id, sub string
	// part is a sub-object's path below the entity (".employer_address").
	part string
}

type entityKind uint8

const (
	entGroup entityKind = iota
	entEmployer
	entPrimaryLocation
	entSecondaryLocation
	entSubscriber
	entDependent
	entEnrollment
)

func groupPath() entity                   { return entity{kind: entGroup} }
func employerPath() entity                { return entity{kind: entEmployer} }
func subscriberPath(id string) entity     { return entity{kind: entSubscriber, id: id} }
func dependentPath(sub, id string) entity { return entity{kind: entDependent, id: sub, sub: id} }
func enrollmentPath(sub, line string) entity {
	return entity{kind: entEnrollment, id: sub, sub: line}
}

func locationPath(id string, primary bool) entity {
	if primary {
		return entity{kind: entPrimaryLocation, id: id}
	}
	return entity{kind: entSecondaryLocation, id: id}
}

// below returns the path of a sub-object (".residential_address").
func (e entity) below(part string) entity {
	e.part += part
	return e
}

// isLocation reports whether e is a location or below one.
func (e entity) isLocation() bool {
	return e.kind == entPrimaryLocation || e.kind == entSecondaryLocation
}

// String returns the path.
func (e entity) String() string {
	var p string
	switch e.kind {
	case entGroup:
		p = model.PathGroup
	case entEmployer:
		p = "group.employer"
	case entPrimaryLocation:
		p = model.LocationPath(e.id, true)
	case entSecondaryLocation:
		p = model.LocationPath(e.id, false)
	case entSubscriber:
		p = model.SubscriberPath(e.id)
	case entDependent:
		p = model.DependentPath(e.id, e.sub)
	case entEnrollment:
		p = model.EnrollmentPath(e.id, e.sub)
	}
	return p + e.part
}

// field returns the path of a field of e.
func (e entity) field(name string) string {
	return e.String() + "." + name
}
