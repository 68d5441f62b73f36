package io.echotag.triggers;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import static io.echotag.testing.TestGateway.await;
import static io.echotag.triggers.TriggerFixtures.TIMEOUT_MS;
import static io.echotag.triggers.TriggerFixtures.action;
import static io.echotag.triggers.TriggerFixtures.awaitExecution;
import static io.echotag.triggers.TriggerFixtures.awaitWorkDone;
import static io.echotag.triggers.TriggerFixtures.create;
import static io.echotag.triggers.TriggerFixtures.executions;
import static io.echotag.triggers.TriggerFixtures.tagNames;
import static io.echotag.triggers.TriggerFixtures.track;
import static io.echotag.triggers.TriggerFixtures.trigger;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("trigger actions (tags, traits, webhooks) and the frequency cap")
class TriggerActionsTest {
  static TestGateway gateway;
  static Api api;
  static RecordingReceiver receiver;

  @BeforeAll
  static void start() {
    receiver = RecordingReceiver.start();
    gateway = TestGateway.start(TriggerFixtures.gatewayConfig());
    api = gateway.api();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    receiver.close();
  }

  static JsonObject capped(String name, String eventType, long perVisitorMs) {
    return trigger(name, eventType, action("add_tag").put("tag", "returning"))
        .put("frequency_cap", new JsonObject().put("per_visitor_ms", perVisitorMs));
  }

  @Test
  @DisplayName("frequency_cap per_visitor_ms: a second matching event within the cap does not execute again")
  void frequencyCapWithin() {
    String triggerId = create(api, capped("Capped", "visit_capped", 60_000)).getString("id");

    track(api, "visit_capped", "cap-1", null);
    awaitExecution(api, triggerId, "cap-1", "succeeded");
    JsonObject second = track(api, "visit_capped", "cap-1", null);
    awaitWorkDone(gateway, second.getString("id"));

    assertThat(executions(api, triggerId, "cap-1")).hasSize(1);
    assertThat(gateway.count("SELECT count(*) FROM executions WHERE event_id = $1", second.getString("id")))
        .isZero();

    // The cap is per visitor: another visitor is not held back.
    track(api, "visit_capped", "cap-2", null);
    awaitExecution(api, triggerId, "cap-2", "succeeded");
    assertThat(api.get("/v1/triggers/" + triggerId).json().getJsonObject("stats").getLong("executions"))
        .isEqualTo(2);
  }

  @Test
  @DisplayName("frequency_cap: once the cap has passed, the trigger executes again for the visitor")
  void frequencyCapPassed() {
    long cap = 1000;
    String triggerId = create(api, capped("Short cap", "visit_short_cap", cap)).getString("id");

    track(api, "visit_short_cap", "cap-3", null);
    JsonObject first = awaitExecution(api, triggerId, "cap-3", "succeeded");
    Instant capOver = Instant.parse(first.getString("finished_at")).plusMillis(cap);
    await("the cap to pass", TIMEOUT_MS, () -> Instant.now().isAfter(capOver));

    JsonObject again = track(api, "visit_short_cap", "cap-3", null);
    awaitWorkDone(gateway, again.getString("id"));

    assertThat(executions(api, triggerId, "cap-3")).hasSize(2);
    assertThat(executions(api, triggerId, "cap-3").get(0).getString("event_id")).isEqualTo(again.getString("id"));
  }

  @Test
  @DisplayName("update_visitor merges rendered traits into the visitor's, keeping the others")
  void updateVisitorMergesTraits() {
    track(api, "identify", "traits-1", new JsonObject().put("email", "ada@example.com")
        .put("traits", new JsonObject().put("plan", "free").put("company", "Acme")));
    String triggerId = create(api, trigger("Upgrade", "upgrade", action("update_visitor")
        .put("traits", new JsonObject()
            .put("plan", "{{event.plan}}")
            .put("seats", "{{event.seats}}")
            .put("upgraded_by", "{{trigger.name}}")
            .put("contact", "mailto:{{visitor.email}}")))).getString("id");

    track(api, "upgrade", "traits-1", new JsonObject().put("plan", "pro").put("seats", 5));

    JsonObject execution = awaitExecution(api, triggerId, "traits-1", "succeeded");
    assertThat(execution.getJsonArray("actions").getJsonObject(0).getString("type")).isEqualTo("update_visitor");
    assertThat(execution.getJsonArray("actions").getJsonObject(0).getString("status")).isEqualTo("succeeded");
    JsonObject visitor = api.get("/v1/visitors/traits-1").json();
    assertThat(visitor.getJsonObject("traits")).isEqualTo(new JsonObject()
        .put("plan", "pro").put("company", "Acme").put("seats", 5).put("upgraded_by", "Upgrade")
        .put("contact", "mailto:ada@example.com"));
    assertThat(visitor.getString("email")).isEqualTo("ada@example.com");
  }

  @Test
  @DisplayName("remove_tag takes a tag off the visitor, by name or by tag_id, and leaves the tag itself")
  void removeTag() {
    track(api, "page_view", "trial-1", null);
    assertThat(api.post("/v1/visitors/trial-1/tags", new JsonObject().put("tag", "trial")).status()).isEqualTo(201);
    Api.Response vip = api.post("/v1/tags", new JsonObject().put("name", "vip"));
    assertThat(vip.status()).isEqualTo(201);
    String vipId = vip.json().getString("id");
    assertThat(api.post("/v1/visitors/trial-1/tags", new JsonObject().put("tag_id", vipId)).status()).isEqualTo(201);
    assertThat(tagNames(api, "trial-1")).containsExactlyInAnyOrder("trial", "vip");

    String triggerId = create(api, trigger("Subscribed", "subscribe",
        action("remove_tag").put("tag", "trial"),
        action("remove_tag").put("tag_id", vipId),
        action("add_tag").put("tag", "customer"))).getString("id");

    track(api, "subscribe", "trial-1", null);

    JsonObject execution = awaitExecution(api, triggerId, "trial-1", "succeeded");
    JsonArray actions = execution.getJsonArray("actions");
    assertThat(actions).hasSize(3);
    assertThat(actions.stream().map(a -> ((JsonObject) a).getString("status"))).containsOnly("succeeded");
    assertThat(tagNames(api, "trial-1")).containsExactly("customer");
    assertThat(gateway.count("SELECT count(*) FROM tags WHERE project_id = $1 AND name = 'trial'",
        gateway.projectId())).isEqualTo(1);
  }

  @Test
  @DisplayName("a failing action is recorded failed with its error, the execution is failed and the others still run")
  void failingActionIsRecorded() {
    String triggerId = create(api, trigger("Half broken", "half_broken",
        action("add_tag").put("tag_id", "tag_doesnotexist"),
        action("add_tag").put("tag", "still-tagged"))).getString("id");

    track(api, "half_broken", "broken-1", null);

    JsonObject execution = awaitExecution(api, triggerId, "broken-1", "failed");
    JsonArray actions = execution.getJsonArray("actions");
    assertThat(actions.getJsonObject(0).getString("status")).isEqualTo("failed");
    assertThat(actions.getJsonObject(0).getString("error")).contains("tag_doesnotexist");
    assertThat(actions.getJsonObject(1).getString("status")).isEqualTo("succeeded");
    assertThat(tagNames(api, "broken-1")).containsExactly("still-tagged");
  }

  @Test
  @DisplayName("a webhook action with webhook_id is sent to that webhook's URL, signed with its secret")
  void webhookById() throws Exception {
    Api.Response webhook = api.post("/v1/webhooks", new JsonObject().put("name", "Configured")
        .put("url", receiver.url("/configured")).put("events", new JsonArray().add("never_sent")));
    assertThat(webhook.status()).as("%s", webhook).isEqualTo(201);
    String secret = webhook.json().getString("secret");
    String triggerId = create(api, trigger("Hooked", "hooked", action("webhook")
        .put("webhook_id", webhook.json().getString("id"))
        .put("body", new JsonObject().put("visitor", "{{visitor.id}}")))).getString("id");

    track(api, "hooked", "hook-1", null);

    JsonObject execution = awaitExecution(api, triggerId, "hook-1", "succeeded");
    String deliveryId = execution.getJsonArray("actions").getJsonObject(0).getString("delivery_id");
    RecordingReceiver.Request request = receiver.awaitRequests("/configured", 1, TIMEOUT_MS).get(0);
    assertThat(request.header("webhook-id")).isEqualTo(deliveryId);
    assertThat(request.json()).isEqualTo(new JsonObject().put("visitor", "hook-1"));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
    String signed = deliveryId + "." + request.header("webhook-timestamp") + "." + request.body();
    String expected = "v1," + Base64.getEncoder()
        .encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    assertThat(request.header("webhook-signature").split(" ")).contains(expected);
  }
}
