#!/usr/bin/env bash
# make load: the shared k6 scenario (load/shop.js) against a running demo.
# Usage: load.sh <k6-binary> <script> <base-url>
set -euo pipefail
k6="$1"; script="$2"; base="${3:-http://127.0.0.1:8080/api}"
if ! curl -fsS -o /dev/null --max-time 3 "$base/products?limit=1"; then
  echo "load: nothing answers at $base (start the shop with \"make demo\" in another terminal, or set BASE_URL)" >&2
  exit 1
fi
# --no-usage-report: k6 would otherwise send usage statistics to Grafana at every run.
exec "$k6" run --quiet --no-usage-report -e BASE_URL="$base" "$script"
