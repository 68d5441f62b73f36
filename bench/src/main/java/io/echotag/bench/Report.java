package io.echotag.bench;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** Turns the merged tally into a human summary and one machine-readable RESULT line. */
final class Report {

  private final LoadOptions options;
  private final Tally tally;
  private final double seconds;

  Report(LoadOptions options, Tally tally, long measuredNanos) {
    this.options = options;
    this.tally = tally;
    this.seconds = Math.max(1e-9, measuredNanos / 1e9);
  }

  void print() {
    long answered = tally.ok + tally.errors;
    System.out.println(String.format(Locale.ROOT,
        "measured %.2f s: %d requests, %d ok (2xx), %d non-2xx, %d failed",
        seconds, answered + tally.failures, tally.ok, tally.errors, tally.failures));
    System.out.println(String.format(Locale.ROOT, "throughput %.1f req/s, %.1f events/s%s",
        answered / seconds, tally.events / seconds,
        tally.rejectedEvents > 0 ? " (" + tally.rejectedEvents + " events rejected)" : ""));
    System.out.println(String.format(Locale.ROOT,
        "latency of 2xx (ms): p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f",
        percentile(50), percentile(90), percentile(99), percentile(99.9), max()));
    System.out.println(resultLine(answered));
  }

  private String resultLine(long answered) {
    return String.format(Locale.ROOT,
        "RESULT mode=%s connections=%d batch_size=%d duration_s=%.2f requests=%d ok=%d"
            + " errors=%d failures=%d rps=%.1f events_per_s=%.1f rejected_events=%d"
            + " p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f url=%s",
        options.mode().label(), options.connections(), options.eventsPerRequest(), seconds,
        answered + tally.failures, tally.ok, tally.errors, tally.failures, answered / seconds,
        tally.events / seconds, tally.rejectedEvents, percentile(50), percentile(90),
        percentile(99), percentile(99.9), max(), options.url());
  }

  private double percentile(double percent) {
    return millis(histogram().getValueAtPercentile(percent));
  }

  private double max() {
    return millis(histogram().getMaxValue());
  }

  private Histogram histogram() {
    return tally.latencyMicros;
  }

  private static double millis(long micros) {
    return micros / (double) TimeUnit.MILLISECONDS.toMicros(1);
  }
}
