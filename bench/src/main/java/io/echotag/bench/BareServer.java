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
import java.util.function.Function;
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
    serve("bare server", "BARE", new VertxOptions().setEventLoopPoolSize(EVENT_LOOPS),
        vertx -> deployPerLoop(vertx, EVENT_LOOPS, () -> new Instance(sharedPort(port)))
            .map(instances -> instances.get(0).actualPort()));
  }

  /**
   * Starts a bench server: a Vert.x with {@code options}, {@code deploy} on it, and once that has
   * a port, one line {@code "<banner> listening on http://127.0.0.1:<port>"} for scripts to wait
   * for. A failed start prints why and exits with 1; a started server stops on SIGTERM / Ctrl-C.
   */
  static void serve(String name, String banner, VertxOptions options, Function<Vertx, Future<Integer>> deploy) {
    Vertx vertx = Vertx.vertx(options);
    try {
      int actual = deploy.apply(vertx).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      System.out.println(banner + " listening on http://" + HOST + ":" + actual);
    } catch (Exception e) {
      System.err.println(name + ": " + e);
      close(vertx);
      System.exit(1);
    }
    // Registered only now, so a failed start does not run it on top of the close above.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> close(vertx)));
  }

  /**
   * The port every instance asks for so that they share one listening socket: Vert.x shares a
   * socket between servers asking for the same port; for "any free port" that takes a negative
   * port number (port 0 would give every instance a different port), hence -1.
   */
  static int sharedPort(int port) {
    return port == 0 ? -1 : port;
  }

  /** Deploys {@code loops} verticles from {@code create}, one per event loop, and returns them. */
  static <T extends VerticleBase> Future<List<T>> deployPerLoop(Vertx vertx, int loops, Supplier<T> create) {
    List<T> instances = new CopyOnWriteArrayList<>();
    Supplier<T> factory = () -> {
      T instance = create.get();
      instances.add(instance);
      return instance;
    };
    return vertx.deployVerticle(factory, new DeploymentOptions().setInstances(loops)).map(id -> instances);
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
