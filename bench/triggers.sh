#!/usr/bin/env bash
# What active triggers cost the ingest path: single-event ingest (bench/ingest.sh, single run
# only) with no trigger, then with BENCH_TRIGGERS (default 50) active triggers on page_view,
# each evaluated against every page view. Prints both figures and the cost in percent, and
# writes them to bench/results/triggers-<date>.txt.
#
# Usage: bench/triggers.sh        (BENCH_ROUNDS=2; BENCH_DURATION, BENCH_WARMUP, ... as for ingest.sh)
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
COUNT="${BENCH_TRIGGERS:-50}"
[[ "$COUNT" =~ ^[1-9][0-9]*$ ]] || { echo "[triggers] BENCH_TRIGGERS must be a positive whole number" >&2; exit 1; }
OUT="$(mktemp -d -t echotag-triggers.XXXXXX)"
trap 'rm -rf "$OUT"' EXIT

events_per_s() {
  sed -nE 's/^RESULT .* events_per_s=([^ ]+).*/\1/p' "$1" | tail -n 1
}

# Alternating rounds (0, N, 0, N, ...): on a 2-core machine one run's figure moves by several
# percent with what else runs, so each side is the mean of its rounds.
ROUNDS="${BENCH_ROUNDS:-2}"
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "[triggers] BENCH_ROUNDS must be a positive whole number" >&2; exit 1; }
for ((round = 1; round <= ROUNDS; round++)); do
  for n in 0 "$COUNT"; do
    echo "[triggers] round $round: single-event ingest with $n active triggers" >&2
    BENCH_ONLY_SINGLE=1 BENCH_TRIGGERS="$n" "$BENCH_DIR/ingest.sh" >"$OUT/$n-$round.txt"
    cat "$OUT/$n-$round.txt"
    events_per_s "$OUT/$n-$round.txt" >>"$OUT/$n.figures"
  done
done

mean() {
  awk '{ s += $1; n++ } END { if (n > 0) printf "%.1f", s / n }' "$1"
}
without="$(mean "$OUT/0.figures")"
with="$(mean "$OUT/$COUNT.figures")"
[[ -n "$without" && -n "$with" ]] || { echo "[triggers] a run printed no RESULT line" >&2; exit 1; }
mkdir -p "$BENCH_DIR/results"
report="$BENCH_DIR/results/triggers-$(date -u '+%Y-%m-%d-%H%M%S').txt"
{
  echo "EchoTag trigger cost benchmark, $(date -u '+%F %T') UTC"
  echo "rounds: $ROUNDS, alternating; load average at the end: $(cut -d ' ' -f 1-3 /proc/loadavg)"
  echo "single-event ingest, 0 active triggers:  $without events/s (rounds: $(paste -sd ' ' "$OUT/0.figures"))"
  echo "single-event ingest, $COUNT active triggers: $with events/s (rounds: $(paste -sd ' ' "$OUT/$COUNT.figures"))"
  awk -v a="$without" -v b="$with" -v n="$COUNT" \
    'BEGIN { printf "cost of %d active triggers: %.1f %% of throughput (target < 10 %%)\n", n, 100 * (a - b) / a }'
} | tee "$report"
echo "[triggers] summary written to $report" >&2
