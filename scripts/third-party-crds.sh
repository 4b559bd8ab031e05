#!/usr/bin/env bash
# Fetches the real CRDs of the third-party kinds the charts and the operator
# use (Istio, Chaos Mesh, Prometheus Operator, CloudNativePG) from the Go module
# proxy, once per version set, into a shared cache. Prints the cache dir on
# stdout; progress goes to stderr. The dir holds one YAML file per project:
#   istio.yaml chaos-mesh.yaml prometheus-operator.yaml cloudnative-pg.yaml
#
#   --print-key   print the cache key and exit
#   --check       exit 0 if the cache is complete, 1 otherwise
set -euo pipefail

# Pinned exactly: the proxy refuses some other versions.
ISTIO=istio.io/api@v1.32.0
CHAOS_MESH=github.com/chaos-mesh/chaos-mesh@v0.9.1-0.20260902003049-47411975a8cb
PROM_OPERATOR=github.com/prometheus-operator/prometheus-operator@v0.85.0
CNPG=github.com/cloudnative-pg/cloudnative-pg@v1.28.0

self="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
hash=$(sha256sum "$self" | cut -c1-10)
key="istio-${ISTIO#*@}_chaos-mesh-${CHAOS_MESH#*@}_prom-op-${PROM_OPERATOR#*@}_cnpg-${CNPG#*@}_${hash}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/ha-shop/crds"
dest="$cache/$key"
files=(istio.yaml chaos-mesh.yaml prometheus-operator.yaml cloudnative-pg.yaml)

complete() {
  for f in "${files[@]}"; do [[ -s "$dest/$f" ]] || return 1; done
}

case "${1:-}" in
  --print-key) echo "$key"; exit 0 ;;
  --check) complete; exit $? ;;
  "") ;;
  *) echo "usage: $0 [--print-key|--check]" >&2; exit 2 ;;
esac

if complete; then echo "$dest"; exit 0; fi
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if complete; then echo "$dest"; exit 0; fi

command -v go >/dev/null || { echo "third-party-crds: Go is required to fetch the CRDs" >&2; exit 1; }
tmp="$cache/.$key.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT

# `go mod download` outside a module prints the module's extracted dir.
moddir() {
  echo "third-party-crds: fetching $1" >&2
  local dir
  dir=$(cd "$tmp" && GOFLAGS=-mod=mod go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -n $dir && -d $dir ]] || { echo "third-party-crds: could not download $1" >&2; exit 1; }
  echo "$dir"
}

# Concatenates YAML files into one multi-document stream.
concat() {
  local out=$1; shift
  : > "$out"
  for f in "$@"; do
    { printf -- '---\n'; cat "$f"; printf '\n'; } >> "$out"
  done
}

concat "$tmp/istio.yaml" "$(moddir "$ISTIO")/kubernetes/customresourcedefinitions.gen.yaml"
concat "$tmp/chaos-mesh.yaml" "$(moddir "$CHAOS_MESH")/manifests/crd.yaml"
d=$(moddir "$PROM_OPERATOR")
concat "$tmp/prometheus-operator.yaml" "$d"/example/prometheus-operator-crd/*.yaml
d=$(moddir "$CNPG")
concat "$tmp/cloudnative-pg.yaml" "$d"/config/crd/bases/*.yaml

{
  echo "istio: $ISTIO"
  echo "chaos-mesh: $CHAOS_MESH"
  echo "prometheus-operator: $PROM_OPERATOR"
  echo "cloudnative-pg: $CNPG"
} > "$tmp/versions.txt"
chmod -R a+rX "$tmp"
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
echo "third-party-crds: cached in $dest" >&2
echo "$dest"
