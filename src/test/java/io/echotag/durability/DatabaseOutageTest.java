package io.echotag.durability;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "never lost" promise while the database is away: the gateway keeps answering, refuses to
 * acknowledge what it cannot store, and recovers on its own once PostgreSQL is back. Each test runs
 * its own PostgreSQL on a fixed data directory and port, so stopping and starting it again is an
 * outage of the same server, not a new one.
 */
@DisplayName("A PostgreSQL outage")
class DatabaseOutageTest {
  /** A refused connection must be answered well before any client's own timeout. */
  static final Duration FAST_ANSWER = Duration.ofSeconds(4);
  /** A server that never answers is given up on after the pool's wait (5 s), not after a client timeout. */
  static final Duration HUNG_ANSWER = Duration.ofSeconds(10);
  /** Well below Gateway.STOP_TIMEOUT_SECONDS and a Kubernetes termination grace period. */
  static final Duration STOP_LIMIT = Duration.ofSeconds(15);
  static final String VISITOR = "outage-visitor";

  @TempDir
  Path tmp;

  private EmbeddedPostgres postgres;
  private TestGateway gateway;
  private ServerSocket blackHole;
  private final List<Socket> swallowed = new CopyOnWriteArrayList<>();

  @AfterEach
  void stopEverything() throws IOException {
    try {
      if (blackHole != null) {
        blackHole.close();
      }
      // The gateway closes its side of these itself (see silentServerFillingThePoolDoesNotOutliveTheOutage).
      releaseSwallowed();
      if (gateway != null) {
        gateway.close();
      }
    } finally {
      if (postgres != null) {
        postgres.close();
      }
    }
  }

  @Test
  @DisplayName("turns ingest into fast 503s with Retry-After and a not-ready health check, then back into 201s "
      + "without a gateway restart; every event acknowledged before is kept and no refused event is stored")
  void refusesDuringOutageAndRecoversAlone() throws Exception {
    int port = freePort();
    Path dataDir = tmp.resolve("pg");
    postgres = startPostgres(dataDir, port);
    gateway = startGateway(port);
    Api api = gateway.api();
    // data.seq of each event sent -> the status of its last answer
    Map<Integer, Integer> outcomes = new LinkedHashMap<>();
    int seq = 0;

    List<String> before = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Api.Response response = track(api, ++seq);
      outcomes.put(seq, response.status());
      assertThat(response.status()).as("event %d before the outage: %s", seq, response).isEqualTo(201);
      before.add(response.json().getString("id"));
    }
    assertThat(api.get("/health/ready").status()).isEqualTo(200);
    // A key this gateway has never resolved: during the outage it cannot be checked at all.
    Api.Response created = api.post("/v1/auth/keys", new JsonObject().put("name", "not yet used"));
    assertThat(created.status()).as("a new key: %s", created).isEqualTo(201);
    Api unusedKey = api.withKey(created.json().getString("key"));

    postgres.close();
    postgres = null;

    List<Integer> retried = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = ++seq;
      assertUnavailable("POST /v1/events (event " + n + ")", FAST_ANSWER, () -> trackOnce(api, n));
      outcomes.put(n, 503);
      retried.add(n);
    }
    List<Integer> batchSeqs = List.of(++seq, ++seq, ++seq);
    JsonArray batchEvents = new JsonArray();
    batchSeqs.forEach(n -> batchEvents.add(event(n)));
    assertUnavailable("POST /v1/events/batch", FAST_ANSWER,
        () -> api.post("/v1/events/batch", new JsonObject().put("events", batchEvents)));
    batchSeqs.forEach(n -> outcomes.put(n, 503));
    int uncachedSeq = ++seq;
    assertUnavailable("POST /v1/events with a key not checked yet", FAST_ANSWER, () -> track(unusedKey, uncachedSeq));
    outcomes.put(uncachedSeq, 503);
    assertNotReady(api, FAST_ANSWER);

    postgres = startPostgres(dataDir, port);

    int[] next = {seq};
    TestGateway.await("POST /v1/events to answer 201 after PostgreSQL is back", 30_000, () -> {
      int n = ++next[0];
      int status = track(api, n).status();
      outcomes.put(n, status);
      return status == 201;
    });
    seq = next[0];
    for (int i = 0; i < 4; i++) {
      Api.Response response = track(i % 2 == 0 ? api : unusedKey, ++seq);
      outcomes.put(seq, response.status());
      assertThat(response.status()).as("event %d after recovery: %s", seq, response).isEqualTo(201);
    }
    assertThat(api.get("/health/ready").status()).isEqualTo(200);

    // A client retrying a refused event with its Idempotency-Key gets it created now (201), not found (200).
    for (int n : retried) {
      Api.Response response = trackOnce(api, n);
      assertThat(response.status()).as("retry of refused event %d: %s", n, response).isEqualTo(201);
      outcomes.put(n, 201);
      Api.Response again = trackOnce(api, n);
      assertThat(again.status()).as("second retry of event %d: %s", n, again).isEqualTo(200);
      assertThat(again.json().getString("id")).isEqualTo(response.json().getString("id"));
    }

    assertThat(outcomes.values()).as("every answer is a 201 or a 503").allMatch(s -> s == 201 || s == 503);
    List<Integer> acknowledged = new ArrayList<>();
    outcomes.forEach((n, status) -> {
      if (status == 201) {
        acknowledged.add(n);
      }
    });
    assertThat(storedSequenceNumbers()).as("events stored in PostgreSQL, by data.seq")
        .containsExactlyInAnyOrderElementsOf(acknowledged);

    List<String> listed = new ArrayList<>();
    api.get("/v1/events?visitor_id=" + VISITOR + "&limit=1000").data()
        .forEach(e -> listed.add(((JsonObject) e).getString("id")));
    assertThat(listed).as("events listed by the same gateway after recovery").containsAll(before)
        .hasSize(acknowledged.size());
    assertThat(api.get("/v1/visitors/" + VISITOR).json().getLong("event_count")).isEqualTo(acknowledged.size());
  }

  @Test
  @DisplayName("where the server accepts connections but never answers still gets 503s with Retry-After "
      + "within the pool's wait instead of a hang")
  void hungServerIsRefusedInBoundedTime() throws Exception {
    int port = freePort();
    Path dataDir = tmp.resolve("pg");
    postgres = startPostgres(dataDir, port);
    gateway = startGateway(port);
    Api api = gateway.api();
    Api.Response first = track(api, 1);
    assertThat(first.status()).as("before the outage: %s", first).isEqualTo(201);

    postgres.close();
    postgres = null;
    swallowConnectionsOn(port);

    assertUnavailable("POST /v1/events", HUNG_ANSWER, () -> track(api, 2));
    assertNotReady(api, HUNG_ANSWER);
    assertThat(swallowed).as("connections the gateway opened to the silent server").isNotEmpty();
  }

  @Test
  @DisplayName("where the server swallows as many connections as the pool holds still recovers once a real "
      + "server is back, and the gateway still stops promptly")
  void silentServerFillingThePoolDoesNotOutliveTheOutage() throws Exception {
    int port = freePort();
    Path dataDir = tmp.resolve("pg");
    postgres = startPostgres(dataDir, port);
    gateway = startGateway(port);
    Api api = gateway.api();
    assertThat(track(api, 1).status()).isEqualTo(201);

    postgres.close();
    postgres = null;
    swallowConnectionsOn(port);
    int poolSize = gateway.gateway().config().database().poolSize();
    ExecutorService readers = Executors.newFixedThreadPool(poolSize + 2);
    try {
      List<Future<Api.Response>> reads = new ArrayList<>();
      for (int i = 0; i < poolSize + 2; i++) {
        reads.add(readers.submit(() -> api.get("/v1/events?limit=1")));
      }
      for (Future<Api.Response> read : reads) {
        assertThat(read.get(HUNG_ANSWER.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(503);
      }
    } finally {
      readers.shutdownNow();
    }
    // Every slot held an attempt the server never answered (and, each given up on after
    // database.connect_timeout_ms, the pool tried again while requests were waiting).
    assertThat(swallowed).as("connections the gateway opened to the silent server").hasSizeGreaterThanOrEqualTo(poolSize);

    blackHole.close();
    postgres = startPostgres(dataDir, port);
    int[] next = {1};
    TestGateway.await("POST /v1/events to answer 201 after PostgreSQL is back", 30_000,
        () -> track(api, ++next[0]).status() == 201);

    TestGateway stopped = gateway;
    gateway = null;
    long stopping = System.nanoTime();
    stopped.close();
    assertThat(Duration.ofNanos(System.nanoTime() - stopping)).as("time to stop the gateway").isLessThan(STOP_LIMIT);
  }

  private TestGateway startGateway(int port) {
    return TestGateway.start(new JsonObject().put("database", new JsonObject()
        .put("url", "postgresql://postgres:postgres@127.0.0.1:" + port + "/postgres")));
  }

  /** Listens on {@code port} and holds every connection without reading or writing a byte. */
  private void swallowConnectionsOn(int port) throws IOException {
    blackHole = new ServerSocket();
    blackHole.setReuseAddress(true);
    blackHole.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    Thread acceptor = new Thread(() -> {
      try {
        while (true) {
          swallowed.add(blackHole.accept());
        }
      } catch (IOException closed) {
        // the test closed the black hole
      }
    }, "black-hole");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void releaseSwallowed() throws IOException {
    for (Socket socket : swallowed) {
      socket.close();
    }
    swallowed.clear();
  }

  private static Api.Response track(Api api, int seq) {
    return api.post("/v1/events", event(seq));
  }

  /** With an Idempotency-Key derived from {@code seq}, as a client that retries would send it. */
  private static Api.Response trackOnce(Api api, int seq) {
    return api.send("POST", "/v1/events", event(seq), "Idempotency-Key", "outage-" + seq);
  }

  private static JsonObject event(int seq) {
    return new JsonObject()
        .put("event_type", "page_view")
        .put("visitor_id", VISITOR)
        .put("data", new JsonObject().put("seq", seq));
  }

  /** The outage answer: 503, {@code Retry-After}, type {@code unavailable}, within {@code limit}. */
  private static void assertUnavailable(String what, Duration limit, Supplier<Api.Response> call) {
    long started = System.nanoTime();
    Api.Response response = call.get();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("time to answer %s", what).isLessThan(limit);
    assertThat(response.status()).as("%s during the outage: %s", what, response).isEqualTo(503);
    assertThat(response.header("Retry-After")).as("Retry-After of %s", what).isNotNull().matches("[1-9][0-9]*");
    assertThat(response.error().getString("type")).isEqualTo("unavailable");
  }

  private static void assertNotReady(Api api, Duration limit) {
    long started = System.nanoTime();
    Api.Response ready = api.get("/health/ready");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("time to answer /health/ready").isLessThan(limit);
    assertThat(ready.status()).as("/health/ready during the outage: %s", ready).isEqualTo(503);
    assertThat(ready.header("Retry-After")).isNotNull().matches("[1-9][0-9]*");
    assertThat(ready.json().getString("database")).isEqualTo("down");
  }

  /** {@code data.seq} of every stored event, duplicates included. */
  private List<Integer> storedSequenceNumbers() throws Exception {
    List<Integer> seqs = new ArrayList<>();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT (data ->> 'seq')::int FROM events")) {
      while (rs.next()) {
        seqs.add(rs.getInt(1));
      }
    }
    return seqs;
  }

  private static EmbeddedPostgres startPostgres(Path dataDir, int port) throws IOException {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setPort(port)
        .setPGStartupWait(Duration.ofSeconds(60))
        .start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
