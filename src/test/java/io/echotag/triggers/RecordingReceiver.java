package io.echotag.triggers;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.echotag.testing.TestGateway.await;

/**
 * A webhook receiver for integration tests: an HTTP server on a free port of 127.0.0.1, in a
 * Vert.x of its own, that answers {@code 200} and records every request (method, path, headers,
 * body, when it arrived). Tests give each scenario a path of its own and read the requests sent
 * to it.
 */
final class RecordingReceiver implements AutoCloseable {
  /** One request as received. Header names are lower case. */
  record Request(String method, String path, Map<String, String> headers, String body, Instant receivedAt) {
    JsonObject json() {
      return new JsonObject(body);
    }

    String header(String name) {
      return headers.get(name.toLowerCase());
    }
  }

  private final Vertx vertx;
  private final HttpServer server;
  private final List<Request> requests;

  private RecordingReceiver(Vertx vertx, HttpServer server, List<Request> requests) {
    this.vertx = vertx;
    this.server = server;
    this.requests = requests;
  }

  static RecordingReceiver start() {
    Vertx vertx = Vertx.vertx();
    List<Request> requests = new CopyOnWriteArrayList<>();
    try {
      HttpServer server = vertx.createHttpServer()
          .requestHandler(request -> request.body().onSuccess(body -> {
            Map<String, String> headers = new TreeMap<>();
            request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
            requests.add(new Request(request.method().name(), request.path(), headers, body.toString(),
                Instant.now()));
            request.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                .end("{\"ok\":true}");
          }))
          .listen(0, "127.0.0.1")
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return new RecordingReceiver(vertx, server, requests);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("receiver did not start", e);
    }
  }

  /** The URL of {@code path} on this receiver, e.g. {@code http://127.0.0.1:40123/cart}. */
  String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  /** Every request received on {@code path}, in arrival order. */
  List<Request> requests(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  /** Polls until {@code path} has received at least {@code n} requests; returns them all. */
  List<Request> awaitRequests(String path, int n, long timeoutMs) {
    await(n + " request(s) on " + path, timeoutMs, () -> requests(path).size() >= n);
    return requests(path);
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("receiver did not stop", e);
    }
  }
}
