package io.echotag.analytics;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import static io.echotag.testing.TestGateway.await;

/**
 * A test client of the realtime stream on a real Vert.x HttpClient: it parses the SSE messages
 * as they arrive, or (paused) reads nothing at all, like a stalled browser tab.
 */
final class SseClient implements AutoCloseable {
  /** One SSE message, or a comment ({@code event} null, {@code comment} set). */
  record Message(String id, String event, String data, String comment) {
    JsonObject json() {
      return new JsonObject(data);
    }
  }

  private final HttpClientAgent client;
  private final List<Message> messages = new ArrayList<>();
  private final StringBuilder pending = new StringBuilder();
  private final AtomicBoolean ended = new AtomicBoolean();
  private HttpClientRequest request;
  private int status;
  private String contentType;
  private String body = "";

  private SseClient(HttpClientAgent client) {
    this.client = client;
  }

  /** Opens {@code url} with {@code headers}; {@code paused} never reads a byte of the answer. */
  static SseClient open(Vertx vertx, String url, Map<String, String> headers, boolean paused) {
    HttpClientOptions options = new HttpClientOptions();
    if (paused) {
      options.setReceiveBufferSize(4096);
    }
    SseClient sse = new SseClient(vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(1)));
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url);
    headers.forEach(request::putHeader);
    // The whole exchange runs on one event-loop context: started from the test thread, the
    // response future would complete on a task of its own, and a short answer could end before
    // start() sets its handlers (Vert.x then refuses them with IllegalStateException).
    Promise<Void> opened = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> sse.client.request(request)
        .compose(req -> {
          sse.request = req;
          return req.send();
        })
        .compose(response -> sse.start(response, paused))
        .onComplete(opened));
    try {
      opened.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("could not open " + url, e);
    }
    return sse;
  }

  private Future<Void> start(HttpClientResponse response, boolean paused) {
    status = response.statusCode();
    contentType = response.getHeader("Content-Type");
    if (paused) {
      response.pause();
      return Future.succeededFuture();
    }
    response.endHandler(v -> ended.set(true));
    response.exceptionHandler(e -> ended.set(true));
    if (status != 200) {
      return response.body().map(b -> {
        body = b.toString();
        return null;
      });
    }
    response.handler(buffer -> receive(buffer.toString()));
    return Future.succeededFuture();
  }

  private synchronized void receive(String text) {
    pending.append(text);
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      String block = pending.substring(0, end);
      pending.delete(0, end + 2);
      String id = null;
      String event = null;
      String comment = null;
      StringBuilder data = null;
      for (String line : block.split("\n")) {
        if (line.startsWith(":")) {
          comment = line.substring(1).trim();
        } else if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line.substring(6));
        }
      }
      messages.add(new Message(id, event, data == null ? null : data.toString(), comment));
    }
  }

  int status() {
    return status;
  }

  String contentType() {
    return contentType;
  }

  JsonObject errorBody() {
    return new JsonObject(body);
  }

  synchronized List<Message> messages() {
    return List.copyOf(messages);
  }

  List<Message> events(String event) {
    return messages().stream().filter(m -> event.equals(m.event())).toList();
  }

  /** Waits for a message matching {@code match} and returns the first one. */
  Message awaitMessage(String what, Predicate<Message> match) {
    await(what, 15_000, () -> messages().stream().anyMatch(match));
    return messages().stream().filter(match).findFirst().orElseThrow();
  }

  boolean ended() {
    return ended.get();
  }

  @Override
  public void close() {
    if (request != null) {
      request.connection().close();
    }
    client.close();
  }
}
