package io.echotag.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The ceiling to compare the gateway against: a Vert.x HTTP server with the gateway's shape
 * (one server instance per event loop, body read in full, 201 with an event-sized JSON answer)
 * that does no other work. Whatever the gateway loses against it is the cost of its own work.
 *
 * <p>Usage: {@code java -cp echotag-bench.jar io.echotag.bench.BareServer [--port N]}.
 */
public final class BareServer {

  private static final String HOST = "127.0.0.1";
  /** One server per event loop, one loop per core of the two-core benchmark machine. */
  private static final int EVENT_LOOPS = 2;

  private BareServer() {
  }

  public static void main(String[] args) {
    int port = parsePort(args);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(EVENT_LOOPS));
    try {
      int actual = deploy(vertx, port).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      System.out.println("BARE listening on http://" + HOST + ":" + actual);
    } catch (Exception e) {
      System.err.println("bare server: " + e);
      close(vertx);
      System.exit(1);
    }
    // Registered only now, so a failed start does not run it on top of the close above.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> close(vertx)));
  }

  /**
   * Deploys one instance per event loop on one port. Vert.x shares a listening socket between
   * servers asking for the same port; for "any free port" that takes a negative port number
   * (port 0 would give every instance a different port), hence -1.
   */
  private static Future<Integer> deploy(Vertx vertx, int port) {
    int shared = port == 0 ? -1 : port;
    List<Instance> instances = new CopyOnWriteArrayList<>();
    Supplier<Instance> factory = () -> {
      Instance instance = new Instance(shared);
      instances.add(instance);
      return instance;
    };
    return vertx.deployVerticle(factory, new DeploymentOptions().setInstances(EVENT_LOOPS))
        .map(id -> instances.get(0).actualPort());
  }

  static int parsePort(String[] args) {
    if (args.length == 0) {
      return 0;
    }
    if (args.length == 2 && args[0].equals("--port") && args[1].matches("\\d{1,5}")) {
      int port = Integer.parseInt(args[1]);
      if (port <= 65_535) {
        return port;
      }
    }
    System.err.println("usage: BareServer [--port N]   (N in 0..65535, 0 = any free port)");
    System.exit(2);
    return -1;
  }

  static void close(Vertx vertx) {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("bare server: closing: " + e);
    }
  }

  /** One HTTP server on one event loop. */
  static final class Instance extends VerticleBase {

    /** Shaped like a stored event (~250 bytes), so the response costs what the gateway's does. */
    private static final Buffer ANSWER = Buffer.buffer("{\"id\":\"evt_01JBENCH0000000001\","
        + "\"project_id\":\"proj_01JBENCH000001\",\"event_type\":\"page_view\","
        + "\"visitor_id\":\"v1234\",\"session_id\":\"ses_01JBENCH000001\","
        + "\"data\":{\"url\":\"https://example.com/p/1234\",\"title\":\"Bench\"},"
        + "\"timestamp\":\"2025-01-27T10:15:30.123Z\"}");

    private final int port;
    private HttpServer server;

    Instance(int port) {
      this.port = port;
    }

    int actualPort() {
      return server.actualPort();
    }

    @Override
    public Future<?> start() {
      server = vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
          .requestHandler(Instance::handle);
      return server.listen(port, HOST);
    }

    private static void handle(HttpServerRequest request) {
      // Read the whole body, as a real handler must, before answering.
      request.body().onComplete(body -> request.response()
          .setStatusCode(body.succeeded() ? 201 : 400)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
          .end(ANSWER));
    }
  }
}
