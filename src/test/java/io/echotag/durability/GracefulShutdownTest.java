package io.echotag.durability;

import io.echotag.testing.TestDatabase;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stopping a gateway under load (a rolling deployment, SIGTERM) must not turn an acknowledged event
 * into a lost one, and must not leave a client waiting for an answer that never comes.
 */
@DisplayName("A gateway stopped while ingest requests are in flight")
class GracefulShutdownTest {
  static final int CLIENTS = 16;
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);
  static final Duration STOP_LIMIT = Duration.ofSeconds(20);

  @TempDir
  Path tmp;

  private TestGateway gateway;
  private ChildGateway child;
  private Burst burst;

  @AfterEach
  void stopEverything() throws Exception {
    try {
      if (burst != null) {
        burst.clients.shutdownNow();
      }
      if (gateway != null) {
        gateway.close();
      }
    } finally {
      if (child != null) {
        child.close();
      }
    }
  }

  @Test
  @DisplayName("by Gateway.stop has stored every event it answered 2xx, answered the rest 503 or closed the "
      + "connection, and left no request hanging")
  void stopKeepsEveryAcknowledgedEventAndHangsNoRequest() throws Exception {
    gateway = TestGateway.start();
    String databaseUrl = gateway.gateway().config().database().url();
    burst = Burst.start(gateway.api().baseUrl(), gateway.adminKey());
    TestGateway.await("a steady stream of acknowledged events", 30_000, () -> burst.acknowledged.get() >= 200);

    long stopping = System.nanoTime();
    gateway.close();
    gateway = null;
    assertThat(Duration.ofNanos(System.nanoTime() - stopping)).as("time to stop").isLessThan(STOP_LIMIT);

    List<Outcome> outcomes = burst.finish();
    assertFairOutcomes(outcomes, stopping);
    String database = databaseUrl.substring(databaseUrl.lastIndexOf('/') + 1);
    assertStoredAreAcknowledged(storedEventIds(TestDatabase.server().getDatabase("postgres", database)), outcomes);
  }

  @Test
  @DisplayName("by SIGTERM to the process has stored every event it answered 2xx, left no request hanging, "
      + "exited on its own and stopped its embedded PostgreSQL")
  void sigtermKeepsEveryAcknowledgedEventAndStopsPostgres() throws Exception {
    child = ChildGateway.launch(tmp, tmp.resolve("data"), TestGateway.randomKey());
    ProcessHandle postmaster = child.postmaster();
    burst = Burst.start(child.baseUrl(), child.key());
    TestGateway.await("a steady stream of acknowledged events", 30_000, () -> burst.acknowledged.get() >= 200);

    long stopping = System.nanoTime();
    Process process = child.process();
    process.destroy();
    assertThat(process.waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS)).as("the process exits after SIGTERM")
        .isTrue();
    assertThat(process.exitValue()).as("exit status after SIGTERM").isEqualTo(128 + 15);
    assertThat(child.output()).as("the gateway's log").contains("EchoTag stopped");

    List<Outcome> outcomes = burst.finish();
    assertFairOutcomes(outcomes, stopping);
    assertThat(child.postmasterPidFile()).as("postmaster.pid after a clean stop").doesNotExist();
    // The postmaster removes its pid file last and is then reaped by init, which here can take a moment.
    TestGateway.await("the embedded PostgreSQL (pid " + postmaster.pid() + ") to exit", 10_000,
        () -> !postmaster.isAlive());

    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
        .setDataDirectory(child.dataDir().resolve("pg"))
        .setCleanDataDirectory(false)
        .setPGStartupWait(Duration.ofSeconds(60))
        .start()) {
      assertStoredAreAcknowledged(storedEventIds(postgres.getPostgresDatabase()), outcomes);
    }
  }

  /** No timeouts, no 500s: each request got 201, 503, or a refused or closed connection; some were in flight. */
  private static void assertFairOutcomes(List<Outcome> outcomes, long stopping) {
    assertThat(outcomes).as("no request timed out").noneMatch(o -> o.error() instanceof HttpTimeoutException);
    assertThat(outcomes).as("every answer is 201 or 503, or there was no answer")
        .allMatch(o -> o.status() == 201 || o.status() == 503 || o.status() == -1);
    assertThat(outcomes).as("requests answered 201 after the stop began (they were in flight)")
        .anyMatch(o -> o.status() == 201 && o.answeredAtNanos() > stopping);
  }

  private static void assertStoredAreAcknowledged(Set<String> stored, List<Outcome> outcomes) {
    Set<String> acknowledged = new HashSet<>();
    outcomes.stream().filter(o -> o.status() == 201).forEach(o -> acknowledged.add(o.eventId()));
    assertThat(acknowledged).as("distinct events answered 201")
        .hasSize((int) outcomes.stream().filter(o -> o.status() == 201).count());
    assertThat(stored).as("events in the database after the stop").containsAll(acknowledged);
    assertThat(stored.size()).as("stored events, at most one per request sent").isLessThanOrEqualTo(outcomes.size());
  }

  /** Straight from PostgreSQL, not through a gateway: what is there, whatever any gateway says. */
  private static Set<String> storedEventIds(DataSource database) throws Exception {
    Set<String> ids = new HashSet<>();
    try (Connection c = database.getConnection(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT id FROM events")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  /** What one request ended with: an HTTP status, or -1 and the exception when there was no answer. */
  record Outcome(int seq, int status, String eventId, Throwable error, long answeredAtNanos) {
  }

  /** {@link #CLIENTS} threads posting events back to back, each until it gets anything but a 201. */
  static final class Burst {
    final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicInteger seq = new AtomicInteger();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();

    static Burst start(String baseUrl, String key) {
      Burst burst = new Burst();
      for (int c = 0; c < CLIENTS; c++) {
        burst.clients.submit(() -> {
          while (true) {
            Outcome outcome = burst.send(baseUrl, key, burst.seq.incrementAndGet());
            burst.outcomes.add(outcome);
            if (outcome.status() != 201) {
              return;
            }
            burst.acknowledged.incrementAndGet();
          }
        });
      }
      return burst;
    }

    /** Waits for every client to get its last answer; a hanging request fails the test here. */
    List<Outcome> finish() throws InterruptedException {
      clients.shutdown();
      assertThat(clients.awaitTermination(REQUEST_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS))
          .as("every client got an answer or a closed connection").isTrue();
      return new ArrayList<>(outcomes);
    }

    private Outcome send(String baseUrl, String key, int n) {
      HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/events"))
          .timeout(REQUEST_TIMEOUT)
          .header("Authorization", "Bearer " + key)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject()
              .put("event_type", "page_view")
              .put("visitor_id", "visitor-" + (n % 50))
              .put("data", new JsonObject().put("seq", n))
              .encode()))
          .build();
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        String id = response.statusCode() == 201 ? new JsonObject(response.body()).getString("id") : null;
        return new Outcome(n, response.statusCode(), id, null, System.nanoTime());
      } catch (IOException e) {
        return new Outcome(n, -1, null, e, System.nanoTime());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Outcome(n, -1, null, e, System.nanoTime());
      }
    }
  }
}
