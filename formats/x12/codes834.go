package x12

import (
	"strings"

	"github.com/onboard/onboard/engine/model"
)

// Implementation convention references.
const (
	Version834 = "005010X220A1" // 834 Benefit Enrollment and Maintenance
	Version999 = "005010X231A1" // 999 Implementation Acknowledgment
)

// BGN08 action codes of the 834 (005010X220A1 allows 2, 4 and RX).
const (
	ActionChange  = "2"  // change (update): only the members that changed
	ActionVerify  = "4"  // verify: a full file, every active member (INS03 030)
	ActionReplace = "RX" // replace
)

// DefaultProductCodes returns the HD03 insurance line codes the guide
// defines for onboard's product lines. Basic life and AD&D have none in
// the guide; carriers name their own (e.g. AC, ADD).
func DefaultProductCodes() map[string]string {
	return map[string]string{model.ProductMedical: "HLT", model.ProductDental: "DEN", model.ProductVision: "VIS"}
}

// DefaultLevelCodes returns the HD05 coverage level codes for onboard's
// coverage levels.
func DefaultLevelCodes() map[string]string {
	return map[string]string{
		model.LevelEmployeeOnly:     "EMP",
		model.LevelEmployeeSpouse:   "ESP",
		model.LevelEmployeeChildren: "ECH",
		model.LevelFamily:           "FAM",
	}
}

// maintenanceCodes are INS03/HD01 maintenance type codes.
var maintenanceCodes = map[model.Maintenance]string{
	model.MaintChange:    "001",
	model.MaintAdd:       "021",
	model.MaintTerminate: "024",
	model.MaintAudit:     "030",
}

// eventReasons are the INS04 maintenance reason codes of the qualifying
// life events (DESIGN.md §7).
var eventReasons = map[string]string{
	model.EventInitialEnrollment:       "28", // initial enrollment
	model.EventNewHire:                 "28",
	model.EventNewlyEligible:           "28",
	model.EventOpenEnrollment:          "EC", // member benefit selection
	model.EventReHire:                  "41", // re-enrollment
	model.EventBirth:                   "02",
	model.EventAdoption:                "05",
	model.EventMarriage:                "32",
	model.EventDivorce:                 "01",
	model.EventLegalSeparation:         "31",
	model.EventDeath:                   "03",
	model.EventTerminationOfEmployment: "08",
	model.EventReductionInHours:        "07", // termination of benefits
	model.EventRetirement:              "04",
	model.EventCobra:                   "09", // COBRA
	model.EventPlanChange:              "22",
	model.EventDemographicChange:       "25", // change in identifying data elements
}

// maintenanceReasons are the INS04 codes of a change whose event is not
// known: AI (no reason given), or what the maintenance itself says.
var maintenanceReasons = map[model.Maintenance]string{
	model.MaintAdd:       "28", // initial enrollment
	model.MaintChange:    "AI", // no reason given
	model.MaintTerminate: "07", // termination of benefits
	model.MaintAudit:     "XN", // notification only
}

// MaintenanceReason is the maintenance reason code (X12 INS04, which
// layouts reuse) of a member change: its event's, else its maintenance's.
// A full file's audit is a notification whatever the event.
func MaintenanceReason(mc *model.MemberChange) string { return reasonCode(mc) }

func reasonCode(mc *model.MemberChange) string {
	if mc.Maintenance != model.MaintAudit {
		if r, ok := eventReasons[mc.Event]; ok {
			return r
		}
	}
	return maintenanceReasons[mc.Maintenance]
}

// cobraEventCodes are INS07 COBRA qualifying event codes.
var cobraEventCodes = map[string]string{
	"termination_of_employment": "1",
	"reduction_in_hours":        "2",
	"medicare":                  "3",
	"death":                     "4",
	"divorce":                   "5",
	"legal_separation":          "6",
	"loss_of_dependent_status":  "7",
	"employer_bankruptcy":       "8",
	"layoff":                    "9",
	"leave_of_absence":          "10",
}

// relationshipCodes are INS02 individual relationship codes for a
// dependent's subscriber_relationship (18 self is the subscriber's).
var relationshipCodes = map[string]string{
	"spouse":                      "01",
	"child":                       "19",
	"registered_domestic_partner": "53", // life partner
	"domestic_partner":            "53",
	"stepchild":                   "17", // stepson or stepdaughter
	"foster_child":                "10",
	"adopted_child":               "09",
	"ward":                        "15",
	"other":                       "G8", // other relationship
}

// employmentCodes are INS08 employment status codes.
var employmentCodes = map[string]string{
	"full_time":  "FT",
	"part_time":  "PT",
	"retired":    "RT",
	"terminated": "TE",
	"cobra":      "TE", // COBRA continues coverage after employment ended
	"seasonal":   "AC",
	"temporary":  "AC",
	"contractor": "AC",
}

// genderCode returns the DMG03 code: F, M, or U for anything else
// (005010X220A1 has no code for non-binary).
func genderCode(g string) string {
	switch strings.ToLower(strings.TrimSpace(g)) {
	case "female", "f":
		return "F"
	case "male", "m":
		return "M"
	}
	return "U"
}

// productOrder returns the canonical index of a product line (unknown
// lines sort last).
func productOrder(line string) int {
	for i, p := range model.ProductLines {
		if p == line {
			return i
		}
	}
	return len(model.ProductLines)
}
