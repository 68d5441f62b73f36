package io.echotag.webhooks;

import io.echotag.testing.Api;
import io.echotag.testing.FakeReceiver;
import io.echotag.testing.FakeReceiver.Received;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The delivery fast path (the ingest hands its new deliveries, already leased, to the local
 * engine) and batched attempt records. The sweep timer is set to 10 minutes, so anything
 * delivered within seconds came through the fast path.
 */
@DisplayName("Delivery fast path and batched attempt records")
class WebhookFastPathTest {
  static final int POLL_MS = 600_000;
  static TestGateway gateway;
  static Api api;
  static FakeReceiver receiver;

  @BeforeAll
  static void start() {
    receiver = FakeReceiver.start();
    JsonObject overrides = Hooks.overrides(2_000, 1_000);
    overrides.getJsonObject("delivery").put("poll_interval_ms", POLL_MS).put("per_endpoint_in_flight", 4);
    gateway = TestGateway.start(overrides);
    api = gateway.api();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    receiver.close();
  }

  @Test
  @DisplayName("an ingested event is delivered at once, without waiting for the sweep timer (10 minutes here)")
  void deliversWithoutTheSweep() {
    String project = Hooks.newProject(api);
    Hooks.createWebhook(api, new JsonObject().put("project_id", project).put("name", "fast")
        .put("url", receiver.url("/fast/one")));
    long started = System.nanoTime();
    JsonObject event = Hooks.track(api, project, "signup", new JsonObject().put("plan", "pro"));

    Received received = receiver.await("/fast/one", 1, 5_000).get(0);
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;
    assertThat(elapsedMs).as("ingest call -> webhook received").isLessThan(5_000);
    assertThat(received.json().getJsonObject("data").getString("id")).isEqualTo(event.getString("id"));
    TestGateway.await("the attempt recorded", 5_000, () -> gateway.count(
        "SELECT count(*) FROM delivery_attempts WHERE event_id = $1 AND status = 'succeeded'",
        event.getString("id")) == 1);
  }

  @Test
  @DisplayName("a batch of 300 events to one endpoint: each delivered once, every attempt recorded, at most per_endpoint_in_flight at a time")
  void recordsEveryAttemptOfABatch() {
    String project = Hooks.newProject(api);
    String path = "/fast/batch";
    receiver.always(path, FakeReceiver.Reply.ok().after(5));
    JsonObject hook = Hooks.createWebhook(api, new JsonObject().put("project_id", project).put("name", "batch")
        .put("url", receiver.url(path)));
    int n = 300;
    JsonArray events = new JsonArray();
    for (int i = 0; i < n; i++) {
      events.add(new JsonObject().put("project_id", project).put("event_type", "page_view")
          .put("visitor_id", "v" + (i % 17)).put("data", new JsonObject().put("i", i)));
    }
    Api.Response response = api.post("/v1/events/batch", new JsonObject().put("events", events));
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(response.json().getInteger("accepted")).isEqualTo(n);

    List<Received> received = receiver.await(path, n, 30_000);
    Set<String> ids = new HashSet<>();
    received.forEach(r -> ids.add(r.header("webhook-id")));
    assertThat(ids).as("distinct webhook-id").hasSize(n);

    String webhookId = hook.getString("id");
    TestGateway.await("every delivery succeeded", 10_000, () -> gateway.count(
        "SELECT count(*) FROM deliveries WHERE webhook_id = $1 AND status = 'succeeded' AND attempts = 1 "
            + "AND lease_owner IS NULL", webhookId) == n);
    List<Row> attempts = gateway.sql("SELECT delivery_id, attempt, status, status_code, request, response "
        + "FROM delivery_attempts WHERE webhook_id = $1", webhookId);
    assertThat(attempts).hasSize(n);
    Set<String> attempted = new HashSet<>();
    for (Row row : attempts) {
      attempted.add(row.getString("delivery_id"));
      assertThat(row.getInteger("attempt")).isEqualTo(1);
      assertThat(row.getString("status")).isEqualTo("succeeded");
      assertThat(row.getInteger("status_code")).isEqualTo(200);
      assertThat(((JsonObject) row.getValue("request")).getJsonObject("headers").getString("webhook-signature"))
          .as("signature masked").startsWith("****");
      assertThat(row.getValue("response")).isInstanceOf(JsonObject.class);
    }
    assertThat(attempted).as("one attempt per delivery").isEqualTo(ids);
    assertThat(Hooks.logs(api, project, webhookId, "limit=100")).hasSize(100);

    // Concurrency per endpoint: with 5 ms answers, overlap is visible in arrival order if the cap is broken.
    assertThat(receiver.maxConcurrent(path)).as("requests in flight at once to the endpoint").isLessThanOrEqualTo(4);
  }

  @Test
  @DisplayName("deliveries queued behind an endpoint whose circuit opens wait without spending attempts, then all arrive")
  void queuedDeliveriesWaitForAnOpenCircuit() {
    String project = Hooks.newProject(api);
    String path = "/fast/breaker";
    receiver.always(path, FakeReceiver.Reply.status(500));
    JsonObject hook = Hooks.createWebhook(api, project, receiver.url(path), Hooks.retry(10, 100, 1, 100));
    String webhookId = hook.getString("id");
    int n = 40;
    JsonArray events = new JsonArray();
    for (int i = 0; i < n; i++) {
      events.add(new JsonObject().put("project_id", project).put("event_type", "page_view")
          .put("visitor_id", "b" + i).put("data", new JsonObject().put("i", i)));
    }
    assertThat(api.post("/v1/events/batch", new JsonObject().put("events", events)).status()).isEqualTo(200);
    TestGateway.await("the circuit to open", 10_000, () -> "open".equals(Hooks.webhook(api, project, webhookId)
        .getString("circuit_state")));
    int failedRequests = receiver.requests(path).size();
    assertThat(failedRequests).as("requests before the circuit opened").isLessThan(n);

    receiver.always(path, FakeReceiver.Reply.ok());
    TestGateway.await("every delivery succeeded", 20_000, () -> gateway.count(
        "SELECT count(*) FROM deliveries WHERE webhook_id = $1 AND status = 'succeeded'", webhookId) == n);
    long attempts = gateway.count("SELECT count(*) FROM delivery_attempts WHERE webhook_id = $1", webhookId);
    assertThat(attempts).as("one attempt per request: waiting behind the open circuit spent none")
        .isEqualTo(receiver.requests(path).size());
  }
}
