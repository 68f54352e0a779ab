package model

import (
	"testing"
	"time"
)

// TestDaysInMatchesTime: every month of four centuries (leap years and
// their exceptions included) has as many days as package time gives it.
func TestDaysInMatchesTime(t *testing.T) {
	for year := 1800; year < 2200; year++ {
		for month := 1; month <= 12; month++ {
			want := time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
			if got := DaysIn(year, month); got != want {
				t.Fatalf("DaysIn(%d, %d) = %d, want %d", year, month, got, want)
			}
		}
	}
}
