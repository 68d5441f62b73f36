#!/usr/bin/env bash
# Ingest benchmark for the EchoTag gateway.
#
# Starts the gateway on a fresh embedded database, measures single-event ingest with wrk
# (bench/ingest.lua) and batch ingest with LoadGen, then the durable floor (DurableFloorServer:
# parse, check, group-commit into the gateway's own events table, nothing else; the least a
# durable ingest can cost on this machine), the contract floor (the same server, each commit also
# assigning sessions and moving the visitor and session rows: the least the contract's answer
# needs) and a bare Vert.x server (the ceiling) with the same wrk load, and prints a summary (also written to
# bench/results/ingest-<date>.txt). wrk costs a quarter of LoadGen's CPU per request, which
# matters on 2 cores shared with the gateway and PostgreSQL.
#
# Usage: bench/ingest.sh
# Environment (all optional):
#   BENCH_DURATION=20           measured seconds per run
#   BENCH_WARMUP=40             warm-up seconds per run (load, not measured; both JVMs JIT-compile on 2 cores)
#   BENCH_CONNECTIONS=64        connections for the single-event runs (gateway, floor and bare)
#   BENCH_BATCH_CONNECTIONS=16  connections for the batch run
#   BENCH_BATCH_SIZE=100        events per batch request
#   BENCH_REBUILD=1             rebuild the gateway jar even when it exists
#   ECHOTAG_JAR=path            benchmark this gateway jar instead of target/echotag.jar
#   GATEWAY_JAVA_OPTS="..."     JVM options for the gateway (e.g. -Xmx1g)
#   BENCH_TRIGGERS=0            active triggers on page_view to create before the load (bench/triggers.sh)
#   BENCH_ONLY_SINGLE=1         run the single-event gateway run only (no batch, floor or bare server)
#   BENCH_SINGLE_TOOL=wrk       load tool for the single-event runs: wrk (installed when missing) or loadgen
#   BENCH_WRK_THREADS=2         wrk threads
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
DURATION="${BENCH_DURATION:-20}"
WARMUP="${BENCH_WARMUP:-40}"
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
BATCH_CONNECTIONS="${BENCH_BATCH_CONNECTIONS:-16}"
BATCH_SIZE="${BENCH_BATCH_SIZE:-100}"
TRIGGERS="${BENCH_TRIGGERS:-0}"
ONLY_SINGLE="${BENCH_ONLY_SINGLE:-0}"
SINGLE_TOOL="${BENCH_SINGLE_TOOL:-wrk}"
WRK_THREADS="${BENCH_WRK_THREADS:-2}"
GATEWAY_JAR="${ECHOTAG_JAR:-$ROOT/target/echotag.jar}"
BENCH_JAR="$BENCH_DIR/target/echotag-bench.jar"
START_TIMEOUT_S=120
STOP_TIMEOUT_S=60
# Fixed so runs are repeatable; it only ever exists in this run's throw-away data directory.
API_KEY="et_live_BenchOnlyKey0123456789abcdefghij"

WORK=""
GATEWAY_PID=""
GATEWAY_PORT=""
BARE_PORT=""
BARE_PID=""
FLOOR_PORT=""
FLOOR_PID=""
LOADGEN_PID=""

log() {
  echo "[ingest] $*" >&2
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

stop_bare() {
  stop_child "$BARE_PID" "bare server" 10
  BARE_PID=""
}

stop_floor() {
  stop_child "$FLOOR_PID" "floor server" 10
  FLOOR_PID=""
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_child "$LOADGEN_PID" loadgen 10
  stop_bare
  stop_floor
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
  # Rebuilt when missing or older than its sources, so an edited LoadGen is never skipped.
  if [[ ! -f "$BENCH_JAR" ]] \
    || [[ -n "$(find "$BENCH_DIR/src" "$BENCH_DIR/pom.xml" -newer "$BENCH_JAR" -print -quit)" ]]; then
    log "building the bench tools"
    mvn -q -B -f "$BENCH_DIR/pom.xml" package
  fi
}

install_wrk() {
  [[ "$SINGLE_TOOL" == wrk ]] || return 0
  command -v wrk >/dev/null && return 0
  log "installing wrk (apt-get)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null \
    || die "wrk is missing and apt-get could not install it (or run with BENCH_SINGLE_TOOL=loadgen)"
}

# ---------------------------------------------------------------- servers

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
  (
    cd "$ROOT"
    export ECHOTAG_HTTP_PORT=0 ECHOTAG_HTTP_HOST=127.0.0.1 ECHOTAG_DATA_DIR="$WORK/data" \
      ECHOTAG_BOOTSTRAP_KEY="$API_KEY" ECHOTAG_RATE_LIMIT_ENABLED=false
    exec java ${java_opts[@]+"${java_opts[@]}"} -jar "$GATEWAY_JAR"
  ) >"$WORK/gateway.log" 2>&1 &
  GATEWAY_PID=$!
  line="$(wait_for_line "$GATEWAY_PID" "$WORK/gateway.log" 'EchoTag listening on http://[^[:space:]]+')"
  GATEWAY_PORT="$(port_of "$line")"
  log "gateway up on port $GATEWAY_PORT"
}

# Folds in the rollup queue the gateway's runs left (an analytics read applies everything queued
# before it answers), so that the floor runs do not share the machine with the gateway's applier.
drain_rollups() {
  log "folding in the gateway's rollup queue"
  curl -fsS -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/v1/analytics?period=24h" \
    -H "Authorization: Bearer $API_KEY" || die "the analytics read that drains the rollup queue failed"
}

start_bare() {
  local line
  log "starting the bare server"
  java -cp "$BENCH_JAR" io.echotag.bench.BareServer --port 0 >"$WORK/bare.log" 2>&1 &
  BARE_PID=$!
  line="$(wait_for_line "$BARE_PID" "$WORK/bare.log" 'BARE listening on http://[^[:space:]]+')"
  BARE_PORT="$(port_of "$line")"
  log "bare server up on port $BARE_PORT"
}

# The durable floor, on the gateway's embedded database (its port is the fourth line of
# postmaster.pid), doing work $1 (events or contract). The gateway stays up, idle, so that its
# database does.
start_floor() {
  local line pg_port
  pg_port="$(sed -n 4p "$WORK/data/pg/postmaster.pid")"
  [[ "$pg_port" =~ ^[0-9]+$ ]] || die "no database port in $WORK/data/pg/postmaster.pid"
  log "starting the durable floor server ($1) on the gateway's database (port $pg_port)"
  java -cp "$BENCH_JAR" io.echotag.bench.DurableFloorServer --port 0 --work "$1" \
    --database "postgresql://postgres@127.0.0.1:$pg_port/postgres" >"$WORK/floor.log" 2>&1 &
  FLOOR_PID=$!
  line="$(wait_for_line "$FLOOR_PID" "$WORK/floor.log" 'FLOOR listening on http://[^[:space:]]+')"
  FLOOR_PORT="$(port_of "$line")"
  log "floor server up on port $FLOOR_PORT"
}

# Creates $TRIGGERS active triggers on page_view, each with a url condition. The load's urls are
# https://example.com/p/0 .. /p/9999, so each trigger matches one page in 10,000 (its action tags
# the visitor) and every page view is evaluated against all of them.
create_triggers() {
  local i body
  ((TRIGGERS > 0)) || return 0
  log "creating $TRIGGERS active triggers on page_view"
  for ((i = 0; i < TRIGGERS; i++)); do
    body="{\"name\":\"bench $i\",\"event_type\":\"page_view\",\"conditions\":{\"url\":{\"ends_with\":\"/p/$((i * 199))\"},\"title\":\"Bench\"},\"actions\":[{\"type\":\"add_tag\",\"tag\":\"bench-$i\"}]}"
    curl -fsS -o /dev/null -X POST "http://127.0.0.1:$GATEWAY_PORT/v1/triggers" \
      -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' -d "$body" \
      || die "creating trigger $i failed"
  done
}

# ---------------------------------------------------------------- load

# Runs LoadGen as run "$1" with the remaining arguments; keeps its RESULT line in $WORK/$1.result.
# LoadGen runs in the background and is waited for, so that a signal reaches the trap at once.
run_load() {
  local name=$1 status=0
  shift
  log "run '$name': ${WARMUP}s warm-up + ${DURATION}s measured"
  java -jar "$BENCH_JAR" "$@" --duration "$DURATION" --warmup "$WARMUP" \
    >"$WORK/$name.out" 2>&1 &
  LOADGEN_PID=$!
  wait "$LOADGEN_PID" || status=$?
  LOADGEN_PID=""
  cat "$WORK/$name.out"
  ((status == 0)) || die "run '$name' failed (LoadGen exit $status)"
  grep '^RESULT ' "$WORK/$name.out" | tail -n 1 >"$WORK/$name.result"
}

# Single events, $2 connections, against URL $3 (with API key $4 when given): wrk with
# bench/ingest.lua (a warm-up run, then the measured run), or LoadGen when BENCH_SINGLE_TOOL=loadgen.
# Keeps the RESULT line in $WORK/$1.result, like run_load.
run_single() {
  local name=$1 connections=$2 url=$3 key=${4:-} status=0
  if [[ "$SINGLE_TOOL" != wrk ]]; then
    run_load "$name" --url "$url" ${key:+--key "$key"} --mode single --connections "$connections"
    return 0
  fi
  log "run '$name' (wrk): ${WARMUP}s warm-up + ${DURATION}s measured"
  if ((WARMUP > 0)); then
    run_wrk "$WARMUP" "$connections" "$url" "$key" >"$WORK/$name.warmup.out" 2>&1 &
    LOADGEN_PID=$!
    wait "$LOADGEN_PID" || status=$?
    LOADGEN_PID=""
    ((status == 0)) || { cat "$WORK/$name.warmup.out"; die "run '$name' warm-up failed (wrk exit $status)"; }
  fi
  run_wrk "$DURATION" "$connections" "$url" "$key" >"$WORK/$name.out" 2>&1 &
  LOADGEN_PID=$!
  wait "$LOADGEN_PID" || status=$?
  LOADGEN_PID=""
  cat "$WORK/$name.out"
  ((status == 0)) || die "run '$name' failed (wrk exit $status)"
  grep '^RESULT ' "$WORK/$name.out" | tail -n 1 >"$WORK/$name.result"
  [[ -s "$WORK/$name.result" ]] || die "run '$name' printed no RESULT line"
  [[ "$(field "$name" ok)" != 0 ]] || die "run '$name': no request succeeded"
}

# wrk for $1 seconds with $2 connections against $3 (API key $4, may be empty).
run_wrk() {
  BENCH_KEY="$4" BENCH_CONNECTIONS="$2" BENCH_URL="$3" \
    exec wrk -t "$WRK_THREADS" -c "$2" -d "${1}s" --timeout 10s -s "$BENCH_DIR/ingest.lua" "$3"
}

# The value of key $2 in the RESULT line of run $1.
field() {
  sed -nE "s/.* $2=([^ ]+).*/\1/p" "$WORK/$1.result"
}

# ---------------------------------------------------------------- summary

summary() {
  local gateway_eps bare_eps floor_eps contract_eps ratio floor_ratio contract_ratio revision
  gateway_eps="$(field single events_per_s)"
  bare_eps="n/a"
  ratio="n/a"
  if [[ "$ONLY_SINGLE" != 1 ]]; then
    bare_eps="$(field bare events_per_s)"
    floor_eps="$(field floor events_per_s)"
    ratio="$(percent "$gateway_eps" "$bare_eps")"
    floor_ratio="$(percent "$gateway_eps" "$floor_eps")"
    contract_eps="$(field contract events_per_s)"
    contract_ratio="$(percent "$gateway_eps" "$contract_eps")"
  fi
  revision="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if [[ -n "$(git -C "$ROOT" status --porcelain -- src pom.xml conf 2>/dev/null)" ]]; then
    revision+=" with uncommitted changes"
  fi
  echo "EchoTag ingest benchmark, $(date -u '+%F %T') UTC"
  echo "machine: $(nproc) cpus, $(java -version 2>&1 | head -n 1)"
  echo "gateway: $GATEWAY_JAR (built $(date -r "$GATEWAY_JAR" '+%F %T')), revision $revision"
  echo "each run: ${WARMUP}s warm-up + ${DURATION}s measured, closed loop, HTTP/1.1 keep-alive"
  echo "load tools: single-event runs $SINGLE_TOOL$([[ "$SINGLE_TOOL" == wrk ]] && echo " ($WRK_THREADS threads)"), batch run LoadGen"
  echo "active triggers on page_view: $TRIGGERS; load average at the end: $(cut -d ' ' -f 1-3 /proc/loadavg)"
  echo
  printf '%-34s %14s %10s %10s %8s\n' run throughput p50_ms p99_ms errors
  printf '%-34s %10s ev/s %10s %10s %8s\n' "gateway single, ${CONNECTIONS} conn" \
    "$gateway_eps" "$(field single p50_ms)" "$(field single p99_ms)" "$(errors_of single)"
  if [[ "$ONLY_SINGLE" == 1 ]]; then
    echo
    echo "raw:"
    cat "$WORK/single.result"
    return 0
  fi
  printf '%-34s %8s rows/s %10s %10s %8s\n' \
    "gateway batch ${BATCH_SIZE}, ${BATCH_CONNECTIONS} conn" "$(field batch events_per_s)" \
    "$(field batch p50_ms)" "$(field batch p99_ms)" "$(errors_of batch)"
  printf '%-34s %10s ev/s %10s %10s %8s\n' "durable floor, ${CONNECTIONS} conn" \
    "$floor_eps" "$(field floor p50_ms)" "$(field floor p99_ms)" "$(errors_of floor)"
  printf '%-34s %10s ev/s %10s %10s %8s\n' "contract floor, ${CONNECTIONS} conn" \
    "$contract_eps" "$(field contract p50_ms)" "$(field contract p99_ms)" "$(errors_of contract)"
  printf '%-34s %9s req/s %10s %10s %8s\n' "bare server, ${CONNECTIONS} conn" \
    "$bare_eps" "$(field bare p50_ms)" "$(field bare p99_ms)" "$(errors_of bare)"
  echo
  echo "gateway / durable floor (single events/s): ${floor_ratio} %"
  echo "gateway / contract floor (single events/s): ${contract_ratio} %"
  echo "gateway / bare (single events/s vs bare req/s): ${ratio} %"
  echo
  echo "raw:"
  cat "$WORK/single.result" "$WORK/batch.result" "$WORK/floor.result" "$WORK/contract.result" "$WORK/bare.result"
}

# $1 as a percentage of $2, one decimal.
percent() {
  awk -v g="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", 100 * g / b; else printf "n/a" }'
}

# Non-2xx answers plus transport failures of run $1.
errors_of() {
  echo $(($(field "$1" errors) + $(field "$1" failures)))
}

# ---------------------------------------------------------------- main

main() {
  require_positive BENCH_DURATION "$DURATION"
  require_whole BENCH_WARMUP "$WARMUP"
  require_positive BENCH_CONNECTIONS "$CONNECTIONS"
  require_positive BENCH_BATCH_CONNECTIONS "$BATCH_CONNECTIONS"
  require_positive BENCH_BATCH_SIZE "$BATCH_SIZE"
  require_whole BENCH_TRIGGERS "$TRIGGERS"
  require_positive BENCH_WRK_THREADS "$WRK_THREADS"
  [[ "$SINGLE_TOOL" == wrk || "$SINGLE_TOOL" == loadgen ]] \
    || die "BENCH_SINGLE_TOOL must be wrk or loadgen, got '$SINGLE_TOOL'"
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  build_gateway
  build_bench
  install_wrk
  WORK="$(mktemp -d -t echotag-bench.XXXXXX)"

  start_gateway
  create_triggers
  local gateway="http://127.0.0.1:$GATEWAY_PORT"
  run_single single "$CONNECTIONS" "$gateway/v1/events" "$API_KEY"
  if [[ "$ONLY_SINGLE" == 1 ]]; then
    stop_gateway
    summary
    return 0
  fi
  run_load batch --url "$gateway/v1/events/batch" --key "$API_KEY" --mode batch \
    --batch-size "$BATCH_SIZE" --connections "$BATCH_CONNECTIONS"
  drain_rollups
  start_floor events
  run_single floor "$CONNECTIONS" "http://127.0.0.1:$FLOOR_PORT/v1/events"
  stop_floor
  start_floor contract
  run_single contract "$CONNECTIONS" "http://127.0.0.1:$FLOOR_PORT/v1/events"
  stop_floor
  # Stopped before the bare run so that both servers get the machine to themselves.
  stop_gateway

  start_bare
  run_single bare "$CONNECTIONS" "http://127.0.0.1:$BARE_PORT/v1/events"
  stop_bare

  mkdir -p "$BENCH_DIR/results"
  local report
  report="$BENCH_DIR/results/ingest-$(date -u '+%Y-%m-%d-%H%M%S').txt"
  summary | tee "$report"
  log "summary written to $report"
}

main "$@"
