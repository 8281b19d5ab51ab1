package geo

import (
	"strings"
	"testing"
)

func TestNewUserValidate(t *testing.T) {
	for _, c := range []struct {
		name    string
		u       NewUser
		pointer string // "" for valid
	}{
		{"member", NewUser{Email: "a@example.org", DisplayName: "A", OrganisationID: 3, Role: UserEditor}, ""},
		{"secretariat", NewUser{Email: " a@example.org ", DisplayName: "A", Role: UserSecretariat}, ""},
		{"no email", NewUser{DisplayName: "A", OrganisationID: 3, Role: UserViewer}, "/email"},
		{"SQL email", NewUser{Email: "' OR 1=1 --", DisplayName: "A", OrganisationID: 3, Role: UserViewer}, "/email"},
		{"huge email", NewUser{Email: strings.Repeat("a", 300) + "@example.org", DisplayName: "A", OrganisationID: 3, Role: UserViewer}, "/email"},
		{"blank name", NewUser{Email: "a@example.org", DisplayName: "  ", OrganisationID: 3, Role: UserViewer}, "/display_name"},
		{"long name", NewUser{Email: "a@example.org", DisplayName: strings.Repeat("é", 101), OrganisationID: 3, Role: UserViewer}, "/display_name"},
		{"bad role", NewUser{Email: "a@example.org", DisplayName: "A", OrganisationID: 3, Role: "admin"}, "/role"},
		{"member without organisation", NewUser{Email: "a@example.org", DisplayName: "A", Role: UserViewer}, "/organisation_id"},
		{"secretariat with organisation", NewUser{Email: "a@example.org", DisplayName: "A", OrganisationID: 3, Role: UserSecretariat}, "/organisation_id"},
	} {
		err := c.u.Validate()
		if c.pointer == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		e, ok := err.(*Error)
		if !ok || e.Code != EInvalid || len(e.Fields) == 0 || e.Fields[0].Pointer != c.pointer {
			t.Errorf("%s: Validate = %#v, want invalid at %s", c.name, err, c.pointer)
		}
	}
}

func TestUserPatchValidate(t *testing.T) {
	bad, blank, neg := UserRole("root"), " ", int64(-1)
	for _, p := range []UserPatch{{Role: &bad}, {DisplayName: &blank}, {OrganisationID: &neg}} {
		if ErrorCode(p.Validate()) != EInvalid {
			t.Errorf("Validate(%+v) accepted", p)
		}
	}
	if err := (UserPatch{}).Validate(); err != nil {
		t.Errorf("empty patch: %v", err)
	}
}
