package io.echotag.analytics;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.echotag.testing.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The realtime endpoints against a real gateway, read with a real Vert.x HttpClient. */
class RealtimeStreamTest {
  private static TestGateway gateway;
  private static Api api;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(new JsonObject().put("realtime", new JsonObject()
        .put("snapshot_interval_ms", 100)
        .put("keep_alive_ms", 300)
        .put("max_backlog_bytes", 65_536)));
    api = gateway.api();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close();
    gateway.close();
  }

  private static String newProject() {
    Api.Response created = api.post("/v1/projects", new JsonObject().put("name", "rt " + System.nanoTime()));
    assertThat(created.status()).isEqualTo(201);
    return created.json().getString("id");
  }

  private static String track(String projectId, String type, String visitor, JsonObject data) {
    Api.Response r = api.post("/v1/events", new JsonObject().put("project_id", projectId).put("event_type", type)
        .put("visitor_id", visitor).put("data", data));
    assertThat(r.status()).as(r.toString()).isIn(200, 201, 202);
    return r.json().getString("id");
  }

  private static SseClient stream(String query) {
    return SseClient.open(vertx, api.baseUrl() + "/v1/analytics/realtime/stream?" + query,
        Map.of("Authorization", "Bearer " + gateway.adminKey()), false);
  }

  private static double metric(String name) {
    Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(api.get("/metrics").body());
    return m.find() ? Double.parseDouble(m.group(2)) : Double.NaN;
  }

  @Test
  @DisplayName("the stream is text/event-stream and sends a snapshot with an id at once, then every interval, and keep-alive comments")
  void snapshotAtOnce() {
    String project = newProject();
    try (SseClient sse = stream("project_id=" + project)) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.contentType()).startsWith("text/event-stream");
      SseClient.Message first = sse.awaitMessage("a first message", m -> true);
      assertThat(first.event()).isEqualTo("snapshot");
      assertThat(first.id()).isNotBlank();
      JsonObject snapshot = first.json();
      assertThat(snapshot.getString("project_id")).isEqualTo(project);
      assertThat(snapshot.getLong("active_visitors")).isZero();
      assertThat(snapshot.getJsonArray("recent_events")).isEmpty();
      await("three snapshots", 5_000, () -> sse.events("snapshot").size() >= 3);
      sse.awaitMessage("a keep-alive comment", m -> "keep-alive".equals(m.comment()));
      assertThat(sse.messages()).allMatch(m -> m.comment() != null || m.id() != null);
    }
  }

  @Test
  @DisplayName("with include=events a tracked event arrives as an event message whose id is the event id; snapshots then count it")
  void liveEvent() {
    String project = newProject();
    try (SseClient sse = stream("project_id=" + project + "&include=events")) {
      sse.awaitMessage("the first snapshot", m -> "snapshot".equals(m.event()));
      String id = track(project, "page_view", "vis_live", new JsonObject().put("url", "https://example.com/a"));
      SseClient.Message event = sse.awaitMessage("the tracked event", m -> "event".equals(m.event()));
      assertThat(event.id()).isEqualTo(id);
      assertThat(event.json().getString("id")).isEqualTo(id);
      assertThat(event.json().getString("visitor_id")).isEqualTo("vis_live");
      SseClient.Message counted = sse.awaitMessage("a snapshot counting it",
          m -> "snapshot".equals(m.event()) && m.json().getLong("events_last_minute") == 1);
      assertThat(counted.json().getLong("active_visitors")).isEqualTo(1);
      assertThat(counted.id()).as("the snapshot's id is the stream position").isEqualTo(id);
    }
  }

  @Test
  @DisplayName("without include=events no event messages are sent; event_type narrows the events sent")
  void eventTypeFilter() {
    String project = newProject();
    try (SseClient purchases = stream("project_id=" + project + "&include=events&event_type=purchase");
         SseClient plain = stream("project_id=" + project)) {
      purchases.awaitMessage("the first snapshot", m -> "snapshot".equals(m.event()));
      plain.awaitMessage("the first snapshot", m -> "snapshot".equals(m.event()));
      track(project, "click", "v1", new JsonObject());
      String purchase = track(project, "purchase", "v1", new JsonObject().put("amount", 5));
      SseClient.Message event = purchases.awaitMessage("the purchase", m -> "event".equals(m.event()));
      assertThat(event.id()).isEqualTo(purchase);
      await("both events counted", 5_000, () -> plain.events("snapshot").stream()
          .anyMatch(m -> m.json().getLong("events_last_minute") == 2));
      assertThat(purchases.events("event")).extracting(SseClient.Message::id).containsExactly(purchase);
      assertThat(plain.events("event")).isEmpty();
    }
  }

  @Test
  @DisplayName("a client reconnecting with Last-Event-ID gets the events it missed, and only those")
  void replay() {
    String project = newProject();
    String third;
    try (SseClient sse = stream("project_id=" + project + "&include=events")) {
      sse.awaitMessage("the first snapshot", m -> "snapshot".equals(m.event()));
      track(project, "click", "v1", new JsonObject());
      track(project, "click", "v2", new JsonObject());
      third = track(project, "click", "v3", new JsonObject());
      await("three events", 5_000, () -> sse.events("event").size() == 3);
      assertThat(sse.events("event").get(2).id()).isEqualTo(third);
    }
    String fourth = track(project, "click", "v4", new JsonObject());
    String fifth = track(project, "signup", "v5", new JsonObject());
    try (SseClient again = SseClient.open(vertx, api.baseUrl() + "/v1/analytics/realtime/stream?project_id="
        + project + "&include=events", Map.of("Authorization", "Bearer " + gateway.adminKey(), "Last-Event-ID", third),
        false)) {
      await("the two missed events", 5_000, () -> again.events("event").size() >= 2);
      again.awaitMessage("a snapshot", m -> "snapshot".equals(m.event()));
      assertThat(again.events("event")).extracting(SseClient.Message::id).containsExactly(fourth, fifth);
      assertThat(again.messages().get(0).event()).as("replay comes before the first snapshot").isEqualTo("event");
    }
  }

  @Test
  @DisplayName("a stream token opens the stream without a header, for its project only; a bad token is 401 and the token is no API key")
  void accessToken() {
    String project = newProject();
    Api.Response issued = api.post("/v1/analytics/realtime/token", new JsonObject().put("project_id", project));
    assertThat(issued.status()).isEqualTo(201);
    String token = issued.json().getString("token");
    Instant expires = Instant.parse(issued.json().getString("expires_at"));
    assertThat(Duration.between(Instant.now(), expires)).isBetween(Duration.ofMinutes(59), Duration.ofMinutes(61));

    try (SseClient sse = SseClient.open(vertx, api.baseUrl() + "/v1/analytics/realtime/stream?access_token="
        + token, Map.of(), false)) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.awaitMessage("a snapshot", m -> "snapshot".equals(m.event())).json().getString("project_id"))
          .isEqualTo(project);
    }
    try (SseClient other = SseClient.open(vertx, api.baseUrl() + "/v1/analytics/realtime/stream?project_id="
        + gateway.projectId() + "&access_token=" + token, Map.of(), false)) {
      assertThat(other.status()).as("another project of the same organization").isEqualTo(404);
    }
    String forged = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");
    try (SseClient bad = SseClient.open(vertx, api.baseUrl() + "/v1/analytics/realtime/stream?access_token="
        + forged, Map.of(), false)) {
      assertThat(bad.status()).isEqualTo(401);
      assertThat(bad.errorBody().getJsonObject("error").getString("code")).isEqualTo("invalid_access_token");
    }
    try (SseClient none = SseClient.open(vertx, api.baseUrl() + "/v1/analytics/realtime/stream", Map.of(), false)) {
      assertThat(none.status()).isEqualTo(401);
    }
    assertThat(api.withKey(token).get("/v1/events?project_id=" + project).status()).isEqualTo(401);
    assertThat(api.get("/v1/analytics/realtime?project_id=" + project + "&access_token=" + token).status())
        .as("the admin key still works, the token is simply ignored elsewhere").isEqualTo(200);
    assertThat(api.withKey(null).get("/v1/analytics/realtime?access_token=" + token).status()).isEqualTo(401);
  }

  @Test
  @DisplayName("a client that never reads is disconnected past the backlog bound while another keeps receiving; the subscriber gauge returns to 0")
  void slowClient() {
    String project = newProject();
    double slowBefore = metric("echotag_sse_slow_closed_total");
    SseClient slow = SseClient.open(vertx, api.baseUrl() + "/v1/analytics/realtime/stream?project_id=" + project
        + "&include=events", Map.of("Authorization", "Bearer " + gateway.adminKey()), true);
    try (SseClient fast = stream("project_id=" + project + "&include=events")) {
      fast.awaitMessage("the first snapshot", m -> "snapshot".equals(m.event()));
      assertThat(metric("echotag_sse_subscribers")).isEqualTo(2);
      String padding = "x".repeat(1000);
      long deadline = System.currentTimeMillis() + 60_000;
      while (metric("echotag_sse_slow_closed_total") == slowBefore) {
        assertThat(System.currentTimeMillis()).as("the slow client was never disconnected").isLessThan(deadline);
        JsonArray batch = new JsonArray();
        for (int i = 0; i < 20; i++) {
          batch.add(new JsonObject().put("project_id", project).put("event_type", "page_view")
              .put("visitor_id", "v" + i).put("data", new JsonObject().put("url", "https://example.com/" + i)
                  .put("padding", padding)));
        }
        Api.Response r = api.post("/v1/events/batch", new JsonObject().put("events", batch));
        assertThat(r.status()).as(r.toString()).isIn(200, 201, 202, 207);
      }
      await("the gauge counts only the fast client", 5_000, () -> metric("echotag_sse_subscribers") == 1);
      assertThat(fast.ended()).isFalse();
      String marker = track(project, "marker", "vm", new JsonObject());
      fast.awaitMessage("the event after the slow one was dropped", m -> marker.equals(m.id()));
      assertThat(fast.ended()).isFalse();
    } finally {
      slow.close();
    }
    await("the gauge back to 0", 5_000, () -> metric("echotag_sse_subscribers") == 0);
    assertThat(metric("echotag_realtime_snapshot_fanout_seconds_count")).isPositive();
  }

  @Test
  @DisplayName("GET /v1/analytics/realtime answers the counts of tracked events, per project only")
  void currentValuesAndIsolation() {
    String project = newProject();
    String other = newProject();
    track(project, "page_view", "alice", new JsonObject().put("url", "https://example.com/home"));
    track(project, "page_view", "bob", new JsonObject().put("url", "https://example.com/home"));
    track(project, "page_view", "bob", new JsonObject().put("url", "https://example.com/pricing"));
    String last = track(project, "purchase", "alice", new JsonObject().put("amount", 3));
    track(other, "page_view", "mallory", new JsonObject().put("url", "https://evil.example/"));

    try (SseClient otherStream = stream("project_id=" + other + "&include=events")) {
      otherStream.awaitMessage("the first snapshot", m -> "snapshot".equals(m.event()));
      track(project, "click", "carol", new JsonObject());
      String otherId = track(other, "click", "mallory", new JsonObject());
      otherStream.awaitMessage("the other project's own event", m -> otherId.equals(m.id()));
      assertThat(otherStream.events("event")).extracting(SseClient.Message::id).containsExactly(otherId);
    }

    await("the five events counted", 10_000, () ->
        api.get("/v1/analytics/realtime?project_id=" + project).json().getLong("events_last_minute") == 5);
    JsonObject now = api.get("/v1/analytics/realtime?project_id=" + project).json();
    assertThat(now.getString("project_id")).isEqualTo(project);
    assertThat(now.getString("timestamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(now.getLong("active_visitors")).isEqualTo(3);
    assertThat(now.getDouble("events_per_second")).isBetween(0.1, 0.5);
    assertThat(now.getJsonArray("by_type").getJsonObject(0))
        .isEqualTo(new JsonObject().put("event_type", "page_view").put("count", 3));
    assertThat(now.getJsonArray("by_type")).hasSize(3);
    assertThat(now.getJsonArray("top_pages").getJsonObject(0))
        .isEqualTo(new JsonObject().put("url", "https://example.com/home").put("views", 2));
    JsonArray recent = now.getJsonArray("recent_events");
    assertThat(recent).hasSize(5);
    assertThat(recent.stream().map(e -> ((JsonObject) e).getString("project_id"))).containsOnly(project);
    assertThat(recent.stream().map(e -> ((JsonObject) e).getString("id"))).contains(last);

    await("the other project's two events", 10_000, () ->
        api.get("/v1/analytics/realtime?project_id=" + other).json().getLong("events_last_minute") == 2);
    assertThat(api.get("/v1/analytics/realtime?project_id=" + other).json().getLong("active_visitors")).isEqualTo(1);
    assertThat(api.get("/v1/analytics/realtime?project_id=proj_nope").status()).isEqualTo(404);
    assertThat(api.get("/v1/analytics/realtime/stream?project_id=" + project + "&include=bogus").status())
        .isEqualTo(400);
  }
}
