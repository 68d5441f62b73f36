package io.echotag.reports;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
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

/** Day cohorts over 2025-04-01..04, checked by hand (UTC project). */
@DisplayName("retention reports: cohorts by first-seen day, share returning per later day")
class ReportRetentionTest {
  static TestGateway gateway;
  static Api api;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    api = gateway.api();
    ingest(api,
        // cohort 04-01: v1 returns on 04-02 and 04-04, v2 on 04-03 (a signup)
        event("page_view", "v1", "2025-04-01T10:00:00.000Z", null),
        event("page_view", "v1", "2025-04-02T10:00:00.000Z", null),
        event("page_view", "v1", "2025-04-04T23:00:00.000Z", null),
        event("page_view", "v2", "2025-04-01T23:59:00.000Z", null),
        event("signup", "v2", "2025-04-03T00:01:00.000Z", null),
        // cohort 04-02: v3 returns on 04-03
        event("page_view", "v3", "2025-04-02T08:00:00.000Z", null),
        event("page_view", "v3", "2025-04-03T08:00:00.000Z", null),
        // cohort 04-03: v4 never returns
        event("page_view", "v4", "2025-04-03T12:00:00.000Z", null),
        // first seen before the range: in no cohort, though active in it
        event("page_view", "v5", "2025-03-30T12:00:00.000Z", null),
        event("page_view", "v5", "2025-04-02T12:00:00.000Z", null));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  @DisplayName("the triangle: period_0 is 100, later periods the share of the cohort, null where not yet observable")
  void daily() {
    JsonObject report = create(api, new JsonObject().put("report_type", "retention").put("interval", "day")
        .put("date_range", new JsonObject().put("start", "2025-04-01").put("end", "2025-04-04")));
    assertThat(report.getString("interval")).isEqualTo("day");
    assertThat(columns(report)).isEqualTo(strings("cohort", "visitors", "period_0", "period_1", "period_2",
        "period_3"));
    assertThat(rows(report)).containsExactly(
        row("2025-04-01", 2, 100.0, 50.0, 50.0, 50.0),
        row("2025-04-02", 1, 100.0, 100.0, 0.0, null),
        row("2025-04-03", 1, 100.0, 0.0, null, null),
        row("2025-04-04", 0, null, null, null, null));
  }

  @Test
  @DisplayName("filters choose the returning events: only page views count, so v2's signup does not")
  void filtered() {
    JsonObject report = create(api, new JsonObject().put("report_type", "retention")
        .put("filters", new JsonObject().put("event.event_type", "page_view"))
        .put("date_range", new JsonObject().put("start", "2025-04-01").put("end", "2025-04-04")));
    assertThat(rows(report).getJsonArray(0)).isEqualTo(row("2025-04-01", 2, 100.0, 50.0, 0.0, 50.0));
  }

  @Test
  @DisplayName("weekly cohorts start on Monday: 2025-03-31 holds v1..v4")
  void weekly() {
    JsonObject report = create(api, new JsonObject().put("report_type", "retention").put("interval", "week")
        .put("date_range", new JsonObject().put("start", "2025-04-01").put("end", "2025-04-08")));
    assertThat(columns(report)).isEqualTo(strings("cohort", "visitors", "period_0", "period_1"));
    assertThat(rows(report)).containsExactly(row("2025-03-31", 4, 100.0, 0.0), row("2025-04-07", 0, null, null));
  }
}
