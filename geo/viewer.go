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

// UserRole is what a signed-in user may do: a member organisation's viewer or
// editor, or the secretariat, which administers the alliance.
type UserRole string

// User roles.
const (
	UserViewer      UserRole = "viewer"      // sees members-only work and own drafts; changes nothing
	UserEditor      UserRole = "editor"      // also changes the activities the organisation leads, and its profile
	UserSecretariat UserRole = "secretariat" // sees and changes everything
)

// UserRoles lists the user roles, weakest first.
var UserRoles = []UserRole{UserViewer, UserEditor, UserSecretariat}

// Valid reports whether r is one of UserRoles.
func (r UserRole) Valid() bool {
	return r == UserViewer || r == UserEditor || r == UserSecretariat
}

// Scope is what an API token may do on its owner's behalf.
type Scope string

// Token scopes.
const (
	ScopeRead  Scope = "read"  // reads only, what the owner sees
	ScopeWrite Scope = "write" // what the owner may, except managing tokens and passwords
)

// Valid reports whether s is a token scope.
func (s Scope) Valid() bool { return s == ScopeRead || s == ScopeWrite }

// Viewer is who a request is for, decided once at the edge from the session
// cookie or the bearer token. The store applies one visibility rule for it
// in every read path: public activities for everyone; members-only ones for
// members and the secretariat; drafts for their own organisation and the
// secretariat. Can decides what it may change.
type Viewer struct {
	Kind           ViewerKind
	OrganisationID int64    // for Member
	UserID         int64    // 0 for Anonymous
	Role           UserRole // "" for Anonymous
	// Scope is the bearer token's scope; "" when the request came with a
	// session (or with nothing).
	Scope Scope
}

// ViewerFor returns the viewer of a signed-in user of organisation org
// (0 for none, as for the secretariat) with role, limited to scope when the
// request came with a token. A role that is not valid, or a member role
// without an organisation, gives the anonymous viewer.
func ViewerFor(userID, org int64, role UserRole, scope Scope) Viewer {
	switch {
	case role == UserSecretariat:
		return Viewer{Kind: Secretariat, OrganisationID: org, UserID: userID, Role: role, Scope: scope}
	case role.Valid() && org > 0:
		return Viewer{Kind: Member, OrganisationID: org, UserID: userID, Role: role, Scope: scope}
	default:
		return Viewer{Kind: Anonymous}
	}
}

// SignedIn reports whether v is a user (by session or token).
func (v Viewer) SignedIn() bool { return v.Kind != Anonymous && v.UserID > 0 }

// Class is the viewer's visibility class, for cache keys: caches are never
// shared across it. Viewers of one class see exactly the same data.
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

// Public reports whether v sees only public data, so that answers for it
// may be cached publicly and shared.
func (v Viewer) Public() bool { return v.Kind == Anonymous }
