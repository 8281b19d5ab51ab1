package api_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

var (
	editClients = flag.Int("edit-clients", 16, "TestConcurrentEdits: clients editing at once")
	editsEach   = flag.Int("edits-each", 1000, "TestConcurrentEdits: acknowledged edits per client")
	editTargets = flag.Int("edit-targets", 8, "TestConcurrentEdits: activities they all edit")
	retriedKeys = flag.Int("retried-posts", 1000, "TestConcurrentEdits: creates, each sent three times at once with one Idempotency-Key")
)

// client is a plain HTTP client of a real listening server, signed in
// with hdr.
type client struct {
	base string
	hdr  []string
	http *http.Client
}

func (c client) send(t *testing.T, method, path, body string, hdr ...string) (int, http.Header, []byte) {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		t.Error(err)
		return 0, nil, nil
	}
	for _, h := range [][]string{c.hdr, hdr} {
		for i := 0; i+1 < len(h); i += 2 {
			req.Header.Set(h[i], h[i+1])
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Error(err)
		return 0, nil, nil
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Error(err)
	}
	return resp.StatusCode, resp.Header, b
}

// Clients edit the same few activities at once with If-Match, retrying on
// 412 from the ETag the refusal carries: every acknowledged edit is in the
// history exactly once, no edit is lost, and each activity is what its
// history replayed says. Then every create sent three times at once under
// one Idempotency-Key makes exactly one activity.
func TestConcurrentEdits(t *testing.T) {
	e := newAccountEnv(t)
	srv := httptest.NewServer(e.srv)
	defer srv.Close()
	c := client{base: srv.URL, hdr: e.as(t, "secretariat"), http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}

	targets := make([]int64, *editTargets)
	for i := range targets {
		code, _, b := c.send(t, http.MethodPost, "/collections/activities/items", strings.Replace(matrixActivity, "Matrix activity", fmt.Sprintf("Target %d", i), 1))
		var f feature
		if code != http.StatusCreated || json.Unmarshal(b, &f) != nil {
			t.Fatalf("create target: %d %s", code, b)
		}
		targets[i] = f.ID
	}
	var acked, stale, failed atomic.Int64
	var wg sync.WaitGroup
	for cl := range *editClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			etags := map[int64]string{}
			for n := 0; n < *editsEach && !t.Failed(); n++ {
				id := targets[(cl+n)%len(targets)]
				path := fmt.Sprintf("/collections/activities/items/%d", id)
				title := fmt.Sprintf("c%02d-e%04d", cl, n)
				patch := fmt.Sprintf(`{"properties":{"title":%q,"description":"edited by client %d"}}`, title, cl)
				for attempt := 0; ; attempt++ {
					if etags[id] == "" {
						code, h, _ := c.send(t, http.MethodGet, path, "")
						if code != 200 {
							failed.Add(1)
							t.Errorf("GET %s: %d", path, code)
							return
						}
						etags[id] = h.Get("ETag")
					}
					code, h, b := c.send(t, http.MethodPatch, path, patch, "If-Match", etags[id], "Content-Type", "application/merge-patch+json")
					if code == http.StatusOK {
						etags[id] = h.Get("ETag")
						acked.Add(1)
						break
					}
					if code != http.StatusPreconditionFailed || attempt > 1000 {
						failed.Add(1)
						t.Errorf("PATCH %s: %d %s", path, code, b)
						return
					}
					stale.Add(1)
					var p problemDoc
					if err := json.Unmarshal(b, &p); err != nil || p.CurrentETag == "" {
						t.Errorf("412 without current_etag: %s", b)
						return
					}
					etags[id] = p.CurrentETag
				}
			}
		}()
	}
	wg.Wait()
	want := int64(*editClients * *editsEach)
	t.Logf("%d edits acknowledged, %d refused as stale and retried", acked.Load(), stale.Load())
	if acked.Load() != want || failed.Load() != 0 {
		t.Fatalf("%d edits acknowledged of %d, %d failed", acked.Load(), want, failed.Load())
	}

	// Every acknowledged title is in some activity's history once, and
	// the history replayed is the activity.
	titles := map[string]int{}
	for _, id := range targets {
		replayed, entries := replay(t, c, id)
		for _, title := range entries {
			titles[title]++
		}
		code, _, doc := c.send(t, http.MethodGet, fmt.Sprintf("/activities/%d/document", id), "")
		var d struct{ Properties map[string]json.RawMessage }
		if code != 200 || json.Unmarshal(doc, &d) != nil {
			t.Fatalf("document %d: %d %s", id, code, doc)
		}
		for k, v := range d.Properties {
			if got := replayed[k]; !bytes.Equal(compact(t, got), compact(t, v)) {
				t.Errorf("activity %d: %s is %s, its history replayed says %s", id, k, v, got)
			}
		}
	}
	for cl := range *editClients {
		for n := range *editsEach {
			if k := fmt.Sprintf("c%02d-e%04d", cl, n); titles[k] != 1 {
				t.Fatalf("edit %s is in the history %d times", k, titles[k])
			}
		}
	}

	// Idempotency: each create three times at once under one key.
	var before int
	e.query(t, `SELECT count(*) FROM activities`, &before)
	sem := make(chan struct{}, 16)
	var mu sync.Mutex
	ids := map[string]map[string]bool{}
	for k := range *retriedKeys {
		for range 3 {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				key := fmt.Sprintf("retried-%d", k)
				code, h, _ := c.send(t, http.MethodPost, "/collections/activities/items",
					strings.Replace(matrixActivity, "Matrix activity", "Retried "+key, 1), "Idempotency-Key", key)
				if code != http.StatusCreated {
					t.Errorf("POST %s: %d", key, code)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if ids[key] == nil {
					ids[key] = map[string]bool{}
				}
				ids[key][h.Get("Location")] = true
			}()
		}
	}
	wg.Wait()
	var after int
	e.query(t, `SELECT count(*) FROM activities`, &after)
	if after-before != *retriedKeys {
		t.Errorf("%d creates sent thrice made %d activities", *retriedKeys, after-before)
	}
	for k, locs := range ids {
		if len(locs) != 1 {
			t.Errorf("%s answered with %d different activities", k, len(locs))
		}
	}
}

// replay folds an activity's history (oldest first) into its write
// document's properties, and returns them with the titles its updates set.
func replay(t *testing.T, c client, id int64) (map[string]json.RawMessage, []string) {
	t.Helper()
	type entry struct {
		Action  string
		Changes map[string]struct{ Before, After json.RawMessage }
	}
	var all []entry
	next := fmt.Sprintf("/collections/activities/items/%d/history?limit=1000", id)
	for next != "" {
		code, _, b := c.send(t, http.MethodGet, strings.TrimPrefix(next, c.base), "")
		var h struct {
			Entries []entry
			Next    string
		}
		if code != 200 || json.Unmarshal(b, &h) != nil {
			t.Fatalf("history %d: %d %s", id, code, b)
		}
		all, next = append(all, h.Entries...), h.Next
	}
	h := struct{ Entries []entry }{all}
	state := map[string]json.RawMessage{}
	var titles []string
	for i := len(h.Entries) - 1; i >= 0; i-- {
		en := h.Entries[i]
		for k, ch := range en.Changes {
			if prev, ok := state[k]; en.Action == "update" && ok && !bytes.Equal(compact(t, prev), compact(t, ch.Before)) {
				t.Fatalf("activity %d: an update of %s from %s, but it was %s", id, k, ch.Before, prev)
			}
			state[k] = ch.After
		}
		if en.Action == "update" {
			var title string
			if err := json.Unmarshal(en.Changes["title"].After, &title); err != nil {
				t.Fatalf("an update without a title: %+v", en)
			}
			titles = append(titles, title)
		}
	}
	return state, titles
}

// compact is b in one canonical form (members sorted, no spaces): the
// history is kept as jsonb, which orders members its own way.
func compact(t *testing.T, b []byte) []byte {
	t.Helper()
	if len(b) == 0 {
		return []byte("null")
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
