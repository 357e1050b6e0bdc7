#!/usr/bin/env bash
# Installs what the end-to-end tests (make e2e) need:
#   1. Debian's Chromium, with apt-get when no Chromium is on the machine
#      (as root, or through sudo); nothing else downloads a browser;
#   2. playwright-core from package-lock.json (npm ci) into
#      infra/e2e/node_modules.
# Idempotent and fast when done: npm ci runs again only when package.json
# or package-lock.json change.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if ! bash "$here/chromium.sh" >/dev/null; then
	echo "install.sh: apt-get install chromium" >&2
	sudo=()
	[[ "$(id -u)" -eq 0 ]] || sudo=(sudo)
	"${sudo[@]}" apt-get update -qq
	# Headless needs no recommends (printing, desktop integration); the
	# DejaVu fonts cover Cyrillic.
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
	bash "$here/chromium.sh" >/dev/null || { echo "install.sh: chromium is still missing" >&2; exit 1; }
fi

key="$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -d' ' -f1)"
stamp="$here/node_modules/.stamp"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$key" ]]; then
	command -v npm >/dev/null 2>&1 || { echo "install.sh: npm not found on PATH" >&2; exit 1; }
	echo "install.sh: npm ci (playwright-core)" >&2
	(cd "$here" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
	echo "$key" >"$stamp"
fi
