package io.echotag.triggers;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.echotag.testing.TestGateway.await;
import static io.echotag.triggers.TriggerFixtures.TIMEOUT_MS;
import static io.echotag.triggers.TriggerFixtures.awaitExecution;
import static io.echotag.triggers.TriggerFixtures.awaitWorkDone;
import static io.echotag.triggers.TriggerFixtures.cartAbandonment;
import static io.echotag.triggers.TriggerFixtures.cartData;
import static io.echotag.triggers.TriggerFixtures.create;
import static io.echotag.triggers.TriggerFixtures.executions;
import static io.echotag.triggers.TriggerFixtures.tagNames;
import static io.echotag.triggers.TriggerFixtures.track;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed rule, end to end: {@code add_to_cart} on a {@code /cart} URL, then no purchase for the
 * wait (shortened from 30 minutes), tags the visitor {@code cart_abandoned} and calls a webhook
 * with the cart. Each test gets a receiver path of its own; triggers are deleted after each test.
 */
@DisplayName("the cart-abandonment rule, end to end")
class TriggerCartAbandonmentTest {
  static final long WAIT_MS = 1500;
  static final String CART = "https://shop.example/cart";

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

  @AfterEach
  void deleteTriggers() {
    TriggerFixtures.deleteAllTriggers(api);
  }

  static long deliveriesOf(String executionId) {
    return gateway.count("SELECT count(*) FROM deliveries WHERE execution_id = $1", executionId);
  }

  @Test
  @DisplayName("a visitor who leaves a cart is tagged and the webhook gets the cart once the wait is over")
  void abandonerIsTaggedAndNotified() {
    String path = "/abandoner";
    JsonObject trigger = create(api, cartAbandonment(WAIT_MS, receiver.url(path)));
    String triggerId = trigger.getString("id");

    JsonObject event = track(api, "add_to_cart", "abandoner", cartData(CART));
    Instant due = Instant.parse(event.getString("timestamp")).plusMillis(WAIT_MS);

    JsonObject execution = awaitExecution(api, triggerId, "abandoner", "succeeded");
    assertThat(execution.getString("id")).startsWith("exec_");
    assertThat(execution.getString("event_id")).isEqualTo(event.getString("id"));
    assertThat(execution.getString("project_id")).isEqualTo(gateway.projectId());
    assertThat(Instant.parse(execution.getString("scheduled_for"))).isEqualTo(due);
    assertThat(Instant.parse(execution.getString("started_at"))).isAfterOrEqualTo(due);
    assertThat(Instant.parse(execution.getString("finished_at")))
        .isAfterOrEqualTo(Instant.parse(execution.getString("started_at")));
    JsonArray actions = execution.getJsonArray("actions");
    assertThat(actions).hasSize(2);
    assertThat(actions.getJsonObject(0).getString("type")).isEqualTo("add_tag");
    assertThat(actions.getJsonObject(0).getString("status")).isEqualTo("succeeded");
    assertThat(actions.getJsonObject(0).getValue("error")).isNull();
    assertThat(actions.getJsonObject(1).getString("type")).isEqualTo("webhook");
    assertThat(actions.getJsonObject(1).getString("status")).isEqualTo("succeeded");
    String deliveryId = actions.getJsonObject(1).getString("delivery_id");
    assertThat(deliveryId).startsWith("del_");

    assertThat(tagNames(api, "abandoner")).contains("cart_abandoned");

    List<RecordingReceiver.Request> requests = receiver.awaitRequests(path, 1, TIMEOUT_MS);
    RecordingReceiver.Request request = requests.get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.header("webhook-id")).isEqualTo(deliveryId);
    assertThat(request.header("content-type")).startsWith("application/json");
    assertThat(request.receivedAt()).isAfterOrEqualTo(due);
    JsonObject body = request.json();
    assertThat(body.getString("visitor_id")).isEqualTo("abandoner");
    assertThat(body.getValue("cart_value")).isInstanceOf(Number.class);
    assertThat(body.getDouble("cart_value")).isEqualTo(59.9);
    assertThat(body.getValue("cart_items")).isInstanceOf(JsonArray.class);
    assertThat(body.getJsonArray("cart_items")).isEqualTo(cartData(CART).getJsonArray("cart_items"));

    JsonObject stats = api.get("/v1/triggers/" + triggerId).json().getJsonObject("stats");
    assertThat(stats.getLong("executions")).isEqualTo(1);
    assertThat(stats.getString("last_executed_at")).isNotNull();
  }

  @Test
  @DisplayName("a visitor who buys after adding to cart gets a cancelled execution, no tag and no webhook")
  void buyerIsCancelled() {
    String path = "/buyer";
    String triggerId = create(api, cartAbandonment(WAIT_MS, receiver.url(path))).getString("id");

    track(api, "add_to_cart", "buyer", cartData(CART));
    track(api, "purchase", "buyer", new JsonObject().put("order_id", "o-1").put("revenue", 59.9));

    JsonObject execution = awaitExecution(api, triggerId, "buyer", "cancelled");
    assertThat(execution.getString("reason")).contains("purchase");
    assertThat(execution.getJsonArray("actions")).isEmpty();
    assertThat(executions(api, triggerId, "buyer")).hasSize(1);
    assertThat(deliveriesOf(execution.getString("id"))).isZero();
    assertThat(tagNames(api, "buyer")).doesNotContain("cart_abandoned");
    assertThat(receiver.requests(path)).isEmpty();
  }

  @Test
  @DisplayName("an add_to_cart outside /cart starts no execution")
  void otherUrlStartsNothing() {
    String triggerId = create(api, cartAbandonment(WAIT_MS, receiver.url("/other-url"))).getString("id");

    JsonObject browsing = track(api, "add_to_cart", "browser", cartData("https://shop.example/products/42"));
    track(api, "add_to_cart", "control", cartData(CART));

    // The control visitor proves the trigger evaluates events at all.
    awaitExecution(api, triggerId, "control", "waiting");
    awaitWorkDone(gateway, browsing.getString("id"));
    assertThat(executions(api, triggerId, "browser")).isEmpty();
    assertThat(gateway.count("SELECT count(*) FROM executions WHERE event_id = $1", browsing.getString("id")))
        .isZero();
  }

  @Test
  @DisplayName("a deactivated trigger starts nothing, and starts again once reactivated")
  void deactivatedStartsNothing() {
    String triggerId = create(api, cartAbandonment(WAIT_MS, receiver.url("/inactive"))).getString("id");
    assertThat(api.patch("/v1/triggers/" + triggerId, new JsonObject().put("is_active", false)).status())
        .isEqualTo(200);

    JsonObject ignored = track(api, "add_to_cart", "while-inactive", cartData(CART));

    // Trigger work is written in the ingest transaction: none now means none ever.
    assertThat(gateway.count("SELECT count(*) FROM trigger_work WHERE event_id = $1", ignored.getString("id")))
        .isZero();

    assertThat(api.patch("/v1/triggers/" + triggerId, new JsonObject().put("is_active", true)).status())
        .isEqualTo(200);
    track(api, "add_to_cart", "after-reactivation", cartData(CART));
    awaitExecution(api, triggerId, "after-reactivation", "waiting");

    assertThat(executions(api, triggerId, "while-inactive")).isEmpty();
    assertThat(gateway.count("SELECT count(*) FROM executions WHERE event_id = $1", ignored.getString("id")))
        .isZero();
  }

  @Test
  @DisplayName("deactivating a trigger cancels its waiting execution; deleting one does too")
  void deactivatingCancelsWaiting() {
    String path = "/deactivated";
    String triggerId = create(api, cartAbandonment(60_000, receiver.url(path))).getString("id");
    track(api, "add_to_cart", "left-waiting", cartData(CART));
    JsonObject waiting = awaitExecution(api, triggerId, "left-waiting", "waiting");

    assertThat(api.patch("/v1/triggers/" + triggerId, new JsonObject().put("is_active", false)).status())
        .isEqualTo(200);

    JsonObject cancelled = api.get("/v1/executions/" + waiting.getString("id")).json();
    assertThat(cancelled.getString("status")).isEqualTo("cancelled");
    assertThat(cancelled.getString("reason")).contains("deactivated");
    assertThat(cancelled.getString("finished_at")).isNotNull();

    String deletedId = create(api, cartAbandonment(60_000, receiver.url(path))).getString("id");
    track(api, "add_to_cart", "left-waiting-2", cartData(CART));
    JsonObject waiting2 = awaitExecution(api, deletedId, "left-waiting-2", "waiting");
    assertThat(api.delete("/v1/triggers/" + deletedId).status()).isEqualTo(204);
    JsonObject cancelled2 = api.get("/v1/executions/" + waiting2.getString("id")).json();
    assertThat(cancelled2.getString("status")).isEqualTo("cancelled");
    assertThat(cancelled2.getString("reason")).contains("deleted");

    assertThat(tagNames(api, "left-waiting")).doesNotContain("cart_abandoned");
    assertThat(receiver.requests(path)).isEmpty();
  }

  @Test
  @DisplayName("a second add_to_cart during the wait restarts it: one execution, due after the second, one webhook")
  void secondEventRestartsTheWait() {
    long wait = 4000;
    String path = "/restart";
    String triggerId = create(api, cartAbandonment(wait, receiver.url(path))).getString("id");

    JsonObject first = track(api, "add_to_cart", "two-carts", cartData(CART));
    JsonObject waiting = awaitExecution(api, triggerId, "two-carts", "waiting");
    assertThat(Instant.parse(waiting.getString("scheduled_for")))
        .isEqualTo(Instant.parse(first.getString("timestamp")).plusMillis(wait));

    JsonObject second = track(api, "add_to_cart", "two-carts", cartData(CART).put("cart_value", 80));
    assertThat(Instant.parse(second.getString("timestamp"))).isAfter(Instant.parse(first.getString("timestamp")));
    Instant due = Instant.parse(second.getString("timestamp")).plusMillis(wait);

    await("the wait to restart from the second event", TIMEOUT_MS, () -> second.getString("id")
        .equals(api.get("/v1/executions/" + waiting.getString("id")).json().getString("event_id")));
    JsonObject restarted = api.get("/v1/executions/" + waiting.getString("id")).json();
    assertThat(restarted.getString("status")).isEqualTo("waiting");
    assertThat(Instant.parse(restarted.getString("scheduled_for"))).isEqualTo(due);

    JsonObject done = awaitExecution(api, triggerId, "two-carts", "succeeded");
    assertThat(done.getString("id")).isEqualTo(waiting.getString("id"));
    assertThat(done.getString("event_id")).isEqualTo(second.getString("id"));
    assertThat(executions(api, triggerId, "two-carts")).hasSize(1);

    String deliveryId = done.getJsonArray("actions").getJsonObject(1).getString("delivery_id");
    await("the delivery to succeed", TIMEOUT_MS, () -> gateway.count(
        "SELECT count(*) FROM deliveries WHERE id = $1 AND status = 'succeeded'", deliveryId) == 1);
    assertThat(gateway.count("SELECT count(*) FROM deliveries d JOIN executions x ON x.id = d.execution_id "
        + "WHERE x.trigger_id = $1", triggerId)).isEqualTo(1);
    List<RecordingReceiver.Request> requests = receiver.requests(path);
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0).receivedAt()).isAfterOrEqualTo(due);
    assertThat(requests.get(0).json().getInteger("cart_value")).isEqualTo(80);
  }
}
