package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/commonground/commonground/geo"
)

// Problem is an RFC 9457 problem details object. Code and RequestID are
// extension members; Errors points at the inputs at fault.
type Problem struct {
	Type      string           `json:"type"`
	Title     string           `json:"title"`
	Status    int              `json:"status"`
	Detail    string           `json:"detail,omitempty"`
	Instance  string           `json:"instance,omitempty"`
	Code      geo.Code         `json:"code"`
	RequestID string           `json:"request_id,omitempty"`
	Errors    []geo.FieldError `json:"errors,omitempty"`
	// CurrentVersion is the resource's version when If-Match was stale.
	CurrentVersion *int `json:"current_version,omitempty"`
	// CurrentETag and Current are, for a stale If-Match on an activity, its
	// current ETag and write document.
	CurrentETag string          `json:"current_etag,omitempty"`
	Current     json.RawMessage `json:"current,omitempty"`
}

// statusOf maps each error code to its HTTP status: the one table.
var statusOf = map[geo.Code]int{
	geo.ENotFound:      http.StatusNotFound,
	geo.EInvalid:       http.StatusBadRequest,
	geo.EConflict:      http.StatusConflict,
	geo.EForbidden:     http.StatusForbidden,
	geo.EUnauthorized:  http.StatusUnauthorized,
	geo.ETooMany:       http.StatusTooManyRequests,
	geo.EPrecondition:  http.StatusPreconditionFailed,
	geo.EUnprocessable: http.StatusUnprocessableEntity,
	geo.EUnavailable:   http.StatusServiceUnavailable,
	geo.EInternal:      http.StatusInternalServerError,
}

// retryAfterSeconds is what 503 answers tell clients to wait.
const retryAfterSeconds = 5

// handler is a gin handler that returns its error for problem to render.
type handler func(c *gin.Context) error

// wrap turns a handler into a gin.HandlerFunc: errors become problem
// responses, logged at the edge (internal ones in full).
func (s *server) wrap(h handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		err := h(c)
		if err == nil {
			return
		}
		if c.Writer.Written() {
			// A streamed response failed half-way: a problem document now
			// would read as part of it. Log, and cut the connection so the
			// client sees a truncated response, not a complete one.
			s.log.ErrorContext(c.Request.Context(), "response failed after it started",
				slog.String("request_id", requestID(c)), slog.Any("error", err))
			panic(http.ErrAbortHandler)
		}
		s.problem(c, err)
	}
}

// problem writes err as application/problem+json. Internal errors show a
// generic message and the request id; their cause goes to the log only.
func (s *server) problem(c *gin.Context, err error) {
	code := geo.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	p := Problem{
		Type:      "about:blank",
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    geo.ErrorMessage(err),
		Instance:  c.Request.URL.Path,
		Code:      code,
		RequestID: requestID(c),
	}
	var ge *geo.Error
	if errors.As(err, &ge) {
		p.Errors = ge.Fields
	}
	attrs := []any{slog.String("request_id", p.RequestID), slog.String("code", string(code)), slog.Any("error", err)}
	switch {
	case status >= 500 && code == geo.EUnavailable:
		s.log.WarnContext(c.Request.Context(), "request failed", attrs...)
	case status >= 500:
		s.log.ErrorContext(c.Request.Context(), "request failed", attrs...)
	}
	writeProblem(c, p)
}

func writeProblem(c *gin.Context, p Problem) {
	if p.Status == http.StatusServiceUnavailable {
		c.Header("Retry-After", strconv.Itoa(retryAfterSeconds))
	}
	if p.Status == http.StatusTooManyRequests {
		c.Header("Retry-After", strconv.Itoa(throttleRetrySeconds))
	}
	c.Header("Cache-Control", "no-store")
	c.Writer.Header().Del("ETag")
	c.Render(p.Status, problemRender{p})
	c.Abort()
}

// problemRender writes a Problem with the problem+json media type.
type problemRender struct{ p Problem }

func (r problemRender) Render(w http.ResponseWriter) error {
	r.WriteContentType(w)
	return jsonEncode(w, r.p)
}

func (r problemRender) WriteContentType(w http.ResponseWriter) {
	w.Header().Set("Content-Type", mediaProblem)
}

// simpleProblem answers an HTTP-level problem (no route, wrong method).
func simpleProblem(status int, code geo.Code, detail string) gin.HandlerFunc {
	return func(c *gin.Context) {
		writeProblem(c, Problem{
			Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail,
			Instance: c.Request.URL.Path, Code: code, RequestID: requestID(c),
		})
	}
}
