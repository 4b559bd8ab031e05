#!/usr/bin/env bash
# Builds the test control plane (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kubectl, kwok, helm) from the Go module proxy, once per
# version set, into a shared cache. Prints the bin dir on stdout; progress goes
# to stderr so callers can do BIN=$(bash scripts/k8s-tools-build.sh).
#
#   --print-key   print the cache key and exit (no build)
#   --check       exit 0 if the cache is complete, 1 otherwise (no build)
#   --force       rebuild even if the cache exists
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
self="$root/scripts/$(basename "${BASH_SOURCE[0]}")"
src="$root/tools/k8s-control-plane"
modules=(kube etcd kwok helm)

# Version of module $2 as required by $src/$1/go.mod (block or one-line form).
modver() {
  awk -v m="$2" '{ for (i = 1; i < NF; i++) if ($i == m && $(i + 1) ~ /^v[0-9]/) { print $(i + 1); exit } }' \
    "$src/$1/go.mod"
}

k8s=$(modver kube k8s.io/kubernetes)
etcd=$(modver etcd go.etcd.io/etcd/server/v3)
kwok=$(modver kwok sigs.k8s.io/kwok)
helm=$(modver helm helm.sh/helm/v4)
for v in k8s etcd kwok helm; do
  [[ -n ${!v} ]] || { echo "k8s-tools: cannot read the $v version from $src/*/go.mod" >&2; exit 2; }
done

# The versions make the key readable; the hash makes any edit to the wrappers,
# go.sum files or this script produce a fresh cache entry.
hash=$(cd "$src" && cat "$self" $(find "${modules[@]}" -type f \( -name go.mod -o -name go.sum -o -name '*.go' \) | LC_ALL=C sort) |
  sha256sum | cut -c1-10)
goos=$(go env GOOS 2>/dev/null || uname -s | tr '[:upper:]' '[:lower:]')
goarch=$(go env GOARCH 2>/dev/null || uname -m)
key="k8s-${k8s}_etcd-${etcd}_kwok-${kwok}_helm-${helm}_${goos}-${goarch}_${hash}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/ha-shop/k8s-tools"
dest="$cache/$key"
bins=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok helm)

complete() {
  [[ -f "$dest/build-info.txt" ]] || return 1
  for b in "${bins[@]}"; do [[ -x "$dest/bin/$b" ]] || return 1; done
}

force=0
case "${1:-}" in
  --print-key) echo "$key"; exit 0 ;;
  --check) complete; exit $? ;;
  --force) force=1 ;;
  "") ;;
  *) echo "usage: $0 [--print-key|--check|--force]" >&2; exit 2 ;;
esac

if [[ $force == 0 ]] && complete; then
  echo "$dest/bin"
  exit 0
fi

mkdir -p "$cache"
# Parallel callers (several test runners, make -j) wait for one build.
exec 9>"$cache/.lock"
flock 9
if [[ $force == 0 ]] && complete; then
  echo "$dest/bin"
  exit 0
fi

command -v go >/dev/null || { echo "k8s-tools: Go is required to build the control plane" >&2; exit 1; }
tmp="$cache/.$key.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp/bin" "$tmp/share"
trap 'rm -rf "$tmp"' EXIT

start=$(date +%s)
build() { # module, extra -X flags
  local mod=$1 x=$2 t0=$(date +%s)
  echo "k8s-tools: building $mod ..." >&2
  # -buildvcs=false: VCS stamping fails in fresh or foreign-owned checkouts, and
  # the versions are stamped with -X anyway.
  (cd "$src/$mod" && CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags="-s -w $x" -o "$tmp/bin/" ./cmd/...)
  echo "k8s-tools: $mod done in $(($(date +%s) - t0))s" >&2
}

# Without these the binaries report v0.0.0-master, which breaks kubeVersion
# checks in Helm charts and makes kubectl warn about version skew.
minor=${k8s#v*.}; minor=${minor%%.*}
kv=""
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kv+=" -X $p.gitVersion=$k8s -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  kv+=" -X $p.buildDate=1970-01-01T00:00:00Z"
done

# kube compiles for most of a first build; fetching the other modules' sources
# meanwhile keeps the network off the critical path (the module cache locks
# each download, so the builds below simply find them).
for mod in etcd kwok helm; do
  (cd "$src/$mod" && go mod download >/dev/null 2>&1 || true) &
done
build kube "$kv"
build etcd ""
build kwok "-X sigs.k8s.io/kwok/pkg/consts.Version=${kwok#v}"
build helm "-X helm.sh/helm/v4/internal/version.version=$helm -X helm.sh/helm/v4/internal/version.gitTreeState=clean"
wait

# kwok itself ships no default lifecycle; these are the upstream "fast" stages
# kwokctl uses, taken from the pinned module so they match the binary.
kwokdir=$(cd "$src/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
  pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
  echo "---"
  cat "$kwokdir/kustomize/stage/$f"
done >"$tmp/share/kwok-stages.yaml"

secs=$(($(date +%s) - start))
cat >"$tmp/build-info.txt" <<EOF
key=$key
kubernetes=$k8s
etcd=$etcd
kwok=$kwok
helm=$helm
go=$(go env GOVERSION)
build_seconds=$secs
built_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
EOF
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
echo "k8s-tools: built $key in ${secs}s" >&2
echo "$dest/bin"
