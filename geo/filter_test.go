package geo

import (
	"math"
	"testing"
)

func TestParseBBox(t *testing.T) {
	tests := []struct {
		in    string
		ok    bool
		parts int
	}{
		{"36.6,-1.45,37.1,-1.15", true, 1},
		{"170,-20,-170,-10", true, 2},
		{"-180,-90,180,90", true, 1},
		{"1,2,0,3,4,100", true, 1},
		{"1,2,3", false, 0},
		{"a,b,c,d", false, 0},
		{"0,0,181,1", false, 0},
		{"0,-91,1,1", false, 0},
		{"0,10,1,5", false, 0},
		{"NaN,0,1,1", false, 0},
		{"Inf,0,1,1", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			b, err := ParseBBox(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok %v", err, tt.ok)
			}
			if tt.ok && len(b.Bounds()) != tt.parts {
				t.Errorf("%d bounds, want %d", len(b.Bounds()), tt.parts)
			}
		})
	}
}

func TestParseDatetime(t *testing.T) {
	tests := []struct {
		in             string
		ok, start, end bool
	}{
		{"2024-05-01", true, true, true},
		{"2024-05-01T10:00:00Z", true, true, true},
		{"2020-01-01/2021-01-01", true, true, true},
		{"../2021-01-01", true, false, true},
		{"2021-01-01/..", true, true, false},
		{"/2021-01-01", true, false, true},
		{"../..", false, false, false},
		{"2022-01-01/2021-01-01", false, false, false},
		{"yesterday", false, false, false},
		{"2024-13-01", false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			iv, err := ParseDatetime(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok %v", err, tt.ok)
			}
			if tt.ok && (!iv.Start.IsZero() != tt.start || !iv.End.IsZero() != tt.end) {
				t.Errorf("interval %+v", iv)
			}
		})
	}
}

func TestFilterValidate(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name  string
		f     ActivityFilter
		param string // "" when valid
	}{
		{"empty", ActivityFilter{}, ""},
		{"good", ActivityFilter{Themes: []string{"resilience"}, Countries: []string{"KE"}, Regions: []string{"002"},
			Statuses: []Status{StatusClosed}, BudgetMin: f(1), BudgetMax: f(2), BudgetCurrency: "EUR"}, ""},
		{"unknown status", ActivityFilter{Statuses: []Status{"done"}}, "status"},
		{"unknown constituency", ActivityFilter{Constituencies: []Constituency{"club"}}, "constituency"},
		{"unknown programme type", ActivityFilter{ProgrammeTypes: []ProgrammeType{"x"}}, "programme_type"},
		{"bad theme", ActivityFilter{Themes: []string{"Theme!"}}, "theme"},
		{"lower-case country", ActivityFilter{Countries: []string{"ke"}}, "country"},
		{"region name", ActivityFilter{Regions: []string{"Africa"}}, "region"},
		{"bad currency", ActivityFilter{BudgetCurrency: "usd"}, "budget_currency"},
		{"negative budget", ActivityFilter{BudgetMax: f(-1)}, "budget_max"},
		{"NaN budget", ActivityFilter{BudgetMin: f(math.NaN())}, "budget_min"},
		{"min above max", ActivityFilter{BudgetMin: f(3), BudgetMax: f(2)}, "budget_min"},
		{"long q", ActivityFilter{Q: string(make([]byte, MaxQLength+1))}, "q"},
		{"too many themes", ActivityFilter{Themes: make([]string, MaxFilterValues+1)}, "theme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.f.Validate()
			if tt.param == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e, ok := err.(*Error)
			if !ok || e.Code != EInvalid {
				t.Fatalf("err = %v, want invalid", err)
			}
			found := false
			for _, fe := range e.Fields {
				found = found || fe.Parameter == tt.param
			}
			if !found {
				t.Errorf("fields %+v do not name %s", e.Fields, tt.param)
			}
		})
	}
}
