package api_test

import (
	"context"
	"sync"
	"time"

	"github.com/commonground/commonground/geo"
	"github.com/commonground/commonground/geo/postgis"
	"github.com/commonground/commonground/geo/secret"
)

// accountStore is the real store (every read on real PostGIS) with the
// account methods of the contract kept in memory, until geo/postgis
// implements them: then the tests use *postgis.Store alone. It keeps to
// the contract's error codes, which is what the tests assert.
type accountStore struct {
	*postgis.Store
	mu       sync.Mutex
	users    map[int64]*geo.User
	password map[int64]string
	sessions map[string]int64 // session secret -> user
	tokens   map[string]*geo.Token
	nextID   int64
}

func newAccountStore(s *postgis.Store) *accountStore {
	return &accountStore{Store: s, users: map[int64]*geo.User{}, password: map[int64]string{},
		sessions: map[string]int64{}, tokens: map[string]*geo.Token{}}
}

var errCredentials = geo.Errorf(geo.EUnauthorized, "wrong email or password")

// addUser makes a user with a password, as the CLI or an accepted
// invitation would.
func (a *accountStore) addUser(email string, org int64, role geo.UserRole, password string) geo.User {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.nextID++
	u := &geo.User{ID: a.nextID, Email: email, DisplayName: email, OrganisationID: org, Role: role, HasPassword: true, Version: 1, CreatedAt: time.Now()}
	a.users[u.ID] = u
	a.password[u.ID] = password
	return *u
}

func (a *accountStore) SignIn(_ context.Context, email, password string, _ geo.Client) (string, geo.User, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, u := range a.users {
		if u.Email == email && a.password[u.ID] == password && !u.Disabled {
			s, _ := secret.New("cgs_")
			a.sessions[s] = u.ID
			return s, *u, nil
		}
	}
	return "", geo.User{}, errCredentials
}

func (a *accountStore) SessionUser(_ context.Context, session string) (geo.User, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	id, ok := a.sessions[session]
	if !ok || a.users[id].Disabled {
		return geo.User{}, geo.Errorf(geo.EUnauthorized, "no session")
	}
	return *a.users[id], nil
}

func (a *accountStore) SignOut(_ context.Context, session string, _ geo.Client) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.sessions, session)
	return nil
}

func (a *accountStore) TokenUser(_ context.Context, token string) (geo.User, geo.Token, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	t, ok := a.tokens[token]
	if !ok || t.RevokedAt != nil || (t.ExpiresAt != nil && t.ExpiresAt.Before(time.Now())) || a.users[t.UserID].Disabled {
		return geo.User{}, geo.Token{}, geo.Errorf(geo.EUnauthorized, "bad token")
	}
	return *a.users[t.UserID], *t, nil
}

func (a *accountStore) CreateToken(_ context.Context, v geo.Viewer, name string, scope geo.Scope, expires *time.Time) (string, geo.Token, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.nextID++
	s, _ := secret.New("cgt_")
	t := &geo.Token{ID: a.nextID, UserID: v.UserID, Name: name, Scope: scope, ExpiresAt: expires, CreatedAt: time.Now(), Prefix: s[:8]}
	a.tokens[s] = t
	return s, *t, nil
}

// setToken expires or revokes a token, as the tests' UPDATE would.
func (a *accountStore) setToken(token string, expired, revoked bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	past := time.Now().Add(-time.Hour)
	if expired {
		a.tokens[token].ExpiresAt = &past
	}
	if revoked {
		a.tokens[token].RevokedAt = &past
	}
}

func (a *accountStore) Tokens(_ context.Context, v geo.Viewer) ([]geo.Token, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []geo.Token
	for _, t := range a.tokens {
		if t.UserID == v.UserID {
			out = append(out, *t)
		}
	}
	return out, nil
}

func (a *accountStore) RevokeToken(_ context.Context, v geo.Viewer, id int64) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, t := range a.tokens {
		if t.ID == id && (t.UserID == v.UserID || v.Kind == geo.Secretariat) {
			now := time.Now()
			t.RevokedAt = &now
			return nil
		}
	}
	return geo.Errorf(geo.ENotFound, "no such token")
}

func (a *accountStore) Users(_ context.Context, v geo.Viewer, org int64) ([]geo.User, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if v.Kind != geo.Secretariat && org != v.OrganisationID {
		return nil, geo.Errorf(geo.EForbidden, "not your organisation")
	}
	var out []geo.User
	for _, u := range a.users {
		if org == 0 || u.OrganisationID == org {
			out = append(out, *u)
		}
	}
	return out, nil
}

func (a *accountStore) InviteUser(_ context.Context, v geo.Viewer, nu geo.NewUser) (geo.User, string, time.Time, error) {
	if v.Kind != geo.Secretariat {
		return geo.User{}, "", time.Time{}, geo.Errorf(geo.EForbidden, "secretariat only")
	}
	u := a.addUser(nu.Email, nu.OrganisationID, nu.Role, "")
	link, _ := secret.New("cgl_")
	return u, link, time.Now().Add(7 * 24 * time.Hour), nil
}

func (a *accountStore) UpdateUser(_ context.Context, v geo.Viewer, id int64, version int, p geo.UserPatch) (geo.User, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	u, ok := a.users[id]
	switch {
	case v.Kind != geo.Secretariat:
		return geo.User{}, geo.Errorf(geo.EForbidden, "secretariat only")
	case !ok:
		return geo.User{}, geo.Errorf(geo.ENotFound, "no such user")
	case u.Version != version:
		return geo.User{}, geo.Errorf(geo.EConflict, "the user has changed")
	}
	if p.Disabled != nil {
		u.Disabled = *p.Disabled
	}
	if p.Role != nil {
		u.Role = *p.Role
	}
	if p.DisplayName != nil {
		u.DisplayName = *p.DisplayName
	}
	u.Version++
	return *u, nil
}

func (a *accountStore) ResetLink(_ context.Context, v geo.Viewer, id int64) (string, time.Time, error) {
	if v.Kind != geo.Secretariat {
		return "", time.Time{}, geo.Errorf(geo.EForbidden, "secretariat only")
	}
	link, _ := secret.New("cgl_")
	return link, time.Now().Add(24 * time.Hour), nil
}

func (a *accountStore) UseLink(context.Context, string, string, geo.Client) (string, geo.User, error) {
	return "", geo.User{}, geo.Errorf(geo.EUnauthorized, "the link is not valid")
}

func (a *accountStore) ChangePassword(_ context.Context, v geo.Viewer, current, next string, _ geo.Client) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.password[v.UserID] != current {
		return "", errCredentials
	}
	a.password[v.UserID] = next
	for s, id := range a.sessions {
		if id == v.UserID {
			delete(a.sessions, s)
		}
	}
	s, _ := secret.New("cgs_")
	a.sessions[s] = v.UserID
	return s, nil
}

func (a *accountStore) AuditLog(context.Context, geo.Viewer, geo.Page) ([]geo.Audit, error) {
	return []geo.Audit{}, nil
}
