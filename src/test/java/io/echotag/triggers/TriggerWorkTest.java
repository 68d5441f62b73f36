package io.echotag.triggers;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.echotag.triggers.TriggerFixtures.action;
import static io.echotag.triggers.TriggerFixtures.awaitWorkDone;
import static io.echotag.triggers.TriggerFixtures.create;
import static io.echotag.triggers.TriggerFixtures.track;
import static io.echotag.triggers.TriggerFixtures.trigger;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Trigger work: one outbox row per event, whatever the number of triggers")
class TriggerWorkTest {

  static JsonObject urlTrigger(int n, String contains) {
    return trigger("Page " + n, "page_view", action("add_tag").put("tag", "seen-" + n))
        .put("conditions", new JsonObject().put("url", new JsonObject().put("contains", contains)));
  }

  @Test
  @DisplayName("fifty triggers listening for page_view write one work row per page view; events nobody listens for write none")
  void oneRowPerEvent() {
    JsonObject config = TriggerFixtures.gatewayConfig().put("triggers", new JsonObject().put("enabled", false));
    try (TestGateway gateway = TestGateway.start(config)) {
      Api api = gateway.api();
      for (int n = 0; n < 50; n++) {
        create(api, urlTrigger(n, "/p" + n + "/"));
      }
      String viewed = track(api, "page_view", "vis_rows", new JsonObject().put("url", "https://x.test/p3/")).getString("id");
      String clicked = track(api, "click", "vis_rows", null).getString("id");

      assertThat(gateway.count("SELECT count(*) FROM trigger_work WHERE event_id = $1", viewed)).isEqualTo(1);
      assertThat(gateway.count("SELECT count(*) FROM trigger_work WHERE event_id = $1", clicked)).isZero();
    }
  }

  @Test
  @DisplayName("the ingest writes no work for a page view that no trigger's event conditions can match, but always for triggers that read the visitor")
  void ingestFiltersOnEventConditions() {
    JsonObject config = TriggerFixtures.gatewayConfig().put("triggers", new JsonObject().put("enabled", false));
    try (TestGateway gateway = TestGateway.start(config)) {
      Api api = gateway.api();
      for (int n = 0; n < 50; n++) {
        create(api, urlTrigger(n, "/p" + n + "/"));
      }
      String nobody = track(api, "page_view", "vis_f", new JsonObject().put("url", "https://x.test/none/")).getString("id");
      String matching = track(api, "page_view", "vis_f", new JsonObject().put("url", "https://x.test/p42/")).getString("id");
      assertThat(gateway.count("SELECT count(*) FROM trigger_work WHERE event_id = $1", nobody)).isZero();
      assertThat(gateway.count("SELECT count(*) FROM trigger_work WHERE event_id = $1", matching)).isEqualTo(1);

      // Visitor fields are known only to the engine: such a trigger gets every page view.
      create(api, trigger("Known visitor", "page_view", action("add_tag").put("tag", "known"))
          .put("conditions", new JsonObject().put("visitor.email", new JsonObject().put("exists", true))));
      String later = track(api, "page_view", "vis_f", new JsonObject().put("url", "https://x.test/none/")).getString("id");
      assertThat(gateway.count("SELECT count(*) FROM trigger_work WHERE event_id = $1", later)).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("the engine evaluates every active trigger of the event's type against one work row: exactly the matching ones run")
  void everyTriggerIsEvaluated() {
    try (TestGateway gateway = TestGateway.start(TriggerFixtures.gatewayConfig())) {
      Api api = gateway.api();
      for (int n = 0; n < 50; n++) {
        // Triggers 0..4 match "/shop/", the others look for pages that are never viewed.
        create(api, urlTrigger(n, n < 5 ? "/shop/" : "/never-" + n + "/"));
      }
      JsonObject inactive = create(api, urlTrigger(99, "/shop/").put("is_active", false));
      String eventId = track(api, "page_view", "vis_all", new JsonObject().put("url", "https://x.test/shop/")).getString("id");
      awaitWorkDone(gateway, eventId);

      assertThat(gateway.count("SELECT count(*) FROM executions WHERE event_id = $1 AND status = 'succeeded'", eventId))
          .isEqualTo(5);
      assertThat(gateway.count("SELECT count(*) FROM executions WHERE trigger_id = $1", inactive.getString("id")))
          .isZero();
      assertThat(TriggerFixtures.tagNames(api, "vis_all"))
          .containsExactlyInAnyOrder("seen-0", "seen-1", "seen-2", "seen-3", "seen-4");
    }
  }

  @Test
  @DisplayName("a trigger created after an event was committed does not act on that event's queued work")
  void laterTriggerDoesNotActOnEarlierWork() {
    try (TestGateway gateway = TestGateway.start(TriggerFixtures.gatewayConfig())) {
      Api api = gateway.api();
      // Nobody listens yet: these events queue no work.
      String before = track(api, "page_view", "vis_late", new JsonObject().put("url", "https://x.test/a/")).getString("id");
      String after = track(api, "page_view", "vis_late", new JsonObject().put("url", "https://x.test/b/")).getString("id");
      JsonObject late = create(api, urlTrigger(1, "https://x.test/"));
      // Work as an earlier commit would have queued it (before the trigger existed), and as a later one would.
      gateway.sql("INSERT INTO trigger_work (project_id, event_id, depth, created_at) "
          + "VALUES ($1, $2, 0, now() - interval '1 minute')", gateway.projectId(), before);
      gateway.sql("INSERT INTO trigger_work (project_id, event_id, depth, created_at) VALUES ($1, $2, 0, now())",
          gateway.projectId(), after);
      awaitWorkDone(gateway, before);
      awaitWorkDone(gateway, after);

      assertThat(gateway.count("SELECT count(*) FROM executions WHERE trigger_id = $1 AND event_id = $2",
          late.getString("id"), before)).isZero();
      assertThat(gateway.count("SELECT count(*) FROM executions WHERE trigger_id = $1 AND event_id = $2",
          late.getString("id"), after)).isEqualTo(1);
    }
  }
}
