package geo

import (
	"net/netip"
	"strings"
	"time"
)

// User is a person who signs in: one of a member organisation's people
// (viewer or editor) or of the secretariat.
type User struct {
	ID             int64      `json:"id"`
	Email          string     `json:"email"`
	DisplayName    string     `json:"display_name"`
	OrganisationID int64      `json:"organisation_id,omitempty"` // 0 for the secretariat
	Organisation   string     `json:"organisation,omitempty"`    // its name, for display
	Role           UserRole   `json:"role"`
	Disabled       bool       `json:"disabled"`
	HasPassword    bool       `json:"has_password"`
	SingleSignOn   bool       `json:"single_sign_on"` // signs in with OpenID Connect
	CreatedAt      time.Time  `json:"created_at"`
	LastSignInAt   *time.Time `json:"last_sign_in_at"`
	Version        int        `json:"version"`
}

// Viewer is the viewer the user is when signed in by session (scope "") or
// by a token of the given scope; a disabled user is anonymous.
func (u User) Viewer(scope Scope) Viewer {
	if u.Disabled {
		return Viewer{}
	}
	return ViewerFor(u.ID, u.OrganisationID, u.Role, scope)
}

// Token is an API token as listed: never the secret itself, which is shown
// once when the token is made.
type Token struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"` // the token's first characters
	Scope      Scope      `json:"scope"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// AuditEvent names a security event of the audit log.
type AuditEvent string

// Audit events.
const (
	AuditSignIn         AuditEvent = "sign_in"
	AuditSignInFailed   AuditEvent = "sign_in.failed"
	AuditSignInThrottle AuditEvent = "sign_in.throttled"
	AuditSignOut        AuditEvent = "sign_out"
	AuditTokenMade      AuditEvent = "token.made"
	AuditTokenRevoked   AuditEvent = "token.revoked"
	AuditUserInvited    AuditEvent = "user.invited"
	AuditUserDisabled   AuditEvent = "user.disabled"
	AuditUserEnabled    AuditEvent = "user.enabled"
	AuditRoleChanged    AuditEvent = "user.role_changed"
	AuditPasswordSet    AuditEvent = "password.set"
	AuditPasswordReset  AuditEvent = "password.reset_link"
	AuditAdminCreated   AuditEvent = "user.admin_created"
	// AuditOIDCLinked: a user's first single sign-on tied the OpenID
	// Connect identity (issuer, subject) to the account, by its verified
	// email. Single sign-ons themselves are sign_in / sign_in.failed with
	// detail method "oidc".
	AuditOIDCLinked AuditEvent = "oidc.linked"
)

// OIDCIdentity is who an OpenID Connect provider says signed in, from a
// verified ID token: the issuer and subject identify the person at the
// provider; the email counts for matching only when EmailVerified.
type OIDCIdentity struct {
	Issuer        string
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
}

// Audit is one entry of the audit log.
type Audit struct {
	ID        int64          `json:"id"`
	At        time.Time      `json:"at"`
	Event     AuditEvent     `json:"event"`
	ActorID   int64          `json:"actor_id,omitempty"`
	SubjectID int64          `json:"subject_id,omitempty"`
	Email     string         `json:"email,omitempty"`
	Address   string         `json:"address,omitempty"`
	Detail    map[string]any `json:"detail,omitempty"`
}

// Client is where a request came from, for sessions, throttling and the
// audit log.
type Client struct {
	Address   netip.Addr
	UserAgent string
}

// Limits of account input.
const (
	MaxEmailLength       = 254
	MaxDisplayNameLength = 200
	MinPasswordLength    = 12
	MaxPasswordLength    = 256 // bytes; argon2id takes any length, the cap bounds the work
	MaxTokenNameLength   = 100
)

// NormaliseEmail trims an email address for storage and lookup (lookups
// are case-insensitive in the database).
func NormaliseEmail(s string) string { return strings.TrimSpace(s) }

// ValidateEmail checks an address's shape: something@something, no spaces,
// at most MaxEmailLength bytes. The error names the field by pointer.
func ValidateEmail(pointer, email string) *FieldError {
	at := strings.IndexByte(email, '@')
	switch {
	case email == "":
		return &FieldError{Pointer: pointer, Detail: "is required"}
	case len(email) > MaxEmailLength:
		return &FieldError{Pointer: pointer, Detail: "is longer than 254 bytes"}
	case at < 1 || at == len(email)-1 || strings.Count(email, "@") != 1 || strings.ContainsAny(email, " \t\r\n"):
		return &FieldError{Pointer: pointer, Detail: "is not an email address"}
	}
	return nil
}

// ValidatePassword checks a new password: at least MinPasswordLength
// characters and at most MaxPasswordLength bytes.
func ValidatePassword(pointer, password string) *FieldError {
	switch {
	case len([]rune(password)) < MinPasswordLength:
		return &FieldError{Pointer: pointer, Detail: "must be at least 12 characters"}
	case len(password) > MaxPasswordLength:
		return &FieldError{Pointer: pointer, Detail: "must be at most 256 bytes"}
	}
	return nil
}

// NewUser is a user the secretariat invites.
type NewUser struct {
	Email          string   `json:"email"`
	DisplayName    string   `json:"display_name"`
	OrganisationID int64    `json:"organisation_id,omitempty"` // 0 for the secretariat
	Role           UserRole `json:"role"`
}

// Validate checks u: an email, a display name within limits, a valid role;
// the secretariat has no organisation and members must have one. The error
// is EInvalid with the fields named by JSON pointer (/email, /role, ...).
func (u NewUser) Validate() error {
	var errs []FieldError
	if fe := ValidateEmail("/email", NormaliseEmail(u.Email)); fe != nil {
		errs = append(errs, *fe)
	}
	if fe := validateDisplayName("/display_name", u.DisplayName); fe != nil {
		errs = append(errs, *fe)
	}
	switch {
	case !u.Role.Valid():
		errs = append(errs, FieldError{Pointer: "/role", Detail: "must be viewer, editor or secretariat"})
	case u.Role == UserSecretariat && u.OrganisationID != 0:
		errs = append(errs, FieldError{Pointer: "/organisation_id", Detail: "must be empty for the secretariat"})
	case u.Role != UserSecretariat && u.OrganisationID <= 0:
		errs = append(errs, FieldError{Pointer: "/organisation_id", Detail: "is required for a member's user"})
	}
	if len(errs) > 0 {
		return &Error{Code: EInvalid, Message: "invalid user", Fields: errs}
	}
	return nil
}

func validateDisplayName(pointer, name string) *FieldError {
	n := len([]rune(strings.TrimSpace(name)))
	switch {
	case n == 0:
		return &FieldError{Pointer: pointer, Detail: "is required"}
	case len(name) > MaxDisplayNameLength:
		return &FieldError{Pointer: pointer, Detail: "is longer than 200 bytes"}
	}
	return nil
}

// UserPatch is a change to a user; nil fields stay as they are.
type UserPatch struct {
	DisplayName    *string   `json:"display_name,omitempty"`
	Role           *UserRole `json:"role,omitempty"`
	Disabled       *bool     `json:"disabled,omitempty"`
	OrganisationID *int64    `json:"organisation_id,omitempty"`
}

// Validate checks the fields p sets (EInvalid naming JSON pointers). Whether
// role and organisation fit together is checked against the user by the
// store (and the database).
func (p UserPatch) Validate() error {
	var errs []FieldError
	if p.DisplayName != nil {
		if fe := validateDisplayName("/display_name", *p.DisplayName); fe != nil {
			errs = append(errs, *fe)
		}
	}
	if p.Role != nil && !p.Role.Valid() {
		errs = append(errs, FieldError{Pointer: "/role", Detail: "must be viewer, editor or secretariat"})
	}
	if p.OrganisationID != nil && *p.OrganisationID < 0 {
		errs = append(errs, FieldError{Pointer: "/organisation_id", Detail: "must be an organisation's id"})
	}
	if len(errs) > 0 {
		return &Error{Code: EInvalid, Message: "invalid user change", Fields: errs}
	}
	return nil
}
