package io.echotag.events;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("POST /v1/events")
class TrackEventTest {
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

  @Test
  @DisplayName("a valid event is stored and answered 201 with the stored event")
  void storesAndAnswers() {
    Api.Response response = api.post("/v1/events", new JsonObject()
        .put("event_type", "page_view").put("visitor_id", "vis_1")
        .put("data", new JsonObject().put("url", "https://example.com/").put("title", "Home")));

    assertThat(response.status()).isEqualTo(201);
    JsonObject event = response.json();
    assertThat(event.getString("id")).startsWith("evt_");
    assertThat(event.getString("project_id")).isEqualTo(gateway.projectId());
    assertThat(event.getString("session_id")).startsWith("ses_");
    assertThat(event.getString("timestamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(gateway.count("SELECT count(*) FROM events WHERE id = $1 AND project_id = $2", event.getString("id"),
        gateway.projectId())).isEqualTo(1);
    assertThat(TrackEventContractTest.withoutCauses(api.get("/v1/events/" + event.getString("id")).json()))
        .isEqualTo(event);
  }

  @Test
  @DisplayName("missing fields are named in one 400")
  void missingFields() {
    Api.Response response = api.post("/v1/events", new JsonObject().put("data", new JsonObject()));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.error().getString("message")).isEqualTo("Missing required fields: event_type, visitor_id");
    assertThat(response.error().getString("type")).isEqualTo("invalid_request");
    assertThat(response.error().getString("request_id")).isEqualTo(response.header("X-Request-Id"));
  }
}
