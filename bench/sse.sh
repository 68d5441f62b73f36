#!/usr/bin/env bash
# Realtime SSE benchmark for the EchoTag gateway.
#
# Starts the gateway on a fresh embedded database, opens BENCH_SUBSCRIBERS realtime streams
# (include=events) spread over the source addresses 127.0.0.2 .. 127.0.0.(1+BENCH_ADDRESSES),
# measures the gateway's heap per subscriber (after a full GC, with vs without them), then
# tracks events and measures track-sent -> event-received latency over every subscriber, and
# prints a summary (also written to bench/results/sse-<date>.txt).
#
# Usage: bench/sse.sh
# Environment (all optional):
#   BENCH_SUBSCRIBERS=10000   SSE connections
#   BENCH_ADDRESSES=4         source addresses 127.0.0.2 .. (2,500 connections each by default)
#   BENCH_RATE=5              events tracked per second (each reaches every subscriber)
#   BENCH_DURATION=30         measured seconds
#   BENCH_WARMUP=40           seconds of events with the subscribers open, not measured (JIT warm-up)
#   BENCH_JAVA_OPTS="..."     JVM options for the bench's JVM (e.g. a profiler agent)
#   BENCH_REBUILD=1           rebuild the gateway jar even when it exists
#   ECHOTAG_JAR=path          benchmark this gateway jar instead of target/echotag.jar
#   GATEWAY_JAVA_OPTS="..."   JVM options for the gateway (e.g. -Xmx1g)
#   BENCH_SERVER=bare         measure BareSseServer instead of the gateway: the same protocol with
#                             none of the gateway's work, the floor this machine allows (it takes
#                             ECHOTAG_REALTIME_SNAPSHOT_INTERVAL_MS too)
#   ECHOTAG_REALTIME_*        passed to the gateway (e.g. ECHOTAG_REALTIME_SNAPSHOT_INTERVAL_MS=60000
#                             to measure event fan-out without the snapshot load); listed in the summary
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
SUBSCRIBERS="${BENCH_SUBSCRIBERS:-10000}"
ADDRESSES="${BENCH_ADDRESSES:-4}"
RATE="${BENCH_RATE:-5}"
DURATION="${BENCH_DURATION:-30}"
WARMUP="${BENCH_WARMUP:-40}"
SERVER="${BENCH_SERVER:-gateway}"
GATEWAY_JAR="${ECHOTAG_JAR:-$ROOT/target/echotag.jar}"
BENCH_JAR="$BENCH_DIR/target/echotag-bench.jar"
START_TIMEOUT_S=120
STOP_TIMEOUT_S=60
# Fixed so runs are repeatable; it only ever exists in this run's throw-away data directory.
API_KEY="et_live_BenchOnlyKey0123456789abcdefghij"

WORK=""
GATEWAY_PID=""
GATEWAY_PORT=""
BENCH_PID=""

# log, die, require_positive, cleanup, build, start_gateway
BENCH_NAME=sse
source "$BENCH_DIR/one-gateway.sh"

# Starts BareSseServer in place of the gateway (same variables, so the rest of the run is alike).
start_bare() {
  log "starting the bare SSE server"
  # shellcheck disable=SC2086
  java ${GATEWAY_JAVA_OPTS:-} -Dbare.snapshot_interval_ms="${ECHOTAG_REALTIME_SNAPSHOT_INTERVAL_MS:-1000}" \
    -cp "$BENCH_JAR" io.echotag.bench.BareSseServer >"$WORK/gateway.log" 2>&1 &
  GATEWAY_PID=$!
  await_port "the bare SSE server" 'BARE SSE listening on http://[^[:space:]]+'
}

main() {
  require_positive BENCH_SUBSCRIBERS "$SUBSCRIBERS"
  require_positive BENCH_ADDRESSES "$ADDRESSES"
  require_positive BENCH_RATE "$RATE"
  require_positive BENCH_DURATION "$DURATION"
  require_positive BENCH_WARMUP "$WARMUP"
  ((ADDRESSES <= 250)) || die "BENCH_ADDRESSES must be at most 250"
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  # One descriptor per connection on each side (bench and gateway are separate processes), plus
  # the JVMs' own files; raised as far as the hard limit allows.
  local want=$((SUBSCRIBERS + 2048)) hard
  hard="$(ulimit -Hn)"
  [[ "$hard" == unlimited ]] || ((want <= hard)) || die "needs $want open files, the hard limit is $hard"
  ulimit -n "$want"
  log "open files limit: $(ulimit -n)"

  build
  WORK="$(mktemp -d -t echotag-sse.XXXXXX)"
  case "$SERVER" in
    gateway) start_gateway ;;
    bare) start_bare ;;
    *) die "BENCH_SERVER must be gateway or bare" ;;
  esac

  log "SseBench: $SUBSCRIBERS subscribers over $ADDRESSES addresses, $RATE events/s, ${WARMUP}s warm-up + ${DURATION}s"
  local status=0
  # shellcheck disable=SC2086
  java ${BENCH_JAVA_OPTS:-} -cp "$BENCH_JAR" io.echotag.bench.SseBench --url "http://127.0.0.1:$GATEWAY_PORT" --key "$API_KEY" \
    --gateway-pid "$GATEWAY_PID" --subscribers "$SUBSCRIBERS" --addresses "$ADDRESSES" --rate "$RATE" \
    --duration "$DURATION" --warmup "$WARMUP" >"$WORK/bench.out" 2>"$WORK/bench.err" &
  BENCH_PID=$!
  wait "$BENCH_PID" || status=$?
  BENCH_PID=""
  cat "$WORK/bench.err" >&2
  ((status == 0)) || { cat "$WORK/bench.out"; die "SseBench failed (exit $status)"; }

  local fanout
  fanout="$(curl -s "http://127.0.0.1:$GATEWAY_PORT/metrics" \
    | awk '/^echotag_realtime_snapshot_fanout_seconds_(sum|count)/ { v[$1] = $2 }
           END { c = v["echotag_realtime_snapshot_fanout_seconds_count"];
                 if (c > 0) printf "%.1f ms mean over %d writes", 1000 * v["echotag_realtime_snapshot_fanout_seconds_sum"] / c, c }')"

  mkdir -p "$BENCH_DIR/results"
  local report revision
  local name=sse
  if [[ "$SERVER" == bare ]]; then
    name=sse-bare
  fi
  report="$BENCH_DIR/results/$name-$(date -u '+%Y-%m-%d-%H%M%S').txt"
  revision="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  {
    echo "EchoTag realtime SSE benchmark, $(date -u '+%F %T') UTC"
    echo "machine: $(nproc) cpus, $(java -version 2>&1 | head -n 1); load average at the end: $(cut -d ' ' -f 1-3 /proc/loadavg)"
    if [[ "$SERVER" == bare ]]; then
      echo "server: BareSseServer (the floor: the gateway's protocol, none of its work), revision $revision"
    else
      echo "gateway: $GATEWAY_JAR (built $(date -r "$GATEWAY_JAR" '+%F %T')), revision $revision"
    fi
    echo "run: $SUBSCRIBERS subscribers (include=events) over $ADDRESSES source addresses, $RATE events/s,"
    echo "     ${WARMUP}s warm-up + ${DURATION}s measured; latency (RESULT) = track request sent -> event message received;"
    echo "     snapshot_* = snapshot published (its timestamp) -> snapshot message received"
    echo "gateway realtime settings from the environment: $(env | grep '^ECHOTAG_REALTIME_' | sort | tr '\n' ' ')"
    echo "snapshot fan-out (publish -> written to socket): ${fanout:-n/a}"
    echo
    cat "$WORK/bench.out"
  } | tee "$report"
  log "summary written to $report"
}

main "$@"
