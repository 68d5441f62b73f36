package io.echotag.reports;

import io.echotag.testing.Api;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import static org.assertj.core.api.Assertions.assertThat;

/** Helpers of the report tests: events with explicit times, reports created and read. */
final class ReportFixtures {
  private ReportFixtures() {
  }

  /** An event for {@link #ingest}: {@code type} by {@code visitor} at {@code timestamp} (ISO-8601). */
  static JsonObject event(String type, String visitor, String timestamp, JsonObject data) {
    JsonObject event = new JsonObject().put("event_type", type).put("visitor_id", visitor).put("timestamp", timestamp);
    return data == null ? event : event.put("data", data);
  }

  /** Stores every event (committed before the answer) or fails the test. */
  static void ingest(Api api, JsonObject... events) {
    Api.Response response = api.post("/v1/events/batch", new JsonObject().put("events", new JsonArray(
        java.util.List.of((Object[]) events))));
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(response.json().getInteger("accepted")).as("%s", response).isEqualTo(events.length);
  }

  /** Creates a report and returns the answer, which must be 201. */
  static JsonObject create(Api api, JsonObject definition) {
    Api.Response response = api.post("/v1/reports", definition);
    assertThat(response.status()).as("%s", response).isEqualTo(201);
    return response.json();
  }

  static JsonArray rows(JsonObject report) {
    return report.getJsonObject("results").getJsonArray("rows");
  }

  static JsonArray columns(JsonObject report) {
    return report.getJsonObject("results").getJsonArray("columns");
  }

  static JsonArray row(Object... cells) {
    JsonArray row = new JsonArray();
    for (Object cell : cells) {
      row.add(cell);
    }
    return row;
  }

  static JsonArray strings(String... values) {
    return new JsonArray(java.util.List.of((Object[]) values));
  }
}
