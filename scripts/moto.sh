#!/usr/bin/env bash
# Installs (once, into a private virtualenv) and runs a moto server on 127.0.0.1 and a free port.
# The same virtualenv holds prometheus_client, whose parser the tests read --metrics-file with.
# Sourced by test.sh, demo.sh and bench.sh:
#   moto_start   -> exports AWS_ENDPOINT_URL, fake credentials, MOTO_PID, OVI_TEST_PYTHON
#   moto_stop
set -euo pipefail

OVI_TOOLS="${OVI_TOOLS:-$HOME/.cache/ovi-tools}"
MOTO_VENV="$OVI_TOOLS/moto-venv"

moto_install() {
  if [ -x "$MOTO_VENV/bin/moto_server" ] && "$MOTO_VENV/bin/python" -c 'import prometheus_client' 2>/dev/null; then
    return 0
  fi
  echo "ovi: installing moto server and prometheus_client into $MOTO_VENV (once)" >&2
  mkdir -p "$OVI_TOOLS"
  [ -x "$MOTO_VENV/bin/python" ] || python3 -m venv "$MOTO_VENV"
  "$MOTO_VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]>=5,<6" "prometheus_client>=0.20,<1"
}

moto_start() {
  moto_install
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  MOTO_LOG="${MOTO_LOG:-$(mktemp -t ovi-moto.XXXXXX.log)}"
  "$MOTO_VENV/bin/moto_server" -H 127.0.0.1 -p "$port" >"$MOTO_LOG" 2>&1 &
  MOTO_PID=$!
  export MOTO_PID MOTO_LOG
  # the tests parse --metrics-file with prometheus_client's own parser, run by this python
  export OVI_TEST_PYTHON="$MOTO_VENV/bin/python"
  export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
  # moto accepts any credentials; these keep the SDK off any real ones on this machine.
  export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
  export AWS_REGION="${AWS_REGION:-us-east-1}"
  unset AWS_PROFILE
  for _ in $(seq 1 100); do
    if curl -sf "$AWS_ENDPOINT_URL/moto-api/" >/dev/null 2>&1; then
      echo "ovi: moto server on $AWS_ENDPOINT_URL (pid $MOTO_PID)" >&2
      return 0
    fi
    if ! kill -0 "$MOTO_PID" 2>/dev/null; then
      echo "ovi: moto server failed to start; its log:" >&2
      cat "$MOTO_LOG" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "ovi: moto server did not answer on $AWS_ENDPOINT_URL within 20 s" >&2
  return 1
}

moto_stop() {
  if [ -n "${MOTO_PID:-}" ] && kill -0 "$MOTO_PID" 2>/dev/null; then
    kill "$MOTO_PID" 2>/dev/null || true
    wait "$MOTO_PID" 2>/dev/null || true
  fi
}
