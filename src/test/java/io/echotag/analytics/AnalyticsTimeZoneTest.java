package io.echotag.analytics;

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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static io.echotag.analytics.AnalyticsFixtures.analytics;
import static io.echotag.analytics.AnalyticsFixtures.event;
import static io.echotag.analytics.AnalyticsFixtures.labels;
import static io.echotag.analytics.AnalyticsFixtures.send;
import static io.echotag.analytics.AnalyticsFixtures.values;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Buckets in the caller's time zone across daylight-saving changes. Europe/Paris leaves summer
 * time on 2026-10-25 (03:00 CEST becomes 02:00 CET): that local day lasts 25 hours, from
 * 2026-10-24T22:00Z to 2026-10-25T23:00Z. One event per UTC hour from 2026-10-24T20:00Z to
 * 2026-10-26T01:00Z (30 events) falls 2 / 25 / 3 on the local days 24, 25, 26.
 */
@DisplayName("GET /v1/analytics buckets in the requested zone, exact across daylight-saving changes")
class AnalyticsTimeZoneTest {
  static final Instant FIRST = Instant.parse("2026-10-24T20:00:00Z");
  static final int HOURS = 30;

  static TestGateway gateway;
  static Api api;
  static String parisProject;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    api = gateway.api();
    List<JsonObject> events = new ArrayList<>();
    for (int h = 0; h < HOURS; h++) {
      events.add(event(h % 2 == 0 ? "page_view" : "click", "v" + h, FIRST.plus(h, ChronoUnit.HOURS).toString(), null));
    }
    // Around Asia/Kolkata's midnight (+05:30): the last minute of 2026-03-10 and the first of 03-11, local.
    events.add(event("click", "k1", "2026-03-10T18:29:59.000Z", null));
    events.add(event("click", "k2", "2026-03-10T18:30:00.000Z", null));
    send(api, events);
    Api.Response paris = api.post("/v1/projects", new JsonObject().put("name", "Paris").put("timezone", "Europe/Paris"));
    assertThat(paris.status()).isEqualTo(201);
    parisProject = paris.json().getString("id");
    send(api, List.of(event("click", "p1", "2026-10-24T22:30:00.000Z", null).put("project_id", parisProject)));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  @DisplayName("day buckets start at local midnight: the 25-hour day 2026-10-25 holds 25 hourly events")
  void fallBackDays() {
    Api.Response response = analytics(api, "timezone=Europe/Paris&start_date=2026-10-24&end_date=2026-10-26");
    JsonObject a = response.json();
    assertThat(response.header(AnalyticsRoutes.SOURCE_HEADER)).isEqualTo("rollups");
    assertThat(a.getString("start_date")).isEqualTo("2026-10-23T22:00:00.000Z");
    assertThat(a.getString("end_date")).isEqualTo("2026-10-26T22:59:59.999Z");
    JsonArray series = a.getJsonObject("events").getJsonArray("timeseries");
    assertThat(labels(series)).containsExactly("2026-10-24", "2026-10-25", "2026-10-26");
    assertThat(values(series)).containsExactly(2L, 25L, 3L);
    assertThat(values(a.getJsonObject("visitors").getJsonArray("timeseries"))).containsExactly(2L, 25L, 3L);
    assertThat(a.getJsonObject("events").getLong("total")).isEqualTo(HOURS);
    assertThat(a.getJsonObject("events").getJsonArray("by_type")).containsExactly(
        new JsonObject().put("event_type", "click").put("count", 15),
        new JsonObject().put("event_type", "page_view").put("count", 15));

    JsonObject utc = analytics(api, "timezone=UTC&start_date=2026-10-24&end_date=2026-10-26").json();
    assertThat(values(utc.getJsonObject("events").getJsonArray("timeseries"))).containsExactly(4L, 24L, 2L);
  }

  @Test
  @DisplayName("hour buckets of the fall-back day: 25 real hours, 02:00 local twice, one event each")
  void fallBackHours() {
    JsonObject a = analytics(api, "timezone=Europe/Paris&start_date=2026-10-25&end_date=2026-10-25&interval=hour")
        .json();
    JsonArray series = a.getJsonObject("events").getJsonArray("timeseries");
    assertThat(series).hasSize(25);
    assertThat(labels(series).get(0)).isEqualTo("2026-10-24T22:00:00.000Z");
    assertThat(labels(series).get(24)).isEqualTo("2026-10-25T22:00:00.000Z");
    assertThat(values(series)).isEqualTo(Collections.nCopies(25, 1L));
  }

  @Test
  @DisplayName("the spring-forward day 2026-03-29 has 23 hour buckets, all present with 0")
  void springForwardHours() {
    JsonObject a = analytics(api, "timezone=Europe/Paris&start_date=2026-03-29&end_date=2026-03-29&interval=hour")
        .json();
    JsonArray series = a.getJsonObject("events").getJsonArray("timeseries");
    assertThat(series).hasSize(23);
    assertThat(labels(series).get(0)).isEqualTo("2026-03-28T23:00:00.000Z");
    assertThat(labels(series).get(22)).isEqualTo("2026-03-29T21:00:00.000Z");
    assertThat(values(series)).containsOnly(0L);
  }

  @Test
  @DisplayName("a zone with a half-hour offset (Asia/Kolkata) is answered from the events, at its own midnight")
  void halfHourZone() {
    Api.Response response = analytics(api, "timezone=Asia/Kolkata&start_date=2026-03-10&end_date=2026-03-11");
    assertThat(response.header(AnalyticsRoutes.SOURCE_HEADER)).isEqualTo("events");
    JsonObject a = response.json();
    assertThat(a.getString("start_date")).isEqualTo("2026-03-09T18:30:00.000Z");
    JsonArray series = a.getJsonObject("events").getJsonArray("timeseries");
    assertThat(labels(series)).containsExactly("2026-03-10", "2026-03-11");
    assertThat(values(series)).containsExactly(1L, 1L);
  }

  @Test
  @DisplayName("without timezone the project's zone is used: a Paris project's day starts at 22:00Z in summer")
  void projectZone() {
    JsonObject a = analytics(api, "project_id=" + parisProject + "&start_date=2026-10-25&end_date=2026-10-25").json();
    assertThat(a.getString("timezone")).isEqualTo("Europe/Paris");
    assertThat(a.getString("start_date")).isEqualTo("2026-10-24T22:00:00.000Z");
    assertThat(a.getJsonObject("events").getLong("total")).isEqualTo(1);
  }
}
