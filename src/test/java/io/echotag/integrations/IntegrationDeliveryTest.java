package io.echotag.integrations;

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

import java.util.Base64;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Integrations: write-only secrets, test sends, and deliveries through the engine")
class IntegrationDeliveryTest {
  static final String TOKEN = "Bearer sk_live_abcdefgh1234";
  static final String SIGNING_SECRET = "whsec_" + Base64.getEncoder()
      .encodeToString("integration-signing-key-0123".getBytes());
  static TestGateway gateway;
  static Api api;
  static FakeReceiver receiver;

  @BeforeAll
  static void start() {
    receiver = FakeReceiver.start();
    gateway = TestGateway.start(new JsonObject()
        .put("webhooks", new JsonObject().put("allow_private_networks", true).put("timeout_ms", 1500)
            .put("test_timeout_ms", 1500))
        .put("delivery", new JsonObject().put("poll_interval_ms", 100)));
    api = gateway.api();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    receiver.close();
  }

  @Test
  @DisplayName("an http integration answers with its secrets masked as ****abcd, and a PATCH that sends the masks back keeps them")
  void httpSecretsAreWriteOnly() {
    String base = "/int/" + UUID.randomUUID();
    JsonObject created = createHttp(base);

    JsonObject config = created.getJsonObject("config");
    assertThat(created.getString("id")).startsWith("int_");
    assertThat(created.getString("type")).isEqualTo("http");
    assertThat(created.getBoolean("is_active")).isTrue();
    assertThat(config.getString("base_url")).isEqualTo(receiver.url(base));
    assertThat(config.getJsonObject("headers").getString("Authorization")).isEqualTo("****1234");
    assertThat(config.getString("signing_secret"))
        .isEqualTo("****" + SIGNING_SECRET.substring(SIGNING_SECRET.length() - 4));
    assertThat(created.encode()).doesNotContain("sk_live").doesNotContain(SIGNING_SECRET);
    String id = created.getString("id");
    assertThat(api.get("/v1/integrations/" + id).json()).isEqualTo(created);
    assertThat(api.get("/v1/integrations").data().stream().map(o -> ((JsonObject) o).getString("id"))).contains(id);

    Api.Response patched = api.patch("/v1/integrations/" + id, new JsonObject().put("name", "renamed")
        .put("config", config));

    assertThat(patched.status()).as("%s", patched).isEqualTo(200);
    assertThat(patched.json().getString("name")).isEqualTo("renamed");
    assertThat(patched.json().getJsonObject("config")).isEqualTo(config);
    JsonObject stored = gateway.sql("SELECT config FROM integrations WHERE id = $1", id).get(0).getJsonObject("config");
    assertThat(stored.getJsonObject("headers").getString("Authorization")).isEqualTo(TOKEN);
    assertThat(stored.getString("signing_secret")).isEqualTo(SIGNING_SECRET);

    JsonObject outcome = api.post("/v1/integrations/" + id + "/test", new JsonObject()).json();
    assertThat(outcome.getBoolean("success")).as("%s", outcome).isTrue();
    assertThat(outcome.getInteger("status_code")).isEqualTo(200);
    Received request = receiver.await(base, 1, 5_000).get(0);
    assertThat(request.header("Authorization")).as("the kept secret is sent").isEqualTo(TOKEN);
    assertThat(request.header("webhook-id")).isEqualTo(outcome.getString("delivery_id"));
    assertThat(StandardWebhooks.verifies(SIGNING_SECRET, request.header("webhook-id"),
        request.header("webhook-timestamp"), request.body(), request.header("webhook-signature"))).isTrue();

    JsonObject changed = api.patch("/v1/integrations/" + id, new JsonObject().put("config", new JsonObject()
        .put("headers", new JsonObject().put("Authorization", "Bearer sk_live_new_9876")))).json();
    assertThat(changed.getJsonObject("config").getJsonObject("headers").getString("Authorization"))
        .isEqualTo("****9876");
    assertThat(gateway.sql("SELECT config FROM integrations WHERE id = $1", id).get(0).getJsonObject("config")
        .getJsonObject("headers").getString("Authorization")).isEqualTo("Bearer sk_live_new_9876");
  }

  @Test
  @DisplayName("a slack integration masks its webhook_url, keeps it when the mask comes back, and its test posts {\"text\": ...}")
  void slackTestPostsText() {
    String path = "/int/slack/T000/B000/" + UUID.randomUUID();
    Api.Response created = api.post("/v1/integrations", new JsonObject().put("type", "slack").put("name", "alerts")
        .put("config", new JsonObject().put("webhook_url", receiver.url(path))));
    assertThat(created.status()).as("%s", created).isEqualTo(201);
    String masked = created.json().getJsonObject("config").getString("webhook_url");
    assertThat(masked).isEqualTo("****" + path.substring(path.length() - 4));
    String id = created.json().getString("id");

    JsonObject patched = api.patch("/v1/integrations/" + id, new JsonObject()
        .put("config", new JsonObject().put("webhook_url", masked))).json();
    assertThat(patched.getJsonObject("config").getString("webhook_url")).isEqualTo(masked);

    Api.Response tested = api.post("/v1/integrations/" + id + "/test", new JsonObject());
    assertThat(tested.status()).isEqualTo(200);
    assertThat(tested.json().getBoolean("success")).as("%s", tested).isTrue();
    Received request = receiver.await(path, 1, 5_000).get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.json().fieldNames()).containsExactly("text");
    assertThat(request.json().getString("text")).isNotBlank();
    assertThat(request.header("Content-Type")).startsWith("application/json");
  }

  @Test
  @DisplayName("invalid integrations are refused naming the field")
  void validation() {
    Api.Response missing = api.post("/v1/integrations", new JsonObject());
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.error().getString("message")).contains("type", "name", "config");
    assertRefused("type", new JsonObject().put("type", "email").put("name", "x")
        .put("config", new JsonObject().put("base_url", receiver.url("/x"))));
    assertRefused("config.base_url", new JsonObject().put("type", "http").put("name", "x")
        .put("config", new JsonObject()));
    assertRefused("config.webhook_url", new JsonObject().put("type", "slack").put("name", "x")
        .put("config", new JsonObject().put("webhook_url", "ftp://hooks.example/x")));
    assertRefused("config.signing_secret", new JsonObject().put("type", "http").put("name", "x")
        .put("config", new JsonObject().put("base_url", receiver.url("/x")).put("signing_secret", "plain")));
  }

  @Test
  @DisplayName("a delivery row with integration_id is sent by the engine to base_url + path, with the integration's headers and signature")
  void engineDeliversIntegrationRows() {
    String base = "/int/" + UUID.randomUUID();
    String id = createHttp(base).getString("id");
    String deliveryId = "del_int" + System.nanoTime();
    String body = "{\"order_id\":\"o-77\",\"total\":19.9}";

    gateway.sql("INSERT INTO deliveries (project_id, id, endpoint, integration_id, event_type, url, method, body, "
            + "status, attempts, next_attempt_at, created_at, updated_at) VALUES ($1, $2, $3, $4, 'purchase', "
            + "'/orders', 'POST', $5, 'pending', 0, now(), now(), now())",
        gateway.projectId(), deliveryId, "int:" + id, id, body);

    Received request = receiver.await(base + "/orders", 1, 10_000).get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.body()).isEqualTo(body);
    assertThat(request.header("Authorization")).isEqualTo(TOKEN);
    assertThat(request.header("webhook-id")).isEqualTo(deliveryId);
    assertThat(request.header("User-Agent")).startsWith("EchoTag-Webhooks/");
    assertThat(StandardWebhooks.verifies(SIGNING_SECRET, deliveryId, request.header("webhook-timestamp"), body,
        request.header("webhook-signature"))).isTrue();
    TestGateway.await("the integration delivery to succeed", 5_000, () -> "succeeded".equals(
        gateway.sql("SELECT status FROM deliveries WHERE id = $1", deliveryId).get(0).getString("status")));
    assertThat(gateway.count("SELECT count(*) FROM delivery_attempts WHERE delivery_id = $1 AND status_code = 200",
        deliveryId)).isEqualTo(1);
  }

  @Test
  @DisplayName("an integration delivery that gets a 500 is retried like a webhook delivery")
  void integrationDeliveriesAreRetried() {
    String base = "/int/" + UUID.randomUUID();
    receiver.script(base + "/retry", Reply.status(500));
    String id = createHttp(base).getString("id");
    String deliveryId = "del_intretry" + System.nanoTime();

    gateway.sql("INSERT INTO deliveries (project_id, id, endpoint, integration_id, event_type, url, method, body, "
            + "status, attempts, next_attempt_at, created_at, updated_at) VALUES ($1, $2, $3, $4, 'purchase', "
            + "'/retry', 'POST', '{}', 'pending', 0, now(), now(), now())",
        gateway.projectId(), deliveryId, "int:" + id, id);

    receiver.await(base + "/retry", 2, 10_000);
    TestGateway.await("the retried integration delivery to succeed", 5_000, () -> "succeeded".equals(
        gateway.sql("SELECT status FROM deliveries WHERE id = $1", deliveryId).get(0).getString("status")));
    assertThat(receiver.requests(base + "/retry")).extracting(r -> r.header("webhook-id"))
        .containsExactly(deliveryId, deliveryId);
    assertThat(gateway.sql("SELECT attempts FROM deliveries WHERE id = $1", deliveryId).get(0)
        .getInteger("attempts")).isEqualTo(2);
  }

  @Test
  @DisplayName("a deleted integration answers 404")
  void delete() {
    String id = createHttp("/int/" + UUID.randomUUID()).getString("id");

    assertThat(api.delete("/v1/integrations/" + id).status()).isEqualTo(204);
    assertThat(api.get("/v1/integrations/" + id).status()).isEqualTo(404);
    assertThat(api.delete("/v1/integrations/" + id).status()).isEqualTo(404);
  }

  private static JsonObject createHttp(String base) {
    Api.Response created = api.post("/v1/integrations", new JsonObject().put("type", "http").put("name", "crm")
        .put("config", new JsonObject().put("base_url", receiver.url(base))
            .put("headers", new JsonObject().put("Authorization", TOKEN))
            .put("signing_secret", SIGNING_SECRET)));
    assertThat(created.status()).as("%s", created).isEqualTo(201);
    return created.json();
  }

  private static void assertRefused(String param, JsonObject body) {
    Api.Response response = api.post("/v1/integrations", body);
    assertThat(response.status()).as("%s -> %s", body, response).isEqualTo(422);
    assertThat(response.error().getString("param")).as("%s -> %s", body, response).isEqualTo(param);
  }
}
