package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/commonground/commonground/geo"
)

// decodeBody reads one JSON object into dst, refusing unknown fields,
// wrong types, trailing data and bodies over the cap (limitBody), each as
// an EInvalid error naming the JSON pointer at fault.
func decodeBody(c *gin.Context, dst any) error {
	if c.Request.Body == nil {
		return bodyError("", "a JSON body is required")
	}
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return bodyError("", "only one JSON object is allowed")
	}
	return nil
}

// jsonError turns a decoding error into a problem naming the pointer.
func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var maxErr *http.MaxBytesError
	switch {
	case errors.Is(err, io.EOF):
		return bodyError("", "a JSON body is required")
	case errors.As(err, &maxErr):
		return bodyError("", "the body is too large")
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return bodyError("", "must be a JSON object")
		}
		return bodyError("/"+strings.ReplaceAll(typeErr.Field, ".", "/"), "must be a "+typeErr.Type.String())
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return bodyError("/"+name, "unknown field")
	default:
		return bodyError("", "malformed JSON")
	}
}

func bodyError(pointer, detail string) error {
	return &geo.Error{Code: geo.EInvalid, Message: "invalid request body", Fields: []geo.FieldError{{Pointer: pointer, Detail: detail}}}
}
