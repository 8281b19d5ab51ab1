package overlaps

import (
	"context"
	"slices"
	"testing"
)

func TestBusiestDay(t *testing.T) {
	for _, tt := range []struct {
		name    string
		acts    []Presence
		day     int32
		members int
	}{
		{"none", nil, 0, 0},
		{"three at once", []Presence{{1, 1, 10, 50}, {2, 2, 20, 60}, {3, 3, 30, 40}}, 30, 3},
		{"one after another", []Presence{{1, 1, 10, 20}, {2, 2, 20, 30}, {3, 3, 30, 40}}, 10, 1},
		{"not running on its end day", []Presence{{1, 1, 10, 20}, {2, 2, 20, 30}}, 10, 1},
		{"the first of equal days", []Presence{{1, 1, 10, 20}, {2, 2, 15, 20}, {3, 3, 30, 40}, {4, 4, 35, 40}}, 15, 2},
		{"one lead twice counts once", []Presence{{1, 1, 10, 50}, {2, 1, 20, 50}, {3, 2, 30, 50}}, 30, 2},
		{"an open start counts from day 0", []Presence{{1, 1, OpenStart, OpenEnd}, {2, 2, OpenStart, 5}}, 0, 2},
		{"ending before 1950 never runs", []Presence{{1, 1, OpenStart, 0}, {2, 2, 10, 20}}, 10, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if day, n := busiestDay(tt.acts); day != tt.day || n != tt.members {
				t.Errorf("day %d with %d, want %d with %d", day, n, tt.day, tt.members)
			}
		})
	}
}

func TestHotspots(t *testing.T) {
	groups := map[Spot][]Presence{
		{Place: 5, Theme: "gender"}:     {{1, 1, 10, 50}, {2, 2, 20, 60}, {9, 3, 60, 70}},
		{Place: 5, Theme: "resilience"}: {{1, 1, 10, 50}, {2, 2, 20, 60}, {3, 3, 30, 40}},
		{Place: 4, Theme: "resilience"}: {{4, 4, 10, 50}, {5, 5, 20, 60}},
		{Place: 3, Theme: "resilience"}: {{6, 6, 10, 50}},
	}
	for _, tt := range []struct {
		name string
		min  int
		want []Spot
	}{
		{"three or more", 3, []Spot{{5, "resilience"}}},
		{"most members first, then place and theme", 2, []Spot{{5, "resilience"}, {4, "resilience"}, {5, "gender"}}},
		{"none", 4, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			found, err := Hotspots(context.Background(), groups, tt.min)
			if err != nil {
				t.Fatal(err)
			}
			if found == nil {
				t.Fatal("nil hotspots")
			}
			var got []Spot
			for _, h := range found {
				got = append(got, h.Spot)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("spots %v, want %v", got, tt.want)
			}
		})
	}
	found, _ := Hotspots(context.Background(), groups, 2)
	if h := found[2]; h.Day != 20 || h.Members != 2 || !slices.Equal(h.Activities, []Presence{{1, 1, 10, 50}, {2, 2, 20, 60}}) {
		t.Errorf("gender at 5: %+v, want day 20 with activities 1 and 2 only", h)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Hotspots(ctx, groups, 2); err != context.Canceled {
		t.Errorf("err %v, want context.Canceled", err)
	}
}
