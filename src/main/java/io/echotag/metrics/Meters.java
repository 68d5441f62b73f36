package io.echotag.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The gateway's own meters, named in one place. Prometheus names follow from these: a counter
 * {@code echotag.events.ingested} is scraped as {@code echotag_events_ingested_total}.
 */
public final class Meters {
  public static final String EVENTS_INGESTED = "echotag.events.ingested";
  public static final String EVENTS_DUPLICATE = "echotag.events.duplicate";
  public static final String INGEST_BATCH_SIZE = "echotag.ingest.batch.size";
  public static final String INGEST_COMMIT = "echotag.ingest.commit";
  public static final String INGEST_FAILURES = "echotag.ingest.failures";
  /** Gauge: open realtime SSE connections on this node ({@code echotag_sse_subscribers}). */
  public static final String SSE_SUBSCRIBERS = "echotag.sse.subscribers";
  /** Timer: a realtime snapshot's publish to its write reaching an SSE client's socket. */
  public static final String SNAPSHOT_FANOUT = "echotag.realtime.snapshot.fanout";
  /** Counter: SSE connections closed because their unflushed backlog passed the bound. */
  public static final String SSE_SLOW_CLOSED = "echotag.sse.slow.closed";
  /** Timer: one report run, by {@code report_type} and {@code outcome} ({@code ok} or {@code failed}). */
  public static final String REPORT_RUN = "echotag.report.run";
  /** Cluster mode only: members this node sees in its cluster (itself included). */
  public static final String CLUSTER_MEMBERS = "echotag.cluster.members";

  private final MeterRegistry registry;
  private final Counter eventsIngested;
  private final Counter eventsDuplicate;
  private final DistributionSummary batchSize;
  private final Timer commitLatency;

  public Meters(MeterRegistry registry) {
    this.registry = registry;
    this.eventsIngested = Counter.builder(EVENTS_INGESTED)
        .description("Events durably committed by the ingest path").register(registry);
    this.eventsDuplicate = Counter.builder(EVENTS_DUPLICATE)
        .description("Events answered from an earlier commit by their idempotency key").register(registry);
    this.batchSize = DistributionSummary.builder(INGEST_BATCH_SIZE)
        .description("Events per group-commit transaction").publishPercentileHistogram()
        .minimumExpectedValue(1.0).maximumExpectedValue(10_000.0).register(registry);
    this.commitLatency = Timer.builder(INGEST_COMMIT)
        .description("Duration of one group-commit transaction").publishPercentileHistogram().register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public Counter eventsIngested() {
    return eventsIngested;
  }

  public Counter eventsDuplicate() {
    return eventsDuplicate;
  }

  public DistributionSummary batchSize() {
    return batchSize;
  }

  public Timer commitLatency() {
    return commitLatency;
  }

  /** Failed group commits by reason ({@code unavailable} or {@code error}). */
  public Counter ingestFailures(String reason) {
    return Counter.builder(INGEST_FAILURES).tag("reason", reason)
        .description("Group commits that failed; none of their events was acknowledged").register(registry);
  }

  /** One report run's duration ({@code echotag_report_run_seconds}). */
  public Timer reportRun(String type, String outcome) {
    return Timer.builder(REPORT_RUN).tag("report_type", type).tag("outcome", outcome)
        .description("Report runs: streaming the events of the window and aggregating them").register(registry);
  }
}
