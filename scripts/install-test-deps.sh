#!/usr/bin/env bash
# Install what the tests need: Python packages, Debian's chromium for browser and static-image tests, and the
# OpenID Connect provider the sign-in browser test runs (tests/oidc, Node.js 20+, versions pinned in its lockfile).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -r requirements-dev.txt
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Please install Chromium (Debian: sudo apt-get install -y chromium); browser and image tests need it." >&2
    exit 1
  fi
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "Please install Node.js 20+ with npm; the sign-in test runs an OpenID Connect provider (tests/oidc) on it." >&2
  exit 1
fi
(cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error)
