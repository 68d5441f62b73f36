package io.echotag.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * The throughput phase's sender: ingests a fixed number of events through
 * {@code POST /v1/events/batch} as fast as the gateway takes them, {@code --batch-connections}
 * batches in flight (closed loop). Every event of a batch carries the batch's send time. A batch
 * that fails is not sent again (a retry could store it twice); its events simply do not count.
 * At the phase's deadline it stops sending and reports what was answered so far.
 */
final class BatchSender extends VerticleBase {

  private final WebhookOptions options;
  private final BadAnswers badAnswers;
  private final int batches;
  private final long deadlineNanos;
  private final Promise<Result> finished = Promise.promise();
  private HttpClientAgent client;
  private RequestOptions request;
  private int nextBatch;
  private int lanesRunning;
  private long requests;
  private long accepted;
  private long rejected;
  private long errors;
  private long failures;
  private long firstSendNanos;
  private long lastAnswerNanos;
  private boolean cutShort;

  /** What was sent and how much of it the gateway accepted. */
  record Result(long events, long requests, long accepted, long rejected, long errors,
      long failures, long firstSendNanos, long lastAnswerNanos, boolean cutShort) {
  }

  BatchSender(WebhookOptions options, BadAnswers badAnswers, long deadlineNanos) {
    this.options = options;
    this.badAnswers = badAnswers;
    this.deadlineNanos = deadlineNanos;
    this.batches = (options.events() + options.batchSize() - 1) / options.batchSize();
  }

  /** Completes once every batch has been answered or has failed, or at the deadline. */
  Future<Result> finished() {
    return finished.future();
  }

  @Override
  public Future<?> start() {
    int lanes = Math.min(options.batchConnections(), batches);
    client = vertx.createHttpClient(StampedEvents.clientOptions(),
        new PoolOptions().setHttp1MaxSize(lanes));
    request = StampedEvents.request(options, HttpMethod.POST, "/v1/events/batch");
    lanesRunning = lanes;
    long untilDeadline = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    vertx.setTimer(Math.max(1, untilDeadline), id -> {
      cutShort = true;
      finish();
    });
    for (int i = 0; i < lanes; i++) {
      next();
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return client.close();
  }

  private void next() {
    if (nextBatch >= batches || cutShort) {
      if (--lanesRunning == 0) {
        finish();
      }
      return;
    }
    int size = Math.min(options.batchSize(), options.events() - nextBatch * options.batchSize());
    long sent = System.nanoTime();
    if (nextBatch++ == 0) {
      firstSendNanos = sent;
    }
    requests++;
    Buffer body = StampedEvents.batch(size, options.visitors(), sent);
    client.request(request)
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(answer -> new Answer(resp.statusCode(), answer)))
        .onComplete(result -> {
          lastAnswerNanos = System.nanoTime();
          if (result.failed()) {
            failures++;
            badAnswers.failure(result.cause());
          } else if (result.result().status() / 100 == 2) {
            long taken = accepted(result.result().body());
            accepted += taken;
            rejected += Math.max(0, size - taken);
          } else {
            errors++;
            badAnswers.status(result.result().status(), result.result().body());
          }
          next();
        });
  }

  private void finish() {
    finished.tryComplete(new Result(options.events(), requests, accepted, rejected, errors,
        failures, firstSendNanos, lastAnswerNanos, cutShort));
  }

  /** The answer's {@code accepted} count (or, lacking it, the number of {@code ids}). */
  private static long accepted(Buffer body) {
    try {
      JsonObject json = body.toJsonObject();
      Object accepted = json.getValue("accepted");
      if (accepted instanceof Number) {
        return ((Number) accepted).longValue();
      }
      JsonArray ids = json.getJsonArray("ids");
      return ids == null ? 0 : ids.size();
    } catch (RuntimeException notTheBatchShape) {
      return 0;
    }
  }

  private record Answer(int status, Buffer body) {
  }
}
