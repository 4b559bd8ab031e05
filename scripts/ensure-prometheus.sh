#!/usr/bin/env bash
# Makes `promtool` and `prometheus` available (Debian's `prometheus` package).
# Idempotent: does nothing when promtool is already on PATH. Prints the path of
# promtool on stdout; progress goes to stderr.
#
# The package's post-install would start a Prometheus daemon on :9090 where an
# init system exists. Nothing here wants that daemon (tests start their own on a
# free port), so service starts are refused during the install (policy-rc.d) and
# any daemon the install managed to start anyway is stopped.
set -euo pipefail

if command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; then
  command -v promtool
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-prometheus: promtool is missing and apt-get is not available; install Prometheus 2.x (promtool + prometheus) by hand." >&2
  exit 1
fi

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "ensure-prometheus: installing the 'prometheus' package needs root; run 'sudo apt-get install -y --no-install-recommends prometheus' or re-run as root." >&2
  exit 1
fi

policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  # 101 = "action forbidden by policy": invoke-rc.d/deb-systemd-invoke skip service starts.
  printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" >/dev/null
  "${as_root[@]}" chmod 755 "$policy"
  created_policy=1
fi
cleanup() { if [[ $created_policy -eq 1 ]]; then "${as_root[@]}" rm -f "$policy"; fi; }
trap cleanup EXIT

echo "ensure-prometheus: installing Debian's prometheus package (brings promtool)" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq >&2
"${as_root[@]}" apt-get install -y -qq --no-install-recommends prometheus >&2

# Belt and braces for systems where the daemon was started regardless.
if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
  "${as_root[@]}" systemctl disable --now prometheus >/dev/null 2>&1 || true
elif command -v service >/dev/null 2>&1; then
  "${as_root[@]}" service prometheus stop >/dev/null 2>&1 || true
fi

if ! command -v promtool >/dev/null 2>&1; then
  echo "ensure-prometheus: the install finished but promtool is still not on PATH" >&2
  exit 1
fi
command -v promtool
