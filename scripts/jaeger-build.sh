#!/usr/bin/env bash
# Builds Jaeger v2 (the all-in-one `jaeger` binary, an OpenTelemetry Collector distribution)
# from its Go module into the per-user tool cache, once per version. No prebuilt download.
# Prints the binary's path on stdout; progress goes to stderr, so callers can do
#   JAEGER=$(bash scripts/jaeger-build.sh)
#
#   --check   print the cached binary's path and exit 0 if it exists, exit 1 otherwise (no build)
# Env: JAEGER_VERSION (default v1.75.0: the module version of Jaeger v2.12's cmd/jaeger).
set -euo pipefail

version="${JAEGER_VERSION:-v1.75.0}"
dir="${XDG_CACHE_HOME:-$HOME/.cache}/ha-shop/tools/jaeger-$version"
bin="$dir/jaeger"

case "${1:-}" in
  --check) [[ -x $bin ]] || exit 1; echo "$bin"; exit 0 ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

if [[ -x $bin ]]; then
  echo "$bin"
  exit 0
fi
command -v go >/dev/null || { echo "jaeger-build: Go is required to build Jaeger $version" >&2; exit 1; }

mkdir -p "$(dirname "$dir")"
# Parallel callers (make -j, a test's global setup) wait for one build.
exec 9>"$dir.lock"
flock 9
if [[ -x $bin ]]; then
  echo "$bin"
  exit 0
fi

echo "jaeger-build: building github.com/jaegertracing/jaeger/cmd/jaeger@$version with $(go env GOVERSION) (minutes, once)..." >&2
start=$(date +%s)
tmp="$(mktemp -d "$dir.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# `go install ...@version` refuses modules whose go.mod has replace directives (Jaeger's has
# one), so build the downloaded module as the main module instead: same source, its own go.sum.
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false CGO_ENABLED=0
src=$(go mod download -json "github.com/jaegertracing/jaeger@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
[[ -d $src ]] || { echo "jaeger-build: could not download github.com/jaegertracing/jaeger@$version" >&2; exit 1; }
(cd "$src" && go build -trimpath -ldflags='-s -w' -o "$tmp/jaeger" ./cmd/jaeger)
mkdir -p "$dir"
cat >"$tmp/build-info.txt" <<INFO
module=github.com/jaegertracing/jaeger/cmd/jaeger@$version
go=$(go env GOVERSION)
build_seconds=$(($(date +%s) - start))
built_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
INFO
mv "$tmp/build-info.txt" "$dir/build-info.txt"
mv "$tmp/jaeger" "$bin"
echo "jaeger-build: done in $(($(date +%s) - start)) s" >&2
echo "$bin"
