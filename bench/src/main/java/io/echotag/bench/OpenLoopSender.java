package io.echotag.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The latency phase's sender: single events to {@code POST /v1/events} on a fixed schedule
 * (open loop). Event k is due at start + k / rate; a 1 ms timer sends every due event, whatever
 * happened to the earlier ones, so a slow gateway does not slow the sending down (it piles up
 * requests in flight instead). Requests are spread over a small pool of keep-alive connections.
 * Only past {@code --max-in-flight} unanswered requests does sending wait, and then it falls
 * behind schedule; the largest delay of a send in the measured window is reported as the send
 * lag.
 *
 * <p>Requests go through a pool of keep-alive connections that opens a new connection only when
 * every open one is busy, up to {@code --connections}; at a steady rate a handful suffice. Past
 * that, requests wait in the client for a free connection, which a real population of clients
 * would not do, so that wait is measured and reported apart (connection wait).
 *
 * <p>Each event carries its actual send time, which is also what the ingest answer's latency is
 * measured from.
 *
 * <p>Warm-up and measured sends run the same code: each send's times go into arrays indexed by
 * event, and the window's figures are taken from them when the phase ends. (With a branch on
 * "measured" in the send path, the JIT compiled the warm-up without it, and at the window's start
 * the bench JVM deoptimized and recompiled its own sender and sink, on the cores the gateway and
 * PostgreSQL share, while it took the window's first time stamps.)
 */
final class OpenLoopSender extends VerticleBase {

  /** After the schedule: the longest a request can still take (pool wait + answer), plus slack. */
  private static final long FINISH_GRACE_MS = 2 * StampedEvents.REQUEST_TIMEOUT_MS + 5_000;

  private final WebhookOptions options;
  private final WebhookSink sink;
  private final long total;
  private final double nanosPerEvent;
  private final BadAnswers badAnswers;
  private final Promise<Result> finished = Promise.promise();
  /** Per event (index = its place in the schedule): when it was sent, got a connection, was answered 2xx. */
  private final long[] sentAt;
  private final long[] connectedAt;
  private final long[] okAt;
  private Window window;
  private long startNanos;
  private HttpClientAgent client;
  private RequestOptions request;
  private long timerId = -1;
  private long issued;
  private long inFlight;
  private long peakInFlight;
  /** Counted by the pool's connect handler, which need not run on this verticle's loop. */
  private final AtomicLong connectionsOpened = new AtomicLong();
  private long ok;
  private long errors;
  private long failures;

  /** The schedule's time line; set once the verticle has started. */
  Window window() {
    return window;
  }

  /** What the phase sent and what the gateway answered (the window's figures). */
  record Result(Window window, long scheduled, long issued, long sentInWindow, long okInWindow,
      long ok, long errors, long failures, long maxLagNanos, long lastMeasuredSendNanos,
      long peakInFlight, long connectionsOpened, Histogram ackMicros,
      Histogram connectionWaitMicros) {
  }

  OpenLoopSender(WebhookOptions options, WebhookSink sink, BadAnswers badAnswers) {
    this.options = options;
    this.sink = sink;
    this.total = options.latencyEvents();
    this.nanosPerEvent = TimeUnit.SECONDS.toNanos(1) / (double) options.rate();
    this.badAnswers = badAnswers;
    this.sentAt = new long[Math.toIntExact(total)];
    this.connectedAt = new long[sentAt.length];
    this.okAt = new long[sentAt.length];
  }

  /** Completes once every request has been answered or has failed (bounded). */
  Future<Result> finished() {
    return finished.future();
  }

  @Override
  public Future<?> start() {
    client = vertx.httpClientBuilder()
        .with(StampedEvents.clientOptions())
        .with(new PoolOptions()
            .setHttp1MaxSize(options.connections())
            .setMaxWaitQueueSize(options.maxInFlight()))
        .withConnectHandler(connection -> connectionsOpened.incrementAndGet())
        .build();
    request = StampedEvents.request(options, HttpMethod.POST, "/v1/events");
    // The schedule starts here, on the sender's event loop, so that deploying the verticle does
    // not show up as send lag; the sink learns the measured window before the first send.
    startNanos = System.nanoTime();
    window = new Window(startNanos, TimeUnit.SECONDS.toNanos(options.warmupSeconds()),
        TimeUnit.SECONDS.toNanos(options.durationSeconds()), total);
    sink.latencyWindow(window);
    timerId = vertx.setPeriodic(1, id -> tick());
    long scheduleMs = TimeUnit.NANOSECONDS.toMillis(window.stopAt() - System.nanoTime());
    vertx.setTimer(Math.max(1, scheduleMs) + FINISH_GRACE_MS, id -> finish());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return client.close();
  }

  private void tick() {
    long now = System.nanoTime();
    long due = now - startNanos < 0 ? 0
        : Math.min(total, (long) ((now - startNanos) / nanosPerEvent) + 1);
    while (issued < due && inFlight < options.maxInFlight()) {
      send();
    }
    if (issued >= total) {
      vertx.cancelTimer(timerId);
      if (inFlight == 0) {
        finish();
      }
    }
  }

  private void send() {
    int event = (int) issued++;
    peakInFlight = Math.max(peakInFlight, ++inFlight);
    long sent = System.nanoTime();
    sentAt[event] = sent;
    Buffer body = StampedEvents.single(options.visitors(), sent);
    client.request(request)
        .compose(req -> {
          // The request has a connection now: everything before was waiting in the client.
          connectedAt[event] = System.nanoTime();
          return req.send(body);
        })
        .compose(resp -> resp.body().map(answer -> {
          if (resp.statusCode() < 200 || resp.statusCode() >= 300) {
            badAnswers.status(resp.statusCode(), answer);
          }
          return resp.statusCode();
        }))
        .onComplete(result -> {
          inFlight--;
          if (result.failed()) {
            failures++;
            badAnswers.failure(result.cause());
          } else if (result.result() >= 200 && result.result() < 300) {
            ok++;
            okAt[event] = System.nanoTime();
          } else {
            errors++;
          }
          if (issued >= total && inFlight == 0) {
            finish();
          }
        });
  }

  /** Event {@code k}'s place in the schedule. */
  private long dueNanos(long k) {
    return startNanos + (long) (k * nanosPerEvent);
  }

  private static void record(Histogram histogram, long nanos) {
    long micros = TimeUnit.NANOSECONDS.toMicros(Math.max(0, nanos));
    histogram.recordValue(Math.min(WebhookSink.HIGHEST_MICROS, micros));
  }

  /** The window's figures, from the sends made in it (answers still outstanding count as not ok). */
  private void finish() {
    vertx.cancelTimer(timerId);
    Histogram ackMicros = new Histogram(WebhookSink.HIGHEST_MICROS, 3);
    Histogram connectionWaitMicros = new Histogram(WebhookSink.HIGHEST_MICROS, 3);
    long sentInWindow = 0;
    long okInWindow = 0;
    long maxLagNanos = 0;
    long lastMeasuredSendNanos = 0;
    for (int k = 0; k < issued; k++) {
      long sent = sentAt[k];
      if (!window.measures(sent)) {
        continue;
      }
      sentInWindow++;
      lastMeasuredSendNanos = sent;
      maxLagNanos = Math.max(maxLagNanos, sent - dueNanos(k));
      if (connectedAt[k] != 0) {
        record(connectionWaitMicros, connectedAt[k] - sent);
      }
      if (okAt[k] != 0) {
        okInWindow++;
        record(ackMicros, okAt[k] - sent);
      }
    }
    finished.tryComplete(new Result(window, total, issued, sentInWindow, okInWindow, ok, errors,
        failures, maxLagNanos, lastMeasuredSendNanos, peakInFlight, connectionsOpened.get(),
        ackMicros, connectionWaitMicros));
  }
}
