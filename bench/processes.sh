# Process handling shared by the bench scripts (sourced; they define log() and WORK).

# Polls until the process is gone; returns 1 if it is still alive after $2 seconds.
wait_for_exit() {
  local pid=$1 deadline=$((SECONDS + $2))
  while kill -0 "$pid" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# Stops one of our children: SIGTERM, a bounded wait, then SIGKILL.
stop_child() {
  local pid=$1 name=$2 timeout=$3
  [[ -n "$pid" ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_for_exit "$pid" "$timeout"; then
      log "$name (pid $pid) did not stop within ${timeout}s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
}

# If the gateway had to be killed, its embedded PostgreSQL may outlive it. Its pid is the
# first line of postmaster.pid in our own data directory, so it is ours to stop.
stop_orphan_postgres() {
  [[ -n "$WORK" && -d "$WORK/data" ]] || return 0
  local pidfile pid
  pidfile="$(find "$WORK/data" -maxdepth 4 -name postmaster.pid -print -quit)"
  [[ -n "$pidfile" ]] || return 0
  pid="$(head -n 1 "$pidfile" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 0
  grep -q postgres "/proc/$pid/cmdline" 2>/dev/null || return 0
  log "stopping leftover embedded PostgreSQL (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  wait_for_exit "$pid" 30 || kill -KILL "$pid" 2>/dev/null || true
}
