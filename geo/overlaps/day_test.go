package overlaps

import (
	"testing"
	"time"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestDayNumber(t *testing.T) {
	for _, tt := range []struct {
		name string
		t    time.Time
		want int32
	}{
		{"day zero", date(1950, 1, 1), 0},
		{"the next day", date(1950, 1, 2), 1},
		{"a leap day", date(1952, 2, 29), 2*365 + 31 + 28},
		{"the end of the schema's range", date(2101, 1, 1), DayMax},
		{"before day zero", date(1949, 12, 31), -1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := DayNumber(tt.t); got != tt.want {
				t.Errorf("DayNumber(%v) = %d, want %d", tt.t, got, tt.want)
			}
			if got := DayTime(tt.want); !got.Equal(tt.t) {
				t.Errorf("DayTime(%d) = %v, want %v", tt.want, got, tt.t)
			}
		})
	}
}

func TestDays(t *testing.T) {
	lo, hi := date(2020, 1, 1), date(2021, 1, 1)
	for _, tt := range []struct {
		name         string
		lower, upper *time.Time
		lo, hi       int32
	}{
		{"closed", &lo, &hi, DayNumber(lo), DayNumber(hi)},
		{"open start", nil, &hi, OpenStart, DayNumber(hi)},
		{"open end", &lo, nil, DayNumber(lo), OpenEnd},
		{"open both", nil, nil, OpenStart, OpenEnd},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if l, h := Days(tt.lower, tt.upper); l != tt.lo || h != tt.hi {
				t.Errorf("Days = [%d, %d), want [%d, %d)", l, h, tt.lo, tt.hi)
			}
		})
	}
	if OpenStart >= 0 || OpenEnd <= DayMax {
		t.Errorf("open ends %d, %d must lie outside [0, %d]", OpenStart, OpenEnd, DayMax)
	}
}
