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
import java.util.List;

import static io.echotag.testing.TestGateway.await;
import static io.echotag.triggers.TriggerFixtures.TIMEOUT_MS;
import static io.echotag.triggers.TriggerFixtures.action;
import static io.echotag.triggers.TriggerFixtures.awaitExecution;
import static io.echotag.triggers.TriggerFixtures.create;
import static io.echotag.triggers.TriggerFixtures.list;
import static io.echotag.triggers.TriggerFixtures.track;
import static io.echotag.triggers.TriggerFixtures.trigger;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two triggers on {@code signup} and three visitors give four executions in three statuses:
 * "notify" (a webhook) succeeds for v1 and v2; "waiter" (a long wait, no purchase) waits for v1
 * and is cancelled for v3 by a purchase.
 */
@DisplayName("/v1/executions and the event → execution → delivery chain")
class ExecutionApiTest {
  static TestGateway gateway;
  static Api api;
  static RecordingReceiver receiver;
  static String notifyId;
  static String waiterId;
  static JsonObject v1Event;
  static JsonObject notifyV1;
  static JsonObject notifyV2;
  static JsonObject waitingV1;
  static JsonObject cancelledV3;

  @BeforeAll
  static void start() {
    receiver = RecordingReceiver.start();
    gateway = TestGateway.start(TriggerFixtures.gatewayConfig());
    api = gateway.api();
    notifyId = create(api, trigger("Notify", "signup", action("webhook").put("url", receiver.url("/notify"))
        .put("body", new JsonObject().put("who", "{{visitor.id}}").put("execution", "{{execution.id}}")))
        .put("conditions", visitors("exec-v1", "exec-v2"))).getString("id");
    waiterId = create(api, trigger("Waiter", "signup", action("add_tag").put("tag", "no-purchase"))
        .put("conditions", visitors("exec-v1", "exec-v3")
            .put("time_since_event", new JsonObject().put("greater_than", 600_000))
            .put("no_purchase", true))).getString("id");

    v1Event = track(api, "signup", "exec-v1", null);
    track(api, "signup", "exec-v2", null);
    track(api, "signup", "exec-v3", null);
    notifyV1 = awaitExecution(api, notifyId, "exec-v1", "succeeded");
    notifyV2 = awaitExecution(api, notifyId, "exec-v2", "succeeded");
    waitingV1 = awaitExecution(api, waiterId, "exec-v1", "waiting");
    awaitExecution(api, waiterId, "exec-v3", "waiting");
    track(api, "purchase", "exec-v3", null);
    // A wait condition is judged when the wait is over; bring v3's forward so the purchase cancels it now.
    gateway.sql("UPDATE executions SET scheduled_for = now() WHERE trigger_id = $1 AND visitor_id = $2",
        waiterId, "exec-v3");
    cancelledV3 = awaitExecution(api, waiterId, "exec-v3", "cancelled");
  }

  @AfterAll
  static void stop() {
    gateway.close();
    receiver.close();
  }

  static JsonObject visitors(String... ids) {
    return new JsonObject().put("event.visitor_id", new JsonObject().put("in", new JsonArray(List.of(ids))));
  }

  static List<String> ids(String query) {
    return list(api, "/v1/executions" + query).stream().map(e -> ((JsonObject) e).getString("id")).toList();
  }

  @Test
  @DisplayName("GET /v1/executions lists every execution of the project, newest first")
  void listsAll() {
    Api.Response response = api.get("/v1/executions");
    assertThat(response.status()).isEqualTo(200);
    JsonArray all = response.data();
    assertThat(all).hasSize(4);
    assertThat(response.json().getInteger("limit")).isEqualTo(100);
    assertThat(response.json().getBoolean("has_more")).isFalse();
    List<String> created = all.stream().map(e -> ((JsonObject) e).getString("created_at")).toList();
    assertThat(created).isSortedAccordingTo((a, b) -> b.compareTo(a));
    assertThat(all.getJsonObject(0).fieldNames()).contains("id", "project_id", "trigger_id", "event_id",
        "visitor_id", "status", "scheduled_for", "started_at", "finished_at", "actions", "created_at");
  }

  @Test
  @DisplayName("filters trigger_id, visitor_id and status narrow the list, alone and together")
  void filters() {
    assertThat(ids("?trigger_id=" + notifyId))
        .containsExactlyInAnyOrder(notifyV1.getString("id"), notifyV2.getString("id"));
    assertThat(ids("?visitor_id=exec-v1"))
        .containsExactlyInAnyOrder(notifyV1.getString("id"), waitingV1.getString("id"));
    assertThat(ids("?status=waiting")).containsExactly(waitingV1.getString("id"));
    assertThat(ids("?status=cancelled")).containsExactly(cancelledV3.getString("id"));
    assertThat(ids("?status=succeeded"))
        .containsExactlyInAnyOrder(notifyV1.getString("id"), notifyV2.getString("id"));
    assertThat(ids("?trigger_id=" + waiterId + "&visitor_id=exec-v1&status=waiting"))
        .containsExactly(waitingV1.getString("id"));
    assertThat(ids("?trigger_id=" + waiterId + "&status=succeeded")).isEmpty();
    assertThat(ids("?trigger_id=&visitor_id=&status=")).hasSize(4);
    assertThat(ids("?trigger_id=trig_unknown")).isEmpty();
    assertThat(ids("?status=succeeded&limit=1")).hasSize(1);
    Instant now = Instant.now();
    assertThat(ids("?start_date=" + now.plusSeconds(3600))).isEmpty();
    assertThat(ids("?end_date=" + now.minusSeconds(3600))).isEmpty();
    assertThat(ids("?start_date=" + now.minusSeconds(3600) + "&end_date=" + now.plusSeconds(3600))).hasSize(4);

    Api.Response bad = api.get("/v1/executions?status=done");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.error().getString("param")).isEqualTo("status");
  }

  @Test
  @DisplayName("GET /v1/executions/{id} answers one execution as listed, and 404 for an unknown id")
  void getOne() {
    Api.Response response = api.get("/v1/executions/" + notifyV1.getString("id"));
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json()).isEqualTo(notifyV1);
    JsonObject waiting = api.get("/v1/executions/" + waitingV1.getString("id")).json();
    assertThat(waiting.getString("status")).isEqualTo("waiting");
    assertThat(waiting.getString("scheduled_for")).isNotNull();
    assertThat(waiting.getString("started_at")).isNull();
    assertThat(waiting.getJsonArray("actions")).isEmpty();

    Instant started = Instant.parse(notifyV1.getString("started_at"));
    assertThat(Instant.parse(notifyV1.getString("finished_at"))).isAfterOrEqualTo(started);
    assertThat(Instant.parse(notifyV1.getString("created_at"))).isBeforeOrEqualTo(started);

    Api.Response unknown = api.get("/v1/executions/exec_unknown");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.error().getString("code")).isEqualTo("execution_not_found");
  }

  @Test
  @DisplayName("GET /v1/events/{id} lists the executions and deliveries it caused: event → execution → delivery")
  void eventChain() {
    String deliveryId = notifyV1.getJsonArray("actions").getJsonObject(0).getString("delivery_id");
    assertThat(deliveryId).startsWith("del_");
    assertThat(notifyV1.getString("event_id")).isEqualTo(v1Event.getString("id"));

    Api.Response response = api.get("/v1/events/" + v1Event.getString("id"));
    assertThat(response.status()).isEqualTo(200);
    JsonObject event = response.json();
    assertThat(event.getString("event_type")).isEqualTo("signup");

    JsonArray executions = event.getJsonArray("executions");
    assertThat(executions.stream().map(e -> ((JsonObject) e).getString("id")))
        .containsExactlyInAnyOrder(notifyV1.getString("id"), waitingV1.getString("id"));
    JsonObject notify = executions.stream().map(JsonObject.class::cast)
        .filter(e -> e.getString("id").equals(notifyV1.getString("id"))).findFirst().orElseThrow();
    assertThat(notify.getString("trigger_id")).isEqualTo(notifyId);
    assertThat(notify.getString("status")).isEqualTo("succeeded");

    JsonArray deliveries = event.getJsonArray("deliveries");
    assertThat(deliveries).hasSize(1);
    JsonObject delivery = deliveries.getJsonObject(0);
    assertThat(delivery.getString("id")).isEqualTo(deliveryId);
    assertThat(delivery.getString("execution_id")).isEqualTo(notifyV1.getString("id"));

    List<RecordingReceiver.Request> requests = receiver.awaitRequests("/notify", 2, TIMEOUT_MS);
    RecordingReceiver.Request sent = requests.stream()
        .filter(r -> deliveryId.equals(r.header("webhook-id"))).findFirst().orElseThrow();
    assertThat(sent.json()).isEqualTo(new JsonObject().put("who", "exec-v1")
        .put("execution", notifyV1.getString("id")));
    await("the delivery to be recorded as succeeded", TIMEOUT_MS, () -> "succeeded".equals(
        api.get("/v1/events/" + v1Event.getString("id")).json().getJsonArray("deliveries").getJsonObject(0)
            .getString("status")));
  }

  @Test
  @DisplayName("an event that caused nothing lists empty executions and deliveries")
  void eventWithoutEffects() {
    JsonObject quiet = track(api, "page_view", "exec-quiet", null);

    JsonObject event = api.get("/v1/events/" + quiet.getString("id")).json();

    assertThat(event.getJsonArray("executions")).isEmpty();
    assertThat(event.getJsonArray("deliveries")).isEmpty();
  }
}
