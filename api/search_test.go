package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/commonground/commonground/geo"
)

func TestSearch(t *testing.T) {
	e := demoEnv(t)
	var res struct {
		Results []geo.SearchHit
	}
	rec := e.do(t, http.MethodGet, "/search?q=Nairobi")
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("%d %v", rec.Code, err)
	}
	var place *geo.SearchHit
	for i, h := range res.Results {
		if h.Type == "place" && place == nil {
			place = &res.Results[i]
		}
	}
	if place == nil || place.Name != "Nairobi" || place.CountryCode != "KE" || place.Point == nil || place.Point[1] > 0 {
		t.Errorf("the place Nairobi is not found first among places: %+v", res.Results)
	}
	rec = e.do(t, http.MethodGet, "/search?q="+url.QueryEscape("São Paulo"))
	if !strings.Contains(rec.Body.String(), `"name":"São Paulo"`) {
		t.Errorf("accented search: %s", rec.Body)
	}
	problem(t, e.do(t, http.MethodGet, "/search?q=a"), http.StatusBadRequest)
}
