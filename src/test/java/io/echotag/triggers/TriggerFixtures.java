package io.echotag.triggers;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static io.echotag.testing.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;

/** What the trigger integration tests share: gateway settings, the seed rule, and polls on executions. */
final class TriggerFixtures {
  /** How long a poll waits for the engine before a test fails (generous: the test machine is shared). */
  static final long TIMEOUT_MS = 30_000;

  private TriggerFixtures() {
  }

  /** Webhooks may call the receiver on 127.0.0.1, and due deliveries are looked for every 100 ms. */
  static JsonObject gatewayConfig() {
    return new JsonObject()
        .put("webhooks", new JsonObject().put("allow_private_networks", true))
        .put("delivery", new JsonObject().put("poll_interval_ms", 100));
  }

  /**
   * The seed cart-abandonment rule with its wait shortened to {@code waitMs}: tag the visitor and
   * call {@code webhookUrl} with the cart.
   */
  static JsonObject cartAbandonment(long waitMs, String webhookUrl) {
    return new JsonObject()
        .put("name", "Cart abandonment")
        .put("description", "Tag and notify when a cart is left without a purchase")
        .put("event_type", "add_to_cart")
        .put("conditions", new JsonObject()
            .put("url", new JsonObject().put("contains", "/cart"))
            .put("time_since_event", new JsonObject().put("greater_than", waitMs))
            .put("no_purchase", true))
        .put("actions", new JsonArray()
            .add(new JsonObject().put("type", "add_tag").put("tag", "cart_abandoned"))
            .add(new JsonObject().put("type", "webhook").put("url", webhookUrl)
                .put("body", new JsonObject()
                    .put("visitor_id", "{{visitor.id}}")
                    .put("cart_value", "{{event.cart_value}}")
                    .put("cart_items", "{{event.cart_items}}"))));
  }

  static JsonObject cartData(String url) {
    return new JsonObject().put("url", url).put("cart_value", 59.9)
        .put("cart_items", new JsonArray()
            .add(new JsonObject().put("id", "sku-1").put("quantity", 2))
            .add(new JsonObject().put("id", "sku-7").put("quantity", 1)));
  }

  static JsonObject action(String type) {
    return new JsonObject().put("type", type);
  }

  static JsonObject trigger(String name, String eventType, JsonObject... actions) {
    JsonArray list = new JsonArray();
    for (JsonObject action : actions) {
      list.add(action);
    }
    return new JsonObject().put("name", name).put("event_type", eventType).put("actions", list);
  }

  /** Creates a trigger and returns it as answered. */
  static JsonObject create(Api api, JsonObject definition) {
    Api.Response response = api.post("/v1/triggers", definition);
    assertThat(response.status()).as("create trigger: %s", response).isEqualTo(201);
    return response.json();
  }

  static JsonObject track(Api api, String eventType, String visitorId, JsonObject data) {
    JsonObject body = new JsonObject().put("event_type", eventType).put("visitor_id", visitorId);
    if (data != null) {
      body.put("data", data);
    }
    Api.Response response = api.post("/v1/events", body);
    assertThat(response.status()).as("track %s: %s", eventType, response).isEqualTo(201);
    return response.json();
  }

  static JsonArray list(Api api, String path) {
    Api.Response response = api.get(path);
    assertThat(response.status()).as("GET %s: %s", path, response).isEqualTo(200);
    return response.data();
  }

  /** The executions of a trigger for a visitor, newest first. */
  static List<JsonObject> executions(Api api, String triggerId, String visitorId) {
    return list(api, "/v1/executions?trigger_id=" + triggerId + "&visitor_id=" + visitorId).stream()
        .map(JsonObject.class::cast).toList();
  }

  /** Polls until the trigger has an execution for the visitor in {@code status}; returns it. */
  static JsonObject awaitExecution(Api api, String triggerId, String visitorId, String status) {
    AtomicReference<JsonObject> found = new AtomicReference<>();
    await("a " + status + " execution of " + triggerId + " for " + visitorId, TIMEOUT_MS, () -> {
      for (JsonObject execution : executions(api, triggerId, visitorId)) {
        if (status.equals(execution.getString("status"))) {
          found.set(execution);
          return true;
        }
      }
      return false;
    });
    return found.get();
  }

  /**
   * Polls until the engine has consumed every trigger-work row of {@code eventId}. The rows are
   * deleted in the transaction that records what they caused, so afterwards every execution the
   * event started is visible.
   */
  static void awaitWorkDone(TestGateway gateway, String eventId) {
    await("trigger work of " + eventId + " to be consumed", TIMEOUT_MS,
        () -> gateway.count("SELECT count(*) FROM trigger_work WHERE event_id = $1", eventId) == 0);
  }

  static List<String> tagNames(Api api, String visitorId) {
    Api.Response response = api.get("/v1/visitors/" + visitorId);
    assertThat(response.status()).as("GET visitor %s: %s", visitorId, response).isEqualTo(200);
    return response.json().getJsonArray("tags").stream()
        .map(tag -> ((JsonObject) tag).getString("name")).toList();
  }

  /** Deletes every trigger of the admin key's default project, so that the next test starts clean. */
  static void deleteAllTriggers(Api api) {
    for (Object trigger : list(api, "/v1/triggers?limit=1000")) {
      String id = ((JsonObject) trigger).getString("id");
      assertThat(api.delete("/v1/triggers/" + id).status()).isEqualTo(204);
    }
  }
}
