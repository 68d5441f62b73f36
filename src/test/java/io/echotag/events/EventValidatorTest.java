package io.echotag.events;

import io.echotag.http.ApiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("EventValidator")
class EventValidatorTest {
  static final int DATA_MAX = 32 * 1024;
  static final Instant RECEIVED = Instant.parse("2025-01-27T12:00:00.000Z");

  final EventValidator validator = new EventValidator(DATA_MAX);

  static JsonObject event() {
    return new JsonObject().put("event_type", "page_view").put("visitor_id", "vis_1");
  }

  EventValidator.Fields parse(JsonObject event) {
    return validator.parse(event, new JsonObject(), null, RECEIVED);
  }

  /** The 400 that parsing {@code event} fails with; asserts it names {@code param}. */
  ApiError rejection(JsonObject event, String param) {
    return rejection(event, null, param);
  }

  ApiError rejection(JsonObject event, String headerKey, String param) {
    ApiError error = catchThrowableOfType(ApiError.class,
        () -> validator.parse(event, new JsonObject(), headerKey, RECEIVED));
    assertThat(error).as("parsing %s should fail", event.encode()).isNotNull();
    assertThat(error.status()).isEqualTo(400);
    assertThat(error.type()).isEqualTo("invalid_request");
    assertThat(error.param()).isEqualTo(param);
    assertThat(error.getMessage()).contains(param);
    return error;
  }

  static String repeat(char c, int n) {
    return String.valueOf(c).repeat(n);
  }

  @Test
  @DisplayName("a minimal event is valid: empty data, the key's default project, receive time as timestamp")
  void minimalEvent() {
    EventValidator.Fields fields = parse(event());

    assertThat(fields.eventType()).isEqualTo("page_view");
    assertThat(fields.visitorId()).isEqualTo("vis_1");
    assertThat(fields.projectId()).isNull();
    assertThat(fields.sessionId()).isNull();
    assertThat(fields.idempotencyKey()).isNull();
    assertThat(fields.data()).isEqualTo(new JsonObject());
    assertThat(fields.timestamp()).isEqualTo(RECEIVED);
    assertThat(fields.receivedAt()).isEqualTo(RECEIVED);
  }

  @Nested
  @DisplayName("event_type")
  class EventType {
    @Test
    @DisplayName("missing event_type and visitor_id are both named in one missing_fields error")
    void bothMissing() {
      ApiError error = catchThrowableOfType(ApiError.class, () -> parse(new JsonObject().put("data", new JsonObject())));

      assertThat(error.code()).isEqualTo("missing_fields");
      assertThat(error.getMessage()).isEqualTo("Missing required fields: event_type, visitor_id");
      assertThat(error.param()).isEqualTo("event_type,visitor_id");
    }

    @Test
    @DisplayName("an empty event_type counts as missing")
    void emptyIsMissing() {
      ApiError error = rejection(event().put("event_type", ""), "event_type");
      assertThat(error.code()).isEqualTo("missing_fields");
    }

    @ParameterizedTest(name = "\"{0}\" is accepted")
    @ValueSource(strings = {"page_view", "purchase", "add_to_cart", "form_submit", "identify", "a", "Checkout.Step-2:ok",
        "0123456789"})
    @DisplayName("letters, digits and _ . : - are accepted")
    void allowedCharset(String type) {
      assertThat(parse(event().put("event_type", type)).eventType()).isEqualTo(type);
    }

    @ParameterizedTest(name = "\"{0}\" is rejected")
    @ValueSource(strings = {"page view", "page/view", "café", "emoji😀", "semi;colon", "tab\t", "dollar$", " "})
    @DisplayName("any other character is rejected naming event_type")
    void rejectedCharset(String type) {
      ApiError error = rejection(event().put("event_type", type), "event_type");
      assertThat(error.code()).isEqualTo("invalid_field");
    }

    @Test
    @DisplayName("100 characters are accepted, 101 are rejected")
    void length() {
      assertThat(parse(event().put("event_type", repeat('e', 100))).eventType()).hasSize(100);
      rejection(event().put("event_type", repeat('e', 101)), "event_type");
    }

    @Test
    @DisplayName("a non-string event_type is rejected")
    void notAString() {
      rejection(event().put("event_type", 42), "event_type");
      rejection(event().put("event_type", new JsonObject()), "event_type");
    }
  }

  @Nested
  @DisplayName("visitor_id")
  class VisitorId {
    @Test
    @DisplayName("1 and 255 characters are accepted")
    void bounds() {
      assertThat(parse(event().put("visitor_id", "v")).visitorId()).isEqualTo("v");
      assertThat(parse(event().put("visitor_id", repeat('v', 255))).visitorId()).hasSize(255);
    }

    @Test
    @DisplayName("256 characters are rejected, an empty one counts as missing")
    void tooLongOrEmpty() {
      assertThat(rejection(event().put("visitor_id", repeat('v', 256)), "visitor_id").code()).isEqualTo("invalid_field");
      assertThat(rejection(event().put("visitor_id", ""), "visitor_id").code()).isEqualTo("missing_fields");
    }

    @Test
    @DisplayName("any characters are allowed (visitor ids are the client's), but a number is not a string")
    void anyCharacters() {
      assertThat(parse(event().put("visitor_id", "user@example.com / ü 1")).visitorId())
          .isEqualTo("user@example.com / ü 1");
      rejection(event().put("visitor_id", 12345), "visitor_id");
    }
  }

  @Nested
  @DisplayName("data")
  class Data {
    @Test
    @DisplayName("an object is kept as given")
    void object() {
      JsonObject data = new JsonObject().put("url", "https://example.com/").put("revenue", 9.99)
          .put("products", new JsonArray().add(new JsonObject().put("id", "p1")));
      assertThat(parse(event().put("data", data)).data()).isEqualTo(data);
    }

    @Test
    @DisplayName("null data is the empty object")
    void nullData() {
      assertThat(parse(event().putNull("data")).data()).isEqualTo(new JsonObject());
    }

    @Test
    @DisplayName("an array, a string or a number is rejected naming data")
    void notAnObject() {
      rejection(event().put("data", new JsonArray().add(1)), "data");
      rejection(event().put("data", "{\"url\": \"x\"}"), "data");
      rejection(event().put("data", 3), "data");
    }

    @Test
    @DisplayName("exactly 32 KiB serialized is accepted, one byte more is rejected naming data and the limit")
    void sizeLimit() {
      String overhead = new JsonObject().put("x", "").encode(); // {"x":""}
      JsonObject exact = new JsonObject().put("x", repeat('a', DATA_MAX - overhead.length()));
      assertThat(exact.toBuffer().length()).isEqualTo(DATA_MAX);
      assertThat(parse(event().put("data", exact)).data()).isEqualTo(exact);

      JsonObject over = new JsonObject().put("x", repeat('a', DATA_MAX - overhead.length() + 1));
      ApiError error = rejection(event().put("data", over), "data");
      assertThat(error.getMessage()).contains(String.valueOf(DATA_MAX)).contains(String.valueOf(DATA_MAX + 1));
    }

    @Test
    @DisplayName("the limit counts UTF-8 bytes, not characters")
    void sizeInBytes() {
      // 'é' is 2 bytes in UTF-8: 17,000 of them are fewer than 32,768 characters but more than 32 KiB
      JsonObject data = new JsonObject().put("x", repeat('é', 17_000));
      assertThat(data.encode().length()).isLessThan(DATA_MAX);
      rejection(event().put("data", data), "data");
    }
  }

  @Nested
  @DisplayName("timestamp and sent_at")
  class Timestamps {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"2025-01-27T10:15:30.123Z", "2025-01-27T10:15:30Z", "2025-01-27T12:15:30.123+02:00",
        "2025-01-27T05:15:30.123-05:00"})
    @DisplayName("ISO-8601 instants with Z or an offset are read as the same UTC instant")
    void isoForms(String text) {
      Instant ts = parse(event().put("timestamp", text)).timestamp();
      assertThat(ts).isBetween(Instant.parse("2025-01-27T10:15:30Z"), Instant.parse("2025-01-27T10:15:30.123Z"));
    }

    @ParameterizedTest(name = "\"{0}\" is rejected")
    @ValueSource(strings = {"yesterday", "2025-01-27", "2025-13-01T00:00:00Z", "27/01/2025 10:15", "1706350530123", ""})
    @DisplayName("anything else is rejected naming timestamp")
    void badTimestamp(String text) {
      rejection(event().put("timestamp", text), "timestamp");
    }

    @Test
    @DisplayName("a number (epoch millis) is rejected naming timestamp, and sent_at likewise")
    void numbers() {
      rejection(event().put("timestamp", 1_706_350_530_123L), "timestamp");
      rejection(event().put("sent_at", 1_706_350_530_123L), "sent_at");
      rejection(event().put("sent_at", "soon"), "sent_at");
    }

    @Test
    @DisplayName("sub-millisecond precision is cut to milliseconds")
    void millis() {
      assertThat(parse(event().put("timestamp", "2025-01-27T10:15:30.123456Z")).timestamp())
          .isEqualTo(Instant.parse("2025-01-27T10:15:30.123Z"));
    }

    @Test
    @DisplayName("without sent_at the client's timestamp is kept as is")
    void noSentAt() {
      assertThat(parse(event().put("timestamp", "2025-01-20T08:00:00.000Z")).timestamp())
          .isEqualTo(Instant.parse("2025-01-20T08:00:00.000Z"));
    }

    @Test
    @DisplayName("with sent_at the timestamp is received_at − (sent_at − timestamp), whatever the client's clock says")
    void sentAtCorrection() {
      // the client's clock is 3 h fast; the event happened 90 s before the request was sent
      EventValidator.Fields fields = parse(event()
          .put("timestamp", "2025-01-27T14:58:30.000Z")
          .put("sent_at", "2025-01-27T15:00:00.000Z"));

      assertThat(fields.timestamp()).isEqualTo(RECEIVED.minusSeconds(90));
      assertThat(fields.receivedAt()).isEqualTo(RECEIVED);
    }

    @Test
    @DisplayName("a slow client clock is corrected forward just the same")
    void slowClock() {
      EventValidator.Fields fields = parse(event()
          .put("timestamp", "2020-01-01T00:00:00.000Z")
          .put("sent_at", "2020-01-01T00:00:02.500Z"));
      assertThat(fields.timestamp()).isEqualTo(RECEIVED.minusMillis(2500));
    }

    @Test
    @DisplayName("sent_at without timestamp leaves the timestamp at receive time")
    void sentAtAlone() {
      assertThat(parse(event().put("sent_at", "2025-01-27T15:00:00.000Z")).timestamp()).isEqualTo(RECEIVED);
    }

    @Test
    @DisplayName("a batch-level sent_at applies to events that have none; an event's own sent_at wins")
    void batchSentAt() {
      JsonObject defaults = EventValidator.batchDefaults(new JsonObject()
          .put("project_id", "proj_batch").put("sent_at", "2025-01-27T12:10:00.000Z"));

      EventValidator.Fields inherited = validator.parse(event().put("timestamp", "2025-01-27T12:09:00.000Z"),
          defaults, null, RECEIVED);
      EventValidator.Fields own = validator.parse(event().put("timestamp", "2025-01-27T12:09:00.000Z")
          .put("sent_at", "2025-01-27T12:09:30.000Z").put("project_id", "proj_own"), defaults, null, RECEIVED);

      assertThat(inherited.timestamp()).isEqualTo(RECEIVED.minusSeconds(60));
      assertThat(inherited.projectId()).isEqualTo("proj_batch");
      assertThat(own.timestamp()).isEqualTo(RECEIVED.minusSeconds(30));
      assertThat(own.projectId()).isEqualTo("proj_own");
    }

    @Test
    @DisplayName("a bad batch-level sent_at is rejected naming sent_at")
    void badBatchSentAt() {
      assertThatThrownBy(() -> EventValidator.batchDefaults(new JsonObject().put("sent_at", "later")))
          .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.param()).isEqualTo("sent_at"));
    }

    @Test
    @DisplayName("a result up to 24 h in the future is kept; more than 24 h ahead is clamped to received_at")
    void futureClamp() {
      Instant in24h = RECEIVED.plus(Duration.ofHours(24));
      assertThat(EventValidator.correctedTimestamp(in24h, null, RECEIVED)).isEqualTo(in24h);
      assertThat(EventValidator.correctedTimestamp(in24h.plusMillis(1), null, RECEIVED)).isEqualTo(RECEIVED);
      assertThat(EventValidator.correctedTimestamp(RECEIVED.plus(Duration.ofDays(30)), null, RECEIVED))
          .isEqualTo(RECEIVED);
      // sent_at before timestamp pushes the corrected time into the future: the same clamp applies
      assertThat(EventValidator.correctedTimestamp(RECEIVED, RECEIVED.minus(Duration.ofHours(25)), RECEIVED))
          .isEqualTo(RECEIVED);
      assertThat(EventValidator.correctedTimestamp(RECEIVED, RECEIVED.minus(Duration.ofHours(23)), RECEIVED))
          .isEqualTo(RECEIVED.plus(Duration.ofHours(23)));
    }

    @Test
    @DisplayName("a far-future timestamp sent through parse is stored at receive time")
    void futureThroughParse() {
      assertThat(parse(event().put("timestamp", "2025-02-03T12:00:00.000Z")).timestamp()).isEqualTo(RECEIVED);
    }
  }

  @Nested
  @DisplayName("what PostgreSQL cannot store")
  class Storable {
    @Test
    @DisplayName("a NUL character in any string field or the header key is rejected naming it")
    void nulInFields() {
      rejection(event().put("visitor_id", "a\0b"), "visitor_id");
      rejection(event().put("session_id", "\0"), "session_id");
      rejection(event().put("project_id", "proj\0"), "project_id");
      rejection(event().put("id", "key\0"), "id");
      rejection(event(), "key\0", "Idempotency-Key");
    }

    @Test
    @DisplayName("a NUL character in any key or string of data, however deep, is rejected naming data")
    void nulInData() {
      rejection(event().put("data", new JsonObject().put("title", "a\0b")), "data");
      rejection(event().put("data", new JsonObject().put("k\0", 1)), "data");
      rejection(event().put("data", new JsonObject().put("products", new JsonArray()
          .add(new JsonObject().put("name", "ok")).add(new JsonObject().put("name", "x\0")))), "data");
      // the six characters backslash-u-0-0-0-0 are ordinary text
      assertThat(parse(event().put("data", new JsonObject().put("s", "\\u0000"))).data().getString("s"))
          .isEqualTo("\\u0000");
    }

    @Test
    @DisplayName("timestamps and sent_at outside the years 0001 to 9999 are rejected naming the field")
    void yearRange() {
      assertThat(parse(event().put("timestamp", "0001-01-01T00:00:00Z")).timestamp())
          .isEqualTo(Instant.parse("0001-01-01T00:00:00Z"));
      rejection(event().put("timestamp", "0000-12-31T23:59:59.999Z"), "timestamp");
      rejection(event().put("timestamp", "-5000-01-01T00:00:00Z"), "timestamp");
      rejection(event().put("timestamp", "+10000-01-01T00:00:00Z"), "timestamp");
      rejection(event().put("sent_at", "+999999999-12-31T23:59:59Z"), "sent_at");
      rejection(event().put("sent_at", "-999999999-01-01T00:00:00Z"), "sent_at");
    }

    @Test
    @DisplayName("a sent_at correction that lands before the year 0001 is rejected naming timestamp")
    void correctionBeforeYearOne() {
      rejection(event().put("timestamp", "0001-01-01T00:00:00Z").put("sent_at", "9999-12-31T00:00:00Z"), "timestamp");
      // a large but possible correction is fine
      assertThat(parse(event().put("timestamp", "1000-01-01T00:00:00Z").put("sent_at", "2000-01-01T00:00:00Z"))
          .timestamp()).isEqualTo(RECEIVED.minus(Duration.between(Instant.parse("1000-01-01T00:00:00Z"),
          Instant.parse("2000-01-01T00:00:00Z"))));
    }
  }

  @Nested
  @DisplayName("session_id and project_id")
  class SessionAndProject {
    @Test
    @DisplayName("a client session_id is kept; it must be a string of 1 to 255 characters")
    void sessionId() {
      assertThat(parse(event().put("session_id", "my-session")).sessionId()).isEqualTo("my-session");
      assertThat(parse(event().put("session_id", repeat('s', 255))).sessionId()).hasSize(255);
      rejection(event().put("session_id", repeat('s', 256)), "session_id");
      rejection(event().put("session_id", 7), "session_id");
    }

    @Test
    @DisplayName("project_id must be a string")
    void projectId() {
      assertThat(parse(event().put("project_id", "proj_x")).projectId()).isEqualTo("proj_x");
      rejection(event().put("project_id", 12), "project_id");
    }
  }

  @Nested
  @DisplayName("idempotency key")
  class IdempotencyKey {
    @Test
    @DisplayName("the body's id is the key")
    void bodyId() {
      assertThat(parse(event().put("id", "order-42")).idempotencyKey()).isEqualTo("order-42");
    }

    @Test
    @DisplayName("the Idempotency-Key header is the key when the body has no id")
    void header() {
      assertThat(validator.parse(event(), new JsonObject(), "hdr-1", RECEIVED).idempotencyKey()).isEqualTo("hdr-1");
    }

    @Test
    @DisplayName("the body's id wins over the header; an empty header is no key")
    void precedence() {
      assertThat(validator.parse(event().put("id", "body-1"), new JsonObject(), "hdr-1", RECEIVED).idempotencyKey())
          .isEqualTo("body-1");
      assertThat(validator.parse(event(), new JsonObject(), "", RECEIVED).idempotencyKey()).isNull();
    }

    @Test
    @DisplayName("a key over 255 characters is rejected, naming id or Idempotency-Key")
    void tooLong() {
      assertThat(parse(event().put("id", repeat('k', 255))).idempotencyKey()).hasSize(255);
      rejection(event().put("id", repeat('k', 256)), "id");
      rejection(event(), repeat('k', 256), "Idempotency-Key");
    }

    @Test
    @DisplayName("a non-string id is rejected naming id")
    void notAString() {
      rejection(event().put("id", 42), "id");
    }
  }
}
