package postgis

import (
	"context"
	"errors"
	"net"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/commonground/commonground/geo"
)

// translate turns a pgx error into a *geo.Error with the code the edges map
// to a status. Messages are client-safe; the cause stays in Err for logs.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var ge *geo.Error
	if errors.As(err, &ge) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return &geo.Error{Code: geo.ENotFound, Message: "not found", Err: err}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &geo.Error{Code: geo.EUnavailable, Message: "the query took too long", Err: err}
	}
	if errors.Is(err, context.Canceled) {
		return &geo.Error{Code: geo.EUnavailable, Message: "request cancelled", Err: err}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return translatePg(pe, err)
	}
	var ne net.Error
	var ce *pgconn.ConnectError
	if errors.As(err, &ne) || errors.As(err, &ce) || pgconn.SafeToRetry(err) || isClosedConn(err) {
		return &geo.Error{Code: geo.EUnavailable, Message: "database unavailable", Err: err}
	}
	return &geo.Error{Code: geo.EInternal, Err: err}
}

func translatePg(pe *pgconn.PgError, err error) error {
	switch {
	case pe.Code == "57014": // query_canceled: statement_timeout
		return &geo.Error{Code: geo.EUnavailable, Message: "the query took too long", Err: err}
	case strings.HasPrefix(pe.Code, "08"), strings.HasPrefix(pe.Code, "57P"), pe.Code == "53300":
		// connection exceptions, admin/crash shutdown, cannot connect now,
		// too many connections
		return &geo.Error{Code: geo.EUnavailable, Message: "database unavailable", Err: err}
	case pe.Code == "40P01", pe.Code == "40001": // deadlock detected, serialization failure: try again
		return &geo.Error{Code: geo.EUnavailable, Message: "the database was busy with a conflicting change; try again", Err: err}
	case pe.Code == "23505":
		return &geo.Error{Code: geo.EConflict, Message: "already exists (" + pe.ConstraintName + ")", Err: err}
	case pe.Code == "23503", pe.Code == "23514", pe.Code == "23502", strings.HasPrefix(pe.Code, "22"):
		return &geo.Error{Code: geo.EInvalid, Message: "refused by the database (" + constraintOr(pe) + ")", Err: err}
	}
	return &geo.Error{Code: geo.EInternal, Err: err}
}

func constraintOr(pe *pgconn.PgError) string {
	if pe.ConstraintName != "" {
		return pe.ConstraintName
	}
	return pe.Code
}

func isClosedConn(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "conn closed") || strings.Contains(msg, "closed pool") ||
		strings.Contains(msg, "unexpected EOF") || strings.Contains(msg, "connection reset")
}
