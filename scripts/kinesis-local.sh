#!/usr/bin/env bash
# Installs and runs kinesis-local (kinesis-mock) on loopback for tests and demos.
#   scripts/kinesis-local.sh install          npm-installs kinesis-local into .kinesis-local/ (once)
#   scripts/kinesis-local.sh start PORT        starts it on 127.0.0.1:PORT (HTTP), prints its pid
#   scripts/kinesis-local.sh wait PORT         waits until it answers
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${KINESIS_LOCAL_DIR:-$ROOT/.kinesis-local}"
PKG="kinesis-local@0.6.2"
MAIN="$DIR/node_modules/kinesis-local/main.js"

case "${1:-}" in
  install)
    if [ ! -f "$MAIN" ]; then
      mkdir -p "$DIR"
      (cd "$DIR" && npm install --no-save --no-audit --no-fund "$PKG" >&2)
    fi
    ;;
  start)
    port="${2:?port}"
    KINESIS_MOCK_CERT_PATH="$DIR/node_modules/kinesis-local/server.json" \
    KINESIS_MOCK_PLAIN_PORT="$port" \
    KINESIS_MOCK_TLS_PORT="$((port + 1))" \
    SHARD_LIMIT=100000 \
    LOG_LEVEL=WARN \
      nohup node "$MAIN" > "$DIR/kinesis-local-$port.log" 2>&1 &
    echo $!
    ;;
  wait)
    port="${2:?port}"
    for _ in $(seq 1 120); do
      # The port accepting connections means the server is up (the tests wait for a real answer too).
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        exit 0
      fi
      sleep 0.5
    done
    echo "kinesis-local did not answer on port $port; log:" >&2
    cat "$DIR/kinesis-local-$port.log" >&2 || true
    exit 1
    ;;
  *)
    echo "usage: $0 install | start PORT | wait PORT" >&2
    exit 2
    ;;
esac
