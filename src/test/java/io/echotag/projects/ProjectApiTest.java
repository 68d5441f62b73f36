package io.echotag.projects;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("projects: /v1/projects")
class ProjectApiTest {
  static TestGateway gateway;
  static Api admin;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    admin = gateway.api();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static JsonObject create(JsonObject body) {
    Api.Response response = admin.post("/v1/projects", body);
    assertThat(response.status()).as("%s", response).isEqualTo(201);
    return response.json();
  }

  static void assertInvalid(Api.Response response, String param) {
    assertThat(response.status()).as("%s", response).isEqualTo(400);
    assertThat(response.error().getString("type")).isEqualTo("invalid_request");
    assertThat(response.error().getString("param")).isEqualTo(param);
    assertThat(response.error().getString("message")).contains(param);
  }

  @Test
  @DisplayName("a project is created with defaults (UTC, 30 min sessions, purchase conversions), read, listed, changed and deleted")
  void crud() {
    JsonObject created = create(new JsonObject().put("name", "Shop").put("domain", "shop.example"));
    String id = created.getString("id");
    assertThat(id).startsWith("proj_");
    assertThat(created.getString("name")).isEqualTo("Shop");
    assertThat(created.getString("domain")).isEqualTo("shop.example");
    assertThat(created.getString("timezone")).isEqualTo("UTC");
    JsonObject settings = created.getJsonObject("settings");
    assertThat(settings.getLong("session_timeout_ms")).isEqualTo(1_800_000L);
    assertThat(settings.getJsonArray("conversion_event_types")).containsExactly("purchase");
    assertThat(settings.getJsonArray("allowed_origins")).isEmpty();
    assertThat(created.getString("created_at")).isNotNull();

    assertThat(admin.get("/v1/projects/" + id).json()).isEqualTo(created);
    assertThat(admin.get("/v1/projects").data().stream().map(p -> ((JsonObject) p).getString("id")))
        .contains(id, gateway.projectId());

    Api.Response patched = admin.patch("/v1/projects/" + id, new JsonObject().put("name", "Shop EU")
        .put("timezone", "Europe/Paris")
        .put("settings", new JsonObject().put("session_timeout_ms", 600_000)));
    assertThat(patched.status()).isEqualTo(200);
    JsonObject changed = patched.json();
    assertThat(changed.getString("name")).isEqualTo("Shop EU");
    assertThat(changed.getString("domain")).as("fields not sent are kept").isEqualTo("shop.example");
    assertThat(changed.getString("timezone")).isEqualTo("Europe/Paris");
    assertThat(changed.getJsonObject("settings").getLong("session_timeout_ms")).isEqualTo(600_000L);
    assertThat(changed.getJsonObject("settings").getJsonArray("conversion_event_types"))
        .as("settings merge key by key").containsExactly("purchase");
    assertThat(admin.get("/v1/projects/" + id).json()).isEqualTo(changed);

    assertThat(admin.delete("/v1/projects/" + id).status()).isEqualTo(204);
    Api.Response gone = admin.get("/v1/projects/" + id);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.error().getString("code")).isEqualTo("project_not_found");
    assertThat(admin.delete("/v1/projects/" + id).status()).isEqualTo(404);
    assertThat(gateway.count("SELECT count(*) FROM projects WHERE id = $1", id)).isZero();
  }

  @Test
  @DisplayName("a project without a name is 400 naming name")
  void nameRequired() {
    Api.Response response = admin.post("/v1/projects", new JsonObject().put("domain", "x.example"));
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.error().getString("message")).isEqualTo("Missing required fields: name");
  }

  @Test
  @DisplayName("timezone must be an IANA zone: unknown zones and bare UTC offsets are 400 naming timezone, on create and on update")
  void timezoneValidation() {
    for (Object zone : new Object[] {"Mars/Olympus", "europe/paris", 2, "+02:00", "UTC+02:00"}) {
      assertInvalid(admin.post("/v1/projects", new JsonObject().put("name", "x").put("timezone", zone)), "timezone");
    }
    assertThat(create(new JsonObject().put("name", "utc").put("timezone", "UTC")).getString("timezone"))
        .isEqualTo("UTC");

    JsonObject tokyo = create(new JsonObject().put("name", "Tokyo").put("timezone", "Asia/Tokyo"));
    assertThat(tokyo.getString("timezone")).isEqualTo("Asia/Tokyo");
    assertInvalid(admin.patch("/v1/projects/" + tokyo.getString("id"), new JsonObject().put("timezone", "Nowhere")),
        "timezone");
    assertThat(admin.get("/v1/projects/" + tokyo.getString("id")).json().getString("timezone")).isEqualTo("Asia/Tokyo");
  }

  @Test
  @DisplayName("invalid settings are 400 naming the setting with its settings. path")
  void settingsValidation() {
    assertInvalid(admin.post("/v1/projects", new JsonObject().put("name", "x")
        .put("settings", new JsonObject().put("session_timeout_ms", 10))), "settings.session_timeout_ms");
    assertInvalid(admin.post("/v1/projects", new JsonObject().put("name", "x")
        .put("settings", new JsonObject().put("session_timeout_ms", "soon"))), "settings.session_timeout_ms");
    assertInvalid(admin.post("/v1/projects", new JsonObject().put("name", "x")
        .put("settings", new JsonObject().put("retention_days", -1))), "settings.retention_days");
    assertInvalid(admin.post("/v1/projects", new JsonObject().put("name", "x")
        .put("settings", new JsonObject()
            .put("conversion_event_types", new JsonArray().add("purchase").add("bad type")))),
        "settings.conversion_event_types.1");
    assertInvalid(admin.post("/v1/projects", new JsonObject().put("name", "x")
        .put("settings", new JsonObject().put("conversion_event_types", "purchase"))),
        "settings.conversion_event_types");
    assertInvalid(admin.post("/v1/projects", new JsonObject().put("name", "x")
        .put("settings", new JsonObject().put("conversion_event_types", new JsonArray().add("")))),
        "settings.conversion_event_types.0");
    assertInvalid(admin.post("/v1/projects", new JsonObject().put("name", "x")
        .put("settings", new JsonObject().put("allowed_origins", "https://shop.example"))),
        "settings.allowed_origins");
    assertInvalid(admin.post("/v1/projects", new JsonObject().put("name", "x")
        .put("settings", new JsonObject().put("allowed_origins", new JsonArray().add(42)))),
        "settings.allowed_origins.0");
    assertInvalid(admin.post("/v1/projects", new JsonObject().put("name", "x").put("settings", "fast")), "settings");

    JsonObject project = create(new JsonObject().put("name", "valid settings").put("settings", new JsonObject()
        .put("session_timeout_ms", 60_000).put("retention_days", 90)
        .put("conversion_event_types", new JsonArray().add("purchase").add("signup"))
        .put("allowed_origins", new JsonArray().add("https://shop.example"))));
    JsonObject settings = project.getJsonObject("settings");
    assertThat(settings.getLong("session_timeout_ms")).isEqualTo(60_000L);
    assertThat(settings.getLong("retention_days")).isEqualTo(90L);
    assertThat(settings.getJsonArray("conversion_event_types")).containsExactly("purchase", "signup");
    assertThat(settings.getJsonArray("allowed_origins")).containsExactly("https://shop.example");

    assertInvalid(admin.patch("/v1/projects/" + project.getString("id"), new JsonObject()
        .put("settings", new JsonObject().put("session_timeout_ms", 86_400_001L))), "settings.session_timeout_ms");
    assertThat(admin.get("/v1/projects/" + project.getString("id")).json().getJsonObject("settings")
        .getLong("session_timeout_ms")).isEqualTo(60_000L);
  }

  @Test
  @DisplayName("creating, changing and deleting projects needs the admin scope; reading needs read")
  void scopes() {
    Api.Response key = admin.post("/v1/auth/keys", new JsonObject().put("name", "rw"));
    Api readWrite = admin.withKey(key.json().getString("key"));
    assertThat(readWrite.post("/v1/projects", new JsonObject().put("name", "x")).status()).isEqualTo(403);
    assertThat(readWrite.patch("/v1/projects/" + gateway.projectId(), new JsonObject().put("name", "x")).status())
        .isEqualTo(403);
    assertThat(readWrite.delete("/v1/projects/" + gateway.projectId()).status()).isEqualTo(403);
    assertThat(readWrite.get("/v1/projects/" + gateway.projectId()).status()).isEqualTo(200);
    assertThat(admin.get("/v1/projects/" + gateway.projectId()).json().getString("name")).isNotEqualTo("x");
  }

  @Test
  @DisplayName("deleting a project removes its events, visitors, sessions, tags and tag links, and nothing of other projects")
  void deleteRemovesData() {
    String doomed = create(new JsonObject().put("name", "doomed")).getString("id");
    String kept = gateway.projectId();
    for (String project : new String[] {doomed, kept}) {
      for (String visitor : new String[] {"v1", "v2"}) {
        Api.Response tracked = admin.post("/v1/events", new JsonObject().put("project_id", project)
            .put("event_type", "page_view").put("visitor_id", visitor).put("id", "idem-" + visitor)
            .put("data", new JsonObject().put("url", "https://x.example/")));
        assertThat(tracked.status()).as("idempotency keys are per project: %s", tracked).isEqualTo(201);
      }
      Api.Response tagged = admin.post("/v1/visitors/v1/tags", new JsonObject().put("project_id", project)
          .put("tag", "vip"));
      assertThat(tagged.status()).isEqualTo(201);
    }
    String[] tables = {"events", "event_keys", "visitors", "sessions", "tags", "visitor_tags"};
    for (String table : tables) {
      assertThat(gateway.count("SELECT count(*) FROM " + table + " WHERE project_id = $1", doomed))
          .as("%s before", table).isPositive();
    }
    long keptBefore = rows(kept, tables);

    assertThat(admin.delete("/v1/projects/" + doomed).status()).isEqualTo(204);

    for (String table : tables) {
      assertThat(gateway.count("SELECT count(*) FROM " + table + " WHERE project_id = $1", doomed))
          .as("%s after", table).isZero();
    }
    assertThat(rows(kept, tables)).isEqualTo(keptBefore);
    Api.Response track = admin.post("/v1/events", new JsonObject().put("project_id", doomed)
        .put("event_type", "page_view").put("visitor_id", "v1"));
    assertThat(track.status()).isEqualTo(404);
    assertThat(track.error().getString("code")).isEqualTo("project_not_found");
  }

  private static long rows(String project, String[] tables) {
    long total = 0;
    for (String table : tables) {
      total += gateway.count("SELECT count(*) FROM " + table + " WHERE project_id = $1", project);
    }
    return total;
  }
}
