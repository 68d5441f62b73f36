package io.echotag.webhooks;

import io.echotag.common.Times;
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

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Webhook operations: test send, manual retry, recovery, secret rotation")
class WebhookOperationsTest {
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
  @DisplayName("POST /test sends one signed test_event now and answers success, status_code, duration_ms, response_body and delivery_id")
  void testSendSucceeds() {
    String path = "/ops/test-ok";
    receiver.script(path, Reply.ok().withBody("pong"));
    String project = Hooks.newProject(api);
    JsonObject hook = Hooks.createWebhook(api, project, receiver.url(path), Hooks.retry(3, 100, 2, 1000));
    JsonObject testData = new JsonObject().put("order_id", "o-42").put("revenue", 12.5);

    Api.Response answer = api.post("/v1/webhooks/" + hook.getString("id") + "/test",
        new JsonObject().put("project_id", project).put("test_data", testData));

    assertThat(answer.status()).as("%s", answer).isEqualTo(200);
    JsonObject outcome = answer.json();
    assertThat(outcome.getBoolean("success")).isTrue();
    assertThat(outcome.getInteger("status_code")).isEqualTo(200);
    assertThat(outcome.getLong("duration_ms")).isNotNull().isBetween(0L, (long) TIMEOUT_MS);
    assertThat(outcome.getString("response_body")).isEqualTo("pong");
    assertThat(outcome.getString("error")).isNull();
    String deliveryId = outcome.getString("delivery_id");
    assertThat(deliveryId).startsWith("del_");

    List<Received> requests = receiver.requests(path);
    assertThat(requests).as("sent before the answer").hasSize(1);
    Received request = requests.get(0);
    JsonObject payload = request.json();
    assertThat(payload.getString("id")).isEqualTo(deliveryId);
    assertThat(payload.getString("type")).isEqualTo("test_event");
    assertThat(payload.getString("project_id")).isEqualTo(project);
    assertThat(payload.getJsonObject("data")).isEqualTo(testData);
    assertThat(request.header("webhook-id")).isEqualTo(deliveryId);
    assertThat(StandardWebhooks.verifies(hook.getString("secret"), deliveryId, request.header("webhook-timestamp"),
        request.body(), request.header("webhook-signature"))).isTrue();

    List<JsonObject> logs = Hooks.logs(api, project, hook.getString("id"), "");
    assertThat(logs).hasSize(1);
    assertThat(logs.get(0).getString("delivery_id")).isEqualTo(deliveryId);
    assertThat(logs.get(0).getString("status")).isEqualTo("succeeded");
    assertThat(logs.get(0).getString("event_type")).isEqualTo("test_event");
    assertThat(Hooks.deliveryStatus(gateway, deliveryId)).isEqualTo("succeeded");

    Api.Response byDefault = api.post("/v1/webhooks/" + hook.getString("id") + "/test?project_id=" + project, null);
    assertThat(byDefault.status()).isEqualTo(200);
    assertThat(receiver.await(path, 2, 5_000).get(1).json().getJsonObject("data").getString("message"))
        .as("without test_data a default test event is sent").isNotBlank();
  }

  @Test
  @DisplayName("POST /test reports a failing receiver (500) and a silent one (E_TIMEOUT) without retrying them")
  void testSendFails() {
    String path = "/ops/test-fail";
    receiver.script(path, Reply.status(500).withBody("down"), Reply.hang());
    String project = Hooks.newProject(api);
    JsonObject hook = Hooks.createWebhook(api, project, receiver.url(path), Hooks.retry(3, 100, 2, 1000));
    String testPath = "/v1/webhooks/" + hook.getString("id") + "/test?project_id=" + project;

    JsonObject failed = api.post(testPath, new JsonObject()).json();
    assertThat(failed.getBoolean("success")).isFalse();
    assertThat(failed.getInteger("status_code")).isEqualTo(500);
    assertThat(failed.getString("response_body")).isEqualTo("down");
    assertThat(failed.getString("error")).isNotBlank();

    JsonObject silent = api.post(testPath, new JsonObject()).json();
    assertThat(silent.getBoolean("success")).isFalse();
    assertThat(silent.getValue("status_code")).isNull();
    assertThat(silent.getString("error")).isNotBlank();
    assertThat(silent.getLong("duration_ms")).isGreaterThanOrEqualTo(TIMEOUT_MS - 100L);

    assertThat(Hooks.deliveryStatus(gateway, failed.getString("delivery_id"))).isEqualTo("failed");
    assertThat(Hooks.logs(api, project, hook.getString("id"), "")).extracting(l -> l.getString("error_code"))
        .containsExactly("E_HTTP", "E_TIMEOUT");
    assertThat(receiver.requests(path)).as("test sends are not retried by the engine").hasSize(2);
  }

  @Test
  @DisplayName("a failed delivery retried by hand is delivered again under the same webhook-id (202); a non-failed one is a 409")
  void manualRetry() {
    String path = "/ops/manual-retry";
    receiver.script(path, Reply.status(500));
    String project = Hooks.newProject(api);
    String hook = Hooks.createWebhook(api, project, receiver.url(path), Hooks.retry(1, 100, 2, 1000)).getString("id");
    String deliveryId = Hooks.deliveryFor(gateway, hook, Hooks.track(api, project, "purchase", new JsonObject())
        .getString("id"));
    Hooks.awaitDeliveryStatus(gateway, deliveryId, "failed", 10_000);
    assertThat(receiver.requests(path)).hasSize(1);

    Api.Response retried = api.post("/v1/webhooks/" + hook + "/deliveries/" + deliveryId + "/retry?project_id="
        + project, null);

    assertThat(retried.status()).as("%s", retried).isEqualTo(202);
    assertThat(retried.json().getString("delivery_id")).isEqualTo(deliveryId);
    List<Received> requests = receiver.await(path, 2, 10_000);
    assertThat(requests.get(1).header("webhook-id")).isEqualTo(deliveryId);
    assertThat(requests.get(1).body()).isEqualTo(requests.get(0).body());
    Hooks.awaitDeliveryStatus(gateway, deliveryId, "succeeded", 5_000);
    assertThat(Hooks.logs(api, project, hook, "")).extracting(l -> l.getString("status"))
        .containsExactly("failed", "succeeded");

    Api.Response again = api.post("/v1/webhooks/" + hook + "/deliveries/" + deliveryId + "/retry?project_id="
        + project, null);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.error().getString("message")).contains("succeeded");
    assertThat(api.post("/v1/webhooks/" + hook + "/deliveries/del_unknown/retry?project_id=" + project, null)
        .status()).isEqualTo(404);
    assertThat(receiver.requests(path)).hasSize(2);
  }

  @Test
  @DisplayName("recover since an instant re-queues the failed deliveries created since then, and only those")
  void recoverSince() {
    String path = "/ops/recover";
    receiver.script(path, Reply.status(503), Reply.status(503));
    String project = Hooks.newProject(api);
    String hook = Hooks.createWebhook(api, project, receiver.url(path), Hooks.retry(1, 100, 2, 1000)).getString("id");
    String older = Hooks.deliveryFor(gateway, hook, Hooks.track(api, project, "purchase", new JsonObject())
        .getString("id"));
    Hooks.awaitDeliveryStatus(gateway, older, "failed", 10_000);
    String newer = Hooks.deliveryFor(gateway, hook, Hooks.track(api, project, "purchase", new JsonObject())
        .getString("id"));
    Hooks.awaitDeliveryStatus(gateway, newer, "failed", 10_000);
    String since = Times.format(gateway.sql("SELECT created_at FROM deliveries WHERE id = $1", newer).get(0)
        .getOffsetDateTime("created_at"));

    Api.Response recovered = api.post("/v1/webhooks/" + hook + "/recover", new JsonObject()
        .put("project_id", project).put("since", since));

    assertThat(recovered.status()).as("%s", recovered).isEqualTo(202);
    assertThat(recovered.json().getInteger("recovered")).isEqualTo(1);
    Hooks.awaitDeliveryStatus(gateway, newer, "succeeded", 10_000);
    assertThat(Hooks.deliveryStatus(gateway, older)).isEqualTo("failed");
    assertThat(receiver.requests(path)).extracting(r -> r.header("webhook-id")).containsExactly(older, newer, newer);

    Api.Response missing = api.post("/v1/webhooks/" + hook + "/recover?project_id=" + project, new JsonObject());
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.error().getString("param")).isEqualTo("since");
    Api.Response unreadable = api.post("/v1/webhooks/" + hook + "/recover?project_id=" + project,
        new JsonObject().put("since", "yesterday"));
    assertThat(unreadable.status()).isEqualTo(400);
    assertThat(unreadable.error().getString("param")).isEqualTo("since");
  }

  @Test
  @DisplayName("after rotate-secret the signature header carries two signatures: one for the old secret, one for the new")
  void rotateSecret() {
    String path = "/ops/rotate";
    String project = Hooks.newProject(api);
    JsonObject hook = Hooks.createWebhook(api, project, receiver.url(path), Hooks.retry(3, 100, 2, 1000));
    String oldSecret = hook.getString("secret");

    Api.Response rotated = api.post("/v1/webhooks/" + hook.getString("id") + "/rotate-secret?project_id=" + project,
        null);

    assertThat(rotated.status()).as("%s", rotated).isEqualTo(200);
    String newSecret = rotated.json().getString("secret");
    assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);
    assertThat(Hooks.webhook(api, project, hook.getString("id")).getString("secret")).isEqualTo(newSecret);

    Hooks.track(api, project, "purchase", new JsonObject());
    Received request = receiver.await(path, 1, 10_000).get(0);
    String header = request.header("webhook-signature");
    List<String> signatures = StandardWebhooks.signatures(header);
    assertThat(signatures).as("two space-separated signatures in %s", header).hasSize(2);
    String id = request.header("webhook-id");
    String timestamp = request.header("webhook-timestamp");
    String expectedOld = StandardWebhooks.expectedSignature(oldSecret, id, timestamp, request.body());
    String expectedNew = StandardWebhooks.expectedSignature(newSecret, id, timestamp, request.body());
    assertThat(signatures).containsExactlyInAnyOrder(expectedOld, expectedNew);

    JsonObject tested = api.post("/v1/webhooks/" + hook.getString("id") + "/test?project_id=" + project, null)
        .json();
    Received testSend = receiver.await(path, 2, 5_000).get(1);
    assertThat(testSend.header("webhook-id")).isEqualTo(tested.getString("delivery_id"));
    assertThat(StandardWebhooks.signatures(testSend.header("webhook-signature")))
        .as("a test send during the grace period is signed with both secrets too")
        .containsExactlyInAnyOrder(
            StandardWebhooks.expectedSignature(oldSecret, testSend.header("webhook-id"),
                testSend.header("webhook-timestamp"), testSend.body()),
            StandardWebhooks.expectedSignature(newSecret, testSend.header("webhook-id"),
                testSend.header("webhook-timestamp"), testSend.body()));
  }

  @Test
  @DisplayName("logs with status=pending list deliveries not attempted yet, as attempt 0 with their due time")
  void pendingLogs() {
    String project = Hooks.newProject(api);
    // The event comes first, the webhook after: only the row inserted below is queued for it.
    String eventId = Hooks.track(api, project, "purchase", new JsonObject()).getString("id");
    String hook = Hooks.createWebhook(api, project, receiver.url("/ops/pending"), Hooks.retry(3, 100, 2, 1000))
        .getString("id");
    String deliveryId = "del_later" + System.nanoTime();
    gateway.sql("INSERT INTO deliveries (project_id, id, endpoint, webhook_id, event_id, event_type, "
        + "next_attempt_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'purchase', "
        + "now() + interval '1 hour', now(), now())", project, deliveryId, "wh:" + hook, hook, eventId);

    List<JsonObject> pending = Hooks.logs(api, project, hook, "status=pending");

    assertThat(pending).hasSize(1);
    assertThat(pending.get(0).getString("delivery_id")).isEqualTo(deliveryId);
    assertThat(pending.get(0).getInteger("attempt")).isZero();
    assertThat(pending.get(0).getString("status")).isEqualTo("pending");
    assertThat(pending.get(0).getString("event_id")).isEqualTo(eventId);
    assertThat(Times.parseInstant(pending.get(0).getString("next_retry_at")))
        .isAfter(java.time.Instant.now().plusSeconds(3000));
    assertThat(receiver.requests("/ops/pending")).isEmpty();
  }
}
