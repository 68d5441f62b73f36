package io.echotag.analytics;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;

import static io.echotag.analytics.AnalyticsFixtures.analytics;
import static io.echotag.analytics.AnalyticsFixtures.event;
import static io.echotag.analytics.AnalyticsFixtures.labels;
import static io.echotag.analytics.AnalyticsFixtures.pageView;
import static io.echotag.analytics.AnalyticsFixtures.send;
import static io.echotag.analytics.AnalyticsFixtures.values;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /v1/analytics} over a known dataset in a UTC project, 2026-03-01 to 2026-03-03:
 * <pre>
 *   v1  page_view /a 03-01 10:00, page_view /b 10:05, purchase {revenue 20.5} 10:10  (also seen 02-20: returning)
 *   v2  page_view /a 03-02 08:00:00, page_view /a 08:00:30
 *   v5  page_view /c 03-02 20:00                                                     (a bounce)
 *   v3  signup 03-03 12:00, purchase {value 10} 12:01, purchase {amount "5"} 12:02     (a string is no revenue)
 *   v4  page_view /a 02-28 23:59:59 and 03-04 00:00:00                                (outside the range)
 * </pre>
 */
@DisplayName("GET /v1/analytics: totals, breakdowns and timeseries of a known dataset")
class AnalyticsApiTest {
  static final String RANGE = "start_date=2026-03-01&end_date=2026-03-03";

  static TestGateway gateway;
  static Api api;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    api = gateway.api();
    send(api, List.of(
        pageView("v1", "2026-02-20T12:00:00.000Z", "https://shop.example/a"),
        pageView("v1", "2026-03-01T10:00:00.000Z", "https://shop.example/a"),
        pageView("v1", "2026-03-01T10:05:00.000Z", "https://shop.example/b"),
        event("purchase", "v1", "2026-03-01T10:10:00.000Z", new JsonObject().put("revenue", 20.5).put("value", 99)),
        pageView("v2", "2026-03-02T08:00:00.000Z", "https://shop.example/a"),
        pageView("v2", "2026-03-02T08:00:30.000Z", "https://shop.example/a"),
        pageView("v5", "2026-03-02T20:00:00.000Z", "https://shop.example/c"),
        event("signup", "v3", "2026-03-03T12:00:00.000Z", null),
        event("purchase", "v3", "2026-03-03T12:01:00.000Z", new JsonObject().put("value", 10)),
        event("purchase", "v3", "2026-03-03T12:02:00.000Z", new JsonObject().put("amount", "5")),
        pageView("v4", "2026-02-28T23:59:59.000Z", "https://shop.example/a"),
        pageView("v4", "2026-03-04T00:00:00.000Z", "https://shop.example/a")));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  @DisplayName("every block of a custom range: totals, new/returning, by_type, conversions, sessions, pages")
  void totals() {
    Api.Response response = analytics(api, RANGE);
    JsonObject a = response.json();
    assertThat(response.header(AnalyticsRoutes.SOURCE_HEADER)).isEqualTo("rollups");

    assertThat(a.getString("project_id")).isEqualTo(gateway.projectId());
    assertThat(a.getString("period")).isEqualTo("custom");
    assertThat(a.getString("start_date")).isEqualTo("2026-03-01T00:00:00.000Z");
    assertThat(a.getString("end_date")).isEqualTo("2026-03-03T23:59:59.999Z");
    assertThat(a.getString("timezone")).isEqualTo("UTC");

    assertThat(a.getJsonObject("visitors").getLong("total")).isEqualTo(4);
    assertThat(a.getJsonObject("visitors").getLong("new")).isEqualTo(3);
    assertThat(a.getJsonObject("visitors").getLong("returning")).isEqualTo(1);

    JsonObject events = a.getJsonObject("events");
    assertThat(events.getLong("total")).isEqualTo(9);
    assertThat(events.getJsonArray("by_type")).containsExactly(
        new JsonObject().put("event_type", "page_view").put("count", 5),
        new JsonObject().put("event_type", "purchase").put("count", 3),
        new JsonObject().put("event_type", "signup").put("count", 1));

    JsonObject conversions = a.getJsonObject("conversions");
    assertThat(conversions.getLong("total")).isEqualTo(3);
    assertThat(conversions.getDouble("rate")).isEqualTo(75.0);
    assertThat(conversions.getDouble("revenue")).isEqualTo(30.5);

    JsonObject sessions = a.getJsonObject("sessions");
    assertThat(sessions.getLong("total")).isEqualTo(4);
    assertThat(sessions.getLong("avg_duration_ms")).isEqualTo((600_000 + 30_000 + 120_000 + 0) / 4);
    assertThat(sessions.getDouble("bounce_rate")).isEqualTo(25.0);

    assertThat(a.getJsonArray("pages")).containsExactly(
        new JsonObject().put("url", "https://shop.example/a").put("views", 3).put("visitors", 2),
        new JsonObject().put("url", "https://shop.example/b").put("views", 1).put("visitors", 1),
        new JsonObject().put("url", "https://shop.example/c").put("views", 1).put("visitors", 1));
  }

  @Test
  @DisplayName("day timeseries: one point per local day labelled YYYY-MM-DD; hour timeseries: every hour, 0 where empty")
  void timeseries() {
    JsonObject days = analytics(api, RANGE).json();
    JsonArray events = days.getJsonObject("events").getJsonArray("timeseries");
    assertThat(labels(events)).containsExactly("2026-03-01", "2026-03-02", "2026-03-03");
    assertThat(values(events)).containsExactly(3L, 3L, 3L);
    assertThat(values(days.getJsonObject("visitors").getJsonArray("timeseries"))).containsExactly(1L, 2L, 1L);
    assertThat(values(days.getJsonObject("conversions").getJsonArray("timeseries"))).containsExactly(1L, 0L, 2L);

    JsonObject hours = analytics(api, RANGE + "&interval=hour").json();
    JsonArray hourly = hours.getJsonObject("events").getJsonArray("timeseries");
    assertThat(hourly).hasSize(72);
    assertThat(labels(hourly).get(0)).isEqualTo("2026-03-01T00:00:00.000Z");
    assertThat(labels(hourly).get(71)).isEqualTo("2026-03-03T23:00:00.000Z");
    List<Long> expected = new java.util.ArrayList<>(Collections.nCopies(72, 0L));
    expected.set(10, 3L);
    expected.set(24 + 8, 2L);
    expected.set(24 + 20, 1L);
    expected.set(48 + 12, 3L);
    assertThat(values(hourly)).isEqualTo(expected);
    assertThat(hours.getJsonObject("visitors").getLong("total")).isEqualTo(4);
  }

  @Test
  @DisplayName("the events answer exactly as the rollups: the same range shifted by 1 ms is read from the events")
  void rollupsAgreeWithEvents() {
    for (String interval : List.of("day", "hour")) {
      Api.Response rollups = analytics(api, RANGE + "&interval=" + interval);
      Api.Response events = analytics(api, "start_date=2026-03-01T00:00:00.001Z&end_date=2026-03-03&interval=" + interval);
      assertThat(rollups.header(AnalyticsRoutes.SOURCE_HEADER)).isEqualTo("rollups");
      assertThat(events.header(AnalyticsRoutes.SOURCE_HEADER)).isEqualTo("events");
      for (String block : List.of("visitors", "events", "conversions", "sessions", "pages")) {
        Object fromEvents = events.json().getValue(block);
        Object fromRollups = rollups.json().getValue(block);
        if (interval.equals("hour") && fromEvents instanceof JsonObject o && o.containsKey("timeseries")) {
          // The first hour bucket starts 1 ms later, so its label differs; the values must not.
          assertThat(values(o.getJsonArray("timeseries")))
              .isEqualTo(values(((JsonObject) fromRollups).getJsonArray("timeseries")));
          fromEvents = o.copy().put("timeseries", ((JsonObject) fromRollups).getJsonArray("timeseries"));
        }
        assertThat(fromEvents).as(block + " by " + interval).isEqualTo(fromRollups);
      }
    }
  }

  @Test
  @DisplayName("metrics selects the blocks answered; the range fields are always there")
  void metricsSelection() {
    JsonObject a = analytics(api, RANGE + "&metrics=events,pages").json();
    assertThat(a.fieldNames()).containsExactlyInAnyOrder("project_id", "period", "start_date", "end_date", "timezone",
        "interval", "events", "pages");
    JsonObject c = analytics(api, RANGE + "&metrics=conversions").json();
    assertThat(c.fieldNames()).contains("conversions").doesNotContain("visitors", "events", "sessions", "pages");
    assertThat(c.getJsonObject("conversions").getDouble("rate")).isEqualTo(75.0);
    assertThat(analytics(api, RANGE + "&metrics=").json().fieldNames())
        .contains("visitors", "events", "conversions", "sessions", "pages");
  }

  @Test
  @DisplayName("the default period is 30d: 30 whole days in the project's zone ending today, every day present")
  void defaultPeriod() {
    JsonObject a = analytics(api, "metrics=events").json();
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    assertThat(a.getString("period")).isEqualTo("30d");
    assertThat(a.getString("start_date")).isEqualTo(today.minusDays(29) + "T00:00:00.000Z");
    assertThat(a.getString("end_date")).isEqualTo(today + "T23:59:59.999Z");
    JsonArray series = a.getJsonObject("events").getJsonArray("timeseries");
    assertThat(series).hasSize(30);
    assertThat(labels(series).get(29)).isEqualTo(today.toString());
    assertThat(values(series)).containsOnly(0L);

    JsonObject day = analytics(api, "period=24h&interval=hour&metrics=events").json();
    assertThat(day.getString("period")).isEqualTo("24h");
    assertThat(day.getJsonObject("events").getJsonArray("timeseries")).hasSize(24);
    assertThat(analytics(api, "period=7d&metrics=events").json().getJsonObject("events").getJsonArray("timeseries"))
        .hasSize(7);
  }

  @Test
  @DisplayName("bad parameters are 400 naming the field: metrics, timezone, period, interval, start_date, end_date")
  void validation() {
    assertInvalid("metrics=events,bogus", "metrics");
    assertInvalid("timezone=Mars/Olympus_Mons", "timezone");
    assertInvalid("timezone=%2B02:00", "timezone");
    assertInvalid("period=1y", "period");
    assertInvalid("interval=week", "interval");
    assertInvalid("start_date=yesterday", "start_date");
    assertInvalid("period=custom", "start_date");
    assertInvalid("start_date=2026-03-05&end_date=2026-03-01", "end_date");
    assertInvalid("start_date=2000-01-01&end_date=2026-01-01&interval=hour", "interval");
    assertThat(api.get("/v1/analytics?project_id=proj_missing").status()).isEqualTo(404);
    assertThat(api.withKey(null).get("/v1/analytics").status()).isEqualTo(401);
  }

  private static void assertInvalid(String query, String field) {
    Api.Response response = api.get("/v1/analytics?" + query);
    assertThat(response.status()).as("%s -> %s", query, response).isEqualTo(400);
    assertThat(response.error().getString("type")).isEqualTo("invalid_request");
    assertThat(response.error().getString("param")).as(query).isEqualTo(field);
    assertThat(response.error().getString("message")).contains(field);
  }
}
