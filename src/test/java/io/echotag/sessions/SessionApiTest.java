package io.echotag.sessions;

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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A project whose sessions time out after 60 s. Visitors browse three events 10 s apart, then come
 * back 5 minutes later: two sessions. Times are noon yesterday (UTC) so that day filters are exact.
 */
@DisplayName("sessions: /v1/sessions")
class SessionApiTest {
  static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).minusDays(1);
  static final Instant T0 = DAY.atTime(12, 0).toInstant(ZoneOffset.UTC);
  static final Instant RETURN = T0.plusSeconds(20 + 300);

  static TestGateway gateway;
  static Api api;
  static String project;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    api = gateway.api();
    Api.Response created = api.post("/v1/projects", new JsonObject().put("name", "short sessions")
        .put("settings", new JsonObject().put("session_timeout_ms", 60_000)));
    assertThat(created.status()).isEqualTo(201);
    project = created.json().getString("id");
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  /** The walk: landing (with referrer), products 10 s later, add_to_cart 10 s later, return 5 min later. */
  static List<JsonObject> walk(String visitorId) {
    return List.of(
        event(visitorId, "page_view", T0, new JsonObject().put("url", "https://shop.example/landing")
            .put("referrer", "https://search.example/?q=shoes")),
        event(visitorId, "page_view", T0.plusSeconds(10), new JsonObject().put("url", "https://shop.example/products")),
        event(visitorId, "add_to_cart", T0.plusSeconds(20), new JsonObject().put("product_id", "p1")),
        event(visitorId, "page_view", RETURN, new JsonObject().put("url", "https://shop.example/return")
            .put("referrer", "https://mail.example/")));
  }

  static JsonObject event(String visitorId, String type, Instant at, JsonObject data) {
    return new JsonObject().put("project_id", project).put("event_type", type).put("visitor_id", visitorId)
        .put("timestamp", Times.format(at)).put("data", data);
  }

  static JsonArray sessions(String query) {
    Api.Response response = api.get("/v1/sessions?project_id=" + project + query);
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    return response.data();
  }

  /** Checks the two sessions of a walk and answers their ids, newest first. */
  static List<String> assertTwoSessions(String visitorId) {
    JsonArray both = sessions("&visitor_id=" + visitorId);
    assertThat(both).hasSize(2);
    JsonObject second = both.getJsonObject(0);
    JsonObject first = both.getJsonObject(1);

    assertThat(first.getString("id")).startsWith("ses_");
    assertThat(first.getString("project_id")).isEqualTo(project);
    assertThat(first.getString("visitor_id")).isEqualTo(visitorId);
    assertThat(first.getString("started_at")).isEqualTo(Times.format(T0));
    assertThat(first.getString("ended_at")).isEqualTo(Times.format(T0.plusSeconds(20)));
    assertThat(first.getLong("duration_ms")).isEqualTo(20_000L);
    assertThat(first.getLong("event_count")).isEqualTo(3L);
    assertThat(first.getString("entry_url")).isEqualTo("https://shop.example/landing");
    assertThat(first.getString("exit_url")).isEqualTo("https://shop.example/products");
    assertThat(first.getString("referrer")).isEqualTo("https://search.example/?q=shoes");

    assertThat(second.getString("id")).startsWith("ses_").isNotEqualTo(first.getString("id"));
    assertThat(second.getString("started_at")).isEqualTo(Times.format(RETURN));
    assertThat(second.getString("ended_at")).isEqualTo(Times.format(RETURN));
    assertThat(second.getLong("duration_ms")).isZero();
    assertThat(second.getLong("event_count")).isEqualTo(1L);
    assertThat(second.getString("entry_url")).isEqualTo("https://shop.example/return");
    assertThat(second.getString("exit_url")).isEqualTo("https://shop.example/return");
    assertThat(second.getString("referrer")).isEqualTo("https://mail.example/");

    Api.Response visitor = api.get("/v1/visitors/" + visitorId + "?project_id=" + project);
    assertThat(visitor.json().getLong("session_count")).isEqualTo(2L);
    assertThat(visitor.json().getLong("event_count")).isEqualTo(4L);
    return List.of(second.getString("id"), first.getString("id"));
  }

  @Test
  @DisplayName("events 10 s apart share a session; one 5 minutes later (timeout 60 s) starts a new one, with entry/exit, referrer, duration and counts")
  void sessionsOfOneVisitor() {
    List<String> sessionIds = new java.util.ArrayList<>();
    for (JsonObject event : walk("walker")) {
      Api.Response response = api.post("/v1/events", event);
      assertThat(response.status()).as("%s", response).isEqualTo(201);
      sessionIds.add(response.json().getString("session_id"));
    }
    assertThat(sessionIds.get(1)).isEqualTo(sessionIds.get(0));
    assertThat(sessionIds.get(2)).isEqualTo(sessionIds.get(0));
    assertThat(sessionIds.get(3)).isNotEqualTo(sessionIds.get(0));

    List<String> ids = assertTwoSessions("walker");
    assertThat(ids).containsExactly(sessionIds.get(3), sessionIds.get(0));
    Api.Response events = api.get("/v1/events?project_id=" + project + "&session_id=" + sessionIds.get(0));
    assertThat(events.data()).hasSize(3);
  }

  @Test
  @DisplayName("the same walk sent as one batch, out of order, is cut into the same two sessions")
  void sessionsOfOneBatch() {
    List<JsonObject> walk = walk("batcher");
    JsonArray shuffled = new JsonArray().add(walk.get(3)).add(walk.get(1)).add(walk.get(0)).add(walk.get(2));
    Api.Response response = api.post("/v1/events/batch", new JsonObject().put("events", shuffled));
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().getInteger("accepted")).isEqualTo(4);

    assertTwoSessions("batcher");
  }

  @Test
  @DisplayName("GET /v1/sessions filters by visitor_id, start_date and end_date (instants and whole days); /v1/sessions/{id} answers one")
  void filtersAndGet() {
    for (JsonObject event : walk("filtered")) {
      assertThat(api.post("/v1/events", event).status()).isEqualTo(201);
    }
    assertThat(api.post("/v1/events", event("someone-else", "page_view", T0.plusSeconds(5), new JsonObject()))
        .status()).isEqualTo(201);
    List<String> ids = assertTwoSessions("filtered");
    String late = ids.get(0);
    String early = ids.get(1);

    assertThat(idsOf(sessions("&visitor_id=someone-else"))).hasSize(1).doesNotContain(late, early);
    assertThat(idsOf(sessions("&visitor_id=filtered&start_date=" + Times.format(T0.plusSeconds(60)))))
        .containsExactly(late);
    assertThat(idsOf(sessions("&visitor_id=filtered&end_date=" + Times.format(T0)))).containsExactly(early);
    assertThat(idsOf(sessions("&visitor_id=filtered&start_date=" + DAY + "&end_date=" + DAY)))
        .containsExactly(late, early);
    assertThat(idsOf(sessions("&visitor_id=filtered&end_date=" + DAY.minusDays(1)))).isEmpty();
    assertThat(idsOf(sessions("&visitor_id=filtered&start_date=" + DAY.plusDays(1)))).isEmpty();
    assertThat(idsOf(sessions("&visitor_id=filtered&start_date=&end_date=&limit=1"))).containsExactly(late);

    Api.Response invalidDate = api.get("/v1/sessions?project_id=" + project + "&start_date=yesterday");
    assertThat(invalidDate.status()).isEqualTo(400);
    assertThat(invalidDate.error().getString("param")).isEqualTo("start_date");

    Api.Response one = api.get("/v1/sessions/" + early + "?project_id=" + project);
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.json()).isEqualTo(sessions("&visitor_id=filtered").getJsonObject(1));
    Api.Response missing = api.get("/v1/sessions/ses_nope?project_id=" + project);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.error().getString("code")).isEqualTo("session_not_found");
    assertThat(api.get("/v1/sessions/" + early).status()).as("the default project does not hold it")
        .isEqualTo(404);
  }

  @Test
  @DisplayName("a client-given session_id is kept as is")
  void clientSessionId() {
    Api.Response response = api.post("/v1/events", event("client", "page_view", T0, new JsonObject())
        .put("session_id", "my-own-session"));
    assertThat(response.status()).isEqualTo(201);
    assertThat(response.json().getString("session_id")).isEqualTo("my-own-session");
    assertThat(api.get("/v1/sessions/my-own-session?project_id=" + project).json().getLong("event_count"))
        .isEqualTo(1L);
  }

  private static List<String> idsOf(JsonArray sessions) {
    return sessions.stream().map(s -> ((JsonObject) s).getString("id")).toList();
  }
}
