package io.echotag.bench;

import io.vertx.core.Future;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The floor under durable ingest on this machine: the least a server can do and still answer
 * {@code 201} only for committed events. Shaped like the gateway (one HTTP server per event
 * loop), it parses each body, checks {@code event_type} and {@code visitor_id}, and group-commits
 * per loop: while one INSERT is in flight the next requests wait, then go together in one
 * statement into the gateway's own {@code events} table (its indexes included). No API key, no
 * visitors, sessions, rollups or outboxes: what the gateway does beyond this floor is the
 * contract's per-event work. With {@code --work contract} each commit also does the least of that
 * work the answer depends on: sessions and visitor profiles ({@link ContractFloor}).
 *
 * <p>Usage: {@code java -cp echotag-bench.jar io.echotag.bench.DurableFloorServer --database
 * postgresql://user@host:port/db [--port N] [--work events|contract]}. Prints {@code FLOOR
 * listening on http://...}.
 */
public final class DurableFloorServer {

  private static final String HOST = "127.0.0.1";
  /** As {@link BareServer}: one server per event loop, one loop per core. */
  private static final int EVENT_LOOPS = 2;
  /** The gateway's {@code ingest.max_batch} default. */
  private static final int MAX_BATCH = 500;
  private static final String PROJECT = "prj_floor";
  private static final String INSERT = "INSERT INTO events (project_id, id, event_type, visitor_id, data, "
      + "\"timestamp\", received_at) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], "
      + "$5::jsonb[], $6::timestamptz[], $7::timestamptz[])";

  private DurableFloorServer() {
  }

  public static void main(String[] args) {
    Map<String, String> options = parse(args);
    int port = BareServer.sharedPort(Integer.parseInt(options.getOrDefault("--port", "0")));
    PgConnectOptions database = PgConnectOptions.fromUri(options.get("--database"));
    boolean contract = options.getOrDefault("--work", "events").equals("contract");
    String prefix = "evt_floor_" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "_";
    AtomicInteger created = new AtomicInteger();
    BareServer.serve("floor server", "FLOOR", new VertxOptions().setEventLoopPoolSize(EVENT_LOOPS),
        vertx -> BareServer.deployPerLoop(vertx, EVENT_LOOPS,
                () -> new Instance(port, database, prefix + created.getAndIncrement() + "_", contract))
            .map(instances -> instances.get(0).actualPort()));
  }

  private static Map<String, String> parse(String[] args) {
    if (args.length % 2 == 0) {
      Map<String, String> options = new HashMap<>();
      for (int i = 0; i < args.length; i += 2) {
        options.put(args[i], args[i + 1]);
      }
      if (options.containsKey("--database") && options.keySet().stream().allMatch(k -> k.equals("--database")
          || k.equals("--port") || k.equals("--work")) && options.getOrDefault("--port", "0").matches("\\d{1,5}")
          && options.getOrDefault("--work", "events").matches("events|contract")) {
        return options;
      }
    }
    System.err.println("usage: DurableFloorServer --database postgresql://user@host:port/db [--port N] "
        + "[--work events|contract]");
    System.exit(2);
    return Map.of();
  }

  /** One HTTP server and one database connection on one event loop, with its group commit. */
  static final class Instance extends VerticleBase {
    private record Waiting(JsonObject event, OffsetDateTime receivedAt, HttpServerRequest request) {
    }

    private final int port;
    private final PgConnectOptions database;
    private final String idPrefix;
    private final boolean contract;
    private final List<Waiting> queue = new ArrayList<>();
    private long nextId;
    private boolean committing;
    private HttpServer server;
    private Pool pool;

    Instance(int port, PgConnectOptions database, String idPrefix, boolean contract) {
      this.port = port;
      this.database = database;
      this.idPrefix = idPrefix;
      this.contract = contract;
    }

    int actualPort() {
      return server.actualPort();
    }

    @Override
    public Future<?> start() {
      pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(database).using(vertx).build();
      server = vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true)).requestHandler(this::handle);
      Future<?> project = contract ? pool.query(ContractFloor.CREATE_PROJECT).execute() : Future.succeededFuture();
      return project.compose(ok -> server.listen(port, HOST));
    }

    private void handle(HttpServerRequest request) {
      request.body().onComplete(body -> {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        JsonObject event = body.succeeded() ? parse(body.result(), now) : null;
        if (event == null) {
          answer(request, 400, "{\"error\":{\"code\":\"invalid_event\"}}");
          return;
        }
        queue.add(new Waiting(event, OffsetDateTime.ofInstant(now, ZoneOffset.UTC), request));
        commitIfIdle();
      });
    }

    /** The stored event, or null when the body is no JSON object with string type and visitor. */
    private JsonObject parse(Buffer body, Instant now) {
      try {
        JsonObject in = body.toJsonObject();
        if (!(in.getValue("event_type") instanceof String type) || !(in.getValue("visitor_id") instanceof String visitor)) {
          return null;
        }
        String at = now.toString();
        return new JsonObject().put("id", idPrefix + nextId++).put("project_id", contract ? ContractFloor.PROJECT : PROJECT)
            .put("event_type", type)
            .put("visitor_id", visitor).put("data", in.getJsonObject("data", new JsonObject()))
            .put("timestamp", at).put("received_at", at);
      } catch (RuntimeException e) {
        return null;
      }
    }

    private void commitIfIdle() {
      if (committing || queue.isEmpty()) {
        return;
      }
      List<Waiting> batch = new ArrayList<>(queue.subList(0, Math.min(queue.size(), MAX_BATCH)));
      queue.subList(0, batch.size()).clear();
      committing = true;
      Future<?> committed = contract
          ? pool.withConnection(conn -> ContractFloor.commit(conn, events(batch), batch.get(batch.size() - 1).receivedAt()))
          : pool.preparedQuery(INSERT).execute(rows(batch));
      committed.onComplete(ar -> {
        committing = false;
        for (Waiting w : batch) {
          if (ar.succeeded()) {
            answer(w.request(), 201, w.event().encode());
          } else {
            answer(w.request(), 503, "{\"error\":{\"code\":\"unavailable\"}}");
          }
        }
        commitIfIdle();
      });
    }

    private static List<JsonObject> events(List<Waiting> batch) {
      List<JsonObject> events = new ArrayList<>(batch.size());
      for (Waiting w : batch) {
        events.add(w.event());
      }
      return events;
    }

    private static Tuple rows(List<Waiting> batch) {
      int n = batch.size();
      String[] projects = new String[n];
      String[] ids = new String[n];
      String[] types = new String[n];
      String[] visitors = new String[n];
      JsonObject[] data = new JsonObject[n];
      OffsetDateTime[] times = new OffsetDateTime[n];
      for (int i = 0; i < n; i++) {
        JsonObject e = batch.get(i).event();
        projects[i] = e.getString("project_id");
        ids[i] = e.getString("id");
        types[i] = e.getString("event_type");
        visitors[i] = e.getString("visitor_id");
        data[i] = e.getJsonObject("data");
        times[i] = batch.get(i).receivedAt();
      }
      return Tuple.tuple().addArrayOfString(projects).addArrayOfString(ids).addArrayOfString(types)
          .addArrayOfString(visitors).addArrayOfJsonObject(data).addArrayOfOffsetDateTime(times)
          .addArrayOfOffsetDateTime(times);
    }

    private static void answer(HttpServerRequest request, int status, String body) {
      request.response().setStatusCode(status)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8").end(body);
    }
  }
}
