#!/usr/bin/env bash
# The demo, ovi's main job end to end against a moto server on 127.0.0.1: seed a drifted account, plan,
# apply (as cron would), plan again to show it converged, then read the audit trail. Stops moto whatever
# happens; the state is left in a temporary directory for a look afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/moto.sh

if [ ! -f target/ovi.jar ] || [ -n "$(find src pom.xml -newer target/ovi.jar -print -quit)" ]; then
  echo "ovi: building (mvn package)" >&2
  mvn -B -q -ntp package -DskipTests
fi

trap moto_stop EXIT INT TERM
moto_start

work=$(mktemp -d -t ovi-demo.XXXXXX)
cp config-examples/web-stack.yaml "$work/ovi.yaml"
ovi() {
  echo
  echo "\$ ovi $*"
  set +e
  bin/ovi "$@"
  echo "(exit code $?)"
  set -e
}

echo
echo "== 1. A drifted account: seeding moto"
"$MOTO_VENV/bin/python" scripts/demo_seed.py

echo
echo "== 2. What ovi would do (exit code 2: there are changes)"
ovi plan -c "$work/ovi.yaml" --detailed-exitcode -q

echo
echo "== 3. Acting on it, as the cron job does: groups and queues named by others are made first"
ovi apply -c "$work/ovi.yaml" --auto-approve -q

echo
echo "== 4. Converged: only the protected and unmanaged resources remain to report"
ovi plan -c "$work/ovi.yaml" --detailed-exitcode -q

echo
echo "== 5. The audit trail"
ovi wal show -c "$work/ovi.yaml" --type executed,failed,skipped
ovi wal verify -c "$work/ovi.yaml"
ovi status -c "$work/ovi.yaml"

echo
echo "State (store and WAL) kept in $work/.ovi/ovi"
