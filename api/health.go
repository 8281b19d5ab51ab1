package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/commonground/commonground/geo"
)

// livez checks the process only: it answers while the database is down.
func (s *server) livez(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz answers 200 when the server takes traffic: not draining, the
// database reachable and its schema current; else 503 with Retry-After.
func (s *server) readyz(c *gin.Context) error {
	if s.draining.Load() {
		return geo.Errorf(geo.EUnavailable, "shutting down")
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.ReadyTimeout)
	defer cancel()
	if err := s.store.Ready(ctx); err != nil {
		if geo.ErrorCode(err) == geo.EUnavailable {
			return err
		}
		return &geo.Error{Code: geo.EUnavailable, Message: "database not ready", Err: err}
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
	return nil
}
