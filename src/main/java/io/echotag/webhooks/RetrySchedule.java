package io.echotag.webhooks;

import java.util.random.RandomGenerator;

/**
 * When the next attempt happens: the n-th retry waits
 * {@code min(initial_delay × backoff_multiplier^(n-1), max_delay)} with ±20 % jitter; a
 * receiver's {@code Retry-After} replaces the computed delay, still capped by {@code max_delay}.
 * Pure: the randomness is passed in.
 */
public final class RetrySchedule {
  static final double JITTER = 0.2;

  private RetrySchedule() {
  }

  /**
   * The delay before retry number {@code retry} (1 = the first retry, after the first attempt).
   *
   * @param retryAfterMs the receiver's {@code Retry-After} in ms, or a negative number when it sent none
   */
  public static long delayMs(RetryConfig config, int retry, long retryAfterMs, RandomGenerator random) {
    if (retryAfterMs >= 0) {
      return Math.min(retryAfterMs, config.maxDelayMs());
    }
    double base = config.initialDelayMs() * Math.pow(config.backoffMultiplier(), Math.max(0, retry - 1));
    double capped = Math.min(base, config.maxDelayMs());
    double jittered = capped * (1 + JITTER * (2 * random.nextDouble() - 1));
    return Math.max(0, Math.round(jittered));
  }

  /** Parses {@code Retry-After}: delta seconds or an HTTP date; -1 when absent or unreadable. */
  public static long parseRetryAfter(String header, long nowEpochMs) {
    if (header == null || header.isBlank()) {
      return -1;
    }
    String value = header.trim();
    try {
      long seconds = Long.parseLong(value);
      if (seconds < 0) {
        return -1;
      }
      // Saturate rather than wrap: a huge delay must stay huge (and then be capped by max_delay).
      return seconds > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : seconds * 1000;
    } catch (NumberFormatException notSeconds) {
      try {
        long at = java.time.ZonedDateTime.parse(value, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
            .toInstant().toEpochMilli();
        return Math.max(0, at - nowEpochMs);
      } catch (java.time.format.DateTimeParseException notDate) {
        return -1;
      }
    }
  }
}
