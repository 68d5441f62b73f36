package io.echotag.projects;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.ZoneId;
import java.util.List;

/** A project and its settings, as cached per node. */
public record Project(String id, String organizationId, String name, String domain, ZoneId timezone,
                     JsonObject settings) {
  public static final long DEFAULT_SESSION_TIMEOUT_MS = 30 * 60 * 1000L;
  public static final List<String> DEFAULT_CONVERSION_EVENT_TYPES = List.of("purchase");
  public static final int DEFAULT_RETENTION_DAYS = 0;

  public long sessionTimeoutMs() {
    return settings.getLong("session_timeout_ms", DEFAULT_SESSION_TIMEOUT_MS);
  }

  public List<String> conversionEventTypes() {
    JsonArray types = settings.getJsonArray("conversion_event_types");
    return types == null ? DEFAULT_CONVERSION_EVENT_TYPES : types.stream().map(Object::toString).toList();
  }

  /** Origins allowed to call with this project's keys from a browser; empty means any origin. */
  public List<String> allowedOrigins() {
    JsonArray origins = settings.getJsonArray("allowed_origins");
    return origins == null ? List.of() : origins.stream().map(Object::toString).toList();
  }

  public boolean originAllowed(String origin) {
    List<String> allowed = allowedOrigins();
    return allowed.isEmpty() || allowed.contains("*") || allowed.contains(origin);
  }
}
