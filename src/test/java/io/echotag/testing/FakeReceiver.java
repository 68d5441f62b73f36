package io.echotag.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A webhook receiver for tests: an HTTP server on a free port of 127.0.0.1, with a Vert.x of its
 * own, that records every request (method, path, headers, body, arrival time) and answers from a
 * script per path — a queue of {@link Reply replies}, then a default (200 unless set). A reply can
 * carry a status, headers (Retry-After, Location), a body, a delay, or never answer at all.
 */
public final class FakeReceiver implements AutoCloseable {
  /** One request as it arrived. {@code arrivedNanos} is {@link System#nanoTime()} when its body was read. */
  public record Received(String method, String path, String query, MultiMap headers, String body,
                         Instant arrivedAt, long arrivedNanos) {
    public String header(String name) {
      return headers.get(name);
    }

    public JsonObject json() {
      return new JsonObject(body);
    }

    /** Milliseconds from this request's arrival to {@code later}'s. */
    public long millisUntil(Received later) {
      return TimeUnit.NANOSECONDS.toMillis(later.arrivedNanos - arrivedNanos);
    }
  }

  /** How to answer one request. Immutable; the {@code with*} methods return copies. */
  public record Reply(int status, Map<String, String> headers, String body, long delayMs, boolean hangs) {
    public static Reply status(int status) {
      return new Reply(status, Map.of(), "", 0, false);
    }

    public static Reply ok() {
      return status(200);
    }

    /** Reads the request and never answers: the connection stays open until the caller gives up. */
    public static Reply hang() {
      return new Reply(0, Map.of(), null, 0, true);
    }

    public Reply withHeader(String name, String value) {
      Map<String, String> copy = new LinkedHashMap<>(headers);
      copy.put(name, value);
      return new Reply(status, Map.copyOf(copy), body, delayMs, hangs);
    }

    public Reply withBody(String text) {
      return new Reply(status, headers, text, delayMs, hangs);
    }

    public Reply after(long millis) {
      return new Reply(status, headers, body, millis, hangs);
    }
  }

  private final Vertx vertx;
  private final HttpServer server;
  private final Map<String, Deque<Reply>> scripts = new ConcurrentHashMap<>();
  private final Map<String, Reply> defaults = new ConcurrentHashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<HttpServerRequest> hanging = new CopyOnWriteArrayList<>();
  private final Map<String, int[]> concurrency = new ConcurrentHashMap<>();

  private FakeReceiver(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  public static FakeReceiver start() {
    Vertx vertx = Vertx.vertx();
    FakeReceiver[] self = new FakeReceiver[1];
    HttpServer server = vertx.createHttpServer().requestHandler(request -> self[0].handle(request));
    self[0] = new FakeReceiver(vertx, server);
    try {
      server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("fake receiver did not start", e);
    }
    return self[0];
  }

  public int port() {
    return server.actualPort();
  }

  /** {@code http://127.0.0.1:<port><path>}. */
  public String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  /** Queues replies for {@code path}, answered in order before the default. */
  public FakeReceiver script(String path, Reply... replies) {
    Deque<Reply> queue = scripts.computeIfAbsent(path, p -> new ArrayDeque<>());
    synchronized (queue) {
      queue.addAll(List.of(replies));
    }
    return this;
  }

  /** The reply for {@code path} once its script is used up (200 with an empty body unless set). */
  public FakeReceiver always(String path, Reply reply) {
    defaults.put(path, reply);
    return this;
  }

  /** Every request to {@code path}, in arrival order. */
  public List<Received> requests(String path) {
    List<Received> out = new ArrayList<>();
    for (Received r : received) {
      if (r.path().equals(path)) {
        out.add(r);
      }
    }
    return out;
  }

  public List<Received> requests() {
    return List.copyOf(received);
  }

  /** Polls until {@code path} has received at least {@code count} requests; returns them all. */
  public List<Received> await(String path, int count, long timeoutMs) {
    TestGateway.await(count + " request(s) to " + path + " (got " + requests(path).size() + " so far)",
        timeoutMs, () -> requests(path).size() >= count);
    return requests(path);
  }

  /** Requests that were read and left unanswered ({@link Reply#hang()}) and whose connection is still open. */
  public int hangingCount() {
    return hanging.size();
  }

  /** Closes the connection of every request left hanging, so its sender sees a reset; returns how many. */
  public int dropHanging() {
    List<HttpServerRequest> open = List.copyOf(hanging);
    open.forEach(request -> request.connection().close());
    return open.size();
  }

  /** The most requests to {@code path} that were under way (arrived, not yet answered) at once. */
  public int maxConcurrent(String path) {
    int[] c = concurrency.get(path);
    return c == null ? 0 : c[1];
  }

  private void handle(HttpServerRequest request) {
    // {in flight, most at once}; the receiver runs on one event loop
    int[] c = concurrency.computeIfAbsent(request.path(), p -> new int[2]);
    c[0]++;
    c[1] = Math.max(c[1], c[0]);
    boolean[] done = new boolean[1];
    Runnable finished = () -> {
      if (!done[0]) {
        done[0] = true;
        c[0]--;
      }
    };
    request.response().endHandler(v -> finished.run());
    request.response().closeHandler(v -> finished.run());
    request.body().onSuccess(buffer -> {
      received.add(new Received(request.method().name(), request.path(), request.query(),
          MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), buffer.toString(),
          Instant.now(), System.nanoTime()));
      Reply reply = next(request.path());
      if (reply.hangs()) {
        hanging.add(request);
        request.response().closeHandler(v -> {
          hanging.remove(request);
          finished.run();
        });
        return;
      }
      if (reply.delayMs() > 0) {
        vertx.setTimer(reply.delayMs(), id -> answer(request, reply));
      } else {
        answer(request, reply);
      }
    });
  }

  private Reply next(String path) {
    Deque<Reply> queue = scripts.get(path);
    if (queue != null) {
      synchronized (queue) {
        Reply scripted = queue.poll();
        if (scripted != null) {
          return scripted;
        }
      }
    }
    return defaults.getOrDefault(path, Reply.ok());
  }

  private static void answer(HttpServerRequest request, Reply reply) {
    if (request.response().closed()) {
      return;
    }
    request.response().setStatusCode(reply.status());
    reply.headers().forEach((name, value) -> request.response().putHeader(name, value));
    request.response().end(reply.body() == null ? "" : reply.body());
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("fake receiver did not stop", e);
    }
  }
}
