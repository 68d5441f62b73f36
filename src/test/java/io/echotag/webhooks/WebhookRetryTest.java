package io.echotag.webhooks;

import io.echotag.testing.Api;
import io.echotag.testing.FakeReceiver;
import io.echotag.testing.FakeReceiver.Received;
import io.echotag.testing.FakeReceiver.Reply;
import io.echotag.testing.StandardWebhooks;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retries, their schedule, and what each answer means. Gaps are measured at the receiver, between
 * arrivals: the gateway computes the next attempt after the previous answer, so a gap is never
 * shorter than the delay; {@link #SLACK_MS} allows for polling and a busy machine on the long side.
 */
@DisplayName("Webhook retries and the meaning of each answer")
class WebhookRetryTest {
  static final long SLACK_MS = 800;
  static final int TIMEOUT_MS = 1500;
  static TestGateway gateway;
  static Api api;
  static FakeReceiver receiver;

  @BeforeAll
  static void start() {
    receiver = FakeReceiver.start();
    gateway = TestGateway.start(Hooks.overrides(TIMEOUT_MS, 1000));
    api = gateway.api();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    receiver.close();
  }

  @Test
  @DisplayName("500, 500, 200 is three attempts spaced by initial_delay × multiplier^(n-1) ± 20 %, under one webhook-id")
  void retriesWithBackoff() {
    String path = "/retry/backoff";
    receiver.script(path, Reply.status(500).withBody("boom-1").withHeader("X-Receiver", "r1"),
        Reply.status(500).withBody("boom-2"), Reply.ok().withBody("thanks"));
    String project = Hooks.newProject(api);
    JsonObject hook = Hooks.createWebhook(api, project, receiver.url(path), Hooks.retry(5, 300, 2, 10_000));

    JsonObject event = Hooks.track(api, project, "purchase", new JsonObject().put("order_id", "o-1"));
    String deliveryId = Hooks.deliveryFor(gateway, hook.getString("id"), event.getString("id"));

    List<Received> attempts = receiver.await(path, 3, 15_000);
    Hooks.awaitDeliveryStatus(gateway, deliveryId, "succeeded", 5_000);
    assertThat(receiver.requests(path)).hasSize(3);
    assertThat(Hooks.deliveryAttempts(gateway, deliveryId)).isEqualTo(3);

    long first = attempts.get(0).millisUntil(attempts.get(1));
    long second = attempts.get(1).millisUntil(attempts.get(2));
    assertThat(first).as("gap before retry 1 (300 ms ± 20 %%)").isBetween(240L - 5, 360L + SLACK_MS);
    assertThat(second).as("gap before retry 2 (600 ms ± 20 %%)").isBetween(480L - 5, 720L + SLACK_MS);

    String body = attempts.get(0).body();
    for (Received attempt : attempts) {
      assertThat(attempt.header("webhook-id")).as("the same id on every retry").isEqualTo(deliveryId);
      assertThat(attempt.body()).as("the same payload on every retry").isEqualTo(body);
      assertThat(StandardWebhooks.verifies(hook.getString("secret"), deliveryId, attempt.header("webhook-timestamp"),
          attempt.body(), attempt.header("webhook-signature")))
          .as("each attempt is signed over its own timestamp").isTrue();
    }

    List<JsonObject> logs = Hooks.logs(api, project, hook.getString("id"), "");
    assertThat(logs).extracting(l -> l.getInteger("attempt")).containsExactly(1, 2, 3);
    assertThat(logs).extracting(l -> l.getString("status")).containsExactly("retrying", "retrying", "succeeded");
    assertThat(logs).extracting(l -> l.getInteger("status_code")).containsExactly(500, 500, 200);
    assertThat(logs).extracting(l -> l.getString("error_code")).containsExactly("E_HTTP", "E_HTTP", null);
    assertThat(logs).extracting(l -> l.getString("delivery_id")).containsOnly(deliveryId);
    assertThat(logs).extracting(l -> l.getString("event_type")).containsOnly("purchase");
    assertThat(logs.get(0).getString("next_retry_at")).isNotNull();
    assertThat(logs.get(2).getString("next_retry_at")).isNull();
    assertThat(logs).extracting(l -> l.getJsonObject("response").getString("body"))
        .containsExactly("boom-1", "boom-2", "thanks");
    assertThat(logs.get(0).getJsonObject("response").getJsonObject("headers").getString("X-Receiver"))
        .isEqualTo("r1");
    JsonObject request = logs.get(0).getJsonObject("request");
    assertThat(request.getString("url")).isEqualTo(receiver.url(path));
    assertThat(request.getString("method")).isEqualTo("POST");
    assertThat(request.getString("body")).isEqualTo(body);
    JsonObject sentHeaders = request.getJsonObject("headers");
    assertThat(sentHeaders.getString("webhook-id")).isEqualTo(deliveryId);
    String maskedSignature = sentHeaders.getString("webhook-signature");
    assertThat(maskedSignature).as("the signature is masked in the logs").startsWith("****")
        .isNotEqualTo(attempts.get(0).header("webhook-signature"));
    assertThat(maskedSignature.length()).isLessThanOrEqualTo(8);
    for (JsonObject log : logs) {
      assertThat(log.getInteger("duration_ms")).isNotNull().isGreaterThanOrEqualTo(0);
      assertThat(log.getString("webhook_id")).isEqualTo(hook.getString("id"));
    }

    assertThat(Hooks.logs(api, project, hook.getString("id"), "status=retrying"))
        .extracting(l -> l.getInteger("attempt")).containsExactly(1, 2);
    assertThat(Hooks.logs(api, project, hook.getString("id"), "status=succeeded"))
        .extracting(l -> l.getInteger("attempt")).containsExactly(3);
    assertThat(Hooks.logs(api, project, hook.getString("id"), "status=failed")).isEmpty();
    assertThat(Hooks.logs(api, project, hook.getString("id"), "status=")).as("an empty filter is no filter")
        .hasSize(3);
    Api.Response badFilter = api.get("/v1/webhooks/" + hook.getString("id") + "/logs?project_id=" + project
        + "&status=done");
    assertThat(badFilter.status()).isEqualTo(400);
    assertThat(badFilter.error().getString("param")).isEqualTo("status");
  }

  @Test
  @DisplayName("a 503 with Retry-After: 1 is retried after a second, not after initial_delay")
  void honoursRetryAfter() {
    String path = "/retry/after";
    receiver.script(path, Reply.status(503).withHeader("Retry-After", "1"), Reply.ok());
    String project = Hooks.newProject(api);
    JsonObject hook = Hooks.createWebhook(api, project, receiver.url(path), Hooks.retry(3, 100, 2, 10_000));

    JsonObject event = Hooks.track(api, project, "signup", new JsonObject());

    List<Received> attempts = receiver.await(path, 2, 10_000);
    long gap = attempts.get(0).millisUntil(attempts.get(1));
    assertThat(gap).as("gap after Retry-After: 1").isBetween(1000L - 5, 1000L + SLACK_MS);
    Hooks.awaitDeliveryStatus(gateway, Hooks.deliveryFor(gateway, hook.getString("id"), event.getString("id")),
        "succeeded", 5_000);
    List<JsonObject> logs = Hooks.logs(api, project, hook.getString("id"), "");
    assertThat(logs).extracting(l -> l.getInteger("status_code")).containsExactly(503, 200);
  }

  @Test
  @DisplayName("a Retry-After longer than max_delay is capped by max_delay (here on a 429)")
  void retryAfterCappedByMaxDelay() {
    String path = "/retry/after-capped";
    receiver.script(path, Reply.status(429).withHeader("Retry-After", "30"), Reply.ok());
    String project = Hooks.newProject(api);
    Hooks.createWebhook(api, project, receiver.url(path), Hooks.retry(3, 100, 2, 400));

    Hooks.track(api, project, "signup", new JsonObject());

    List<Received> attempts = receiver.await(path, 2, 10_000);
    assertThat(attempts.get(0).millisUntil(attempts.get(1))).as("gap capped at max_delay 400 ms")
        .isBetween(400L - 5, 400L + SLACK_MS);
  }

  @Test
  @DisplayName("a 302 is not followed: the Location target gets nothing and the attempt fails with E_HTTP")
  void redirectNotFollowed() {
    String path = "/retry/redirect";
    receiver.script(path, Reply.status(302).withHeader("Location", receiver.url("/retry/redirect-target")));
    String project = Hooks.newProject(api);
    JsonObject hook = Hooks.createWebhook(api, project, receiver.url(path), Hooks.retry(3, 100, 2, 1000));

    JsonObject event = Hooks.track(api, project, "signup", new JsonObject());
    String deliveryId = Hooks.deliveryFor(gateway, hook.getString("id"), event.getString("id"));

    TestGateway.await("the 302 attempt to be logged", 10_000,
        () -> !Hooks.logs(api, project, hook.getString("id"), "").isEmpty());
    JsonObject attempt = Hooks.logs(api, project, hook.getString("id"), "").get(0);
    assertThat(attempt.getInteger("status_code")).isEqualTo(302);
    assertThat(attempt.getString("status")).isEqualTo("failed");
    assertThat(attempt.getString("error_code")).isEqualTo("E_HTTP");
    assertThat(Hooks.deliveryStatus(gateway, deliveryId)).isEqualTo("failed");
    assertThat(receiver.requests("/retry/redirect-target")).isEmpty();
    assertThat(receiver.requests(path)).hasSize(1);
  }

  @Test
  @DisplayName("a 400 is final: one attempt, and the delivery is failed")
  void clientErrorIsFinal() {
    String path = "/retry/bad-request";
    receiver.always(path, Reply.status(400).withBody("{\"error\":\"nope\"}"));
    String project = Hooks.newProject(api);
    JsonObject hook = Hooks.createWebhook(api, project, receiver.url(path), Hooks.retry(5, 100, 1, 100));

    JsonObject event = Hooks.track(api, project, "signup", new JsonObject());
    String deliveryId = Hooks.deliveryFor(gateway, hook.getString("id"), event.getString("id"));

    Hooks.awaitDeliveryStatus(gateway, deliveryId, "failed", 10_000);
    assertThat(Hooks.deliveryAttempts(gateway, deliveryId)).isEqualTo(1);
    assertThat(receiver.requests(path)).hasSize(1);
    List<JsonObject> logs = Hooks.logs(api, project, hook.getString("id"), "status=failed");
    assertThat(logs).hasSize(1);
    assertThat(logs.get(0).getInteger("status_code")).isEqualTo(400);
    assertThat(logs.get(0).getString("error_code")).isEqualTo("E_HTTP");
    assertThat(logs.get(0).getJsonObject("response").getString("body")).isEqualTo("{\"error\":\"nope\"}");
    assertThat(Hooks.webhook(api, project, hook.getString("id")).getBoolean("is_active"))
        .as("a 400 does not deactivate the webhook").isTrue();
  }

  @Test
  @DisplayName("a 410 deactivates the webhook with a reason, and later events queue nothing for it")
  void goneDeactivates() {
    String path = "/retry/gone";
    receiver.always(path, Reply.status(410));
    String project = Hooks.newProject(api);
    JsonObject hook = Hooks.createWebhook(api, project, receiver.url(path), Hooks.retry(5, 100, 1, 100));

    JsonObject event = Hooks.track(api, project, "signup", new JsonObject());
    String deliveryId = Hooks.deliveryFor(gateway, hook.getString("id"), event.getString("id"));

    TestGateway.await("the webhook to be deactivated", 10_000,
        () -> !Hooks.webhook(api, project, hook.getString("id")).getBoolean("is_active"));
    JsonObject after = Hooks.webhook(api, project, hook.getString("id"));
    assertThat(after.getString("disabled_reason")).isNotBlank().contains("410");
    assertThat(Hooks.deliveryStatus(gateway, deliveryId)).isEqualTo("failed");
    assertThat(Hooks.deliveryAttempts(gateway, deliveryId)).isEqualTo(1);

    JsonObject later = Hooks.track(api, project, "signup", new JsonObject());
    assertThat(gateway.count("SELECT count(*) FROM deliveries WHERE event_id = $1", later.getString("id"))).isZero();
    assertThat(receiver.requests(path)).hasSize(1);

    JsonObject reactivated = api.patch("/v1/webhooks/" + hook.getString("id") + "?project_id=" + project,
        new JsonObject().put("is_active", true)).json();
    assertThat(reactivated.getBoolean("is_active")).isTrue();
    assertThat(reactivated.getString("disabled_reason")).as("reactivation clears the reason").isNull();
  }

  @Test
  @DisplayName("a receiver that never answers gets E_TIMEOUT attempts until max_attempts, then the delivery is failed")
  void timeoutsUntilMaxAttempts() {
    String path = "/retry/hang";
    receiver.always(path, Reply.hang());
    String project = Hooks.newProject(api);
    JsonObject hook = Hooks.createWebhook(api, project, receiver.url(path), Hooks.retry(2, 100, 1, 100));

    JsonObject event = Hooks.track(api, project, "signup", new JsonObject());
    String deliveryId = Hooks.deliveryFor(gateway, hook.getString("id"), event.getString("id"));

    Hooks.awaitDeliveryStatus(gateway, deliveryId, "failed", 15_000);
    List<JsonObject> logs = Hooks.logs(api, project, hook.getString("id"), "");
    assertThat(logs).extracting(l -> l.getString("error_code")).containsExactly("E_TIMEOUT", "E_TIMEOUT");
    assertThat(logs).extracting(l -> l.getString("status")).containsExactly("retrying", "failed");
    assertThat(logs).extracting(l -> l.getInteger("status_code")).containsOnlyNulls();
    assertThat(logs).allSatisfy(l -> assertThat(l.getInteger("duration_ms"))
        .as("an attempt lasts the timeout").isGreaterThanOrEqualTo(TIMEOUT_MS - 100));
    assertThat(Hooks.deliveryAttempts(gateway, deliveryId)).isEqualTo(2);
    assertThat(receiver.requests(path)).hasSize(2);
  }

  @Test
  @DisplayName("a receiver that keeps answering 500 gets exactly max_attempts attempts, then the delivery is failed")
  void maxAttemptsReached() {
    String path = "/retry/always-500";
    receiver.always(path, Reply.status(500));
    String project = Hooks.newProject(api);
    JsonObject hook = Hooks.createWebhook(api, project, receiver.url(path), Hooks.retry(3, 100, 1, 100));

    JsonObject event = Hooks.track(api, project, "signup", new JsonObject());
    String deliveryId = Hooks.deliveryFor(gateway, hook.getString("id"), event.getString("id"));

    Hooks.awaitDeliveryStatus(gateway, deliveryId, "failed", 10_000);
    assertThat(receiver.requests(path)).hasSize(3);
    assertThat(Hooks.logs(api, project, hook.getString("id"), "")).extracting(l -> l.getString("status"))
        .containsExactly("retrying", "retrying", "failed");
    assertThat(Hooks.logs(api, project, hook.getString("id"), "status=failed")).hasSize(1);
  }

  @Test
  @DisplayName("a refused connection is an E_CONNECTION attempt")
  void connectionRefused() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String project = Hooks.newProject(api);
    JsonObject hook = Hooks.createWebhook(api, project, "http://127.0.0.1:" + closedPort + "/nobody",
        Hooks.retry(1, 100, 1, 100));

    JsonObject event = Hooks.track(api, project, "signup", new JsonObject());
    String deliveryId = Hooks.deliveryFor(gateway, hook.getString("id"), event.getString("id"));

    Hooks.awaitDeliveryStatus(gateway, deliveryId, "failed", 10_000);
    List<JsonObject> logs = Hooks.logs(api, project, hook.getString("id"), "");
    assertThat(logs).hasSize(1);
    assertThat(logs.get(0).getString("error_code")).isEqualTo("E_CONNECTION");
    assertThat(logs.get(0).getString("error")).isNotBlank();
  }
}
