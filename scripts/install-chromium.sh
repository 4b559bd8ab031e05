#!/usr/bin/env bash
# Debian's chromium for the storefront's browser tests (playwright-core drives it; never
# `playwright install`, which downloads a browser from a CDN). Idempotent: does nothing when
# /usr/bin/chromium exists. Needs root (or passwordless sudo) for apt-get.
set -euo pipefail

CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
  exit 0
fi

SUDO=''
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO='sudo -n'
  else
    echo "install-chromium: $CHROMIUM is missing and this user cannot run apt-get; install Debian's chromium package" >&2
    exit 1
  fi
fi

# Several test runs may start at once: one apt-get at a time.
exec 9>/tmp/ha-shop-chromium-install.lock
flock 9
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
echo "install-chromium: installing Debian's chromium (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
"$CHROMIUM" --version
