package io.echotag.webhooks;

import io.echotag.http.ApiError;
import io.echotag.http.Bodies;
import io.vertx.core.json.JsonObject;

/** A webhook's retry policy: {@code max_attempts} (1–20), {@code backoff_multiplier}, {@code initial_delay} and {@code max_delay} in ms. */
public record RetryConfig(int maxAttempts, double backoffMultiplier, long initialDelayMs, long maxDelayMs) {
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  public static final double DEFAULT_BACKOFF_MULTIPLIER = 2;
  public static final long DEFAULT_INITIAL_DELAY_MS = 1000;
  public static final long DEFAULT_MAX_DELAY_MS = 30_000;
  public static final RetryConfig DEFAULT = new RetryConfig(DEFAULT_MAX_ATTEMPTS, DEFAULT_BACKOFF_MULTIPLIER,
      DEFAULT_INITIAL_DELAY_MS, DEFAULT_MAX_DELAY_MS);
  static final long MAX_DELAY_CEILING_MS = 24 * 3600 * 1000L;

  /** Reads a stored or requested {@code retry_config}; missing fields take {@code base}'s values. */
  public static RetryConfig from(JsonObject json, RetryConfig base) {
    if (json == null) {
      return base;
    }
    int attempts = (int) value(json, "max_attempts", base.maxAttempts, 1, 20);
    Object m = json.getValue("backoff_multiplier");
    double multiplier = base.backoffMultiplier;
    if (m != null) {
      if (!(m instanceof Number n) || n.doubleValue() < 1 || n.doubleValue() > 10) {
        throw ApiError.unprocessable("retry_config.backoff_multiplier",
            "retry_config.backoff_multiplier must be a number from 1 to 10");
      }
      multiplier = n.doubleValue();
    }
    long initial = value(json, "initial_delay", base.initialDelayMs, 0, MAX_DELAY_CEILING_MS);
    long max = value(json, "max_delay", base.maxDelayMs, 0, MAX_DELAY_CEILING_MS);
    if (max < initial) {
      throw ApiError.unprocessable("retry_config.max_delay",
          "retry_config.max_delay must be at least retry_config.initial_delay");
    }
    return new RetryConfig(attempts, multiplier, initial, max);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("max_attempts", maxAttempts)
        .put("backoff_multiplier", backoffMultiplier)
        .put("initial_delay", initialDelayMs)
        .put("max_delay", maxDelayMs);
  }

  private static long value(JsonObject json, String field, long fallback, long min, long max) {
    try {
      Long v = Bodies.number(json, field, min, max);
      return v == null ? fallback : v;
    } catch (ApiError e) {
      throw ApiError.unprocessable("retry_config." + field, "retry_config." + e.getMessage());
    }
  }
}
