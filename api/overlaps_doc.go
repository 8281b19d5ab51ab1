package api

import (
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/commonground/commonground/geo"
)

// The JSON documents of /overlaps, /overlaps/matrix and /overlaps/hotspots.
// Fields are declared in alphabetical order of their JSON names, the order
// these documents have always had on the wire.

// overlapList is one page of overlaps (f=json).
type overlapList struct {
	Links          []link       `json:"links"`
	NumberMatched  int64        `json:"numberMatched"`
	NumberReturned int          `json:"numberReturned"`
	Overlaps       []overlapDoc `json:"overlaps"`
}

// overlapDoc is one overlap: the shared place, themes and period, the score
// and its reasons, and the two activities. DistanceKm and SamePlace are
// given for the near tier only.
type overlapDoc struct {
	A          overlapSideDoc `json:"a"`
	ActiveNow  bool           `json:"active_now"`
	B          overlapSideDoc `json:"b"`
	Country    string         `json:"country"`
	DistanceKm *float64       `json:"distance_km,omitempty"`
	Period     periodDoc      `json:"period"`
	Place      string         `json:"place"`
	PlaceTier  string         `json:"place_tier"`
	Reason     string         `json:"reason"`
	Reasons    []string       `json:"reasons"`
	SamePlace  *bool          `json:"same_place,omitempty"`
	Score      float64        `json:"score"`
	ThemeNames []string       `json:"theme_names"`
	Themes     []string       `json:"themes"`
}

// periodDoc is a period whose open ends are null.
type periodDoc struct {
	End   *string `json:"end"`
	Start *string `json:"start"`
}

// overlapSideDoc is one activity of an overlap. Point is left out of
// GeoJSON, where the feature's geometry holds it.
type overlapSideDoc struct {
	CountryWide  bool            `json:"country_wide"`
	EndDate      *string         `json:"end_date"`
	Href         string          `json:"href"`
	ID           int64           `json:"id"`
	Location     string          `json:"location"`
	Organisation organisationDoc `json:"organisation"`
	Point        []float64       `json:"point,omitempty"`
	StartDate    *string         `json:"start_date"`
	Status       geo.Status      `json:"status"`
	Title        string          `json:"title"`
}

// organisationDoc is an organisation as the overlap documents name it.
type organisationDoc struct {
	Constituency geo.Constituency `json:"constituency"`
	ID           int64            `json:"id"`
	Name         string           `json:"name"`
}

func newOverlapDoc(c *gin.Context, o geo.Overlap, geojson bool) overlapDoc {
	d := overlapDoc{
		A: newOverlapSideDoc(c, o.A, geojson), ActiveNow: o.ActiveNow, B: newOverlapSideDoc(c, o.B, geojson),
		Country: o.CountryCode, Period: periodDoc{End: dateOrNull(o.To), Start: dateOrNull(o.From)},
		Place: o.Place, PlaceTier: o.Tier.String(), Reason: o.Reason(), Reasons: o.Reasons(), Score: o.Score,
		ThemeNames: o.ThemeNames, Themes: o.Themes,
	}
	if o.Tier == geo.TierNear {
		km := float64(int(o.DistanceKm*100+0.5)) / 100
		d.DistanceKm, d.SamePlace = &km, &o.SamePlace
	}
	return d
}

func newOverlapSideDoc(c *gin.Context, x geo.OverlapSide, geojson bool) overlapSideDoc {
	d := overlapSideDoc{
		CountryWide: x.CountryWide, EndDate: dateOrNull(x.End), Href: activityHref(c, x.ID), ID: x.ID, Location: x.Location,
		Organisation: organisationDoc{Constituency: x.Constituency, ID: x.OrganisationID, Name: x.Organisation},
		StartDate:    dateOrNull(x.Start), Status: x.Status, Title: x.Title,
	}
	if !geojson {
		d.Point = []float64{x.Point[0], x.Point[1]}
	}
	return d
}

func activityHref(c *gin.Context, id int64) string {
	return abs(c, "/collections/activities/items/"+strconv.FormatInt(id, 10))
}

// dateOrNull is a day as YYYY-MM-DD, or nil (null) for the zero time.
func dateOrNull(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format("2006-01-02")
	return &s
}

// matrixDoc is /overlaps/matrix: overlaps counted per pair of lead
// organisations.
type matrixDoc struct {
	Cells         []matrixCellDoc   `json:"cells"`
	Organisations []organisationDoc `json:"organisations"`
	Overlaps      int64             `json:"overlaps"`
}

// matrixCellDoc is one pair of organisations (ids, A < B).
type matrixCellDoc struct {
	A         int64           `json:"a"`
	B         int64           `json:"b"`
	BestScore float64         `json:"best_score"`
	Overlaps  int64           `json:"overlaps"`
	Themes    []themeCountDoc `json:"themes"`
}

// themeCountDoc is how many overlaps of a cell share a theme.
type themeCountDoc struct {
	Code     string `json:"code"`
	Overlaps int64  `json:"overlaps"`
}

func newMatrixDoc(m geo.OverlapMatrix) matrixDoc {
	d := matrixDoc{Cells: make([]matrixCellDoc, len(m.Cells)), Organisations: organisationDocs(m.Organisations),
		Overlaps: m.Overlaps}
	for i, cell := range m.Cells {
		themes := make([]themeCountDoc, len(cell.Themes))
		for j, t := range cell.Themes {
			themes[j] = themeCountDoc{Code: t.Code, Overlaps: t.Count}
		}
		d.Cells[i] = matrixCellDoc{A: cell.A, B: cell.B, BestScore: cell.BestScore, Overlaps: cell.Overlaps, Themes: themes}
	}
	return d
}

func organisationDocs(orgs []geo.MatrixOrganisation) []organisationDoc {
	out := make([]organisationDoc, len(orgs))
	for i, o := range orgs {
		out[i] = organisationDoc{Constituency: o.Constituency, ID: o.ID, Name: o.Name}
	}
	return out
}

// hotspotList is one page of hotspots (f=json).
type hotspotList struct {
	Hotspots       []hotspotDoc `json:"hotspots"`
	Links          []link       `json:"links"`
	NumberMatched  int64        `json:"numberMatched"`
	NumberReturned int          `json:"numberReturned"`
}

// hotspotDoc is one place where several members work on a theme at once.
// Point is left out of GeoJSON, where the feature's geometry holds it.
type hotspotDoc struct {
	Activities  []hotspotActivityDoc `json:"activities"`
	Country     string               `json:"country"`
	Day         *string              `json:"day"`
	MemberCount int                  `json:"member_count"`
	Members     []organisationDoc    `json:"members"`
	Place       string               `json:"place"`
	PlaceID     int64                `json:"place_id"`
	Point       []float64            `json:"point,omitempty"`
	Theme       string               `json:"theme"`
	ThemeName   string               `json:"theme_name"`
}

// hotspotActivityDoc is an activity of a hotspot; Organisation is its
// lead's id.
type hotspotActivityDoc struct {
	Href         string `json:"href"`
	ID           int64  `json:"id"`
	Organisation int64  `json:"organisation"`
	Title        string `json:"title"`
}

func newHotspotDoc(c *gin.Context, h geo.Hotspot, geojson bool) hotspotDoc {
	acts := make([]hotspotActivityDoc, len(h.Activities))
	for j, a := range h.Activities {
		acts[j] = hotspotActivityDoc{Href: activityHref(c, a.ID), ID: a.ID, Organisation: a.OrganisationID, Title: a.Title}
	}
	d := hotspotDoc{Activities: acts, Country: h.CountryCode, Day: dateOrNull(h.Day), MemberCount: len(h.Members),
		Members: organisationDocs(h.Members), Place: h.Place, PlaceID: h.PlaceID, Theme: h.Theme, ThemeName: h.ThemeName}
	if !geojson {
		d.Point = []float64{h.Point[0], h.Point[1]}
	}
	return d
}

// featureCollection is a list answered as GeoJSON (f=geojson): each item
// becomes a feature's properties.
type featureCollection[T any] struct {
	Features       []feature[T] `json:"features"`
	Links          []link       `json:"links"`
	NumberMatched  int64        `json:"numberMatched"`
	NumberReturned int          `json:"numberReturned"`
	TimeStamp      string       `json:"timeStamp"`
	Type           string       `json:"type"`
}

// feature is a GeoJSON feature with a string id.
type feature[T any] struct {
	Geometry   geometry `json:"geometry"`
	ID         string   `json:"id"`
	Properties T        `json:"properties"`
	Type       string   `json:"type"`
}

// geometry is a GeoJSON Point ([]float64) or LineString ([][]float64).
type geometry struct {
	Coordinates any    `json:"coordinates"`
	Type        string `json:"type"`
}

func pointGeometry(p orb.Point) geometry {
	return geometry{Coordinates: []float64{p[0], p[1]}, Type: "Point"}
}

// overlapGeometry is the line between the two locations, or the point
// where they coincide.
func overlapGeometry(o geo.Overlap) geometry {
	if o.A.Point.Equal(o.B.Point) {
		return pointGeometry(o.A.Point)
	}
	return geometry{Coordinates: [][]float64{{o.A.Point[0], o.A.Point[1]}, {o.B.Point[0], o.B.Point[1]}}, Type: "LineString"}
}

// listLinks are the page links of a list, typed for its representation.
func listLinks(c *gin.Context, p *params, pg geo.Page, returned int, matched int64, geojson bool) []link {
	links := pageLinks(c, p.q, pg, returned, matched)
	if !geojson {
		for i := range links {
			links[i].Type = mediaJSON
		}
	}
	return links
}

// writeFeatures writes items as a FeatureCollection whose feature i has the
// id and geometry geom gives.
func writeFeatures[T any](c *gin.Context, links []link, matched int64, items []T, geom func(i int) (string, geometry)) error {
	features := make([]feature[T], len(items))
	for i := range items {
		id, g := geom(i)
		features[i] = feature[T]{Geometry: g, ID: id, Properties: items[i], Type: "Feature"}
	}
	return writeJSON(c, mediaGeoJSON, featureCollection[T]{Features: features, Links: links, NumberMatched: matched,
		NumberReturned: len(features), TimeStamp: nowRFC3339(), Type: "FeatureCollection"})
}
