package io.echotag.bench;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * What one driver saw inside the measured window. Each driver owns one and touches it from its
 * own event loop only, so no locking; the tallies are merged once the drivers are done.
 */
final class Tally {

  /** Anything slower is clamped: the request timeout is far below this. */
  static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(60);

  final Histogram latencyMicros = new Histogram(HIGHEST_MICROS, 3);
  long ok;
  long errors;
  long failures;
  long events;
  long rejectedEvents;
  long lastRecordedNanos;

  void recordOk(long latencyNanos, long accepted, long rejected, long now) {
    ok++;
    events += accepted;
    rejectedEvents += rejected;
    long micros = TimeUnit.NANOSECONDS.toMicros(latencyNanos);
    latencyMicros.recordValue(Math.min(HIGHEST_MICROS, micros));
    lastRecordedNanos = now;
  }

  void recordError(long now) {
    errors++;
    lastRecordedNanos = now;
  }

  void recordFailure(long now) {
    failures++;
    lastRecordedNanos = now;
  }

  void add(Tally other) {
    latencyMicros.add(other.latencyMicros);
    ok += other.ok;
    errors += other.errors;
    failures += other.failures;
    events += other.events;
    rejectedEvents += other.rejectedEvents;
    lastRecordedNanos = Math.max(lastRecordedNanos, other.lastRecordedNanos);
  }
}
