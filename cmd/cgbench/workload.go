package main

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
)

// workload is one kind of items request: a page size, an optional bbox and
// how far the offset may wander.
type workload struct {
	Name  string
	limit int
	bbox  []float64 // minLon, minLat, maxLon, maxLat; nil: no bbox
	// maxOffset bounds the offsets plain pages cycle through (rows); the
	// number of public activities bounds it too.
	maxOffset int
}

// The four workloads of issue 3. Shanghai's 1-degree box holds the densest
// cell of the synthetic data (about 1,000 activities at 100k); India's box
// about 13% of them.
func workloads(maxOffset int) []workload {
	return []workload{
		{Name: "a. page, limit=100", limit: 100, maxOffset: maxOffset},
		{Name: "b. page, limit=1000", limit: 1000, maxOffset: maxOffset},
		{Name: "c. bbox Shanghai, limit=1000", limit: 1000, bbox: []float64{120.9, 30.7, 121.9, 31.7}},
		{Name: "d. bbox India, limit=1000", limit: 1000, bbox: []float64{68.1, 6.5, 97.4, 35.7}},
	}
}

// request is one concrete items request.
type request struct {
	limit, offset int
	bbox          []float64
}

// request returns client c's i-th request: plain pages spread over the
// first min(maxOffset, public) rows in a fixed pseudo-random order (so no
// one page is hot); bbox requests keep offset 0 and shift the box by up to
// 0.02 degrees so consecutive requests differ.
func (w workload) request(public, c, i int) request {
	r := request{limit: w.limit}
	if w.bbox == nil {
		pages := max(1, min(w.maxOffset, public)/w.limit)
		r.offset = ((c*7919 + i*104729) % pages) * w.limit
		return r
	}
	d := float64((c*11+i*37)%21-10) * 0.002
	for _, v := range w.bbox {
		r.bbox = append(r.bbox, math.Round((v+d)*1e4)/1e4)
	}
	return r
}

// query is the request's items query string.
func (r request) query() string {
	v := url.Values{}
	v.Set("limit", strconv.Itoa(r.limit))
	v.Set("offset", strconv.Itoa(r.offset))
	if r.bbox != nil {
		v.Set("bbox", fmt.Sprintf("%g,%g,%g,%g", r.bbox[0], r.bbox[1], r.bbox[2], r.bbox[3]))
	}
	return v.Encode()
}

// where is the WHERE clause and arguments the server builds for an
// anonymous viewer (geo/postgis/filter.go: visible, then the bbox).
func (r request) where() (string, []any) {
	w := `a.visibility = 'public'`
	if r.bbox == nil {
		return w, nil
	}
	w += "\n\tAND " + `EXISTS (SELECT FROM activity_locations l WHERE l.activity_id = a.id AND (` +
		`l.point && ST_MakeEnvelope($1, $2, $3, $4, 4326)))`
	return w, []any{r.bbox[0], r.bbox[1], r.bbox[2], r.bbox[3]}
}
