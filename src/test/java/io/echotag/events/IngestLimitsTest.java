package io.echotag.events;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.echotag.events.ErrorShape.assertError;
import static io.echotag.events.ErrorShape.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("ingest limits from configuration: http.body_limit and ingest.batch_max_events")
class IngestLimitsTest {
  static final int BODY_LIMIT = 4096;
  static final int BATCH_MAX = 3;
  static TestGateway gateway;
  static Api api;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(new JsonObject()
        .put("http", new JsonObject().put("body_limit", BODY_LIMIT))
        .put("ingest", new JsonObject().put("batch_max_events", BATCH_MAX)));
    api = gateway.api();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static String visitor() {
    return "vis_" + UUID.randomUUID();
  }

  static JsonObject event(String visitorId) {
    return new JsonObject().put("event_type", "page_view").put("visitor_id", visitorId);
  }

  /** An event whose serialized body is exactly {@code size} bytes. */
  static String bodyOfSize(String visitorId, int size) {
    String empty = event(visitorId).put("data", new JsonObject().put("pad", "")).encode();
    String body = event(visitorId).put("data", new JsonObject().put("pad", "p".repeat(size - empty.length()))).encode();
    assertThat(body).hasSize(size);
    return body;
  }

  long rows(String visitorId) {
    return gateway.count("SELECT count(*) FROM events WHERE visitor_id = $1", visitorId);
  }

  @Test
  @DisplayName("a body over http.body_limit is a 413 in the error shape and nothing is stored")
  void overBodyLimit() {
    String v = visitor();
    Api.Response response = api.post("/v1/events", bodyOfSize(v, BODY_LIMIT + 1));

    JsonObject error = assertError(response, 413, "invalid_request", "body_too_large");
    assertThat(error.getString("message")).isNotBlank();
    assertThat(rows(v)).isZero();
  }

  @Test
  @DisplayName("a body of exactly http.body_limit is accepted")
  void atBodyLimit() {
    String v = visitor();
    Api.Response response = api.post("/v1/events", bodyOfSize(v, BODY_LIMIT));

    assertThat(response.status()).as("%s", response).isEqualTo(201);
    assertThat(rows(v)).isEqualTo(1);
  }

  @Test
  @DisplayName("the batch endpoint has its own, larger limit (ingest.batch_body_limit), not http.body_limit")
  void batchHasItsOwnLimit() {
    String v = visitor();
    JsonObject big = event(v).put("data", new JsonObject().put("pad", "p".repeat(3 * BODY_LIMIT)));
    Api.Response response = api.post("/v1/events/batch", new JsonObject().put("events", new JsonArray().add(big)));

    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(response.json().getInteger("accepted")).isEqualTo(1);
    assertThat(rows(v)).isEqualTo(1);
  }

  @Test
  @DisplayName("a batch over ingest.batch_max_events is a 400 naming events, and none of it is stored")
  void overBatchMax() {
    String v = visitor();
    JsonArray events = new JsonArray();
    for (int i = 0; i <= BATCH_MAX; i++) {
      events.add(event(v));
    }

    Api.Response response = api.post("/v1/events/batch", new JsonObject().put("events", events));

    JsonObject error = assertInvalid(response, "events");
    assertThat(error.getString("message")).contains(String.valueOf(BATCH_MAX)).contains(String.valueOf(BATCH_MAX + 1));
    assertThat(rows(v)).isZero();
  }

  @Test
  @DisplayName("a batch of exactly ingest.batch_max_events is accepted whole")
  void atBatchMax() {
    String v = visitor();
    JsonArray events = new JsonArray();
    for (int i = 0; i < BATCH_MAX; i++) {
      events.add(event(v));
    }

    Api.Response response = api.post("/v1/events/batch", new JsonObject().put("events", events));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().getInteger("accepted")).isEqualTo(BATCH_MAX);
    assertThat(rows(v)).isEqualTo(BATCH_MAX);
  }
}
