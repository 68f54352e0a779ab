package ldex_test

import (
	"fmt"
	"time"

	"github.com/onboard/onboard/formats/ldex"
)

func ExampleContentHash() {
	b := &ldex.Bundle{
		BundleID:    "b-1",
		GeneratedAt: time.Date(2025, 3, 4, 6, 0, 0, 0, time.UTC),
		Partner:     ldex.Party{ID: "acme", Name: "ACME Benefits"},
		Customer:    ldex.Customer{GroupID: "g-1", FEIN: ldex.MaskFEIN("12-3456789")},
	}
	first := ldex.ContentHash(b)

	// Rebuilt the next day with a new id: same content, same hash.
	b.BundleID, b.GeneratedAt = "b-2", b.GeneratedAt.Add(24*time.Hour)
	fmt.Println(ldex.ContentHash(b) == first)

	// The carrier assigned a policy number: new content, new hash.
	b.Policy.PolicyNumber = "BCX-778812"
	fmt.Println(ldex.ContentHash(b) == first)
	fmt.Println(b.Customer.FEIN, ldex.Dollars(1433.6))
	// Output:
	// true
	// false
	// **-***6789 1433.60
}
