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

import static io.echotag.triggers.TriggerFixtures.action;
import static io.echotag.triggers.TriggerFixtures.awaitExecution;
import static io.echotag.triggers.TriggerFixtures.create;
import static io.echotag.triggers.TriggerFixtures.list;
import static io.echotag.triggers.TriggerFixtures.track;
import static io.echotag.triggers.TriggerFixtures.trigger;
import static org.assertj.core.api.Assertions.assertThat;

/** Project A (the admin key's default) has a trigger and an execution; a key restricted to B asks for them. */
@DisplayName("a key restricted to project B cannot see project A's triggers or executions")
class TriggerIsolationTest {
  static TestGateway gateway;
  static Api admin;
  static Api bKey;
  static String projectA;
  static String projectB;
  static JsonObject aTrigger;
  static JsonObject aExecution;
  static JsonObject bTrigger;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(TriggerFixtures.gatewayConfig());
    admin = gateway.api();
    projectA = gateway.projectId();
    Api.Response b = admin.post("/v1/projects", new JsonObject().put("name", "Project B"));
    assertThat(b.status()).isEqualTo(201);
    projectB = b.json().getString("id");
    Api.Response key = admin.post("/v1/auth/keys", new JsonObject().put("name", "B only")
        .put("project_ids", new JsonArray().add(projectB))
        .put("scopes", new JsonArray().add("ingest").add("read").add("write")));
    assertThat(key.status()).isEqualTo(201);
    bKey = admin.withKey(key.json().getString("key"));

    aTrigger = create(admin, trigger("A's rule", "signup", action("add_tag").put("tag", "a-tag")));
    track(admin, "signup", "shared-visitor", null);
    aExecution = awaitExecution(admin, aTrigger.getString("id"), "shared-visitor", "succeeded");
    bTrigger = create(bKey, trigger("B's rule", "signup", action("add_tag").put("tag", "b-tag")));
    assertThat(bTrigger.getString("project_id")).isEqualTo(projectB);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static void assertNotFound(Api.Response response) {
    assertThat(response.status()).as("%s", response).isEqualTo(404);
    assertThat(response.body()).doesNotContain(aTrigger.getString("name"));
  }

  @Test
  @DisplayName("A's trigger is 404 to B's key on GET, PATCH, DELETE and simulate, and stays unchanged")
  void triggerIsNotFound() {
    String path = "/v1/triggers/" + aTrigger.getString("id");
    assertNotFound(bKey.get(path));
    assertNotFound(bKey.get(path + "?project_id=" + projectA));
    assertNotFound(bKey.patch(path, new JsonObject().put("is_active", false)));
    assertNotFound(bKey.patch(path, new JsonObject().put("is_active", false).put("project_id", projectA)));
    assertNotFound(bKey.delete(path));
    Instant now = Instant.now();
    assertNotFound(bKey.post(path + "/simulate", new JsonObject()
        .put("start_date", now.minus(1, ChronoUnit.DAYS).toString()).put("end_date", now.toString())));

    JsonObject after = admin.get(path).json();
    assertThat(after.getBoolean("is_active")).isTrue();
    assertThat(after.getString("name")).isEqualTo(aTrigger.getString("name"));
  }

  @Test
  @DisplayName("B's key lists B's triggers only, and asking for A's list is 404 project_not_found")
  void triggerListIsScoped() {
    JsonArray listed = list(bKey, "/v1/triggers");
    assertThat(listed.stream().map(t -> ((JsonObject) t).getString("id"))).containsExactly(bTrigger.getString("id"));

    Api.Response other = bKey.get("/v1/triggers?project_id=" + projectA);
    assertThat(other.status()).isEqualTo(404);
    assertThat(other.error().getString("code")).isEqualTo("project_not_found");

    Api.Response create = bKey.post("/v1/triggers", trigger("Sneaky", "signup", action("add_tag").put("tag", "x"))
        .put("project_id", projectA));
    assertThat(create.status()).isEqualTo(404);
    assertThat(list(admin, "/v1/triggers").stream().map(t -> ((JsonObject) t).getString("name")))
        .doesNotContain("Sneaky");
  }

  @Test
  @DisplayName("A's executions are 404 to B's key, and B's lists never include them")
  void executionsAreScoped() {
    Api.Response one = bKey.get("/v1/executions/" + aExecution.getString("id"));
    assertThat(one.status()).isEqualTo(404);
    assertThat(bKey.get("/v1/executions/" + aExecution.getString("id") + "?project_id=" + projectA).status())
        .isEqualTo(404);
    Api.Response other = bKey.get("/v1/executions?project_id=" + projectA);
    assertThat(other.status()).isEqualTo(404);
    assertThat(other.error().getString("code")).isEqualTo("project_not_found");

    assertThat(list(bKey, "/v1/executions").stream().map(e -> ((JsonObject) e).getString("project_id")))
        .doesNotContain(projectA);
    assertThat(list(bKey, "/v1/executions?trigger_id=" + aTrigger.getString("id"))).isEmpty();
    assertThat(list(bKey, "/v1/executions?visitor_id=shared-visitor").stream()
        .map(e -> ((JsonObject) e).getString("id"))).doesNotContain(aExecution.getString("id"));
  }

  @Test
  @DisplayName("B's events fire B's triggers only, under the same visitor id as A's")
  void eventsFireOwnProjectOnly() {
    track(bKey, "signup", "shared-visitor", null);

    JsonObject bExecution = awaitExecution(bKey, bTrigger.getString("id"), "shared-visitor", "succeeded");
    assertThat(bExecution.getString("project_id")).isEqualTo(projectB);
    assertThat(list(admin, "/v1/executions?trigger_id=" + aTrigger.getString("id"))).hasSize(1);
    assertThat(list(admin, "/v1/executions").stream().map(e -> ((JsonObject) e).getString("id")))
        .doesNotContain(bExecution.getString("id"));
  }
}
