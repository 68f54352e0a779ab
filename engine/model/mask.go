package model

import (
	"slices"
	"strings"
)

func sortStable(errs []Error, cmp func(a, b Error) int) { slices.SortStableFunc(errs, cmp) }

// Digits returns only the ASCII digits of s.
func Digits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// MaskFEIN shows only the last four digits of a FEIN: **-***6789.
func MaskFEIN(fein string) string {
	d := Digits(fein)
	if len(d) < 4 {
		return "**-*******"
	}
	return "**-***" + d[len(d)-4:]
}

// MaskSSN shows only the last four digits of an SSN: ***-**-6789.
func MaskSSN(ssn string) string {
	d := Digits(ssn)
	if len(d) < 4 {
		return "***-**-****"
	}
	return "***-**-" + d[len(d)-4:]
}
