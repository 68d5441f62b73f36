package io.echotag.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/** WebhookBench's figures: a human summary and one machine-readable RESULT line. */
final class WebhookReport {
  private static final int BUSIEST_SLOTS = 4;
  /** Flush stalls listed by their offset; the count covers them all. */
  private static final int LISTED_STALLS = 10;

  private final WebhookOptions options;
  private final OpenLoopSender.Result latencySent;
  private final WebhookSink.Phase latencyDelivered;
  private final BatchSender.Result batchSent;
  private final WebhookSink.Phase batchDelivered;
  private final long backlogAtStart;
  private final WebhookSink.Totals totals;
  private final FlushProbe.Result flush;

  WebhookReport(WebhookOptions options, WebhookBench.Latency latency,
      WebhookBench.Throughput throughput, WebhookSink.Totals totals) {
    this.options = options;
    this.latencySent = latency.sent();
    this.latencyDelivered = latency.delivered();
    this.flush = latency.flush();
    this.batchSent = throughput.sent();
    this.batchDelivered = throughput.delivered();
    this.backlogAtStart = throughput.backlogAtStart();
    this.totals = totals;
  }

  /** Both phases got events in and deliveries out. */
  boolean somethingDelivered() {
    return latencySent.okInWindow() > 0 && latencyDelivered.received > 0
        && batchSent.accepted() > 0 && batchDelivered.received > 0;
  }

  /**
   * Every event the gateway acknowledged was delivered within the time bounds: the latency
   * phase's (warm-up included) before the throughput phase began, and the throughput phase's
   * before its time ran out.
   */
  boolean complete() {
    return latencyMissing() == 0 && backlogAtStart == 0 && !batchSent.cutShort()
        && batchMissing() == 0;
  }

  void print() {
    Histogram ack = latencySent.ackMicros();
    Histogram wait = latencySent.connectionWaitMicros();
    Histogram latency = latencyDelivered.latencyMicros;
    Histogram backlog = batchDelivered.latencyMicros;
    System.out.println();
    System.out.println(format("latency phase: %d events sent in %d s measured: %.1f events/s"
            + " (target %d); %d acknowledged 2xx, %d non-2xx, %d failed; max send lag %.3f ms",
        latencySent.sentInWindow(), options.durationSeconds(), sendRate(), options.rate(),
        latencySent.okInWindow(), latencySent.errors(), latencySent.failures(),
        nanosToMillis(latencySent.maxLagNanos())));
    System.out.println(format("  client: %d connections opened, at most %d requests in flight;"
            + " wait for a connection (ms): p99 %.3f  max %.3f", latencySent.connectionsOpened(),
        latencySent.peakInFlight(), ms(wait, 99), maxMs(wait)));
    System.out.println(format("  ingest answer (ms):                   p50 %.3f  p90 %.3f"
            + "  p99 %.3f  max %.3f", ms(ack, 50), ms(ack, 90), ms(ack, 99), maxMs(ack)));
    System.out.println(format("  delivered %d of %d (%d missing); the last %.3f s after the"
            + " last measured send", latencyDelivered.received, latencySent.okInWindow(),
        latencyMissing(), drainSeconds()));
    System.out.println(format("  ingest sent -> webhook received (ms): p50 %.3f  p90 %.3f"
            + "  p99 %.3f  p99.9 %.3f  max %.3f", ms(latency, 50), ms(latency, 90),
        ms(latency, 99), ms(latency, 99.9), maxMs(latency)));
    System.out.println("  " + slowBursts(latencyDelivered));
    if (flush != null) {
      System.out.println("  " + flushLine(flush));
    }
    System.out.println(format("throughput phase: %d events in %d batch requests of up to %d:"
            + " %d accepted, %d rejected, %d non-2xx, %d failed%s", batchSent.events(),
        batchSent.requests(), options.batchSize(), batchSent.accepted(), batchSent.rejected(),
        batchSent.errors(), batchSent.failures(), (backlogAtStart == 0 ? ""
            : "; started behind " + backlogAtStart + " undelivered latency-phase events")
            + (batchSent.cutShort() ? "; time ran out before all batches were answered" : "")));
    System.out.println(format("  ingest: %.3f s from the first send to the last answer:"
        + " %.1f events/s", ingestSeconds(), perSecond(batchSent.accepted(), ingestSeconds())));
    System.out.println(format("  delivered %d of %d (%d missing) in %.3f s from the first send:"
            + " %.1f deliveries/s", batchDelivered.received, batchSent.accepted(), batchMissing(),
        deliverSeconds(), deliveriesPerSecond()));
    System.out.println(format("  ingest sent -> webhook received (ms): p50 %.3f  p90 %.3f"
            + "  p99 %.3f  max %.3f", ms(backlog, 50), ms(backlog, 90), ms(backlog, 99),
        maxMs(backlog)));
    System.out.println(format("sink: %d requests, %d distinct webhook-id, %d duplicates,"
            + " %d without webhook-id, %d without bench_sent_ns, %d of events sent outside the"
            + " measured window",
        totals.requests(), totals.distinctIds(), totals.duplicates(), totals.withoutId(),
        totals.unparsable(), totals.outsideDeliveries()));
    if (!complete()) {
      System.out.println("INCOMPLETE: some acknowledged events were not delivered within the"
          + " time bounds; the delivery figures cover only what arrived");
    }
    System.out.println(resultLine());
  }

  /**
   * Whether the slow deliveries are spread over the window or come in bursts: how many of them
   * the busiest quarter-seconds of sending hold, with the slots' offsets into the window.
   */
  static String slowBursts(WebhookSink.Phase phase) {
    int slow = phase.slowBySlot.values().stream().mapToInt(Integer::intValue).sum();
    List<Map.Entry<Long, Integer>> busiest = phase.slowBySlot.entrySet().stream()
        .sorted(Map.Entry.<Long, Integer>comparingByValue().reversed()).limit(BUSIEST_SLOTS).toList();
    int inBusiest = busiest.stream().mapToInt(Map.Entry::getValue).sum();
    double slotSeconds = WebhookSink.Phase.SLOT_NANOS / 1e9;
    String slots = busiest.stream()
        .map(e -> format("+%.2f s: %d", e.getKey() * slotSeconds, e.getValue()))
        .collect(Collectors.joining(", "));
    return format("above %d ms: %d deliveries; the %d busiest %.2f s slots of sending hold %d of them%s",
        WebhookSink.Phase.SLOW_MICROS / 1000, slow, busiest.size(), slotSeconds, inBusiest,
        slots.isEmpty() ? "" : " (" + slots + ")");
  }

  /** The disk's flush latency over the measured window, and when it stalled (offsets as above). */
  static String flushLine(FlushProbe.Result flush) {
    if (flush.failure() != null) {
      return "disk flush probe failed: " + flush.failure();
    }
    Histogram micros = flush.micros();
    String stalls = flush.stalls().stream().limit(LISTED_STALLS)
        .map(s -> format("+%.2f s: %.0f ms", s.offsetSeconds(), s.millis()))
        .collect(Collectors.joining(", "));
    return format("disk flush, 8 KB write + fdatasync every 5 ms (ms): p50 %.3f  p99 %.3f  max %.3f;"
            + " %d above %d ms%s", ms(micros, 50), ms(micros, 99), maxMs(micros), flush.stalls().size(),
        FlushProbe.STALL_MS, stalls.isEmpty() ? "" : " (" + stalls
            + (flush.stalls().size() > LISTED_STALLS ? ", ..." : "") + ")");
  }

  private String resultLine() {
    Histogram ack = latencySent.ackMicros();
    Histogram wait = latencySent.connectionWaitMicros();
    Histogram latency = latencyDelivered.latencyMicros;
    Histogram backlog = batchDelivered.latencyMicros;
    return format("RESULT rate=%d warmup_s=%d duration_s=%d connections=%d"
            + " sent=%d send_rate=%.1f ack_ok=%d ack_errors=%d ack_failures=%d"
            + " max_send_lag_ms=%.3f connections_opened=%d peak_in_flight=%d"
            + " conn_wait_p99_ms=%.3f conn_wait_max_ms=%.3f ack_p50_ms=%.3f ack_p99_ms=%.3f"
            + " lat_expected=%d lat_received=%d lat_missing=%d lat_drain_s=%.3f"
            + " lat_p50_ms=%.3f lat_p90_ms=%.3f lat_p99_ms=%.3f lat_p999_ms=%.3f lat_max_ms=%.3f"
            + " tp_backlog_at_start=%d tp_events=%d tp_batch_size=%d tp_batch_connections=%d"
            + " tp_cut_short=%b tp_accepted=%d tp_rejected=%d tp_errors=%d tp_failures=%d"
            + " tp_ingest_s=%.3f"
            + " tp_ingest_events_per_s=%.1f tp_received=%d tp_missing=%d tp_deliver_s=%.3f"
            + " tp_deliveries_per_s=%.1f tp_p50_ms=%.3f tp_p99_ms=%.3f tp_max_ms=%.3f"
            + " sink_requests=%d distinct_webhook_ids=%d duplicates=%d without_id=%d"
            + " unparsable=%d outside_window=%d complete=%b url=%s",
        options.rate(), options.warmupSeconds(), options.durationSeconds(),
        options.connections(), latencySent.sentInWindow(), sendRate(), latencySent.okInWindow(),
        latencySent.errors(), latencySent.failures(), nanosToMillis(latencySent.maxLagNanos()),
        latencySent.connectionsOpened(), latencySent.peakInFlight(), ms(wait, 99), maxMs(wait),
        ms(ack, 50), ms(ack, 99),
        latencySent.okInWindow(), latencyDelivered.received, latencyMissing(), drainSeconds(),
        ms(latency, 50), ms(latency, 90), ms(latency, 99), ms(latency, 99.9), maxMs(latency),
        backlogAtStart, batchSent.events(), options.batchSize(), options.batchConnections(),
        batchSent.cutShort(), batchSent.accepted(), batchSent.rejected(), batchSent.errors(),
        batchSent.failures(), ingestSeconds(), perSecond(batchSent.accepted(), ingestSeconds()),
        batchDelivered.received, batchMissing(), deliverSeconds(), deliveriesPerSecond(),
        ms(backlog, 50), ms(backlog, 99), maxMs(backlog),
        totals.requests(), totals.distinctIds(), totals.duplicates(), totals.withoutId(),
        totals.unparsable(), totals.outsideDeliveries(), complete(), options.url());
  }

  /** Events sent inside the measured window, per second of that window. */
  private double sendRate() {
    return perSecond(latencySent.sentInWindow(), options.durationSeconds());
  }

  private long latencyMissing() {
    return Math.max(0, latencySent.okInWindow() - latencyDelivered.received);
  }

  private long batchMissing() {
    return Math.max(0, batchSent.accepted() - batchDelivered.received);
  }

  /** From the last send of the measured window to the last delivery of that window. */
  private double drainSeconds() {
    if (latencyDelivered.received == 0) {
      return 0;
    }
    return Math.max(0,
        latencyDelivered.lastReceivedNanos - latencySent.lastMeasuredSendNanos()) / 1e9;
  }

  private double ingestSeconds() {
    return Math.max(0, batchSent.lastAnswerNanos() - batchSent.firstSendNanos()) / 1e9;
  }

  /** From the first batch sent to the last delivery received (the clock of deliveries/s). */
  private double deliverSeconds() {
    if (batchDelivered.received == 0) {
      return 0;
    }
    return Math.max(0, batchDelivered.lastReceivedNanos - batchSent.firstSendNanos()) / 1e9;
  }

  private double deliveriesPerSecond() {
    return perSecond(batchDelivered.received, deliverSeconds());
  }

  private static double perSecond(long count, double seconds) {
    return seconds > 0 ? count / seconds : 0;
  }

  private static double ms(Histogram histogram, double percentile) {
    return histogram.getTotalCount() == 0 ? 0
        : histogram.getValueAtPercentile(percentile) / (double) TimeUnit.MILLISECONDS.toMicros(1);
  }

  private static double maxMs(Histogram histogram) {
    return histogram.getTotalCount() == 0 ? 0
        : histogram.getMaxValue() / (double) TimeUnit.MILLISECONDS.toMicros(1);
  }

  private static double nanosToMillis(long nanos) {
    return nanos / 1e6;
  }

  private static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
