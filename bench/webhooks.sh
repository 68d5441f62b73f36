#!/usr/bin/env bash
# Webhook delivery benchmark for the EchoTag gateway.
#
# Starts the gateway on a fresh embedded database (webhooks allowed to target loopback), then
# runs WebhookBench against it: a webhook sink in the bench JVM, a webhook subscribed to every
# event type, a latency phase (single events, open loop, fixed rate: ingest-sent -> webhook-
# received latency) and a throughput phase (batches as fast as possible: deliveries/s). Prints
# a summary (also written to bench/results/webhooks-<date>.txt).
#
# Usage: bench/webhooks.sh
# Environment (all optional):
#   BENCH_DURATION=20             measured seconds of the latency phase
#   BENCH_WARMUP=90               warm-up seconds of the latency phase (sent, not measured; JIT warm-up)
#   BENCH_RATE=1000               events per second of the latency phase
#   BENCH_CONNECTIONS=64          most connections the latency phase may open (as needed)
#   BENCH_DRAIN_TIMEOUT=60        seconds to wait for the latency phase's deliveries
#   BENCH_EVENTS=20000            events of the throughput phase
#   BENCH_BATCH_SIZE=500          events per batch request in the throughput phase
#   BENCH_BATCH_CONNECTIONS=4     batch requests in flight in the throughput phase
#   BENCH_THROUGHPUT_TIMEOUT=300  seconds for the throughput phase, from its first send
#   BENCH_REBUILD=1               rebuild the gateway jar even when it exists
#   ECHOTAG_JAR=path              benchmark this gateway jar instead of target/echotag.jar
#   GATEWAY_JAVA_OPTS="..."       JVM options for the gateway (e.g. -Xmx1g)
#   BENCH_JAVA_OPTS="..."         JVM options for the bench JVM (sender and sink)
#   BENCH_FLUSH_PROBE=0           1: time the disk's flushes (8 KB write + fdatasync every 5 ms,
#                                 in the run's data directory) over the measured window
#   ECHOTAG_DELIVERY_*, ECHOTAG_WEBHOOKS_*
#                                 passed through to the gateway (delivery tuning); listed in
#                                 the summary
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
DURATION="${BENCH_DURATION:-20}"
WARMUP="${BENCH_WARMUP:-90}"
RATE="${BENCH_RATE:-1000}"
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
DRAIN_TIMEOUT="${BENCH_DRAIN_TIMEOUT:-60}"
EVENTS="${BENCH_EVENTS:-20000}"
BATCH_SIZE="${BENCH_BATCH_SIZE:-500}"
BATCH_CONNECTIONS="${BENCH_BATCH_CONNECTIONS:-4}"
THROUGHPUT_TIMEOUT="${BENCH_THROUGHPUT_TIMEOUT:-300}"
FLUSH_PROBE="${BENCH_FLUSH_PROBE:-0}"
GATEWAY_JAR="${ECHOTAG_JAR:-$ROOT/target/echotag.jar}"
BENCH_JAR="$BENCH_DIR/target/echotag-bench.jar"
START_TIMEOUT_S=120
STOP_TIMEOUT_S=60
# WebhookBench's exit status when some deliveries did not arrive in time (figures still printed).
EXIT_INCOMPLETE=3
# Fixed so runs are repeatable; it only ever exists in this run's throw-away data directory.
API_KEY="et_live_BenchOnlyKey0123456789abcdefghij"

WORK=""
GATEWAY_PID=""
GATEWAY_PORT=""
BENCH_PID=""
LOAD_BEFORE=""

log() {
  echo "[webhooks] $*" >&2
}

die() {
  log "error: $*"
  exit 1
}

require_positive() {
  [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive whole number, got '$2'"
}

require_whole() {
  [[ "$2" =~ ^[0-9]+$ ]] || die "$1 must be a whole number, got '$2'"
}

# ---------------------------------------------------------------- process handling

# wait_for_exit, stop_child, stop_orphan_postgres
source "$BENCH_DIR/processes.sh"

stop_gateway() {
  [[ -n "$GATEWAY_PID" ]] || return 0
  log "stopping gateway (pid $GATEWAY_PID), waiting for its database to shut down"
  # SIGTERM, not SIGKILL: the gateway's shutdown hook stops the embedded PostgreSQL.
  stop_child "$GATEWAY_PID" gateway "$STOP_TIMEOUT_S"
  GATEWAY_PID=""
  stop_orphan_postgres
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_child "$BENCH_PID" webhookbench 10
  stop_gateway
  if ((status != 0)) && [[ -n "$WORK" && -s "$WORK/gateway.log" ]]; then
    log "last gateway log lines:"
    tail -n 40 "$WORK/gateway.log" >&2 || true
  fi
  [[ -z "$WORK" ]] || rm -rf "$WORK"
  exit "$status"
}

# ---------------------------------------------------------------- build

build_gateway() {
  if [[ -n "${ECHOTAG_JAR:-}" ]]; then
    [[ -f "$GATEWAY_JAR" ]] || die "ECHOTAG_JAR=$GATEWAY_JAR does not exist"
    return 0
  fi
  if [[ ! -f "$GATEWAY_JAR" || "${BENCH_REBUILD:-0}" == 1 ]]; then
    log "building the gateway (mvn -DskipTests package)"
    (cd "$ROOT" && mvn -q -B -DskipTests package)
  fi
  [[ -f "$GATEWAY_JAR" ]] || die "the gateway build did not produce $GATEWAY_JAR"
  log "gateway jar: $GATEWAY_JAR (built $(date -r "$GATEWAY_JAR" '+%F %T'))"
}

build_bench() {
  # Rebuilt when missing or older than its sources, so an edited WebhookBench is never skipped.
  if [[ ! -f "$BENCH_JAR" ]] \
    || [[ -n "$(find "$BENCH_DIR/src" "$BENCH_DIR/pom.xml" -newer "$BENCH_JAR" -print -quit)" ]]; then
    log "building the bench tools"
    mvn -q -B -f "$BENCH_DIR/pom.xml" package
  fi
}

# ---------------------------------------------------------------- gateway

# Waits for a process to log a line matching $3 (an ERE) in file $2; prints the match.
wait_for_line() {
  local pid=$1 file=$2 pattern=$3 deadline=$((SECONDS + START_TIMEOUT_S)) match
  while ((SECONDS < deadline)); do
    match="$(grep -m 1 -oE "$pattern" "$file" 2>/dev/null || true)"
    if [[ -n "$match" ]]; then
      echo "$match"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || die "process $pid exited before logging '$pattern'"
    sleep 0.5
  done
  die "no '$pattern' in $file after ${START_TIMEOUT_S}s"
}

port_of() {
  [[ "$1" =~ :([0-9]+)/?$ ]] || die "cannot find a port in '$1'"
  echo "${BASH_REMATCH[1]}"
}

start_gateway() {
  local java_opts line
  read -r -a java_opts <<<"${GATEWAY_JAVA_OPTS:-}"
  mkdir -p "$WORK/data"
  log "starting the gateway (data in $WORK/data)"
  # Run from the repository root, where the gateway finds conf/; exec keeps $! the JVM's pid.
  # Private networks are allowed so that the webhook may target the sink on 127.0.0.1.
  (
    cd "$ROOT"
    export ECHOTAG_HTTP_PORT=0 ECHOTAG_HTTP_HOST=127.0.0.1 ECHOTAG_DATA_DIR="$WORK/data" \
      ECHOTAG_BOOTSTRAP_KEY="$API_KEY" ECHOTAG_RATE_LIMIT_ENABLED=false \
      ECHOTAG_WEBHOOKS_ALLOW_PRIVATE_NETWORKS=true
    exec java ${java_opts[@]+"${java_opts[@]}"} -jar "$GATEWAY_JAR"
  ) >"$WORK/gateway.log" 2>&1 &
  GATEWAY_PID=$!
  line="$(wait_for_line "$GATEWAY_PID" "$WORK/gateway.log" 'EchoTag listening on http://[^[:space:]]+')"
  GATEWAY_PORT="$(port_of "$line")"
  log "gateway up on port $GATEWAY_PORT"
}

# The gateway's own count of delivery attempts by outcome (retries show up here, not at the
# sink); best effort, kept in $WORK/attempts.
scrape_attempts() {
  curl -s --max-time 5 -H "Authorization: Bearer $API_KEY" \
    "http://127.0.0.1:$GATEWAY_PORT/metrics" 2>/dev/null \
    | grep '^echotag_webhook_attempts_total' >"$WORK/attempts" || true
}

# ---------------------------------------------------------------- the benchmark

# Runs WebhookBench in the background and waits for it, so that a signal reaches the trap at
# once. Sets BENCH_STATUS to its exit status.
run_bench() {
  BENCH_STATUS=0
  log "latency phase: ${RATE} ev/s for ${WARMUP}s warm-up + ${DURATION}s measured;" \
    "throughput phase: ${EVENTS} events in batches of ${BATCH_SIZE}"
  local bench_opts probe_opts=()
  read -r -a bench_opts <<<"${BENCH_JAVA_OPTS:-}"
  # The data directory is on the disk the embedded database writes its WAL to.
  [[ "$FLUSH_PROBE" == 1 ]] && probe_opts=(--flush-probe "$WORK/data")
  java ${bench_opts[@]+"${bench_opts[@]}"} -cp "$BENCH_JAR" io.echotag.bench.WebhookBench \
    --url "http://127.0.0.1:$GATEWAY_PORT" --key "$API_KEY" \
    --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" --connections "$CONNECTIONS" \
    --drain-timeout "$DRAIN_TIMEOUT" --events "$EVENTS" --batch-size "$BATCH_SIZE" \
    --batch-connections "$BATCH_CONNECTIONS" --throughput-timeout "$THROUGHPUT_TIMEOUT" \
    ${probe_opts[@]+"${probe_opts[@]}"} >"$WORK/bench.out" 2>&1 &
  BENCH_PID=$!
  wait "$BENCH_PID" || BENCH_STATUS=$?
  BENCH_PID=""
  cat "$WORK/bench.out"
  if ((BENCH_STATUS != 0 && BENCH_STATUS != EXIT_INCOMPLETE)); then
    die "WebhookBench failed (exit $BENCH_STATUS)"
  fi
  grep '^RESULT ' "$WORK/bench.out" | tail -n 1 >"$WORK/result"
  [[ -s "$WORK/result" ]] || die "WebhookBench printed no RESULT line"
}

# ---------------------------------------------------------------- summary

# Delivery-related settings given to the gateway through the environment.
gateway_settings() {
  local settings
  settings="$(env | grep -E '^ECHOTAG_(DELIVERY|WEBHOOKS)_' \
    | grep -v '^ECHOTAG_WEBHOOKS_ALLOW_PRIVATE_NETWORKS=' | sort | tr '\n' ' ' || true)"
  echo "${settings:-defaults}"
}

summary() {
  local revision
  revision="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if [[ -n "$(git -C "$ROOT" status --porcelain -- src pom.xml conf 2>/dev/null)" ]]; then
    revision+=" with uncommitted changes"
  fi
  echo "EchoTag webhook delivery benchmark, $(date -u '+%F %T') UTC"
  echo "machine: $(nproc) cpus, $(java -version 2>&1 | head -n 1)"
  echo "load average (1/5/15 min): ${LOAD_BEFORE} before, $(cut -d ' ' -f 1-3 /proc/loadavg) after"
  echo "gateway: $GATEWAY_JAR (built $(date -r "$GATEWAY_JAR" '+%F %T')), revision $revision"
  echo "gateway delivery settings from the environment: $(gateway_settings)"
  echo "latency phase: ${RATE} events/s open loop over at most ${CONNECTIONS} connections," \
    "${WARMUP}s warm-up + ${DURATION}s measured"
  echo "throughput phase: ${EVENTS} events, batches of ${BATCH_SIZE}, ${BATCH_CONNECTIONS} in flight"
  # On the wall clock, for lining up samplers run beside the bench with the offsets below.
  grep -m 1 '^latency phase: the measured window starts at ' "$WORK/bench.out" || true
  # WebhookBench's own summary: from its first figures line to the line before RESULT.
  sed -n '/^latency phase: [0-9]* events sent/,/^RESULT /p' "$WORK/bench.out" | grep -v '^RESULT '
  echo
  echo "gateway delivery attempts (/metrics):"
  if [[ -s "$WORK/attempts" ]]; then
    sed 's/^/  /' "$WORK/attempts"
  else
    echo "  (not available)"
  fi
  echo
  echo "raw:"
  cat "$WORK/result"
}

# ---------------------------------------------------------------- main

main() {
  require_positive BENCH_DURATION "$DURATION"
  require_whole BENCH_WARMUP "$WARMUP"
  require_positive BENCH_RATE "$RATE"
  require_positive BENCH_CONNECTIONS "$CONNECTIONS"
  require_positive BENCH_DRAIN_TIMEOUT "$DRAIN_TIMEOUT"
  require_positive BENCH_EVENTS "$EVENTS"
  require_positive BENCH_BATCH_SIZE "$BATCH_SIZE"
  require_positive BENCH_BATCH_CONNECTIONS "$BATCH_CONNECTIONS"
  require_positive BENCH_THROUGHPUT_TIMEOUT "$THROUGHPUT_TIMEOUT"
  [[ "$FLUSH_PROBE" == 0 || "$FLUSH_PROBE" == 1 ]] || die "BENCH_FLUSH_PROBE must be 0 or 1, got '$FLUSH_PROBE'"
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  build_gateway
  build_bench
  WORK="$(mktemp -d -t echotag-webhooks.XXXXXX)"
  LOAD_BEFORE="$(cut -d ' ' -f 1-3 /proc/loadavg)"

  start_gateway
  run_bench
  scrape_attempts
  stop_gateway

  mkdir -p "$BENCH_DIR/results"
  local report
  report="$BENCH_DIR/results/webhooks-$(date -u '+%Y-%m-%d-%H%M%S').txt"
  summary | tee "$report"
  log "summary written to $report"
  if ((BENCH_STATUS == EXIT_INCOMPLETE)); then
    die "some deliveries did not arrive within the time bounds (see INCOMPLETE above)"
  fi
}

main "$@"
