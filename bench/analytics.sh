#!/usr/bin/env bash
# Analytics benchmark for the EchoTag gateway.
#
# Starts the gateway on a fresh embedded database, loads BENCH_EVENTS events spread over the
# last 30 days into its default project through POST /v1/events/batch (so the hourly rollups are
# written by the real ingest path), then times GET /v1/analytics one request at a time and
# prints p50/p90/max (also written to bench/results/analytics-<date>.txt).
#
# Usage: bench/analytics.sh
# Environment (all optional):
#   BENCH_EVENTS=1000000        events loaded
#   BENCH_VISITORS=50000        distinct visitors
#   BENCH_CONNECTIONS=4         batch requests in flight while loading
#   BENCH_BATCH_SIZE=500        events per batch request
#   BENCH_RUNS=30               timed requests per query (after 5 untimed ones)
#   BENCH_REBUILD=1             rebuild the gateway jar even when it exists
#   ECHOTAG_JAR=path            benchmark this gateway jar instead of target/echotag.jar
#   GATEWAY_JAVA_OPTS="..."     JVM options for the gateway (e.g. -Xmx1g)
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
EVENTS="${BENCH_EVENTS:-1000000}"
VISITORS="${BENCH_VISITORS:-50000}"
CONNECTIONS="${BENCH_CONNECTIONS:-4}"
BATCH_SIZE="${BENCH_BATCH_SIZE:-500}"
RUNS="${BENCH_RUNS:-30}"
GATEWAY_JAR="${ECHOTAG_JAR:-$ROOT/target/echotag.jar}"
BENCH_JAR="$BENCH_DIR/target/echotag-bench.jar"
START_TIMEOUT_S=120
STOP_TIMEOUT_S=60
# Fixed so runs are repeatable; it only ever exists in this run's throw-away data directory.
API_KEY="et_live_BenchOnlyKey0123456789abcdefghij"
# What is timed: the contract's default (30 days by day), by hour, in a zone with daylight saving,
# and 7 days. (The events fallback, e.g. timezone=Asia/Kolkata, takes seconds over a million
# events: time it with AnalyticsBench --load false --query ... against a loaded gateway.)
QUERIES=("period=30d" "period=30d&interval=hour" "period=30d&timezone=Europe/Paris" "period=7d")

WORK=""
GATEWAY_PID=""
GATEWAY_PORT=""
BENCH_PID=""

# log, die, require_positive, cleanup, build, start_gateway
BENCH_NAME=analytics
source "$BENCH_DIR/one-gateway.sh"

main() {
  require_positive BENCH_EVENTS "$EVENTS"
  require_positive BENCH_VISITORS "$VISITORS"
  require_positive BENCH_CONNECTIONS "$CONNECTIONS"
  require_positive BENCH_BATCH_SIZE "$BATCH_SIZE"
  require_positive BENCH_RUNS "$RUNS"
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  build
  WORK="$(mktemp -d -t echotag-analytics.XXXXXX)"
  start_gateway

  local args=() q status=0
  for q in "${QUERIES[@]}"; do
    args+=(--query "$q")
  done
  log "AnalyticsBench: loading $EVENTS events over 30 days ($VISITORS visitors), then $RUNS timed runs per query"
  java -cp "$BENCH_JAR" io.echotag.bench.AnalyticsBench --url "http://127.0.0.1:$GATEWAY_PORT" --key "$API_KEY" \
    --events "$EVENTS" --visitors "$VISITORS" --connections "$CONNECTIONS" --batch-size "$BATCH_SIZE" \
    --runs "$RUNS" "${args[@]}" >"$WORK/bench.out" 2>"$WORK/bench.err" &
  BENCH_PID=$!
  wait "$BENCH_PID" || status=$?
  BENCH_PID=""
  tail -n 5 "$WORK/bench.err" >&2
  ((status == 0)) || { cat "$WORK/bench.out"; die "AnalyticsBench failed (exit $status)"; }

  mkdir -p "$BENCH_DIR/results"
  local report revision
  report="$BENCH_DIR/results/analytics-$(date -u '+%Y-%m-%d-%H%M%S').txt"
  revision="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  {
    echo "EchoTag analytics benchmark, $(date -u '+%F %T') UTC"
    echo "machine: $(nproc) cpus, $(java -version 2>&1 | head -n 1); load average at the end: $(cut -d " " -f 1-3 /proc/loadavg)"
    echo "gateway: $GATEWAY_JAR (built $(date -r "$GATEWAY_JAR" '+%F %T')), revision $revision"
    echo "data: $EVENTS events over the last 30 days, $VISITORS visitors, sessions of 1-15 events, loaded through"
    echo "      POST /v1/events/batch ($BATCH_SIZE per request, $CONNECTIONS in flight); latency = one GET at a time,"
    echo "      client-measured, $RUNS timed runs after 5 untimed ones"
    echo
    cat "$WORK/bench.out"
  } | tee "$report"
  log "summary written to $report"
}

main "$@"
