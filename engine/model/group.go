package model

import "time"

// Group is an employer group as onboard holds it: the partner's data plus the
// ids and statuses onboard assigns.
type Group struct {
	ID                 string     `json:"id,omitempty" expr:"id"`
	ExternalIdentifier string     `json:"external_identifier" expr:"external_identifier"`
	PartnerID          string     `json:"partner_id,omitempty" expr:"partner_id"`
	CarrierID          string     `json:"carrier_id,omitempty" expr:"carrier_id"`
	Employer           Employer   `json:"employer" expr:"employer"`
	PrimaryLocation    *Location  `json:"primary_location,omitempty" expr:"primary_location"`
	SecondaryLocations []Location `json:"secondary_locations,omitempty" expr:"secondary_locations"`
	PolicyNumber       string     `json:"policy_number,omitempty" expr:"policy_number"`
	// CarrierGroupKey is the group's key at its carrier, assigned by
	// onboard when the group is created (GroupKey); LegacyMemberKeys marks
	// a group sent before carrier keys existed, whose members keep the
	// external identifiers they were sent with. Neither is the partner's
	// to send (DESIGN.md §7).
	CarrierGroupKey  string       `json:"-"`
	LegacyMemberKeys bool         `json:"-"`
	Subscribers      []Subscriber `json:"subscribers,omitempty" expr:"subscribers"`
	Status           Status       `json:"status,omitempty" expr:"status"`
	StatusDatetime   *time.Time   `json:"status_datetime,omitempty" expr:"status_datetime"`
	Errors           []Error      `json:"errors,omitempty" expr:"errors"`
}

// Employer is the organization behind a group.
type Employer struct {
	OrganizationName string `json:"organization_name" expr:"organization_name"`
	FEIN             string `json:"fein" expr:"fein"`
	EstablishedDate  string `json:"established_date,omitempty" expr:"established_date"`
	EmployerType     string `json:"employer_type,omitempty" expr:"employer_type"`
	SICCode          string `json:"sic_code,omitempty" expr:"sic_code"`
}

// Location is a place employees work.
type Location struct {
	ID                 string  `json:"id,omitempty" expr:"id"`
	ExternalIdentifier string  `json:"external_identifier" expr:"external_identifier"`
	Type               string  `json:"type,omitempty" expr:"type"`
	EmployerAddress    Address `json:"employer_address" expr:"employer_address"`
}

// Address is a US postal address.
type Address struct {
	AddressLine1   string `json:"address_line_1,omitempty" expr:"address_line_1"`
	AddressLine2   string `json:"address_line_2,omitempty" expr:"address_line_2"`
	City           string `json:"city,omitempty" expr:"city"`
	State          string `json:"state,omitempty" expr:"state"`
	Zip            string `json:"zip,omitempty" expr:"zip"`
	FIPSCountyCode string `json:"fips_county_code,omitempty" expr:"fips_county_code"`
	CountryCode    string `json:"country_code,omitempty" expr:"country_code"`
}

// Subscriber is an employee covered by (or eligible under) the group.
type Subscriber struct {
	ID                         string             `json:"id,omitempty" expr:"id"`
	ExternalIdentifier         string             `json:"external_identifier" expr:"external_identifier"`
	LocationExternalIdentifier string             `json:"location_external_identifier,omitempty" expr:"location_external_identifier"`
	FirstName                  string             `json:"first_name" expr:"first_name"`
	MiddleName                 string             `json:"middle_name,omitempty" expr:"middle_name"`
	LastName                   string             `json:"last_name" expr:"last_name"`
	SocialSecurityNumber       string             `json:"social_security_number,omitempty" expr:"social_security_number"`
	BirthDate                  string             `json:"birth_date,omitempty" expr:"birth_date"`
	Gender                     string             `json:"gender,omitempty" expr:"gender"`
	ResidentialAddress         *Address           `json:"residential_address,omitempty" expr:"residential_address"`
	EmploymentDetails          *EmploymentDetails `json:"employment_details,omitempty" expr:"employment_details"`
	Enrollments                []Enrollment       `json:"enrollments,omitempty" expr:"enrollments"`
	Dependents                 []Dependent        `json:"dependents,omitempty" expr:"dependents"`
	Status                     Status             `json:"status,omitempty" expr:"status"`
	StatusDatetime             *time.Time         `json:"status_datetime,omitempty" expr:"status_datetime"`
	Errors                     []Error            `json:"errors,omitempty" expr:"errors"`
	// QualifyingLifeEvents are the events the partner sent with this
	// version of the family (Ideon's qualifying_life_events).
	QualifyingLifeEvents []QualifyingLifeEvent `json:"qualifying_life_events,omitempty" expr:"qualifying_life_events"`
}

// EmploymentDetails describes a subscriber's employment.
type EmploymentDetails struct {
	StartDate string `json:"start_date,omitempty" expr:"start_date"`
	Status    string `json:"status,omitempty" expr:"status"`
	// AnnualEarnings is in cents.
	AnnualEarnings int64   `json:"annual_earnings,omitempty" expr:"annual_earnings"`
	HoursPerWeek   float64 `json:"hours_per_week,omitempty" expr:"hours_per_week"`
	// CobraEvent is the COBRA qualifying event (CobraEvents) of a member
	// whose Status is cobra.
	CobraEvent string `json:"cobra_event,omitempty" expr:"cobra_event"`
}

// Dependent is a spouse, child or partner covered through a subscriber.
type Dependent struct {
	ID                     string   `json:"id,omitempty" expr:"id"`
	ExternalIdentifier     string   `json:"external_identifier" expr:"external_identifier"`
	FirstName              string   `json:"first_name" expr:"first_name"`
	MiddleName             string   `json:"middle_name,omitempty" expr:"middle_name"`
	LastName               string   `json:"last_name" expr:"last_name"`
	BirthDate              string   `json:"birth_date,omitempty" expr:"birth_date"`
	Gender                 string   `json:"gender,omitempty" expr:"gender"`
	SocialSecurityNumber   string   `json:"social_security_number,omitempty" expr:"social_security_number"`
	SubscriberRelationship string   `json:"subscriber_relationship" expr:"subscriber_relationship"`
	ProductLines           []string `json:"product_lines,omitempty" expr:"product_lines"`
	// EndDate, when set, is the date the dependent's coverage ends.
	EndDate string `json:"end_date,omitempty" expr:"end_date"`
}

// Enrollment is a subscriber's election in one product line.
type Enrollment struct {
	ProductLine   string `json:"product_line" expr:"product_line"`
	PlanID        string `json:"plan_id" expr:"plan_id"`
	CoverageLevel string `json:"coverage_level,omitempty" expr:"coverage_level"`
	StartDate     string `json:"start_date,omitempty" expr:"start_date"`
	EndDate       string `json:"end_date,omitempty" expr:"end_date"`
}

// Product lines.
const (
	ProductMedical = "medical"
	ProductDental  = "dental"
	ProductVision  = "vision"
	ProductLife    = "basic_life"
	ProductADD     = "accidental_death_dismemberment"
)

// ProductLines lists the product lines in their canonical order.
var ProductLines = []string{ProductMedical, ProductDental, ProductVision, ProductLife, ProductADD}

// Coverage levels.
const (
	LevelEmployeeOnly     = "employee_only"
	LevelEmployeeSpouse   = "employee_spouse"
	LevelEmployeeChildren = "employee_children"
	LevelFamily           = "family"
)

// CoverageLevels lists the coverage levels in their canonical order.
var CoverageLevels = []string{LevelEmployeeOnly, LevelEmployeeSpouse, LevelEmployeeChildren, LevelFamily}

// Enumerations accepted by validation.
var (
	EmployerTypes    = []string{"private_sector", "public_sector", "non_profit", "government", "church"}
	Genders          = []string{"female", "male", "non_binary", "unknown"}
	Relationships    = []string{"spouse", "child", "registered_domestic_partner", "domestic_partner", "stepchild", "foster_child", "adopted_child", "ward", "other"}
	LocationTypes    = []string{"physical", "remote"}
	EmploymentStatus = []string{"full_time", "part_time", "seasonal", "temporary", "contractor", "retired", "cobra", "terminated"}
)

// Terminated reports whether the subscriber's coverage has ended in every
// product line (all enrollments carry an end date).
func (s *Subscriber) Terminated() bool {
	if len(s.Enrollments) == 0 {
		return false
	}
	for _, e := range s.Enrollments {
		if e.EndDate == "" {
			return false
		}
	}
	return true
}

// Locations returns the primary location followed by the secondary ones.
func (g *Group) Locations() []Location {
	var out []Location
	if g.PrimaryLocation != nil {
		out = append(out, *g.PrimaryLocation)
	}
	return append(out, g.SecondaryLocations...)
}

// Subscriber returns the subscriber with the external identifier, or nil.
func (g *Group) Subscriber(externalID string) *Subscriber {
	for i := range g.Subscribers {
		if g.Subscribers[i].ExternalIdentifier == externalID {
			return &g.Subscribers[i]
		}
	}
	return nil
}
