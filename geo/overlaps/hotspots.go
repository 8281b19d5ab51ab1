package overlaps

import (
	"cmp"
	"context"
	"slices"
	"strings"
)

// Spot is where a hotspot may be: a GeoNames place and a theme code.
type Spot struct {
	Place int64
	Theme string
}

// Presence is one activity at a spot: its id, its lead and its period
// [Lo, Hi) in day numbers, as an Activity's.
type Presence struct {
	ID, Lead int64
	Lo, Hi   int32
}

// Hotspot is a spot where Members distinct leads have an activity running
// on Day, the first start day with the most of them, and those activities.
type Hotspot struct {
	Spot
	Day        int32
	Members    int
	Activities []Presence // running on Day, in the order of the spot's group
}

// Hotspots returns every spot of groups with at least minMembers distinct
// leads running on one day, most members first, then by place and theme.
// The slice is never nil. It returns ctx's error when ctx ends first.
func Hotspots(ctx context.Context, groups map[Spot][]Presence, minMembers int) ([]Hotspot, error) {
	found := []Hotspot{}
	for spot, acts := range groups {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if day, n := busiestDay(acts); n >= minMembers {
			h := Hotspot{Spot: spot, Day: day, Members: n}
			for _, a := range acts {
				if max(a.Lo, 0) <= day && day < a.Hi {
					h.Activities = append(h.Activities, a)
				}
			}
			found = append(found, h)
		}
	}
	slices.SortFunc(found, func(x, y Hotspot) int {
		return cmp.Or(cmp.Compare(y.Members, x.Members), cmp.Compare(x.Place, y.Place), strings.Compare(x.Theme, y.Theme))
	})
	return found, nil
}

// event is a Presence starting or ending on a day.
type event struct {
	day   int32
	start bool
	lead  int64
}

// busiestDay returns the first start day (open starts counting as day 0,
// 1950-01-01) on which the most distinct leads have an activity of acts
// running, and how many; an activity runs from its start up to, not on,
// its end. With none running on any start day it returns 0, 0.
func busiestDay(acts []Presence) (int32, int) {
	events := make([]event, 0, 2*len(acts))
	for _, a := range acts {
		lo := max(a.Lo, 0)
		if lo >= a.Hi {
			continue // ends before 1950: never running on a start day
		}
		events = append(events, event{lo, true, a.Lead}, event{a.Hi, false, a.Lead})
	}
	// By day; on one day ends first, since an activity is not running on
	// its exclusive end.
	slices.SortFunc(events, func(x, y event) int {
		if c := cmp.Compare(x.day, y.day); c != 0 {
			return c
		}
		if x.start == y.start {
			return 0
		}
		if !x.start {
			return -1
		}
		return 1
	})
	running := map[int64]int{}
	best, bestDay := 0, int32(0)
	for i := 0; i < len(events); {
		day, starts := events[i].day, false
		for ; i < len(events) && events[i].day == day; i++ {
			e := events[i]
			if e.start {
				running[e.lead]++
				starts = true
			} else if running[e.lead]--; running[e.lead] == 0 {
				delete(running, e.lead)
			}
		}
		if starts && len(running) > best {
			best, bestDay = len(running), day
		}
	}
	return bestDay, best
}
