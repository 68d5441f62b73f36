package io.echotag.visitors;

import io.echotag.common.Times;
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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("visitors: /v1/visitors")
class VisitorApiTest {
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

  static JsonObject track(String eventType, String visitorId, JsonObject data) {
    Api.Response response = api.post("/v1/events", new JsonObject().put("event_type", eventType)
        .put("visitor_id", visitorId).put("data", data));
    assertThat(response.status()).as("%s", response).isEqualTo(201);
    return response.json();
  }

  static void trackAt(String eventType, String visitorId, Instant at, JsonObject data) {
    Api.Response response = api.post("/v1/events", new JsonObject().put("event_type", eventType)
        .put("visitor_id", visitorId).put("timestamp", Times.format(at)).put("data", data));
    assertThat(response.status()).as("%s", response).isEqualTo(201);
  }

  static JsonObject profile(String visitorId) {
    Api.Response response = api.get("/v1/visitors/" + visitorId);
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    return response.json();
  }

  static List<String> ids(Api.Response list) {
    assertThat(list.status()).as("%s", list).isEqualTo(200);
    return list.data().stream().map(v -> ((JsonObject) v).getString("id")).toList();
  }

  @Test
  @DisplayName("a visitor is created by its first event, with counts and first/last seen")
  void createdByFirstEvent() {
    assertThat(api.get("/v1/visitors/newcomer").status()).isEqualTo(404);
    JsonObject first = track("page_view", "newcomer", new JsonObject());
    track("page_view", "newcomer", new JsonObject());

    JsonObject visitor = profile("newcomer");
    assertThat(visitor.getString("id")).isEqualTo("newcomer");
    assertThat(visitor.getString("project_id")).isEqualTo(gateway.projectId());
    assertThat(visitor.getLong("event_count")).isEqualTo(2);
    assertThat(visitor.getLong("session_count")).isEqualTo(1);
    assertThat(visitor.getString("first_seen")).isEqualTo(first.getString("timestamp"));
    assertThat(visitor.getString("last_seen")).isGreaterThanOrEqualTo(visitor.getString("first_seen"));
    assertThat(visitor.getJsonObject("traits")).isEqualTo(new JsonObject());
    assertThat(visitor.getJsonArray("tags")).isEmpty();
    Api.Response missing = api.get("/v1/visitors/nobody");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.error().getString("code")).isEqualTo("visitor_not_found");
  }

  @Test
  @DisplayName("identify events merge email, name and traits into the profile; other events do not")
  void identifyMerges() {
    track("page_view", "ident", new JsonObject().put("email", "not-an-identify@example.com"));
    assertThat(profile("ident").getString("email")).isNull();

    track("identify", "ident", new JsonObject().put("email", "ada@example.com").put("name", "Ada")
        .put("traits", new JsonObject().put("plan", "free").put("company", "Analytical")));
    track("identify", "ident", new JsonObject().put("traits", new JsonObject().put("plan", "pro")
        .put("seats", 3)));

    JsonObject visitor = profile("ident");
    assertThat(visitor.getString("email")).isEqualTo("ada@example.com");
    assertThat(visitor.getString("name")).as("a later identify without name keeps it").isEqualTo("Ada");
    assertThat(visitor.getJsonObject("traits")).isEqualTo(new JsonObject().put("plan", "pro")
        .put("company", "Analytical").put("seats", 3));
    assertThat(visitor.getLong("event_count")).isEqualTo(3);
  }

  @Test
  @DisplayName("PATCH sets email and name and merges traits key by key")
  void patchMergesTraits() {
    track("identify", "patched", new JsonObject().put("traits", new JsonObject().put("plan", "free")
        .put("company", "Acme")));

    Api.Response response = api.patch("/v1/visitors/patched", new JsonObject().put("email", "bo@example.com")
        .put("traits", new JsonObject().put("plan", "enterprise").put("region", "eu")));
    assertThat(response.status()).isEqualTo(200);
    JsonObject visitor = response.json();
    assertThat(visitor.getString("email")).isEqualTo("bo@example.com");
    assertThat(visitor.getJsonObject("traits")).isEqualTo(new JsonObject().put("plan", "enterprise")
        .put("company", "Acme").put("region", "eu"));
    assertThat(profile("patched")).isEqualTo(visitor);

    JsonObject named = api.patch("/v1/visitors/patched", new JsonObject().put("name", "Bo")).json();
    assertThat(named.getString("name")).isEqualTo("Bo");
    assertThat(named.getString("email")).as("fields not sent are kept").isEqualTo("bo@example.com");
    assertThat(named.getJsonObject("traits").getString("company")).isEqualTo("Acme");

    Api.Response invalid = api.patch("/v1/visitors/patched", new JsonObject().put("traits", "plan=pro"));
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.error().getString("param")).isEqualTo("traits");
    Api.Response unknown = api.patch("/v1/visitors/ghost", new JsonObject().put("name", "x"));
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.error().getString("code")).isEqualTo("visitor_not_found");
    assertThat(gateway.count("SELECT count(*) FROM visitors WHERE visitor_id = 'ghost'")).isZero();
  }

  @Test
  @DisplayName("a tag is assigned by tag_id or by name (created if missing): 201 the first time, 200 with the same assigned_at after")
  void assignTags() {
    track("page_view", "tagged", new JsonObject());
    Api.Response tag = api.post("/v1/tags", new JsonObject().put("name", "customer").put("color", "#FF0000"));
    String tagId = tag.json().getString("id");

    Api.Response byId = api.post("/v1/visitors/tagged/tags", new JsonObject().put("tag_id", tagId));
    assertThat(byId.status()).isEqualTo(201);
    assertThat(byId.json().getString("visitor_id")).isEqualTo("tagged");
    assertThat(byId.json().getString("tag_id")).isEqualTo(tagId);
    assertThat(byId.json().getString("assigned_at")).isNotNull();
    Api.Response again = api.post("/v1/visitors/tagged/tags", new JsonObject().put("tag_id", tagId));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json()).isEqualTo(byId.json());

    assertThat(gateway.count("SELECT count(*) FROM tags WHERE name = 'newsletter'")).isZero();
    Api.Response byName = api.post("/v1/visitors/tagged/tags", new JsonObject().put("tag", "newsletter"));
    assertThat(byName.status()).isEqualTo(201);
    String created = byName.json().getString("tag_id");
    assertThat(created).startsWith("tag_");
    JsonObject newTag = api.get("/v1/tags/" + created).json();
    assertThat(newTag.getString("name")).isEqualTo("newsletter");
    assertThat(newTag.getString("color")).isEqualTo("#3B82F6");
    Api.Response byNameAgain = api.post("/v1/visitors/tagged/tags", new JsonObject().put("tag", "newsletter"));
    assertThat(byNameAgain.status()).isEqualTo(200);
    assertThat(byNameAgain.json().getString("tag_id")).isEqualTo(created);
    Api.Response existingByName = api.post("/v1/visitors/tagged/tags", new JsonObject().put("tag", "customer"));
    assertThat(existingByName.status()).isEqualTo(200);
    assertThat(existingByName.json().getString("tag_id")).isEqualTo(tagId);
    assertThat(gateway.count("SELECT count(*) FROM tags WHERE project_id = $1", gateway.projectId())).isEqualTo(
        gateway.count("SELECT count(DISTINCT name) FROM tags WHERE project_id = $1", gateway.projectId()));

    JsonArray tags = profile("tagged").getJsonArray("tags");
    assertThat(tags).hasSize(2);
    assertThat(tags.getJsonObject(0)).isEqualTo(new JsonObject().put("id", tagId).put("name", "customer")
        .put("color", "#FF0000"));
    assertThat(tags.getJsonObject(1).getString("name")).isEqualTo("newsletter");
    assertThat(gateway.count("SELECT count(*) FROM visitor_tags WHERE visitor_id = 'tagged'")).isEqualTo(2);
  }

  @Test
  @DisplayName("tagging is refused for an unknown visitor, an unknown tag_id, or a body naming no tag")
  void assignTagRefusals() {
    track("page_view", "refusals", new JsonObject());
    Api.Response noVisitor = api.post("/v1/visitors/nobody-here/tags", new JsonObject().put("tag", "x-tag"));
    assertThat(noVisitor.status()).isEqualTo(404);
    assertThat(noVisitor.error().getString("code")).isEqualTo("visitor_not_found");
    assertThat(gateway.count("SELECT count(*) FROM tags WHERE name = 'x-tag'")).as("nothing created").isZero();

    Api.Response noTag = api.post("/v1/visitors/refusals/tags", new JsonObject().put("tag_id", "tag_nope"));
    assertThat(noTag.status()).isEqualTo(404);
    assertThat(noTag.error().getString("code")).isEqualTo("tag_not_found");

    Api.Response empty = api.post("/v1/visitors/refusals/tags", new JsonObject());
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.error().getString("message")).contains("tag_id");
  }

  @Test
  @DisplayName("visitors are listed by tag_id and by email (case-insensitive), most recently seen first")
  void listFilters() {
    String tagId = api.post("/v1/tags", new JsonObject().put("name", "segment")).json().getString("id");
    Instant now = Instant.now();
    trackAt("identify", "list-1", now.minusSeconds(180), new JsonObject().put("email", "Cy@Example.com"));
    trackAt("identify", "list-2", now.minusSeconds(120), new JsonObject().put("email", "dee@example.com"));
    trackAt("page_view", "list-3", now.minusSeconds(60), new JsonObject());
    api.post("/v1/visitors/list-1/tags", new JsonObject().put("tag_id", tagId));
    api.post("/v1/visitors/list-3/tags", new JsonObject().put("tag_id", tagId));

    assertThat(ids(api.get("/v1/visitors?tag_id=" + tagId))).containsExactly("list-3", "list-1");
    assertThat(ids(api.get("/v1/visitors?email=cy@example.com"))).containsExactly("list-1");
    assertThat(ids(api.get("/v1/visitors?tag_id=" + tagId + "&email=dee@example.com"))).isEmpty();
    assertThat(ids(api.get("/v1/visitors?tag_id=" + tagId + "&email=CY@EXAMPLE.COM"))).containsExactly("list-1");
    assertThat(ids(api.get("/v1/visitors?email=&tag_id="))).contains("list-1", "list-2", "list-3");
    Api.Response unknownTag = api.get("/v1/visitors?tag_id=tag_nope");
    assertThat(unknownTag.status()).isEqualTo(404);
    assertThat(unknownTag.error().getString("code")).isEqualTo("tag_not_found");

    Api.Response page = api.get("/v1/visitors?limit=1");
    assertThat(page.data()).hasSize(1);
    assertThat(page.json().getBoolean("has_more")).isTrue();
    assertThat(page.json().getInteger("limit")).isEqualTo(1);
  }

  @Test
  @DisplayName("the list is ordered by last_seen to the millisecond, within a minute and across minutes")
  void listOrderWithinAMinute() {
    String tagId = api.post("/v1/tags", new JsonObject().put("name", "order")).json().getString("id");
    Instant minute = Instant.now().minusSeconds(600).truncatedTo(ChronoUnit.MINUTES);
    trackAt("page_view", "order-a", minute.plusSeconds(10), new JsonObject());
    trackAt("page_view", "order-b", minute.plusSeconds(40), new JsonObject());
    trackAt("page_view", "order-c", minute.plusMillis(20_001), new JsonObject());
    trackAt("page_view", "order-d", minute.minusMillis(1), new JsonObject());
    trackAt("page_view", "order-e", minute.plusSeconds(60), new JsonObject());
    for (String id : List.of("order-a", "order-b", "order-c", "order-d", "order-e")) {
      api.post("/v1/visitors/" + id + "/tags", new JsonObject().put("tag_id", tagId));
    }

    assertThat(ids(api.get("/v1/visitors?tag_id=" + tagId)))
        .containsExactly("order-e", "order-b", "order-c", "order-a", "order-d");
    assertThat(ids(api.get("/v1/visitors?tag_id=" + tagId + "&limit=2&offset=1"))).containsExactly("order-b", "order-c");
  }

  @Test
  @DisplayName("an event updates its visitor in place (HOT): last_seen moving within a minute touches no index")
  void visitorUpdatesStayInPlace() {
    long before = hotUpdatesOfVisitors();
    Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).minusSeconds(120);
    int events = 20;
    for (int i = 0; i < events; i++) {
      trackAt("page_view", "in-place", minute.plusSeconds(i), new JsonObject());
    }
    // The first event creates the row; each later one updates it. Statistics arrive within a second or so.
    TestGateway.await("HOT updates of visitors counted", 15_000,
        () -> hotUpdatesOfVisitors() - before >= events - 1);
    assertThat(profile("in-place").getLong("event_count")).isEqualTo(events);
  }

  private static long hotUpdatesOfVisitors() {
    return gateway.count("SELECT n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'visitors'");
  }

  @Test
  @DisplayName("untagging removes the link (204) and the visitor leaves the tag's list")
  void untag() {
    track("page_view", "untagged", new JsonObject());
    String tagId = api.post("/v1/visitors/untagged/tags", new JsonObject().put("tag", "temporary")).json()
        .getString("tag_id");
    assertThat(ids(api.get("/v1/visitors?tag_id=" + tagId))).containsExactly("untagged");

    assertThat(api.delete("/v1/visitors/untagged/tags/" + tagId).status()).isEqualTo(204);

    assertThat(profile("untagged").getJsonArray("tags")).isEmpty();
    assertThat(ids(api.get("/v1/visitors?tag_id=" + tagId))).isEmpty();
    assertThat(gateway.count("SELECT count(*) FROM visitor_tags WHERE visitor_id = 'untagged'")).isZero();
    assertThat(api.get("/v1/tags/" + tagId).status()).as("the tag itself stays").isEqualTo(200);
    assertThat(api.delete("/v1/visitors/untagged/tags/tag_nope").status()).isEqualTo(404);
  }

  @Test
  @DisplayName("DELETE erases the visitor with its events, idempotency keys, sessions and tag links, and nobody else's")
  void erase() {
    JsonObject first = track("page_view", "erased", new JsonObject().put("url", "https://x.example/"));
    Api.Response keyed = api.post("/v1/events", new JsonObject().put("event_type", "purchase")
        .put("visitor_id", "erased").put("id", "order-erased-1"));
    assertThat(keyed.status()).isEqualTo(201);
    track("page_view", "bystander", new JsonObject());
    api.post("/v1/visitors/erased/tags", new JsonObject().put("tag", "doomed-link"));
    String sharedTag = api.post("/v1/visitors/bystander/tags", new JsonObject().put("tag", "doomed-link")).json()
        .getString("tag_id");
    String project = gateway.projectId();
    assertThat(gateway.count("SELECT count(*) FROM events WHERE project_id = $1 AND visitor_id = 'erased'", project))
        .isEqualTo(2);
    assertThat(gateway.count("SELECT count(*) FROM sessions WHERE project_id = $1 AND visitor_id = 'erased'", project))
        .isEqualTo(1);
    assertThat(gateway.count("SELECT count(*) FROM event_keys WHERE project_id = $1 AND key = 'order-erased-1'",
        project)).isEqualTo(1);

    assertThat(api.delete("/v1/visitors/erased").status()).isEqualTo(204);

    assertThat(gateway.count("SELECT count(*) FROM visitors WHERE visitor_id = 'erased'")).isZero();
    assertThat(gateway.count("SELECT count(*) FROM events WHERE visitor_id = 'erased'")).isZero();
    assertThat(gateway.count("SELECT count(*) FROM sessions WHERE visitor_id = 'erased'")).isZero();
    assertThat(gateway.count("SELECT count(*) FROM visitor_tags WHERE visitor_id = 'erased'")).isZero();
    assertThat(gateway.count("SELECT count(*) FROM event_keys WHERE event_id = $1", keyed.json().getString("id")))
        .isZero();
    assertThat(api.get("/v1/visitors/erased").status()).isEqualTo(404);
    assertThat(api.get("/v1/events/" + first.getString("id")).status()).isEqualTo(404);
    assertThat(api.get("/v1/sessions/" + first.getString("session_id")).status()).isEqualTo(404);
    assertThat(api.delete("/v1/visitors/erased").status()).isEqualTo(404);

    assertThat(profile("bystander").getLong("event_count")).isEqualTo(1);
    assertThat(ids(api.get("/v1/visitors?tag_id=" + sharedTag))).containsExactly("bystander");

    Api.Response replay = api.post("/v1/events", new JsonObject().put("event_type", "purchase")
        .put("visitor_id", "erased").put("id", "order-erased-1"));
    assertThat(replay.status()).as("the erased event's key no longer answers for it: %s", replay).isEqualTo(201);
    assertThat(replay.json().getString("id")).isNotEqualTo(keyed.json().getString("id"));
  }
}
