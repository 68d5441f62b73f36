package io.echotag.webhooks;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What the webhook integration tests do over and over through the public API, each step checked. */
final class Hooks {
  private Hooks() {
  }

  /** Gateway overrides for delivery tests: loopback receivers allowed, short timeouts, a fast poll. */
  static JsonObject overrides(int timeoutMs, int breakerResetMs) {
    return new JsonObject()
        .put("webhooks", new JsonObject().put("allow_private_networks", true).put("timeout_ms", timeoutMs)
            .put("test_timeout_ms", timeoutMs))
        .put("delivery", new JsonObject().put("poll_interval_ms", 100).put("breaker_reset_ms", breakerResetMs));
  }

  /** A project of its own, so that a test's webhooks see only that test's events. */
  static String newProject(Api api) {
    Api.Response created = api.post("/v1/projects", new JsonObject().put("name", "p-" + UUID.randomUUID()));
    assertThat(created.status()).as("create project: %s", created).isEqualTo(201);
    return created.json().getString("id");
  }

  static JsonObject createWebhook(Api api, JsonObject body) {
    Api.Response created = api.post("/v1/webhooks", body);
    assertThat(created.status()).as("create webhook: %s", created).isEqualTo(201);
    return created.json();
  }

  /** A webhook for every event of {@code projectId} with a fast retry schedule. */
  static JsonObject createWebhook(Api api, String projectId, String url, JsonObject retry) {
    return createWebhook(api, new JsonObject().put("project_id", projectId).put("name", "hook").put("url", url)
        .put("retry_config", retry));
  }

  static JsonObject retry(int maxAttempts, long initialDelay, double multiplier, long maxDelay) {
    return new JsonObject().put("max_attempts", maxAttempts).put("initial_delay", initialDelay)
        .put("backoff_multiplier", multiplier).put("max_delay", maxDelay);
  }

  static JsonObject track(Api api, String projectId, String eventType, JsonObject data) {
    Api.Response tracked = api.post("/v1/events", new JsonObject().put("project_id", projectId)
        .put("event_type", eventType).put("visitor_id", "vis_" + UUID.randomUUID()).put("data", data));
    assertThat(tracked.status()).as("track: %s", tracked).isEqualTo(201);
    return tracked.json();
  }

  static JsonObject webhook(Api api, String projectId, String webhookId) {
    Api.Response got = api.get("/v1/webhooks/" + webhookId + "?project_id=" + projectId);
    assertThat(got.status()).as("get webhook: %s", got).isEqualTo(200);
    return got.json();
  }

  /** The webhook's attempt log, oldest first (the API lists newest first). */
  static List<JsonObject> logs(Api api, String projectId, String webhookId, String query) {
    Api.Response got = api.get("/v1/webhooks/" + webhookId + "/logs?project_id=" + projectId
        + (query.isEmpty() ? "" : "&" + query));
    assertThat(got.status()).as("logs: %s", got).isEqualTo(200);
    JsonArray data = got.data();
    List<JsonObject> out = new java.util.ArrayList<>();
    for (int i = data.size() - 1; i >= 0; i--) {
      out.add(data.getJsonObject(i));
    }
    return out;
  }

  /** The delivery row's status and attempts as stored. */
  static String deliveryStatus(TestGateway gateway, String deliveryId) {
    var rows = gateway.sql("SELECT status FROM deliveries WHERE id = $1", deliveryId);
    return rows.isEmpty() ? null : rows.get(0).getString("status");
  }

  static int deliveryAttempts(TestGateway gateway, String deliveryId) {
    return gateway.sql("SELECT attempts FROM deliveries WHERE id = $1", deliveryId).get(0).getInteger("attempts");
  }

  /** The one delivery queued for {@code eventId} to {@code webhookId}. */
  static String deliveryFor(TestGateway gateway, String webhookId, String eventId) {
    var rows = gateway.sql("SELECT id FROM deliveries WHERE webhook_id = $1 AND event_id = $2", webhookId, eventId);
    assertThat(rows).as("deliveries of event %s to webhook %s", eventId, webhookId).hasSize(1);
    return rows.get(0).getString("id");
  }

  static void awaitDeliveryStatus(TestGateway gateway, String deliveryId, String status, long timeoutMs) {
    TestGateway.await("delivery " + deliveryId + " to be " + status + " (is " + deliveryStatus(gateway, deliveryId)
        + ")", timeoutMs, () -> status.equals(deliveryStatus(gateway, deliveryId)));
  }
}
