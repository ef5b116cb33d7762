#!/usr/bin/env bash
# The test command: installs what is missing, starts moto on 127.0.0.1, runs every unit and
# integration test with Maven, and stops moto whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/moto.sh

command -v mvn >/dev/null || { echo "ovi: Maven (mvn) is required: apt-get install maven" >&2; exit 1; }
command -v curl >/dev/null || { echo "ovi: curl is required: apt-get install curl" >&2; exit 1; }

trap moto_stop EXIT INT TERM
moto_start
mvn -B -ntp verify "$@"
