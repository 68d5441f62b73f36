package io.echotag.triggers;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static io.echotag.triggers.TriggerFixtures.cartAbandonment;
import static io.echotag.triggers.TriggerFixtures.cartData;
import static io.echotag.triggers.TriggerFixtures.create;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stored history, an hour old: an abandoner (/cart, no purchase), a buyer (/cart, then a purchase
 * within the wait), a browser (add_to_cart outside /cart) and page views. The cart-abandonment
 * rule is created after the events, active, so that anything simulate ran for real would show.
 */
@DisplayName("POST /v1/triggers/{id}/simulate")
class TriggerSimulateTest {
  static final long WAIT_MS = 1500;
  static TestGateway gateway;
  static Api api;
  static RecordingReceiver receiver;
  static Instant base;
  static String abandonerEvent;

  @BeforeAll
  static void start() {
    receiver = RecordingReceiver.start();
    gateway = TestGateway.start(TriggerFixtures.gatewayConfig());
    api = gateway.api();
    base = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
    abandonerEvent = stored("add_to_cart", "sim-abandoner", cartData("https://shop.example/cart"), 0);
    stored("add_to_cart", "sim-buyer", cartData("https://shop.example/cart"), 0);
    stored("purchase", "sim-buyer", new JsonObject().put("order_id", "o-9"), 500);
    stored("add_to_cart", "sim-browser", cartData("https://shop.example/products/1"), 0);
    stored("page_view", "sim-abandoner", new JsonObject().put("url", "https://shop.example/cart"), 100);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    receiver.close();
  }

  static String stored(String type, String visitorId, JsonObject data, long afterMs) {
    Api.Response response = api.post("/v1/events", new JsonObject().put("event_type", type)
        .put("visitor_id", visitorId).put("data", data).put("timestamp", base.plusMillis(afterMs).toString()));
    assertThat(response.status()).as("%s", response).isEqualTo(201);
    return response.json().getString("id");
  }

  static JsonObject range() {
    return new JsonObject().put("start_date", base.minus(1, ChronoUnit.MINUTES).toString())
        .put("end_date", Instant.now().plus(1, ChronoUnit.MINUTES).toString());
  }

  static long count(String table) {
    return gateway.count("SELECT count(*) FROM " + table + " WHERE project_id = $1", gateway.projectId());
  }

  @Test
  @DisplayName("answers matched_events, would_execute and a sample with rendered actions, and runs no action")
  void simulates() {
    String path = "/simulated";
    String triggerId = create(api, cartAbandonment(WAIT_MS, receiver.url(path))).getString("id");
    long tagsBefore = count("tags");

    Api.Response response = api.post("/v1/triggers/" + triggerId + "/simulate", range());

    assertThat(response.status()).as("%s", response).isEqualTo(200);
    JsonObject result = response.json();
    assertThat(result.getInteger("matched_events")).isEqualTo(2);
    assertThat(result.getInteger("would_execute")).isEqualTo(1);
    JsonArray sample = result.getJsonArray("sample");
    assertThat(sample).hasSize(1);
    JsonObject only = sample.getJsonObject(0);
    assertThat(only.getString("event_id")).isEqualTo(abandonerEvent);
    assertThat(only.getString("visitor_id")).isEqualTo("sim-abandoner");
    JsonArray actions = only.getJsonArray("actions");
    assertThat(actions.getJsonObject(0))
        .isEqualTo(new JsonObject().put("type", "add_tag").put("tag", "cart_abandoned"));
    JsonObject webhook = actions.getJsonObject(1);
    assertThat(webhook.getString("type")).isEqualTo("webhook");
    assertThat(webhook.getString("url")).isEqualTo(receiver.url(path));
    assertThat(webhook.getJsonObject("body")).isEqualTo(new JsonObject().put("visitor_id", "sim-abandoner")
        .put("cart_value", 59.9).put("cart_items", cartData("").getJsonArray("cart_items")));

    assertThat(count("executions")).isZero();
    assertThat(count("deliveries")).isZero();
    assertThat(count("visitor_tags")).isZero();
    assertThat(count("tags")).isEqualTo(tagsBefore);
    assertThat(receiver.requests(path)).isEmpty();
    assertThat(api.get("/v1/triggers/" + triggerId).json().getJsonObject("stats").getLong("executions")).isZero();
  }

  @Test
  @DisplayName("an inactive trigger can be simulated, and a range without events matches nothing")
  void inactiveAndEmptyRange() {
    String triggerId = create(api, cartAbandonment(WAIT_MS, receiver.url("/inactive-sim")).put("is_active", false))
        .getString("id");

    JsonObject all = api.post("/v1/triggers/" + triggerId + "/simulate", range()).json();
    assertThat(all.getInteger("matched_events")).isEqualTo(2);
    assertThat(all.getInteger("would_execute")).isEqualTo(1);

    Instant before = base.minus(1, ChronoUnit.DAYS);
    JsonObject none = api.post("/v1/triggers/" + triggerId + "/simulate", new JsonObject()
        .put("start_date", before.toString()).put("end_date", before.plus(1, ChronoUnit.HOURS).toString())).json();
    assertThat(none).isEqualTo(new JsonObject().put("matched_events", 0).put("would_execute", 0)
        .put("sample", new JsonArray()));
    assertThat(count("executions")).isZero();
  }

  @Test
  @DisplayName("a trigger without a wait would execute for every matching event")
  void withoutWait() {
    String triggerId = create(api, TriggerFixtures.trigger("Cart views", "*",
        TriggerFixtures.action("add_tag").put("tag", "{{event.event_type}}"))
        .put("conditions", new JsonObject().put("url", new JsonObject().put("contains", "/cart"))))
        .getString("id");

    JsonObject result = api.post("/v1/triggers/" + triggerId + "/simulate", range()).json();

    assertThat(result.getInteger("matched_events")).isEqualTo(3);
    assertThat(result.getInteger("would_execute")).isEqualTo(3);
    List<String> visitors = result.getJsonArray("sample").stream()
        .map(s -> ((JsonObject) s).getString("visitor_id")).toList();
    assertThat(visitors).containsExactlyInAnyOrder("sim-abandoner", "sim-buyer", "sim-abandoner");
    assertThat(count("executions")).isZero();
  }

  @Test
  @DisplayName("missing dates are 400, an unknown trigger is 404")
  void invalidRequests() {
    String triggerId = create(api, cartAbandonment(WAIT_MS, receiver.url("/x")).put("is_active", false))
        .getString("id");

    Api.Response missing = api.post("/v1/triggers/" + triggerId + "/simulate", new JsonObject());
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.error().getString("message")).isEqualTo("Missing required fields: start_date, end_date");

    Api.Response unknown = api.post("/v1/triggers/trig_unknown/simulate", range());
    assertThat(unknown.status()).isEqualTo(404);
  }
}
