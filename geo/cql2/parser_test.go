package cql2

import (
	"errors"
	"strings"
	"testing"

	"github.com/commonground/commonground/geo"
)

// badFilters are inputs that must fail with EInvalid; unsupported marks
// valid CQL2 that Compile rejects as not supported.
var badFilters = []struct {
	name, filter string
	unsupported  bool
}{
	{"empty", "", false},
	{"blank", " \n\t ", false},
	{"unterminated string", "status = 'abc", false},
	{"unterminated quoted name", `"status = 'abc'`, false},
	{"empty quoted name", `"" = 'abc'`, false},
	{"unknown property", "colour = 'red'", false},
	{"property case differs", "Status = 'closed'", false},
	{"unknown character", "status = 'a' ; budget = 1", false},
	{"bang equals", "status != 'a'", false},
	{"trailing garbage", "status = 'a' status", false},
	{"trailing paren", "status = 'a')", false},
	{"missing paren", "(status = 'a'", false},
	{"missing operand", "status =", false},
	{"dangling AND", "status = 'a' AND", false},
	{"chained comparison", "budget > 1 = TRUE", false},
	{"not a boolean: property", "status", false},
	{"not a boolean: number", "42", false},
	{"not a boolean: arithmetic", "budget + 1", false},
	{"AND of a property", "status = 'a' AND budget", false},
	{"NOT of a string", "NOT 'a'", false},
	{"reserved word as name", "and = 1", false},
	{"IS without NULL", "status IS NOT 5", false},
	{"BETWEEN without AND", "budget BETWEEN 1 OR 2", false},
	{"empty IN", "status IN ()", false},
	{"bad number", "budget > 1.5.3", false},
	{"bad exponent", "budget > 1e", false},
	{"number too large", "budget > 1e999", false},
	{"bad date", "start_date = DATE('2020-13-01')", false},
	{"date in TIMESTAMP", "updated = TIMESTAMP('2020-01-01')", false},
	{"open end outside INTERVAL", "updated = TIMESTAMP('..')", false},
	{"bad interval end", "T_INTERSECTS(datetime, INTERVAL('2020-01-01', 5))", false},
	{"interval backwards", "T_INTERSECTS(datetime, INTERVAL('2020-01-02', '2020-01-01'))", false},
	{"interval one argument", "T_INTERSECTS(datetime, INTERVAL('2020-01-01'))", false},
	{"predicate arity", "S_INTERSECTS(geometry)", false},
	{"ring not closed", "S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 1 1, 0 1)))", false},
	{"ring too short", "S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 0 0)))", false},
	{"line of one point", "S_INTERSECTS(geometry, LINESTRING(0 0))", false},
	{"mixed dimensions", "S_INTERSECTS(geometry, LINESTRING(0 0, 1 1 1))", false},
	{"four coordinates", "S_INTERSECTS(geometry, POINT(0 0 0 0))", false},
	{"longitude out of range", "S_INTERSECTS(geometry, POINT(200 0))", false},
	{"bbox of five numbers", "S_INTERSECTS(geometry, BBOX(0, 0, 1, 1, 2))", false},
	{"bbox latitude out of range", "S_INTERSECTS(geometry, BBOX(0, -95, 1, 1))", false},
	{"bbox miny above maxy", "S_INTERSECTS(geometry, BBOX(0, 10, 1, 5))", false},
	{"type: number and string", "budget = 'x'", false},
	{"type: string and number", "status > 5", false},
	{"type: like on number", "budget LIKE '1%'", false},
	{"type: like pattern number", "title LIKE 5", false},
	{"type: between strings", "status BETWEEN 'a' AND 'b'", false},
	{"type: in mixed", "status IN ('a', 2)", false},
	{"type: casei of number", "CASEI(budget) = 'x'", false},
	{"type: geometry compared", "geometry = 'POINT(1 2)'", false},
	{"type: interval compared", "datetime > DATE('2020-01-01')", false},
	{"type: array equals number", "themes = 5", false},
	{"type: array in numbers", "themes IN (1, 2)", false},
	{"type: s_intersects on string", "S_INTERSECTS(status, POINT(1 2))", false},
	{"type: t_intersects on string", "T_INTERSECTS(status, DATE('2020-01-01'))", false},
	{"type: a_contains on string", "A_CONTAINS(status, ('a'))", false},
	{"type: a_contains with a string", "A_CONTAINS(themes, 'a')", false},
	{"unsupported spatial function", "S_WITHIN(geometry, POINT(1 2))", true},
	{"unsupported temporal function", "T_BEFORE(updated, DATE('2020-01-01'))", true},
	{"unsupported array function", "A_EQUALS(themes, ('a'))", true},
	{"unsupported function", "avg(budget) > 3", true},
	{"unsupported boolean function", "isOpen(status)", true},
	{"unsupported accenti", "ACCENTI(title) = ACCENTI('é')", true},
	{"unsupported arithmetic", "budget + 1 > 2", true},
	{"unsupported unary minus", "-budget > 2", true},
	{"unsupported array operator", "themes <> 'a'", true},
	{"unsupported s_intersects of literals", "S_INTERSECTS(POINT(1 2), POINT(1 2))", true},
	{"unsupported interval of properties", "T_INTERSECTS(INTERVAL(start_date, updated), DATE('2020-01-01'))", true},
	{"unsupported predicate as value", "(status = 'a') = TRUE", true},
	{"unsupported non-string array", "A_CONTAINS(themes, (1, 2))", true},
	{"too long", strings.Repeat("a", DefaultMaxLength+1), false},
	{"too deep", strings.Repeat("(", 30) + "TRUE" + strings.Repeat(")", 30), false},
	{"too deep NOT", strings.Repeat("NOT ", 30) + "TRUE", false},
	{"too many nodes", "status IN ('a'" + strings.Repeat(", 'a'", 300) + ")", false},
}

func TestBadFilters(t *testing.T) {
	for _, tt := range badFilters {
		t.Run(tt.name, func(t *testing.T) {
			err := parseCompile(tt.filter, Limits{})
			checkInvalid(t, err)
			if got := errors.Is(err, ErrUnsupported); got != tt.unsupported {
				t.Errorf("unsupported = %v, want %v (%v)", got, tt.unsupported, err)
			}
		})
	}
}

// parseCompile parses and compiles text against testQueryables.
func parseCompile(text string, lim Limits) error {
	e, err := Parse(text, lim)
	if err != nil {
		return err
	}
	_, _, err = Compile(e, testQueryables, 1)
	return err
}

// checkInvalid checks that err is an EInvalid *geo.Error with one
// FieldError for the filter parameter.
func checkInvalid(t *testing.T, err error) {
	t.Helper()
	var ge *geo.Error
	if !errors.As(err, &ge) || ge.Code != geo.EInvalid {
		t.Fatalf("err = %v, want a *geo.Error with code %s", err, geo.EInvalid)
	}
	if len(ge.Fields) != 1 || ge.Fields[0].Parameter != "filter" || ge.Fields[0].Detail == "" {
		t.Errorf("fields = %+v, want one for parameter filter", ge.Fields)
	}
}

// TestHugeNesting feeds 100k levels of nesting with a length limit that
// lets them through: the depth limit must stop them without deep recursion.
func TestHugeNesting(t *testing.T) {
	const n = 100_000
	lim := Limits{MaxLength: 10 * n}
	tests := map[string]string{
		"parentheses": strings.Repeat("(", n) + "TRUE" + strings.Repeat(")", n),
		"unclosed":    strings.Repeat("(", n),
		"NOT":         strings.Repeat("NOT ", n) + "TRUE",
		"minus":       "budget > " + strings.Repeat("- ", n) + "budget",
		"power":       "budget > 2" + strings.Repeat(" ^ 2", n),
		"array":       "A_CONTAINS(themes, " + strings.Repeat("(", n) + ")",
		"collection":  "S_INTERSECTS(geometry, " + strings.Repeat("GEOMETRYCOLLECTION(", n) + "POINT(1 2)" + strings.Repeat(")", n) + ")",
	}
	for name, text := range tests {
		t.Run(name, func(t *testing.T) {
			checkInvalid(t, parseCompile(text, lim))
		})
	}
	t.Run("default length limit", func(t *testing.T) {
		checkInvalid(t, parseCompile(tests["parentheses"], Limits{}))
	})
}

func TestLimitsAllow(t *testing.T) {
	tests := []struct {
		name, filter string
		lim          Limits
	}{
		{"depth at the limit", strings.Repeat("(", 5) + "TRUE" + strings.Repeat(")", 5), Limits{MaxDepth: 5}},
		{"nodes at the limit", "status = 'a' AND budget = 1", Limits{MaxNodes: 7}},
		{"length at the limit", "TRUE", Limits{MaxLength: 4}},
		{"length counts characters", "title = 'ééé'", Limits{MaxLength: 13}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := parseCompile(tt.filter, tt.lim); err != nil {
				t.Errorf("err = %v, want none", err)
			}
		})
	}
}

// TestErrorPosition checks that the detail points at the offending
// character (1-based, counted in characters).
func TestErrorPosition(t *testing.T) {
	tests := []struct {
		filter string
		pos    string
	}{
		{"(status = 'a' OR", "position 17"},
		{"(status = 'é' budget", "position 15"},
		{"status = 'a' AND colour = 1", "position 18"},
		{"title = 'x' AND budget = 'y'", "position 17"},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			err := parseCompile(tt.filter, Limits{})
			checkInvalid(t, err)
			var ge *geo.Error
			if errors.As(err, &ge) && !strings.Contains(ge.Fields[0].Detail, tt.pos) {
				t.Errorf("detail %q does not mention %s", ge.Fields[0].Detail, tt.pos)
			}
		})
	}
}
