package io.echotag.reports;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.echotag.reports.ReportFixtures.create;
import static io.echotag.reports.ReportFixtures.event;
import static io.echotag.reports.ReportFixtures.ingest;
import static io.echotag.reports.ReportFixtures.row;
import static io.echotag.reports.ReportFixtures.rows;
import static io.echotag.reports.ReportFixtures.strings;
import static org.assertj.core.api.Assertions.assertThat;

/** reports.max_rows 2, max_groups 3, max_events 6 over six events of four visitors. */
@DisplayName("report limits: rows are truncated after sorting; too many groups or events is a 422, not a long request")
class ReportLimitsTest {
  static final JsonObject AUGUST = new JsonObject().put("start", "2025-08-01").put("end", "2025-08-31");
  static TestGateway gateway;
  static Api api;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(new JsonObject().put("reports", new JsonObject().put("max_rows", 2)
        .put("max_groups", 3).put("max_events", 6)));
    api = gateway.api();
    ingest(api, event("a", "v1", "2025-08-02T10:00:00.000Z", null), event("a", "v1", "2025-08-02T11:00:00.000Z", null),
        event("a", "v2", "2025-08-02T12:00:00.000Z", null), event("b", "v3", "2025-08-02T13:00:00.000Z", null),
        event("c", "v3", "2025-08-02T14:00:00.000Z", null), event("c", "v4", "2025-08-02T15:00:00.000Z", null));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static JsonObject events(String groupBy) {
    return new JsonObject().put("report_type", "events").put("date_range", AUGUST).put("group_by", strings(groupBy))
        .put("metrics", strings("count"));
  }

  @Test
  @DisplayName("three groups, two rows answered: the two largest, and truncated is true")
  void truncated() {
    JsonObject report = create(api, events("event_type"));
    assertThat(rows(report)).containsExactly(row("a", 3), row("c", 2));
    assertThat(report.getJsonObject("results").getBoolean("truncated")).isTrue();
  }

  @Test
  @DisplayName("four visitor groups exceed max_groups 3: 422 naming group_by, nothing saved")
  void tooManyGroups() {
    long before = gateway.count("SELECT count(*) FROM reports");
    Api.Response response = api.post("/v1/reports", events("visitor_id"));
    assertThat(response.status()).as("%s", response).isEqualTo(422);
    assertThat(response.error().getString("param")).isEqualTo("group_by");
    assertThat(gateway.count("SELECT count(*) FROM reports")).isEqualTo(before);
    String metrics = api.withKey(null).get("/metrics").body();
    assertThat(metrics).containsPattern("echotag_report_run_seconds_count\\{outcome=\"failed\",report_type=\"events\"} [1-9]");
  }

  @Test
  @DisplayName("a seventh event makes a run read more than max_events 6: 422 naming date_range")
  void tooManyEvents() {
    JsonObject september = new JsonObject().put("start", "2025-09-01").put("end", "2025-09-30");
    ingest(api, event("a", "v1", "2025-09-02T10:00:00.000Z", null));
    JsonObject wide = events("event_type").put("date_range", new JsonObject().put("start", "2025-08-01")
        .put("end", "2025-09-30"));
    Api.Response response = api.post("/v1/reports", wide);
    assertThat(response.status()).as("%s", response).isEqualTo(422);
    assertThat(response.error().getString("param")).isEqualTo("date_range");
    assertThat(rows(create(api, events("event_type").put("date_range", september)))).containsExactly(row("a", 1));
  }
}
