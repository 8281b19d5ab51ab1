package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/commonground/commonground/geo"
)

type tokenBody struct {
	Name      string     `json:"name"`
	Scope     geo.Scope  `json:"scope"`
	ExpiresAt *time.Time `json:"expires_at"`
}

// tokens answers GET /auth/tokens: the viewer's own tokens (session only).
func (s *server) tokens(c *gin.Context) error {
	v := viewerOf(c)
	if err := geo.Authorise(v, geo.ActManageOwnAccount, geo.Object{}); err != nil {
		return err
	}
	acc := s.store
	list, err := acc.Tokens(c.Request.Context(), v)
	if err != nil {
		return err
	}
	if list == nil {
		list = []geo.Token{}
	}
	return writeAccount(c, http.StatusOK, gin.H{"tokens": list})
}

// createToken answers POST /auth/tokens: 201 {"token", "secret"}, the
// secret shown this once.
func (s *server) createToken(c *gin.Context) error {
	v := viewerOf(c)
	if err := geo.Authorise(v, geo.ActManageOwnAccount, geo.Object{}); err != nil {
		return err
	}
	var b tokenBody
	if err := decodeBody(c, &b); err != nil {
		return err
	}
	var errs []geo.FieldError
	if n := len(strings.TrimSpace(b.Name)); n == 0 || n > geo.MaxTokenNameLength {
		errs = append(errs, geo.FieldError{Pointer: "/name", Detail: "must be 1 to 100 bytes"})
	}
	if !b.Scope.Valid() {
		errs = append(errs, geo.FieldError{Pointer: "/scope", Detail: "must be read or write"})
	}
	if b.ExpiresAt != nil && !b.ExpiresAt.After(time.Now()) {
		errs = append(errs, geo.FieldError{Pointer: "/expires_at", Detail: "must be in the future"})
	}
	if len(errs) > 0 {
		return &geo.Error{Code: geo.EInvalid, Message: "invalid token", Fields: errs}
	}
	acc := s.store
	secret, t, err := acc.CreateToken(c.Request.Context(), v, strings.TrimSpace(b.Name), b.Scope, b.ExpiresAt)
	if err != nil {
		return err
	}
	return writeAccount(c, http.StatusCreated, gin.H{"token": t, "secret": secret})
}

// revokeToken answers DELETE /auth/tokens/{id}: 204; 404 for a token that
// is not the viewer's (the secretariat may revoke any).
func (s *server) revokeToken(c *gin.Context) error {
	v := viewerOf(c)
	if err := geo.Authorise(v, geo.ActManageOwnAccount, geo.Object{}); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	acc := s.store
	if err := acc.RevokeToken(c.Request.Context(), v, id); err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusNoContent)
	return nil
}
