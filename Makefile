# CommonGround: the two commands are `make run` and `make test`.
# Both work on a fresh Debian/Ubuntu machine with Go and Node.js installed:
# they install PostgreSQL + PostGIS (and Chromium and GDAL for the tests) from the
# distribution, start a local cluster and create what they need.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO  ?= go
NPM ?= npm
BIN := bin/commonground

# The local cluster `make run` and `make test` provision, unless DATABASE_URL
# (for run) or TEST_DATABASE_URL (for test) points elsewhere.
LOCAL_DATABASE_URL      := postgres://commonground:commonground@localhost:5432/commonground?sslmode=disable
LOCAL_TEST_DATABASE_URL := postgres://commonground:commonground@localhost:5432/postgres?sslmode=disable

ifdef DATABASE_URL
RUN_DATABASE_URL := $(DATABASE_URL)
RUN_DB :=
else
RUN_DATABASE_URL := $(LOCAL_DATABASE_URL)
RUN_DB := db
endif

ifdef TEST_DATABASE_URL
TEST_DB_URL := $(TEST_DATABASE_URL)
TEST_DB :=
else
TEST_DB_URL := $(LOCAL_TEST_DATABASE_URL)
TEST_DB := db
endif

.PHONY: help run test build frontend db deps deps-test test-go test-frontend lint reference bench clean screenshots

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

run: deps $(RUN_DB) build ## set everything up and serve the map at http://localhost:8080
	DATABASE_URL='$(RUN_DATABASE_URL)' $(BIN) migrate
	DATABASE_URL='$(RUN_DATABASE_URL)' $(BIN) load-reference
	DATABASE_URL='$(RUN_DATABASE_URL)' $(BIN) seed-demo
	@echo "CommonGround listens on $${COMMONGROUND_ADDR:-:8080} (by default: http://localhost:8080)"
	DATABASE_URL='$(RUN_DATABASE_URL)' exec $(BIN) serve

test: deps-test $(TEST_DB) frontend lint test-frontend test-go ## run every test (Go, PostGIS, web app, browser)

deps: ## check that Go and Node.js are recent enough
	scripts/deps.sh run

deps-test: ## deps, and install Chromium and GDAL (ogrinfo) for the browser and GDAL tests
	scripts/deps.sh test

db: ## create and start the local PostgreSQL + PostGIS cluster, role and database
	scripts/provision-db.sh commonground

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && $(NPM) ci --no-audit --no-fund

frontend: frontend/node_modules/.package-lock.json ## build the web app into frontend/dist (embedded by go build)
	cd frontend && $(NPM) run build

build: frontend ## build bin/commonground with the web app embedded
	$(GO) build -o $(BIN) ./cmd/commonground

lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './frontend/node_modules/*')); \
		if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

test-frontend: frontend/node_modules/.package-lock.json ## the web app's unit tests (vitest)
	cd frontend && $(NPM) test

test-go: ## Go tests against PostGIS, including the browser and GDAL tests (needs `make frontend`)
	TEST_DATABASE_URL='$(TEST_DB_URL)' COMMONGROUND_E2E=1 $(GO) test -count=1 -timeout 20m ./...

reference: ## rebuild geo/reference/data from the npm packages (see tools/refdata)
	cd tools/refdata && $(NPM) ci --no-audit --no-fund && node build.mjs

screenshots: ## copy the browser tests' screenshots (frontend/e2e/artifacts, after make test) into docs/screenshots
	cp $(addprefix frontend/e2e/artifacts/,$(addsuffix .png,map detail filtered overlaps overlaps-matrix stats phone)) docs/screenshots/

clean: ## remove build output
	rm -rf bin frontend/dist/assets frontend/dist/index.html

bench: $(TEST_DB) ## data-loading benchmarks (figures in BENCHMARKS.md)
	TEST_DATABASE_URL='$(TEST_DB_URL)' $(GO) test -run '^$$' -bench . -benchtime 5x ./geo/postgis/

# Items benchmark (issue 3): seeds cg_bench_10k and cg_bench_100k on the
# local cluster when needed, serves each on a free loopback port and
# compares the server with the same work done straight in PostgreSQL.
BENCH_SIZES    ?= 10000,100000
BENCH_DURATION ?= 20s
.PHONY: bench-items
bench-items: $(TEST_DB) ## items endpoint against raw PostGIS at 10k and 100k activities (figures in BENCHMARKS.md)
	$(GO) build -o bin/cgbench ./cmd/cgbench
	$(GO) build -o bin/cgbench-server ./cmd/commonground
	bin/cgbench all -admin '$(TEST_DB_URL)' -bin bin/cgbench-server -sizes $(BENCH_SIZES) -duration $(BENCH_DURATION)

# Tiles benchmark (issue 4): seeds cg_bench_10k, cg_bench_100k and
# cg_bench_1m when needed, serves each twice on free loopback ports (warm:
# tile cache on; cold: COMMONGROUND_TILE_CACHE_MB=0), waits for the tile
# aggregates to be rebuilt and measures cold and warm tiles against the
# server's store code called in process (jit on and off), raw points and a
# static gin answer. About 8 minutes per size plus the aggregates' first
# rebuild (minutes at 1M): under 30 minutes in all at 15s.
TILES_SIZES      ?= 10000,100000,1000000
TILES_DURATION   ?= 15s
TILES_SERVER_JIT ?= on
.PHONY: bench-tiles
bench-tiles: $(TEST_DB) ## vector tiles cold/warm against the store in process at 10k, 100k and 1M activities (figures in BENCHMARKS.md)
	$(GO) build -o bin/cgbench ./cmd/cgbench
	$(GO) build -o bin/cgbench-server ./cmd/commonground
	bin/cgbench tiles-all -admin '$(TEST_DB_URL)' -bin bin/cgbench-server -sizes $(TILES_SIZES) -clients 4 -duration $(TILES_DURATION) -server-jit $(TILES_SERVER_JIT)

# Overlap latencies (issue 5): serves cg_bench_10k/100k/1m with a 60 s
# statement timeout and times each request of cmd/cgbench/overlaps.go three
# times, one at a time.
OVERLAPS_SIZES ?= 10000,100000,1000000
.PHONY: bench-overlaps
bench-overlaps: $(TEST_DB) ## overlap list, matrix and hotspots latency at 10k, 100k and 1M activities (figures in BENCHMARKS.md)
	$(GO) build -o bin/cgbench ./cmd/cgbench
	$(GO) build -o bin/cgbench-server ./cmd/commonground
	bin/cgbench overlaps-all -admin '$(TEST_DB_URL)' -bin bin/cgbench-server -sizes $(OVERLAPS_SIZES) -reps 3 -timeout 60s

# Web app time to first map idle (issue 6): builds the binary with the web
# app embedded, serves cg_bench_10k and cg_bench_100k twice each (warm: tile
# cache on; cold: COMMONGROUND_TILE_CACHE_MB=0), waits for the tile
# aggregates and both overlap indexes, then loads the page in headless
# Chromium (frontend/e2e/bench-idle.mjs, playwright-core, /usr/bin/chromium)
# WEB_RUNS times per case after one warm-up visit, each in a fresh browser
# context, and once more traced (Chromium traces in frontend/e2e/artifacts).
# The phone viewport (390x844 at 3x) is measured at 100k. 5-10 minutes.
WEB_SIZES ?= 10000,100000
WEB_RUNS  ?= 10
.PHONY: bench-web
bench-web: $(TEST_DB) build ## web app: navigation to first map idle in headless Chromium at 10k and 100k activities (figures in BENCHMARKS.md)
	$(GO) build -o bin/cgbench ./cmd/cgbench
	bin/cgbench web -admin '$(TEST_DB_URL)' -bin $(BIN) -sizes $(WEB_SIZES) -runs $(WEB_RUNS) -warmup 1 -phone-size 100000
