package geo

// Action is something a viewer may or may not do. Reads are always allowed:
// what a viewer sees is the store's visibility rule, not an action.
type Action string

// Actions.
const (
	// ActEditActivity: create, change or delete an activity led by
	// Object.OrganisationID.
	ActEditActivity Action = "activity.edit"
	// ActEditOrganisation: change the profile of Object.OrganisationID.
	ActEditOrganisation Action = "organisation.edit"
	// ActAdminister: organisations (create, delete), programmes,
	// vocabularies and exchange rates.
	ActAdminister Action = "alliance.administer"
	// ActListUsers: see the people of Object.OrganisationID.
	ActListUsers Action = "users.list"
	// ActManageUsers: invite, disable, change roles and reset passwords of
	// any user; read the audit log.
	ActManageUsers Action = "users.manage"
	// ActManageOwnAccount: make and revoke one's own tokens, change one's
	// own password. Never by a token, so a leaked token cannot make more.
	ActManageOwnAccount Action = "account.manage"
	// ActSeeChanges: read the history (who changed what) and the write
	// documents of the activities one sees. Any signed-in user, read
	// tokens too; not the public.
	ActSeeChanges Action = "changes.see"
)

// Actions lists every action, for tests that must cover them all.
var Actions = []Action{ActEditActivity, ActEditOrganisation, ActAdminister, ActListUsers, ActManageUsers, ActManageOwnAccount, ActSeeChanges}

// Object is what an action is on: the organisation that owns it (an
// activity's lead, an organisation itself, the organisation whose people
// are listed); 0 when the action is on the alliance as a whole.
type Object struct {
	OrganisationID int64
}

// Can reports whether v may do a on o. It is the one policy: handlers call
// it before the store, and the store's writes repeat the ownership
// condition in SQL.
//
//   - anonymous: nothing;
//   - any signed-in user, by session or token: ActSeeChanges;
//   - a read token: nothing else (it reads what its owner sees);
//   - a write token: what its owner may, except ActManageOwnAccount;
//   - a member viewer: list its own organisation's people, manage its own
//     account;
//   - a member editor: also edit its organisation's activities and profile;
//   - the secretariat: everything.
func Can(v Viewer, a Action, o Object) bool {
	if a == ActSeeChanges {
		return v.SignedIn()
	}
	if !v.SignedIn() || v.Scope == ScopeRead {
		return false
	}
	if v.Scope != "" && a == ActManageOwnAccount {
		return false
	}
	if v.Kind == Secretariat {
		return true
	}
	own := o.OrganisationID > 0 && o.OrganisationID == v.OrganisationID
	switch a {
	case ActManageOwnAccount:
		return true
	case ActListUsers:
		return own
	case ActEditActivity, ActEditOrganisation:
		return own && v.Role == UserEditor
	default:
		return false
	}
}

// Authorise is Can as an error: nil when allowed, EUnauthorized when v is
// not signed in (sign in and try again), EForbidden otherwise.
func Authorise(v Viewer, a Action, o Object) error {
	switch {
	case Can(v, a, o):
		return nil
	case !v.SignedIn():
		return Errorf(EUnauthorized, "sign in to do this")
	default:
		return Errorf(EForbidden, "you may not do this")
	}
}
