package io.echotag.analytics;

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
 * GET /v1/analytics on a known dataset around the end of summer time in Paris (2026-10-25, a
 * 25-hour day: 03:00 CEST becomes 02:00 CET). The events, in UTC and Paris time:
 * <pre>
 *   2026-10-24T21:30Z  23:30 CEST 24th  vis_a page_view /a
 *   2026-10-24T22:30Z  00:30 CEST 25th  vis_a page_view /a
 *   2026-10-25T00:30Z  02:30 CEST 25th  vis_b page_view /b
 *   2026-10-25T01:30Z  02:30 CET  25th  vis_b purchase  revenue 30
 *   2026-10-25T22:30Z  23:30 CET  25th  vis_c page_view /a
 *   2026-10-25T23:30Z  00:30 CET  26th  vis_c purchase  value 12.5
 * </pre>
 */
@DisplayName("GET /v1/analytics")
class AnalyticsApiTest {
  static final String PARIS_DAYS = "/v1/analytics?timezone=Europe/Paris&start_date=2026-10-24&end_date=2026-10-26";

  static TestGateway gateway;
  static Api api;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    api = gateway.api();
    track("vis_a", "page_view", "2026-10-24T21:30:00Z", new JsonObject().put("url", "https://shop.test/a"));
    track("vis_a", "page_view", "2026-10-24T22:30:00Z", new JsonObject().put("url", "https://shop.test/a"));
    track("vis_b", "page_view", "2026-10-25T00:30:00Z", new JsonObject().put("url", "https://shop.test/b"));
    track("vis_b", "purchase", "2026-10-25T01:30:00Z", new JsonObject().put("revenue", 30));
    track("vis_c", "page_view", "2026-10-25T22:30:00Z", new JsonObject().put("url", "https://shop.test/a"));
    track("vis_c", "purchase", "2026-10-25T23:30:00Z", new JsonObject().put("value", 12.5));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static void track(String visitor, String type, String timestamp, JsonObject data) {
    Api.Response response = api.post("/v1/events", new JsonObject().put("event_type", type)
        .put("visitor_id", visitor).put("timestamp", timestamp).put("data", data));
    assertThat(response.status()).as("track: %s", response).isEqualTo(201);
  }

  static JsonObject get(String path) {
    Api.Response response = api.get(path);
    assertThat(response.status()).as("GET %s: %s", path, response).isEqualTo(200);
    return response.json();
  }

  static List<Object> values(JsonArray series) {
    return series.stream().map(p -> (Object) ((JsonObject) p).getLong("value")).toList();
  }

  static List<Object> labels(JsonArray series) {
    return series.stream().map(p -> ((JsonObject) p).getValue("t")).toList();
  }

  @Test
  @DisplayName("day buckets start at Paris midnight: the 25-hour day of the change holds its four events")
  void dayBucketsAcrossDaylightSaving() {
    JsonObject answer = get(PARIS_DAYS);
    JsonObject events = answer.getJsonObject("events");
    assertThat(events.getLong("total")).isEqualTo(6);
    assertThat(labels(events.getJsonArray("timeseries"))).containsExactly("2026-10-24", "2026-10-25", "2026-10-26");
    assertThat(values(events.getJsonArray("timeseries"))).containsExactly(1L, 4L, 1L);
    assertThat(values(answer.getJsonObject("visitors").getJsonArray("timeseries"))).containsExactly(1L, 3L, 1L);
    assertThat(values(answer.getJsonObject("conversions").getJsonArray("timeseries"))).containsExactly(0L, 1L, 1L);
    assertThat(answer.getString("start_date")).isEqualTo("2026-10-23T22:00:00.000Z");
    assertThat(answer.getString("end_date")).isEqualTo("2026-10-26T23:00:00.000Z");
    assertThat(answer.getString("period")).isEqualTo("custom");
  }

  @Test
  @DisplayName("hour buckets keep the repeated 02:00 apart, labelled with their offsets")
  void hourBucketsAcrossDaylightSaving() {
    JsonObject answer = get("/v1/analytics?timezone=Europe/Paris&interval=hour&metrics=events"
        + "&start_date=2026-10-25T00:00:00Z&end_date=2026-10-25T01:59:59Z");
    JsonArray series = answer.getJsonObject("events").getJsonArray("timeseries");
    assertThat(labels(series)).containsExactly("2026-10-25T02:00+02:00", "2026-10-25T02:00+01:00");
    assertThat(values(series)).containsExactly(1L, 1L);
  }

  @Test
  @DisplayName("totals, by_type, conversions with rate and revenue, new visitors, sessions and top pages")
  void totalsAndBreakdowns() {
    JsonObject answer = get(PARIS_DAYS);
    assertThat(answer.getJsonObject("events").getJsonArray("by_type")).containsExactly(
        new JsonObject().put("event_type", "page_view").put("count", 4L),
        new JsonObject().put("event_type", "purchase").put("count", 2L));
    JsonObject visitors = answer.getJsonObject("visitors");
    assertThat(visitors.getLong("total")).isEqualTo(3);
    assertThat(visitors.getLong("new")).isEqualTo(3);
    assertThat(visitors.getLong("returning")).isZero();
    JsonObject conversions = answer.getJsonObject("conversions");
    assertThat(conversions.getLong("total")).isEqualTo(2);
    assertThat(conversions.getDouble("rate")).isEqualTo(66.67);
    assertThat(conversions.getDouble("revenue")).isEqualTo(42.5);
    JsonObject sessions = answer.getJsonObject("sessions");
    // Each visitor's two events are an hour apart, more than the 30-minute session timeout.
    assertThat(sessions.getLong("total")).isEqualTo(6);
    assertThat(sessions.getDouble("bounce_rate")).isEqualTo(100.0);
    assertThat(sessions.getLong("avg_duration_ms")).isZero();
    assertThat(answer.getJsonArray("pages")).containsExactly(
        new JsonObject().put("url", "https://shop.test/a").put("views", 3L).put("visitors", 2L),
        new JsonObject().put("url", "https://shop.test/b").put("views", 1L).put("visitors", 1L));
  }

  @Test
  @DisplayName("metrics selects the blocks; a range outside the data counts nothing and keeps empty buckets")
  void metricsSelectionAndEmptyRange() {
    JsonObject answer = get(PARIS_DAYS + "&metrics=events,pages");
    assertThat(answer.fieldNames()).contains("events", "pages").doesNotContain("visitors", "conversions", "sessions");
    JsonObject empty = get("/v1/analytics?start_date=2026-09-01&end_date=2026-09-03&metrics=events");
    assertThat(empty.getJsonObject("events").getLong("total")).isZero();
    assertThat(values(empty.getJsonObject("events").getJsonArray("timeseries"))).containsExactly(0L, 0L, 0L);
  }

  @Test
  @DisplayName("bad parameters are 400s naming the parameter")
  void validation() {
    assertInvalid("/v1/analytics?metrics=events,bogus", "metrics");
    assertInvalid("/v1/analytics?timezone=Mars/Olympus", "timezone");
    assertInvalid("/v1/analytics?interval=week", "interval");
    assertInvalid("/v1/analytics?period=1y", "period");
    assertInvalid("/v1/analytics?start_date=2026-10-05&end_date=2026-10-01", "end_date");
    assertInvalid("/v1/analytics?start_date=yesterday", "start_date");
  }

  static void assertInvalid(String path, String param) {
    Api.Response response = api.get(path);
    assertThat(response.status()).as("GET %s: %s", path, response).isEqualTo(400);
    assertThat(response.error().getString("param")).isEqualTo(param);
    assertThat(response.error().getString("message")).contains(param);
  }

  @Test
  @DisplayName("a project's analytics count only its events, and a key of another project cannot read them")
  void projectIsolation() {
    String projectB = api.post("/v1/projects", new JsonObject().put("name", "B")).json().getString("id");
    Api.Response key = api.post("/v1/auth/keys", new JsonObject().put("name", "B only")
        .put("project_ids", new JsonArray().add(projectB)).put("scopes", new JsonArray().add("ingest").add("read")));
    Api bOnly = api.withKey(key.json().getString("key"));
    assertThat(bOnly.post("/v1/events", new JsonObject().put("event_type", "signup").put("visitor_id", "vis_z")
        .put("timestamp", "2026-10-25T12:00:00Z")).status()).isEqualTo(201);

    JsonObject b = bOnly.get("/v1/analytics?start_date=2026-10-24&end_date=2026-10-26&metrics=events").json();
    assertThat(b.getString("project_id")).isEqualTo(projectB);
    assertThat(b.getJsonObject("events").getLong("total")).isEqualTo(1);
    assertThat(bOnly.get("/v1/analytics?project_id=" + gateway.projectId()).status()).isIn(403, 404);
  }
}
