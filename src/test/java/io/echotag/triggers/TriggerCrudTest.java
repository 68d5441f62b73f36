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

import static io.echotag.triggers.TriggerFixtures.action;
import static io.echotag.triggers.TriggerFixtures.create;
import static io.echotag.triggers.TriggerFixtures.list;
import static io.echotag.triggers.TriggerFixtures.trigger;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("/v1/triggers: create, list, get, update, delete and validation")
class TriggerCrudTest {
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

  static JsonObject tagAction(String tag) {
    return action("add_tag").put("tag", tag);
  }

  static List<String> ids(JsonArray triggers) {
    return triggers.stream().map(t -> ((JsonObject) t).getString("id")).toList();
  }

  @Test
  @DisplayName("a trigger created with name, event_type and actions gets conditions {}, is_active true and empty stats")
  void createWithDefaults() {
    Api.Response response = api.post("/v1/triggers", trigger("Tag signups", "signup", tagAction("new")));

    assertThat(response.status()).isEqualTo(201);
    JsonObject created = response.json();
    assertThat(created.getString("id")).startsWith("trig_");
    assertThat(created.getString("project_id")).isEqualTo(gateway.projectId());
    assertThat(created.getString("name")).isEqualTo("Tag signups");
    assertThat(created.getString("event_type")).isEqualTo("signup");
    assertThat(created.getJsonObject("conditions")).isEqualTo(new JsonObject());
    assertThat(created.getJsonArray("actions")).isEqualTo(new JsonArray().add(tagAction("new")));
    assertThat(created.getBoolean("is_active")).isTrue();
    assertThat(created.getJsonObject("stats"))
        .isEqualTo(new JsonObject().put("executions", 0).put("last_executed_at", null));
    assertThat(created.getString("created_at")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(created.getString("updated_at")).isEqualTo(created.getString("created_at"));
    assertThat(created.containsKey("description")).isTrue();

    Api.Response got = api.get("/v1/triggers/" + created.getString("id"));
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.json()).isEqualTo(created);
  }

  @Test
  @DisplayName("a trigger keeps the description, conditions, is_active and frequency_cap it was created with")
  void createWithEverything() {
    JsonObject conditions = new JsonObject().put("url", new JsonObject().put("contains", "/pricing"))
        .put("visitor.traits.plan", "free");
    JsonObject definition = trigger("Pricing interest", "page_view", tagAction("pricing"))
        .put("description", "Visitors who look at prices").put("conditions", conditions).put("is_active", false)
        .put("frequency_cap", new JsonObject().put("per_visitor_ms", 60_000));

    JsonObject created = create(api, definition);

    assertThat(created.getString("description")).isEqualTo("Visitors who look at prices");
    assertThat(created.getJsonObject("conditions")).isEqualTo(conditions);
    assertThat(created.getBoolean("is_active")).isFalse();
    assertThat(created.getJsonObject("frequency_cap")).isEqualTo(new JsonObject().put("per_visitor_ms", 60_000));
  }

  @Test
  @DisplayName("GET /v1/triggers lists the project's triggers, narrowed by is_active")
  void listFiltersOnActive() {
    String active = create(api, trigger("Active one", "list_test", tagAction("a"))).getString("id");
    String inactive = create(api, trigger("Inactive one", "list_test", tagAction("b")).put("is_active", false))
        .getString("id");

    assertThat(ids(list(api, "/v1/triggers"))).contains(active, inactive);
    assertThat(ids(list(api, "/v1/triggers?is_active="))).contains(active, inactive);
    assertThat(ids(list(api, "/v1/triggers?is_active=true"))).contains(active).doesNotContain(inactive);
    assertThat(ids(list(api, "/v1/triggers?is_active=false"))).contains(inactive).doesNotContain(active);
    assertThat(list(api, "/v1/triggers?is_active=false").stream()
        .allMatch(t -> !((JsonObject) t).getBoolean("is_active"))).isTrue();

    Api.Response page = api.get("/v1/triggers?limit=1");
    assertThat(page.data()).hasSize(1);
    assertThat(page.json().getBoolean("has_more")).isTrue();
  }

  @Test
  @DisplayName("PATCH changes only the fields it carries")
  void patchSubset() {
    JsonObject conditions = new JsonObject().put("plan", "pro");
    JsonObject created = create(api, trigger("Before", "patch_test", tagAction("x")).put("conditions", conditions));
    String id = created.getString("id");

    Api.Response renamed = api.patch("/v1/triggers/" + id, new JsonObject().put("name", "After"));

    assertThat(renamed.status()).isEqualTo(200);
    JsonObject after = renamed.json();
    assertThat(after.getString("name")).isEqualTo("After");
    assertThat(after.getString("event_type")).isEqualTo("patch_test");
    assertThat(after.getJsonObject("conditions")).isEqualTo(conditions);
    assertThat(after.getJsonArray("actions")).isEqualTo(created.getJsonArray("actions"));
    assertThat(after.getBoolean("is_active")).isTrue();
    assertThat(after.getString("created_at")).isEqualTo(created.getString("created_at"));
    assertThat(Instant.parse(after.getString("updated_at")))
        .isAfterOrEqualTo(Instant.parse(created.getString("updated_at")));

    JsonArray newActions = new JsonArray().add(tagAction("y")).add(action("remove_tag").put("tag", "x"));
    JsonObject changed = api.patch("/v1/triggers/" + id, new JsonObject().put("is_active", false)
        .put("actions", newActions).put("conditions", new JsonObject())).json();
    assertThat(changed.getBoolean("is_active")).isFalse();
    assertThat(changed.getJsonArray("actions")).isEqualTo(newActions);
    assertThat(changed.getJsonObject("conditions")).isEqualTo(new JsonObject());
    assertThat(changed.getString("name")).isEqualTo("After");

    assertThat(api.get("/v1/triggers/" + id).json()).isEqualTo(changed);
  }

  @Test
  @DisplayName("an invalid PATCH is refused and changes nothing")
  void invalidPatchChangesNothing() {
    JsonObject created = create(api, trigger("Stable", "patch_refused", tagAction("x")));
    String id = created.getString("id");

    Api.Response response = api.patch("/v1/triggers/" + id, new JsonObject().put("name", "Changed")
        .put("conditions", new JsonObject().put("url", new JsonObject().put("containz", "/cart"))));

    assertThat(response.status()).isEqualTo(422);
    assertThat(response.error().getString("param")).isEqualTo("conditions.url");
    assertThat(api.get("/v1/triggers/" + id).json()).isEqualTo(created);
  }

  @Test
  @DisplayName("DELETE removes the trigger: 204, then 404 on GET, PATCH and a second DELETE")
  void delete() {
    String id = create(api, trigger("Doomed", "delete_test", tagAction("x"))).getString("id");

    assertThat(api.delete("/v1/triggers/" + id).status()).isEqualTo(204);

    Api.Response got = api.get("/v1/triggers/" + id);
    assertThat(got.status()).isEqualTo(404);
    assertThat(got.error().getString("code")).isEqualTo("trigger_not_found");
    assertThat(api.patch("/v1/triggers/" + id, new JsonObject().put("name", "Back")).status()).isEqualTo(404);
    assertThat(api.delete("/v1/triggers/" + id).status()).isEqualTo(404);
    assertThat(ids(list(api, "/v1/triggers"))).doesNotContain(id);
  }

  @Test
  @DisplayName("an unknown operator is 422 naming its path: conditions.url: unknown operator \"containz\"")
  void unknownOperator() {
    Api.Response response = api.post("/v1/triggers", trigger("Bad", "add_to_cart", tagAction("x"))
        .put("conditions", new JsonObject().put("url", new JsonObject().put("containz", "/cart"))));

    assertThat(response.status()).isEqualTo(422);
    assertThat(response.error().getString("type")).isEqualTo("invalid_request");
    assertThat(response.error().getString("param")).isEqualTo("conditions.url");
    assertThat(response.error().getString("message")).startsWith("conditions.url: unknown operator \"containz\"");
  }

  @Test
  @DisplayName("a nested bad condition is 422 naming the whole path")
  void nestedBadCondition() {
    Api.Response response = api.post("/v1/triggers", trigger("Bad", "page_view", tagAction("x"))
        .put("conditions", new JsonObject().put("any", new JsonArray()
            .add(new JsonObject().put("url", "/a"))
            .add(new JsonObject().put("revenue", new JsonObject().put("greater", 10))))));

    assertThat(response.status()).isEqualTo(422);
    assertThat(response.error().getString("param")).isEqualTo("conditions.any.1.revenue");
    assertThat(response.error().getString("message")).startsWith("conditions.any.1.revenue: ");
  }

  @Test
  @DisplayName("an unknown action type is 422 naming actions.N.type")
  void unknownActionType() {
    Api.Response first = api.post("/v1/triggers", trigger("Bad", "signup", action("send_sms")));
    assertThat(first.status()).isEqualTo(422);
    assertThat(first.error().getString("param")).isEqualTo("actions.0.type");
    assertThat(first.error().getString("message")).startsWith("actions.0.type");

    Api.Response second = api.post("/v1/triggers", trigger("Bad", "signup", tagAction("ok"), action("send_sms")));
    assertThat(second.status()).isEqualTo(422);
    assertThat(second.error().getString("param")).isEqualTo("actions.1.type");
  }

  @Test
  @DisplayName("a webhook action without url is 422 naming actions.N.url")
  void webhookWithoutUrl() {
    Api.Response response = api.post("/v1/triggers", trigger("Bad", "signup",
        action("webhook").put("body", new JsonObject().put("a", 1))));

    assertThat(response.status()).isEqualTo(422);
    assertThat(response.error().getString("param")).isEqualTo("actions.0.url");
    assertThat(response.error().getString("message")).startsWith("actions.0.url");
  }

  @Test
  @DisplayName("other invalid actions are 422 naming the field: empty list, tag, track_event type, traits")
  void otherInvalidActions() {
    Api.Response empty = api.post("/v1/triggers", trigger("Bad", "signup"));
    assertThat(empty.status()).isEqualTo(422);
    assertThat(empty.error().getString("param")).isEqualTo("actions");

    Api.Response noTag = api.post("/v1/triggers", trigger("Bad", "signup", action("add_tag")));
    assertThat(noTag.status()).isEqualTo(422);
    assertThat(noTag.error().getString("param")).isEqualTo("actions.0.tag");

    Api.Response badType = api.post("/v1/triggers", trigger("Bad", "signup",
        action("track_event").put("event_type", "has spaces")));
    assertThat(badType.status()).isEqualTo(422);
    assertThat(badType.error().getString("param")).isEqualTo("actions.0.event_type");

    Api.Response noTraits = api.post("/v1/triggers", trigger("Bad", "signup", action("update_visitor")));
    assertThat(noTraits.status()).isEqualTo(422);
    assertThat(noTraits.error().getString("param")).isEqualTo("actions.0.traits");
  }

  @Test
  @DisplayName("missing name, event_type or actions is 400 naming every missing field")
  void missingFields() {
    Api.Response none = api.post("/v1/triggers", new JsonObject());
    assertThat(none.status()).isEqualTo(400);
    assertThat(none.error().getString("message")).isEqualTo("Missing required fields: name, event_type, actions");

    Api.Response noName = api.post("/v1/triggers", trigger(null, "signup", tagAction("x")));
    assertThat(noName.status()).isEqualTo(400);
    assertThat(noName.error().getString("message")).isEqualTo("Missing required fields: name");

    Api.Response noType = api.post("/v1/triggers", trigger("N", null, tagAction("x")));
    assertThat(noType.status()).isEqualTo(400);
    assertThat(noType.error().getString("message")).isEqualTo("Missing required fields: event_type");

    Api.Response noActions = api.post("/v1/triggers", new JsonObject().put("name", "N").put("event_type", "signup"));
    assertThat(noActions.status()).isEqualTo(400);
    assertThat(noActions.error().getString("message")).isEqualTo("Missing required fields: actions");

    assertThat(list(api, "/v1/triggers?limit=1000").stream()
        .noneMatch(t -> "N".equals(((JsonObject) t).getString("name")))).isTrue();
  }
}
