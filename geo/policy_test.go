package geo

import (
	"errors"
	"testing"
)

func TestCan(t *testing.T) {
	const a, b = 1, 2
	anon := Viewer{}
	viewerA := ViewerFor(10, a, UserViewer, "")
	editorA := ViewerFor(11, a, UserEditor, "")
	editorB := ViewerFor(12, b, UserEditor, "")
	sec := ViewerFor(13, 0, UserSecretariat, "")
	readTok := ViewerFor(11, a, UserEditor, ScopeRead)
	writeTok := ViewerFor(11, a, UserEditor, ScopeWrite)
	secWriteTok := ViewerFor(13, 0, UserSecretariat, ScopeWrite)
	noUser := Viewer{Kind: Member, OrganisationID: a, Role: UserEditor} // no user id: not signed in

	onA, onB, alliance := Object{OrganisationID: a}, Object{OrganisationID: b}, Object{}
	tests := []struct {
		name string
		v    Viewer
		act  Action
		o    Object
		want bool
	}{
		{"anonymous edits nothing", anon, ActEditActivity, onA, false},
		{"anonymous sees no history", anon, ActSeeChanges, onA, false},
		{"a read token sees history", readTok, ActSeeChanges, onA, true},
		{"a viewer sees history", viewerA, ActSeeChanges, onB, true},
		{"no user, no history", noUser, ActSeeChanges, onA, false},
		{"anonymous manages no account", anon, ActManageOwnAccount, alliance, false},
		{"viewer cannot edit own activity", viewerA, ActEditActivity, onA, false},
		{"viewer lists own people", viewerA, ActListUsers, onA, true},
		{"viewer does not list others' people", viewerA, ActListUsers, onB, false},
		{"viewer manages own account", viewerA, ActManageOwnAccount, alliance, true},
		{"editor edits own activity", editorA, ActEditActivity, onA, true},
		{"editor edits own profile", editorA, ActEditOrganisation, onA, true},
		{"editor cannot edit another's activity", editorA, ActEditActivity, onB, false},
		{"editor B cannot edit A's profile", editorB, ActEditOrganisation, onA, false},
		{"editor cannot edit an activity of no organisation", editorA, ActEditActivity, alliance, false},
		{"editor cannot administer", editorA, ActAdminister, alliance, false},
		{"editor cannot manage users", editorA, ActManageUsers, onA, false},
		{"secretariat administers", sec, ActAdminister, alliance, true},
		{"secretariat edits any activity", sec, ActEditActivity, onB, true},
		{"secretariat manages users", sec, ActManageUsers, alliance, true},
		{"read token edits nothing", readTok, ActEditActivity, onA, false},
		{"read token lists nothing", readTok, ActListUsers, onA, false},
		{"write token edits own", writeTok, ActEditActivity, onA, true},
		{"write token not another's", writeTok, ActEditActivity, onB, false},
		{"write token cannot make tokens", writeTok, ActManageOwnAccount, alliance, false},
		{"secretariat write token administers", secWriteTok, ActAdminister, alliance, true},
		{"secretariat write token cannot make tokens", secWriteTok, ActManageOwnAccount, alliance, false},
		{"a viewer without a user is not signed in", noUser, ActEditActivity, onA, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Can(tt.v, tt.act, tt.o); got != tt.want {
				t.Errorf("Can(%+v, %s, %+v) = %v, want %v", tt.v, tt.act, tt.o, got, tt.want)
			}
		})
	}
}

// Every action is refused to the anonymous viewer and allowed to the
// secretariat's session, so a new action cannot be left out of the policy.
func TestCanEveryAction(t *testing.T) {
	sec := ViewerFor(1, 0, UserSecretariat, "")
	for _, act := range Actions {
		if Can(Viewer{}, act, Object{OrganisationID: 1}) {
			t.Errorf("anonymous may %s", act)
		}
		if !Can(sec, act, Object{OrganisationID: 1}) {
			t.Errorf("secretariat may not %s", act)
		}
	}
}

func TestAuthorise(t *testing.T) {
	tests := []struct {
		name string
		v    Viewer
		want Code
	}{
		{"allowed", ViewerFor(1, 1, UserEditor, ""), ""},
		{"anonymous must sign in", Viewer{}, EUnauthorized},
		{"signed in but not allowed", ViewerFor(1, 2, UserEditor, ""), EForbidden},
		{"read token is forbidden, not unsigned", ViewerFor(1, 1, UserEditor, ScopeRead), EForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Authorise(tt.v, ActEditActivity, Object{OrganisationID: 1})
			if got := ErrorCode(err); got != tt.want {
				t.Errorf("code %q, want %q (%v)", got, tt.want, err)
			}
			var ge *Error
			if err != nil && !errors.As(err, &ge) {
				t.Errorf("not a *geo.Error: %v", err)
			}
		})
	}
}

func TestViewerFor(t *testing.T) {
	tests := []struct {
		name      string
		v         Viewer
		kind      ViewerKind
		class     string
		signedIn  bool
		publicish bool
	}{
		{"member editor", ViewerFor(5, 3, UserEditor, ""), Member, "member-3", true, false},
		{"member viewer by token", ViewerFor(5, 3, UserViewer, ScopeRead), Member, "member-3", true, false},
		{"secretariat", ViewerFor(6, 0, UserSecretariat, ""), Secretariat, "secretariat", true, false},
		{"member role without organisation", ViewerFor(7, 0, UserEditor, ""), Anonymous, "anonymous", false, true},
		{"unknown role", ViewerFor(8, 3, UserRole("root"), ""), Anonymous, "anonymous", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.v.Kind != tt.kind || tt.v.Class() != tt.class || tt.v.SignedIn() != tt.signedIn || tt.v.Public() != tt.publicish {
				t.Errorf("%+v: kind %d class %q signed in %v public %v", tt.v, tt.v.Kind, tt.v.Class(), tt.v.SignedIn(), tt.v.Public())
			}
		})
	}
}
