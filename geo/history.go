package geo

import (
	"encoding/json"
	"time"
)

// Entity is what a history entry is about.
type Entity string

// Entities with a history.
const (
	EntityActivity     Entity = "activity"
	EntityOrganisation Entity = "organisation"
	EntityProgramme    Entity = "programme"
	EntityTheme        Entity = "theme"
	EntityExchangeRate Entity = "exchange_rate"
)

// ChangeAction is what a history entry did.
type ChangeAction string

// Change actions.
const (
	ChangeCreate  ChangeAction = "create"
	ChangeUpdate  ChangeAction = "update"
	ChangeDelete  ChangeAction = "delete"
	ChangeRestore ChangeAction = "restore"
)

// Actor is who made a change, as the history shows them.
type Actor struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Change is one entry of an entity's history: who, when, what, and the
// value of each changed field before and after (a creation changes every
// field from null; a deletion and a restoration change none).
type Change struct {
	ID      int64                  `json:"id"`
	At      time.Time              `json:"at"`
	Actor   *Actor                 `json:"actor"` // nil: the command line
	Action  ChangeAction           `json:"action"`
	Version *int                   `json:"version"` // the row version after it; nil for a deletion
	Changes map[string]FieldChange `json:"changes"`
}

// DeletedActivity is an activity in the 30 days its deletion may be undone.
type DeletedActivity struct {
	ID                 int64     `json:"id"`
	Title              string    `json:"title"`
	LeadOrganisationID *int64    `json:"lead_organisation_id"`
	DeletedAt          time.Time `json:"deleted_at"`
	DeletedBy          *Actor    `json:"deleted_by"`
	RestoreUntil       time.Time `json:"restore_until"`
}

// RestoreWindow is how long a deleted activity may be restored.
const RestoreWindow = 30 * 24 * time.Hour

// Idempotency identifies a create made with an Idempotency-Key: the key,
// the route, and a hash of the request's normalised content. The same key
// with the same route and hash is a retry.
type Idempotency struct {
	Key   string
	Route string
	Hash  []byte
}

// MaxIdempotencyKeyLen is the longest Idempotency-Key accepted.
const MaxIdempotencyKeyLen = 255

// Answer is a write's HTTP answer as remembered for retries.
type Answer struct {
	Status   int
	Location string
	ETag     string
	Body     json.RawMessage
}

// Written is what a write of an activity leaves: the activity as the read
// side shows it, its row version, and the data version the write
// committed.
type Written struct {
	View        ActivityView
	Version     int
	DataVersion int64
}

// HistoryPage is one page of a history, newest first: the entries older
// than Before (0: from the newest), at most Limit of them.
type HistoryPage struct {
	Before int64
	Limit  int
}

// History page sizes.
const (
	DefaultHistoryLimit = 100
	MaxHistoryLimit     = 1000
)
