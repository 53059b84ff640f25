#!/usr/bin/env bash
# Runs the whole test suite. The report's browser test needs headless Chromium (Debian package
# `chromium`); this script installs it when it is missing, so a fresh machine needs nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1 && [ -z "${BMS2INTUNE_CHROMIUM:-}" ]; then
  echo "Installing chromium (Debian) for the report's browser test..."
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null
  else
    echo "error: chromium is missing and this user cannot install it; run 'apt-get install chromium' as root" >&2
    exit 1
  fi
fi

cargo test --workspace "$@"
