# portalid — see README.md. `make run` starts the whole system locally,
# `make test` runs every test against the local emulators.
SHELL := /bin/bash
GO ?= go
GO_FILES = $(shell git ls-files -co --exclude-standard '*.go')
FUZZTIME ?= 20s
ENV ?= default

.PHONY: run test bench lint fuzz deploy clean emulators

# build and build-<LogicalId> (the targets `sam build` calls).
include infra/build.mk

emulators:
	@bash infra/emulators/install.sh

run: emulators
	$(GO) run ./infra/local run

lint:
	@out=$$(gofmt -l $(GO_FILES)); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# Every benchmark runs once too (-benchtime=1x), in the same binaries, so
# that none can rot; make bench measures.
test: emulators lint
	$(GO) run ./infra/local exec -- $(GO) test -race -count=1 -bench=. -benchtime=1x ./...

# The fault suite (docs/operations.md, "Fault injection"): AWS faults
# injected under the flows and workflows; figures in .local/fault-summary.jsonl.
.PHONY: faults
faults: emulators
	$(GO) test -race -count=1 ./internal/faultinject/... ./internal/transient/...
	$(GO) run ./infra/local exec -- $(GO) test -race -count=1 -v \
		-run 'UnderFaults|FaultOutlasting|RetriedTasks|LetterPaths/lost' \
		./internal/httpapi ./internal/flow/identity ./internal/flow/letter

# One table of performance and cost (internal/bench), also written as JSON
# under .local/bench/; BENCHFLAGS are passed on (go run ./infra/bench -h).
bench: emulators
	$(GO) run ./infra/local exec -- $(GO) run ./infra/bench $(BENCHFLAGS)

# Only the load: the throughput phases and the scenarios at increasing
# concurrency, then the invariant scan of the table (non-zero exit on a
# violation); BENCHFLAGS as for bench (-concurrency, -per-step, …).
.PHONY: load
load: emulators
	$(GO) run ./infra/local exec -- $(GO) run ./infra/bench -load $(BENCHFLAGS)

# Runs every fuzz target for FUZZTIME; new failing inputs land in the
# package's testdata/fuzz/ and become regression tests.
fuzz:
	@set -e; for f in $$(grep -l '^func Fuzz' $$(git ls-files -co --exclude-standard '*_test.go')); do \
		d=$$(dirname $$f); \
		for t in $$(grep -oE '^func (Fuzz[A-Za-z0-9_]+)' $$f | cut -d' ' -f2); do \
			echo "== $$d $$t"; $(GO) test -run='^$$' -fuzz="^$$t$$" -fuzztime=$(FUZZTIME) ./$$d; \
		done; \
	done

# End-to-end tests of the web client in Debian's Chromium against a local
# stack of their own (infra/e2e/run.sh); screenshots land in .local/e2e/.
.PHONY: e2e
e2e: emulators
	@bash infra/e2e/run.sh

deploy:
	sam build && sam deploy --config-env $(ENV)

clean:
	rm -rf .local/build .aws-sam
