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

import static io.echotag.testing.TestGateway.await;
import static io.echotag.triggers.TriggerFixtures.TIMEOUT_MS;
import static io.echotag.triggers.TriggerFixtures.action;
import static io.echotag.triggers.TriggerFixtures.awaitExecution;
import static io.echotag.triggers.TriggerFixtures.awaitWorkDone;
import static io.echotag.triggers.TriggerFixtures.create;
import static io.echotag.triggers.TriggerFixtures.executions;
import static io.echotag.triggers.TriggerFixtures.list;
import static io.echotag.triggers.TriggerFixtures.tagNames;
import static io.echotag.triggers.TriggerFixtures.track;
import static io.echotag.triggers.TriggerFixtures.trigger;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("track_event: derived events")
class TriggerTrackEventTest {
  static TestGateway gateway;
  static Api api;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(TriggerFixtures.gatewayConfig());
    api = gateway.api();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @AfterEach
  void deleteTriggers() {
    // A "*" trigger would otherwise react to the next test's events.
    TriggerFixtures.deleteAllTriggers(api);
  }

  static JsonObject emit(String eventType, JsonObject data) {
    return action("track_event").put("event_type", eventType).put("data", data);
  }

  static JsonArray events(String visitorId, String eventType) {
    return list(api, "/v1/events?visitor_id=" + visitorId + "&event_type=" + eventType);
  }

  @Test
  @DisplayName("a derived event is stored, listed by GET /v1/events, and fires the triggers listening for its type")
  void derivedEventIsStoredAndTriggers() {
    JsonObject qualify = create(api, trigger("Qualify", "signup", emit("lead_qualified", new JsonObject()
        .put("plan", "{{event.plan}}").put("seats", "{{event.seats}}").put("by", "{{trigger.name}}"))));
    JsonObject tagLeads = create(api, trigger("Tag leads", "lead_qualified", action("add_tag").put("tag", "lead")));

    JsonObject signup = track(api, "signup", "lead-1", new JsonObject().put("plan", "pro").put("seats", 12));

    JsonObject qualified = awaitExecution(api, qualify.getString("id"), "lead-1", "succeeded");
    assertThat(qualified.getString("event_id")).isEqualTo(signup.getString("id"));
    JsonObject emitted = qualified.getJsonArray("actions").getJsonObject(0);
    assertThat(emitted.getString("type")).isEqualTo("track_event");
    assertThat(emitted.getString("status")).isEqualTo("succeeded");
    String derivedId = emitted.getString("event_id");
    assertThat(derivedId).startsWith("evt_");

    JsonArray derived = events("lead-1", "lead_qualified");
    assertThat(derived).hasSize(1);
    JsonObject event = derived.getJsonObject(0);
    assertThat(event.getString("id")).isEqualTo(derivedId);
    assertThat(event.getString("project_id")).isEqualTo(gateway.projectId());
    assertThat(event.getJsonObject("data"))
        .isEqualTo(new JsonObject().put("plan", "pro").put("seats", 12).put("by", "Qualify"));
    assertThat(event.getString("session_id")).startsWith("ses_");
    assertThat(api.get("/v1/events/" + derivedId).status()).isEqualTo(200);

    JsonObject tagged = awaitExecution(api, tagLeads.getString("id"), "lead-1", "succeeded");
    assertThat(tagged.getString("event_id")).isEqualTo(derivedId);
    assertThat(tagNames(api, "lead-1")).contains("lead");
  }

  @Test
  @DisplayName("two triggers on one event, one tagging and one emitting a derived event, both execute")
  void taggingAndEmittingOnOneEvent() {
    // Whatever order the engine takes them in, neither may wait on the other.
    JsonObject tagger = create(api, trigger("Tagger", "checkout_started", action("add_tag").put("tag", "checkout")));
    JsonObject traits = create(api, trigger("Traits", "checkout_started", action("update_visitor")
        .put("traits", new JsonObject().put("stage", "checkout"))));
    JsonObject emitter = create(api, trigger("Emitter", "checkout_started", emit("funnel_step", new JsonObject())));

    for (int i = 0; i < 3; i++) {
      track(api, "checkout_started", "both-" + i, null);
    }

    for (int i = 0; i < 3; i++) {
      awaitExecution(api, tagger.getString("id"), "both-" + i, "succeeded");
      awaitExecution(api, traits.getString("id"), "both-" + i, "succeeded");
      awaitExecution(api, emitter.getString("id"), "both-" + i, "succeeded");
      assertThat(events("both-" + i, "funnel_step")).hasSize(1);
      assertThat(tagNames(api, "both-" + i)).contains("checkout");
    }
  }

  @Test
  @DisplayName("a \"*\" trigger never fires from its own derived event: exactly one derived event")
  void starTriggerDoesNotLoop() {
    JsonObject star = create(api, trigger("Echo everything", "*", emit("echoed", new JsonObject()
        .put("of", "{{event.event_type}}"))));

    JsonObject ping = track(api, "ping", "echo-1", null);

    JsonObject execution = awaitExecution(api, star.getString("id"), "echo-1", "succeeded");
    assertThat(execution.getString("event_id")).isEqualTo(ping.getString("id"));
    String derivedId = execution.getJsonArray("actions").getJsonObject(0).getString("event_id");
    await("the derived event to be stored", TIMEOUT_MS, () -> events("echo-1", "echoed").size() == 1);
    awaitWorkDone(gateway, derivedId);

    assertThat(gateway.count("SELECT count(*) FROM trigger_work WHERE event_id = $1", derivedId)).isZero();
    assertThat(gateway.count("SELECT count(*) FROM executions WHERE trigger_id = $1", star.getString("id")))
        .isEqualTo(1);
    JsonArray echoed = events("echo-1", "echoed");
    assertThat(echoed).hasSize(1);
    assertThat(echoed.getJsonObject(0).getJsonObject("data")).isEqualTo(new JsonObject().put("of", "ping"));
    assertThat(list(api, "/v1/events?visitor_id=echo-1")).hasSize(2);
  }

  @Test
  @DisplayName("a chain of derived events stops at depth 3: the third derived event starts no trigger")
  void chainStopsAtDepthThree() {
    JsonObject[] links = new JsonObject[5];
    for (int i = 0; i < links.length; i++) {
      links[i] = create(api, trigger("Link " + i, "step" + i, emit("step" + (i + 1), new JsonObject()
          .put("from", "{{event.event_type}}"))));
    }

    track(api, "step0", "chain-1", null);

    for (int i = 0; i < 3; i++) {
      awaitExecution(api, links[i].getString("id"), "chain-1", "succeeded");
    }
    await("step3 to be stored", TIMEOUT_MS, () -> events("chain-1", "step3").size() == 1);
    String step3 = events("chain-1", "step3").getJsonObject(0).getString("id");

    // Work is written with the event; none for step3 means link 3 never runs on it.
    assertThat(gateway.count("SELECT count(*) FROM trigger_work WHERE event_id = $1", step3)).isZero();
    assertThat(executions(api, links[3].getString("id"), "chain-1")).isEmpty();
    assertThat(events("chain-1", "step1")).hasSize(1);
    assertThat(events("chain-1", "step2")).hasSize(1);
    assertThat(events("chain-1", "step4")).isEmpty();
    assertThat(events("chain-1", "step3").getJsonObject(0).getJsonObject("data"))
        .isEqualTo(new JsonObject().put("from", "step2"));
  }
}
