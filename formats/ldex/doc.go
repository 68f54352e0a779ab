// Package ldex is the LDEx customer bundle (DESIGN.md §8): one JSON document
// per employer group telling its partner what the carrier now holds — the
// customer, the policy, coverages, plans, rates and the transmission trail.
//
// The Go types fix the JSON: fields encode in declaration order and the only
// maps are keyed by coverage level, which encoding/json sorts, so a bundle
// always encodes to the same bytes. Money is a string of dollars with two
// decimals ("1433.60", see Money). The FEIN type holds only a masked FEIN
// (**-***6789), and no type has a place for an SSN. Schema is the JSON Schema
// (draft 2020-12) of what Write writes; ValidateAgainstSchema checks a
// written bundle against it.
//
// Building and delivering a bundle:
//
//	b := &ldex.Bundle{
//		BundleID:    uuid.NewString(),
//		GeneratedAt: now,
//		Partner:     ldex.Party{ID: "acme", Name: "ACME Benefits"},
//		Customer: ldex.Customer{
//			GroupID:          g.ID,
//			OrganizationName: g.Employer.OrganizationName,
//			FEIN:             ldex.MaskFEIN(g.Employer.FEIN),
//			// ...
//		},
//		EstimatedMonthlyTotal: ldex.Dollars(2969.60),
//		// ...
//	}
//	if ldex.ContentHash(b) == lastDeliveredHash {
//		return nil // nothing changed for this group
//	}
//	err := ldex.Write(f, b)
package ldex
