package io.echotag.tags;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("tags: /v1/tags")
class TagApiTest {
  static TestGateway gateway;
  static Api api;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    api = gateway.api();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static JsonObject create(JsonObject body) {
    Api.Response response = api.post("/v1/tags", body);
    assertThat(response.status()).as("%s", response).isEqualTo(201);
    return response.json();
  }

  static void track(String visitorId) {
    assertThat(api.post("/v1/events", new JsonObject().put("event_type", "page_view").put("visitor_id", visitorId))
        .status()).isEqualTo(201);
  }

  @Test
  @DisplayName("a tag is created with the default color, read, renamed, recolored and deleted")
  void crud() {
    JsonObject created = create(new JsonObject().put("name", "lead").put("description", "came through a form"));
    String id = created.getString("id");
    assertThat(id).startsWith("tag_");
    assertThat(created.getString("project_id")).isEqualTo(gateway.projectId());
    assertThat(created.getString("name")).isEqualTo("lead");
    assertThat(created.getString("description")).isEqualTo("came through a form");
    assertThat(created.getString("color")).isEqualTo("#3B82F6");
    assertThat(created.getLong("visitor_count")).isZero();

    Api.Response read = api.get("/v1/tags/" + id);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().getString("name")).isEqualTo("lead");
    assertThat(read.json().getLong("visitor_count")).isZero();

    Api.Response patched = api.patch("/v1/tags/" + id, new JsonObject().put("name", "qualified-lead")
        .put("color", "#10b981"));
    assertThat(patched.status()).isEqualTo(200);
    assertThat(patched.json().getString("name")).isEqualTo("qualified-lead");
    assertThat(patched.json().getString("color")).isEqualTo("#10B981");
    assertThat(patched.json().getString("description")).as("fields not sent are kept").isEqualTo("came through a form");
    assertThat(api.get("/v1/tags/" + id).json().getString("name")).isEqualTo("qualified-lead");

    assertThat(api.delete("/v1/tags/" + id).status()).isEqualTo(204);
    Api.Response gone = api.get("/v1/tags/" + id);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.error().getString("code")).isEqualTo("tag_not_found");
    assertThat(api.delete("/v1/tags/" + id).status()).isEqualTo(404);
    assertThat(api.patch("/v1/tags/" + id, new JsonObject().put("name", "x")).status()).isEqualTo(404);
  }

  @Test
  @DisplayName("a second tag with the same name in the project is 409, also when renaming onto it; other projects may reuse it")
  void duplicateName() {
    create(new JsonObject().put("name", "vip"));
    Api.Response duplicate = api.post("/v1/tags", new JsonObject().put("name", "vip").put("color", "#000000"));
    assertThat(duplicate.status()).isEqualTo(409);
    assertThat(duplicate.error().getString("type")).isEqualTo("invalid_request");
    assertThat(duplicate.error().getString("code")).isEqualTo("tag_exists");
    assertThat(duplicate.error().getString("param")).isEqualTo("name");
    assertThat(gateway.count("SELECT count(*) FROM tags WHERE project_id = $1 AND name = 'vip'", gateway.projectId()))
        .isEqualTo(1);

    String other = create(new JsonObject().put("name", "regular")).getString("id");
    Api.Response rename = api.patch("/v1/tags/" + other, new JsonObject().put("name", "vip"));
    assertThat(rename.status()).isEqualTo(409);
    assertThat(rename.error().getString("code")).isEqualTo("tag_exists");
    assertThat(api.get("/v1/tags/" + other).json().getString("name")).isEqualTo("regular");

    String project = api.post("/v1/projects", new JsonObject().put("name", "second")).json().getString("id");
    JsonObject elsewhere = create(new JsonObject().put("name", "vip").put("project_id", project));
    assertThat(elsewhere.getString("project_id")).isEqualTo(project);
  }

  @Test
  @DisplayName("color must be #RRGGBB: anything else is 400 naming color; a name is required and at most 64 characters")
  void validation() {
    for (String color : new String[] {"red", "#12345", "#1234567", "3B82F6", "#GGGGGG", "#12 456"}) {
      Api.Response response = api.post("/v1/tags", new JsonObject().put("name", "c" + color.hashCode())
          .put("color", color));
      assertThat(response.status()).as("color %s: %s", color, response).isEqualTo(400);
      assertThat(response.error().getString("param")).isEqualTo("color");
      assertThat(response.error().getString("message")).contains("color");
    }
    String id = create(new JsonObject().put("name", "painted").put("color", "#aabbcc")).getString("id");
    Api.Response badPatch = api.patch("/v1/tags/" + id, new JsonObject().put("color", "blue"));
    assertThat(badPatch.status()).isEqualTo(400);
    assertThat(badPatch.error().getString("param")).isEqualTo("color");
    assertThat(api.get("/v1/tags/" + id).json().getString("color")).isEqualTo("#AABBCC");

    Api.Response noName = api.post("/v1/tags", new JsonObject().put("color", "#000000"));
    assertThat(noName.status()).isEqualTo(400);
    assertThat(noName.error().getString("message")).isEqualTo("Missing required fields: name");
    Api.Response longName = api.post("/v1/tags", new JsonObject().put("name", "x".repeat(65)));
    assertThat(longName.status()).isEqualTo(400);
    assertThat(longName.error().getString("param")).isEqualTo("name");
    assertThat(api.post("/v1/tags", new JsonObject().put("name", "y".repeat(64))).status()).isEqualTo(201);
  }

  @Test
  @DisplayName("visitor_count counts the visitors carrying the tag, in the list and on the tag, and drops on untag")
  void visitorCount() {
    String id = create(new JsonObject().put("name", "counted")).getString("id");
    String empty = create(new JsonObject().put("name", "empty")).getString("id");
    for (String visitor : new String[] {"count-1", "count-2", "count-3"}) {
      track(visitor);
    }
    assertThat(api.post("/v1/visitors/count-1/tags", new JsonObject().put("tag_id", id)).status()).isEqualTo(201);
    assertThat(api.post("/v1/visitors/count-2/tags", new JsonObject().put("tag_id", id)).status()).isEqualTo(201);
    assertThat(api.post("/v1/visitors/count-2/tags", new JsonObject().put("tag_id", id)).status()).isEqualTo(200);

    assertThat(api.get("/v1/tags/" + id).json().getLong("visitor_count")).isEqualTo(2);
    JsonObject listed = listed(id);
    assertThat(listed.getLong("visitor_count")).isEqualTo(2);
    assertThat(listed(empty).getLong("visitor_count")).isZero();

    assertThat(api.delete("/v1/visitors/count-1/tags/" + id).status()).isEqualTo(204);
    assertThat(api.get("/v1/tags/" + id).json().getLong("visitor_count")).isEqualTo(1);
    assertThat(api.delete("/v1/visitors/count-2").status()).isEqualTo(204);
    assertThat(api.get("/v1/tags/" + id).json().getLong("visitor_count")).isZero();
  }

  @Test
  @DisplayName("deleting a tag removes it from its visitors")
  void deleteUnlinks() {
    String id = create(new JsonObject().put("name", "short-lived")).getString("id");
    track("carrier");
    assertThat(api.post("/v1/visitors/carrier/tags", new JsonObject().put("tag_id", id)).status()).isEqualTo(201);
    assertThat(api.get("/v1/visitors/carrier").json().getJsonArray("tags")).hasSize(1);

    assertThat(api.delete("/v1/tags/" + id).status()).isEqualTo(204);

    assertThat(api.get("/v1/visitors/carrier").json().getJsonArray("tags")).isEmpty();
    assertThat(gateway.count("SELECT count(*) FROM visitor_tags WHERE tag_id = $1", id)).isZero();
    assertThat(api.get("/v1/visitors?tag_id=" + id).status()).isEqualTo(404);
  }

  private static JsonObject listed(String id) {
    Api.Response list = api.get("/v1/tags");
    assertThat(list.status()).isEqualTo(200);
    return list.data().stream().map(JsonObject.class::cast).filter(t -> t.getString("id").equals(id))
        .findFirst().orElseThrow(() -> new AssertionError("tag " + id + " not listed: " + list));
  }
}
