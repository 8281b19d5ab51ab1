package geo

import (
	"time"

	"github.com/paulmach/orb"
)

// Organisation is a member of the alliance.
type Organisation struct {
	ID           int64
	Slug         string // stable key used in URLs and imports ("habitat-cities-network")
	Name         string
	ShortName    string
	Aliases      []string
	Constituency Constituency
	IATIOrgID    string     // IATI organisation identifier, empty when none
	Website      string     // http(s) URL, empty when none
	HQ           *orb.Point // headquarters, nil when unknown
	MemberSince  time.Time  // zero when unknown
	LastReported time.Time  // zero when never
	Demo         bool       // invented demo data
}

// Programme is a named grouping of activities.
type Programme struct {
	ID          int64
	Slug        string
	Name        string
	Type        ProgrammeType
	Tier        int // 1 core, 2 additional strategic, 3 platform
	Description string
	// LeadSlug and ParticipantSlugs name organisations by slug; the store
	// resolves them.
	LeadSlug         string
	ParticipantSlugs []string
	Demo             bool
}
