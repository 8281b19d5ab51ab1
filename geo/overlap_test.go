package geo

import (
	"strings"
	"testing"
	"time"
)

func TestOverlapReason(t *testing.T) {
	d := func(s string) time.Time { v, _ := time.Parse("2006-01-02", s); return v }
	tests := []struct {
		o    Overlap
		want string
	}{
		{Overlap{Tier: TierNear, DistanceKm: 3.2, Place: "Nairobi", ThemeNames: []string{"Climate adaptation"},
			From: d("2024-03-01"), To: d("2025-12-31")},
			"Both work on climate adaptation near Nairobi, 3 km apart, overlapping Mar 2024 - Dec 2025"},
		{Overlap{Tier: TierNear, SamePlace: true, DistanceKm: 0.2, Place: "Dhaka", ThemeNames: []string{"Land and housing", "Gender"},
			From: d("2024-03-01"), ActiveNow: true},
			"Both work on land and housing and gender in Dhaka, overlapping Mar 2024 - open end, both active now"},
		{Overlap{Tier: TierInCountry, Place: "Kenya", ThemeNames: []string{"Urban resilience"},
			A: OverlapSide{Organisation: "UN-Habitat", CountryWide: true}, B: OverlapSide{Organisation: "SDI", Location: "Kisumu"}},
			"Both work on urban resilience in Kenya: UN-Habitat country-wide, SDI in Kisumu, overlapping at any time (no dates)"},
		{Overlap{Tier: TierSameCountry, Place: "Kenya", ThemeNames: []string{"A", "B", "C"}, To: d("2030-06-30")},
			"Both work on a, b and c country-wide in Kenya, overlapping open start - Jun 2030"},
	}
	for _, tt := range tests {
		if got := tt.o.Reason(); got != tt.want {
			t.Errorf("got  %q\nwant %q", got, tt.want)
		}
	}
}

func TestOverlapQueryValidate(t *testing.T) {
	for _, q := range []OverlapQuery{{DistanceKm: -1}, {DistanceKm: 101}, {MinScore: 101}, {MaxTier: 4}, {Organisation: -1}, {Activity: -1}, {Filter: ActivityFilter{Themes: []string{"Bad Theme"}}}} {
		if err := q.Validate(); err == nil {
			t.Errorf("%+v accepted", q)
		}
	}
	if err := (OverlapQuery{DistanceKm: 100, MinScore: 100, MaxTier: TierNear, Organisation: 3, Activity: 7}).Validate(); err != nil {
		t.Error(err)
	}
	if q := (OverlapQuery{}); q.Distance() != 25 || q.Tier() != TierSameCountry {
		t.Errorf("defaults %v %v", q.Distance(), q.Tier())
	}
	for _, s := range []string{"near", "in_country", "same_country"} {
		if tier, err := ParsePlaceTier(s); err != nil || tier.String() != s {
			t.Errorf("%s: %v %v", s, tier, err)
		}
	}
	if _, err := ParsePlaceTier("far"); err == nil || !strings.Contains(err.Error(), "near") {
		t.Errorf("far: %v", err)
	}
}
