package io.echotag.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * Drives a share of the connections from one event loop, closed loop: each connection sends its
 * next request as soon as the previous answer has been read, so there is exactly one request in
 * flight per connection and throughput is what the server can sustain at that concurrency.
 */
final class Driver extends VerticleBase {

  private static final long CONNECT_TIMEOUT_MS = 5_000;
  private static final long REQUEST_TIMEOUT_MS = 10_000;
  /** A pause after a transport failure, so a dead server does not turn into a busy loop. */
  private static final long RETRY_DELAY_MS = 50;
  /** Time given to in-flight requests after the window closes, so connections end cleanly. */
  static final long DRAIN_GRACE_MS = 5_000;

  private final LoadOptions options;
  private final int connections;
  private final Window window;
  private final BadAnswers badAnswers;
  private final Payloads payloads;
  private final Tally tally = new Tally();
  private final Promise<Tally> finished = Promise.promise();
  private HttpClientAgent client;
  private HttpConnectOptions connect;
  private RequestOptions request;
  private int running;

  Driver(LoadOptions options, int connections, Window window, BadAnswers badAnswers) {
    this.options = options;
    this.connections = connections;
    this.window = window;
    this.badAnswers = badAnswers;
    this.payloads = new Payloads(options.mode(), options.batchSize(), options.visitors());
  }

  /** Completes with this driver's tally once its connections are idle or the grace ran out. */
  Future<Tally> finished() {
    return finished.future();
  }

  @Override
  public Future<?> start() {
    client = vertx.createHttpClient(clientOptions());
    connect = new HttpConnectOptions().setHost(options.host()).setPort(options.port());
    request = requestOptions();
    running = connections;
    for (int i = 0; i < connections; i++) {
      new Lane().next();
    }
    long untilStop = TimeUnit.NANOSECONDS.toMillis(window.stopAt() - System.nanoTime());
    vertx.setTimer(Math.max(1, untilStop) + DRAIN_GRACE_MS, id -> finished.tryComplete(tally));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return client.close();
  }

  private static HttpClientOptions clientOptions() {
    return new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_1_1)
        .setKeepAlive(true)
        .setPipelining(false)
        .setTcpNoDelay(true)
        .setConnectTimeout((int) CONNECT_TIMEOUT_MS);
  }

  private RequestOptions requestOptions() {
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setHost(options.host())
        .setPort(options.port())
        .setURI(options.path())
        .setIdleTimeout(REQUEST_TIMEOUT_MS)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    if (options.key() != null && !options.key().isBlank()) {
      request.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + options.key());
    }
    return request;
  }

  private void onAnswer(Answer answer, long latencyNanos, long now) {
    boolean ok = answer.status() >= 200 && answer.status() < 300;
    if (!ok) {
      badAnswers.status(answer.status(), answer.body());
    }
    if (!window.measures(now)) {
      return;
    }
    if (ok) {
      long accepted = accepted(answer.body());
      long rejected = Math.max(0, options.eventsPerRequest() - accepted);
      tally.recordOk(latencyNanos, accepted, rejected, now);
    } else {
      tally.recordError(now);
    }
  }

  private void onFailure(Throwable cause, long now) {
    badAnswers.failure(cause);
    if (window.measures(now)) {
      tally.recordFailure(now);
    }
  }

  /**
   * Events the server took. A batch answer may accept only part of the batch and says how many
   * in "accepted"; anything else (single events, the bare server) counts as all accepted.
   */
  private long accepted(Buffer body) {
    if (options.mode() != Mode.BATCH) {
      return 1;
    }
    try {
      JsonObject json = body.toJsonObject();
      Object accepted = json.getValue("accepted");
      if (accepted instanceof Number) {
        return ((Number) accepted).longValue();
      }
      JsonArray ids = json.getJsonArray("ids");
      return ids == null ? options.batchSize() : ids.size();
    } catch (RuntimeException notTheBatchShape) {
      return options.batchSize();
    }
  }

  private void connectionDone() {
    if (--running == 0) {
      finished.tryComplete(tally);
    }
  }

  /** One keep-alive connection and the request loop that runs on it. */
  private final class Lane {

    private HttpClientConnection connection;

    void next() {
      if (!window.tryIssue(System.nanoTime())) {
        close();
        connectionDone();
        return;
      }
      if (connection != null) {
        send(connection);
        return;
      }
      client.connect(connect).onComplete(result -> {
        if (result.succeeded()) {
          attach(result.result());
          send(connection);
        } else {
          retry(result.cause());
        }
      });
    }

    private void attach(HttpClientConnection opened) {
      connection = opened;
      // The server may close a keep-alive connection (after an error, say): open a new one.
      opened.closeHandler(v -> {
        if (connection == opened) {
          connection = null;
        }
      });
    }

    private void send(HttpClientConnection on) {
      Buffer body = payloads.next();
      long sent = System.nanoTime();
      on.request(request)
          .compose(req -> req.send(body))
          .compose(resp -> resp.body().map(answer -> new Answer(resp.statusCode(), answer)))
          .onComplete(result -> {
            if (result.succeeded()) {
              long now = System.nanoTime();
              onAnswer(result.result(), now - sent, now);
              next();
            } else {
              retry(result.cause());
            }
          });
    }

    private void retry(Throwable cause) {
      onFailure(cause, System.nanoTime());
      close();
      vertx.setTimer(RETRY_DELAY_MS, id -> next());
    }

    private void close() {
      if (connection != null) {
        connection.close();
        connection = null;
      }
    }
  }

  private record Answer(int status, Buffer body) {
  }
}
