package io.echotag.webhooks;

import io.echotag.testing.Api;
import io.echotag.testing.FakeReceiver;
import io.echotag.testing.FakeReceiver.Received;
import io.echotag.testing.StandardWebhooks;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Delivery of ingested events to webhooks")
class WebhookDeliveryTest {
  static TestGateway gateway;
  static Api api;
  static FakeReceiver receiver;

  @BeforeAll
  static void start() {
    receiver = FakeReceiver.start();
    gateway = TestGateway.start(Hooks.overrides(1500, 1000));
    api = gateway.api();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    receiver.close();
  }

  @Test
  @DisplayName("the test's own HMAC-SHA256 matches RFC 4231 (so signature checks below prove something)")
  void independentHmacIsRight() {
    byte[] mac = StandardWebhooks.hmacSha256("Jefe".getBytes(StandardCharsets.US_ASCII),
        "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII));
    assertThat(HexFormat.of().formatHex(mac))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Test
  @DisplayName("an ingested event reaches the webhook as {id, type, created_at, project_id, data}, signed and with its headers")
  void deliversSignedPayload() {
    String project = Hooks.newProject(api);
    JsonObject hook = Hooks.createWebhook(api, new JsonObject().put("project_id", project).put("name", "basic")
        .put("url", receiver.url("/deliver/basic"))
        .put("headers", new JsonObject().put("X-Team", "growth").put("Authorization", "Bearer tok_1234")));

    JsonObject event = Hooks.track(api, project, "page_view", new JsonObject().put("url", "https://shop.test/")
        .put("title", "Caf\u00e9 \u2615 \u00fcber \ud83d\ude80"));
    String deliveryId = Hooks.deliveryFor(gateway, hook.getString("id"), event.getString("id"));

    Received request = receiver.await("/deliver/basic", 1, 10_000).get(0);
    assertThat(request.method()).isEqualTo("POST");
    JsonObject payload = request.json();
    assertThat(payload.fieldNames()).containsExactlyInAnyOrder("id", "type", "created_at", "project_id", "data");
    assertThat(payload.getString("id")).isEqualTo(deliveryId).startsWith("del_");
    assertThat(payload.getString("type")).isEqualTo("page_view");
    assertThat(payload.getString("project_id")).isEqualTo(project);
    assertThat(payload.getString("created_at")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(payload.getJsonObject("data")).as("the event exactly as the ingest call answered it")
        .isEqualTo(event);

    assertThat(request.header("webhook-id")).isEqualTo(deliveryId);
    assertThat(request.header("Content-Type")).startsWith("application/json");
    assertThat(request.header("User-Agent")).startsWith("EchoTag-Webhooks/");
    assertThat(request.header("X-Team")).isEqualTo("growth");
    assertThat(request.header("Authorization")).isEqualTo("Bearer tok_1234");
    long timestamp = Long.parseLong(request.header("webhook-timestamp"));
    assertThat(timestamp).isBetween(request.arrivedAt().getEpochSecond() - 5, request.arrivedAt().getEpochSecond() + 1);
    String signature = request.header("webhook-signature");
    assertThat(StandardWebhooks.signatures(signature)).hasSize(1);
    assertThat(StandardWebhooks.verifies(hook.getString("secret"), deliveryId, request.header("webhook-timestamp"),
        request.body(), signature)).as("signature %s verifies with the webhook's secret", signature).isTrue();
    assertThat(StandardWebhooks.verifies(hook.getString("secret"), deliveryId, request.header("webhook-timestamp"),
        request.body() + " ", signature)).as("and not over another body").isFalse();

    Hooks.awaitDeliveryStatus(gateway, deliveryId, "succeeded", 5_000);
    List<JsonObject> logs = Hooks.logs(api, project, hook.getString("id"), "");
    assertThat(logs).hasSize(1);
    assertThat(logs.get(0).getString("status")).isEqualTo("succeeded");
    assertThat(logs.get(0).getInteger("status_code")).isEqualTo(200);
    assertThat(logs.get(0).getString("event_id")).isEqualTo(event.getString("id"));
    assertThat(logs.get(0).getString("delivery_id")).isEqualTo(deliveryId);
    JsonObject loggedHeaders = logs.get(0).getJsonObject("request").getJsonObject("headers");
    assertThat(loggedHeaders.getString("Authorization")).as("the webhook's secret header is masked in the logs")
        .isEqualTo("****1234");
    assertThat(loggedHeaders.getString("X-Team")).isEqualTo("growth");
    assertThat(logs.get(0).encode()).doesNotContain("tok_1234");
    assertThat(receiver.requests("/deliver/basic")).hasSize(1);
  }

  @Test
  @DisplayName("every event of a batch becomes a delivery, and an idempotent repeat queues none")
  void batchAndRepeats() {
    String project = Hooks.newProject(api);
    JsonObject hook = Hooks.createWebhook(api, new JsonObject().put("project_id", project).put("name", "batch")
        .put("url", receiver.url("/deliver/batch")));
    JsonArray events = new JsonArray();
    for (int i = 0; i < 3; i++) {
      events.add(new JsonObject().put("event_type", "add_to_cart").put("visitor_id", "vis_b" + i)
          .put("data", new JsonObject().put("i", i)));
    }

    Api.Response batch = api.post("/v1/events/batch", new JsonObject().put("project_id", project)
        .put("events", events));
    assertThat(batch.status()).as("%s", batch).isEqualTo(200);
    assertThat(batch.json().getInteger("accepted")).isEqualTo(3);

    List<Received> received = receiver.await("/deliver/batch", 3, 10_000);
    assertThat(received.stream().map(r -> r.json().getJsonObject("data").getString("id")))
        .containsExactlyInAnyOrderElementsOf(batch.json().getJsonArray("ids").stream().map(Object::toString)
            .toList());

    JsonObject keyed = new JsonObject().put("project_id", project).put("event_type", "purchase")
        .put("visitor_id", "vis_repeat");
    Api.Response first = api.send("POST", "/v1/events", keyed, "Idempotency-Key", "order-991");
    Api.Response repeat = api.send("POST", "/v1/events", keyed, "Idempotency-Key", "order-991");
    assertThat(first.status()).isEqualTo(201);
    assertThat(repeat.status()).isEqualTo(200);
    assertThat(repeat.json().getString("id")).isEqualTo(first.json().getString("id"));
    assertThat(gateway.count("SELECT count(*) FROM deliveries WHERE webhook_id = $1 AND event_id = $2",
        hook.getString("id"), first.json().getString("id"))).isEqualTo(1);
    receiver.await("/deliver/batch", 4, 10_000);
  }

  @Test
  @DisplayName("the webhook's method is used for the request")
  void usesConfiguredMethod() {
    String project = Hooks.newProject(api);
    Hooks.createWebhook(api, new JsonObject().put("project_id", project).put("name", "put")
        .put("url", receiver.url("/deliver/put")).put("method", "PUT"));

    Hooks.track(api, project, "signup", new JsonObject());

    assertThat(receiver.await("/deliver/put", 1, 10_000).get(0).method()).isEqualTo("PUT");
  }

  @Test
  @DisplayName("a webhook subscribed to purchase gets purchases and no page_view; inactive and other projects' webhooks get nothing")
  void eventTypeFilters() {
    String project = Hooks.newProject(api);
    JsonObject purchases = Hooks.createWebhook(api, new JsonObject().put("project_id", project)
        .put("name", "purchases").put("url", receiver.url("/filter/purchase"))
        .put("events", new JsonArray().add("purchase")));
    JsonObject all = Hooks.createWebhook(api, new JsonObject().put("project_id", project).put("name", "all")
        .put("url", receiver.url("/filter/all")));
    JsonObject inactive = Hooks.createWebhook(api, new JsonObject().put("project_id", project).put("name", "off")
        .put("url", receiver.url("/filter/inactive")).put("is_active", false));
    String otherProject = Hooks.newProject(api);
    JsonObject elsewhere = Hooks.createWebhook(api, new JsonObject().put("project_id", otherProject)
        .put("name", "elsewhere").put("url", receiver.url("/filter/elsewhere")));

    JsonObject pageView = Hooks.track(api, project, "page_view", new JsonObject().put("url", "https://shop.test/"));
    JsonObject purchase = Hooks.track(api, project, "purchase", new JsonObject().put("revenue", 42.5));

    List<Received> toAll = receiver.await("/filter/all", 2, 10_000);
    assertThat(toAll.stream().map(r -> r.json().getString("type"))).containsExactlyInAnyOrder("page_view", "purchase");
    List<Received> toPurchases = receiver.await("/filter/purchase", 1, 10_000);
    Hooks.awaitDeliveryStatus(gateway, Hooks.deliveryFor(gateway, all.getString("id"), pageView.getString("id")),
        "succeeded", 5_000);

    // The outbox is written at ingest: no row means nothing will ever be sent.
    assertThat(gateway.count("SELECT count(*) FROM deliveries WHERE webhook_id = $1 AND event_id = $2",
        purchases.getString("id"), pageView.getString("id"))).isZero();
    assertThat(toPurchases).hasSize(1);
    assertThat(toPurchases.get(0).json().getJsonObject("data").getString("id")).isEqualTo(purchase.getString("id"));
    assertThat(gateway.count("SELECT count(*) FROM deliveries WHERE webhook_id IN ($1, $2)",
        inactive.getString("id"), elsewhere.getString("id"))).isZero();
    assertThat(receiver.requests("/filter/inactive")).isEmpty();
    assertThat(receiver.requests("/filter/elsewhere")).isEmpty();
  }

  @Test
  @DisplayName("a 2 MiB answer is read without being kept: the attempt stores its first 4096 bytes and the delivery succeeds")
  void largeAnswerIsCut() {
    String project = Hooks.newProject(api);
    String path = "/deliver/large-answer";
    receiver.always(path, FakeReceiver.Reply.ok().withBody("x".repeat(2 * 1024 * 1024)));
    JsonObject hook = Hooks.createWebhook(api, new JsonObject().put("project_id", project).put("name", "large")
        .put("url", receiver.url(path)));
    JsonObject event = Hooks.track(api, project, "page_view", new JsonObject());
    String deliveryId = Hooks.deliveryFor(gateway, hook.getString("id"), event.getString("id"));

    Hooks.awaitDeliveryStatus(gateway, deliveryId, "succeeded", 10_000);
    List<JsonObject> logs = Hooks.logs(api, project, hook.getString("id"), "");
    assertThat(logs).hasSize(1);
    assertThat(logs.get(0).getJsonObject("response").getString("body")).isEqualTo("x".repeat(4096));
  }
}
