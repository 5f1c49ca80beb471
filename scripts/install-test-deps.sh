#!/usr/bin/env bash
# Install what the tests need: Python packages, and Debian's chromium for browser and static-image tests.
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
