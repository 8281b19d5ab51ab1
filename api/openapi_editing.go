package api

import "github.com/commonground/commonground/geo"

// The write document's schema (README "Editing"), as decodeActivityDocument
// reads it.
var (
	nullable       = func(s map[string]any) map[string]any { s["nullable"] = true; return s }
	geometrySchema = map[string]any{"type": "object", "description": "GeoJSON geometry, [longitude, latitude]",
		"required": []string{"type", "coordinates"}, "properties": map[string]any{"type": typed("string"), "coordinates": map[string]any{"type": "array", "items": map[string]any{}}}}
	locationDoc = object([]string{"kind"}, map[string]any{
		"kind":         enumSchema(geo.LocationKinds),
		"precision":    enumSchema(geo.Precisions),
		"name":         map[string]any{"type": "string", "maxLength": geo.MaxLocationNameLen},
		"country_code": nullable(map[string]any{"type": "string", "pattern": "^[A-Z]{2}$"}),
		"place_id":     nullable(map[string]any{"type": "integer", "minimum": 1, "description": "GeoNames id (kind place)"}),
		"admin_area":   map[string]any{"type": "string", "maxLength": geo.MaxAdminAreaLen},
		"geometry":     nullable(geometrySchema),
	})
	activityWriteDoc = object([]string{"type", "properties"}, map[string]any{
		"type":     map[string]any{"type": "string", "enum": []string{"Feature"}},
		"geometry": nullable(map[string]any{"type": "object", "description": "Optional, instead of properties.locations: a Point, MultiPoint, Polygon or MultiPolygon becomes point or shape locations"}),
		"properties": object([]string{"title", "organisations"}, map[string]any{
			"title":           map[string]any{"type": "string", "minLength": 1, "maxLength": geo.MaxTitleLen},
			"description":     map[string]any{"type": "string", "maxLength": geo.MaxDescriptionLen},
			"programme_id":    nullable(map[string]any{"type": "integer", "minimum": 1}),
			"status":          enumSchema(geo.Statuses),
			"start_date":      nullable(map[string]any{"type": "string", "format": "date"}),
			"end_date":        nullable(map[string]any{"type": "string", "format": "date"}),
			"budget":          nullable(map[string]any{"type": "string", "pattern": `^[0-9]{1,16}(\.[0-9]{1,2})?$`, "description": "Decimal amount (a JSON number in plain notation is accepted too); currency is required with it"}),
			"currency":        nullable(map[string]any{"type": "string", "pattern": "^[A-Z]{3}$"}),
			"visibility":      enumSchema(geo.Visibilities),
			"iati_identifier": nullable(map[string]any{"type": "string", "pattern": geo.IATIIdentifierPattern.String()}),
			"organisations": map[string]any{"type": "array", "maxItems": geo.MaxOrganisationRefs, "description": "Exactly one with the role lead",
				"items": object([]string{"id", "role"}, map[string]any{"id": typed("integer"), "role": enumSchema(geo.Roles)})},
			"themes":    map[string]any{"type": "array", "maxItems": geo.MaxThemeRefs, "items": typed("string")},
			"locations": map[string]any{"type": "array", "maxItems": geo.MaxLocations, "items": locationDoc},
		}),
	})
	changeSchema = map[string]any{"type": "object", "properties": map[string]any{
		"id": typed("integer"), "at": timeSchema, "action": enumSchema([]geo.ChangeAction{geo.ChangeCreate, geo.ChangeUpdate, geo.ChangeDelete, geo.ChangeRestore}),
		"version": nullable(typed("integer")), "actor": nullable(object(nil, map[string]any{"id": typed("integer"), "name": typed("string")})),
		"changes": map[string]any{"type": "object", "description": "Per changed property of the write document: its value before and after",
			"additionalProperties": object(nil, map[string]any{"before": map[string]any{}, "after": map[string]any{}})}}}
	termList = map[string]any{"type": "array", "items": object(nil, map[string]any{"code": typed("string"), "name": typed("string")})}
)

// editOperations documents the write API.
func editOperations() []operation {
	item := activityItemsRoute + "/{id}"
	return append(historyOperations(), []operation{
		{path: activityItemsRoute, method: "post", summary: "Create an activity (an editor for an activity their organisation leads, or the secretariat): 201 with the activity as GET gives it, Location and a strong ETag. With an Idempotency-Key header, a retry with the same body answers the first answer again (Idempotent-Replayed: true) and creates nothing; the same key with another body is a 422. Unknown and server-owned fields are refused with their JSON pointer",
			status: "201", media: mediaGeoJSON, body: activityWriteDoc, write: true},
		{path: item, method: "put", summary: "Replace an activity with a write document. If-Match with its ETag is required: 428 without, 412 with current_etag and current (the write document now) when someone saved first. An editor may not hand the lead to another organisation",
			pathParams: []string{"id"}, media: mediaGeoJSON, body: activityWriteDoc, write: true},
		{path: item, method: "patch", summary: "Change an activity with a JSON Merge Patch (RFC 7396, Content-Type application/merge-patch+json) of its write document, e.g. {\"properties\":{\"status\":\"closed\"}}; arrays are replaced whole. If-Match as for PUT",
			pathParams: []string{"id"}, media: mediaGeoJSON, body: map[string]any{"type": "object"}, bodyMedia: mediaMergePatch, write: true},
		{path: item, method: "delete", summary: "Delete an activity (If-Match as for PUT): it leaves the map at once and the secretariat may restore it for 30 days",
			status: "204", pathParams: []string{"id"}, media: mediaJSON, write: true},
	}...)
}

// historyOperations documents each collection's history route.
func historyOperations() []operation {
	var ops []operation
	for _, col := range collections {
		summary := col.Title + ": who changed what and when (signed in): entries newest first, each changed property's value before and after"
		if col.ID == "activities" {
			summary += " (of an activity one may see; the secretariat also sees a deleted one's)"
		}
		if col.ID == "countries" {
			summary += " (countries are reference data, changed by migrations: always empty)"
		}
		ops = append(ops, operation{path: "/collections/" + col.ID + "/items/{id}/history", summary: summary, pathParams: []string{"id"}, params: []string{"limit", "before"}, media: mediaJSON,
			ok: object(nil, map[string]any{"id": typed("integer"), "collection": typed("string"), "entries": map[string]any{"type": "array", "items": changeSchema}, "next": typed("string")})})
	}
	return append(ops, []operation{
		{path: "/activities/{id}/document", summary: "The activity's write document, exactly what PUT takes back (signed in), with its ETag",
			pathParams: []string{"id"}, media: mediaGeoJSON, ok: activityWriteDoc},
		{path: "/activities/deleted", summary: "Deleted activities that may still be restored, newest first (secretariat)", media: mediaJSON,
			ok: object(nil, map[string]any{"activities": map[string]any{"type": "array", "items": object(nil, map[string]any{
				"id": typed("integer"), "title": typed("string"), "lead_organisation_id": nullable(typed("integer")), "deleted_at": timeSchema,
				"deleted_by": nullable(object(nil, map[string]any{"id": typed("integer"), "name": typed("string")})), "restore_until": timeSchema})}})},
		{path: "/activities/{id}/restore", method: "post", summary: "Restore a deleted activity under its id, as it was, one version on (secretariat); 409 when its IATI identifier was taken or an organisation of it deleted meanwhile",
			pathParams: []string{"id"}, media: mediaGeoJSON, write: true},
		{path: "/vocabularies", summary: "Every code a write may use, with names: themes, currencies, constituencies, programme types, and the fixed statuses, visibilities, roles, location kinds and precisions", media: mediaJSON,
			ok: object(nil, map[string]any{"themes": termList, "currencies": termList, "constituencies": termList, "programme_types": termList,
				"statuses": listOf("string"), "visibilities": listOf("string"), "roles": listOf("string"), "location_kinds": listOf("string"), "precisions": listOf("string")})},
	}...)
}
