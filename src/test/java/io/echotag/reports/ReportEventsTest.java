package io.echotag.reports;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.echotag.reports.ReportFixtures.columns;
import static io.echotag.reports.ReportFixtures.create;
import static io.echotag.reports.ReportFixtures.event;
import static io.echotag.reports.ReportFixtures.ingest;
import static io.echotag.reports.ReportFixtures.row;
import static io.echotag.reports.ReportFixtures.rows;
import static io.echotag.reports.ReportFixtures.strings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events reports over hand-checked data in March 2025 (UTC project): three visitors, four page
 * views, three purchases of which one carries a non-numeric revenue.
 */
@DisplayName("events reports group, count and sum as checked by hand")
class ReportEventsTest {
  static final JsonObject MARCH = new JsonObject().put("start", "2025-03-01").put("end", "2025-03-31");
  static TestGateway gateway;
  static Api api;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    api = gateway.api();
    ingest(api,
        event("page_view", "v1", "2025-03-03T10:00:00.000Z", new JsonObject().put("url", "/a")),
        event("page_view", "v1", "2025-03-03T10:05:00.000Z", new JsonObject().put("url", "/b")),
        event("purchase", "v1", "2025-03-03T10:10:00.000Z", new JsonObject().put("revenue", 10)),
        event("page_view", "v2", "2025-03-04T09:00:00.000Z", new JsonObject().put("url", "/a")),
        event("purchase", "v2", "2025-03-04T09:30:00.000Z", new JsonObject().put("revenue", 5.5)),
        event("purchase", "v2", "2025-03-04T23:59:59.000Z", new JsonObject().put("revenue", "n/a")),
        event("page_view", "v3", "2025-03-05T12:00:00.000Z", new JsonObject().put("url", "/a")),
        // outside the range: never counted
        event("page_view", "v3", "2025-04-01T00:00:00.000Z", new JsonObject().put("url", "/a")));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static JsonObject report(JsonArray groupBy, JsonArray metrics, JsonObject filters) {
    JsonObject body = new JsonObject().put("report_type", "events").put("name", "test").put("date_range", MARCH)
        .put("group_by", groupBy).put("metrics", metrics);
    return create(api, filters == null ? body : body.put("filters", filters));
  }

  @Test
  @DisplayName("by event_type: count, unique_visitors and sum:revenue (non-numeric revenue ignored), sorted by count")
  void byEventType() {
    JsonObject report = report(strings("event_type"), strings("count", "unique_visitors", "sum:revenue"), null);
    assertThat(report.getString("id")).startsWith("rep_");
    assertThat(report.getString("report_type")).isEqualTo("events");
    assertThat(report.getString("generated_at")).isNotBlank();
    assertThat(columns(report)).isEqualTo(strings("event_type", "count", "unique_visitors", "sum:revenue"));
    assertThat(rows(report)).containsExactly(row("page_view", 4, 3, 0), row("purchase", 3, 2, 15.5));
  }

  @Test
  @DisplayName("by data.url: the missing url is its own (null) group; ties sort by the group value, null last")
  void byDataField() {
    JsonObject report = report(strings("data.url"), strings("count", "unique_visitors"), null);
    assertThat(columns(report)).isEqualTo(strings("data.url", "count", "unique_visitors"));
    assertThat(rows(report)).containsExactly(row("/a", 3, 3), row(null, 3, 2), row("/b", 1, 1));
  }

  @Test
  @DisplayName("filters (condition language) narrow the events; avg, min and max read only numbers")
  void filtered() {
    JsonObject report = report(new JsonArray(), strings("count", "avg:revenue", "min:revenue", "max:revenue"),
        new JsonObject().put("event.event_type", "purchase"));
    assertThat(rows(report)).containsExactly(row(3, 7.75, 5.5, 10));
    // the same type filter, read through the event_type index: "in" and "equals" forms, and one that matches nothing
    JsonObject in = report(strings("event_type"), strings("count"), new JsonObject().put("event.event_type",
        new JsonObject().put("in", strings("purchase", "refund"))));
    assertThat(rows(in)).containsExactly(row("purchase", 3));
    JsonObject narrowed = report(new JsonArray(), strings("count"), new JsonObject()
        .put("event.event_type", new JsonObject().put("equals", "page_view")).put("url", "/a"));
    assertThat(rows(narrowed)).containsExactly(row(3));
    JsonObject none = report(new JsonArray(), strings("count"), new JsonObject().put("event.event_type",
        new JsonObject().put("in", new JsonArray())));
    assertThat(rows(none)).containsExactly(row(0));

    JsonObject pages = report(strings("visitor_id"), strings("count"),
        new JsonObject().put("url", new JsonObject().put("in", strings("/a", "/b"))));
    assertThat(rows(pages)).containsExactly(row("v1", 2), row("v2", 1), row("v3", 1));
  }

  @Test
  @DisplayName("by day and event_type, in the project's time zone")
  void byDay() {
    JsonObject report = report(strings("day", "event_type"), strings("count"), null);
    assertThat(rows(report)).containsExactly(row("2025-03-03", "page_view", 2), row("2025-03-04", "purchase", 2),
        row("2025-03-03", "purchase", 1), row("2025-03-04", "page_view", 1), row("2025-03-05", "page_view", 1));

    String paris = api.post("/v1/projects", new JsonObject().put("name", "Paris").put("timezone", "Europe/Paris"))
        .json().getString("id");
    Api.Response tracked = api.post("/v1/events", new JsonObject().put("project_id", paris)
        .put("event_type", "late").put("visitor_id", "p1").put("timestamp", "2025-03-04T23:30:00.000Z"));
    assertThat(tracked.status()).isEqualTo(201);
    JsonObject inParis = create(api, new JsonObject().put("project_id", paris).put("report_type", "events")
        .put("date_range", MARCH).put("group_by", strings("day", "hour", "month")).put("metrics", strings("count")));
    assertThat(rows(inParis)).containsExactly(row("2025-03-05", "2025-03-05T00:00+01:00", "2025-03", 1));
  }
}
