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

# Runs every fuzz target for FUZZTIME with FUZZPARALLEL workers (infra/fuzz);
# the table of execs per target is also written to .local/fuzz/report.json.
# FUZZSAVE=1 copies the new interesting inputs into the package's
# testdata/fuzz/<Target>/ (the smallest, FUZZKEEP at most); failing inputs
# land there too and become regression tests. FUZZRUN filters targets;
# FUZZMINIMIZE bounds the minimizing of each new input (go's 60s would eat
# a short run whole on targets with large inputs, such as certificates).
FUZZPARALLEL ?= 2
FUZZKEEP ?= 50
FUZZMINIMIZE ?= 200x
fuzz:
	$(GO) run ./infra/fuzz -time=$(FUZZTIME) -parallel=$(FUZZPARALLEL) -keep=$(FUZZKEEP) -minimize=$(FUZZMINIMIZE) -save=$(if $(filter 1,$(FUZZSAVE)),true,false) -run='$(FUZZRUN)'

# End-to-end tests of the web client in Debian's Chromium against a local
# stack of their own (infra/e2e/run.sh); screenshots land in .local/e2e/.
.PHONY: e2e
e2e: emulators
	@bash infra/e2e/run.sh

deploy:
	sam build && sam deploy --config-env $(ENV)

clean:
	rm -rf .local/build .aws-sam
