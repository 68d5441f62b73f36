package io.echotag.webhooks;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /v1/webhooks} definitions on a gateway with default settings (private networks refused).
 * URLs use documentation addresses (TEST-NET-3), which are public and need no DNS; nothing is
 * ingested here, so nothing is ever sent to them.
 */
@DisplayName("Webhook definitions: create, read, replace, change, delete")
class WebhookCrudTest {
  static final String URL = "https://203.0.113.10/hooks/a";
  static TestGateway gateway;
  static Api api;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    api = gateway.api();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  @DisplayName("a webhook created with name and url gets a whsec_ secret, the default retry_config and every event")
  void createWithDefaults() {
    Api.Response created = api.post("/v1/webhooks", new JsonObject().put("name", "orders").put("url", URL));

    assertThat(created.status()).isEqualTo(201);
    JsonObject hook = created.json();
    assertThat(hook.getString("id")).startsWith("wh_");
    assertThat(hook.getString("project_id")).isEqualTo(gateway.projectId());
    assertThat(hook.getString("name")).isEqualTo("orders");
    assertThat(hook.getString("url")).isEqualTo(URL);
    assertThat(hook.getString("method")).isEqualTo("POST");
    assertThat(hook.getJsonObject("headers")).isEqualTo(new JsonObject());
    assertThat(hook.getJsonArray("events")).isEqualTo(new JsonArray().add("*"));
    assertThat(hook.getBoolean("is_active")).isTrue();
    assertThat(hook.containsKey("disabled_reason")).isTrue();
    assertThat(hook.getString("disabled_reason")).isNull();
    assertThat(hook.getString("circuit_state")).isEqualTo("closed");
    JsonObject retry = hook.getJsonObject("retry_config");
    assertThat(retry.getInteger("max_attempts")).isEqualTo(3);
    assertThat(retry.getDouble("backoff_multiplier")).isEqualTo(2.0);
    assertThat(retry.getLong("initial_delay")).isEqualTo(1000L);
    assertThat(retry.getLong("max_delay")).isEqualTo(30000L);
    String secret = hook.getString("secret");
    assertThat(secret).matches("whsec_[A-Za-z0-9+/]{32}");
    assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(24);
    assertThat(hook.getString("created_at")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(hook.getString("updated_at")).isEqualTo(hook.getString("created_at"));

    String other = api.post("/v1/webhooks", new JsonObject().put("name", "b").put("url", URL)).json()
        .getString("secret");
    assertThat(other).as("each webhook gets a secret of its own").isNotEqualTo(secret);
  }

  @Test
  @DisplayName("given fields are stored as given: secret, method, headers, events, retry_config, is_active")
  void createWithEverything() {
    String secret = "whsec_" + Base64.getEncoder().encodeToString("0123456789abcdef0123".getBytes());
    JsonObject body = new JsonObject().put("name", "full").put("url", URL).put("method", "put")
        .put("headers", new JsonObject().put("X-Team", "growth"))
        .put("events", new JsonArray().add("purchase").add("signup"))
        .put("retry_config", new JsonObject().put("max_attempts", 7).put("initial_delay", 250))
        .put("is_active", false).put("secret", secret);

    JsonObject hook = Hooks.createWebhook(api, body);

    assertThat(hook.getString("method")).isEqualTo("PUT");
    assertThat(hook.getJsonObject("headers")).isEqualTo(new JsonObject().put("X-Team", "growth"));
    assertThat(hook.getJsonArray("events")).isEqualTo(new JsonArray().add("purchase").add("signup"));
    assertThat(hook.getBoolean("is_active")).isFalse();
    assertThat(hook.getString("secret")).isEqualTo(secret);
    JsonObject retry = hook.getJsonObject("retry_config");
    assertThat(retry.getInteger("max_attempts")).isEqualTo(7);
    assertThat(retry.getLong("initial_delay")).isEqualTo(250L);
    assertThat(retry.getDouble("backoff_multiplier")).as("unset retry fields keep their defaults").isEqualTo(2.0);
    assertThat(retry.getLong("max_delay")).isEqualTo(30000L);
  }

  @Test
  @DisplayName("a created webhook is listed (newest first) and read back unchanged")
  void listAndGet() {
    JsonObject first = Hooks.createWebhook(api, new JsonObject().put("name", "first").put("url", URL));
    JsonObject second = Hooks.createWebhook(api, new JsonObject().put("name", "second").put("url", URL));

    Api.Response got = api.get("/v1/webhooks/" + first.getString("id"));
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.json()).isEqualTo(first);

    Api.Response list = api.get("/v1/webhooks");
    assertThat(list.status()).isEqualTo(200);
    List<String> ids = list.data().stream().map(o -> ((JsonObject) o).getString("id")).toList();
    assertThat(ids).contains(first.getString("id"), second.getString("id"));
    assertThat(ids.indexOf(second.getString("id"))).isLessThan(ids.indexOf(first.getString("id")));
    assertThat(list.json().getInteger("limit")).isEqualTo(100);
    assertThat(list.json().getBoolean("has_more")).isFalse();
  }

  @Test
  @DisplayName("PUT replaces every field: the ones left out go back to their defaults, the secret stays")
  void putReplaces() {
    JsonObject hook = Hooks.createWebhook(api, new JsonObject().put("name", "old").put("url", URL)
        .put("method", "PATCH").put("headers", new JsonObject().put("X-A", "1"))
        .put("events", new JsonArray().add("purchase"))
        .put("retry_config", Hooks.retry(9, 100, 3, 900)).put("is_active", false));
    String id = hook.getString("id");

    Api.Response put = api.put("/v1/webhooks/" + id, new JsonObject().put("name", "new")
        .put("url", "https://203.0.113.11/other"));

    assertThat(put.status()).isEqualTo(200);
    JsonObject replaced = put.json();
    assertThat(replaced.getString("id")).isEqualTo(id);
    assertThat(replaced.getString("name")).isEqualTo("new");
    assertThat(replaced.getString("url")).isEqualTo("https://203.0.113.11/other");
    assertThat(replaced.getString("method")).isEqualTo("POST");
    assertThat(replaced.getJsonObject("headers")).isEqualTo(new JsonObject());
    assertThat(replaced.getJsonArray("events")).isEqualTo(new JsonArray().add("*"));
    assertThat(replaced.getBoolean("is_active")).isTrue();
    assertThat(replaced.getJsonObject("retry_config").getInteger("max_attempts")).isEqualTo(3);
    assertThat(replaced.getJsonObject("retry_config").getLong("initial_delay")).isEqualTo(1000L);
    assertThat(replaced.getString("secret")).isEqualTo(hook.getString("secret"));
    assertThat(replaced.getString("created_at")).isEqualTo(hook.getString("created_at"));
    assertThat(api.get("/v1/webhooks/" + id).json()).isEqualTo(replaced);

    Api.Response incomplete = api.put("/v1/webhooks/" + id, new JsonObject().put("name", "no url"));
    assertThat(incomplete.status()).isEqualTo(400);
    assertThat(incomplete.error().getString("message")).contains("url");
  }

  @Test
  @DisplayName("PATCH changes only the fields it names, retry_config key by key")
  void patchChangesGivenFields() {
    JsonObject hook = Hooks.createWebhook(api, new JsonObject().put("name", "before").put("url", URL)
        .put("headers", new JsonObject().put("X-A", "1")).put("events", new JsonArray().add("purchase"))
        .put("retry_config", Hooks.retry(6, 200, 3, 5000)));
    String id = hook.getString("id");

    Api.Response patched = api.patch("/v1/webhooks/" + id, new JsonObject().put("name", "after")
        .put("retry_config", new JsonObject().put("max_attempts", 2)));

    assertThat(patched.status()).isEqualTo(200);
    JsonObject after = patched.json();
    assertThat(after.getString("name")).isEqualTo("after");
    assertThat(after.getString("url")).isEqualTo(URL);
    assertThat(after.getJsonObject("headers")).isEqualTo(new JsonObject().put("X-A", "1"));
    assertThat(after.getJsonArray("events")).isEqualTo(new JsonArray().add("purchase"));
    assertThat(after.getString("secret")).isEqualTo(hook.getString("secret"));
    JsonObject retry = after.getJsonObject("retry_config");
    assertThat(retry.getInteger("max_attempts")).isEqualTo(2);
    assertThat(retry.getLong("initial_delay")).isEqualTo(200L);
    assertThat(retry.getDouble("backoff_multiplier")).isEqualTo(3.0);
    assertThat(retry.getLong("max_delay")).isEqualTo(5000L);

    JsonObject inactive = api.patch("/v1/webhooks/" + id, new JsonObject().put("is_active", false)).json();
    assertThat(inactive.getBoolean("is_active")).isFalse();
    assertThat(inactive.getString("name")).isEqualTo("after");
  }

  @Test
  @DisplayName("DELETE answers 204, after which the webhook is gone from get, list and a second delete")
  void deleteRemoves() {
    String id = Hooks.createWebhook(api, new JsonObject().put("name", "gone").put("url", URL)).getString("id");

    Api.Response deleted = api.delete("/v1/webhooks/" + id);

    assertThat(deleted.status()).isEqualTo(204);
    Api.Response got = api.get("/v1/webhooks/" + id);
    assertThat(got.status()).isEqualTo(404);
    assertThat(got.error().getString("code")).isEqualTo("webhook_not_found");
    assertThat(api.get("/v1/webhooks?limit=1000").data().stream()
        .map(o -> ((JsonObject) o).getString("id"))).doesNotContain(id);
    assertThat(api.delete("/v1/webhooks/" + id).status()).isEqualTo(404);
    assertThat(api.patch("/v1/webhooks/" + id, new JsonObject().put("name", "x")).status()).isEqualTo(404);
  }

  @Test
  @DisplayName("missing name and url are named together in one 400")
  void missingFields() {
    Api.Response response = api.post("/v1/webhooks", new JsonObject().put("method", "POST"));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.error().getString("type")).isEqualTo("invalid_request");
    assertThat(response.error().getString("message")).isEqualTo("Missing required fields: name, url");
  }

  @Test
  @DisplayName("each invalid field is refused with a 422 (or 400 for a wrong JSON type) that names it")
  void invalidFieldsAreNamed() {
    assertRefused(422, "method", base().put("method", "GET"));
    assertRefused(422, "url", base().put("url", "ftp://203.0.113.10/x"));
    assertRefused(422, "url", base().put("url", "not a url"));
    assertRefused(422, "events", base().put("events", new JsonArray()));
    assertRefused(422, "events.1", base().put("events", new JsonArray().add("purchase").add("bad type!")));
    assertRefused(422, "headers.webhook-signature", base().put("headers",
        new JsonObject().put("webhook-signature", "forged")));
    assertRefused(422, "headers.X-Num", base().put("headers", new JsonObject().put("X-Num", 5)));
    assertRefused(422, "retry_config.max_attempts", base().put("retry_config",
        new JsonObject().put("max_attempts", 0)));
    assertRefused(422, "retry_config.max_attempts", base().put("retry_config",
        new JsonObject().put("max_attempts", 21)));
    assertRefused(422, "retry_config.backoff_multiplier", base().put("retry_config",
        new JsonObject().put("backoff_multiplier", 0.5)));
    assertRefused(422, "retry_config.max_delay", base().put("retry_config",
        new JsonObject().put("initial_delay", 5000).put("max_delay", 1000)));
    assertRefused(422, "secret", base().put("secret", "not-a-secret"));
    assertRefused(400, "name", base().put("name", 42));
    assertRefused(400, "headers", base().put("headers", "X-A: 1"));

    String id = Hooks.createWebhook(api, base()).getString("id");
    Api.Response patch = api.patch("/v1/webhooks/" + id, new JsonObject().put("method", "DELETE"));
    assertThat(patch.status()).isEqualTo(422);
    assertThat(patch.error().getString("param")).isEqualTo("method");
  }

  @Test
  @DisplayName("a loopback, private or metadata URL is refused with 422 when private networks are not allowed")
  void privateTargetsRefused() {
    for (String url : List.of("http://127.0.0.1:8080/hook", "http://localhost:8080/hook", "http://[::1]/hook",
        "http://10.1.2.3/hook", "http://2130706433/hook", "http://169.254.169.254/latest/meta-data")) {
      Api.Response response = api.post("/v1/webhooks", base().put("url", url));
      assertThat(response.status()).as("create with %s: %s", url, response).isEqualTo(422);
      assertThat(response.error().getString("param")).as(url).isEqualTo("url");
    }

    String id = Hooks.createWebhook(api, base()).getString("id");
    Api.Response patch = api.patch("/v1/webhooks/" + id, new JsonObject().put("url", "http://127.0.0.1/x"));
    assertThat(patch.status()).isEqualTo(422);
    assertThat(patch.error().getString("param")).isEqualTo("url");
    assertThat(api.get("/v1/webhooks/" + id).json().getString("url")).isEqualTo(URL);
  }

  private static JsonObject base() {
    return new JsonObject().put("name", "v").put("url", URL);
  }

  private static void assertRefused(int status, String param, JsonObject body) {
    Api.Response response = api.post("/v1/webhooks", body);
    assertThat(response.status()).as("%s -> %s", body, response).isEqualTo(status);
    assertThat(response.error().getString("param")).as("%s -> %s", body, response).isEqualTo(param);
    assertThat(response.error().getString("message")).as("%s -> %s", body, response).contains(param);
  }
}
