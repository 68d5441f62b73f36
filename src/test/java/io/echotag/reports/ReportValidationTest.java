package io.echotag.reports;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.echotag.reports.ReportFixtures.strings;
import static org.assertj.core.api.Assertions.assertThat;

/** Invalid definitions are refused naming the field, and nothing is saved. */
@DisplayName("invalid report definitions get 400/422 naming the field")
class ReportValidationTest {
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

  static void refused(JsonObject body, int status, String param) {
    Api.Response response = api.post("/v1/reports", body);
    assertThat(response.status()).as("%s", response).isEqualTo(status);
    assertThat(response.error().getString("param")).as("%s", response).isEqualTo(param);
    assertThat(response.error().getString("message")).contains(param);
  }

  static JsonObject events() {
    return new JsonObject().put("report_type", "events");
  }

  static JsonObject funnel(JsonArray steps) {
    return new JsonObject().put("report_type", "funnel").put("steps", steps);
  }

  @Test
  @DisplayName("report_type is required and must be events, funnel or retention")
  void reportType() {
    refused(new JsonObject(), 400, "report_type");
    refused(new JsonObject().put("report_type", "pie"), 422, "report_type");
  }

  @Test
  @DisplayName("group_by and metrics entries are named by index")
  void groupByAndMetrics() {
    refused(events().put("group_by", strings("event_type", "colour")), 422, "group_by[1]");
    refused(events().put("group_by", strings("data.")), 422, "group_by[0]");
    refused(events().put("group_by", new JsonArray().add(3)), 422, "group_by[0]");
    refused(events().put("group_by", "event_type"), 422, "group_by");
    refused(events().put("metrics", strings("median")), 422, "metrics[0]");
    refused(events().put("metrics", strings("count", "sum")), 422, "metrics[1]");
    refused(events().put("metrics", strings("count:x")), 422, "metrics[0]");
  }

  @Test
  @DisplayName("filters use the trigger condition language, errors name the path; waits are refused")
  void filters() {
    refused(events().put("filters", new JsonObject().put("url", new JsonObject().put("containz", "x"))), 422,
        "filters.url");
    refused(events().put("filters", new JsonObject().put("any", new JsonArray().add(new JsonObject()
        .put("url", new JsonObject().put("matches", 3))))), 422, "filters.any.0.url");
    refused(events().put("filters", new JsonObject().put("time_since_event",
        new JsonObject().put("greater_than", 10))), 422, "filters.time_since_event");
    refused(events().put("filters", "url"), 400, "filters");
  }

  @Test
  @DisplayName("funnel steps are event types or condition objects; window_ms is a positive whole number")
  void steps() {
    refused(funnel(new JsonArray().add("a").add("b").add("not a type")), 422, "steps[2]");
    refused(funnel(new JsonArray().add("a").add(new JsonObject().put("url", new JsonObject().put("nope", 1)))), 422,
        "steps[1].url");
    refused(funnel(new JsonArray().add("a")), 422, "steps");
    refused(new JsonObject().put("report_type", "funnel"), 422, "steps");
    refused(funnel(strings("a", "b")).put("window_ms", 0), 400, "window_ms");
  }

  @Test
  @DisplayName("date_range is a period or {start, end}; retention interval is day or week")
  void dateRangeAndInterval() {
    refused(events().put("date_range", "7x"), 422, "date_range");
    refused(events().put("date_range", "0d"), 422, "date_range");
    refused(events().put("date_range", new JsonObject().put("start", "2025-01-01")), 422, "date_range.end");
    refused(events().put("date_range", new JsonObject().put("start", "2025-13-01").put("end", "2025-01-02")), 400,
        "date_range.start");
    refused(events().put("date_range", new JsonObject().put("start", "2025-02-01").put("end", "2025-01-02")), 422,
        "date_range.end");
    refused(new JsonObject().put("report_type", "retention").put("interval", "month"), 422, "interval");
    refused(new JsonObject().put("report_type", "retention").put("interval", "day").put("date_range", "3000d"), 422,
        "date_range");
    assertThat(gateway.count("SELECT count(*) FROM reports")).isZero();
  }
}
