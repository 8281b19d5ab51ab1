package geo

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		code Code
		msg  string
	}{
		{"nil", nil, "", "internal error"},
		{"plain", errors.New("boom"), EInternal, "internal error"},
		{"coded", Errorf(ENotFound, "activity %d not found", 7), ENotFound, "activity 7 not found"},
		{"wrapped", fmt.Errorf("store: %w", Errorf(EInvalid, "bad bbox")), EInvalid, "bad bbox"},
		{"internal hides message", &Error{Code: EInternal, Message: "SELECT secret", Err: errors.New("x")}, EInternal, "internal error"},
		{"unavailable with cause", &Error{Code: EUnavailable, Message: "database unavailable", Err: errors.New("dial tcp")}, EUnavailable, "database unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorCode(tt.err); got != tt.code {
				t.Errorf("ErrorCode = %q, want %q", got, tt.code)
			}
			if got := ErrorMessage(tt.err); got != tt.msg {
				t.Errorf("ErrorMessage = %q, want %q", got, tt.msg)
			}
		})
	}
}

func TestErrorUnwrap(t *testing.T) {
	cause := errors.New("cause")
	err := fmt.Errorf("op: %w", &Error{Code: EUnavailable, Err: cause})
	if !errors.Is(err, cause) {
		t.Fatal("errors.Is does not reach the cause")
	}
}
