package api_test

import (
	"context"
	"encoding/json"
	"html/template"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/commonground/commonground/geo/postgis"
)

// The OpenAPI document validates, and every route the router serves is in
// it (and the other way round).
func TestOpenAPIDocument(t *testing.T) {
	e := newEnv(t, refURL, postgis.Config{}, nil)
	rec := e.do(t, http.MethodGet, "/api")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/vnd.oai.openapi+json") {
		t.Fatalf("/api = %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("invalid OpenAPI document: %v", err)
	}

	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	var raw struct {
		Collections []struct{ ID string } `json:"collections"`
	}
	if err := json.Unmarshal(e.do(t, http.MethodGet, "/collections").Body.Bytes(), &raw); err != nil || len(raw.Collections) != 4 {
		t.Fatalf("collections: %v %+v", err, raw)
	}
	served := map[string]bool{}
	param := regexp.MustCompile(`:([a-z]+)`)
	for _, r := range e.srv.Routes() {
		if r.Method == http.MethodHead {
			continue
		}
		if strings.Contains(r.Path, ":collection") {
			for _, c := range raw.Collections {
				served[r.Method+" "+param.ReplaceAllString(strings.ReplaceAll(r.Path, ":collection", c.ID), "{$1}")] = true
			}
			continue
		}
		served[r.Method+" "+param.ReplaceAllString(r.Path, "{$1}")] = true
	}
	for p := range served {
		if !documented[p] {
			t.Errorf("route %s is served but not in the OpenAPI document", p)
		}
	}
	for p := range documented {
		if !served[p] {
			t.Errorf("path %s is documented but not served", p)
		}
	}
	if !documented["GET /collections/activities/items"] || !documented["PATCH /users/{id}"] || len(served) < 20 {
		t.Errorf("suspiciously few routes: %d served, %d documented", len(served), len(documented))
	}
}

// TestAPIPageMethods: /api.html lists every operation of /api under its
// own method (POST /users, PATCH /users/{id}, DELETE ...), not all as GET.
func TestAPIPageMethods(t *testing.T) {
	e := newEnv(t, refURL, postgis.Config{}, nil)
	var doc struct {
		Paths map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(e.do(t, http.MethodGet, "/api").Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	page := e.do(t, http.MethodGet, "/api.html").Body.String()
	others := 0
	for path, ops := range doc.Paths {
		for m := range ops {
			if m == "parameters" {
				continue
			}
			if m != "get" {
				others++
			}
			want := "<code>" + strings.ToUpper(m) + " " + template.HTMLEscapeString(path) + "</code>"
			if !strings.Contains(page, want) {
				t.Errorf("/api.html lacks %s", want)
			}
		}
	}
	if others == 0 {
		t.Fatal("the document has no operation but GET; nothing was checked")
	}
}
