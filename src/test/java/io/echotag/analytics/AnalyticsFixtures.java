package io.echotag.analytics;

import io.echotag.testing.Api;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Events with explicit timestamps, sent through the batch API, and short ways to read answers. */
final class AnalyticsFixtures {
  private AnalyticsFixtures() {
  }

  static JsonObject event(String type, String visitor, String timestamp, JsonObject data) {
    return new JsonObject().put("event_type", type).put("visitor_id", visitor).put("timestamp", timestamp)
        .put("data", data == null ? new JsonObject() : data);
  }

  static JsonObject pageView(String visitor, String timestamp, String url) {
    return event("page_view", visitor, timestamp, new JsonObject().put("url", url));
  }

  /** Sends {@code events} as one batch and asserts every one was accepted. */
  static void send(Api api, List<JsonObject> events) {
    Api.Response response = api.post("/v1/events/batch", new JsonObject().put("events", new JsonArray(events)));
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(response.json().getInteger("accepted")).as("%s", response).isEqualTo(events.size());
  }

  /** {@code GET /v1/analytics?query}, asserted 200. */
  static Api.Response analytics(Api api, String query) {
    Api.Response response = api.get("/v1/analytics?" + query);
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    return response;
  }

  /** The values of a timeseries, in order. */
  static List<Long> values(JsonArray series) {
    return series.stream().map(p -> ((JsonObject) p).getLong("value")).toList();
  }

  /** The labels of a timeseries, in order. */
  static List<String> labels(JsonArray series) {
    return series.stream().map(p -> ((JsonObject) p).getString("t")).toList();
  }
}
