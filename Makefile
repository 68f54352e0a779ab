# onboard — see README.md.
GO      ?= go
BIN     := bin/onboard
CONFIG  ?= config.example.yaml
PKGS    := ./...

.PHONY: build run test bench lint soak clean

build:
	$(GO) build -o $(BIN) ./cmd/onboard

# run: the daemon on config.example.yaml with local folders and SQLite under
# var/, the sample census dropped in the example partner's inbound folder and
# the carrier simulator answering the example carrier, so the sample flows
# pending → submitted → synced. Ctrl-C stops both.
run: build
	@mkdir -p var/partners/acme/inbound var/partners/acme/outbound \
		var/carriers/bluecross/inbox var/carriers/bluecross/acks var/reports
	@cp testdata/census-small.csv var/partners/acme/inbound/census-small.csv
	@echo "onboard: dropped testdata/census-small.csv into var/partners/acme/inbound"
	@set -e; \
	$(BIN) carrier-sim -inbox var/carriers/bluecross/inbox -acks var/carriers/bluecross/acks -watch & sim=$$!; \
	trap 'kill $$sim 2>/dev/null; wait $$sim 2>/dev/null' EXIT INT TERM; \
	$(BIN) run -config $(CONFIG)

test:
	$(GO) vet $(PKGS)
	$(GO) test -count=1 -timeout 30m $(PKGS)

bench:
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m $(PKGS)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

soak:
	ONBOARD_SOAK=1 $(GO) test -count=1 -timeout 120m $(PKGS)

clean:
	rm -rf bin var
