#!/usr/bin/env bash
# The demo: builds ovi, starts a moto server on 127.0.0.1, seeds a drifted account and runs
# 'ovi plan' against it with config-examples/small.yaml. Stops moto whatever happens.
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
cp config-examples/small.yaml "$work/ovi.yaml"

echo
echo "== Seeding a drifted account in moto"
"$MOTO_VENV/bin/python" scripts/demo_seed.py

echo
echo "== ovi plan -c $work/ovi.yaml"
set +e
bin/ovi plan -c "$work/ovi.yaml" --detailed-exitcode
code=$?
set -e
echo
echo "(exit code $code: 2 means the plan has changes; state is in $work/.ovi)"
