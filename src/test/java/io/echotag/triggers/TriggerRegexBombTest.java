package io.echotag.triggers;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.echotag.triggers.TriggerFixtures.action;
import static io.echotag.triggers.TriggerFixtures.awaitExecution;
import static io.echotag.triggers.TriggerFixtures.awaitWorkDone;
import static io.echotag.triggers.TriggerFixtures.create;
import static io.echotag.triggers.TriggerFixtures.tagNames;
import static io.echotag.triggers.TriggerFixtures.trigger;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("a catastrophic regular expression in a trigger")
class TriggerRegexBombTest {
  /** Backtracks exponentially on a run of a's that does not end the way the pattern wants. */
  static final String BOMB = "(.*a){20}$";
  static final String COMMENT = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!";

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

  @Test
  @DisplayName("does not stall ingest: 20 events are each answered within 2 s, and another trigger still executes")
  void doesNotStallIngest() {
    String bombId = create(api, trigger("Bomb", "comment", action("add_tag").put("tag", "bombed"))
        .put("conditions", new JsonObject().put("comment", new JsonObject().put("matches", BOMB)))).getString("id");
    String simpleId = create(api, trigger("Simple", "ping", action("add_tag").put("tag", "alive"))).getString("id");

    List<String> eventIds = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      long started = System.nanoTime();
      Api.Response response = api.post("/v1/events", new JsonObject().put("event_type", "comment")
          .put("visitor_id", "commenter").put("data", new JsonObject().put("comment", COMMENT)));
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(response.status()).as("request %d: %s", i, response).isEqualTo(201);
      assertThat(took).as("request %d answered in %s", i, took).isLessThan(Duration.ofSeconds(2));
      eventIds.add(response.json().getString("id"));
    }

    api.post("/v1/events", new JsonObject().put("event_type", "ping").put("visitor_id", "pinger"));
    awaitExecution(api, simpleId, "pinger", "succeeded");
    assertThat(tagNames(api, "pinger")).containsExactly("alive");

    // Every bomb event was judged (its work consumed) and none matched: a blown budget is no match.
    eventIds.forEach(id -> awaitWorkDone(gateway, id));
    assertThat(gateway.count("SELECT count(*) FROM executions WHERE trigger_id = $1", bombId)).isZero();
    assertThat(tagNames(api, "commenter")).isEmpty();
  }

  @Test
  @DisplayName("a bounded pattern still matches normally")
  void boundedPatternStillMatches() {
    String id = create(api, trigger("Order ids", "order_note", action("add_tag").put("tag", "order-ref"))
        .put("conditions", new JsonObject().put("note", new JsonObject().put("matches", "^ORD-[0-9]{4}$"))))
        .getString("id");

    api.post("/v1/events", new JsonObject().put("event_type", "order_note").put("visitor_id", "noter")
        .put("data", new JsonObject().put("note", "ORD-1234")));

    awaitExecution(api, id, "noter", "succeeded");
    assertThat(tagNames(api, "noter")).containsExactly("order-ref");
  }
}
