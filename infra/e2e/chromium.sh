#!/usr/bin/env bash
# Prints the Chromium binary the end-to-end tests drive: $CHROMIUM when
# set, else Debian's (its real binary, not the /usr/bin wrapper script).
# Fails when there is none.
set -euo pipefail
for c in "${CHROMIUM:-}" /usr/lib/chromium/chromium /usr/bin/chromium /usr/bin/chromium-browser; do
	if [[ -n "$c" && -x "$c" ]]; then
		echo "$c"
		exit 0
	fi
done
exit 1
