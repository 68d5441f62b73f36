# One fresh gateway for a bench tool (sourced by sse.sh and analytics.sh): log, die,
# require_positive, build (gateway jar unless present, bench jar when its sources changed),
# start_gateway (fresh data directory under $WORK, port 0, fixed key, no rate limit), await_port and the
# cleanup exit trap. The sourcing script sets BENCH_NAME, ROOT, BENCH_DIR, GATEWAY_JAR,
# BENCH_JAR, START_TIMEOUT_S, STOP_TIMEOUT_S, API_KEY and the empty WORK, GATEWAY_PID,
# GATEWAY_PORT, BENCH_PID.

# wait_for_exit, stop_child, stop_orphan_postgres
source "$BENCH_DIR/processes.sh"

log() {
  echo "[$BENCH_NAME] $*" >&2
}

die() {
  log "error: $*"
  exit 1
}

require_positive() {
  [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive whole number, got '$2'"
}


cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_child "$BENCH_PID" "$BENCH_NAME bench" 10
  if [[ -n "$GATEWAY_PID" ]]; then
    log "stopping gateway (pid $GATEWAY_PID), waiting for its database to shut down"
    stop_child "$GATEWAY_PID" gateway "$STOP_TIMEOUT_S"
    stop_orphan_postgres
  fi
  if ((status != 0)) && [[ -n "$WORK" && -s "$WORK/gateway.log" ]]; then
    log "last gateway log lines:"
    tail -n 40 "$WORK/gateway.log" >&2 || true
  fi
  [[ -z "$WORK" ]] || rm -rf "$WORK"
  exit "$status"
}

build() {
  if [[ -n "${ECHOTAG_JAR:-}" ]]; then
    [[ -f "$GATEWAY_JAR" ]] || die "ECHOTAG_JAR=$GATEWAY_JAR does not exist"
  elif [[ ! -f "$GATEWAY_JAR" || "${BENCH_REBUILD:-0}" == 1 ]]; then
    log "building the gateway (mvn -DskipTests package)"
    (cd "$ROOT" && mvn -q -B -DskipTests package)
  fi
  [[ -f "$GATEWAY_JAR" ]] || die "no gateway jar at $GATEWAY_JAR"
  log "gateway jar: $GATEWAY_JAR (built $(date -r "$GATEWAY_JAR" '+%F %T'))"
  if [[ ! -f "$BENCH_JAR" ]] \
    || [[ -n "$(find "$BENCH_DIR/src" "$BENCH_DIR/pom.xml" -newer "$BENCH_JAR" -print -quit)" ]]; then
    log "building the bench tools"
    mvn -q -B -f "$BENCH_DIR/pom.xml" package
  fi
}

start_gateway() {
  local java_opts
  read -r -a java_opts <<<"${GATEWAY_JAVA_OPTS:-}"
  mkdir -p "$WORK/data"
  log "starting the gateway (data in $WORK/data)"
  (
    cd "$ROOT"
    export ECHOTAG_HTTP_PORT=0 ECHOTAG_HTTP_HOST=127.0.0.1 ECHOTAG_DATA_DIR="$WORK/data" \
      ECHOTAG_BOOTSTRAP_KEY="$API_KEY" ECHOTAG_RATE_LIMIT_ENABLED=false
    exec java ${java_opts[@]+"${java_opts[@]}"} -jar "$GATEWAY_JAR"
  ) >"$WORK/gateway.log" 2>&1 &
  GATEWAY_PID=$!
  await_port "the gateway" 'EchoTag listening on http://[^[:space:]]+'
}

# Waits until the server started as $GATEWAY_PID logs its address to $WORK/gateway.log (an ERE,
# $2, ending in the port) and sets GATEWAY_PORT; $1 names the server in messages.
await_port() {
  local line deadline=$((SECONDS + START_TIMEOUT_S))
  while ((SECONDS < deadline)); do
    line="$(grep -m 1 -oE "$2" "$WORK/gateway.log" 2>/dev/null || true)"
    [[ -z "$line" ]] || break
    kill -0 "$GATEWAY_PID" 2>/dev/null || die "$1 exited before listening"
    sleep 0.5
  done
  [[ "$line" =~ :([0-9]+)/?$ ]] || die "$1 did not log its port within ${START_TIMEOUT_S}s"
  GATEWAY_PORT="${BASH_REMATCH[1]}"
  log "$1 up on port $GATEWAY_PORT (pid $GATEWAY_PID)"
}
