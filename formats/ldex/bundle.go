package ldex

import (
	"time"

	"github.com/onboard/onboard/engine/model"
)

// Version is the bundle_version this package writes.
const Version = "1"

// Bundle is one LDEx customer bundle: everything a partner needs to know
// about one group once the carrier has it (DESIGN.md §8).
//
// Field order is the JSON order, and the only maps are keyed by coverage
// level (encoding/json sorts map keys), so the same Bundle always encodes to
// the same bytes. There is deliberately no place for an SSN, and the FEIN can
// only be held masked (see FEIN).
type Bundle struct {
	BundleID      string    `json:"bundle_id"`
	BundleVersion string    `json:"bundle_version"`
	GeneratedAt   time.Time `json:"generated_at"`
	Partner       Party     `json:"partner"`
	Customer      Customer  `json:"customer"`
	Policy        Policy    `json:"policy"`
	// Coverages has one entry per product line the group enrols in.
	Coverages []Coverage `json:"coverages"`
	Plans     []Plan     `json:"plans"`
	Rates     []Rate     `json:"rates"`
	// EstimatedMonthlyTotal is the sum of every rate's MonthlyTotal: a cue
	// for the partner, not a rate table.
	EstimatedMonthlyTotal Money        `json:"estimated_monthly_total"`
	Transmission          Transmission `json:"transmission"`
}

// Party names a partner or a carrier.
type Party struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Customer is the employer group as the carrier now holds it.
type Customer struct {
	GroupID            string `json:"group_id"`
	ExternalIdentifier string `json:"external_identifier"`
	OrganizationName   string `json:"organization_name"`
	FEIN               FEIN   `json:"fein"`
	// Address is the primary location's address.
	Address         Address `json:"address"`
	LocationsCount  int     `json:"locations_count"`
	SubscriberCount int     `json:"subscriber_count"`
	DependentCount  int     `json:"dependent_count"`
	// EstablishedDate is YYYY-MM-DD; omitted when the partner sent none.
	EstablishedDate string `json:"established_date,omitempty"`
}

// Address is a US postal address.
type Address struct {
	AddressLine1   string `json:"address_line_1"`
	AddressLine2   string `json:"address_line_2,omitempty"`
	City           string `json:"city"`
	State          string `json:"state"`
	Zip            string `json:"zip"`
	FIPSCountyCode string `json:"fips_county_code,omitempty"`
	CountryCode    string `json:"country_code,omitempty"`
}

// Policy is the group's policy with its carrier.
type Policy struct {
	Carrier        Party     `json:"carrier"`
	PolicyNumber   string    `json:"policy_number"`
	Status         string    `json:"status"`
	StatusDatetime time.Time `json:"status_datetime"`
	// EffectiveDate is YYYY-MM-DD, the earliest coverage start.
	EffectiveDate string   `json:"effective_date"`
	ProductLines  []string `json:"product_lines"`
}

// Coverage counts who is enrolled in one product line.
type Coverage struct {
	ProductLine string `json:"product_line"`
	Subscribers int    `json:"subscribers"`
	Dependents  int    `json:"dependents"`
	// ByCoverageLevel counts enrolled subscribers by coverage level
	// (employee_only, employee_spouse, employee_children, family).
	ByCoverageLevel map[string]int `json:"by_coverage_level"`
}

// Plan is one carrier plan the group's subscribers enrol in.
type Plan struct {
	PlanID      string `json:"plan_id"`
	Name        string `json:"name"`
	ProductLine string `json:"product_line"`
	Enrolled    int    `json:"enrolled"`
}

// Rate is one plan's monthly premiums from the carrier's plan catalog and
// what the group's enrolment costs at those premiums.
type Rate struct {
	PlanID string `json:"plan_id"`
	// MonthlyPremium is the catalog premium by coverage level.
	MonthlyPremium map[string]Money `json:"monthly_premium"`
	// Enrolled counts subscribers by coverage level.
	Enrolled map[string]int `json:"enrolled"`
	// MonthlyTotal is Σ MonthlyPremium[level] × Enrolled[level].
	MonthlyTotal Money `json:"monthly_total"`
}

// Transmission holds the references a partner quotes when asking the
// carrier about the group, and what happened to it lately.
type Transmission struct {
	GroupID            string `json:"group_id"`
	LastTransmissionID string `json:"last_transmission_id"`
	// ISA13 is the interchange control number of the last X12 delivery;
	// empty for carriers that take another layout.
	ISA13     string   `json:"isa13"`
	FileNames []string `json:"file_names"`
	// LastAckResult is the outcome of the last acknowledgement, in the
	// acknowledgement stage's words (e.g. accepted, rejected); empty when
	// none arrived yet.
	LastAckResult  string          `json:"last_ack_result"`
	StatusMessages []StatusMessage `json:"status_messages"`
	// Events are the qualifying life events of the group's current
	// version, each with its status at the carrier (its family's).
	Events []Event `json:"events,omitempty"`
}

// Event is a qualifying life event in a bundle's transmission summary,
// with its status at the carrier.
type Event = model.EventSummary

// StatusMessage is one human-readable line of the group's history.
type StatusMessage struct {
	At      time.Time `json:"at"`
	Status  string    `json:"status"`
	Message string    `json:"message"`
}
