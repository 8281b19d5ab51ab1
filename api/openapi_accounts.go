package api

import "strconv"

func object(required []string, props map[string]any) map[string]any {
	o := map[string]any{"type": "object", "additionalProperties": false, "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func typed(t string) map[string]any { return map[string]any{"type": t} }

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

var (
	timeSchema  = map[string]any{"type": "string", "format": "date-time"}
	userSchema  = map[string]any{"type": "object", "properties": map[string]any{"id": typed("integer"), "email": typed("string"), "display_name": typed("string"), "organisation_id": typed("integer"), "organisation": typed("string"), "role": map[string]any{"type": "string", "enum": []string{"viewer", "editor", "secretariat"}}, "disabled": typed("boolean"), "has_password": typed("boolean"), "single_sign_on": typed("boolean"), "created_at": timeSchema, "last_sign_in_at": timeSchema, "version": typed("integer")}}
	tokenSchema = map[string]any{"type": "object", "properties": map[string]any{"id": typed("integer"), "user_id": typed("integer"), "name": typed("string"), "prefix": typed("string"), "scope": map[string]any{"type": "string", "enum": []string{"read", "write"}}, "created_at": timeSchema, "expires_at": timeSchema, "last_used_at": timeSchema, "revoked_at": timeSchema}}
	userAnswer  = object(nil, map[string]any{"user": userSchema})
	mailSchema  = object([]string{"sent", "to"}, map[string]any{"sent": typed("boolean"), "to": typed("string"), "error": typed("string")})
	linkAnswer  = object(nil, map[string]any{"link": typed("string"), "expires_at": timeSchema, "mail": mailSchema})
)

// accountOperations documents /auth/*, /users and /audit.
func accountOperations() []operation {
	return []operation{
		{path: "/auth/login", method: "post", summary: "Sign in with email and password: the user, and the session cookie cg_session (HttpOnly, SameSite=Lax, Secure unless plain HTTP to localhost); 401 for bad credentials, 429 with Retry-After when throttled", media: mediaJSON,
			body: object([]string{"email", "password"}, map[string]any{"email": typed("string"), "password": typed("string")}), ok: userAnswer},
		{path: "/auth/logout", method: "post", summary: "Sign out: the session is revoked and the cookie cleared", status: "204", media: mediaJSON},
		{path: "/auth/me", summary: "Who the request is for (always 200): signed_in, and the user, via (session or token) and the token's scope", media: mediaJSON,
			ok: object([]string{"signed_in"}, map[string]any{"signed_in": typed("boolean"), "user": userSchema, "via": map[string]any{"type": "string", "enum": []string{"session", "token"}}, "scope": map[string]any{"type": "string", "enum": []string{"read", "write", ""}}, "single_sign_on": object(nil, map[string]any{"name": typed("string"), "login": typed("string")})})},
		{path: "/auth/tokens", summary: "The signed-in user's API tokens (session only; never the secrets)", media: mediaJSON,
			ok: object(nil, map[string]any{"tokens": map[string]any{"type": "array", "items": tokenSchema}})},
		{path: "/auth/tokens", method: "post", summary: "Make an API token (session only): the secret (cgt_...) is shown this once; send it as Authorization: Bearer", status: "201", media: mediaJSON,
			body: object([]string{"name", "scope"}, map[string]any{"name": typed("string"), "scope": map[string]any{"type": "string", "enum": []string{"read", "write"}}, "expires_at": timeSchema}),
			ok:   object(nil, map[string]any{"token": tokenSchema, "secret": typed("string")})},
		{path: "/auth/tokens/{id}", method: "delete", summary: "Revoke one of the user's tokens (session only; the secretariat may revoke any)", status: "204", pathParams: []string{"id"}, media: mediaJSON},
		{path: "/auth/password", method: "post", summary: "Change the password (session only): every session ends, the answer carries a new cookie", status: "204", media: mediaJSON,
			body: object([]string{"current_password", "new_password"}, map[string]any{"current_password": typed("string"), "new_password": map[string]any{"type": "string", "minLength": 12}})},
		{path: "/auth/accept", method: "post", summary: "Use an invitation or password reset link: set the password and sign in (the user, and the session cookie)", media: mediaJSON,
			body: object([]string{"link", "password"}, map[string]any{"link": typed("string"), "password": map[string]any{"type": "string", "minLength": 12}}), ok: userAnswer},
		{path: "/auth/oidc/login", summary: "Single sign-on (when configured): 302 to the OpenID Connect provider with state, nonce and a PKCE challenge, kept in the cg_oidc cookie (10 minutes, callback path only); 303 to /#/signin?sso_error=provider_unavailable when the provider cannot be reached; 404 when single sign-on is off", status: "302", media: mediaJSON},
		{path: "/auth/oidc/callback", summary: "The provider's redirect back (when configured): checks state, exchanges the code with the PKCE verifier, verifies the ID token and nonce, signs the person in (the session cookie) and answers 303 to /; any failure is a 303 to /#/signin?sso_error=<code>; 404 when single sign-on is off", status: "303", media: mediaJSON},
		{path: "/users", summary: "People: the secretariat sees everyone (or one organisation), members the people of their own organisation", params: []string{"organisation"}, media: mediaJSON,
			ok: object(nil, map[string]any{"users": map[string]any{"type": "array", "items": userSchema}})},
		{path: "/users", method: "post", summary: "Invite a person (secretariat): the answer holds the single-use link to copy to them, and, when an SMTP relay is configured, mail: whether it was also mailed to them (a failed send never fails the invitation)", status: "201", media: mediaJSON,
			body: object([]string{"email", "display_name", "role"}, map[string]any{"email": typed("string"), "display_name": typed("string"), "organisation_id": typed("integer"), "role": map[string]any{"type": "string", "enum": []string{"viewer", "editor", "secretariat"}}}),
			ok:   object(nil, map[string]any{"user": userSchema, "link": typed("string"), "expires_at": timeSchema, "mail": mailSchema})},
		{path: "/users/{id}", method: "patch", summary: "Change a person (secretariat; JSON merge patch): If-Match with the user's version (\"3\") is required (428 without, 412 with current_version when stale); disabling ends their sessions and tokens", pathParams: []string{"id"}, media: mediaJSON,
			body: object(nil, map[string]any{"display_name": typed("string"), "role": map[string]any{"type": "string", "enum": []string{"viewer", "editor", "secretariat"}}, "disabled": typed("boolean"), "organisation_id": typed("integer")}), ok: userAnswer},
		{path: "/users/{id}/reset", method: "post", summary: "A password reset link for a person (secretariat), to copy to them; mailed to them too when an SMTP relay is configured (mail as for POST /users)", status: "201", pathParams: []string{"id"}, media: mediaJSON, ok: linkAnswer},
		{path: "/audit", summary: "The audit log of security events, newest first (secretariat)", params: []string{"limit", "offset"}, media: mediaJSON,
			ok: object(nil, map[string]any{"audit": map[string]any{"type": "array", "items": map[string]any{"type": "object"}}})},
	}
}
