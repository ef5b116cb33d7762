#!/usr/bin/env bash
# The performance benchmark: builds ovi, measures its local work at 1k, 10k and 100k resources (synthetic
# observer, real store, WAL, comparator and decision maker), then 'ovi plan' end to end against a moto
# server holding 1,000 EC2 instances beside a plain SDK listing of them, then ovi plan beside a plain
# boto3 listing and a Cloud Custodian dry run of the same instances at 1,000 and 5,000 (with a listing
# split by availability zone beside ovi's sequential one), and what a small plan and 'ovi --version' take
# through bin/ovi, JVM start included, on this JDK and on any JDK 25 or later in /usr/lib/jvm (whose AOT
# cache is bin/ovi's archive there). Prints a Markdown table and writes the same figures to
# target/bench.json.
#   scripts/bench.sh                 everything
#   scripts/bench.sh 1000 10000      only these sizes for the local part (the end-to-end part always runs)
#   BENCH_E2E=0 scripts/bench.sh     no moto part (neither MotoBench nor the comparison)
#   BENCH_COMPARE=0 scripts/bench.sh no comparison with boto3 and Cloud Custodian
#   BENCH_COMPARE_SIZES="1000"       the comparison's sizes (default "1000 5000")
#   BENCH_JDKS="/jdk/a /jdk/b"       the JDKs (their homes) of the small plan's runs
# Cloud Custodian (pip package c7n, version $C7N_VERSION) is installed once into $OVI_TOOLS/c7n-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
. scripts/moto.sh

command -v mvn >/dev/null || { echo "ovi: Maven (mvn) is required: apt-get install maven" >&2; exit 1; }
C7N_VERSION="${C7N_VERSION:-0.9.53}"
C7N_VENV="$OVI_TOOLS/c7n-venv"

c7n_install() {
  if [ -x "$C7N_VENV/bin/custodian" ] && [ "$("$C7N_VENV/bin/custodian" version 2>/dev/null)" = "$C7N_VERSION" ]; then
    return 0
  fi
  echo "bench: installing Cloud Custodian (c7n==$C7N_VERSION) into $C7N_VENV (once)" >&2
  mkdir -p "$OVI_TOOLS"
  [ -x "$C7N_VENV/bin/python" ] || python3 -m venv "$C7N_VENV"
  "$C7N_VENV/bin/pip" install --quiet --disable-pip-version-check "c7n==$C7N_VERSION"
}

# the version of a package in a virtualenv, as pip recorded it
pkg_version() {
  "$1/bin/python" -c "import importlib.metadata as m; print(m.version('$2'))" 2>/dev/null || echo "?"
}

command -v curl >/dev/null || { echo "ovi: curl is required: apt-get install curl" >&2; exit 1; }

echo "bench: building" >&2
mvn -B -q -ntp package -DskipTests >&2
mvn -B -q -ntp dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt >&2
cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
java_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# The flags bin/ovi runs with, and a 1 GB heap: the benchmark fails rather than report a bigger one.
# shellcheck disable=SC2207
flags=($(cat target/jvm.options) -XX:TieredStopAtLevel=1 -Xmx1g)
rm -f target/bench-local.json target/bench-e2e.json target/bench-compare.json target/bench-startup.json
tools=""

"$java_cmd" "${flags[@]}" -cp "$cp" ovi.bench.PlanBench target/bench-local.json "$@"

if [ "${BENCH_E2E:-1}" != 0 ]; then
  trap moto_stop EXIT INT TERM
  moto_start
  # the JDK this benchmark runs on, then every JDK 25 or later beside it, each once
  if [ -n "${BENCH_JDKS:-}" ]; then
    read -r -a jdks <<< "$BENCH_JDKS"
  else
    java_real=$(readlink -f "$(command -v "$java_cmd")")
    jdks=("${java_real%/bin/java}")
    for release in /usr/lib/jvm/*/release; do
      [ -f "$release" ] || continue
      home=$(readlink -f "$(dirname "$release")")
      feature=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
      if [ "${feature:-0}" -ge 25 ] && [[ " ${jdks[*]} " != *" $home "* ]]; then
        jdks+=("$home")
      fi
    done
  fi
  "$java_cmd" "${flags[@]}" -cp "$cp" ovi.bench.StartupBench target/bench-startup.json "$root/bin/ovi" "${jdks[@]}"
  printf '%s\n' "${flags[@]}" > target/bench-java.options
  "$java_cmd" "${flags[@]}" -cp "$cp" ovi.bench.MotoBench target/bench-e2e.json "$root/bin/ovi" \
    target/bench-java.options "$cp" 1000
  if [ "${BENCH_COMPARE:-1}" != 0 ]; then
    c7n_install
    # shellcheck disable=SC2086
    "$java_cmd" "${flags[@]}" -cp "$cp" ovi.bench.CompareBench target/bench-compare.json "$root/bin/ovi" \
      target/bench-java.options "$cp" "$MOTO_VENV/bin/python" "$root/scripts/bench-boto3-listing.py" \
      "$C7N_VENV/bin/custodian" ${BENCH_COMPARE_SIZES:-1000 5000}
    tools="moto $(pkg_version "$MOTO_VENV" moto) with boto3 $(pkg_version "$MOTO_VENV" boto3) (the listing), \
Cloud Custodian $(pkg_version "$C7N_VENV" c7n) with boto3 $(pkg_version "$C7N_VENV" boto3)"
  fi
fi

{
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), \
$(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo) RAM, \
$("$java_cmd" -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  [ -z "$tools" ] || echo "Tools: $tools"
  echo
}
"$java_cmd" -cp "$cp" ovi.bench.BenchReport target/bench.json target/bench-local.json target/bench-startup.json \
  target/bench-e2e.json target/bench-compare.json
