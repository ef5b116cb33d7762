#!/usr/bin/env bash
# The performance benchmark: builds ovi, measures its local work at 1k, 10k and 100k resources (synthetic
# observer, real store, WAL, comparator and decision maker), then 'ovi plan' end to end against a moto
# server holding 1,000 EC2 instances beside a plain SDK listing of them. Prints a Markdown table and
# writes the same figures to target/bench.json.
#   scripts/bench.sh                 everything
#   scripts/bench.sh 1000 10000      only these sizes for the local part (the end-to-end part always runs)
#   BENCH_E2E=0 scripts/bench.sh     no moto part
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
. scripts/moto.sh

command -v mvn >/dev/null || { echo "ovi: Maven (mvn) is required: apt-get install maven" >&2; exit 1; }
command -v curl >/dev/null || { echo "ovi: curl is required: apt-get install curl" >&2; exit 1; }

echo "bench: building" >&2
mvn -B -q -ntp package -DskipTests >&2
mvn -B -q -ntp dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt >&2
cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
java_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# The flags bin/ovi runs with, and a 1 GB heap: the benchmark fails rather than report a bigger one.
# shellcheck disable=SC2207
flags=($(cat target/jvm.options) -XX:TieredStopAtLevel=1 -Xmx1g)
rm -f target/bench-local.json target/bench-e2e.json

"$java_cmd" "${flags[@]}" -cp "$cp" ovi.bench.PlanBench target/bench-local.json "$@"

if [ "${BENCH_E2E:-1}" != 0 ]; then
  trap moto_stop EXIT INT TERM
  moto_start
  printf '%s\n' "${flags[@]}" > target/bench-java.options
  "$java_cmd" "${flags[@]}" -cp "$cp" ovi.bench.MotoBench target/bench-e2e.json "$root/bin/ovi" \
    target/bench-java.options "$cp" 1000
fi

{
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), \
$(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo) RAM, \
$("$java_cmd" -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
}
"$java_cmd" -cp "$cp" ovi.bench.BenchReport target/bench.json target/bench-local.json target/bench-e2e.json
