package io.echotag.webhooks;

import io.echotag.testing.Api;
import io.echotag.testing.FakeReceiver;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attempt records wait {@code delivery.record_linger_ms} after the first attempt of a batch, so
 * that the attempts finished meanwhile commit together; a stopping engine writes what waits at once.
 * An attempt's {@code created_at} is its transaction's start ({@code now()}): one value means one
 * commit.
 */
@DisplayName("Attempt records linger and commit together")
class AttemptRecordLingerTest {
  static final int LINGER_MS = 1_000;
  static final int STOP_LINGER_MS = 10_000;
  static TestGateway gateway;
  static Api api;
  static FakeReceiver receiver;

  @BeforeAll
  static void start() {
    receiver = FakeReceiver.start();
    gateway = TestGateway.start(overrides(LINGER_MS));
    api = gateway.api();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    receiver.close();
  }

  private static JsonObject overrides(int lingerMs) {
    JsonObject overrides = Hooks.overrides(5_000, 1_000);
    // No sweep within the test: the deliveries go by the ingest's hand-over.
    overrides.getJsonObject("delivery").put("poll_interval_ms", 600_000).put("record_linger_ms", lingerMs);
    return overrides;
  }

  @Test
  @DisplayName("ten deliveries of one batch are sent at once and recorded in one commit, a linger after the first")
  void attemptsOfALingerCommitTogether() {
    String project = Hooks.newProject(api);
    String path = "/linger/together";
    String webhookId = Hooks.createWebhook(api, new JsonObject().put("project_id", project).put("name", "linger")
        .put("url", receiver.url(path))).getString("id");
    int n = 10;
    Api.Response response = api.post("/v1/events/batch", new JsonObject().put("events", events(project, n)));
    assertThat(response.status()).as("%s", response).isEqualTo(200);

    receiver.await(path, n, 10_000);
    TestGateway.await("every attempt recorded", 10_000, () -> gateway.count(
        "SELECT count(*) FROM delivery_attempts WHERE webhook_id = $1", webhookId) == n);
    List<Row> commits = gateway.sql("SELECT a.created_at, min(d.created_at) AS enqueued FROM delivery_attempts a "
        + "JOIN deliveries d ON d.id = a.delivery_id WHERE a.webhook_id = $1 GROUP BY a.created_at", webhookId);
    assertThat(commits).as("commits that recorded the %d attempts", n).hasSize(1);
    OffsetDateTime recorded = commits.get(0).getOffsetDateTime("created_at");
    OffsetDateTime enqueued = commits.get(0).getOffsetDateTime("enqueued");
    assertThat(Duration.between(enqueued, recorded)).as("the record waited the linger after the sends")
        .isGreaterThanOrEqualTo(Duration.ofMillis(LINGER_MS));
    assertThat(gateway.count("SELECT count(*) FROM deliveries WHERE webhook_id = $1 AND status = 'succeeded' "
        + "AND lease_owner IS NULL", webhookId)).as("deliveries finished and their leases given back").isEqualTo(n);
  }

  @Test
  @DisplayName("a node stopping with records waiting for a 10 s linger writes them at once")
  void aStoppingEngineWritesWaitingRecords() {
    TestGateway node = TestGateway.join(gateway, overrides(STOP_LINGER_MS));
    String project = Hooks.newProject(node.api());
    String path = "/linger/stop";
    String webhookId = Hooks.createWebhook(node.api(), new JsonObject().put("project_id", project)
        .put("name", "stop").put("url", receiver.url(path))).getString("id");
    int n = 3;
    Api.Response response = node.api().post("/v1/events/batch", new JsonObject().put("events", events(project, n)));
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    receiver.await(path, n, 10_000);
    assertThat(gateway.count("SELECT count(*) FROM delivery_attempts WHERE webhook_id = $1", webhookId))
        .as("nothing recorded yet: the records wait for the linger").isZero();

    long stopping = System.nanoTime();
    node.close();
    assertThat(Duration.ofNanos(System.nanoTime() - stopping)).as("the stop did not wait out the linger")
        .isLessThan(Duration.ofMillis(STOP_LINGER_MS / 2));
    assertThat(gateway.count("SELECT count(*) FROM delivery_attempts WHERE webhook_id = $1 AND status = 'succeeded'",
        webhookId)).as("attempts recorded by the stop").isEqualTo(n);
    assertThat(gateway.count("SELECT count(*) FROM deliveries WHERE webhook_id = $1 AND status = 'succeeded'",
        webhookId)).as("deliveries finished").isEqualTo(n);
  }

  private static JsonArray events(String project, int n) {
    JsonArray events = new JsonArray();
    for (int i = 0; i < n; i++) {
      events.add(new JsonObject().put("project_id", project).put("event_type", "page_view")
          .put("visitor_id", "v" + i).put("data", new JsonObject().put("i", i)));
    }
    return events;
  }
}
