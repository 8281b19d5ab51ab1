package api

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/commonground/commonground/geo"
)

// paramDoc describes one query parameter for the OpenAPI document.
type paramDoc struct {
	desc   string
	schema map[string]any
	style  bool // a comma-separated list (style form, explode false)
}

func strSchema() map[string]any { return map[string]any{"type": "string"} }
func enumSchema[T ~string](vals []T) map[string]any {
	e := make([]string, len(vals))
	for i, v := range vals {
		e[i] = string(v)
	}
	return map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": e}}
}
func listOf(t string) map[string]any {
	return map[string]any{"type": "array", "items": map[string]any{"type": t}}
}

// paramDocs documents every query parameter once; endpoints refer to them.
var paramDocs = map[string]paramDoc{
	"bbox": {desc: "minLon,minLat,maxLon,maxLat in CRS84; minLon > maxLon crosses the antimeridian. For organisations: HQ inside; for countries: outline intersects; for activities: a location's representative point inside.",
		schema: map[string]any{"type": "array", "minItems": 4, "maxItems": 6, "items": map[string]any{"type": "number"}}, style: true},
	"bbox-crs":          {desc: "CRS of bbox; only CRS84.", schema: strSchema()},
	"datetime":          {desc: "An instant, a/b, ../b or a/.. (dates or RFC 3339); an activity matches when its period overlaps it. Activities with neither start nor end never match.", schema: strSchema()},
	"organisation":      {desc: "Organisation ids (any role).", schema: listOf("integer"), style: true},
	"constituency":      {desc: "Constituencies of the organisations taking part.", schema: enumSchema(geo.Constituencies), style: true},
	"programme":         {desc: "Programme ids.", schema: listOf("integer"), style: true},
	"programme_type":    {desc: "Programme types.", schema: enumSchema(geo.ProgrammeTypes), style: true},
	"theme":             {desc: "Theme codes (any of them).", schema: listOf("string"), style: true},
	"status":            {desc: "IATI activity statuses.", schema: enumSchema(geo.Statuses), style: true},
	"country":           {desc: "ISO 3166-1 alpha-2 codes of any location.", schema: listOf("string"), style: true},
	"region":            {desc: "UN M49 codes of a region, sub-region or intermediate region of any location.", schema: listOf("string"), style: true},
	"budget_min":        {desc: "Smallest budget, in budget_currency. Budgets in other currencies are converted at indicative annual average rates (exchange_rates); same currency compares exactly; budgets in a currency without a rate never match.", schema: map[string]any{"type": "number", "minimum": 0}},
	"budget_max":        {desc: "Largest budget, in budget_currency (see budget_min).", schema: map[string]any{"type": "number", "minimum": 0}},
	"budget_currency":   {desc: "ISO 4217 code budget_min and budget_max are stated in (default USD).", schema: strSchema()},
	"q":                 {desc: "Free text (title and description; words, \"phrases\", -exclusions).", schema: strSchema()},
	"filter":            {desc: "A CQL2 text filter over the collection's queryables.", schema: strSchema()},
	"filter-lang":       {desc: "cql2-text (cql-text, as older GDAL sends it, is accepted).", schema: map[string]any{"type": "string", "enum": []string{"cql2-text", "cql-text"}}},
	"filter-crs":        {desc: "CRS of geometries in filter; only CRS84.", schema: strSchema()},
	"limit":             {desc: fmt.Sprintf("Page size (default %d; above %d it is clamped to %d).", defaultLimit, maxLimit, maxLimit), schema: map[string]any{"type": "integer", "minimum": 1}},
	"offset":            {desc: "Features to skip.", schema: map[string]any{"type": "integer", "minimum": 0, "maximum": maxOffset}},
	"properties":        {desc: "Only these properties.", schema: listOf("string"), style: true},
	"sortby":            {desc: "Properties to sort by, each with an optional + or - prefix: " + strings.Join(geo.ActivitySortable, ", ") + ".", schema: listOf("string"), style: true},
	"f":                 {desc: "Representation: json (GeoJSON), csv where offered.", schema: map[string]any{"type": "string", "enum": []string{"json", "geojson", "csv", "html"}}},
	"group_by":          {desc: "Dimension to group by.", schema: map[string]any{"type": "string", "enum": geo.GroupBys}},
	"min_score":         {desc: "Smallest score (0-100).", schema: map[string]any{"type": "number", "minimum": 0, "maximum": 100}},
	"place_tier":        {desc: "Weakest place tier reported: near (within distance_km or the same GeoNames place), in_country (a place in a country-wide activity's country), same_country (both country-wide; the default, all tiers).", schema: map[string]any{"type": "string", "enum": []string{"near", "in_country", "same_country"}}},
	"distance_km":       {desc: fmt.Sprintf("Near tier distance on the sphere (default %g, at most %g).", geo.DefaultOverlapDistanceKm, geo.MaxOverlapDistanceKm), schema: map[string]any{"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": geo.MaxOverlapDistanceKm}},
	"as_of":             {desc: "The day \"both active now\" refers to in the score (YYYY-MM-DD; default today).", schema: map[string]any{"type": "string", "format": "date"}},
	"min_members":       {desc: "Fewest distinct members (leads) active at once at a place on a theme (default 3, 2-100).", schema: map[string]any{"type": "integer", "minimum": 2, "maximum": 100}},
	"include_completed": {desc: "Let finalising and closed activities take part (planned and active ones always do).", schema: map[string]any{"type": "boolean"}},
	"before":            {desc: "History paging: entries older than this entry id (the next link carries it).", schema: map[string]any{"type": "integer", "minimum": 1}},
	"v":                 {desc: "The data version TileJSON puts in tile URLs (busts HTTP caches; ignored otherwise).", schema: map[string]any{"type": "integer"}},
}

// operation is one documented route.
type operation struct {
	path, summary string
	params        []string
	pathParams    []string
	media         string
	method        string         // "" for get
	body          map[string]any // JSON request body schema, if any
	status        string         // success status, "" for 200
	ok            map[string]any // JSON schema of the success answer, if known
	bodyMedia     string         // media type of body; "" for JSON
	write         bool           // a precondition-guarded write: 409, 412, 422 and 428 too
}

func (s *server) operations() []operation {
	ops := []operation{
		{path: "/", summary: "Landing page (JSON for API clients, the map for browsers)", params: []string{"f"}, media: mediaJSON},
		{path: "/conformance", summary: "Conformance classes", params: []string{"f"}, media: mediaJSON},
		{path: "/api", summary: "This OpenAPI document", params: []string{"f"}, media: mediaOpenAPI},
		{path: "/api.html", summary: "This API as a web page", media: "text/html"},
		{path: "/collections", summary: "The feature collections", params: []string{"f"}, media: mediaJSON},
	}
	// One set of paths per collection (GDAL's OAPIF driver reads the
	// parameters of /collections/<id>/items to learn what it may filter on).
	for _, col := range collections {
		base := "/collections/" + col.ID
		var items []string
		for _, set := range col.params {
			items = append(items, set...)
		}
		if col.sortable == nil {
			items = slices.DeleteFunc(items, func(p string) bool { return p == "sortby" || p == "properties" })
		}
		ops = append(ops,
			operation{path: base, summary: col.Title + ": the collection, with its extent as the viewer may see it", params: []string{"f"}, media: mediaJSON},
			operation{path: base + "/queryables", summary: col.Title + ": properties a filter may use (JSON Schema)", params: []string{"f"}, media: mediaSchema},
			operation{path: base + "/items", summary: col.Title + ": features, filtered and paged. " + col.Description, params: items, media: mediaGeoJSON},
			operation{path: base + "/items/{id}", summary: col.Title + ": one feature", params: []string{"f", "properties"}, pathParams: []string{"id"}, media: mediaGeoJSON},
		)
	}
	return append(append(ops,
		operation{path: exportRoute, summary: "Every filtered activity, streamed, as GeoJSON or CSV (a download)", params: append(append([]string{}, filterParams...), "f", "properties", "sortby"), media: mediaGeoJSON},
		operation{path: "/stats", summary: "Activity count, distinct organisations and budget totals per currency of the filtered activities, grouped", params: append(append([]string{}, filterParams...), "group_by", "f"), media: mediaJSON},
		operation{path: "/overlaps", summary: "Collaboration overlaps: pairs of activities of different members in the same place, on a shared theme, at the same time, best first, with score and reasons (JSON, or f=geojson: a feature per overlap); both activities must match the filter", params: append(append([]string{}, filterParams...), overlapParams...), media: mediaJSON},
		operation{path: "/overlaps/matrix", summary: "Overlaps counted per pair of lead organisations (each unordered pair once), with the shared themes, for a heatmap", params: append(append([]string{}, filterParams...), "f", "min_score", "place_tier", "distance_km", "include_completed", "as_of"), media: mediaJSON},
		operation{path: "/overlaps/hotspots", summary: "Places where min_members (default 3) or more members work on one theme at the same time, with the members and activities (JSON, or f=geojson)", params: append(append([]string{}, filterParams...), "limit", "offset", "f", "min_members", "include_completed"), media: mediaJSON},
		operation{path: "/organisations/{id}/overlaps", summary: "The overlaps one side of which the organisation leads: who else works where it works", params: append(append([]string{}, filterParams...), overlapParams...), pathParams: []string{"id"}, media: mediaJSON},
		operation{path: "/activities/{id}/overlaps", summary: "The overlaps one side of which is the activity: other members working here, best first (JSON, or f=geojson); the filter selects the other activities, while the activity itself need only be visible (404 when it is unknown or not visible)", params: append(append([]string{}, filterParams...), overlapParams...), pathParams: []string{"id"}, media: mediaJSON},
		operation{path: "/search", summary: "Activities, organisations and places matching q, best first", params: []string{"q", "limit", "f"}, media: mediaJSON},
		operation{path: "/tiles/{layers}", summary: "TileJSON 3.0.0 for {layers}.json (comma-separated: activities, clusters, countries); its tile URL carries the filters and the data version", params: append(append([]string{}, filterParams...), "v"), pathParams: []string{"layers"}, media: mediaJSON},
		operation{path: "/style.json", summary: "The default MapLibre style (v8) over the vector tiles of /tiles/countries,clusters,activities.json (its filters go on to that TileJSON URL) and /tiles/basemap.json (never filtered), with labels from /fonts", params: append(append([]string{}, filterParams...), "v"), media: mediaJSON},
		operation{path: "/tiles/{layers}/{z}/{x}/{y}", summary: "A Mapbox Vector Tile ({y}.mvt) with the layers, filtered; 204 when empty; HEAD too", params: append(append([]string{}, filterParams...), "v"), pathParams: []string{"layers", "z", "x", "y"}, media: mediaMVT},
		operation{path: "/fonts/{fontstack}/{range}", summary: "Glyphs for map labels ({range} is {start}-{end}.pbf, 256 code points from a multiple of 256, up to 65535): signed distance fields in the Mapbox glyph protobuf of the first font of the comma-separated {fontstack} the server has (" + strings.Join(s.glyphs.Fonts(), ", ") + "), else Go Regular; code points the font lacks are left out; HEAD too", pathParams: []string{"fontstack", "range"}, media: mediaProtobuf},
		operation{path: "/livez", summary: "The process is up", media: mediaJSON},
		operation{path: "/readyz", summary: "Ready for traffic: database reachable, schema current, not draining", media: mediaJSON},
		operation{path: "/metrics", summary: "Prometheus metrics", media: "text/plain"},
	), append(accountOperations(), editOperations()...)...)
}

// openapiDoc builds the OpenAPI 3.0 document from the operations table, so
// it lists exactly the routes served (a test checks both ways).
func (s *server) openapiDoc(base string) map[string]any {
	paths := map[string]any{}
	for _, op := range s.operations() {
		var params []any
		for _, name := range op.pathParams {
			schema := map[string]any{"type": "integer", "minimum": 0}
			if name == "layers" || name == "y" || name == "fontstack" || name == "range" {
				schema = strSchema() // "activities,countries"; "12.mvt"; "Go Bold,Go Regular"; "0-255.pbf"
			}
			params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": schema})
		}
		for _, name := range op.params {
			d := paramDocs[name]
			p := map[string]any{"name": name, "in": "query", "required": false, "description": d.desc, "schema": d.schema}
			if d.style {
				p["style"], p["explode"] = "form", false
			}
			params = append(params, p)
		}
		method, status, schema := op.method, op.status, op.ok
		if method == "" {
			method = "get"
		}
		if status == "" {
			status = "200"
		}
		if schema == nil {
			schema = map[string]any{}
		}
		ok := map[string]any{"description": http.StatusText(atoi(status))}
		if status != "204" {
			ok["content"] = map[string]any{op.media: map[string]any{"schema": schema}}
		}
		responses := map[string]any{status: ok,
			"400": ref("Problem"), "404": ref("Problem"), "503": ref("Problem"), "500": ref("Problem")}
		if op.method != "" || strings.HasPrefix(op.path, "/auth") || strings.HasPrefix(op.path, "/users") || op.path == "/audit" ||
			strings.HasPrefix(op.path, "/activities/{id}/document") || strings.HasSuffix(op.path, "/history") || op.path == "/activities/deleted" {
			responses["401"], responses["403"], responses["429"] = ref("Problem"), ref("Problem"), ref("Problem")
		}
		if op.write {
			responses["409"], responses["412"], responses["422"], responses["428"] = ref("Problem"), ref("Problem"), ref("Problem"), ref("Problem")
		}
		id := strings.NewReplacer("/", "_", "{", "", "}", "", ".", "_").Replace(strings.Trim(op.path, "/"))
		if id == "" {
			id = "landing"
		}
		if op.method != "" {
			id = op.method + "_" + id
		}
		o := map[string]any{"operationId": id, "summary": op.summary, "parameters": params, "responses": responses}
		if op.body != nil {
			media := op.bodyMedia
			if media == "" {
				media = mediaJSON
			}
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{media: map[string]any{"schema": op.body}}}
		}
		methods, _ := paths[op.path].(map[string]any)
		if methods == nil {
			methods = map[string]any{}
			paths[op.path] = methods
		}
		methods[method] = o
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "CommonGround", "version": "1.0.0",
			"description": "Where the alliance's members work and where their work overlaps (OGC API - Features, Part 1 and 3).",
			"license":     map[string]any{"name": "Data: Natural Earth (public domain), GeoNames (CC BY 4.0)"}},
		"servers":    []any{map[string]any{"url": base}},
		"paths":      paths,
		"components": map[string]any{"responses": map[string]any{"Problem": problemResponse()}},
	}
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/responses/" + name} }

func problemResponse() map[string]any {
	return map[string]any{
		"description": "RFC 9457 problem details",
		"content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{
			"type":     "object",
			"required": []string{"type", "title", "status"},
			"properties": map[string]any{
				"type": strSchema(), "title": strSchema(), "status": map[string]any{"type": "integer"},
				"detail": strSchema(), "instance": strSchema(), "code": strSchema(), "request_id": strSchema(),
				"errors": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
					"parameter": strSchema(), "pointer": strSchema(), "line": map[string]any{"type": "integer"}, "detail": strSchema()}}},
			},
		}}},
	}
}

func (s *server) openapi(c *gin.Context) error {
	if err := s.noParams(c, "f"); err != nil {
		return err
	}
	return writeJSON(c, mediaOpenAPI, s.openapiDoc(baseURL(c.Request)))
}

var apiPage = template.Must(template.New("api").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CommonGround API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
code{background:#f3f3f3;padding:0 .2em}dt{margin-top:1em;font-weight:600}dd{margin-left:1rem}</style></head>
<body><h1>CommonGround API</h1><p>OGC API - Features over the alliance's activities. The machine-readable
definition is at <a href="/api">/api</a> (OpenAPI 3.0).</p><dl>
{{range .}}<dt><code>{{.Method}} {{.Path}}</code></dt><dd>{{.Summary}}{{if .Params}}<br>Parameters: {{range $i, $p := .Params}}{{if $i}}, {{end}}<code>{{$p}}</code>{{end}}{{end}}</dd>
{{end}}</dl></body></html>`))

func (s *server) openapiHTML(c *gin.Context) error {
	type row struct {
		Method, Path, Summary string
		Params                []string
	}
	var rows []row
	for _, op := range s.operations() {
		ps := append([]string{}, op.params...)
		sort.Strings(ps)
		m := strings.ToUpper(op.method)
		if m == "" {
			m = http.MethodGet
		}
		rows = append(rows, row{m, op.path, op.summary, ps})
	}
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Status(http.StatusOK)
	return apiPage.Execute(c.Writer, rows)
}
