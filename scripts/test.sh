#!/usr/bin/env bash
# The test command: installs what is missing, starts moto and PostgreSQL on 127.0.0.1, runs every
# unit and integration test with Maven, and stops both whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/moto.sh
. scripts/postgres.sh
. scripts/chromium.sh

command -v mvn >/dev/null || { echo "ovi: Maven (mvn) is required: apt-get install maven" >&2; exit 1; }
command -v curl >/dev/null || { echo "ovi: curl is required: apt-get install curl" >&2; exit 1; }
# the man page tests format every page with groff
if ! command -v groff >/dev/null; then
  echo "ovi: installing groff (Debian's groff-base) for the man page tests" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq groff-base >/dev/null
fi

chromium_ensure
trap 'moto_stop; pg_stop' EXIT INT TERM
moto_start
pg_start
# ovi reads the shared store's password only from the environment
export OVI_STORE_PASSWORD="$OVI_TEST_PG_PASSWORD"
mvn -B -ntp verify "$@"
