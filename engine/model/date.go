package model

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
