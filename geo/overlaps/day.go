package overlaps

import "time"

// Days are counted from 1950-01-01 (dayZero), the earliest date the schema
// allows. An open start is OpenStart and an open end OpenEnd, so periods
// compare as PostgreSQL's infinite range bounds do, while the score's
// lengths clamp them to 1950-01-01 and DayMax (2101-01-01) as the SQL's
// coalesce does.
var dayZero = time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)

const (
	// DayMax is the day number of 2101-01-01.
	DayMax int32 = 55152
	// OpenStart is the day number of an open (unknown) start.
	OpenStart int32 = -1
	// OpenEnd is the day number of an open (unknown) end.
	OpenEnd = DayMax + 1
)

// DayNumber is the number of whole days from 1950-01-01 to t (UTC
// midnights give exact numbers).
func DayNumber(t time.Time) int32 { return int32(t.Sub(dayZero).Hours() / 24) }

// DayTime is the UTC midnight of day number d.
func DayTime(d int32) time.Time { return dayZero.AddDate(0, 0, int(d)) }

// Days turns a period's bounds, lower inclusive and upper exclusive as
// PostgreSQL's daterange gives them (nil when open), into day numbers
// [lo, hi) with OpenStart and OpenEnd for the open ones.
func Days(lower, upper *time.Time) (lo, hi int32) {
	lo, hi = OpenStart, OpenEnd
	if lower != nil {
		lo = DayNumber(*lower)
	}
	if upper != nil {
		hi = DayNumber(*upper)
	}
	return lo, hi
}
