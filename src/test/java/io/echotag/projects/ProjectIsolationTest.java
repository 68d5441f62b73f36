package io.echotag.projects;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two projects of one organization: A (the admin key's default) and B, with a key restricted to
 * B. Whatever the B key asks, it sees B's rows only, and A is answered as if it did not exist.
 */
@DisplayName("a key restricted to project B never sees or touches project A")
class ProjectIsolationTest {
  static TestGateway gateway;
  static Api admin;
  static Api bKey;
  static String projectA;
  static String projectB;
  static String bKeyId;
  static String aEventId;
  static String aSessionId;
  static String aTagId;
  static String bTagId;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    admin = gateway.api();
    projectA = gateway.projectId();
    Api.Response b = admin.post("/v1/projects", new JsonObject().put("name", "Project B"));
    assertThat(b.status()).isEqualTo(201);
    projectB = b.json().getString("id");
    Api.Response key = admin.post("/v1/auth/keys", new JsonObject().put("name", "B only")
        .put("project_ids", new JsonArray().add(projectB))
        .put("scopes", new JsonArray().add("ingest").add("read").add("write").add("admin")));
    assertThat(key.status()).isEqualTo(201);
    assertThat(key.json().getString("default_project_id")).isEqualTo(projectB);
    assertThat(key.json().getJsonArray("project_ids")).containsExactly(projectB);
    bKey = admin.withKey(key.json().getString("key"));
    bKeyId = key.json().getString("id");

    Api.Response aEvent = admin.post("/v1/events", event("a-only", "https://a.example/secret"));
    assertThat(aEvent.status()).isEqualTo(201);
    aEventId = aEvent.json().getString("id");
    aSessionId = aEvent.json().getString("session_id");
    assertThat(admin.post("/v1/events", event("shared-visitor", "https://a.example/")).status()).isEqualTo(201);
    Api.Response aTag = admin.post("/v1/tags", new JsonObject().put("name", "a-tag"));
    assertThat(aTag.status()).isEqualTo(201);
    aTagId = aTag.json().getString("id");
    assertThat(admin.post("/v1/visitors/a-only/tags", new JsonObject().put("tag_id", aTagId)).status())
        .isEqualTo(201);

    assertThat(bKey.post("/v1/events", event("b-only", "https://b.example/")).status()).isEqualTo(201);
    assertThat(bKey.post("/v1/events", event("shared-visitor", "https://b.example/")).status()).isEqualTo(201);
    Api.Response bTag = bKey.post("/v1/tags", new JsonObject().put("name", "b-tag"));
    assertThat(bTag.status()).isEqualTo(201);
    bTagId = bTag.json().getString("id");
    assertThat(bTag.json().getString("project_id")).isEqualTo(projectB);
    assertThat(bKey.post("/v1/visitors/b-only/tags", new JsonObject().put("tag_id", bTagId)).status())
        .isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static JsonObject event(String visitorId, String url) {
    return new JsonObject().put("event_type", "page_view").put("visitor_id", visitorId)
        .put("data", new JsonObject().put("url", url));
  }

  static void assertProjectNotFound(Api.Response response) {
    assertThat(response.status()).as("%s", response).isEqualTo(404);
    assertThat(response.error().getString("type")).isEqualTo("invalid_request");
    assertThat(response.error().getString("code")).isEqualTo("project_not_found");
  }

  static void assertNotFound(Api.Response response) {
    assertThat(response.status()).as("%s", response).isEqualTo(404);
    assertThat(response.error().getString("type")).isEqualTo("invalid_request");
  }

  static List<String> field(Api.Response list, String name) {
    assertThat(list.status()).as("%s", list).isEqualTo(200);
    return list.data().stream().map(item -> ((JsonObject) item).getString(name)).toList();
  }

  @Test
  @DisplayName("asking for project A's events, visitors, tags or sessions by project_id is 404 project_not_found")
  void projectAByIdIsNotFound() {
    assertProjectNotFound(bKey.get("/v1/events?project_id=" + projectA));
    assertProjectNotFound(bKey.get("/v1/events/" + aEventId + "?project_id=" + projectA));
    assertProjectNotFound(bKey.get("/v1/visitors?project_id=" + projectA));
    assertProjectNotFound(bKey.get("/v1/visitors/a-only?project_id=" + projectA));
    assertProjectNotFound(bKey.get("/v1/tags?project_id=" + projectA));
    assertProjectNotFound(bKey.get("/v1/tags/" + aTagId + "?project_id=" + projectA));
    assertProjectNotFound(bKey.get("/v1/sessions?project_id=" + projectA));
    assertProjectNotFound(bKey.get("/v1/sessions/" + aSessionId + "?project_id=" + projectA));
  }

  @Test
  @DisplayName("project A is answered exactly like a project that does not exist")
  void existenceIsNotRevealed() {
    Api.Response a = bKey.get("/v1/events?project_id=" + projectA);
    Api.Response none = bKey.get("/v1/events?project_id=proj_doesnotexist");
    assertProjectNotFound(none);
    assertThat(a.error().getString("message").replace(projectA, "X"))
        .isEqualTo(none.error().getString("message").replace("proj_doesnotexist", "X"));
  }

  @Test
  @DisplayName("lists without project_id show B's rows only")
  void listsShowOnlyB() {
    Api.Response events = bKey.get("/v1/events");
    assertThat(field(events, "project_id")).isNotEmpty().containsOnly(projectB);
    assertThat(field(events, "id")).doesNotContain(aEventId);
    assertThat(events.body()).doesNotContain("a.example");

    Api.Response visitors = bKey.get("/v1/visitors");
    assertThat(field(visitors, "id")).containsExactlyInAnyOrder("b-only", "shared-visitor");
    assertThat(field(visitors, "project_id")).containsOnly(projectB);

    assertThat(field(bKey.get("/v1/tags"), "id")).containsExactly(bTagId);
    Api.Response sessions = bKey.get("/v1/sessions");
    assertThat(field(sessions, "project_id")).hasSize(2).containsOnly(projectB);
    assertThat(field(sessions, "id")).doesNotContain(aSessionId);
    assertThat(field(bKey.get("/v1/events?visitor_id=a-only"), "id")).isEmpty();
  }

  @Test
  @DisplayName("project A's rows fetched by their id are 404, and a visitor id present in both shows B's profile only")
  void byIdIsNotFound() {
    assertNotFound(bKey.get("/v1/events/" + aEventId));
    assertNotFound(bKey.get("/v1/sessions/" + aSessionId));
    assertNotFound(bKey.get("/v1/tags/" + aTagId));
    assertNotFound(bKey.get("/v1/visitors/a-only"));

    Api.Response shared = bKey.get("/v1/visitors/shared-visitor");
    assertThat(shared.status()).isEqualTo(200);
    assertThat(shared.json().getString("project_id")).isEqualTo(projectB);
    assertThat(shared.json().getLong("event_count")).isEqualTo(1);
  }

  @Test
  @DisplayName("GET /v1/visitors?tag_id=<A's tag> with B's key is 404")
  void visitorsByForeignTag() {
    Api.Response response = bKey.get("/v1/visitors?tag_id=" + aTagId);
    assertNotFound(response);
    assertThat(response.body()).doesNotContain("a-only");
    assertThat(field(admin.get("/v1/visitors?tag_id=" + aTagId), "id")).containsExactly("a-only");
    assertThat(field(bKey.get("/v1/visitors?tag_id=" + bTagId), "id")).containsExactly("b-only");
  }

  @Test
  @DisplayName("B's key cannot write into project A: tracking, tags, tag links and visitors are refused and A is unchanged")
  void cannotWriteIntoA() {
    long aEvents = gateway.count("SELECT count(*) FROM events WHERE project_id = $1", projectA);

    assertProjectNotFound(bKey.post("/v1/events", event("intruder", "https://b.example/").put("project_id", projectA)));
    Api.Response batch = bKey.post("/v1/events/batch", new JsonObject().put("project_id", projectA)
        .put("events", new JsonArray().add(event("intruder", "https://b.example/"))));
    assertThat(batch.status()).isEqualTo(200);
    assertThat(batch.json().getInteger("accepted")).isZero();
    assertThat(batch.json().getJsonArray("errors").getJsonObject(0).getJsonObject("error").getString("code"))
        .isEqualTo("project_not_found");
    assertProjectNotFound(bKey.post("/v1/tags", new JsonObject().put("name", "x").put("project_id", projectA)));
    assertNotFound(bKey.patch("/v1/tags/" + aTagId, new JsonObject().put("name", "hijacked")));
    assertNotFound(bKey.delete("/v1/tags/" + aTagId));
    assertNotFound(bKey.post("/v1/visitors/shared-visitor/tags", new JsonObject().put("tag_id", aTagId)));
    assertNotFound(bKey.delete("/v1/visitors/a-only/tags/" + aTagId));
    assertProjectNotFound(bKey.patch("/v1/visitors/a-only?project_id=" + projectA,
        new JsonObject().put("name", "hijacked")));
    assertProjectNotFound(bKey.delete("/v1/visitors/a-only?project_id=" + projectA));
    assertNotFound(bKey.delete("/v1/visitors/a-only"));

    assertThat(gateway.count("SELECT count(*) FROM events WHERE project_id = $1", projectA)).isEqualTo(aEvents);
    assertThat(gateway.count("SELECT count(*) FROM events WHERE visitor_id = 'intruder'")).isZero();
    JsonObject aTag = admin.get("/v1/tags/" + aTagId).json();
    assertThat(aTag.getString("name")).isEqualTo("a-tag");
    assertThat(aTag.getLong("visitor_count")).isEqualTo(1);
    JsonObject aVisitor = admin.get("/v1/visitors/a-only").json();
    assertThat(aVisitor.getString("name")).isNull();
    assertThat(aVisitor.getJsonArray("tags")).hasSize(1);
    assertThat(gateway.count("SELECT count(*) FROM visitor_tags WHERE project_id = $1 AND tag_id = $2",
        projectB, aTagId)).isZero();
  }

  @Test
  @DisplayName("B's key lists only its own project and cannot read, change, delete or create projects beyond it")
  void projects() {
    assertThat(field(bKey.get("/v1/projects"), "id")).containsExactly(projectB);
    assertThat(field(admin.get("/v1/projects"), "id")).contains(projectA, projectB);
    assertProjectNotFound(bKey.get("/v1/projects/" + projectA));
    assertProjectNotFound(bKey.patch("/v1/projects/" + projectA, new JsonObject().put("name", "hijacked")));
    assertProjectNotFound(bKey.delete("/v1/projects/" + projectA));
    Api.Response create = bKey.post("/v1/projects", new JsonObject().put("name", "escape"));
    assertThat(create.status()).isEqualTo(403);
    assertThat(create.error().getString("type")).isEqualTo("permission");

    assertThat(admin.get("/v1/projects/" + projectA).json().getString("name")).isNotEqualTo("hijacked");
    assertThat(bKey.get("/v1/projects/" + projectB).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("B's key lists only keys confined to B, cannot revoke others, and cannot grant access to A")
  void keys() {
    Api.Response aRestricted = admin.post("/v1/auth/keys", new JsonObject().put("name", "A only")
        .put("project_ids", new JsonArray().add(projectA)));
    assertThat(aRestricted.status()).isEqualTo(201);
    String aKeyId = aRestricted.json().getString("id");
    List<String> all = field(admin.get("/v1/auth/keys"), "id");
    String bootstrapId = admin.get("/v1/auth/keys").data().stream().map(JsonObject.class::cast)
        .filter(k -> k.getString("name").equals("Bootstrap key")).findFirst().orElseThrow().getString("id");
    assertThat(all).contains(aKeyId, bKeyId, bootstrapId);

    List<String> seenByB = field(bKey.get("/v1/auth/keys"), "id");
    assertThat(seenByB).contains(bKeyId).doesNotContain(aKeyId, bootstrapId);

    assertThat(bKey.delete("/v1/auth/keys/" + aKeyId).status()).isEqualTo(404);
    assertThat(bKey.delete("/v1/auth/keys/" + bootstrapId).status()).isEqualTo(404);
    assertThat(admin.get("/v1/events").status()).as("the admin key was not revoked").isEqualTo(200);
    assertThat(admin.withKey(aRestricted.json().getString("key")).get("/v1/events").status()).isEqualTo(200);

    assertProjectNotFound(bKey.post("/v1/auth/keys", new JsonObject().put("name", "widen")
        .put("project_ids", new JsonArray().add(projectA))));
    assertProjectNotFound(bKey.post("/v1/auth/keys", new JsonObject().put("name", "widen")
        .put("project_ids", new JsonArray().add(projectB).add(projectA))));
    Api.Response inherited = bKey.post("/v1/auth/keys", new JsonObject().put("name", "child of B"));
    assertThat(inherited.status()).isEqualTo(201);
    assertThat(inherited.json().getJsonArray("project_ids")).containsExactly(projectB);
    assertProjectNotFound(admin.withKey(inherited.json().getString("key")).get("/v1/events?project_id=" + projectA));

    Api.Response rotated = admin.withKey(inherited.json().getString("key")).post("/v1/auth/rotate-key", null);
    assertThat(rotated.status()).isEqualTo(200);
    assertProjectNotFound(admin.withKey(rotated.json().getString("new_api_key"))
        .get("/v1/events?project_id=" + projectA));
  }
}
