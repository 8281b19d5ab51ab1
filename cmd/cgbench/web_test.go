package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseWebOutput(t *testing.T) {
	out := `{"kind":"visit","state":"idle","idle_ms":1324.9,"requests":14,"bytes":567568,"tiles":8,"tile_bytes":226965,"js_bytes":326320,"phases":{"html_end":12.4,"tiles_end":825.2},"errors":[],"warmup":true}

{"kind":"visit","state":"idle","idle_ms":1100,"requests":14,"bytes":567564,"tiles":8,"tile_bytes":226961,"js_bytes":326320,"phases":{"html_end":6.7},"errors":[],"warmup":false}
{"kind":"trace","idle_ms":1338.2,"busy_ms":{"CrRendererMain":1207.1,"CrGpuMain":871.3},"main_ms":{"Commit":856.8}}
`
	visits, trace, err := parseWebOutput(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(visits) != 2 || !visits[0].Warmup || visits[1].IdleMS != 1100 || visits[1].TileBytes != 226961 {
		t.Fatalf("visits %+v", visits)
	}
	if m := measured(visits); len(m) != 1 || m[0].IdleMS != 1100 {
		t.Errorf("measured %+v", m)
	}
	if visits[1].phase("html_end") != 6.7 || visits[1].phase("tiles_end") != -1 {
		t.Errorf("phases %v", visits[1].Phases)
	}
	if trace == nil || trace.BusyMS["CrGpuMain"] != 871.3 || trace.MainMS["Commit"] != 856.8 {
		t.Errorf("trace %+v", trace)
	}

	for _, bad := range []string{
		`{"kind":"visit","state":"error","idle_ms":80,"errors":["style.json: HTTP 503"]}`,
		`{"kind":"visit","state":"idle","idle_ms":80,"errors":["TypeError: x is undefined"]}`,
		`{"kind":"mystery"}`,
		`bench-idle: a log line on stdout`,
	} {
		if _, _, err := parseWebOutput(strings.NewReader(bad)); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

func TestSummarize(t *testing.T) {
	s := summarize([]float64{10, 1, 9, 2, 8, 3, 7, 4, 6, 5})
	if s.n != 10 || s.median != 5.5 || s.p90 != 9 || s.min != 1 {
		t.Errorf("1..10: %+v", s)
	}
	if s := summarize([]float64{3, 1, 2}); s.median != 2 || s.p90 != 3 || s.min != 1 {
		t.Errorf("1..3: %+v", s)
	}
	if s := summarize([]float64{7}); s.median != 7 || s.p90 != 7 || s.min != 7 {
		t.Errorf("one value: %+v", s)
	}
	if s := summarize(nil); s.n != 0 {
		t.Errorf("none: %+v", s)
	}
}

func TestWebTables(t *testing.T) {
	if thousands(99895) != "99,895" || thousands(999) != "999" || thousands(1000000) != "1,000,000" {
		t.Error("thousands")
	}
	if got := topMS(map[string]float64{"a": 1, "b": 3, "c": 2}, 2); got != "b 3, c 2" {
		t.Errorf("topMS = %q", got)
	}
	visit := func(idle float64, warmup bool) webVisit {
		return webVisit{Kind: "visit", State: "idle", IdleMS: idle, Tiles: 8, TileURLs: 4, TileBytes: 227000, Requests: 14, Bytes: 568000,
			JSBytes: 326000, Warmup: warmup, Phases: map[string]float64{"html_end": 6, "tiles_end": 600}}
	}
	cases := []webCase{{public: 99895, viewport: desktopViewport, cache: "cold",
		visits: []webVisit{visit(5000, true), visit(1200, false), visit(1300, false)},
		trace:  &webTrace{IdleMS: 1250, BusyMS: map[string]float64{"CrRendererMain": 1000}, MainMS: map[string]float64{"Commit": 800}}}}
	var b bytes.Buffer
	printWebTables(&b, cases)
	out := b.String()
	for _, want := range []string{
		"| 99,895 | desktop 1280x800@1x | cold | 2 | 1250 | 1300 | 1200 | 8 (4, 227 kB) | 14 (568 kB) | 326 |",
		"| 99,895 | desktop | cold | 6 | - | - | - | - | - | - | 600 | 1250 |", // phases never seen: -
		"busy ms per thread: CrRendererMain 1000",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("tables lack %q:\n%s", want, out)
		}
	}
}
