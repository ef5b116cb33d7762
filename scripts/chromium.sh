#!/usr/bin/env bash
# Makes sure a headless browser is there for the HTML report test (ReportHtmlIT): Debian's chromium.
# Sourced by test.sh:
#   chromium_ensure   -> installs chromium with apt-get when it is absent and this is root with apt-get;
#                        otherwise says what to do (the IT then fails, saying chromium is missing)
# Run directly (bash scripts/chromium.sh) it does the same.

chromium_ensure() {
  if command -v chromium >/dev/null 2>&1; then
    return 0
  fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ovi: chromium is not installed and cannot be installed here (needs root and apt-get):" \
      "apt-get install chromium, or the HTML report test fails" >&2
    return 0
  fi
  echo "ovi: installing chromium for the HTML report test (once)" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  chromium_ensure
fi
