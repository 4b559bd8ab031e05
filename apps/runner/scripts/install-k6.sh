#!/usr/bin/env bash
# Builds the pinned k6 from source with this machine's Go into the per-user tool cache
# (no download of prebuilt binaries). Usage: install-k6.sh <version> <dir>
# Prints the binary's path on stdout; progress goes to stderr (bench/lib/shoppers.mjs reads it).
set -euo pipefail
version="${1:-v1.8.1}"
dir="${2:-${XDG_CACHE_HOME:-$HOME/.cache}/ha-shop/tools/k6-$version}"
[ -x "$dir/k6" ] && { echo "$dir/k6"; exit 0; }
if ! command -v go >/dev/null; then
  echo "k6 $version is built from source and needs Go >= 1.25 (none found); or put a k6 binary at $dir/k6" >&2
  exit 1
fi
go_minor="$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
if [ -z "$go_minor" ] || [ "$go_minor" -lt 25 ]; then
  echo "k6 $version needs Go >= 1.25, found $(go env GOVERSION)" >&2
  exit 1
fi
mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock 9
[ -x "$dir/k6" ] && { echo "$dir/k6"; exit 0; }
echo "building k6 $version with $(go env GOVERSION) into $dir (a few minutes, once)..." >&2
tmp="$(mktemp -d "$dir.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
GOBIN="$tmp" GOTOOLCHAIN=local GOFLAGS=-buildvcs=false go install "go.k6.io/k6@$version"
mkdir -p "$dir"
mv "$tmp/k6" "$dir/k6"
"$dir/k6" version >&2
echo "$dir/k6"
