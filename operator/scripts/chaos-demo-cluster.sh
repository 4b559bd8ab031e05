#!/usr/bin/env bash
# Runs the chaos-experiments/ scenarios one after another against the current KUBECONFIG
# (the k3d cluster of `make demo-cluster`, with the shop, Chaos Mesh and the operator
# installed) and prints each report. With K6 set, the shop is under load meanwhile.
# Usage: chaos-demo-cluster.sh [scenario files...]   (default: all of chaos-experiments/)
set -euo pipefail
cd "$(dirname "$0")/../.."
KUBECTL=${KUBECTL:-kubectl}
TIMEOUT=${CHAOS_TIMEOUT:-15m}
files=("$@")
[ ${#files[@]} -gt 0 ] || mapfile -t files < <(ls chaos-experiments/*.yaml | grep -v '\.chaos-mesh\.yaml$')

load_pid=
if [ -n "${K6:-}" ] && [ -n "${BASE_URL:-}" ]; then
  LOAD_DURATION=${LOAD_DURATION:-30m} "$K6" run --quiet -e BASE_URL="$BASE_URL" load/shop.js > .chaos-load.log 2>&1 &
  load_pid=$!
  trap '[ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null || true' EXIT
  echo "load: k6 against $BASE_URL (log in .chaos-load.log)"
fi

failed=0
for f in "${files[@]}"; do
  name=$(sed -n 's/^  name: *//p' "$f" | head -1)
  ns=$(sed -n 's/^  namespace: *//p' "$f" | head -1)
  echo "=== $f ($ns/$name)"
  # A scenario runs once: replace the previous run.
  "$KUBECTL" delete chaosscenario "$name" -n "$ns" --ignore-not-found --wait=true > /dev/null
  "$KUBECTL" apply -f "$f" > /dev/null
  if ! "$KUBECTL" wait "chaosscenario/$name" -n "$ns" --for=jsonpath='{.status.phase}'=Completed --timeout="$TIMEOUT" > /dev/null; then
    echo "did not complete within $TIMEOUT"
  fi
  "$KUBECTL" get chaosscenario "$name" -n "$ns" -o json | node operator/dist/report-cli.js
  verdict=$("$KUBECTL" get chaosscenario "$name" -n "$ns" -o jsonpath='{.status.verdict}')
  [ "$verdict" = Passed ] || failed=$((failed + 1))
done
echo
if [ "$failed" -eq 0 ]; then echo "VERDICT: PASS (${#files[@]} scenarios)"; else echo "VERDICT: FAIL ($failed of ${#files[@]} scenarios did not pass)"; exit 1; fi
