package geo

import "strconv"

// ViewerKind is who is asking.
type ViewerKind int

// Viewer kinds.
const (
	Anonymous   ViewerKind = iota // the public
	Member                        // a signed-in user of a member organisation
	Secretariat                   // the alliance secretariat
)

// Viewer is who a read is for. The store applies one visibility rule for it
// in every read path: public activities for everyone; members-only ones for
// members and the secretariat; drafts for their own organisation and the
// secretariat.
type Viewer struct {
	Kind           ViewerKind
	OrganisationID int64 // for Member
}

// Class is the viewer's visibility class, for cache keys: caches are never
// shared across it.
func (v Viewer) Class() string {
	switch v.Kind {
	case Secretariat:
		return "secretariat"
	case Member:
		return "member-" + strconv.FormatInt(v.OrganisationID, 10)
	default:
		return "anonymous"
	}
}
