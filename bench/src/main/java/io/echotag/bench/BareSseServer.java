package io.echotag.bench;

import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonObject;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor of the realtime fan-out on this machine: the SSE ceiling, as {@link BareServer} is
 * for ingest. It speaks just enough of the gateway's realtime protocol for {@link SseBench}
 * (the stream, {@code POST /v1/events}, {@code /metrics}) and does none of its work: no
 * database, no authentication, no bus. A tracked event is framed at once (the gateway frames it
 * after its commit) and written to every stream, the same off-heap frame to every socket, on each
 * stream's own event loop; a snapshot of the gateway's size (~7 KB: counters, top pages, the
 * last 20 events) goes to every stream each second. Whatever the gateway loses against it is
 * the cost of its own work; what this server measures is what the machine allows.
 *
 * <p>Usage: {@code java -cp echotag-bench.jar io.echotag.bench.BareSseServer [--port N]}; the
 * system property {@code bare.snapshot_interval_ms} changes the snapshot interval (as
 * {@code realtime.snapshot_interval_ms} does the gateway's).
 */
public final class BareSseServer {

  private static final String HOST = "127.0.0.1";
  /** One server per event loop, one loop per core of the two-core benchmark machine. */
  private static final int EVENT_LOOPS = 2;
  /** The gateway's default {@code realtime.snapshot_interval_ms}. */
  private static final long SNAPSHOT_INTERVAL_MS = 1000;
  private static final int RECENT_EVENTS = 20;
  private static final String PROJECT = "proj_01JBAREBENCH00000000000000";

  private final List<Instance> instances = new CopyOnWriteArrayList<>();
  private final AtomicInteger subscribers = new AtomicInteger();
  private final AtomicLong sequence = new AtomicLong();
  /** The last {@link #RECENT_EVENTS} events' JSON, for snapshots; guarded by itself. */
  private final ArrayDeque<String> recent = new ArrayDeque<>();

  private BareSseServer() {
  }

  public static void main(String[] args) {
    int port = BareServer.sharedPort(BareServer.parsePort(args));
    BareSseServer server = new BareSseServer();
    BareServer.serve("bare SSE server", "BARE SSE",
        new VertxOptions().setEventLoopPoolSize(EVENT_LOOPS).setPreferNativeTransport(true),
        vertx -> BareServer.deployPerLoop(vertx, EVENT_LOOPS, () -> server.new Instance(port)).map(instances -> {
          vertx.setPeriodic(Long.getLong("bare.snapshot_interval_ms", SNAPSHOT_INTERVAL_MS),
              id -> server.broadcast(server.snapshotFrame()));
          return instances.get(0).server.actualPort();
        }));
  }

  /** Writes {@code frame} to every stream, each instance on its own event loop. */
  private void broadcast(String frame) {
    Buffer shared = offHeap(frame);
    for (Instance instance : instances) {
      instance.run(shared);
    }
  }

  /** As the gateway does: one off-heap frame for every socket, which Netty writes without a copy. */
  private static Buffer offHeap(String frame) {
    byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
    return BufferInternal.buffer(Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(bytes.length).put(bytes).flip()));
  }

  private static String frame(String id, String type, String json) {
    return "id: " + id + "\nevent: " + type + "\ndata: " + json + "\n\n";
  }

  /** The id of the {@code seq}-th tracked event: the gateway's length, numbered in order. */
  private static String eventId(long seq) {
    return "evt_" + String.format("%026d", seq);
  }

  /** A snapshot shaped like the gateway's for the SSE bench's traffic (~7 KB). */
  private String snapshotFrame() {
    StringBuilder json = new StringBuilder(8192).append("{\"project_id\":\"").append(PROJECT)
        .append("\",\"timestamp\":\"").append(Instant.now().truncatedTo(ChronoUnit.MILLIS)).append("\",\"active_visitors\":1000,")
        .append("\"events_last_minute\":60,\"events_per_second\":1.0,")
        .append("\"by_type\":[{\"event_type\":\"page_view\",\"count\":300}],\"top_pages\":[");
    for (int p = 0; p < 10; p++) {
      json.append(p == 0 ? "" : ",").append("{\"url\":\"https://example.com/p/").append(p).append("\",\"views\":6}");
    }
    json.append("],\"recent_events\":[");
    synchronized (recent) {
      json.append(String.join(",", recent));
    }
    return frame(eventId(sequence.get()), "snapshot", json.append("]}").toString());
  }

  /** One HTTP server on one event loop, with the streams it accepted (confined to that loop). */
  private final class Instance extends VerticleBase {
    private final int port;
    private final List<HttpServerResponse> streams = new ArrayList<>();
    private HttpServer server;

    Instance(int port) {
      this.port = port;
    }

    @Override
    public Future<?> start() {
      instances.add(this);
      server = vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true).setCompressionSupported(false))
          .requestHandler(this::handle);
      return server.listen(port, HOST);
    }

    void run(Buffer frame) {
      context.runOnContext(v -> writeAll(frame));
    }

    private void writeAll(Buffer frame) {
      for (HttpServerResponse stream : streams) {
        stream.write(frame);
      }
    }

    private void handle(HttpServerRequest request) {
      String path = request.path();
      if (path.equals("/v1/analytics/realtime/stream")) {
        subscribe(request.response());
      } else if (path.equals("/v1/events")) {
        request.body().onComplete(body -> {
          JsonObject input = body.succeeded() ? parse(body.result()) : null;
          if (input == null) {
            request.response().setStatusCode(400).end();
          } else {
            track(request, input);
          }
        });
      } else if (path.equals("/metrics")) {
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        request.response().end("jvm_memory_used_bytes{area=\"heap\",id=\"all\"} " + heap + "\n"
            + "echotag_sse_subscribers " + subscribers.get() + "\n");
      } else {
        request.response().setStatusCode(404).end();
      }
    }

    private static JsonObject parse(Buffer body) {
      try {
        return body.toJsonObject();
      } catch (RuntimeException e) {
        return null;
      }
    }

    private void subscribe(HttpServerResponse response) {
      response.setChunked(true)
          .putHeader("Content-Type", "text/event-stream; charset=utf-8")
          .putHeader("Cache-Control", "no-cache");
      streams.add(response);
      subscribers.incrementAndGet();
      response.closeHandler(v -> {
        streams.remove(response);
        subscribers.decrementAndGet();
      });
      response.write(Buffer.buffer(snapshotFrame()));
    }

    /** Frames the event as the gateway stores it (~370 bytes), answers 201 and writes it to every stream. */
    private void track(HttpServerRequest request, JsonObject input) {
      String id = eventId(sequence.incrementAndGet());
      String now = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
      String json = new JsonObject().put("id", id).put("project_id", PROJECT)
          .put("event_type", input.getString("event_type")).put("visitor_id", input.getString("visitor_id"))
          .put("session_id", "ses_01JBAREBENCH00000000000000").put("data", input.getJsonObject("data"))
          .put("timestamp", now).put("received_at", now).encode();
      synchronized (recent) {
        if (recent.size() == RECENT_EVENTS) {
          recent.removeFirst();
        }
        recent.addLast(json);
      }
      broadcast(frame(id, "event", json));
      request.response().setStatusCode(201).putHeader("Content-Type", "application/json; charset=utf-8").end(json);
    }
  }
}
