# Lambda builds; the root Makefile includes this file.
#
# sam build (Metadata BuildMethod: makefile, CodeUri: .) copies the repository
# to a scratch folder and runs there `make build-<LogicalId>` with
# ARTIFACTS_DIR in the environment; `make build-XFunction ARTIFACTS_DIR=dir`
# does the same by hand. build-XFunction compiles ./functions/x (the logical
# ID less "Function", lower-cased) into $(ARTIFACTS_DIR)/bootstrap for
# provided.al2023 on arm64: static (no cgo), without the RPC runtime
# (lambda.norpc), reproducible (-trimpath, no VCS stamp, empty build ID; the
# scratch copy has no .git anyway) and stripped (-s -w).
# infra/template's tests run these rules exactly so and inspect the binary.

LAMBDA_GOFLAGS := -tags lambda.norpc -trimpath -buildvcs=false -ldflags='-s -w -buildid='
# LAMBDA_ARCH is the template's Architectures; make bench overrides it with
# the host's (amd64) to run the bootstraps locally for cold starts.
LAMBDA_ARCH ?= arm64

# lambda_stem turns a logical-ID stem into its functions/ folder: Registration -> registration.
lambda_stem = $(shell printf '%s' '$(1)' | tr '[:upper:]' '[:lower:]')

build-%Function:
	@test -n "$(ARTIFACTS_DIR)" || { echo 'build-$*Function: ARTIFACTS_DIR is not set (sam build sets it; make build uses .local/build/)' >&2; exit 2; }
	@test -f ./functions/$(call lambda_stem,$*)/main.go || { echo 'build-$*Function: ./functions/$(call lambda_stem,$*)/main.go does not exist' >&2; exit 2; }
	mkdir -p "$(ARTIFACTS_DIR)"
	CGO_ENABLED=0 GOOS=linux GOARCH=$(LAMBDA_ARCH) go build $(LAMBDA_GOFLAGS) -o "$(ARTIFACTS_DIR)/bootstrap" ./functions/$(call lambda_stem,$*)

# The logical IDs of template.yaml's functions: the Resources keys (two-space
# indent) that end in Function, as the template tests require of functions.
LAMBDA_FUNCTIONS = $(shell sed -n 's/^  \([A-Z][A-Za-z0-9]*Function\):[[:space:]]*$$/\1/p' template.yaml)

# build compiles every function as sam build would, into
# .local/build/<LogicalId>/bootstrap (the layout of .aws-sam/build).
.PHONY: build
build:
	@test -n "$(strip $(LAMBDA_FUNCTIONS))" || { echo 'build: template.yaml lists no function' >&2; exit 2; }
	@for f in $(LAMBDA_FUNCTIONS); do \
		$(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) build-$$f ARTIFACTS_DIR="$(CURDIR)/.local/build/$$f" || exit 1; \
	done
