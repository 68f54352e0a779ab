# onboard — see README.md.
GO      ?= go
BIN     := bin/onboard
CONFIG  ?= config.example.yaml
PKGS    := ./...
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)

.PHONY: build run keys test bench lint soak clean

build:
	$(GO) build -ldflags "-X main.version=$(VERSION) -X main.commit=$(COMMIT)" -o $(BIN) ./cmd/onboard

# run: the daemon on config.example.yaml with local folders and SQLite under
# var/, the sample census dropped in the example partner's inbound folder and
# the carrier simulator answering the example carrier, so the sample flows
# pending → submitted → synced. Ctrl-C stops both.
run: build keys
	@mkdir -p var/partners/acme/inbound var/partners/acme/outbound \
		var/carriers/bluecross/inbox var/carriers/bluecross/acks var/reports
	@cp testdata/census-small.csv var/partners/acme/inbound/census-small.csv
	@echo "onboard: dropped testdata/census-small.csv into var/partners/acme/inbound"
	@$(BIN) carrier-sim -inbox var/carriers/bluecross/inbox -acks var/carriers/bluecross/acks -watch & sim=$$!; \
	trap 'kill $$sim 2>/dev/null' EXIT; \
	trap : INT TERM; \
	$(BIN) run -config $(CONFIG); code=$$?; \
	kill $$sim 2>/dev/null; wait $$sim 2>/dev/null; \
	exit $$code

# keys: the API keys config.example.yaml names, made once under var/keys
# (mode 0600, never committed); an existing key is kept.
keys:
	@mkdir -p var/keys && chmod 700 var/keys
	@for k in acme portfolio; do f=var/keys/$$k.api-key; \
		if [ ! -s $$f ]; then (umask 077; head -c 32 /dev/urandom | base64 | tr -d '/+=\n' > $$f); \
		echo "onboard: made the API key $$f"; fi; done

test:
	$(GO) vet $(PKGS)
	$(GO) test -count=1 -timeout 30m $(PKGS)

# bench: the Go benchmarks of every package (hot paths: census row mapping,
# validation, store writes, 834 rendering, 999 parsing), then onboard against
# this machine's floor (engine/benchrun): generated censuses of 100,000 and
# 1,000,000 members, each measurement one child process; the 1,000,000 run
# takes minutes (three rounds of each, reported as the median round).
# BENCH_SIZES=100000 for the small one only; BENCH_FLAGS for more, e.g.
# BENCH_FLAGS=-runs=1 for one round, -pprof=var/bench/pprof to profile.
# The first drop is also measured with the state in PostgreSQL, beside
# SQLite, with the ratio: on $ONBOARD_BENCH_POSTGRES (or
# $ONBOARD_TEST_POSTGRES), else on a throwaway cluster (.ci/postgres.sh).
# Then the API under load (engine/api/apibench): 2,000 POST /groups of
# 10-member groups from 16 clients on loopback, then GETs beside writes;
# requests/s, p50/p99, errors (must be 0) and the daemon's peak RSS.
bench: build
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m $(PKGS)
	$(GO) build -o bin/benchrun ./engine/benchrun
	@if [ -z "$$ONBOARD_BENCH_POSTGRES$$ONBOARD_TEST_POSTGRES" ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		eval "$$(.ci/postgres.sh start)" && trap '.ci/postgres.sh stop "$$ONBOARD_PG_DIR"' EXIT; fi; \
	bin/benchrun -onboard $(BIN) -dir var/bench $(if $(BENCH_SIZES),-sizes $(BENCH_SIZES)) $(BENCH_FLAGS)
	$(GO) build -o bin/apibench ./engine/api/apibench
	bin/apibench -onboard $(BIN) -dir var/bench/api $(APIBENCH_FLAGS)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

# soak: the reliability suites (engine/reliability: random kills, crash
# points, faults, hostile input, load) with ONBOARD_SOAK=1, which means ten
# times the kills on five times the groups and five thousand files, then
# every fuzz test of the repository for SOAK_FUZZTIME each (default 1m),
# with minimising a new crasher bounded by SOAK_MINIMIZETIME (default 10s)
# so the budget goes to fuzzing, not to shrinking interesting inputs.
# A crash run logs its seed: ONBOARD_SEED=N replays its kills, and
# ONBOARD_KEEP=DIR keeps the worlds for a look. A fuzz crasher lands in the
# package's testdata/fuzz/: commit it with the fix.
soak:
	ONBOARD_SOAK=1 $(GO) test -count=1 -timeout 120m -v ./engine/reliability/
	@set -e; for f in $$(grep -rl --include='*_test.go' '^func Fuzz' .); do \
		for fn in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$f); do \
			echo "== $$fn in $$(dirname $$f) for $${SOAK_FUZZTIME:-1m}"; \
			$(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $${SOAK_FUZZTIME:-1m} -fuzzminimizetime $${SOAK_MINIMIZETIME:-10s} $$(dirname $$f); \
		done; \
	done

clean:
	rm -rf bin var
