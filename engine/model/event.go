package model

import "time"

// QualifyingLifeEvent is why and when a family's coverage changes (DESIGN.md
// §4; Ideon: every coverage change happens through an event). A partner
// sends it explicitly, or onboard infers it when it compares a new version
// of a group with the one last sent to the carrier (Source EventInferred).
type QualifyingLifeEvent struct {
	ID                 string `json:"id,omitempty"`
	ExternalIdentifier string `json:"external_identifier,omitempty"`
	// Subscriber is the subscriber's external identifier.
	Subscriber string `json:"subscriber,omitempty"`
	// Type is one of EventTypes.
	Type string `json:"type"`
	// EventDate is when it happened (a birth, a wedding, a last day of work).
	EventDate string `json:"event_date,omitempty"`
	// EffectiveDate is when the coverage change takes effect.
	EffectiveDate string `json:"effective_date,omitempty"`
	// Members are the external identifiers of the members it affects (the
	// subscriber's and/or dependents').
	Members []string `json:"members,omitempty"`
	// ProductLines are the product lines it changes.
	ProductLines []string `json:"product_lines,omitempty"`
	// Source is EventPartner or EventInferred.
	Source         string     `json:"source,omitempty"`
	Status         Status     `json:"status,omitempty"`
	StatusDatetime *time.Time `json:"status_datetime,omitempty"`
	Errors         []Error    `json:"errors,omitempty"`
}

// EventSummary is a qualifying life event as onboard reports it to people
// (result files, `onboard status -json`, LDEx bundles): what happened, to
// whom, when, and its status at the carrier.
type EventSummary struct {
	ID            string   `json:"id"`
	Type          string   `json:"type"`
	Subscriber    string   `json:"subscriber"`
	Members       []string `json:"members"`
	EventDate     string   `json:"event_date,omitempty"`
	EffectiveDate string   `json:"effective_date,omitempty"`
	Source        string   `json:"source"`
	Status        Status   `json:"status"`
}

// Summary reports q as an event of subscriber (its external identifier)
// with status at the carrier.
func (q QualifyingLifeEvent) Summary(subscriber string, status Status) EventSummary {
	return EventSummary{ID: q.ID, Type: q.Type, Subscriber: subscriber, Members: q.Members,
		EventDate: q.EventDate, EffectiveDate: q.EffectiveDate, Source: q.Source, Status: status}
}

// Event sources.
const (
	EventPartner  = "partner"  // sent by the partner
	EventInferred = "inferred" // derived by onboard from the versions' difference
)

// Qualifying life event types.
const (
	EventInitialEnrollment       = "initial_enrollment"
	EventOpenEnrollment          = "open_enrollment"
	EventNewHire                 = "new_hire"
	EventNewlyEligible           = "newly_eligible"
	EventReHire                  = "re_hire"
	EventBirth                   = "birth"
	EventAdoption                = "adoption"
	EventMarriage                = "marriage"
	EventDivorce                 = "divorce"
	EventLegalSeparation         = "legal_separation"
	EventDeath                   = "death"
	EventLossOfCoverage          = "loss_of_coverage"
	EventTerminationOfEmployment = "termination_of_employment"
	EventReductionInHours        = "reduction_in_hours"
	EventRetirement              = "retirement"
	EventCobra                   = "cobra"
	EventPlanChange              = "plan_change"
	EventDemographicChange       = "demographic_change"
)

// EventTypes lists the qualifying life event types.
var EventTypes = []string{
	EventInitialEnrollment, EventOpenEnrollment, EventNewHire, EventNewlyEligible, EventReHire,
	EventBirth, EventAdoption, EventMarriage, EventDivorce, EventLegalSeparation, EventDeath,
	EventLossOfCoverage, EventTerminationOfEmployment, EventReductionInHours, EventRetirement,
	EventCobra, EventPlanChange, EventDemographicChange,
}

// CobraEvents lists the COBRA qualifying events a continuing member's
// cobra_event names (X12 INS07 codes them 1 to 10).
var CobraEvents = []string{
	"termination_of_employment", "reduction_in_hours", "medicare", "death", "divorce",
	"legal_separation", "loss_of_dependent_status", "employer_bankruptcy", "layoff", "leave_of_absence",
}
