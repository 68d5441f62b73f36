package io.echotag.events;

import io.echotag.common.Ids;
import io.echotag.common.Times;
import io.echotag.http.ApiError;
import io.echotag.http.Bodies;
import io.echotag.projects.Project;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * The contract's rules for one event, checked before anything is queued. Parsing is split from
 * project resolution ({@link Fields#toInput}) because the project is looked up asynchronously.
 */
final class EventValidator {
  static final Pattern EVENT_TYPE = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");
  static final int VISITOR_ID_MAX = 255;
  static final int KEY_MAX = 255;
  static final Duration MAX_FUTURE = Duration.ofHours(24);
  /** Four-digit ISO-8601 years: PostgreSQL stores them all, and the API can print them back. */
  static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

  private final int dataMaxBytes;

  EventValidator(int dataMaxBytes) {
    this.dataMaxBytes = dataMaxBytes;
  }

  /** An event's fields, valid on their own; {@code projectId} null means the key's default. */
  record Fields(String projectId, String eventType, String visitorId, String sessionId, JsonObject data,
                Instant timestamp, Instant receivedAt, String idempotencyKey) {
    EventInput toInput(Project project) {
      return new EventInput(Ids.next("evt"), project.id(), eventType, visitorId, sessionId, data, timestamp,
          receivedAt, idempotencyKey, project.sessionTimeoutMs(), 0, null);
    }
  }

  /**
   * Validates one event object. {@code defaults} carries the batch-level {@code project_id} and
   * {@code sent_at} (an empty object for single events); {@code headerKey} is the
   * {@code Idempotency-Key} header, used when the body has no {@code id}.
   */
  Fields parse(JsonObject event, JsonObject defaults, String headerKey, Instant receivedAt) {
    Bodies.require(event, "event_type", "visitor_id");
    Object type = event.getValue("event_type");
    if (!(type instanceof String eventType) || !EVENT_TYPE.matcher(eventType).matches()) {
      throw ApiError.invalid("event_type",
          "event_type must be 1 to 100 characters of letters, digits and _ . : - (got " + describe(type) + ")");
    }
    String visitorId = Bodies.string(event, "visitor_id", VISITOR_ID_MAX);
    String sessionId = Bodies.string(event, "session_id", VISITOR_ID_MAX);
    String projectId = Bodies.string(event, "project_id", 100);
    if (projectId == null) {
      projectId = Bodies.string(defaults, "project_id", 100);
    }
    String key = Bodies.string(event, "id", KEY_MAX);
    if (key == null && headerKey != null && !headerKey.isEmpty()) {
      if (headerKey.length() > KEY_MAX || Bodies.hasNul(headerKey)) {
        throw ApiError.invalid("Idempotency-Key",
            "The Idempotency-Key header must be at most 255 characters, without NUL characters");
      }
      key = headerKey;
    }
    JsonObject data = data(event);
    Instant timestamp = instant(event, "timestamp");
    Instant sentAt = instant(event, "sent_at");
    if (sentAt == null) {
      sentAt = instant(defaults, "sent_at");
    }
    Instant corrected = correctedTimestamp(timestamp, sentAt, receivedAt);
    if (corrected.isBefore(EARLIEST)) {
      throw ApiError.invalid("timestamp", "timestamp corrected by sent_at (received_at − (sent_at − timestamp)) "
          + "falls before the year 0001; sent_at and timestamp are too far apart");
    }
    return new Fields(projectId, (String) type, visitorId, sessionId, data, corrected, receivedAt, key);
  }

  /** The batch-level {@code project_id} and {@code sent_at}, checked once for all events. */
  static JsonObject batchDefaults(JsonObject batch) {
    String projectId = Bodies.string(batch, "project_id", 100);
    instant(batch, "sent_at");
    return new JsonObject().put("project_id", projectId).put("sent_at", batch.getValue("sent_at"));
  }

  /**
   * The client's clock corrected by how far its {@code sent_at} is from our receive time:
   * {@code received_at − (sent_at − timestamp)}; more than 24 h ahead of us is clamped to now.
   */
  static Instant correctedTimestamp(Instant timestamp, Instant sentAt, Instant receivedAt) {
    if (timestamp == null) {
      return receivedAt;
    }
    Instant corrected = sentAt == null ? timestamp : receivedAt.minus(Duration.between(timestamp, sentAt));
    corrected = Times.millis(corrected);
    return corrected.isAfter(receivedAt.plus(MAX_FUTURE)) ? receivedAt : corrected;
  }

  private JsonObject data(JsonObject event) {
    JsonObject data = Bodies.object(event, "data");
    if (data == null) {
      return new JsonObject();
    }
    int size = data.toBuffer().length();
    if (size > dataMaxBytes) {
      throw ApiError.invalid("data", "data is " + size + " bytes when serialized; the limit is " + dataMaxBytes);
    }
    if (Bodies.hasNul(data)) {
      throw ApiError.invalid("data", "data must not contain the NUL character (\\u0000) in any key or string");
    }
    return data;
  }

  private static Instant instant(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    Instant instant = value instanceof String s ? Times.parseInstant(s) : null;
    if (instant == null || instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
      throw ApiError.invalid(field, field + " must be an ISO-8601 timestamp in the years 0001 to 9999, such as "
          + "2025-01-27T10:15:30.123Z (got " + describe(value) + ")");
    }
    return instant;
  }

  private static String describe(Object value) {
    String text = value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    return text.length() > 60 ? text.substring(0, 60) + "…" : text;
  }
}
