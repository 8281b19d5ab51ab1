package geo

import (
	"errors"
	"fmt"
)

// Code classifies an error for the edges: the HTTP layer maps each code to a
// status in one table, the CLI to an exit message.
type Code string

// Error codes.
const (
	ENotFound  Code = "not_found"
	EInvalid   Code = "invalid"
	EConflict  Code = "conflict"
	EForbidden Code = "forbidden"
	// EUnauthorized: the request needs a signed-in user (no or bad
	// credentials); sign in and try again.
	EUnauthorized Code = "unauthorized"
	// ETooMany: too many attempts (sign-in throttling); try again later.
	ETooMany Code = "too_many_requests"
	// EPrecondition: If-Match names a version that is no longer current.
	EPrecondition Code = "precondition_failed"
	// EUnprocessable: a well-formed request that contradicts an earlier
	// one (an Idempotency-Key reused with another body).
	EUnprocessable Code = "unprocessable"
	EUnavailable   Code = "unavailable" // try again later (database down, timeout)
	EInternal      Code = "internal"
)

// FieldError points at the part of the input at fault: a query parameter, a
// JSON pointer or an import line.
type FieldError struct {
	Pointer   string `json:"pointer,omitempty"`
	Parameter string `json:"parameter,omitempty"`
	Line      int    `json:"line,omitempty"`
	Detail    string `json:"detail"`
}

// Error is the project's one coded error. Message is safe to show to a
// client; Err, the cause, is for logs only.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
	Err     error
}

func (e *Error) Error() string {
	switch {
	case e.Err != nil && e.Message != "":
		return fmt.Sprintf("%s: %v", e.Message, e.Err)
	case e.Err != nil:
		return e.Err.Error()
	default:
		return e.Message
	}
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with a client-safe formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal
// for any other non-nil error and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the client-safe message of err's *Error, or a generic
// message for internal errors.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Message != "" && e.Code != EInternal {
		return e.Message
	}
	return "internal error"
}
