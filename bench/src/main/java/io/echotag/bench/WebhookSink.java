package io.echotag.bench;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;

/**
 * The webhook receiver: an HTTP server on 127.0.0.1 that answers {@code 200} as soon as a
 * request's body is in, then reads {@code data.data.bench_sent_ns} from the payload and records
 * send → receive latency. The sender runs in the same JVM, so both ends use System.nanoTime().
 *
 * <p>Deliveries are at least once: the first request with a given {@code webhook-id} counts,
 * later ones only as duplicates. Each delivery is put in a phase by the send time it carries:
 * inside the latency phase's measured window, after the throughput phase began, or neither
 * (warm-up). A receipt only appends its send and receive times; phases are sorted out when the
 * main thread asks, so the request path is the same code before, in and after the window (see
 * {@link OpenLoopSender} for what a branch there cost). State is shared with the main thread, so
 * every access holds the lock; at a few thousand requests a second it is never contended in a
 * way that matters.
 */
final class WebhookSink extends VerticleBase {

  static final String HOST = "127.0.0.1";
  static final String PATH = "/hook";
  /** Latencies above this are clamped; every wait of the benchmark is far shorter. */
  static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);
  private static final int SAMPLES = 5;
  private static final int SAMPLE_CHARS = 300;

  private final Set<String> webhookIds = new HashSet<>();
  /** First receipts with a send time: send and receive times, in arrival order. */
  private long[] sentAt = new long[1 << 16];
  private long[] receivedAt = new long[1 << 16];
  private int receipts;
  private Window latencyWindow;
  private boolean throughputStarted;
  private long throughputFrom;
  private long requests;
  private long duplicates;
  private long withoutId;
  private long unparsable;
  private long otherPaths;
  private HttpServer server;

  /** Deliveries of one phase: first receipts only. */
  static final class Phase {
    /** Deliveries slower than the webhook latency target count as slow. */
    static final long SLOW_MICROS = TimeUnit.MILLISECONDS.toMicros(50);
    /** Slow deliveries are counted per slot of this length of send time. */
    static final long SLOT_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    final Histogram latencyMicros = new Histogram(HIGHEST_MICROS, 3);
    /** Slow deliveries by slot of send time (slot 0 starts at {@link #slotsFrom}). */
    final Map<Long, Integer> slowBySlot = new HashMap<>();
    long slotsFrom;
    long received;
    long lastReceivedNanos;

    void record(long sentNanos, long receivedNanos) {
      received++;
      lastReceivedNanos = Math.max(lastReceivedNanos, receivedNanos);
      long micros = TimeUnit.NANOSECONDS.toMicros(Math.max(0, receivedNanos - sentNanos));
      latencyMicros.recordValue(Math.min(HIGHEST_MICROS, micros));
      if (micros > SLOW_MICROS) {
        slowBySlot.merge((sentNanos - slotsFrom) / SLOT_NANOS, 1, Integer::sum);
      }
    }
  }

  /** Counters over every request the sink saw. */
  record Totals(long requests, long distinctIds, long duplicates, long withoutId, long unparsable,
      long otherPaths, long outsideDeliveries) {
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
        .requestHandler(this::handle);
    return server.listen(0, HOST);
  }

  @Override
  public Future<?> stop() {
    return server.close();
  }

  int port() {
    return server.actualPort();
  }

  String url() {
    return "http://" + HOST + ":" + port() + PATH;
  }

  /** Deliveries of events sent inside this window count for the latency phase. */
  synchronized void latencyWindow(Window window) {
    latencyWindow = window;
  }

  /** Deliveries of events sent at or after {@code nanos} count for the throughput phase. */
  synchronized void throughputFrom(long nanos) {
    throughputStarted = true;
    throughputFrom = nanos;
  }

  synchronized Phase latency() {
    return phase(p -> p == PhaseOf.LATENCY);
  }

  synchronized Phase throughput() {
    return phase(p -> p == PhaseOf.THROUGHPUT);
  }

  synchronized long latencyReceived() {
    return count(p -> p == PhaseOf.LATENCY);
  }

  /** Deliveries of every event the latency phase sent, warm-up included. */
  synchronized long latencyPhaseReceived() {
    return count(p -> p != PhaseOf.THROUGHPUT);
  }

  synchronized long throughputReceived() {
    return count(p -> p == PhaseOf.THROUGHPUT);
  }

  synchronized Totals totals() {
    return new Totals(requests, webhookIds.size(), duplicates, withoutId, unparsable, otherPaths,
        count(p -> p == PhaseOf.OUTSIDE));
  }

  private enum PhaseOf { OUTSIDE, LATENCY, THROUGHPUT }

  private Phase phase(Predicate<PhaseOf> wanted) {
    Phase phase = new Phase();
    phase.slotsFrom = latencyWindow == null ? 0 : latencyWindow.measureFrom();
    for (int i = 0; i < receipts; i++) {
      if (wanted.test(phaseOf(sentAt[i]))) {
        phase.record(sentAt[i], receivedAt[i]);
      }
    }
    return phase;
  }

  private long count(Predicate<PhaseOf> wanted) {
    long count = 0;
    for (int i = 0; i < receipts; i++) {
      if (wanted.test(phaseOf(sentAt[i]))) {
        count++;
      }
    }
    return count;
  }

  private void handle(HttpServerRequest request) {
    request.body().onComplete(body -> {
      long received = System.nanoTime();
      // Answer first: the receiver must cost the gateway as little time as possible.
      request.response().setStatusCode(200).end();
      if (body.succeeded()) {
        record(request.path(), request.getHeader("webhook-id"), body.result(), received);
      }
    });
  }

  private void record(String path, String webhookId, Buffer body, long received) {
    Long sent = sentNanos(body);
    synchronized (this) {
      requests++;
      if (!PATH.equals(path)) {
        otherPaths++;
      }
      if (webhookId == null || webhookId.isEmpty()) {
        withoutId++;
      } else if (!webhookIds.add(webhookId)) {
        duplicates++;
        return;
      }
      if (sent == null) {
        if (unparsable++ < SAMPLES) {
          System.err.println("sink: a delivery without data.data.bench_sent_ns: "
              + abbreviate(body.toString()));
        }
        return;
      }
      if (receipts == sentAt.length) {
        sentAt = Arrays.copyOf(sentAt, receipts * 2);
        receivedAt = Arrays.copyOf(receivedAt, receipts * 2);
      }
      sentAt[receipts] = sent;
      receivedAt[receipts] = received;
      receipts++;
    }
  }

  private PhaseOf phaseOf(long sent) {
    // Comparisons of nanoTime values go through a difference, as its Javadoc asks.
    if (throughputStarted && sent - throughputFrom >= 0) {
      return PhaseOf.THROUGHPUT;
    }
    if (latencyWindow != null && latencyWindow.measures(sent)) {
      return PhaseOf.LATENCY;
    }
    return PhaseOf.OUTSIDE;
  }

  /** {@code data.data.bench_sent_ns} of a subscription payload, or null. */
  private static Long sentNanos(Buffer body) {
    try {
      JsonObject event = new JsonObject(body).getJsonObject("data");
      JsonObject data = event == null ? null : event.getJsonObject("data");
      Object sent = data == null ? null : data.getValue("bench_sent_ns");
      return sent instanceof Number ? ((Number) sent).longValue() : null;
    } catch (RuntimeException notJson) {
      return null;
    }
  }

  private static String abbreviate(String text) {
    String flat = text.replace('\n', ' ');
    return flat.length() <= SAMPLE_CHARS ? flat : flat.substring(0, SAMPLE_CHARS) + "...";
  }
}
