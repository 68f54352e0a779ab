package model

import "time"

// DaysIn returns the number of days in a month (1-12) of a year of the
// proleptic Gregorian calendar, as package time counts them; the readers
// and writers of dates check a day against it without time.Parse's cost.
func DaysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// AddDays returns the YYYY-MM-DD date n days after date (before, for a
// negative n), or date itself when it is not a YYYY-MM-DD date.
func AddDays(date string, n int) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return t.AddDate(0, 0, n).Format(time.DateOnly)
}

// EndOfMonth returns the last day of date's month, or date itself when it
// is not a YYYY-MM-DD date.
func EndOfMonth(date string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// FirstOfNextMonth returns the first day of the month after date's, or
// date itself when it is not a YYYY-MM-DD date.
func FirstOfNextMonth(date string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// DaysBetween returns the days from a to b (negative when b is earlier),
// and false when either is not a YYYY-MM-DD date.
func DaysBetween(a, b string) (int, bool) {
	ta, err1 := time.Parse(time.DateOnly, a)
	tb, err2 := time.Parse(time.DateOnly, b)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return int(tb.Sub(ta).Hours() / 24), true
}

// AddYears returns the YYYY-MM-DD date n years after date (Feb 29 becomes
// Mar 1 in a common year), or date itself when it is not a date.
func AddYears(date string, n int) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return t.AddDate(n, 0, 0).Format(time.DateOnly)
}
