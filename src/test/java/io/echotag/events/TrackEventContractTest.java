package io.echotag.events;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.echotag.events.ErrorShape.assertError;
import static io.echotag.events.ErrorShape.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("POST /v1/events and GET /v1/events/{id}: the contract's rules over real HTTP")
class TrackEventContractTest {
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

  long storedFor(String visitorId) {
    return gateway.count("SELECT count(*) FROM events WHERE visitor_id = $1", visitorId);
  }

  static Stream<Arguments> invalidEvents() {
    String v = "vis_invalid";
    return Stream.of(
        Arguments.of("event_type", new JsonObject().put("visitor_id", v)),
        Arguments.of("event_type", event(v).put("event_type", "page view")),
        Arguments.of("event_type", event(v).put("event_type", "e".repeat(101))),
        Arguments.of("event_type", event(v).put("event_type", 5)),
        Arguments.of("visitor_id", new JsonObject().put("event_type", "page_view")),
        Arguments.of("visitor_id", event(v).put("visitor_id", "v".repeat(256))),
        Arguments.of("visitor_id", event(v).put("visitor_id", 17)),
        Arguments.of("data", event(v).put("data", new JsonArray().add("x"))),
        Arguments.of("data", event(v).put("data", "text")),
        Arguments.of("timestamp", event(v).put("timestamp", "yesterday")),
        Arguments.of("timestamp", event(v).put("timestamp", 1_706_350_530_123L)),
        Arguments.of("sent_at", event(v).put("sent_at", "2025-01-27 10:15")),
        Arguments.of("session_id", event(v).put("session_id", "s".repeat(256))),
        Arguments.of("session_id", event(v).put("session_id", 3)),
        Arguments.of("project_id", event(v).put("project_id", 3)),
        Arguments.of("id", event(v).put("id", "k".repeat(256))),
        Arguments.of("id", event(v).put("id", new JsonObject())));
  }

  @ParameterizedTest(name = "{index}: {0} in {1}")
  @MethodSource("invalidEvents")
  @DisplayName("an invalid field is a 400 in the error shape whose param and message name the field; nothing is stored")
  void invalidField(String field, JsonObject body) {
    Api.Response response = api.post("/v1/events", body);

    assertInvalid(response, field);
    assertThat(storedFor("vis_invalid")).isZero();
  }

  @Test
  @DisplayName("an Idempotency-Key header over 255 characters is a 400 naming Idempotency-Key")
  void longIdempotencyHeader() {
    String v = visitor();
    Api.Response response = api.send("POST", "/v1/events", event(v), "Idempotency-Key", "k".repeat(256));

    assertInvalid(response, "Idempotency-Key");
    assertThat(storedFor(v)).isZero();
  }

  @Test
  @DisplayName("the request id sent in X-Request-Id comes back in the header and in the error")
  void requestIdEchoed() {
    Api.Response response = api.send("POST", "/v1/events", new JsonObject(), "X-Request-Id", "test-req-42");

    assertThat(response.header("X-Request-Id")).isEqualTo("test-req-42");
    assertThat(assertError(response, 400, "invalid_request", "missing_fields").getString("request_id"))
        .isEqualTo("test-req-42");
  }

  @Test
  @DisplayName("data over 32 KiB serialized is a 400 naming data; exactly 32 KiB is stored")
  void dataLimit() {
    String v = visitor();
    String overhead = new JsonObject().put("blob", "").encode();
    JsonObject exact = new JsonObject().put("blob", "a".repeat(32 * 1024 - overhead.length()));
    JsonObject over = new JsonObject().put("blob", "a".repeat(32 * 1024 - overhead.length() + 1));

    Api.Response rejected = api.post("/v1/events", event(v).put("data", over));
    assertThat(assertInvalid(rejected, "data").getString("message")).contains("32768");
    assertThat(storedFor(v)).isZero();

    Api.Response accepted = api.post("/v1/events", event(v).put("data", exact));
    assertThat(accepted.status()).as("%s", accepted.status()).isEqualTo(201);
    assertThat(accepted.json().getJsonObject("data")).isEqualTo(exact);
    assertThat(storedFor(v)).isEqualTo(1);
  }

  @Test
  @DisplayName("a body that is not application/json is a 415 in the error shape, and nothing is stored")
  void wrongContentType() {
    String v = visitor();
    Api.Response plain = api.send("POST", "/v1/events", event(v).encode(), "Content-Type", "text/plain");
    Api.Response form = api.send("POST", "/v1/events", "event_type=page_view&visitor_id=" + v,
        "Content-Type", "application/x-www-form-urlencoded");

    assertError(plain, 415, "invalid_request", "unsupported_media_type");
    assertError(form, 415, "invalid_request", "unsupported_media_type");
    assertThat(storedFor(v)).isZero();
  }

  @Test
  @DisplayName("application/json with a charset parameter is accepted")
  void jsonWithCharset() {
    String v = visitor();
    Api.Response response = api.send("POST", "/v1/events", event(v).encode(),
        "Content-Type", "application/json; charset=utf-8");

    assertThat(response.status()).isEqualTo(201);
    assertThat(storedFor(v)).isEqualTo(1);
  }

  @Test
  @DisplayName("malformed JSON, or JSON that is not an object, is a 400 invalid_json")
  void malformedJson() {
    assertError(api.post("/v1/events", "{\"event_type\": \"page_view\", "), 400, "invalid_request", "invalid_json");
    assertError(api.post("/v1/events", "not json at all"), 400, "invalid_request", "invalid_json");
    assertError(api.post("/v1/events", "[{\"event_type\": \"page_view\"}]"), 400, "invalid_request", "invalid_json");
  }

  @Test
  @DisplayName("a valid event is answered 201 with exactly the stored object")
  void storedObject() {
    String v = visitor();
    JsonObject data = new JsonObject().put("url", "https://shop.example/").put("revenue", 12.5);
    Api.Response response = api.post("/v1/events", event(v).put("data", data)
        .put("timestamp", "2025-01-20T08:00:00.000Z").put("unknown_field", "ignored"));

    assertThat(response.status()).isEqualTo(201);
    JsonObject created = response.json();
    assertThat(created.fieldNames()).containsExactlyInAnyOrder("id", "project_id", "event_type", "visitor_id",
        "session_id", "data", "timestamp", "received_at");
    assertThat(created.getString("id")).matches("evt_[0-9A-HJKMNP-TV-Z]{26}");
    assertThat(created.getString("timestamp")).isEqualTo("2025-01-20T08:00:00.000Z");
    assertThat(created.getString("received_at")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(created.getJsonObject("data")).isEqualTo(data);
    assertThat(withoutCauses(api.get("/v1/events/" + created.getString("id")).json())).isEqualTo(created);
  }

  @Test
  @DisplayName("sent_at corrects the client's clock: stored timestamp = received_at − (sent_at − timestamp)")
  void sentAtCorrection() {
    String v = visitor();
    // The client's clock is two days behind; the event happened 5 minutes before it sent the request.
    Api.Response response = api.post("/v1/events", event(v)
        .put("timestamp", "2020-03-01T10:00:00.000Z")
        .put("sent_at", "2020-03-01T10:05:00.000Z"));

    assertThat(response.status()).isEqualTo(201);
    Instant timestamp = Instant.parse(response.json().getString("timestamp"));
    Instant received = Instant.parse(response.json().getString("received_at"));
    assertThat(Duration.between(timestamp, received)).isEqualTo(Duration.ofMinutes(5));
    assertThat(received).isCloseTo(Instant.now(), within(1, ChronoUnit.MINUTES));

    OffsetDateTime stored = gateway.sql("SELECT \"timestamp\" FROM events WHERE visitor_id = $1", v).get(0)
        .getOffsetDateTime("timestamp");
    assertThat(stored.toInstant()).isEqualTo(timestamp);
  }

  @Test
  @DisplayName("a timestamp more than 24 h in the future is stored as received_at; one within 24 h is kept")
  void futureClamp() {
    String far = visitor();
    String near = visitor();
    Instant inTwoDays = Instant.now().plus(Duration.ofDays(2));
    Instant inOneHour = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);

    JsonObject farEvent = api.post("/v1/events", event(far).put("timestamp", inTwoDays.toString())).json();
    JsonObject nearEvent = api.post("/v1/events", event(near).put("timestamp", inOneHour.toString())).json();

    assertThat(farEvent.getString("timestamp")).isEqualTo(farEvent.getString("received_at"));
    assertThat(Instant.parse(nearEvent.getString("timestamp"))).isEqualTo(inOneHour);
    assertThat(gateway.sql("SELECT \"timestamp\" = received_at AS clamped FROM events WHERE visitor_id = $1", far)
        .get(0).getBoolean("clamped")).isTrue();
  }

  static Stream<Arguments> nulCharacters() {
    String v = "vis_nul";
    return Stream.of(
        Arguments.of("visitor_id", event("a\u0000b")),
        Arguments.of("session_id", event(v).put("session_id", "s\u0000")),
        Arguments.of("id", event(v).put("id", "key\u0000")),
        Arguments.of("project_id", event(v).put("project_id", "proj\u0000")),
        Arguments.of("data", event(v).put("data", new JsonObject().put("title", "a\u0000b"))),
        Arguments.of("data", event(v).put("data", new JsonObject().put("nested",
            new JsonObject().put("k\u0000", 1)))));
  }

  @ParameterizedTest(name = "{index}: {0}")
  @MethodSource("nulCharacters")
  @DisplayName("a NUL character, which PostgreSQL cannot store, is a 400 naming the field, not a 500")
  void nulCharacter(String field, JsonObject body) {
    assertInvalid(api.post("/v1/events", body), field);
  }

  @Test
  @DisplayName("an event PostgreSQL would refuse never fails the other events of its batch")
  void nulDoesNotPoisonBatch() {
    String v = visitor();
    Api.Response response = api.post("/v1/events/batch", new JsonObject().put("events", new JsonArray()
        .add(event(v))
        .add(event(v).put("data", new JsonObject().put("title", "a\u0000b")))
        .add(event(v))));

    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(response.json().getInteger("accepted")).isEqualTo(2);
    assertThat(response.json().getJsonArray("errors").getJsonObject(0).getInteger("index")).isEqualTo(1);
    assertThat(storedFor(v)).isEqualTo(2);
  }

  @Test
  @DisplayName("a timestamp PostgreSQL cannot hold is a 400 naming the field, and the project's list keeps working")
  void outOfRangeTimestamps() {
    String v = visitor();

    assertInvalid(api.post("/v1/events", event(v).put("timestamp", "-5000-01-01T00:00:00Z")), "timestamp");
    assertInvalid(api.post("/v1/events", event(v).put("timestamp", "+200000-01-01T00:00:00Z")), "timestamp");
    assertInvalid(api.post("/v1/events", event(v).put("sent_at", "+200000-01-01T00:00:00Z")), "sent_at");
    // both inputs are fine alone, but the correction lands about 8,000 years before our era
    assertInvalid(api.post("/v1/events", event(v).put("timestamp", "0001-01-01T00:00:00Z")
        .put("sent_at", "9999-12-31T00:00:00Z")), "timestamp");
    Api.Response batch = api.post("/v1/events/batch", new JsonObject().put("events", new JsonArray()
        .add(event(v)).add(event(v).put("timestamp", "-5000-01-01T00:00:00Z"))));

    assertThat(batch.status()).isEqualTo(200);
    assertThat(batch.json().getInteger("accepted")).isEqualTo(1);
    assertThat(storedFor(v)).isEqualTo(1);
    Api.Response list = api.get("/v1/events?visitor_id=" + v);
    assertThat(list.status()).as("%s", list).isEqualTo(200);
    assertThat(list.data()).hasSize(1);
  }

  @Test
  @DisplayName("the oldest and newest four-digit years are stored and read back unchanged")
  void extremeButValidTimestamps() {
    String v = visitor();
    Api.Response old = api.post("/v1/events", event(v).put("timestamp", "0001-01-01T00:00:00.000Z"));

    assertThat(old.status()).as("%s", old).isEqualTo(201);
    assertThat(old.json().getString("timestamp")).isEqualTo("0001-01-01T00:00:00.000Z");
    assertThat(api.get("/v1/events/" + old.json().getString("id")).json().getString("timestamp"))
        .isEqualTo("0001-01-01T00:00:00.000Z");
    assertThat(api.get("/v1/events?visitor_id=" + v).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("a NUL character in a query parameter is a 400 naming it; in an event id it is a 404")
  void nulInQuery() {
    assertInvalid(api.get("/v1/events?visitor_id=a%00b"), "visitor_id");
    assertInvalid(api.get("/v1/events?event_type=%00"), "event_type");
    assertError(api.get("/v1/events/evt%00x"), 404, "invalid_request", "event_not_found");
  }

  @Test
  @DisplayName("sessions are assigned across requests: continued within 30 min, merged with a late event, new after")
  void sessionsThroughTheDatabase() {
    String v = visitor();
    JsonObject first = api.post("/v1/events", event(v).put("timestamp", "2024-05-01T10:00:00.000Z")
        .put("data", new JsonObject().put("url", "https://shop.example/a").put("referrer", "https://ref.example/")))
        .json();
    JsonObject second = api.post("/v1/events", event(v).put("timestamp", "2024-05-01T10:20:00.000Z")
        .put("data", new JsonObject().put("url", "https://shop.example/b"))).json();
    JsonObject late = api.post("/v1/events", event(v).put("timestamp", "2024-05-01T09:45:00.000Z")
        .put("data", new JsonObject().put("url", "https://shop.example/landing"))).json();
    JsonObject after = api.post("/v1/events", event(v).put("timestamp", "2024-05-01T10:50:00.001Z")
        .put("data", new JsonObject().put("url", "https://shop.example/c"))).json();

    String session = first.getString("session_id");
    assertThat(session).startsWith("ses_");
    assertThat(second.getString("session_id")).isEqualTo(session);
    assertThat(late.getString("session_id")).isEqualTo(session);
    assertThat(after.getString("session_id")).startsWith("ses_").isNotEqualTo(session);

    var row = gateway.sql("SELECT started_at, ended_at, event_count, entry_url, exit_url, referrer FROM sessions "
        + "WHERE id = $1", session).get(0);
    assertThat(row.getOffsetDateTime("started_at").toInstant()).isEqualTo(Instant.parse("2024-05-01T09:45:00Z"));
    assertThat(row.getOffsetDateTime("ended_at").toInstant()).isEqualTo(Instant.parse("2024-05-01T10:20:00Z"));
    assertThat(row.getLong("event_count")).isEqualTo(3);
    assertThat(row.getString("entry_url")).isEqualTo("https://shop.example/landing");
    assertThat(row.getString("exit_url")).isEqualTo("https://shop.example/b");
    // The late event became the session's landing, and it came without a referrer.
    assertThat(row.getString("referrer")).isNull();
    var visitor = gateway.sql("SELECT event_count, session_count FROM visitors WHERE visitor_id = $1", v).get(0);
    assertThat(visitor.getLong("event_count")).isEqualTo(4);
    assertThat(visitor.getLong("session_count")).isEqualTo(2);
  }

  @Test
  @DisplayName("GET /v1/events/{id} of an unknown id is a 404 event_not_found")
  void unknownEvent() {
    Api.Response response = api.get("/v1/events/evt_01JJ0000000000000000000000");

    assertError(response, 404, "invalid_request", "event_not_found");
  }

  @Test
  @DisplayName("a project the key cannot see is a 404 project_not_found on track, batch, list and get; nothing is stored")
  void invisibleProject() {
    String other = api.post("/v1/projects", new JsonObject().put("name", "other-" + UUID.randomUUID())).json()
        .getString("id");
    Api.Response keyResponse = api.post("/v1/auth/keys", new JsonObject().put("name", "restricted")
        .put("project_ids", new JsonArray().add(gateway.projectId())).put("scopes", new JsonArray().add("ingest").add("read")));
    assertThat(keyResponse.status()).isEqualTo(201);
    Api restricted = api.withKey(keyResponse.json().getString("key"));
    String v = visitor();

    Api.Response track = restricted.post("/v1/events", event(v).put("project_id", other));
    Api.Response unknown = restricted.post("/v1/events", event(v).put("project_id", "proj_does_not_exist"));
    Api.Response list = restricted.get("/v1/events?project_id=" + other);
    Api.Response batch = restricted.post("/v1/events/batch", new JsonObject().put("project_id", other)
        .put("events", new JsonArray().add(event(v))));

    assertError(track, 404, "invalid_request", "project_not_found");
    assertError(unknown, 404, "invalid_request", "project_not_found");
    assertThat(track.error().getString("message").replace(other, "ID"))
        .as("the same answer whether or not the project exists")
        .isEqualTo(unknown.error().getString("message").replace("proj_does_not_exist", "ID"));
    assertError(list, 404, "invalid_request", "project_not_found");
    assertThat(batch.status()).isEqualTo(200);
    assertThat(batch.json().getInteger("accepted")).isZero();
    assertThat(batch.json().getJsonArray("errors").getJsonObject(0).getJsonObject("error").getString("code"))
        .isEqualTo("project_not_found");
    assertThat(storedFor(v)).isZero();

    // the admin key sees the other project, and an event of it is invisible through the restricted key
    String id = api.post("/v1/events", event(v).put("project_id", other)).json().getString("id");
    assertError(restricted.get("/v1/events/" + id + "?project_id=" + other), 404, "invalid_request",
        "project_not_found");
    assertError(restricted.get("/v1/events/" + id), 404, "invalid_request", "event_not_found");
    assertThat(api.get("/v1/events/" + id + "?project_id=" + other).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("echotag_events_ingested_total at /metrics grows by each newly stored event, not by repeats")
  void ingestedMetric() {
    double before = ingestedTotal();
    String v = visitor();
    for (int i = 0; i < 3; i++) {
      assertThat(api.post("/v1/events", event(v)).status()).isEqualTo(201);
    }
    JsonObject keyed = event(v).put("id", "metric-" + UUID.randomUUID());
    assertThat(api.post("/v1/events", keyed).status()).isEqualTo(201);
    assertThat(api.post("/v1/events", keyed).status()).isEqualTo(200);

    TestGateway.await("the counter to include 4 new events", 5_000, () -> ingestedTotal() >= before + 4);
    assertThat(ingestedTotal()).isEqualTo(before + 4);
  }

  static double ingestedTotal() {
    Api.Response metrics = api.get("/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    Matcher m = Pattern.compile("(?m)^echotag_events_ingested_total(?:\\{[^}]*\\})? (\\S+)$").matcher(metrics.body());
    assertThat(m.find()).as("echotag_events_ingested_total in /metrics").isTrue();
    return Double.parseDouble(m.group(1));
  }

  /** GET /v1/events/{id} adds what the event caused; the rest is the stored event. */
  static JsonObject withoutCauses(JsonObject event) {
    assertThat(event.getJsonArray("executions")).as("executions").isNotNull();
    assertThat(event.getJsonArray("deliveries")).as("deliveries").isNotNull();
    JsonObject copy = event.copy();
    copy.remove("executions");
    copy.remove("deliveries");
    return copy;
  }
}
