package io.echotag.analytics;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.echotag.analytics.AnalyticsFixtures.analytics;
import static io.echotag.analytics.AnalyticsFixtures.labels;
import static io.echotag.analytics.AnalyticsFixtures.values;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET /v1/analytics on events tracked one by one ({@code POST /v1/events}, the single-event
 * ingest path) around the end of summer time in Paris (2026-10-25, a 25-hour day: 03:00 CEST
 * becomes 02:00 CET). The events, in UTC and Paris time:
 * <pre>
 *   2026-10-24T21:30Z  23:30 CEST 24th  vis_a page_view /a
 *   2026-10-24T22:30Z  00:30 CEST 25th  vis_a page_view /a
 *   2026-10-25T00:30Z  02:30 CEST 25th  vis_b page_view /b
 *   2026-10-25T01:30Z  02:30 CET  25th  vis_b purchase  revenue 30
 *   2026-10-25T22:30Z  23:30 CET  25th  vis_c page_view /a
 *   2026-10-25T23:30Z  00:30 CET  26th  vis_c purchase  value 12.5
 * </pre>
 */
@DisplayName("GET /v1/analytics over single-event ingest around the Paris fall-back day")
class AnalyticsFallBackTest {
  static final String PARIS_DAYS = "timezone=Europe/Paris&start_date=2026-10-24&end_date=2026-10-26";

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

  @Test
  @DisplayName("day buckets start at Paris midnight: the 25-hour day of the change holds its four events")
  void dayBucketsAcrossDaylightSaving() {
    Api.Response response = analytics(api, PARIS_DAYS);
    assertThat(response.header(AnalyticsRoutes.SOURCE_HEADER)).isEqualTo("rollups");
    JsonObject answer = response.json();
    JsonObject events = answer.getJsonObject("events");
    assertThat(events.getLong("total")).isEqualTo(6);
    assertThat(labels(events.getJsonArray("timeseries"))).containsExactly("2026-10-24", "2026-10-25", "2026-10-26");
    assertThat(values(events.getJsonArray("timeseries"))).containsExactly(1L, 4L, 1L);
    assertThat(values(answer.getJsonObject("visitors").getJsonArray("timeseries"))).containsExactly(1L, 3L, 1L);
    assertThat(values(answer.getJsonObject("conversions").getJsonArray("timeseries"))).containsExactly(0L, 1L, 1L);
    assertThat(answer.getString("start_date")).isEqualTo("2026-10-23T22:00:00.000Z");
    // end_date is inclusive (API.md): the answer names the range's last millisecond.
    assertThat(answer.getString("end_date")).isEqualTo("2026-10-26T22:59:59.999Z");
    assertThat(answer.getString("period")).isEqualTo("custom");
  }

  @Test
  @DisplayName("hour buckets keep the repeated 02:00 apart (UTC labels 00:00Z and 01:00Z), from rollups and events alike")
  void hourBucketsAcrossDaylightSaving() {
    // An end inside an hour is read from the events; one on the hour from the rollups.
    for (String end : new String[] {"2026-10-25T01:59:59Z", "2026-10-25T01:59:59.999Z"}) {
      Api.Response response = analytics(api, "timezone=Europe/Paris&interval=hour&metrics=events"
          + "&start_date=2026-10-25T00:00:00Z&end_date=" + end);
      JsonArray series = response.json().getJsonObject("events").getJsonArray("timeseries");
      assertThat(labels(series)).as(end).containsExactly("2026-10-25T00:00:00.000Z", "2026-10-25T01:00:00.000Z");
      assertThat(values(series)).as(end).containsExactly(1L, 1L);
    }
  }

  @Test
  @DisplayName("totals, by_type, conversions with rate and revenue, new visitors, sessions and top pages")
  void totalsAndBreakdowns() {
    JsonObject answer = analytics(api, PARIS_DAYS).json();
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
    JsonObject answer = analytics(api, PARIS_DAYS + "&metrics=events,pages").json();
    assertThat(answer.fieldNames()).contains("events", "pages").doesNotContain("visitors", "conversions", "sessions");
    JsonObject empty = analytics(api, "start_date=2026-09-01&end_date=2026-09-03&metrics=events").json();
    assertThat(empty.getJsonObject("events").getLong("total")).isZero();
    assertThat(values(empty.getJsonObject("events").getJsonArray("timeseries"))).containsExactly(0L, 0L, 0L);
  }
}
