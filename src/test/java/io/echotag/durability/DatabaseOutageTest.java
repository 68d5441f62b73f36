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
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "never lost" promise while the database is down: the gateway keeps answering, refuses to
 * acknowledge what it cannot store, and recovers on its own once PostgreSQL is back.
 */
@DisplayName("A PostgreSQL outage")
class DatabaseOutageTest {
  /** "Quickly": a refusal must come well before a client's own timeout, not after a hang. */
  static final Duration FAST_ANSWER = Duration.ofSeconds(4);
  static final String VISITOR = "outage-visitor";

  @TempDir
  Path tmp;

  private EmbeddedPostgres postgres;
  private TestGateway gateway;

  @AfterEach
  void stopEverything() throws IOException {
    try {
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
    gateway = TestGateway.start(new JsonObject().put("database", new JsonObject()
        .put("url", "postgresql://postgres:postgres@localhost:" + port + "/postgres")));
    Api api = gateway.api();
    // seq (data.seq of each event sent) -> the status it was answered with
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

    for (int i = 0; i < 5; i++) {
      int n = ++seq;
      assertUnavailable("POST /v1/events (event " + n + ")", () -> track(api, n));
      outcomes.put(n, 503);
    }
    List<Integer> batchSeqs = List.of(++seq, ++seq, ++seq);
    JsonArray batchEvents = new JsonArray();
    batchSeqs.forEach(n -> batchEvents.add(event(n)));
    assertUnavailable("POST /v1/events/batch", () -> api.post("/v1/events/batch",
        new JsonObject().put("events", batchEvents)));
    batchSeqs.forEach(n -> outcomes.put(n, 503));
    int uncachedSeq = ++seq;
    assertUnavailable("POST /v1/events with a key not checked yet", () -> track(unusedKey, uncachedSeq));
    outcomes.put(uncachedSeq, 503);

    long started = System.nanoTime();
    Api.Response ready = api.get("/health/ready");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("time to answer /health/ready")
        .isLessThan(FAST_ANSWER);
    assertThat(ready.status()).as("/health/ready during the outage: %s", ready).isEqualTo(503);
    assertThat(ready.header("Retry-After")).isNotNull().matches("[1-9][0-9]*");
    assertThat(ready.json().getString("database")).isEqualTo("down");

    postgres = startPostgres(dataDir, port);

    int[] next = {seq};
    TestGateway.await("POST /v1/events to answer 201 after PostgreSQL is back", 30_000, () -> {
      int n = ++next[0];
      int status = track(api, n).status();
      outcomes.put(n, status);
      return status == 201;
    });
    seq = next[0];
    for (int i = 0; i < 5; i++) {
      Api.Response response = track(i % 2 == 0 ? api : unusedKey, ++seq);
      outcomes.put(seq, response.status());
      assertThat(response.status()).as("event %d after recovery: %s", seq, response).isEqualTo(201);
    }
    assertThat(api.get("/health/ready").status()).isEqualTo(200);

    assertThat(outcomes.values()).as("every answer is a 201 or a 503").allMatch(s -> s == 201 || s == 503);
    Set<Integer> acknowledged = new HashSet<>();
    outcomes.forEach((n, status) -> {
      if (status == 201) {
        acknowledged.add(n);
      }
    });
    assertThat(storedSequenceNumbers()).as("events stored in PostgreSQL, by seq")
        .containsExactlyInAnyOrderElementsOf(acknowledged);

    JsonArray listed = api.get("/v1/events?visitor_id=" + VISITOR + "&limit=1000").data();
    List<String> listedIds = new ArrayList<>();
    listed.forEach(e -> listedIds.add(((JsonObject) e).getString("id")));
    assertThat(listedIds).as("events listed by the same gateway after recovery").containsAll(before)
        .hasSize(acknowledged.size());
    assertThat(api.get("/v1/visitors/" + VISITOR).json().getLong("event_count"))
        .isEqualTo(acknowledged.size());
  }

  private static Api.Response track(Api api, int seq) {
    return api.post("/v1/events", event(seq));
  }

  private static JsonObject event(int seq) {
    return new JsonObject()
        .put("event_type", "page_view")
        .put("visitor_id", VISITOR)
        .put("data", new JsonObject().put("seq", seq));
  }

  /** The outage answer: 503, {@code Retry-After}, type {@code unavailable}, and soon. */
  private static void assertUnavailable(String what, Supplier<Api.Response> call) {
    long started = System.nanoTime();
    Api.Response response = call.get();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("time to answer %s", what).isLessThan(FAST_ANSWER);
    assertThat(response.status()).as("%s during the outage: %s", what, response).isEqualTo(503);
    assertThat(response.header("Retry-After")).as("Retry-After of %s", what).isNotNull().matches("[1-9][0-9]*");
    assertThat(response.error().getString("type")).isEqualTo("unavailable");
  }

  private Set<Integer> storedSequenceNumbers() throws Exception {
    Set<Integer> seqs = new HashSet<>();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT (data ->> 'seq')::int FROM events")) {
      while (rs.next()) {
        seqs.add(rs.getInt(1));
      }
    }
    return seqs;
  }

  /** A PostgreSQL that keeps its data and port, so that stopping and starting it is an outage, not a new server. */
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
