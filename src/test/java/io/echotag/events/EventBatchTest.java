package io.echotag.events;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.echotag.events.ErrorShape.assertError;
import static io.echotag.events.ErrorShape.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("POST /v1/events/batch: each event judged on its own, the accepted ones committed before the answer")
class EventBatchTest {
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

  static String visitor() {
    return "vis_" + UUID.randomUUID();
  }

  static JsonObject event(String visitorId) {
    return new JsonObject().put("event_type", "page_view").put("visitor_id", visitorId);
  }

  long rows(String visitorId) {
    return gateway.count("SELECT count(*) FROM events WHERE visitor_id = $1", visitorId);
  }

  static JsonObject errorAt(JsonObject answer, int index) {
    for (Object e : answer.getJsonArray("errors")) {
      JsonObject entry = (JsonObject) e;
      if (entry.getInteger("index") == index) {
        return entry.getJsonObject("error");
      }
    }
    throw new AssertionError("no error for index " + index + " in " + answer.encode());
  }

  @Test
  @DisplayName("a mix of valid and invalid events: 200, the valid ones stored with their ids, one error per invalid index")
  void mixed() {
    String v = visitor();
    JsonArray events = new JsonArray()
        .add(event(v).put("data", new JsonObject().put("n", 0)))          // 0 valid
        .add(new JsonObject().put("event_type", "page_view"))             // 1 no visitor_id
        .add(event(v).put("event_type", "bad type!"))                     // 2 bad event_type
        .add(event(v).put("data", new JsonObject().put("n", 3)))          // 3 valid
        .add("not an object")                                              // 4 not an object
        .add(event(v).put("data", new JsonArray()))                        // 5 data not an object
        .add(event(v).put("timestamp", "later"))                           // 6 bad timestamp
        .add(event(v).put("data", new JsonObject().put("n", 7)));         // 7 valid

    Api.Response response = api.post("/v1/events/batch", new JsonObject().put("events", events));

    assertThat(response.status()).as("%s", response).isEqualTo(200);
    JsonObject answer = response.json();
    assertThat(answer.fieldNames()).containsExactlyInAnyOrder("accepted", "ids", "errors");
    assertThat(answer.getInteger("accepted")).isEqualTo(3);
    JsonArray ids = answer.getJsonArray("ids");
    assertThat(ids).hasSize(3);
    assertThat(answer.getJsonArray("errors")).extracting(e -> ((JsonObject) e).getInteger("index"))
        .containsExactly(1, 2, 4, 5, 6);
    assertThat(errorAt(answer, 1).getString("param")).isEqualTo("visitor_id");
    assertThat(errorAt(answer, 2).getString("param")).isEqualTo("event_type");
    assertThat(errorAt(answer, 4).getString("param")).isEqualTo("events.4");
    assertThat(errorAt(answer, 5).getString("param")).isEqualTo("data");
    assertThat(errorAt(answer, 6).getString("param")).isEqualTo("timestamp");
    for (int index : List.of(1, 2, 4, 5, 6)) {
      JsonObject error = errorAt(answer, index);
      assertThat(error.getString("type")).isEqualTo("invalid_request");
      assertThat(error.getString("message")).contains(error.getString("param"));
    }

    // committed before the answer: no polling needed
    assertThat(rows(v)).isEqualTo(3);
    for (int i = 0; i < 3; i++) {
      String id = ids.getString(i);
      assertThat(id).startsWith("evt_");
      assertThat(gateway.count("SELECT count(*) FROM events WHERE id = $1 AND visitor_id = $2", id, v)).isEqualTo(1);
    }
    // the ids are in input order: events 0, 3 and 7
    assertThat(ids.stream().map(id -> api.get("/v1/events/" + id).json().getJsonObject("data").getInteger("n")))
        .containsExactly(0, 3, 7);
  }

  @Test
  @DisplayName("a batch of only invalid events is 200 with accepted 0 and stores nothing")
  void allInvalid() {
    String v = visitor();
    Api.Response response = api.post("/v1/events/batch", new JsonObject().put("events", new JsonArray()
        .add(new JsonObject().put("visitor_id", v)).add(event(v).put("event_type", ""))));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().getInteger("accepted")).isZero();
    assertThat(response.json().getJsonArray("ids")).isEmpty();
    assertThat(response.json().getJsonArray("errors")).hasSize(2);
    assertThat(rows(v)).isZero();
  }

  @Test
  @DisplayName("an empty events array is accepted as nothing")
  void empty() {
    Api.Response response = api.post("/v1/events/batch", new JsonObject().put("events", new JsonArray()));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json()).isEqualTo(new JsonObject().put("accepted", 0).put("ids", new JsonArray())
        .put("errors", new JsonArray()));
  }

  @Test
  @DisplayName("a missing or non-array events field is a 400 naming events")
  void eventsField() {
    assertInvalid(api.post("/v1/events/batch", new JsonObject()), "events");
    assertInvalid(api.post("/v1/events/batch", new JsonObject().put("events", new JsonObject())), "events");
  }

  @Test
  @DisplayName("a duplicate id inside one batch stores one row; both positions answer with the same event")
  void duplicateIdsInBatch() {
    String v = visitor();
    String key = "dup-" + UUID.randomUUID();
    Api.Response response = api.post("/v1/events/batch", new JsonObject().put("events", new JsonArray()
        .add(event(v).put("id", key).put("data", new JsonObject().put("n", 1)))
        .add(event(v).put("data", new JsonObject().put("n", 2)))
        .add(event(v).put("id", key).put("data", new JsonObject().put("n", 3)))));

    assertThat(response.status()).isEqualTo(200);
    JsonObject answer = response.json();
    JsonArray ids = answer.getJsonArray("ids");
    assertThat(answer.getJsonArray("errors")).isEmpty();
    assertThat(ids).hasSize(3);
    assertThat(answer.getInteger("accepted")).isEqualTo(ids.size());
    assertThat(ids.getString(2)).isEqualTo(ids.getString(0));
    assertThat(ids.getString(1)).isNotEqualTo(ids.getString(0));
    assertThat(rows(v)).isEqualTo(2);
    assertThat(api.get("/v1/events/" + ids.getString(0)).json().getJsonObject("data").getInteger("n"))
        .as("the first occurrence wins").isEqualTo(1);

    // and a later batch repeating the key gets the same event back without a new row
    Api.Response again = api.post("/v1/events/batch", new JsonObject().put("events", new JsonArray()
        .add(event(v).put("id", key))));
    assertThat(again.json().getJsonArray("ids").getString(0)).isEqualTo(ids.getString(0));
    assertThat(rows(v)).isEqualTo(2);
  }

  @Test
  @DisplayName("the batch's project_id and sent_at apply to every event that does not carry its own")
  void batchDefaults() {
    String other = api.post("/v1/projects", new JsonObject().put("name", "batch-" + UUID.randomUUID())).json()
        .getString("id");
    String v = visitor();
    Api.Response response = api.post("/v1/events/batch", new JsonObject()
        .put("project_id", other)
        .put("sent_at", "2021-06-01T12:10:00.000Z")
        .put("events", new JsonArray()
            .add(event(v).put("timestamp", "2021-06-01T12:00:00.000Z"))
            .add(event(v).put("timestamp", "2021-06-01T12:09:00.000Z").put("sent_at", "2021-06-01T12:09:30.000Z"))
            .add(event(v).put("project_id", gateway.projectId()))));

    assertThat(response.status()).isEqualTo(200);
    JsonArray ids = response.json().getJsonArray("ids");
    assertThat(ids).hasSize(3);
    JsonObject first = api.get("/v1/events/" + ids.getString(0) + "?project_id=" + other).json();
    JsonObject second = api.get("/v1/events/" + ids.getString(1) + "?project_id=" + other).json();
    JsonObject third = api.get("/v1/events/" + ids.getString(2)).json();

    assertThat(first.getString("project_id")).isEqualTo(other);
    assertThat(Duration.between(Instant.parse(first.getString("timestamp")),
        Instant.parse(first.getString("received_at")))).isEqualTo(Duration.ofMinutes(10));
    assertThat(Duration.between(Instant.parse(second.getString("timestamp")),
        Instant.parse(second.getString("received_at")))).isEqualTo(Duration.ofSeconds(30));
    assertThat(third.getString("project_id")).isEqualTo(gateway.projectId());
  }

  @Test
  @DisplayName("a bad batch-level sent_at or project_id is a 400 for the whole batch, naming the field")
  void badBatchFields() {
    String v = visitor();
    assertInvalid(api.post("/v1/events/batch", new JsonObject().put("sent_at", "soon")
        .put("events", new JsonArray().add(event(v)))), "sent_at");
    assertInvalid(api.post("/v1/events/batch", new JsonObject().put("project_id", 7)
        .put("events", new JsonArray().add(event(v)))), "project_id");
    assertThat(rows(v)).isZero();
  }

  @Test
  @DisplayName("malformed JSON is a 400 invalid_json on the batch endpoint too")
  void malformed() {
    assertError(api.post("/v1/events/batch", "{\"events\": [}"), 400, "invalid_request", "invalid_json");
  }
}
