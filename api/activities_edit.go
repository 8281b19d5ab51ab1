package api

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/commonground/commonground/geo"
)

// Editing is what the write API needs from the store. Every method repeats
// the ownership rule in SQL; handlers decide with geo.Authorise first.
type Editing interface {
	// ActivityInput is an activity's write document and row version, if v
	// may see it (ENotFound otherwise).
	ActivityInput(ctx context.Context, v geo.Viewer, id int64) (geo.ActivityInput, int, error)
	// CreateActivity writes in; with idem, a retry returns the stored
	// answer (replayed) and another request under the key is EUnprocessable.
	CreateActivity(ctx context.Context, v geo.Viewer, in geo.ActivityInput, idem *geo.Idempotency, answer func(geo.Written) (geo.Answer, error)) (geo.Answer, bool, error)
	// ReplaceActivity, DeleteActivity: EPrecondition when version (0: any)
	// is not the current one.
	ReplaceActivity(ctx context.Context, v geo.Viewer, id int64, version int, in geo.ActivityInput) (geo.Written, error)
	DeleteActivity(ctx context.Context, v geo.Viewer, id int64, version int) error
	RestoreActivity(ctx context.Context, v geo.Viewer, id int64) (geo.Written, error)
	DeletedActivities(ctx context.Context, v geo.Viewer) ([]geo.DeletedActivity, error)
	ActivityHistory(ctx context.Context, v geo.Viewer, id int64, p geo.HistoryPage) ([]geo.Change, error)
	// History is the change log of an organisation or programme
	// (ENotFound when there is no such one).
	History(ctx context.Context, e geo.Entity, id int64, p geo.HistoryPage) ([]geo.Change, error)
	Vocabularies(ctx context.Context) (geo.Vocabularies, error)
}

// activityItemsRoute is where activities are created.
const activityItemsRoute = "/collections/activities/items"

// mediaMergePatch is RFC 7396's media type.
const mediaMergePatch = "application/merge-patch+json"

func (s *server) editRoutes(r *gin.Engine) {
	// Only activities are written through the collections (organisations
	// and programmes have their own endpoints): other collections answer 405.
	r.POST(activityItemsRoute, s.wrap(s.createItem))
	r.PUT(activityItemsRoute+"/:id", s.wrap(s.replaceItem))
	r.PATCH(activityItemsRoute+"/:id", s.wrap(s.patchItem))
	r.DELETE(activityItemsRoute+"/:id", s.wrap(s.deleteItem))
	// Beside GET .../items/:id, under the same parameter: a static
	// "activities" segment here would hide that route from gin.
	r.GET("/collections/:collection/items/:id/history", s.wrap(s.itemHistory))
	r.GET("/activities/:id/document", s.wrap(s.activityDocument))
	r.GET("/activities/deleted", s.wrap(s.deletedActivities))
	r.POST("/activities/:id/restore", s.wrap(s.restoreActivity))
}

// editable refuses viewers who may edit no activity at all, before the
// body is read.
func editable(c *gin.Context) (geo.Viewer, error) {
	v := viewerOf(c)
	return v, geo.Authorise(v, geo.ActEditActivity, geo.Object{OrganisationID: v.OrganisationID})
}

// createItem answers POST /collections/activities/items: 201 with the new
// activity as GET gives it, Location and ETag. With Idempotency-Key, a
// retry gets the first answer (Idempotent-Replayed: true).
func (s *server) createItem(c *gin.Context) error {
	v, err := editable(c)
	if err != nil {
		return err
	}
	body, err := readBody(c.Request)
	if err != nil {
		return err
	}
	in, err := decodeActivityDocument(body)
	if err != nil {
		return err
	}
	if err := geo.Authorise(v, geo.ActEditActivity, geo.Object{OrganisationID: in.Lead()}); err != nil {
		return err
	}
	idem, err := idempotencyOf(c, in)
	if err != nil {
		return err
	}
	answer, replayed, err := s.store.CreateActivity(c.Request.Context(), v, in, idem, func(w geo.Written) (geo.Answer, error) {
		body, err := itemBody(c, w.View)
		return geo.Answer{Status: http.StatusCreated, Location: abs(c, itemPath(w.View.ID)), ETag: writtenETag(c, w), Body: body}, err
	})
	if err != nil {
		return err
	}
	if replayed {
		c.Header("Idempotent-Replayed", "true")
	}
	c.Header("Location", answer.Location)
	c.Header("ETag", answer.ETag)
	c.Header("Cache-Control", "no-store")
	c.Data(answer.Status, mediaGeoJSON, answer.Body)
	return nil
}

// idempotencyOf reads Idempotency-Key (nil without one). The request is
// identified by its normalised content, so a retry that spells the same
// activity differently (member order, spacing) is still a retry.
func idempotencyOf(c *gin.Context, in geo.ActivityInput) (*geo.Idempotency, error) {
	key := c.GetHeader("Idempotency-Key")
	if key == "" {
		return nil, nil
	}
	if len(key) > geo.MaxIdempotencyKeyLen || strings.ContainsFunc(key, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
		return nil, &geo.Error{Code: geo.EInvalid, Message: "invalid Idempotency-Key",
			Fields: []geo.FieldError{{Parameter: "Idempotency-Key", Detail: "1 to 255 visible ASCII characters"}}}
	}
	h := sha256.New()
	for _, f := range in.Fields() {
		h.Write([]byte(f.Name))
		h.Write(f.Value)
	}
	return &geo.Idempotency{Key: key, Route: c.Request.Method + " " + activityItemsRoute, Hash: h.Sum(nil)}, nil
}

// replaceItem answers PUT /collections/activities/items/{id}.
func (s *server) replaceItem(c *gin.Context) error {
	return s.changeItem(c, func(_ json.RawMessage, body []byte) ([]byte, error) { return body, nil })
}

// patchItem answers PATCH /collections/activities/items/{id}, a JSON Merge
// Patch of the write document.
func (s *server) patchItem(c *gin.Context) error {
	if ct := c.ContentType(); ct != mediaMergePatch && ct != mediaJSON {
		return &geo.Error{Code: geo.EInvalid, Message: "PATCH takes a JSON Merge Patch (Content-Type: " + mediaMergePatch + ")",
			Fields: []geo.FieldError{{Parameter: "Content-Type", Detail: "must be " + mediaMergePatch}}}
	}
	return s.changeItem(c, patchDocument)
}

// changeItem is PUT and PATCH: If-Match is required (428 without it, 412
// with the current document when stale); the new document is made from
// the current one and the body by merge, then read strictly.
func (s *server) changeItem(c *gin.Context, merge func(current json.RawMessage, body []byte) ([]byte, error)) error {
	v, err := editable(c)
	if err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	cur, curVersion, err := s.store.ActivityInput(ctx, v, id)
	if err != nil {
		return err
	}
	if err := geo.Authorise(v, geo.ActEditActivity, geo.Object{OrganisationID: cur.Lead()}); err != nil {
		return err
	}
	version, ok, err := ifMatch(c)
	if !ok || err != nil {
		return err
	}
	body, err := readBody(c.Request)
	if err != nil {
		return err
	}
	if version != 0 && version != curVersion {
		return s.stale(c, cur, curVersion)
	}
	doc, err := merge(activityDocument(cur), body)
	if err != nil {
		return err
	}
	in, err := decodeActivityDocument(doc)
	if err != nil {
		return err
	}
	if err := geo.Authorise(v, geo.ActEditActivity, geo.Object{OrganisationID: in.Lead()}); err != nil {
		return err
	}
	w, err := s.store.ReplaceActivity(ctx, v, id, version, in)
	if geo.ErrorCode(err) == geo.EPrecondition {
		return s.staleNow(c, v, id, err)
	}
	if err != nil {
		return err
	}
	return writeWritten(c, w)
}

// deleteItem answers DELETE /collections/activities/items/{id}: 204; the
// secretariat may restore it for 30 days.
func (s *server) deleteItem(c *gin.Context) error {
	v, err := editable(c)
	if err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	cur, curVersion, err := s.store.ActivityInput(ctx, v, id)
	if err != nil {
		return err
	}
	if err := geo.Authorise(v, geo.ActEditActivity, geo.Object{OrganisationID: cur.Lead()}); err != nil {
		return err
	}
	version, ok, err := ifMatch(c)
	if !ok || err != nil {
		return err
	}
	if version != 0 && version != curVersion {
		return s.stale(c, cur, curVersion)
	}
	err = s.store.DeleteActivity(ctx, v, id, version)
	if geo.ErrorCode(err) == geo.EPrecondition {
		return s.staleNow(c, v, id, err)
	}
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusNoContent)
	return nil
}

// ifMatch reads If-Match's row version: ok false (and a 428 written) when
// it is missing; 0 for "*". A weak or unreadable tag never matches.
func ifMatch(c *gin.Context) (version int, ok bool, err error) {
	h := strings.TrimSpace(c.GetHeader("If-Match"))
	if h == "" {
		writeProblem(c, Problem{Type: "about:blank", Title: http.StatusText(http.StatusPreconditionRequired),
			Status: http.StatusPreconditionRequired, Code: geo.EInvalid, RequestID: requestID(c), Instance: c.Request.URL.Path,
			Detail: "If-Match with the activity's ETag is required, so that no one's change is overwritten unseen",
			Errors: []geo.FieldError{{Parameter: "If-Match", Detail: "missing"}}})
		return 0, false, nil
	}
	if h == "*" {
		return 0, true, nil
	}
	first, _, _ := strings.Cut(h, ",")
	tag := strings.TrimSpace(first)
	if strings.HasPrefix(tag, "W/") || !strings.HasPrefix(tag, `"`) {
		return -1, true, nil // never matches a current version
	}
	num, _, _ := strings.Cut(strings.Trim(tag, `"`), ".")
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 {
		return -1, true, nil
	}
	return n, true, nil
}

// stale answers a stale If-Match: 412 with the current ETag, version and
// write document, so a client can show what changed and apply its edit
// onto the current version.
func (s *server) stale(c *gin.Context, cur geo.ActivityInput, version int) error {
	dv, _ := c.Get(dataVersionKey)
	d, _ := dv.(int64)
	if d == 0 {
		d, _ = s.store.DataVersion(c.Request.Context())
	}
	etag := rowETag(version, d, representationHash(itemPath(mustPathID(c)), c.GetHeader("Accept"), viewerOf(c)))
	writeProblem(c, Problem{Type: "about:blank", Title: http.StatusText(http.StatusPreconditionFailed),
		Status: http.StatusPreconditionFailed, Code: geo.EPrecondition, RequestID: requestID(c), Instance: c.Request.URL.Path,
		Detail:         "someone else changed the activity since your copy (version " + strconv.Itoa(version) + " is current)",
		CurrentVersion: &version, CurrentETag: etag, Current: activityDocument(cur)})
	return nil
}

// staleNow answers a write the store found stale (a change between the
// handler's read and its write).
func (s *server) staleNow(c *gin.Context, v geo.Viewer, id int64, cause error) error {
	cur, version, err := s.store.ActivityInput(c.Request.Context(), v, id)
	if err != nil {
		return cause
	}
	return s.stale(c, cur, version)
}

func mustPathID(c *gin.Context) int64 {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	return id
}

func itemPath(id int64) string { return activityItemsRoute + "/" + strconv.FormatInt(id, 10) }

// itemBody is an activity as GET /collections/activities/items/{id}
// answers it: the Feature with its links.
func itemBody(c *gin.Context, a geo.ActivityView) (json.RawMessage, error) {
	var doc map[string]any
	if err := json.Unmarshal(appendActivity(nil, a, nil), &doc); err != nil {
		return nil, err
	}
	doc["links"] = itemLinks(c, activitiesCollection(), itemPath(a.ID))
	var b strings.Builder
	if err := jsonEncode(&b, doc); err != nil {
		return nil, err
	}
	return json.RawMessage(b.String()), nil
}

// writtenETag is the ETag GET of the written activity answers.
func writtenETag(c *gin.Context, w geo.Written) string {
	return rowETag(w.Version, w.DataVersion, representationHash(itemPath(w.View.ID), c.GetHeader("Accept"), viewerOf(c)))
}

// writeWritten answers a PUT, PATCH or restore: 200 with the activity as
// GET gives it and its new ETag.
func writeWritten(c *gin.Context, w geo.Written) error {
	body, err := itemBody(c, w.View)
	if err != nil {
		return err
	}
	c.Header("ETag", writtenETag(c, w))
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, mediaGeoJSON, body)
	return nil
}

// activityDocument answers GET /activities/{id}/document (signed in): the
// write document PUT takes back, with the activity's ETag.
func (s *server) activityDocument(c *gin.Context) error {
	v := viewerOf(c)
	if err := geo.Authorise(v, geo.ActSeeChanges, geo.Object{}); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	dv, err := s.store.DataVersion(ctx)
	if err != nil {
		return err
	}
	in, version, err := s.store.ActivityInput(ctx, v, id)
	if err != nil {
		return err
	}
	c.Header("ETag", rowETag(version, dv, representationHash(itemPath(id), c.GetHeader("Accept"), v)))
	c.Header("Cache-Control", "private, no-cache")
	c.Header("Vary", "Cookie, Authorization")
	c.Data(http.StatusOK, mediaGeoJSON, activityDocument(in))
	return nil
}

// itemHistory answers GET /collections/{collection}/items/{id}/history
// (signed in): the change log, newest first. Countries are reference data,
// changed by migrations rather than through the API: theirs is empty.
func (s *server) itemHistory(c *gin.Context) error {
	col, err := collectionByID(c.Param("collection"))
	if err != nil {
		return err
	}
	v := viewerOf(c)
	if err := geo.Authorise(v, geo.ActSeeChanges, geo.Object{}); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	page, err := historyPage(c)
	if err != nil {
		return err
	}
	var entries []geo.Change
	switch col.ID {
	case "activities":
		entries, err = s.store.ActivityHistory(c.Request.Context(), v, id, page)
	case "organisations":
		entries, err = s.store.History(c.Request.Context(), geo.EntityOrganisation, id, page)
	case "programmes":
		entries, err = s.store.History(c.Request.Context(), geo.EntityProgramme, id, page)
	default:
		entries = []geo.Change{}
	}
	if err != nil {
		return err
	}
	doc := gin.H{"id": id, "collection": col.ID, "entries": entries}
	if len(entries) == page.Limit {
		q := c.Request.URL.Query()
		q.Set("before", strconv.FormatInt(entries[len(entries)-1].ID, 10))
		doc["next"] = abs(c, c.Request.URL.Path+"?"+q.Encode())
	}
	return writeAccount(c, http.StatusOK, doc)
}

// historyPage reads limit (default geo.DefaultHistoryLimit, at most
// geo.MaxHistoryLimit) and before (the id of the oldest entry seen).
func historyPage(c *gin.Context) (geo.HistoryPage, error) {
	p, err := parseParams(c, []string{"limit", "before"})
	if err != nil {
		return geo.HistoryPage{}, err
	}
	page := geo.HistoryPage{Limit: geo.DefaultHistoryLimit}
	if v := p.one("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			p.bad("limit", "must be a whole number of at least 1")
		}
		page.Limit = min(n, geo.MaxHistoryLimit)
	}
	if v := p.one("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			p.bad("before", "must be the id of a history entry")
		}
		page.Before = n
	}
	return page, p.err()
}

// deletedActivities answers GET /activities/deleted (secretariat).
func (s *server) deletedActivities(c *gin.Context) error {
	v := viewerOf(c)
	if err := geo.Authorise(v, geo.ActAdminister, geo.Object{}); err != nil {
		return err
	}
	list, err := s.store.DeletedActivities(c.Request.Context(), v)
	if err != nil {
		return err
	}
	return writeAccount(c, http.StatusOK, gin.H{"activities": list})
}

// restoreActivity answers POST /activities/{id}/restore (secretariat): 200
// with the activity back, under its id, one version on.
func (s *server) restoreActivity(c *gin.Context) error {
	v := viewerOf(c)
	if err := geo.Authorise(v, geo.ActAdminister, geo.Object{}); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	w, err := s.store.RestoreActivity(c.Request.Context(), v, id)
	if err != nil {
		return err
	}
	return writeWritten(c, w)
}

// vocabularies answers GET /vocabularies: every code a write may use.
func (s *server) vocabularies(c *gin.Context) error {
	if _, err := parseParams(c, nil); err != nil {
		return err
	}
	v, err := s.store.Vocabularies(c.Request.Context())
	if err != nil {
		return err
	}
	return writeJSON(c, mediaJSON, v)
}
